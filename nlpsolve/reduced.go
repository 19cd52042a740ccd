package nlpsolve

import (
	"fmt"
	"math"
)

// reduced is the objective as a function of the superbasic elements alone: a forward
// sweep computes every defined variable, an adjoint sweep the gradient and the
// equation multipliers, a second-order sweep Hessian-vector products.
type reduced struct {
	p    *Problem
	st   *structure
	sign float64 // +1 minimise, -1 maximise

	x     [][]float64 // full point
	r     [][]float64 // residual buffer per equation
	bar   [][]float64 // adjoints per variable block
	w     [][]float64 // per equation: the weights of its last VJP (-bar/coef)
	dx    [][]float64 // tangents
	dbar  [][]float64 // tangents of the adjoints
	dw    [][]float64
	evals int
	// lastEval counts forward sweeps; gradAt is the sweep the adjoints belong to.
	lastEval, gradAt int
	bounded          []bool  // per variable block: some element has a finite bound
	boundViol        float64 // worst bound violation of a defined variable in the last sweep
	boundVar         string
}

func newReduced(p *Problem, st *structure, x0 [][]float64) *reduced {
	rf := &reduced{p: p, st: st, sign: 1}
	if p.Maximize {
		rf.sign = -1
	}
	alloc := func() [][]float64 {
		out := make([][]float64, len(p.Vars))
		for i, v := range p.Vars {
			out[i] = make([]float64, v.Size())
		}
		return out
	}
	rf.x, rf.bar, rf.dx, rf.dbar = alloc(), alloc(), alloc(), alloc()
	rf.bounded = make([]bool, len(p.Vars))
	for i, v := range p.Vars {
		for k := range v.Lo {
			if !math.IsInf(v.Lo[k], -1) || !math.IsInf(v.Up[k], 1) {
				rf.bounded[i] = true
				break
			}
		}
	}
	for i := range x0 {
		projectOnBounds(rf.x[i], x0[i], p.Vars[i])
	}
	rf.r = make([][]float64, len(p.Equations))
	rf.w = make([][]float64, len(p.Equations))
	rf.dw = make([][]float64, len(p.Equations))
	for i, e := range p.Equations {
		rf.r[i] = make([]float64, e.Block.Rows())
		rf.w[i] = make([]float64, e.Block.Rows())
		rf.dw[i] = make([]float64, e.Block.Rows())
	}
	return rf
}

// residualNorms evaluates every equation at the current full point without changing it
// (the infeasibility of the input point).
func (rf *reduced) residualNorms() (sum, max float64, count int) {
	for _, ei := range rf.st.order {
		e := rf.p.Equations[ei]
		e.Block.Eval(rf.x, rf.r[ei])
		for _, v := range rf.r[ei] {
			a := math.Abs(v)
			sum += a
			if a > 1e-9 {
				count++
			}
			max = math.Max(max, a)
		}
	}
	rf.lastEval++
	return
}

// value sets the superbasics to s, sweeps forward and returns the (sign-adjusted)
// objective. It returns +Inf when a defined variable leaves its bounds or a value is
// not finite.
func (rf *reduced) value(s []float64) float64 {
	rf.st.unpack(s, rf.x)
	rf.evals++
	rf.lastEval++
	rf.boundViol = 0
	for _, ei := range rf.st.order {
		e := rf.p.Equations[ei]
		e.Block.Eval(rf.x, rf.r[ei])
		v := rf.x[e.Defines]
		inv := 1 / e.Coef
		if !rf.bounded[e.Defines] {
			for i, r := range rf.r[ei] {
				v[i] -= r * inv
			}
			continue
		}
		lo, up := rf.p.Vars[e.Defines].Lo, rf.p.Vars[e.Defines].Up
		for i, r := range rf.r[ei] {
			v[i] -= r * inv
			viol := lo[i] - v[i]
			if d := v[i] - up[i]; d > viol {
				viol = d
			}
			if viol > rf.boundViol {
				rf.boundViol, rf.boundVar = viol, rf.p.Vars[e.Defines].Name
			}
		}
	}
	f := rf.sign * rf.x[rf.p.Objective][0]
	if math.IsNaN(f) || rf.boundViol > 1e-9 {
		return math.Inf(1)
	}
	return f
}

// gradient runs the adjoint sweep at the point of the last value call and packs the
// sign-adjusted reduced gradient into g.
func (rf *reduced) gradient(g []float64) {
	for _, b := range rf.bar {
		clear(b)
	}
	rf.bar[rf.p.Objective][0] = 1
	for k := len(rf.st.order) - 1; k >= 0; k-- {
		ei := rf.st.order[k]
		e := rf.p.Equations[ei]
		w := rf.w[ei]
		vb := rf.bar[e.Defines]
		for i := range w {
			w[i] = -vb[i] / e.Coef
		}
		e.Block.VJP(w, rf.bar)
	}
	rf.st.pack(rf.bar, g)
	if rf.sign < 0 {
		for i := range g {
			g[i] = -g[i]
		}
	}
	rf.gradAt = rf.lastEval
}

// hessVec stores the reduced Hessian times d in hd, at the point and multipliers of
// the last gradient call.
func (rf *reduced) hessVec(d, hd []float64) error {
	if rf.gradAt != rf.lastEval {
		return fmt.Errorf("nlpsolve: internal: Hessian product requested away from the last gradient point")
	}
	for _, b := range rf.dx {
		clear(b)
	}
	for _, b := range rf.dbar {
		clear(b)
	}
	rf.st.unpack(d, rf.dx)
	for _, ei := range rf.st.order {
		e := rf.p.Equations[ei]
		e.Block.JVP(rf.dx, rf.r[ei])
		v := rf.dx[e.Defines]
		for i, r := range rf.r[ei] {
			v[i] = -r / e.Coef
		}
	}
	for k := len(rf.st.order) - 1; k >= 0; k-- {
		ei := rf.st.order[k]
		e := rf.p.Equations[ei]
		dw := rf.dw[ei]
		db := rf.dbar[e.Defines]
		for i := range dw {
			dw[i] = -db[i] / e.Coef
		}
		e.Block.HVP(rf.w[ei], dw, rf.dx, rf.dbar)
	}
	rf.st.pack(rf.dbar, hd)
	if rf.sign < 0 {
		for i := range hd {
			hd[i] = -hd[i]
		}
	}
	return nil
}

// marginals returns the equation marginals (∂objective/∂rhs, of the objective as
// stated, not sign-adjusted) and the variable marginals: the reduced cost of every
// element of a variable that is not defined by an equation, zero for defined ones.
func (rf *reduced) marginals() (eq, vars [][]float64) {
	eq = make([][]float64, len(rf.p.Equations))
	for ei, ws := range rf.w {
		eq[ei] = make([]float64, len(ws))
		for i, w := range ws {
			eq[ei][i] = -w // = bar/coef
		}
	}
	vars = make([][]float64, len(rf.p.Vars))
	for vb := range rf.p.Vars {
		vars[vb] = make([]float64, rf.p.Vars[vb].Size())
		if rf.st.defined[vb] < 0 {
			copy(vars[vb], rf.bar[vb])
		}
	}
	return eq, vars
}

// projectOnBounds stores x0 projected onto v's bounds in x: a level outside its
// bounds starts at the nearest bound, and a fixed element (Lo = Up) at its value,
// whatever level it had from an earlier solve.
func projectOnBounds(x, x0 []float64, v Variable) {
	for k, val := range x0 {
		x[k] = clamp(val, v.Lo[k], v.Up[k])
	}
}
