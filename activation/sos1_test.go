package activation_test

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/solvers/coin"
)

func needCbc(t *testing.T) {
	t.Helper()
	_, _, errC := coin.LoadCbc()
	_, _, errL := coin.LoadClp()
	if err := errors.Join(errC, errL); err != nil {
		if os.Getenv("NNOPT_REQUIRE_COIN") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// TestReLUSOS1: sets for the neurons that can change sign only, the stable ones y
// = 0 or y = x; with x fixed, Cbc's solution is y = max(x, 0) whatever the
// objective pushes for (maximising y would take y = x + s with both positive
// without the sets).
func TestReLUSOS1(t *testing.T) {
	needCbc(t)
	c := nnopt.NewContainer()
	x := reluInput(c)
	o, err := activation.ReLU(c, x, activation.ReLUSOS1)
	if err != nil {
		t.Fatal(err)
	}
	if o.Binary != nil || o.Sets == nil || o.Slack == nil || o.Unstable != 4 {
		t.Fatalf("binary %v, sets %v, slack %v, %d unstable; want sets, slacks, 4", o.Binary, o.Sets, o.Slack, o.Unstable)
	}
	if s := o.Slack; s.Up[0] != 1 || s.Up[1] != 0 || s.Up[2] != 2 || o.Var.Up[0] != 0 || o.Var.Up[2] != 3 {
		t.Errorf("slack bounds %v, y's %v", s.Up, o.Var.Up)
	}
	fix(x)
	i := x.Domain()[0]
	m, err := c.NewModel("relu", nnopt.ModelSpec{Equations: o.Equations, Problem: nnopt.MIP, Sense: nnopt.Maximize, Objective: nnopt.Sum(o.Var, i)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.LinearProgram(nnopt.LPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SOS) != 4 || p.SOS[0].Name != "x_relu_sos(c)" {
		t.Errorf("%d sets, the first %+v; want 4, x_relu_sos(c) first", len(p.SOS), p.SOS)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal {
		t.Fatalf("status %v", m.Status)
	}
	for k, v := range x.L {
		if math.Abs(o.Var.L[k]-math.Max(v, 0)) > 1e-9 {
			t.Errorf("y(%d) = %g, want max(%g, 0)", k, o.Var.L[k], v)
		}
	}
	// Unbounded neurons are fine for the sets (not for big-M).
	c2 := nnopt.NewContainer()
	x2 := c2.NewVariable("x", nnopt.Free, c2.NewSet("i", "a"))
	if o2, err := activation.ReLU(c2, x2, activation.ReLUSOS1); err != nil || o2.Unstable != 1 || !math.IsInf(o2.Slack.Up[0], 1) {
		t.Errorf("unbounded x: %v, %+v", err, o2)
	}
}
