// Package hs holds problems of the Hock-Schittkowski collection (W. Hock and
// K. Schittkowski, "Test Examples for Nonlinear Programming Codes", Lecture Notes in
// Economics and Mathematical Systems 187, Springer 1981), written from their
// mathematical statements with nnopt's algebra as a user would write them: one
// variable x over the set i = 1..n, its elements picked with Elem, bounds in Lo/Up,
// the standard start point in L, the objective an expression and the constraints
// scalar equations c1, c2, ... . Each problem carries its published optimal value.
//
// The problems' numbers are the book's; the statements were audited against the
// CUTEst SIF files (as S2MPJ translates them), except HS58 and HS88-HS92, which
// CUTEst lacks in the book's form: those were checked against the book's optima
// (HS58's in closed form; HS88-HS92's h against quadrature and the row active at
// HS88's x*). The problems of HS1-HS119 left out are in Skipped, with why.
package hs

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"

	"github.com/nnopt/nnopt"
)

// A Problem is one test problem: its number in the collection, the published optimal
// objective value and a function that builds a fresh model of it.
type Problem struct {
	Number  int
	Optimum float64 // the published optimal objective value f*
	// Tol, when not zero, is the relative tolerance on the objective to use instead
	// of the default 1e-6, and Note says why.
	Tol  float64
	Note string
	// XStar is the published optimal point where it is known in closed form or to
	// enough digits; nil where it is not given here.
	XStar []float64
	// LocalOptima are published objective values of other local minima, above
	// Optimum: a second SOLTN line of the CUTEst SIF file (HS2, HS44, HS57), or the
	// value CUTEst lists where it is a local minimum above the book's checked optimum
	// (HS20, HS55). A solve that ends at one reached a true local minimum, which a
	// local method may, and is counted apart from both passes and failures. Values
	// that are not published are not listed.
	LocalOptima []float64
	// IterationLimit, when not zero, caps the solve where the solver crawls, so
	// that the test stays fast; knownFailures gives the uncapped outcome.
	IterationLimit int
	Build          func() (*Instance, error)
}

// An Instance is a built problem: the model, its variable x (x.L the start point,
// after a solve the solution), the objective expression and the constraints.
type Instance struct {
	Model     *nnopt.Model
	Container *nnopt.Container
	X         *nnopt.Variable
	Objective nnopt.Operand
	Equations []*nnopt.Equation // the constraints, Defs among them
	// Aux, where a problem has one, holds intermediate quantities of x, each
	// defined by the equation of Defs at its position (HS85); see Settle.
	Aux      *nnopt.Variable
	Defs     []*nnopt.Equation
	AuxIndex []int // the element of Aux each of Defs defines
}

// Skipped lists the problems of HS1-HS119 that the set leaves out, with why.
var Skipped = map[int]string{
	67:  "objective defined by an iterative process (a simulation), not an algebraic statement",
	82:  "not in CUTEst's set (S2MPJ has no HS82): no standard statement to audit against",
	87:  "objective is piecewise linear with jumps (discontinuous cost curves), not a smooth NLP",
	94:  "not in CUTEst's set (S2MPJ has no HS94): no standard statement to audit against",
	115: "not in CUTEst's set (S2MPJ has no HS115): no standard statement to audit against",
}

// inf is +∞, for bounds.
var inf = math.Inf(1)

// builder writes a problem: the container, x over i = 1..n with its start point,
// and the constraints so far.
type builder struct {
	c   *nnopt.Container
	i   *nnopt.Set
	x   *nnopt.Variable
	eqs []*nnopt.Equation
	err error
	// aux, when not nil, holds intermediate quantities, each defined by one of
	// defs in order (HS85).
	aux      *nnopt.Variable
	defs     []*nnopt.Equation
	auxIndex []int // the element of aux each of defs defines
}

// newBuilder makes x over i = 1..len(x0), free, starting from x0.
func newBuilder(x0 ...float64) *builder {
	c := nnopt.NewContainer()
	labels := make([]string, len(x0))
	for k := range labels {
		labels[k] = strconv.Itoa(k + 1)
	}
	i := c.NewSet("i", labels...)
	x := c.NewVariable("x", nnopt.Free, i)
	copy(x.L, x0)
	return &builder{c: c, i: i, x: x}
}

// vars returns x's elements, 1-based: v[1] is x1.
func (b *builder) vars() []*nnopt.Expr {
	v := make([]*nnopt.Expr, len(b.x.L)+1)
	for k := 1; k < len(v); k++ {
		v[k] = b.x.Elem(strconv.Itoa(k))
	}
	return v
}

// lo and up set the bounds of x1, x2, ... in order.
func (b *builder) lo(v ...float64) { copy(b.x.Lo, v) }
func (b *builder) up(v ...float64) { copy(b.x.Up, v) }

// loAll and upAll set one bound of every element.
func (b *builder) loAll(v float64) {
	for k := range b.x.Lo {
		b.x.Lo[k] = v
	}
}
func (b *builder) upAll(v float64) {
	for k := range b.x.Up {
		b.x.Up[k] = v
	}
}

// st adds the constraint r as the next scalar equation.
func (b *builder) st(r *nnopt.Relation) {
	e, err := b.c.AddEquation(fmt.Sprintf("c%d", len(b.eqs)+1))
	if err == nil {
		err = e.Define(r)
	}
	if err != nil && b.err == nil {
		b.err = err
	}
	b.eqs = append(b.eqs, e)
}

// Form says how Build writes the statements, for checking that the solver's
// results do not hang on one way of writing a problem (an outside collection may
// write it another way). The zero value is the plain form: g(x) ≥ 0, g(x) ≤ 0,
// g(x) = 0 and min f(x).
type Form struct {
	// Negated writes every constraint negated: -g(x) ≤ 0, -g(x) ≥ 0, -g(x) = 0.
	Negated bool
	// Maximize writes the objective as max -f(x): the model's objective value is
	// then -f (Instance.Objective stays f).
	Maximize bool
	// RowScale, when not zero, multiplies every constraint by it, and ObjScale
	// the objective (the model's objective value is then ObjScale·f; a test
	// divides it back).
	RowScale, ObjScale float64
	// BoundRows writes x's finite bounds as constraints (x_k ≥ l_k, x_k ≤ u_k, after
	// the others) on a free x: the start is then not projected onto them.
	BoundRows bool
}

// Written is the form Build uses; tests set it.
var Written Form

// rowScaled is e times Written.RowScale, when set.
func rowScaled(e nnopt.Operand) nnopt.Operand {
	if Written.RowScale != 0 {
		return sc(Written.RowScale, e)
	}
	return e
}

// ge, le and eq add e ≥ 0, e ≤ 0 and e = 0.
func (b *builder) ge(e nnopt.Operand) { b.rel(e, nnopt.Ge, nnopt.Le) }
func (b *builder) le(e nnopt.Operand) { b.rel(e, nnopt.Le, nnopt.Ge) }
func (b *builder) eq(e nnopt.Operand) { b.rel(e, nnopt.Eq, nnopt.Eq) }

// rel adds the constraint rel(e, 0) as Written says: scaled, or as
// negated(-e, 0).
func (b *builder) rel(e nnopt.Operand, rel, negated func(lhs, rhs nnopt.Operand) *nnopt.Relation) {
	e = rowScaled(e)
	if Written.Negated {
		b.st(negated(nnopt.Neg(e), k(0)))
		return
	}
	b.st(rel(e, k(0)))
}

// model makes the minimization of f subject to the constraints so far.
func (b *builder) model(n int, f nnopt.Operand) (*Instance, error) {
	return b.modelOf(n, nnopt.NLP, f)
}

func (b *builder) modelOf(n int, typ nnopt.Problem, f nnopt.Operand) (*Instance, error) {
	if Written.BoundRows {
		v := b.vars()
		for j := range b.x.Lo {
			if lo := b.x.Lo[j]; !math.IsInf(lo, -1) {
				b.st(nnopt.Ge(v[j+1], k(lo)))
				b.x.Lo[j] = math.Inf(-1)
			}
			if up := b.x.Up[j]; !math.IsInf(up, 1) {
				b.st(nnopt.Le(v[j+1], k(up)))
				b.x.Up[j] = math.Inf(1)
			}
		}
	}
	if b.err != nil {
		return nil, fmt.Errorf("hs%d: %w", n, b.err)
	}
	eqs := append(append([]*nnopt.Equation(nil), b.defs...), b.eqs...)
	sense, obj := nnopt.Minimize, f
	if Written.ObjScale != 0 {
		obj = sc(Written.ObjScale, obj)
	}
	if Written.Maximize {
		sense, obj = nnopt.Maximize, nnopt.Neg(obj)
	}
	m, err := b.c.NewModel(fmt.Sprint("hs", n), nnopt.ModelSpec{Equations: eqs, Problem: typ, Sense: sense, Objective: obj})
	if err != nil {
		return nil, err
	}
	inst := &Instance{Model: m, Container: b.c, X: b.x, Objective: f, Equations: eqs}
	if b.aux != nil {
		inst.Aux, inst.Defs, inst.AuxIndex = b.aux, b.defs, b.auxIndex
		if err := inst.Settle(); err != nil {
			return nil, fmt.Errorf("hs%d: %w", n, err)
		}
	}
	return inst, nil
}

// Settle sets the intermediate variables Aux from x's levels through their
// defining equations Defs (each v = e(x, the v defined before it)), in order; it
// does nothing where the problem has none.
func (inst *Instance) Settle() error {
	if inst.Aux == nil {
		return nil
	}
	for k, e := range inst.Defs {
		// e is v - e(x, v defined before it), whose levels are final by now; a v
		// still to come may be anything (an infinite value there stays apart).
		res, err := inst.Model.Residuals()
		if err != nil {
			return err
		}
		inst.Aux.L[inst.AuxIndex[k]] -= res[e][0]
	}
	return nil
}

// Expression shorthands.

func k(v float64) *nnopt.Expr                   { return nnopt.Const(v) }
func sq(a nnopt.Operand) *nnopt.Expr            { return nnopt.Sqr(a) }
func pw(a nnopt.Operand, p float64) *nnopt.Expr { return nnopt.Power(a, p) }
func sub(a, b nnopt.Operand) *nnopt.Expr        { return nnopt.Sub(a, b) }
func sc(c float64, a nnopt.Operand) *nnopt.Expr { return nnopt.Mul(k(c), a) }

// sum adds its operands.
func sum(a ...nnopt.Operand) *nnopt.Expr {
	if len(a) == 1 {
		return nnopt.Add(a[0], k(0))
	}
	out := nnopt.Add(a[0], a[1])
	for _, t := range a[2:] {
		out = nnopt.Add(out, t)
	}
	return out
}

// prod multiplies its operands.
func prod(a ...nnopt.Operand) *nnopt.Expr {
	if len(a) == 1 {
		return nnopt.Mul(a[0], k(1))
	}
	out := nnopt.Mul(a[0], a[1])
	for _, t := range a[2:] {
		out = nnopt.Mul(out, t)
	}
	return out
}

// rosen is Rosenbrock's function 100(x2 - x1²)² + (1 - x1)².
func rosen(x1, x2 nnopt.Operand) *nnopt.Expr {
	return sum(sc(100, sq(sub(x2, sq(x1)))), sq(sub(k(1), x1)))
}

// Problems returns the test set, in the order of the problems' numbers.
func Problems() []Problem {
	sortedOnce.Do(func() {
		sorted = append(append([]Problem(nil), problems...), moreProblems...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].Number < sorted[j].Number })
	})
	return sorted
}

var (
	sortedOnce sync.Once
	sorted     []Problem
)

var sqrt2, sqrt3 = math.Sqrt2, math.Sqrt(3)

var problems = []Problem{
	// HS1: Rosenbrock's function with the bound x2 ≥ -1.5.
	{Number: 1, Optimum: 0, XStar: []float64{1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(-2, 1)
		b.lo(-inf, -1.5)
		x := b.vars()
		return b.model(1, rosen(x[1], x[2]))
	}},
	// HS2: Rosenbrock's function with the bound x2 ≥ 1.5, active at the optimum.
	// Its value here is the global minimum, at x1 ≈ 1.2244; the other local
	// minimum, at x1 ≈ -1.2229 with f = 4.9412293, is what local methods reach
	// from the start; CUTEst's HS2.SIF lists both (0.050426 and 4.941229).
	{Number: 2, Optimum: 0.0504261879, LocalOptima: []float64{4.941229}, Build: func() (*Instance, error) {
		b := newBuilder(-2, 1)
		b.lo(-inf, 1.5)
		x := b.vars()
		return b.model(2, rosen(x[1], x[2]))
	}},
	// HS3: x2 + 1e-5 (x2 - x1)², x2 ≥ 0.
	{Number: 3, Optimum: 0, XStar: []float64{0, 0}, Build: func() (*Instance, error) {
		b := newBuilder(10, 1)
		b.lo(-inf, 0)
		x := b.vars()
		return b.model(3, sum(x[2], sc(1e-5, sq(sub(x[2], x[1])))))
	}},
	// HS4: (x1 + 1)³/3 + x2, x1 ≥ 1, x2 ≥ 0.
	{Number: 4, Optimum: 8.0 / 3, XStar: []float64{1, 0}, Build: func() (*Instance, error) {
		b := newBuilder(1.125, 0.125)
		b.lo(1, 0)
		x := b.vars()
		return b.model(4, sum(sc(1.0/3, pw(sum(x[1], k(1)), 3)), x[2]))
	}},
	// HS5: sin(x1 + x2) + (x1 - x2)² - 1.5 x1 + 2.5 x2 + 1, -1.5 ≤ x1 ≤ 4, -3 ≤ x2 ≤ 3.
	{Number: 5, Optimum: -sqrt3/2 - math.Pi/3, XStar: []float64{0.5 - math.Pi/3, -0.5 - math.Pi/3}, Build: func() (*Instance, error) {
		b := newBuilder(0, 0)
		b.lo(-1.5, -3)
		b.up(4, 3)
		x := b.vars()
		return b.model(5, sum(nnopt.Sin(sum(x[1], x[2])), sq(sub(x[1], x[2])), sc(-1.5, x[1]), sc(2.5, x[2]), k(1)))
	}},
	// HS6: (1 - x1)² subject to 10 (x2 - x1²) = 0.
	{Number: 6, Optimum: 0, XStar: []float64{1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(-1.2, 1)
		x := b.vars()
		b.eq(sc(10, sub(x[2], sq(x[1]))))
		return b.model(6, sq(sub(k(1), x[1])))
	}},
	// HS7: ln(1 + x1²) - x2 subject to (1 + x1²)² + x2² - 4 = 0.
	{Number: 7, Optimum: -sqrt3, XStar: []float64{0, sqrt3}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2)
		x := b.vars()
		b.eq(sum(sq(sum(k(1), sq(x[1]))), sq(x[2]), k(-4)))
		return b.model(7, sub(nnopt.Log(sum(k(1), sq(x[1]))), x[2]))
	}},
	// HS8: the constant -1 subject to x1² + x2² - 25 = 0 and x1 x2 - 9 = 0: a
	// feasibility problem.
	{Number: 8, Optimum: -1, Build: func() (*Instance, error) {
		b := newBuilder(2, 1)
		x := b.vars()
		b.eq(sum(sq(x[1]), sq(x[2]), k(-25)))
		b.eq(sum(prod(x[1], x[2]), k(-9)))
		// The objective is written as -1 + 0·x1 so that it is an expression of the
		// model's variables.
		return b.model(8, sum(k(-1), sc(0, x[1])))
	}},
	// HS9: sin(π x1/12) cos(π x2/16) subject to 4 x1 - 3 x2 = 0.
	{Number: 9, Optimum: -0.5, XStar: []float64{-3, -4}, Build: func() (*Instance, error) {
		b := newBuilder(0, 0)
		x := b.vars()
		b.eq(sub(sc(4, x[1]), sc(3, x[2])))
		return b.model(9, prod(nnopt.Sin(sc(math.Pi/12, x[1])), nnopt.Cos(sc(math.Pi/16, x[2]))))
	}},
	// HS10: x1 - x2 subject to -3 x1² + 2 x1 x2 - x2² + 1 ≥ 0.
	{Number: 10, Optimum: -1, XStar: []float64{0, 1}, Build: func() (*Instance, error) {
		b := newBuilder(-10, 10)
		x := b.vars()
		b.ge(sum(sc(-3, sq(x[1])), sc(2, prod(x[1], x[2])), sc(-1, sq(x[2])), k(1)))
		return b.model(10, sub(x[1], x[2]))
	}},
	// HS11: (x1 - 5)² + x2² - 25 subject to -x1² + x2 ≥ 0.
	{Number: 11, Optimum: -8.498464223, Build: func() (*Instance, error) {
		b := newBuilder(4.9, 0.1)
		x := b.vars()
		b.ge(sub(x[2], sq(x[1])))
		return b.model(11, sum(sq(sub(x[1], k(5))), sq(x[2]), k(-25)))
	}},
	// HS12: 0.5 x1² + x2² - x1 x2 - 7 x1 - 7 x2 subject to 25 - 4 x1² - x2² ≥ 0.
	{Number: 12, Optimum: -30, XStar: []float64{2, 3}, Build: func() (*Instance, error) {
		b := newBuilder(0, 0)
		x := b.vars()
		b.ge(sum(k(25), sc(-4, sq(x[1])), sc(-1, sq(x[2]))))
		return b.model(12, sum(sc(0.5, sq(x[1])), sq(x[2]), sc(-1, prod(x[1], x[2])), sc(-7, x[1]), sc(-7, x[2])))
	}},
	// HS13: (x1 - 2)² + x2² subject to (1 - x1)³ - x2 ≥ 0, x ≥ 0. Degenerate: the
	// constraint qualification fails at the optimum (1, 0), which is not a KKT point.
	{Number: 13, Optimum: 1, XStar: []float64{1, 0}, Build: func() (*Instance, error) {
		b := newBuilder(-2, -2)
		b.loAll(0)
		x := b.vars()
		b.ge(sub(pw(sub(k(1), x[1]), 3), x[2]))
		return b.model(13, sum(sq(sub(x[1], k(2))), sq(x[2])))
	}},
	// HS14: (x1 - 2)² + (x2 - 1)² subject to x1 - 2 x2 + 1 = 0 and
	// -x1²/4 - x2² + 1 ≥ 0.
	{Number: 14, Optimum: 9 - 2.875*math.Sqrt(7), XStar: []float64{(math.Sqrt(7) - 1) / 2, (math.Sqrt(7) + 1) / 4}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2)
		x := b.vars()
		b.eq(sum(x[1], sc(-2, x[2]), k(1)))
		b.ge(sum(sc(-0.25, sq(x[1])), sc(-1, sq(x[2])), k(1)))
		return b.model(14, sum(sq(sub(x[1], k(2))), sq(sub(x[2], k(1)))))
	}},
	// HS15: Rosenbrock subject to x1 x2 - 1 ≥ 0, x1 + x2² ≥ 0, x1 ≤ 0.5.
	{Number: 15, Optimum: 306.5, XStar: []float64{0.5, 2}, Build: func() (*Instance, error) {
		b := newBuilder(-2, 1)
		b.up(0.5, inf)
		x := b.vars()
		b.ge(sub(prod(x[1], x[2]), k(1)))
		b.ge(sum(x[1], sq(x[2])))
		return b.model(15, rosen(x[1], x[2]))
	}},
	// HS16: Rosenbrock subject to x1 + x2² ≥ 0, x1² + x2 ≥ 0, -0.5 ≤ x1 ≤ 0.5,
	// x2 ≤ 1. The lower bound -0.5 is the standard one (CUTEst's HS16.SIF, A.R. Conn,
	// and OptimizationProblems.jl's hs16); this set had -2 until the audit.
	{Number: 16, Optimum: 0.25, XStar: []float64{0.5, 0.25}, Build: func() (*Instance, error) {
		b := newBuilder(-2, 1)
		b.lo(-0.5, -inf)
		b.up(0.5, 1)
		x := b.vars()
		b.ge(sum(x[1], sq(x[2])))
		b.ge(sum(sq(x[1]), x[2]))
		return b.model(16, rosen(x[1], x[2]))
	}},
	// HS17: Rosenbrock subject to x2² - x1 ≥ 0, x1² - x2 ≥ 0, -0.5 ≤ x1 ≤ 0.5,
	// x2 ≤ 1. The lower bound -0.5 is the standard one (CUTEst's HS17.SIF and
	// OptimizationProblems.jl's hs17); this set had -2 until the audit.
	{Number: 17, Optimum: 1, XStar: []float64{0, 0}, Build: func() (*Instance, error) {
		b := newBuilder(-2, 1)
		b.lo(-0.5, -inf)
		b.up(0.5, 1)
		x := b.vars()
		b.ge(sub(sq(x[2]), x[1]))
		b.ge(sub(sq(x[1]), x[2]))
		return b.model(17, rosen(x[1], x[2]))
	}},
	// HS18: 0.01 x1² + x2² subject to x1 x2 - 25 ≥ 0, x1² + x2² - 25 ≥ 0,
	// 2 ≤ x1 ≤ 50, 0 ≤ x2 ≤ 50.
	{Number: 18, Optimum: 5, XStar: []float64{math.Sqrt(250), math.Sqrt(2.5)}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2)
		b.lo(2, 0)
		b.up(50, 50)
		x := b.vars()
		b.ge(sub(prod(x[1], x[2]), k(25)))
		b.ge(sum(sq(x[1]), sq(x[2]), k(-25)))
		return b.model(18, sum(sc(0.01, sq(x[1])), sq(x[2])))
	}},
	// HS19: (x1 - 10)³ + (x2 - 20)³ subject to (x1 - 5)² + (x2 - 5)² - 100 ≥ 0,
	// -(x2 - 5)² - (x1 - 6)² + 82.81 ≥ 0, 13 ≤ x1 ≤ 100, 0 ≤ x2 ≤ 100.
	{Number: 19, Optimum: -6961.81381, Build: func() (*Instance, error) {
		b := newBuilder(20.1, 5.84)
		b.lo(13, 0)
		b.up(100, 100)
		x := b.vars()
		b.ge(sum(sq(sub(x[1], k(5))), sq(sub(x[2], k(5))), k(-100)))
		b.ge(sum(sc(-1, sq(sub(x[2], k(5)))), sc(-1, sq(sub(x[1], k(6)))), k(82.81)))
		return b.model(19, sum(pw(sub(x[1], k(10)), 3), pw(sub(x[2], k(20)), 3)))
	}},
	// HS20: Rosenbrock subject to x1 + x2² ≥ 0, x1² + x2 ≥ 0, x1² + x2² - 1 ≥ 0,
	// -0.5 ≤ x1 ≤ 0.5. CUTEst's HS20.SIF lists 40.199, the local minimum at
	// x1 = -0.5; the book's 81.5 - 25√3 at x* = (0.5, √3/2) is lower and checked.
	{Number: 20, Optimum: 81.5 - 25*sqrt3, LocalOptima: []float64{40.199}, XStar: []float64{0.5, sqrt3 / 2}, Build: func() (*Instance, error) {
		b := newBuilder(-2, 1)
		b.lo(-0.5, -inf)
		b.up(0.5, inf)
		x := b.vars()
		b.ge(sum(x[1], sq(x[2])))
		b.ge(sum(sq(x[1]), x[2]))
		b.ge(sum(sq(x[1]), sq(x[2]), k(-1)))
		return b.model(20, rosen(x[1], x[2]))
	}},
	// HS21: 0.01 x1² + x2² - 100 subject to 10 x1 - x2 - 10 ≥ 0, 2 ≤ x1 ≤ 50,
	// -50 ≤ x2 ≤ 50.
	{Number: 21, Optimum: -99.96, XStar: []float64{2, 0}, Build: func() (*Instance, error) {
		b := newBuilder(-1, -1)
		b.lo(2, -50)
		b.up(50, 50)
		x := b.vars()
		b.ge(sum(sc(10, x[1]), sc(-1, x[2]), k(-10)))
		return b.model(21, sum(sc(0.01, sq(x[1])), sq(x[2]), k(-100)))
	}},
	// HS22: (x1 - 2)² + (x2 - 1)² subject to -x1 - x2 + 2 ≥ 0, -x1² + x2 ≥ 0.
	{Number: 22, Optimum: 1, XStar: []float64{1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2)
		x := b.vars()
		b.ge(sum(sc(-1, x[1]), sc(-1, x[2]), k(2)))
		b.ge(sub(x[2], sq(x[1])))
		return b.model(22, sum(sq(sub(x[1], k(2))), sq(sub(x[2], k(1)))))
	}},
	// HS23: x1² + x2² subject to x1 + x2 - 1 ≥ 0, x1² + x2² - 1 ≥ 0,
	// 9 x1² + x2² - 9 ≥ 0, x1² - x2 ≥ 0, x2² - x1 ≥ 0, -50 ≤ x ≤ 50.
	{Number: 23, Optimum: 2, XStar: []float64{1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(3, 1)
		b.loAll(-50)
		b.upAll(50)
		x := b.vars()
		b.ge(sum(x[1], x[2], k(-1)))
		b.ge(sum(sq(x[1]), sq(x[2]), k(-1)))
		b.ge(sum(sc(9, sq(x[1])), sq(x[2]), k(-9)))
		b.ge(sub(sq(x[1]), x[2]))
		b.ge(sub(sq(x[2]), x[1]))
		return b.model(23, sum(sq(x[1]), sq(x[2])))
	}},
	// HS24: ((x1 - 3)² - 9) x2³ / (27√3) subject to x1/√3 - x2 ≥ 0,
	// x1 + √3 x2 ≥ 0, 6 - x1 - √3 x2 ≥ 0, x ≥ 0.
	{Number: 24, Optimum: -1, XStar: []float64{3, sqrt3}, Build: func() (*Instance, error) {
		b := newBuilder(1, 0.5)
		b.loAll(0)
		x := b.vars()
		b.ge(sub(sc(1/sqrt3, x[1]), x[2]))
		b.ge(sum(x[1], sc(sqrt3, x[2])))
		b.ge(sum(k(6), sc(-1, x[1]), sc(-sqrt3, x[2])))
		return b.model(24, sc(1/(27*sqrt3), prod(sum(sq(sub(x[1], k(3))), k(-9)), pw(x[2], 3))))
	}},
	// HS25: Σ_j (-0.01 j + exp(-(u_j - x2)^x3 / x1))² over j = 1..99 with
	// u_j = 25 + (-50 ln(0.01 j))^(2/3), 0.1 ≤ x1 ≤ 100, 0 ≤ x2 ≤ 25.6,
	// 0 ≤ x3 ≤ 5.
	{Number: 25, Optimum: 0, XStar: []float64{50, 25, 1.5}, Build: func() (*Instance, error) {
		b := newBuilder(100, 12.5, 3)
		b.lo(0.1, 0, 0)
		b.up(100, 25.6, 5)
		x := b.vars()
		labels := make([]string, 99)
		for j := range labels {
			labels[j] = strconv.Itoa(j + 1)
		}
		jset := b.c.NewSet("j", labels...)
		u := b.c.NewParameter("u", jset)
		y := b.c.NewParameter("y", jset)
		for j := range u.Values {
			t := 0.01 * float64(j+1)
			y.Values[j] = t
			u.Values[j] = 25 + math.Pow(-50*math.Log(t), 2.0/3)
		}
		r := sub(nnopt.Exp(nnopt.Neg(nnopt.Div(nnopt.Pow(sub(u, x[2]), x[3]), x[1]))), y)
		return b.model(25, nnopt.Sum(sq(r), jset))
	}},
	// HS26: (x1 - x2)² + (x2 - x3)⁴ subject to (1 + x2²) x1 + x3⁴ - 3 = 0.
	{Number: 26, Optimum: 0, XStar: []float64{1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(-2.6, 2, 2)
		x := b.vars()
		b.eq(sum(prod(sum(k(1), sq(x[2])), x[1]), pw(x[3], 4), k(-3)))
		return b.model(26, sum(sq(sub(x[1], x[2])), pw(sub(x[2], x[3]), 4)))
	}},
	// HS27: 0.01 (x1 - 1)² + (x2 - x1²)² subject to x1 + x3² + 1 = 0.
	{Number: 27, Optimum: 0.04, XStar: []float64{-1, 1, 0}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2)
		x := b.vars()
		b.eq(sum(x[1], sq(x[3]), k(1)))
		return b.model(27, sum(sc(0.01, sq(sub(x[1], k(1)))), sq(sub(x[2], sq(x[1])))))
	}},
	// HS28: (x1 + x2)² + (x2 + x3)² subject to x1 + 2 x2 + 3 x3 - 1 = 0.
	{Number: 28, Optimum: 0, XStar: []float64{0.5, -0.5, 0.5}, Build: func() (*Instance, error) {
		b := newBuilder(-4, 1, 1)
		x := b.vars()
		b.eq(sum(x[1], sc(2, x[2]), sc(3, x[3]), k(-1)))
		return b.model(28, sum(sq(sum(x[1], x[2])), sq(sum(x[2], x[3]))))
	}},
	// HS29: -x1 x2 x3 subject to -x1² - 2 x2² - 4 x3² + 48 ≥ 0.
	{Number: 29, Optimum: -16 * sqrt2, XStar: []float64{4, 2 * sqrt2, 2}, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1)
		x := b.vars()
		b.ge(sum(sc(-1, sq(x[1])), sc(-2, sq(x[2])), sc(-4, sq(x[3])), k(48)))
		return b.model(29, sc(-1, prod(x[1], x[2], x[3])))
	}},
	// HS30: x1² + x2² + x3² subject to x1² + x2² - 1 ≥ 0, 1 ≤ x1 ≤ 10,
	// -10 ≤ x2, x3 ≤ 10.
	{Number: 30, Optimum: 1, XStar: []float64{1, 0, 0}, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1)
		b.lo(1, -10, -10)
		b.upAll(10)
		x := b.vars()
		b.ge(sum(sq(x[1]), sq(x[2]), k(-1)))
		return b.model(30, sum(sq(x[1]), sq(x[2]), sq(x[3])))
	}},
	// HS31: 9 x1² + x2² + 9 x3² subject to x1 x2 - 1 ≥ 0, -10 ≤ x1 ≤ 10,
	// 1 ≤ x2 ≤ 10, -10 ≤ x3 ≤ 1.
	{Number: 31, Optimum: 6, XStar: []float64{1 / sqrt3, sqrt3, 0}, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1)
		b.lo(-10, 1, -10)
		b.up(10, 10, 1)
		x := b.vars()
		b.ge(sub(prod(x[1], x[2]), k(1)))
		return b.model(31, sum(sc(9, sq(x[1])), sq(x[2]), sc(9, sq(x[3]))))
	}},
	// HS32: (x1 + 3 x2 + x3)² + 4 (x1 - x2)² subject to
	// 6 x2 + 4 x3 - x1³ - 3 ≥ 0, 1 - x1 - x2 - x3 = 0, x ≥ 0.
	{Number: 32, Optimum: 1, XStar: []float64{0, 0, 1}, Build: func() (*Instance, error) {
		b := newBuilder(0.1, 0.7, 0.2)
		b.loAll(0)
		x := b.vars()
		b.ge(sum(sc(6, x[2]), sc(4, x[3]), sc(-1, pw(x[1], 3)), k(-3)))
		b.eq(sum(k(1), sc(-1, x[1]), sc(-1, x[2]), sc(-1, x[3])))
		return b.model(32, sum(sq(sum(x[1], sc(3, x[2]), x[3])), sc(4, sq(sub(x[1], x[2])))))
	}},
	// HS33: (x1 - 1)(x1 - 2)(x1 - 3) + x3 subject to x3² - x1² - x2² ≥ 0,
	// x1² + x2² + x3² - 4 ≥ 0, x1, x2 ≥ 0, 0 ≤ x3 ≤ 5.
	{Number: 33, Optimum: sqrt2 - 6, XStar: []float64{0, sqrt2, sqrt2}, Build: func() (*Instance, error) {
		b := newBuilder(0, 0, 3)
		b.loAll(0)
		b.up(inf, inf, 5)
		x := b.vars()
		b.ge(sum(sq(x[3]), sc(-1, sq(x[1])), sc(-1, sq(x[2]))))
		b.ge(sum(sq(x[1]), sq(x[2]), sq(x[3]), k(-4)))
		return b.model(33, sum(prod(sub(x[1], k(1)), sub(x[1], k(2)), sub(x[1], k(3))), x[3]))
	}},
	// HS34: -x1 subject to x2 - exp(x1) ≥ 0, x3 - exp(x2) ≥ 0, 0 ≤ x1 ≤ 100,
	// 0 ≤ x2 ≤ 100, 0 ≤ x3 ≤ 10.
	{Number: 34, Optimum: -math.Log(math.Log(10)), XStar: []float64{math.Log(math.Log(10)), math.Log(10), 10}, Build: func() (*Instance, error) {
		b := newBuilder(0, 1.05, 2.9)
		b.loAll(0)
		b.up(100, 100, 10)
		x := b.vars()
		b.ge(sub(x[2], nnopt.Exp(x[1])))
		b.ge(sub(x[3], nnopt.Exp(x[2])))
		return b.model(34, sc(-1, x[1]))
	}},
	// HS35 (Beale): 9 - 8 x1 - 6 x2 - 4 x3 + 2 x1² + 2 x2² + x3² + 2 x1 x2 + 2 x1 x3
	// subject to 3 - x1 - x2 - 2 x3 ≥ 0, x ≥ 0.
	{Number: 35, Optimum: 1.0 / 9, XStar: []float64{4.0 / 3, 7.0 / 9, 4.0 / 9}, Build: func() (*Instance, error) {
		b := newBuilder(0.5, 0.5, 0.5)
		b.loAll(0)
		x := b.vars()
		b.ge(sum(k(3), sc(-1, x[1]), sc(-1, x[2]), sc(-2, x[3])))
		return b.model(35, sum(k(9), sc(-8, x[1]), sc(-6, x[2]), sc(-4, x[3]), sc(2, sq(x[1])), sc(2, sq(x[2])), sq(x[3]),
			sc(2, prod(x[1], x[2])), sc(2, prod(x[1], x[3]))))
	}},
	// HS36: -x1 x2 x3 subject to 72 - x1 - 2 x2 - 2 x3 ≥ 0, 0 ≤ x1 ≤ 20,
	// 0 ≤ x2 ≤ 11, 0 ≤ x3 ≤ 42.
	{Number: 36, Optimum: -3300, XStar: []float64{20, 11, 15}, Build: func() (*Instance, error) {
		b := newBuilder(10, 10, 10)
		b.loAll(0)
		b.up(20, 11, 42)
		x := b.vars()
		b.ge(sum(k(72), sc(-1, x[1]), sc(-2, x[2]), sc(-2, x[3])))
		return b.model(36, sc(-1, prod(x[1], x[2], x[3])))
	}},
	// HS37: -x1 x2 x3 subject to 72 - x1 - 2 x2 - 2 x3 ≥ 0, x1 + 2 x2 + 2 x3 ≥ 0,
	// 0 ≤ x ≤ 42.
	{Number: 37, Optimum: -3456, XStar: []float64{24, 12, 12}, Build: func() (*Instance, error) {
		b := newBuilder(10, 10, 10)
		b.loAll(0)
		b.upAll(42)
		x := b.vars()
		b.ge(sum(k(72), sc(-1, x[1]), sc(-2, x[2]), sc(-2, x[3])))
		b.ge(sum(x[1], sc(2, x[2]), sc(2, x[3])))
		return b.model(37, sc(-1, prod(x[1], x[2], x[3])))
	}},
	// HS38 (Colville 4): 100 (x2 - x1²)² + (1 - x1)² + 90 (x4 - x3²)² + (1 - x3)²
	// + 10.1 ((x2 - 1)² + (x4 - 1)²) + 19.8 (x2 - 1)(x4 - 1), -10 ≤ x ≤ 10.
	{Number: 38, Optimum: 0, XStar: []float64{1, 1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(-3, -1, -3, -1)
		b.loAll(-10)
		b.upAll(10)
		x := b.vars()
		return b.model(38, sum(rosen(x[1], x[2]), sc(90, sq(sub(x[4], sq(x[3])))), sq(sub(k(1), x[3])),
			sc(10.1, sum(sq(sub(x[2], k(1))), sq(sub(x[4], k(1))))), sc(19.8, prod(sub(x[2], k(1)), sub(x[4], k(1))))))
	}},
	// HS39: -x1 subject to x2 - x1³ - x3² = 0, x1² - x2 - x4² = 0.
	{Number: 39, Optimum: -1, XStar: []float64{1, 1, 0, 0}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2, 2)
		x := b.vars()
		b.eq(sum(x[2], sc(-1, pw(x[1], 3)), sc(-1, sq(x[3]))))
		b.eq(sum(sq(x[1]), sc(-1, x[2]), sc(-1, sq(x[4]))))
		return b.model(39, sc(-1, x[1]))
	}},
	// HS40: -x1 x2 x3 x4 subject to x1³ + x2² - 1 = 0, x1² x4 - x3 = 0,
	// x4² - x2 = 0.
	{Number: 40, Optimum: -0.25, XStar: []float64{math.Pow(2, -1.0/3), math.Pow(2, -0.5), math.Pow(2, -11.0/12), math.Pow(2, -0.25)}, Build: func() (*Instance, error) {
		b := newBuilder(0.8, 0.8, 0.8, 0.8)
		x := b.vars()
		b.eq(sum(pw(x[1], 3), sq(x[2]), k(-1)))
		b.eq(sub(prod(sq(x[1]), x[4]), x[3]))
		b.eq(sub(sq(x[4]), x[2]))
		return b.model(40, sc(-1, prod(x[1], x[2], x[3], x[4])))
	}},
	// HS41: 2 - x1 x2 x3 subject to x1 + 2 x2 + 2 x3 - x4 = 0, 0 ≤ x1, x2, x3 ≤ 1,
	// 0 ≤ x4 ≤ 2.
	{Number: 41, Optimum: 52.0 / 27, XStar: []float64{2.0 / 3, 1.0 / 3, 1.0 / 3, 2}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2, 2)
		b.loAll(0)
		b.up(1, 1, 1, 2)
		x := b.vars()
		b.eq(sum(x[1], sc(2, x[2]), sc(2, x[3]), sc(-1, x[4])))
		return b.model(41, sub(k(2), prod(x[1], x[2], x[3])))
	}},
	// HS42: (x1 - 1)² + (x2 - 2)² + (x3 - 3)² + (x4 - 4)² subject to x1 - 2 = 0,
	// x3² + x4² - 2 = 0.
	{Number: 42, Optimum: 28 - 10*sqrt2, XStar: []float64{2, 2, 0.6 * sqrt2, 0.8 * sqrt2}, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1, 1)
		x := b.vars()
		b.eq(sub(x[1], k(2)))
		b.eq(sum(sq(x[3]), sq(x[4]), k(-2)))
		return b.model(42, sum(sq(sub(x[1], k(1))), sq(sub(x[2], k(2))), sq(sub(x[3], k(3))), sq(sub(x[4], k(4)))))
	}},
	// HS43 (Rosen-Suzuki): x1² + x2² + 2 x3² + x4² - 5 x1 - 5 x2 - 21 x3 + 7 x4
	// subject to three quadratic inequalities.
	{Number: 43, Optimum: -44, XStar: []float64{0, 1, 2, -1}, Build: func() (*Instance, error) {
		b := newBuilder(0, 0, 0, 0)
		x := b.vars()
		b.ge(sum(k(8), sc(-1, sq(x[1])), sc(-1, sq(x[2])), sc(-1, sq(x[3])), sc(-1, sq(x[4])), sc(-1, x[1]), x[2], sc(-1, x[3]), x[4]))
		b.ge(sum(k(10), sc(-1, sq(x[1])), sc(-2, sq(x[2])), sc(-1, sq(x[3])), sc(-2, sq(x[4])), x[1], x[4]))
		b.ge(sum(k(5), sc(-2, sq(x[1])), sc(-1, sq(x[2])), sc(-1, sq(x[3])), sc(-2, x[1]), x[2], x[4]))
		return b.model(43, sum(sq(x[1]), sq(x[2]), sc(2, sq(x[3])), sq(x[4]), sc(-5, x[1]), sc(-5, x[2]), sc(-21, x[3]), sc(7, x[4])))
	}},
	// HS44: x1 - x2 - x3 - x1 x3 + x1 x4 + x2 x3 - x2 x4 subject to six linear
	// inequalities, x ≥ 0. An indefinite quadratic with several local minima.
	{Number: 44, Optimum: -15, LocalOptima: []float64{-13}, XStar: []float64{0, 3, 0, 4}, Build: func() (*Instance, error) {
		b := newBuilder(0, 0, 0, 0)
		b.loAll(0)
		x := b.vars()
		b.ge(sum(k(8), sc(-1, x[1]), sc(-2, x[2])))
		b.ge(sum(k(12), sc(-4, x[1]), sc(-1, x[2])))
		b.ge(sum(k(12), sc(-3, x[1]), sc(-4, x[2])))
		b.ge(sum(k(8), sc(-2, x[3]), sc(-1, x[4])))
		b.ge(sum(k(8), sc(-1, x[3]), sc(-2, x[4])))
		b.ge(sum(k(5), sc(-1, x[3]), sc(-1, x[4])))
		return b.model(44, sum(x[1], sc(-1, x[2]), sc(-1, x[3]), sc(-1, prod(x[1], x[3])), prod(x[1], x[4]), prod(x[2], x[3]), sc(-1, prod(x[2], x[4]))))
	}},
	// HS45: 2 - x1 x2 x3 x4 x5 / 120, 0 ≤ x_i ≤ i.
	{Number: 45, Optimum: 1, XStar: []float64{1, 2, 3, 4, 5}, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2, 2, 2)
		b.loAll(0)
		b.up(1, 2, 3, 4, 5)
		x := b.vars()
		return b.model(45, sub(k(2), sc(1.0/120, prod(x[1], x[2], x[3], x[4], x[5]))))
	}},
	// HS46: (x1 - x2)² + (x3 - 1)² + (x4 - 1)⁴ + (x5 - 1)⁶ subject to
	// x1² x4 + sin(x4 - x5) - 1 = 0, x2 + x3⁴ x4² - 2 = 0.
	{Number: 46, Optimum: 0, XStar: []float64{1, 1, 1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(0.5*sqrt2, 1.75, 0.5, 2, 2)
		x := b.vars()
		b.eq(sum(prod(sq(x[1]), x[4]), nnopt.Sin(sub(x[4], x[5])), k(-1)))
		b.eq(sum(x[2], prod(pw(x[3], 4), sq(x[4])), k(-2)))
		return b.model(46, sum(sq(sub(x[1], x[2])), sq(sub(x[3], k(1))), pw(sub(x[4], k(1)), 4), pw(sub(x[5], k(1)), 6)))
	}},
	// HS47: (x1 - x2)² + (x2 - x3)³ + (x3 - x4)⁴ + (x4 - x5)⁴ subject to
	// x1 + x2² + x3³ - 3 = 0, x2 - x3² + x4 - 1 = 0, x1 x5 - 1 = 0. The published
	// optimum 0 at (1, ..., 1) is local: the odd power lets f go below 0 on the
	// feasible set (SLSQP reaches -0.0267142 from the standard start).
	{Number: 47, Optimum: 0, XStar: []float64{1, 1, 1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(2, sqrt2, -1, 2-sqrt2, 0.5)
		x := b.vars()
		b.eq(sum(x[1], sq(x[2]), pw(x[3], 3), k(-3)))
		b.eq(sum(x[2], sc(-1, sq(x[3])), x[4], k(-1)))
		b.eq(sub(prod(x[1], x[5]), k(1)))
		return b.model(47, sum(sq(sub(x[1], x[2])), pw(sub(x[2], x[3]), 3), pw(sub(x[3], x[4]), 4), pw(sub(x[4], x[5]), 4)))
	}},
	// HS48: (x1 - 1)² + (x2 - x3)² + (x4 - x5)² subject to Σx - 5 = 0,
	// x3 - 2 (x4 + x5) + 3 = 0.
	{Number: 48, Optimum: 0, XStar: []float64{1, 1, 1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(3, 5, -3, 2, -2)
		x := b.vars()
		b.eq(sum(x[1], x[2], x[3], x[4], x[5], k(-5)))
		b.eq(sum(x[3], sc(-2, sum(x[4], x[5])), k(3)))
		return b.model(48, sum(sq(sub(x[1], k(1))), sq(sub(x[2], x[3])), sq(sub(x[4], x[5]))))
	}},
	// HS49: (x1 - x2)² + (x3 - 1)² + (x4 - 1)⁴ + (x5 - 1)⁶ subject to
	// x1 + x2 + x3 + 4 x4 - 7 = 0, x3 + 5 x5 - 6 = 0.
	{Number: 49, Optimum: 0, XStar: []float64{1, 1, 1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(10, 7, 2, -3, 0.8)
		x := b.vars()
		b.eq(sum(x[1], x[2], x[3], sc(4, x[4]), k(-7)))
		b.eq(sum(x[3], sc(5, x[5]), k(-6)))
		return b.model(49, sum(sq(sub(x[1], x[2])), sq(sub(x[3], k(1))), pw(sub(x[4], k(1)), 4), pw(sub(x[5], k(1)), 6)))
	}},
	// HS50: (x1 - x2)² + (x2 - x3)² + (x3 - x4)⁴ + (x4 - x5)² subject to
	// x1 + 2 x2 + 3 x3 - 6 = 0, x2 + 2 x3 + 3 x4 - 6 = 0, x3 + 2 x4 + 3 x5 - 6 = 0.
	{Number: 50, Optimum: 0, XStar: []float64{1, 1, 1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(35, -31, 11, 5, -5)
		x := b.vars()
		b.eq(sum(x[1], sc(2, x[2]), sc(3, x[3]), k(-6)))
		b.eq(sum(x[2], sc(2, x[3]), sc(3, x[4]), k(-6)))
		b.eq(sum(x[3], sc(2, x[4]), sc(3, x[5]), k(-6)))
		return b.model(50, sum(sq(sub(x[1], x[2])), sq(sub(x[2], x[3])), pw(sub(x[3], x[4]), 4), sq(sub(x[4], x[5]))))
	}},
	// HS51: (x1 - x2)² + (x2 + x3 - 2)² + (x4 - 1)² + (x5 - 1)² subject to
	// x1 + 3 x2 - 4 = 0, x3 + x4 - 2 x5 = 0, x2 - x5 = 0.
	{Number: 51, Optimum: 0, XStar: []float64{1, 1, 1, 1, 1}, Build: func() (*Instance, error) {
		b := newBuilder(2.5, 0.5, 2, -1, 0.5)
		x := b.vars()
		b.eq(sum(x[1], sc(3, x[2]), k(-4)))
		b.eq(sum(x[3], x[4], sc(-2, x[5])))
		b.eq(sub(x[2], x[5]))
		return b.model(51, hs51f(x))
	}},
	// HS52: (4 x1 - x2)² + (x2 + x3 - 2)² + (x4 - 1)² + (x5 - 1)² subject to
	// x1 + 3 x2 = 0, x3 + x4 - 2 x5 = 0, x2 - x5 = 0.
	{Number: 52, Optimum: 1859.0 / 349, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2, 2, 2)
		x := b.vars()
		hs52constraints(b, x)
		return b.model(52, sum(sq(sub(sc(4, x[1]), x[2])), sq(sum(x[2], x[3], k(-2))), sq(sub(x[4], k(1))), sq(sub(x[5], k(1)))))
	}},
	// HS53: HS51's objective subject to HS52's constraints, -10 ≤ x ≤ 10.
	{Number: 53, Optimum: 176.0 / 43, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2, 2, 2)
		b.loAll(-10)
		b.upAll(10)
		x := b.vars()
		hs52constraints(b, x)
		return b.model(53, hs51f(x))
	}},
	// HS55: x1 + 2 x2 + 4 x5 + exp(x1 x4) subject to six linear equations,
	// x ≥ 0, x1 ≤ 1, x4 ≤ 1. CUTEst's HS55.SIF lists 6.66666666, the local minimum
	// with x1 = 1; the book's 19/3 at the x* below is lower and checked.
	{Number: 55, Optimum: 19.0 / 3, LocalOptima: []float64{6.66666666}, XStar: []float64{0, 4.0 / 3, 5.0 / 3, 1, 2.0 / 3, 1.0 / 3}, Build: func() (*Instance, error) {
		b := newBuilder(1, 2, 0, 0, 0, 2)
		b.loAll(0)
		b.up(1, inf, inf, 1, inf, inf)
		x := b.vars()
		b.eq(sum(x[1], sc(2, x[2]), sc(5, x[5]), k(-6)))
		b.eq(sum(x[1], x[2], x[3], k(-3)))
		b.eq(sum(x[4], x[5], x[6], k(-2)))
		b.eq(sum(x[1], x[4], k(-1)))
		b.eq(sum(x[2], x[5], k(-2)))
		b.eq(sum(x[3], x[6], k(-2)))
		return b.model(55, sum(x[1], sc(2, x[2]), sc(4, x[5]), nnopt.Exp(prod(x[1], x[4]))))
	}},
	// HS56: -x1 x2 x3 subject to x1 - 4.2 sin²x4 = 0, x2 - 4.2 sin²x5 = 0,
	// x3 - 4.2 sin²x6 = 0, x1 + 2 x2 + 2 x3 - 7.2 sin²x7 = 0.
	{Number: 56, Optimum: -3.456, Build: func() (*Instance, error) {
		a, c := math.Asin(math.Sqrt(1/4.2)), math.Asin(math.Sqrt(5/7.2))
		b := newBuilder(1, 1, 1, a, a, a, c)
		x := b.vars()
		b.eq(sub(x[1], sc(4.2, sq(nnopt.Sin(x[4])))))
		b.eq(sub(x[2], sc(4.2, sq(nnopt.Sin(x[5])))))
		b.eq(sub(x[3], sc(4.2, sq(nnopt.Sin(x[6])))))
		b.eq(sub(sum(x[1], sc(2, x[2]), sc(2, x[3])), sc(7.2, sq(nnopt.Sin(x[7])))))
		return b.model(56, sc(-1, prod(x[1], x[2], x[3])))
	}},
	// HS57: Σ_j (a_j - x1 - (0.49 - x1) exp(-x2 (b_j - 8)))² over 44 observations,
	// subject to 0.49 x2 - x1 x2 - 0.09 ≥ 0, x1 ≥ 0.4, x2 ≥ -4.
	{Number: 57, Optimum: 0.02845966972, LocalOptima: []float64{0.03063791}, Build: func() (*Instance, error) {
		b := newBuilder(0.42, 5)
		b.lo(0.4, -4)
		x := b.vars()
		labels := make([]string, len(hs57a))
		for j := range labels {
			labels[j] = strconv.Itoa(j + 1)
		}
		jset := b.c.NewSet("j", labels...)
		a := b.c.NewParameter("a", jset)
		t := b.c.NewParameter("t", jset)
		copy(a.Values, hs57a)
		for j, v := range hs57b {
			t.Values[j] = v - 8
		}
		b.ge(sum(sc(0.49, x[2]), sc(-1, prod(x[1], x[2])), k(-0.09)))
		r := sub(sub(a, x[1]), prod(sub(k(0.49), x[1]), nnopt.Exp(nnopt.Neg(prod(x[2], t)))))
		return b.model(57, nnopt.Sum(sq(r), jset))
	}},
	// HS60: (x1 - 1)² + (x1 - x2)² + (x2 - x3)⁴ subject to
	// x1 (1 + x2²) + x3⁴ - 4 - 3√2 = 0, -10 ≤ x ≤ 10.
	{Number: 60, Optimum: 0.03256820025, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2)
		b.loAll(-10)
		b.upAll(10)
		x := b.vars()
		b.eq(sum(prod(x[1], sum(k(1), sq(x[2]))), pw(x[3], 4), k(-4-3*sqrt2)))
		return b.model(60, sum(sq(sub(x[1], k(1))), sq(sub(x[1], x[2])), pw(sub(x[2], x[3]), 4)))
	}},
	// HS61: 4 x1² + 2 x2² + 2 x3² - 33 x1 + 16 x2 - 24 x3 subject to
	// 3 x1 - 2 x2² - 7 = 0, 4 x1 - x3² - 11 = 0.
	{Number: 61, Optimum: -143.6461422, Build: func() (*Instance, error) {
		b := newBuilder(0, 0, 0)
		x := b.vars()
		b.eq(sum(sc(3, x[1]), sc(-2, sq(x[2])), k(-7)))
		b.eq(sum(sc(4, x[1]), sc(-1, sq(x[3])), k(-11)))
		return b.model(61, sum(sc(4, sq(x[1])), sc(2, sq(x[2])), sc(2, sq(x[3])), sc(-33, x[1]), sc(16, x[2]), sc(-24, x[3])))
	}},
	// HS62: -32.174 (255 ln((x1 + x2 + x3 + 0.03)/(0.09 x1 + x2 + x3 + 0.03))
	// + 280 ln((x2 + x3 + 0.03)/(0.07 x2 + x3 + 0.03))
	// + 290 ln((x3 + 0.03)/(0.13 x3 + 0.03))) subject to x1 + x2 + x3 - 1 = 0,
	// 0 ≤ x ≤ 1.
	{Number: 62, Optimum: -26272.51448, Build: func() (*Instance, error) {
		b := newBuilder(0.7, 0.2, 0.1)
		b.loAll(0)
		b.upAll(1)
		x := b.vars()
		b.eq(sum(x[1], x[2], x[3], k(-1)))
		t1 := nnopt.Log(nnopt.Div(sum(x[1], x[2], x[3], k(0.03)), sum(sc(0.09, x[1]), x[2], x[3], k(0.03))))
		t2 := nnopt.Log(nnopt.Div(sum(x[2], x[3], k(0.03)), sum(sc(0.07, x[2]), x[3], k(0.03))))
		t3 := nnopt.Log(nnopt.Div(sum(x[3], k(0.03)), sum(sc(0.13, x[3]), k(0.03))))
		return b.model(62, sc(-32.174, sum(sc(255, t1), sc(280, t2), sc(290, t3))))
	}},
	// HS63: 1000 - x1² - 2 x2² - x3² - x1 x2 - x1 x3 subject to
	// 8 x1 + 14 x2 + 7 x3 - 56 = 0, x1² + x2² + x3² - 25 = 0, x ≥ 0.
	{Number: 63, Optimum: 961.7151721, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2)
		b.loAll(0)
		x := b.vars()
		b.eq(sum(sc(8, x[1]), sc(14, x[2]), sc(7, x[3]), k(-56)))
		b.eq(sum(sq(x[1]), sq(x[2]), sq(x[3]), k(-25)))
		return b.model(63, sum(k(1000), sc(-1, sq(x[1])), sc(-2, sq(x[2])), sc(-1, sq(x[3])), sc(-1, prod(x[1], x[2])), sc(-1, prod(x[1], x[3]))))
	}},
	// HS64: 5 x1 + 50000/x1 + 20 x2 + 72000/x2 + 10 x3 + 144000/x3 subject to
	// 1 - 4/x1 - 32/x2 - 120/x3 ≥ 0, x ≥ 1e-5.
	{Number: 64, Optimum: 6299.842428, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1)
		b.loAll(1e-5)
		x := b.vars()
		b.ge(sum(k(1), sc(-1, nnopt.Div(k(4), x[1])), sc(-1, nnopt.Div(k(32), x[2])), sc(-1, nnopt.Div(k(120), x[3]))))
		return b.model(64, sum(sc(5, x[1]), nnopt.Div(k(50000), x[1]), sc(20, x[2]), nnopt.Div(k(72000), x[2]), sc(10, x[3]), nnopt.Div(k(144000), x[3])))
	}},
	// HS65: (x1 - x2)² + (x1 + x2 - 10)²/9 + (x3 - 5)² subject to
	// 48 - x1² - x2² - x3² ≥ 0, -4.5 ≤ x1, x2 ≤ 4.5, -5 ≤ x3 ≤ 5.
	{Number: 65, Optimum: 0.9535288567, Build: func() (*Instance, error) {
		b := newBuilder(-5, 5, 0)
		b.lo(-4.5, -4.5, -5)
		b.up(4.5, 4.5, 5)
		x := b.vars()
		b.ge(sum(k(48), sc(-1, sq(x[1])), sc(-1, sq(x[2])), sc(-1, sq(x[3]))))
		return b.model(65, sum(sq(sub(x[1], x[2])), sc(1.0/9, sq(sum(x[1], x[2], k(-10)))), sq(sub(x[3], k(5)))))
	}},
	// HS66: 0.2 x3 - 0.8 x1 subject to x2 - exp(x1) ≥ 0, x3 - exp(x2) ≥ 0,
	// 0 ≤ x1, x2 ≤ 100, 0 ≤ x3 ≤ 10.
	{Number: 66, Optimum: 0.5181632741, Build: func() (*Instance, error) {
		b := newBuilder(0, 1.05, 2.9)
		b.loAll(0)
		b.up(100, 100, 10)
		x := b.vars()
		b.ge(sub(x[2], nnopt.Exp(x[1])))
		b.ge(sub(x[3], nnopt.Exp(x[2])))
		return b.model(66, sub(sc(0.2, x[3]), sc(0.8, x[1])))
	}},
	// HS71: x1 x4 (x1 + x2 + x3) + x3 subject to x1 x2 x3 x4 - 25 ≥ 0,
	// Σ x² - 40 = 0, 1 ≤ x ≤ 5.
	{Number: 71, Optimum: 17.0140173, Build: func() (*Instance, error) {
		b := newBuilder(1, 5, 5, 1)
		b.loAll(1)
		b.upAll(5)
		x := b.vars()
		b.ge(sub(prod(x[1], x[2], x[3], x[4]), k(25)))
		b.eq(sum(sq(x[1]), sq(x[2]), sq(x[3]), sq(x[4]), k(-40)))
		return b.model(71, sum(prod(x[1], x[4], sum(x[1], x[2], x[3])), x[3]))
	}},
	// HS72: 1 + Σ x subject to 0.0401 - 4/x1 - 2.25/x2 - 1/x3 - 0.25/x4 ≥ 0,
	// 0.010085 - 0.16/x1 - 0.36/x2 - 0.64/x3 - 0.64/x4 ≥ 0,
	// 0.001 ≤ x_i ≤ (5 - i)·1e5.
	{Number: 72, Optimum: 727.67937, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1, 1)
		b.loAll(0.001)
		b.up(4e5, 3e5, 2e5, 1e5)
		x := b.vars()
		inv := func(c float64, v nnopt.Operand) *nnopt.Expr { return nnopt.Div(k(-c), v) }
		b.ge(sum(k(0.0401), inv(4, x[1]), inv(2.25, x[2]), inv(1, x[3]), inv(0.25, x[4])))
		b.ge(sum(k(0.010085), inv(0.16, x[1]), inv(0.36, x[2]), inv(0.64, x[3]), inv(0.64, x[4])))
		return b.model(72, sum(k(1), x[1], x[2], x[3], x[4]))
	}},
	// HS73 (cattle feed): 24.55 x1 + 26.75 x2 + 39 x3 + 40.5 x4 subject to
	// 2.3 x1 + 5.6 x2 + 11.1 x3 + 1.3 x4 - 5 ≥ 0,
	// 12 x1 + 11.9 x2 + 41.8 x3 + 52.1 x4 - 21
	// - 1.645 √(0.28 x1² + 0.19 x2² + 20.5 x3² + 0.62 x4²) ≥ 0, Σ x - 1 = 0, x ≥ 0.
	{Number: 73, Optimum: 29.894378, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1, 1)
		b.loAll(0)
		x := b.vars()
		b.ge(sum(sc(2.3, x[1]), sc(5.6, x[2]), sc(11.1, x[3]), sc(1.3, x[4]), k(-5)))
		b.ge(sum(sc(12, x[1]), sc(11.9, x[2]), sc(41.8, x[3]), sc(52.1, x[4]), k(-21),
			sc(-1.645, nnopt.Sqrt(sum(sc(0.28, sq(x[1])), sc(0.19, sq(x[2])), sc(20.5, sq(x[3])), sc(0.62, sq(x[4])))))))
		b.eq(sum(x[1], x[2], x[3], x[4], k(-1)))
		return b.model(73, sum(sc(24.55, x[1]), sc(26.75, x[2]), sc(39, x[3]), sc(40.5, x[4])))
	}},
	// HS74 and HS75: 3 x1 + 1e-6 x1³ + 2 x2 + (2e-6/3) x2³ subject to
	// x4 - x3 + a ≥ 0, x3 - x4 + a ≥ 0,
	// 1000 sin(-x3 - 0.25) + 1000 sin(-x4 - 0.25) + 894.8 - x1 = 0,
	// 1000 sin(x3 - 0.25) + 1000 sin(x3 - x4 - 0.25) + 894.8 - x2 = 0,
	// 1000 sin(x4 - 0.25) + 1000 sin(x4 - x3 - 0.25) + 1294.8 = 0,
	// 0 ≤ x1, x2 ≤ 1200, -a ≤ x3, x4 ≤ a; a = 0.55 (HS74), 0.48 (HS75).
	{Number: 74, Optimum: 5126.4981, Build: func() (*Instance, error) { return hs74(74, 0.55) }},
	{Number: 75, Optimum: 5174.4129, Build: func() (*Instance, error) { return hs74(75, 0.48) }},
	// HS76: x1² + 0.5 x2² + x3² + 0.5 x4² - x1 x3 + x3 x4 - x1 - 3 x2 + x3 - x4
	// subject to three linear inequalities, x ≥ 0.
	{Number: 76, Optimum: -4.681818181, Build: func() (*Instance, error) {
		b := newBuilder(0.5, 0.5, 0.5, 0.5)
		b.loAll(0)
		x := b.vars()
		b.ge(sum(k(5), sc(-1, x[1]), sc(-2, x[2]), sc(-1, x[3]), sc(-1, x[4])))
		b.ge(sum(k(4), sc(-3, x[1]), sc(-1, x[2]), sc(-2, x[3]), x[4]))
		b.ge(sum(x[2], sc(4, x[3]), k(-1.5)))
		return b.model(76, sum(sq(x[1]), sc(0.5, sq(x[2])), sq(x[3]), sc(0.5, sq(x[4])), sc(-1, prod(x[1], x[3])), prod(x[3], x[4]),
			sc(-1, x[1]), sc(-3, x[2]), x[3], sc(-1, x[4])))
	}},
	// HS77: (x1 - 1)² + (x1 - x2)² + (x3 - 1)² + (x4 - 1)⁴ + (x5 - 1)⁶ subject to
	// x1² x4 + sin(x4 - x5) - 2√2 = 0, x2 + x3⁴ x4² - 8 - √2 = 0.
	{Number: 77, Optimum: 0.24150513, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2, 2, 2)
		x := b.vars()
		b.eq(sum(prod(sq(x[1]), x[4]), nnopt.Sin(sub(x[4], x[5])), k(-2*sqrt2)))
		b.eq(sum(x[2], prod(pw(x[3], 4), sq(x[4])), k(-8-sqrt2)))
		return b.model(77, sum(sq(sub(x[1], k(1))), sq(sub(x[1], x[2])), sq(sub(x[3], k(1))), pw(sub(x[4], k(1)), 4), pw(sub(x[5], k(1)), 6)))
	}},
	// HS78: x1 x2 x3 x4 x5 subject to Σ x² - 10 = 0, x2 x3 - 5 x4 x5 = 0,
	// x1³ + x2³ + 1 = 0.
	{Number: 78, Optimum: -2.91970041, Build: func() (*Instance, error) {
		b := newBuilder(-2, 1.5, 2, -1, -1)
		x := b.vars()
		hs80constraints(b, x)
		return b.model(78, prod(x[1], x[2], x[3], x[4], x[5]))
	}},
	// HS79: (x1 - 1)² + (x1 - x2)² + (x2 - x3)² + (x3 - x4)⁴ + (x4 - x5)⁴ subject to
	// x1 + x2² + x3³ - 2 - 3√2 = 0, x2 - x3² + x4 + 2 - 2√2 = 0, x1 x5 - 2 = 0.
	{Number: 79, Optimum: 0.0787768209, Build: func() (*Instance, error) {
		b := newBuilder(2, 2, 2, 2, 2)
		x := b.vars()
		b.eq(sum(x[1], sq(x[2]), pw(x[3], 3), k(-2-3*sqrt2)))
		b.eq(sum(x[2], sc(-1, sq(x[3])), x[4], k(2-2*sqrt2)))
		b.eq(sub(prod(x[1], x[5]), k(2)))
		return b.model(79, sum(sq(sub(x[1], k(1))), sq(sub(x[1], x[2])), sq(sub(x[2], x[3])), pw(sub(x[3], x[4]), 4), pw(sub(x[4], x[5]), 4)))
	}},
	// HS80: exp(x1 x2 x3 x4 x5) subject to HS78's constraints,
	// -2.3 ≤ x1, x2 ≤ 2.3, -3.2 ≤ x3, x4, x5 ≤ 3.2.
	{Number: 80, Optimum: 0.0539498478, Build: func() (*Instance, error) {
		b := newBuilder(-2, 2, 2, -1, -1)
		b.lo(-2.3, -2.3, -3.2, -3.2, -3.2)
		b.up(2.3, 2.3, 3.2, 3.2, 3.2)
		x := b.vars()
		hs80constraints(b, x)
		return b.model(80, nnopt.Exp(prod(x[1], x[2], x[3], x[4], x[5])))
	}},
	// HS81: exp(x1 x2 x3 x4 x5) - 0.5 (x1³ + x2³ + 1)² subject to HS80's
	// constraints and bounds.
	{Number: 81, Optimum: 0.0539498478, Build: func() (*Instance, error) {
		b := newBuilder(-2, 2, 2, -1, -1)
		b.lo(-2.3, -2.3, -3.2, -3.2, -3.2)
		b.up(2.3, 2.3, 3.2, 3.2, 3.2)
		x := b.vars()
		hs80constraints(b, x)
		return b.model(81, sub(nnopt.Exp(prod(x[1], x[2], x[3], x[4], x[5])), sc(0.5, sq(sum(pw(x[1], 3), pw(x[2], 3), k(1))))))
	}},
	// Beyond HS81, problems of the book's later range that general NLP codes are
	// commonly measured on.
	{Number: 83, Optimum: -30665.53867, Build: func() (*Instance, error) {
		b := newBuilder(78, 33, 27, 27, 27)
		b.lo(78, 33, 27, 27, 27)
		b.up(102, 45, 45, 45, 45)
		x := b.vars()
		a1 := sum(k(85.334407), sc(0.0056858, prod(x[2], x[5])), sc(0.0006262, prod(x[1], x[4])), sc(-0.0022053, prod(x[3], x[5])))
		a2 := sum(k(80.51249), sc(0.0071317, prod(x[2], x[5])), sc(0.0029955, prod(x[1], x[2])), sc(0.0021813, sq(x[3])))
		a3 := sum(k(9.300961), sc(0.0047026, prod(x[3], x[5])), sc(0.0012547, prod(x[1], x[3])), sc(0.0019085, prod(x[3], x[4])))
		b.ge(a1)
		b.le(sub(a1, k(92)))
		b.ge(sub(a2, k(90)))
		b.le(sub(a2, k(110)))
		b.ge(sub(a3, k(20)))
		b.le(sub(a3, k(25)))
		return b.model(83, sum(sc(5.3578547, sq(x[3])), sc(0.8356891, prod(x[1], x[5])), sc(37.293239, x[1]), k(-40792.141)))
	}},
	{Number: 104, Optimum: 3.9511634396, Build: func() (*Instance, error) {
		b := newBuilder(6, 3, 0.4, 0.2, 6, 6, 1, 0.5)
		b.loAll(0.1)
		b.upAll(10)
		x := b.vars()
		f := sum(sc(0.4, prod(pw(x[1], 0.67), pw(x[7], -0.67))), sc(0.4, prod(pw(x[2], 0.67), pw(x[8], -0.67))), k(10), sc(-1, x[1]), sc(-1, x[2]))
		b.ge(sum(k(1), sc(-0.0588, prod(x[5], x[7])), sc(-0.1, x[1])))
		b.ge(sum(k(1), sc(-0.0588, prod(x[6], x[8])), sc(-0.1, x[1]), sc(-0.1, x[2])))
		b.ge(sum(k(1), sc(-4, nnopt.Div(x[3], x[5])), sc(-2, nnopt.Div(pw(x[3], -0.71), x[5])), sc(-0.0588, prod(x[7], pw(x[3], -1.3)))))
		b.ge(sum(k(1), sc(-4, nnopt.Div(x[4], x[6])), sc(-2, nnopt.Div(pw(x[4], -0.71), x[6])), sc(-0.0588, prod(x[8], pw(x[4], -1.3)))))
		// 1 ≤ f ≤ 4.2, as CUTEst's HS104.SIF (a range of 3.2 on f - 1) and
		// OptimizationProblems.jl's hs104 have it; this set had 0.1 ≤ f until the
		// audit. Neither side is active at the optimum.
		b.ge(sub(f, k(1)))
		b.le(sub(f, k(4.2)))
		return b.model(104, f)
	}},
	// HS106: the book's optimum; a feasible point at 7049.2480 lies below it
	// (SLSQP and nnopt both reach it), which TestHS counts as a pass.
	{Number: 106, Optimum: 7049.330923, Build: func() (*Instance, error) {
		b := newBuilder(5000, 5000, 5000, 200, 350, 150, 225, 425)
		b.lo(100, 1000, 1000, 10, 10, 10, 10, 10)
		b.up(10000, 10000, 10000, 1000, 1000, 1000, 1000, 1000)
		x := b.vars()
		b.ge(sum(k(1), sc(-0.0025, sum(x[4], x[6]))))
		b.ge(sum(k(1), sc(-0.0025, sum(x[5], x[7], sc(-1, x[4])))))
		b.ge(sum(k(1), sc(-0.01, sub(x[8], x[5]))))
		b.ge(sum(prod(x[1], x[6]), sc(-833.33252, x[4]), sc(-100, x[1]), k(83333.333)))
		b.ge(sum(prod(x[2], x[7]), sc(-1250, x[5]), sc(-1, prod(x[2], x[4])), sc(1250, x[4])))
		b.ge(sum(prod(x[3], x[8]), k(-1250000), sc(-1, prod(x[3], x[5])), sc(2500, x[5])))
		return b.model(106, sum(x[1], x[2], x[3]))
	}},
	{Number: 108, Optimum: -0.8660254038, Build: func() (*Instance, error) {
		b := newBuilder(1, 1, 1, 1, 1, 1, 1, 1, 1)
		x := b.vars()
		d2 := func(a, c nnopt.Operand) *nnopt.Expr { return sq(sub(a, c)) }
		b.ge(sum(k(1), sc(-1, sq(x[3])), sc(-1, sq(x[4]))))
		b.ge(sum(k(1), sc(-1, sq(x[9]))))
		b.ge(sum(k(1), sc(-1, sq(x[5])), sc(-1, sq(x[6]))))
		b.ge(sum(k(1), sc(-1, sq(x[1])), sc(-1, d2(x[2], x[9]))))
		b.ge(sum(k(1), sc(-1, d2(x[1], x[5])), sc(-1, d2(x[2], x[6]))))
		b.ge(sum(k(1), sc(-1, d2(x[1], x[7])), sc(-1, d2(x[2], x[8]))))
		b.ge(sum(k(1), sc(-1, d2(x[3], x[5])), sc(-1, d2(x[4], x[6]))))
		b.ge(sum(k(1), sc(-1, d2(x[3], x[7])), sc(-1, d2(x[4], x[8]))))
		b.ge(sum(k(1), sc(-1, sq(x[7])), sc(-1, d2(x[8], x[9]))))
		b.ge(sub(prod(x[1], x[4]), prod(x[2], x[3])))
		b.ge(prod(x[3], x[9]))
		b.ge(nnopt.Neg(prod(x[5], x[9])))
		b.ge(sub(prod(x[5], x[8]), prod(x[6], x[7])))
		b.lo(-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, 0)
		return b.model(108, sc(-0.5, sum(prod(x[1], x[4]), sc(-1, prod(x[2], x[3])), prod(x[3], x[9]), sc(-1, prod(x[5], x[9])),
			prod(x[5], x[8]), sc(-1, prod(x[6], x[7])))))
	}},
	{Number: 100, Optimum: 680.6300573, Build: func() (*Instance, error) {
		b := newBuilder(1, 2, 0, 4, 0, 1, 1)
		x := b.vars()
		b.ge(sum(k(127), sc(-2, sq(x[1])), sc(-3, pw(x[2], 4)), sc(-1, x[3]), sc(-4, sq(x[4])), sc(-5, x[5])))
		b.ge(sum(k(282), sc(-7, x[1]), sc(-3, x[2]), sc(-10, sq(x[3])), sc(-1, x[4]), x[5]))
		b.ge(sum(k(196), sc(-23, x[1]), sc(-1, sq(x[2])), sc(-6, sq(x[6])), sc(8, x[7])))
		b.ge(sum(sc(-4, sq(x[1])), sc(-1, sq(x[2])), sc(3, prod(x[1], x[2])), sc(-2, sq(x[3])), sc(-5, x[6]), sc(11, x[7])))
		return b.model(100, sum(sq(sub(x[1], k(10))), sc(5, sq(sub(x[2], k(12)))), pw(x[3], 4), sc(3, sq(sub(x[4], k(11)))),
			sc(10, pw(x[5], 6)), sc(7, sq(x[6])), pw(x[7], 4), sc(-4, prod(x[6], x[7])), sc(-10, x[6]), sc(-8, x[7])))
	}},
	{Number: 113, Optimum: 24.3062091, Build: func() (*Instance, error) {
		b := newBuilder(2, 3, 5, 5, 1, 2, 7, 3, 6, 10)
		x := b.vars()
		b.ge(sum(k(105), sc(-4, x[1]), sc(-5, x[2]), sc(3, x[7]), sc(-9, x[8])))
		b.ge(sum(sc(-10, x[1]), sc(8, x[2]), sc(17, x[7]), sc(-2, x[8])))
		b.ge(sum(sc(8, x[1]), sc(-2, x[2]), sc(-5, x[9]), sc(2, x[10]), k(12)))
		b.ge(sum(sc(-3, sq(sub(x[1], k(2)))), sc(-4, sq(sub(x[2], k(3)))), sc(-2, sq(x[3])), sc(7, x[4]), k(120)))
		b.ge(sum(sc(-5, sq(x[1])), sc(-8, x[2]), sc(-1, sq(sub(x[3], k(6)))), sc(2, x[4]), k(40)))
		b.ge(sum(sc(-0.5, sq(sub(x[1], k(8)))), sc(-2, sq(sub(x[2], k(4)))), sc(-3, sq(x[5])), x[6], k(30)))
		b.ge(sum(sc(-1, sq(x[1])), sc(-2, sq(sub(x[2], k(2)))), sc(2, prod(x[1], x[2])), sc(-14, x[5]), sc(6, x[6])))
		b.ge(sum(sc(3, x[1]), sc(-6, x[2]), sc(-12, sq(sub(x[9], k(8)))), sc(7, x[10])))
		return b.model(113, sum(sq(x[1]), sq(x[2]), prod(x[1], x[2]), sc(-14, x[1]), sc(-16, x[2]), sq(sub(x[3], k(10))),
			sc(4, sq(sub(x[4], k(5)))), sq(sub(x[5], k(3))), sc(2, sq(sub(x[6], k(1)))), sc(5, sq(x[7])),
			sc(7, sq(sub(x[8], k(11)))), sc(2, sq(sub(x[9], k(10)))), sq(sub(x[10], k(7))), k(45)))
	}},
}

// hs51f is HS51's (and HS53's) objective.
func hs51f(x []*nnopt.Expr) *nnopt.Expr {
	return sum(sq(sub(x[1], x[2])), sq(sum(x[2], x[3], k(-2))), sq(sub(x[4], k(1))), sq(sub(x[5], k(1))))
}

// hs52constraints are HS52's (and HS53's) constraints.
func hs52constraints(b *builder, x []*nnopt.Expr) {
	b.eq(sum(x[1], sc(3, x[2])))
	b.eq(sum(x[3], x[4], sc(-2, x[5])))
	b.eq(sub(x[2], x[5]))
}

// hs80constraints are HS78's, HS80's and HS81's constraints.
func hs80constraints(b *builder, x []*nnopt.Expr) {
	b.eq(sum(sq(x[1]), sq(x[2]), sq(x[3]), sq(x[4]), sq(x[5]), k(-10)))
	b.eq(sub(prod(x[2], x[3]), sc(5, prod(x[4], x[5]))))
	b.eq(sum(pw(x[1], 3), pw(x[2], 3), k(1)))
}

// hs74 builds HS74 (a = 0.55) or HS75 (a = 0.48).
func hs74(n int, a float64) (*Instance, error) {
	b := newBuilder(0, 0, 0, 0)
	b.lo(0, 0, -a, -a)
	b.up(1200, 1200, a, a)
	x := b.vars()
	b.ge(sum(x[4], sc(-1, x[3]), k(a)))
	b.ge(sum(x[3], sc(-1, x[4]), k(a)))
	s := func(e nnopt.Operand) *nnopt.Expr { return sc(1000, nnopt.Sin(e)) }
	b.eq(sum(s(sub(sc(-1, x[3]), k(0.25))), s(sub(sc(-1, x[4]), k(0.25))), k(894.8), sc(-1, x[1])))
	b.eq(sum(s(sub(x[3], k(0.25))), s(sub(sub(x[3], x[4]), k(0.25))), k(894.8), sc(-1, x[2])))
	b.eq(sum(s(sub(x[4], k(0.25))), s(sub(sub(x[4], x[3]), k(0.25))), k(1294.8)))
	return b.model(n, sum(sc(3, x[1]), sc(1e-6, pw(x[1], 3)), sc(2, x[2]), sc(2e-6/3, pw(x[2], 3))))
}

// HS57's observations a_j at times b_j.
var (
	hs57a = []float64{0.49, 0.49, 0.48, 0.47, 0.48, 0.47, 0.46, 0.46, 0.45, 0.43, 0.45, 0.43, 0.43, 0.44, 0.43, 0.43, 0.46,
		0.45, 0.42, 0.42, 0.43, 0.41, 0.41, 0.40, 0.42, 0.40, 0.40, 0.41, 0.40, 0.41, 0.41, 0.40, 0.40, 0.40, 0.38, 0.41, 0.40,
		0.40, 0.41, 0.38, 0.40, 0.40, 0.39, 0.39}
	hs57b = []float64{8, 8, 10, 10, 10, 10, 12, 12, 12, 12, 14, 14, 14, 16, 16, 16, 18, 18, 20, 20, 20, 22, 22, 22, 24, 24, 24,
		26, 26, 26, 28, 28, 30, 30, 30, 32, 32, 34, 36, 36, 38, 38, 40, 42}
)
