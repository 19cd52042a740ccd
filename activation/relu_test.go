package activation_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/internal/glpk"
)

// reluInput is x over six elements fixed at values that cover both signs, zero and
// the bounds, with bounds that make the first two neurons stable (always off,
// always on) and the rest able to change sign.
func reluInput(c *nnopt.Container) *nnopt.Variable {
	i := c.NewSet("i", "a", "b", "c", "d", "e", "f")
	x := c.NewVariable("x", nnopt.Free, i)
	vals := []float64{-0.5, 1.5, -1.25, 0, 2.5, -2}
	copy(x.Lo, []float64{-1, 0.5, -2, -2, -2, -2})
	copy(x.Up, []float64{-0.25, 2, 3, 3, 3, 3})
	for k, v := range vals {
		x.L[k] = v
	}
	return x
}

func fix(x *nnopt.Variable) {
	for k, v := range x.L {
		x.Lo[k], x.Up[k] = v, v
	}
}

// TestReLUMax: the defining equation gives y = max(x, 0) by the solver's sweep,
// with y's bounds the image of x's.
func TestReLUMax(t *testing.T) {
	c := nnopt.NewContainer()
	x := reluInput(c)
	o, err := activation.ReLU(c, x, activation.ReLUMax)
	if err != nil {
		t.Fatal(err)
	}
	if o.Binary != nil || o.Unstable != 4 {
		t.Errorf("binary %v, %d unstable; want none, 4", o.Binary, o.Unstable)
	}
	if o.Var.Lo[1] != 0.5 || o.Var.Up[0] != 0 || o.Var.Up[2] != 3 {
		t.Errorf("bounds %v %v", o.Var.Lo, o.Var.Up)
	}
	fix(x)
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: o.Equations, Problem: nnopt.DNLP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	for k, v := range x.L {
		if o.Var.L[k] != math.Max(v, 0) {
			t.Errorf("y(%d) = %g, want max(%g, 0)", k, o.Var.L[k], v)
		}
	}
}

// TestReLUBigM: the big-M formulation has binaries for the neurons that can change
// sign only, starts feasible, and with x fixed glpsol's MIP solution of the LP file
// nnopt writes is y = max(x, 0).
func TestReLUBigM(t *testing.T) {
	c := nnopt.NewContainer()
	x := reluInput(c)
	o, err := activation.ReLU(c, x, activation.ReLUAuto)
	if err != nil {
		t.Fatal(err)
	}
	if o.Binary == nil || o.Unstable != 4 {
		t.Fatalf("auto with finite bounds: binary %v, %d unstable; want big-M, 4", o.Binary, o.Unstable)
	}
	if z := o.Binary; z.Lo[0] != 0 || z.Up[0] != 0 || z.Lo[1] != 1 || z.Up[1] != 1 || z.Lo[2] != 0 || z.Up[2] != 1 {
		t.Errorf("binaries' bounds %v %v: want the stable neurons fixed", z.Lo, z.Up)
	}
	fix(x)
	for k, v := range x.L { // the start point the forward pass gives
		o.Var.L[k] = math.Max(v, 0)
	}
	m, err := c.NewModel("relu", nnopt.ModelSpec{Equations: o.Equations, Problem: nnopt.MIP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Residuals()
	if err != nil {
		t.Fatal(err)
	}
	for e, r := range res {
		for k, v := range r {
			if math.Abs(v) > 1e-12 && (e.Type == nnopt.EQ || (e.Type == nnopt.GE) == (v < 0)) {
				t.Errorf("the start point violates %s row %d by %g", e.Name(), k, v)
			}
		}
	}
	if _, err := glpk.Path(); err != nil {
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "relu.lp")
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	sol, err := glpk.Solve(path, "--lp")
	if err != nil {
		t.Fatal(err)
	}
	if !sol.MIP || sol.Status != "o" {
		t.Fatalf("glpsol: MIP %v, status %q; want an optimal MIP", sol.MIP, sol.Status)
	}
	for k, v := range x.L {
		name := "x_relu(" + string(rune('a'+k)) + ")"
		if got, ok := sol.ColPrimal[name]; !ok || math.Abs(got-math.Max(v, 0)) > 1e-9 {
			t.Errorf("%s = %g (found %v), want max(%g, 0)", name, got, ok, v)
		}
	}
}

// TestReLUErrors: big-M needs finite bounds where the sign can change (auto then
// takes ReLUMax); LeakyReLU's slope must lie in (0, 1).
func TestReLUErrors(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.NewSet("i", "a", "b"))
	x.Lo[0], x.Up[0] = -1, 1 // element b is unbounded
	if _, err := activation.ReLU(c, x, activation.ReLUBigM); err == nil || !strings.Contains(err.Error(), "element 1 can change sign") {
		t.Errorf("big-M over an unbounded element: %v", err)
	}
	if o, err := activation.ReLU(c, x, activation.ReLUAuto); err != nil || o.Binary != nil {
		t.Errorf("auto over an unbounded element: %v, binary %v; want ReLUMax", err, o.Binary)
	}
	if _, err := activation.ReLU(c, x, 7); err == nil {
		t.Error("an unknown formulation: no error")
	}
	for _, s := range []float64{0, 1, -0.1, math.NaN()} {
		if _, err := activation.LeakyReLU(c, x, s); err == nil {
			t.Errorf("slope %g: no error", s)
		}
	}
	o, err := activation.LeakyReLU(c, x, 0.1)
	if err != nil || o.Var.Lo[0] != -0.1 || o.Var.Up[0] != 1 {
		t.Errorf("leaky relu: %v, bounds %v %v", err, o.Var.Lo, o.Var.Up)
	}
}
