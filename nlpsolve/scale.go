package nlpsolve

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt/backend"
)

// Scaling chooses how the superbasic variables are scaled. The solver works on
// u = s/c, where s is the variable as the user states it and c its scale; bounds
// become lo/c and up/c, the gradient c·g. Levels, marginals and objectives are
// always reported unscaled; RGmax and the gradient tolerance refer to the scaled
// variables. Unless ScaleUser (in the general method, unless a variable or
// equation has a Scale), an objective whose value and derivatives at the start
// are all small (below 1/AutoScaleMin; in the general method, at a start that
// satisfies the rows) counts as multiplied by a power of two
// that brings them to about 1 (MaxObjectiveScale at most): the gradient
// tolerance, which is absolute, then means the same for an objective in any
// units. The general method looks again where it stops optimal, and goes on
// with a larger scale where the objective there calls for one.
type Scaling int

const (
	// DefaultScaling is the zero value: ScaleAuto in the triangular method; in the
	// general method the variables' and equations' Scale, or, where none is set,
	// automatic column scales from the start's magnitudes (SolveGeneral).
	DefaultScaling Scaling = iota
	// ScaleAuto multiplies each variable's Scale by one factor per variable block,
	// chosen so that a random unit step in any block moves the rows of the equations
	// that read it by about the same amount: the factor is the reciprocal of the root
	// mean square row norm of the block's Jacobian columns, relative to the largest
	// such factor (so no scale exceeds the user's and tolerances never get looser).
	// A weight matrix that reads 784 pixels gets a smaller scale than one that reads
	// 20 hidden units; without it, quasi-Newton steps blow the first layer up and
	// saturate the network.
	ScaleAuto
	// ScaleUser uses the variables' Scale alone (1 where nil); in the general
	// method it turns the automatic column scaling off; in both methods the
	// automatic objective scale.
	ScaleUser
)

func (s Scaling) String() string {
	switch s {
	case DefaultScaling, ScaleAuto:
		return "auto"
	case ScaleUser:
		return "user"
	}
	return fmt.Sprintf("Scaling(%d)", int(s))
}

// scaled is the reduced objective in scaled superbasics u = s/c, its vectors on the
// optimizer's backend.
type scaled struct {
	rf *reduced
	c  backend.Vector
	s  backend.Vector // the unscaled point or direction
}

func (sc *scaled) value(u backend.Vector) float64 {
	sc.rf.vec.mulTo(sc.s, sc.c, u)
	return sc.rf.value(sc.s)
}

func (sc *scaled) gradient(g backend.Vector) {
	sc.rf.gradient(g)
	sc.rf.vec.mulTo(g, sc.c, g)
}

func (sc *scaled) hessVec(d, hd backend.Vector) error {
	sc.rf.vec.mulTo(sc.s, sc.c, d)
	if err := sc.rf.hessVec(sc.s, hd); err != nil {
		return err
	}
	sc.rf.vec.mulTo(hd, sc.c, hd)
	return nil
}

// scales returns the scale of every superbasic element, or nil when all are 1. The
// automatic factors are measured at the point of the last forward sweep; the caller
// sweeps again before using the derivative products.
func (rf *reduced) scales(mode Scaling) ([]float64, error) {
	st, p := rf.st, rf.p
	c := make([]float64, st.n)
	k := 0
	for _, sg := range st.segs {
		user := p.Vars[sg.vb].Scale
		for _, i := range sg.elem {
			c[k] = 1
			if user != nil {
				if v := user[i]; !(v > 0) || math.IsInf(v, 1) {
					return nil, fmt.Errorf("nlpsolve: variable %q element %d: scale %g, want a finite positive number", p.Vars[sg.vb].Name, i, v)
				}
				c[k] = user[i]
			}
			k++
		}
	}
	if mode != ScaleUser && len(st.segs) > 1 {
		factors := rf.blockFactors()
		k = 0
		for j, sg := range st.segs {
			for range sg.elem {
				c[k] *= factors[j]
				k++
			}
		}
	}
	for _, v := range c {
		if v != 1 {
			return c, nil
		}
	}
	return nil, nil
}

// blockFactors is ScaleAuto's factor for every superbasic segment: with v a fixed
// random ±1 vector on the segment's elements and zero elsewhere, the root mean
// square of J·v over the rows of every equation that reads the block estimates the
// rows' norms restricted to the block (E‖Jv‖² = Σ‖J_r‖²). The factor is its
// reciprocal, divided by the largest such reciprocal and rounded to a power of two.
// A segment that moves no row
// keeps factor 1.
func (rf *reduced) blockFactors() []float64 {
	st, p, be := rf.st, rf.p, rf.be
	factors := make([]float64, len(st.segs))
	rms := make([]float64, len(st.segs))
	state := uint64(0x9e3779b97f4a7c15)
	for j, sg := range st.segs {
		rf.clear(rf.dxAll)
		signs := make([]float64, p.Vars[sg.vb].Size())
		for _, i := range sg.elem {
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			signs[i] = float64(int(state&1)*2 - 1)
		}
		be.Upload(rf.dx[sg.vb], signs)
		var sum float64
		rows := 0
		for ei, e := range p.Equations {
			reads := false
			for _, vb := range e.Vars {
				reads = reads || vb == sg.vb
			}
			if !reads {
				continue
			}
			r := rf.r[ei]
			rf.blocks[ei].JVPOn(rf.dx, r)
			sum += be.Reduce(backend.Sum, backend.Op{Code: backend.Mul}, r.Len(), backend.In{V: r}, backend.In{V: r})
			rows += r.Len()
		}
		if rows > 0 && sum > 0 && !math.IsInf(sum, 0) {
			rms[j] = math.Sqrt(sum / float64(rows))
		}
	}
	minRMS := math.Inf(1)
	for _, r := range rms {
		if r > 0 {
			minRMS = math.Min(minRMS, r)
		}
	}
	for j, r := range rms {
		factors[j] = 1
		if r > 0 {
			// A power of two: scaling and unscaling are then exact.
			factors[j] = math.Exp2(math.Round(math.Log2(minRMS / r)))
		}
	}
	rf.clear(rf.dxAll)
	return factors
}
