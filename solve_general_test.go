package nnopt

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/nnopt/nnopt/nlpsolve"
)

// TestGeneralBoundedDefinedVariable: y = x1 + x2 defines y, but y ≤ 1 binds at the
// optimum of min -x1 - 2·x2 s.t. x1 ≥ 0.2. The general method first keeps y
// eliminated behind a barrier, then, blocked, solves with y's equation as a row.
func TestGeneralBoundedDefinedVariable(t *testing.T) {
	c := NewContainer()
	x1, x2 := c.NewVariable("x1", Positive), c.NewVariable("x2", Positive)
	x1.SetBounds(0, 10)
	x2.SetBounds(0, 10)
	y := c.NewVariable("y", Free)
	y.SetBounds(math.Inf(-1), 1)
	obj := c.NewVariable("obj", Free)
	def := c.NewEquation("defy")
	row := c.NewEquation("least")
	must(def.Define(Eq(y, Add(x1, x2))))
	must(row.Define(Ge(x1, Const(0.2))))
	must(c.NewEquation("defobj").Define(Eq(obj, Neg(Add(x1, Mul(Const(2), x2))))))
	m, err := c.NewModel("m", ModelSpec{Equations: c.Equations(), Problem: LP, Sense: Minimize, Objective: obj})
	must(err)
	if err := m.Solve(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusOptimal || math.Abs(m.ObjectiveValue+1.8) > 1e-9 {
		t.Fatalf("%v, objective %g; want optimal -1.8", m.Status, m.ObjectiveValue)
	}
	if math.Abs(x1.L[0]-0.2) > 1e-9 || math.Abs(x2.L[0]-0.8) > 1e-9 || math.Abs(y.L[0]-1) > 1e-9 {
		t.Errorf("x1, x2, y = %g, %g, %g; want 0.2, 0.8, 1", x1.L[0], x2.L[0], y.L[0])
	}
	// Raising the rhs 0.2 by δ moves δ from x2 to x1: the objective rises by δ.
	if math.Abs(row.M[0]-1) > 1e-9 {
		t.Errorf("marginal of least = %g, want 1", row.M[0])
	}
	// y at its upper bound: the objective falls by 2 per unit of y (x2 grows).
	if math.Abs(y.M[0]+2) > 1e-9 {
		t.Errorf("reduced cost of y = %g, want -2", y.M[0])
	}
}

// TestGeneralMaximise checks the signs of a maximised LP: max x + y s.t.
// x + 2y ≤ 4, 3x + y ≤ 6 has x = 1.6, y = 1.2, duals 0.4 and 0.2.
func TestGeneralMaximise(t *testing.T) {
	c := NewContainer()
	x, y := c.NewVariable("x", Positive), c.NewVariable("y", Positive)
	r1, r2 := c.NewEquation("r1"), c.NewEquation("r2")
	must(r1.Define(Le(Add(x, Mul(Const(2), y)), Const(4))))
	must(r2.Define(Le(Add(Mul(Const(3), x), y), Const(6))))
	m, err := c.NewModel("m", ModelSpec{Equations: []*Equation{r1, r2}, Problem: LP, Sense: Maximize, Objective: Add(x, y)})
	must(err)
	if err := m.Solve(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusOptimal || math.Abs(m.ObjectiveValue-2.8) > 1e-9 {
		t.Fatalf("%v, objective %g; want optimal 2.8", m.Status, m.ObjectiveValue)
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{{"x", x.L[0], 1.6}, {"y", y.L[0], 1.2}, {"r1.M", r1.M[0], 0.4}, {"r2.M", r2.M[0], 0.2},
		{"r1.L", r1.L[0], 0}, {"x.M", x.M[0], 0}} {
		if math.Abs(tc.got-tc.want) > 1e-9 {
			t.Errorf("%s = %g, want %g", tc.name, tc.got, tc.want)
		}
	}
}

// TestGeneralHonoursEverySetting: the general method calls OnIteration after every
// iteration (the last call's figures are the solution's), and refuses the settings
// it cannot honour instead of ignoring them.
func TestGeneralHonoursEverySetting(t *testing.T) {
	build := func() *Model {
		c := NewContainer()
		x1, x2 := c.NewVariable("x1", Positive), c.NewVariable("x2", Positive)
		obj := c.NewVariable("obj", Free)
		must(c.NewEquation("cap").Define(Le(Add(x1, Mul(Const(2), x2)), Const(4))))
		must(c.NewEquation("mix").Define(Le(Sub(x1, x2), Const(1))))
		must(c.NewEquation("defobj").Define(Eq(obj, Add(Mul(Const(3), x1), Mul(Const(2), x2)))))
		m, err := c.NewModel("lp", ModelSpec{Equations: c.Equations(), Problem: LP, Sense: Maximize, Objective: obj})
		must(err)
		return m
	}
	m := build()
	var its []nlpsolve.Iteration
	if err := m.Solve(context.Background(), Options{OnIteration: func(it nlpsolve.Iteration) { its = append(its, it) }}); err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusOptimal || m.NumIterations == 0 {
		t.Fatalf("status %v after %d iterations", m.Status, m.NumIterations)
	}
	if len(its) != m.NumIterations {
		t.Fatalf("OnIteration called %d times in %d iterations", len(its), m.NumIterations)
	}
	for k, it := range its {
		if it.Iter != k+1 {
			t.Errorf("call %d reports iteration %d", k+1, it.Iter)
		}
	}
	if last := its[len(its)-1]; math.Abs(last.Objective-m.ObjectiveValue) > 1e-9 || last.Phase < 3 {
		t.Errorf("last iteration: phase %d objective %g, want a feasible phase (3 or 4) and the solution's %g", last.Phase, last.Objective, m.ObjectiveValue)
	}
	if err := build().Solve(context.Background(), Options{Scaling: nlpsolve.ScaleAuto}); !errors.Is(err, nlpsolve.ErrUnsupportedSetting) {
		t.Errorf("scaling auto: error %v, want one wrapping ErrUnsupportedSetting", err)
	}
	for _, opt := range []Options{{Method: nlpsolve.LBFGS, Scaling: nlpsolve.ScaleUser}, {Method: nlpsolve.NewtonCG}} {
		m2 := build()
		if err := m2.Solve(context.Background(), opt); err != nil {
			t.Errorf("%+v: %v", opt, err)
		} else if m2.Status != StatusOptimal || math.Abs(m2.ObjectiveValue-m.ObjectiveValue) > 1e-7*(1+math.Abs(m.ObjectiveValue)) {
			t.Errorf("%+v: status %v objective %g, want optimal %g", opt, m2.Status, m2.ObjectiveValue, m.ObjectiveValue)
		}
	}
}
