package nnopt_test

import (
	"context"
	"math"
	"testing"

	"github.com/nnopt/nnopt"
)

// TestHS5: Hock-Schittkowski problem 5, sin(x1 + x2) + (x1 - x2)² - 1.5·x1 + 2.5·x2 + 1
// over -1.5 ≤ x1 ≤ 4, -3 ≤ x2 ≤ 3 from 0, whose published optimum is -√3/2 - π/3 at
// x = (1/2 - π/3, -1/2 - π/3).
func TestHS5(t *testing.T) {
	c := nnopt.NewContainer()
	x1, x2 := c.NewVariable("x1", nnopt.Free), c.NewVariable("x2", nnopt.Free)
	x1.Lo[0], x1.Up[0], x2.Lo[0], x2.Up[0] = -1.5, 4, -3, 3
	f := c.NewVariable("f", nnopt.Free)
	def := c.NewEquation("deff")
	body := nnopt.Add(nnopt.Sin(nnopt.Add(x1, x2)), nnopt.Sqr(nnopt.Sub(x1, x2)))
	body = nnopt.Add(body, nnopt.Add(nnopt.Mul(nnopt.Const(-1.5), x1), nnopt.Add(nnopt.Mul(nnopt.Const(2.5), x2), nnopt.Const(1))))
	if err := def.Define(nnopt.Eq(f, body)); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("hs5", nnopt.ModelSpec{Equations: []*nnopt.Equation{def}, Problem: nnopt.NLP, Sense: nnopt.Min, Objective: f})
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
	if math.Abs(x1.L[0]-(0.5-math.Pi/3)) > 1e-4 || math.Abs(x2.L[0]-(-0.5-math.Pi/3)) > 1e-4 {
		t.Errorf("x = (%g, %g), want (%g, %g)", x1.L[0], x2.L[0], 0.5-math.Pi/3, -0.5-math.Pi/3)
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
	body = nnopt.Add(body, nnopt.MaxOf(nnopt.Sqr(nnopt.Sub(y, nnopt.Const(2))), nnopt.Const(-1)))
	body = nnopt.Add(body, nnopt.MinOf(nnopt.Mul(nnopt.Const(0.5), y), nnopt.Const(100)))
	if err := def.Define(nnopt.Eq(f, body)); err != nil {
		t.Fatal(err)
	}
	nlp, err := c.NewModel("asnlp", nnopt.ModelSpec{Equations: []*nnopt.Equation{def}, Problem: nnopt.NLP, Sense: nnopt.Min, Objective: f})
	if err != nil {
		t.Fatal(err)
	}
	if err := nlp.Solve(context.Background(), nnopt.Options{}); err == nil {
		t.Errorf("an NLP with abs, max and min solved (%v); want it refused", nlp.Status)
	}
	m, err := c.NewModel("dnlp", nnopt.ModelSpec{Equations: []*nnopt.Equation{def}, Problem: nnopt.DNLP, Sense: nnopt.Min, Objective: f})
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
