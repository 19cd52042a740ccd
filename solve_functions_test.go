package nnopt_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/optfile"
)

// TestHS5: Hock-Schittkowski problem 5, sin(x1 + x2) + (x1 - x2)² - 1.5·x1 + 2.5·x2 + 1
// over -1.5 ≤ x1 ≤ 4, -3 ≤ x2 ≤ 3 from 0, whose published optimum is -√3/2 - π/3 at
// x = (1/2 - π/3, -1/2 - π/3): written with Elem and an objective expression, and no
// equations at all.
func TestHS5(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "1", "2")
	x := c.NewVariable("x", nnopt.Free, i)
	copy(x.Lo, []float64{-1.5, -3})
	copy(x.Up, []float64{4, 3})
	x1, x2 := x.Elem("1"), x.Elem("2")
	f := nnopt.Add(nnopt.Sin(nnopt.Add(x1, x2)), nnopt.Sqr(nnopt.Sub(x1, x2)))
	f = nnopt.Add(f, nnopt.Add(nnopt.Mul(nnopt.Const(-1.5), x1), nnopt.Add(nnopt.Mul(nnopt.Const(2.5), x2), nnopt.Const(1))))
	m, err := c.NewModel("hs5", nnopt.ModelSpec{Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: f})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	want := -math.Sqrt(3)/2 - math.Pi/3
	if m.Status != nnopt.StatusLocallyOptimal || math.Abs(m.ObjectiveValue-want) > 1e-7 {
		t.Errorf("status %v, objective %.10g, want locally optimal %.10g", m.Status, m.ObjectiveValue, want)
	}
	if math.Abs(x.L[0]-(0.5-math.Pi/3)) > 1e-4 || math.Abs(x.L[1]-(-0.5-math.Pi/3)) > 1e-4 {
		t.Errorf("x = %v, want (%g, %g)", x.L, 0.5-math.Pi/3, -0.5-math.Pi/3)
	}
}

// TestObjectiveOnly: a model of bounds and an objective, with no equations: the
// objective a variable (at its bound) or an expression; with neither equations nor
// objective there is nothing to solve, which NewModel says.
func TestObjectiveOnly(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free)
	x.Lo[0], x.Up[0] = 1, 5
	m, err := c.NewModel("bound", nnopt.ModelSpec{Problem: nnopt.LP, Sense: nnopt.Maximize, Objective: x})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.ObjectiveValue != 5 || x.L[0] != 5 {
		t.Errorf("max x over [1, 5]: objective %g at %g, want 5", m.ObjectiveValue, x.L[0])
	}
	if _, err := c.NewModel("empty", nnopt.ModelSpec{Problem: nnopt.NLP, Sense: nnopt.Feasibility}); err == nil || !strings.Contains(err.Error(), "nothing to solve") {
		t.Errorf("a model without equations or objective: %v", err)
	}
}

// TestDNLP: a model with Abs, Max and Min of variables is a DNLP, solved where the
// functions are differentiable at the optimum: (x-1)² + |x+3| + max((y-2)², -1) +
// min(y/2, 100) is least at x = 1/2, y = 7/4, with value 4.6875. As an NLP it is
// refused, naming the first non-smooth term.
func TestDNLP(t *testing.T) {
	c := nnopt.NewContainer()
	x, y, f := c.NewVariable("x", nnopt.Free), c.NewVariable("y", nnopt.Free), c.NewVariable("f", nnopt.Free)
	def := c.NewEquation("deff")
	body := nnopt.Add(nnopt.Sqr(nnopt.Sub(x, nnopt.Const(1))), nnopt.Abs(nnopt.Add(x, nnopt.Const(3))))
	body = nnopt.Add(body, nnopt.Max(nnopt.Sqr(nnopt.Sub(y, nnopt.Const(2))), nnopt.Const(-1)))
	body = nnopt.Add(body, nnopt.Min(nnopt.Mul(nnopt.Const(0.5), y), nnopt.Const(100)))
	if err := def.Define(nnopt.Eq(f, body)); err != nil {
		t.Fatal(err)
	}
	nlp, err := c.NewModel("asnlp", nnopt.ModelSpec{Equations: []*nnopt.Equation{def}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: f})
	if err != nil {
		t.Fatal(err)
	}
	if err := nlp.Solve(context.Background(), nnopt.Options{}); err == nil {
		t.Errorf("an NLP with abs, max and min solved (%v); want it refused", nlp.Status)
	}
	m, err := c.NewModel("dnlp", nnopt.ModelSpec{Equations: []*nnopt.Equation{def}, Problem: nnopt.DNLP, Sense: nnopt.Minimize, Objective: f})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusLocallyOptimal || math.Abs(m.ObjectiveValue-4.6875) > 1e-8 || math.Abs(x.L[0]-0.5) > 1e-5 || math.Abs(y.L[0]-1.75) > 1e-5 {
		t.Errorf("status %v, objective %.10g at (%g, %g), want locally optimal 4.6875 at (0.5, 1.75)", m.Status, m.ObjectiveValue, x.L[0], y.L[0])
	}
}

// TestEliminationOption: a linear equality that defines a variable is eliminated
// and the log says which; Options.Elimination EliminateNone (or the option file's
// "elimination none") keeps it as a row, to the same optimum.
func TestEliminationOption(t *testing.T) {
	c := nnopt.NewContainer()
	x, y := c.NewVariable("x", nnopt.Free), c.NewVariable("y", nnopt.Free)
	sum := c.NewEquation("total")
	if err := sum.Define(nnopt.Eq(nnopt.Add(x, y), nnopt.Const(1))); err != nil {
		t.Fatal(err)
	}
	// The bound keeps the problem general (y's bound rules out the triangular method's
	// sweep-only path): min (x - 2)² + y² with x + y = 1, y ≥ -5, at x = 1.5, y = -0.5.
	y.Lo[0] = -5
	obj := nnopt.Add(nnopt.Sqr(nnopt.Sub(x, nnopt.Const(2))), nnopt.Sqr(y))
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: []*nnopt.Equation{sum}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	f, err := optfile.Parse("t.opt", strings.NewReader("elimination none\n"), optfile.Default())
	if err != nil {
		t.Fatal(err)
	}
	var none nnopt.Options
	none.ApplyOptionFile(f)
	for _, tc := range []struct {
		opt        nnopt.Options
		eliminates bool
	}{
		{nnopt.Options{}, true},
		{nnopt.Options{Elimination: nnopt.EliminateNone}, false},
		{none, false},
	} {
		var log strings.Builder
		tc.opt.Output = &log
		if err := m.Solve(context.Background(), tc.opt); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(log.String(), "equation total eliminates variable"); got != tc.eliminates {
			t.Errorf("elimination %v: the log names the elimination: %v, want %v\n%s", tc.opt.Elimination, got, tc.eliminates, log.String())
		}
		if m.Status != nnopt.StatusLocallyOptimal || math.Abs(m.ObjectiveValue-0.5) > 1e-8 || math.Abs(x.L[0]-1.5) > 1e-6 {
			t.Errorf("elimination %v: %v, objective %g at x = %g; want 0.5 at 1.5", tc.opt.Elimination, m.Status, m.ObjectiveValue, x.L[0])
		}
	}
}
