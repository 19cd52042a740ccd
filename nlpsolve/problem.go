// Package nlpsolve is nnopt's reduced-gradient solver. It works on equation blocks —
// whole tensor-shaped equations with Jacobian and Hessian products — rather than on
// scalar rows, and it exploits the structure of networks: when every equation defines
// one variable block from the others, the defined variables are computed by a forward
// sweep, the equation marginals by an adjoint sweep, and the problem reduces to a
// bound-constrained one in the remaining (superbasic) variables.
package nlpsolve

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// ErrEvaluation is wrapped by the errors that report a level, a bound or an
// evaluation at the start point that is NaN or infinite: the solve cannot begin, and
// the error names the variable or the equation and the element.
var ErrEvaluation = errors.New("not finite at the start point")

// checkBounds reports the first element of v whose bounds are NaN, crossed, or an
// infinity on the wrong side (a lower bound of +Inf leaves no value).
func checkBounds(v *Variable) error {
	for k := range v.Lo {
		lo, up := v.Lo[k], v.Up[k]
		switch {
		case math.IsNaN(lo) || math.IsInf(lo, 1):
			return fmt.Errorf("nlpsolve: variable %s: lower bound %s: want a number or -Inf", v.elemName(k), fmtValue(lo))
		case math.IsNaN(up) || math.IsInf(up, -1):
			return fmt.Errorf("nlpsolve: variable %s: upper bound %s: want a number or +Inf", v.elemName(k), fmtValue(up))
		case lo > up:
			return fmt.Errorf("nlpsolve: variable %s: lower bound %g above the upper bound %g", v.elemName(k), lo, up)
		}
	}
	return nil
}

// fmtValue formats a value with an explicit sign on infinities (+Inf, -Inf).
func fmtValue(x float64) string {
	if math.IsInf(x, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// Block is one equation block r(x) = 0 (or ≤, ≥) over a tensor of rows.
//
// The derivative products are taken at the point of the most recent Eval. A triangular
// sweep changes the defined variable of a block after its Eval; that is allowed because
// a defined variable enters its block linearly, so no derivative depends on it.
type Block interface {
	// Rows is the number of rows.
	Rows() int
	// Eval stores the residuals lhs - rhs at x in r.
	Eval(x [][]float64, r []float64)
	// JVP stores J·v in jv.
	JVP(v [][]float64, jv []float64)
	// VJP adds Jᵀ·w to g. It may leave out the block of the variable the equation
	// defines (Equation.Defines): the solver never reads that adjoint back.
	VJP(w []float64, g [][]float64)
	// HVP adds ∇²(wᵀr)·v + Jᵀ·wdot to hv: the tangent, along v and wdot, of the
	// VJP Jᵀ·w. The solver's second-order adjoint sweep needs exactly this sum. In
	// that sweep HVP follows a JVP along the same v (the same slices), changed since
	// only in the block's defined variable, so a block may reuse that JVP's tangents.
	// Like VJP it may leave out the defined variable's block of hv.
	HVP(w, wdot []float64, v [][]float64, hv [][]float64)
}

// Relation is the sense of an equation block.
type Relation int

// Relations.
const (
	Equal Relation = iota
	LessEqual
	GreaterEqual
	Free
)

// Variable is one variable block.
type Variable struct {
	Name   string
	Lo, Up []float64 // per element, ±Inf when unbounded
	// Scale is the scale c of every element (the solver works on x/c), nil for 1.
	Scale []float64
	// Label names element i in logs (e.g. x(seattle)); nil: Name[i].
	Label func(i int) string
}

// Size is the number of elements.
func (v *Variable) Size() int { return len(v.Lo) }

// Equation is one equation block.
type Equation struct {
	Name     string
	Block    Block
	Relation Relation
	// Vars lists the variable blocks the equation reads.
	Vars []int
	// Defines is the variable block the equation defines, or -1. An equation defines
	// v when its rows correspond one to one to v's elements and v enters linearly with
	// the constant coefficient Coef and nowhere else in the equation.
	Defines int
	Coef    float64
	// Scale is the scale d of every row, nil for 1: the general method works on
	// the rows r/d (SolveGeneral). Rows of eliminated equations are not scaled.
	Scale []float64
	// Label names row i in logs (e.g. supply(seattle)); nil: Name[i].
	Label func(i int) string
}

// Problem is min (or max) of one scalar variable subject to equation blocks.
type Problem struct {
	Vars      []Variable
	Equations []Equation
	Objective int // index of the scalar objective variable block
	Maximize  bool
}

// validate checks the problem's shape and the start: bounds that are NaN, crossed
// or infinite the wrong way, and levels that are not finite, each named by variable
// and element. moved says which variable blocks the solver starts from; the others
// (defined variables) get their levels from the forward sweep, so theirs are not
// read.
func (p *Problem) validate(x [][]float64, moved func(vb int) bool) error {
	if p.Objective < 0 || p.Objective >= len(p.Vars) || p.Vars[p.Objective].Size() != 1 {
		return fmt.Errorf("nlpsolve: objective must be a scalar variable block")
	}
	if len(x) != len(p.Vars) {
		return fmt.Errorf("nlpsolve: starting point has %d variable blocks, want %d", len(x), len(p.Vars))
	}
	for i, v := range p.Vars {
		if len(x[i]) != v.Size() || len(v.Up) != v.Size() {
			return fmt.Errorf("nlpsolve: variable %q: level/bound lengths %d/%d/%d differ", v.Name, len(x[i]), len(v.Lo), len(v.Up))
		}
		if v.Scale != nil && len(v.Scale) != v.Size() {
			return fmt.Errorf("nlpsolve: variable %q: %d scales for %d elements", v.Name, len(v.Scale), v.Size())
		}
		if err := checkScale("variable", v.Name, v.Scale); err != nil {
			return err
		}
		if err := checkBounds(&p.Vars[i]); err != nil {
			return err
		}
		if moved(i) {
			for k, l := range x[i] {
				if math.IsNaN(l) || math.IsInf(l, 0) {
					return fmt.Errorf("nlpsolve: variable %s: level %s: want a finite start: %w", v.elemName(k), fmtValue(l), ErrEvaluation)
				}
			}
		}
	}
	for _, e := range p.Equations {
		if e.Scale != nil && len(e.Scale) != e.Block.Rows() {
			return fmt.Errorf("nlpsolve: equation %q: %d scales for %d rows", e.Name, len(e.Scale), e.Block.Rows())
		}
		if err := checkScale("equation", e.Name, e.Scale); err != nil {
			return err
		}
	}
	return nil
}

// notDefined says which variable blocks no equation defines: those whose start
// levels the solver reads.
func (p *Problem) notDefined() func(vb int) bool {
	defined := make([]bool, len(p.Vars))
	for _, e := range p.Equations {
		if e.Defines >= 0 && e.Defines < len(defined) {
			defined[e.Defines] = true
		}
	}
	return func(vb int) bool { return !defined[vb] }
}
