package nn_test

import (
	"context"
	"math"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/nn"
)

// TestReLUFormulationsAgree: a 2-3-2 ReLU network with fixed weights over an
// input box, the largest margin y0 - y1, is the same MIP optimum through Cbc
// with big-M binaries and with SOS1 sets, and the input each returns gives that
// margin in the network. The box makes all three hidden neurons able to change
// sign, so both formulations branch.
func TestReLUFormulationsAgree(t *testing.T) {
	needCbc(t)
	net := &nn.Sequential{Layers: []nn.Layer{
		&nn.Linear{In: 2, Out: 3, Weight: []float64{1, -1, 0.5, 1, -1, -0.5}, Bias: []float64{0, -0.25, 0.1}},
		nn.ReLU{},
		&nn.Linear{In: 3, Out: 2, Weight: []float64{1, -2, 1, -1, 1, 0.5}, Bias: []float64{0, 0.2}},
	}}
	var margins []float64
	for _, tc := range []struct {
		f            activation.ReLUFormulation
		sets, binary int
	}{
		{activation.ReLUBigM, 0, 1},
		{activation.ReLUSOS1, 1, 0},
	} {
		t.Run(tc.f.String(), func(t *testing.T) {
			c := nnopt.NewContainer()
			x := c.NewVariable("x", nnopt.Free, c.Dims(1, 2)...)
			for k := range x.Lo {
				x.Lo[k], x.Up[k] = -1, 1
			}
			f, err := nn.Formulate(c, net, x, nn.FormulateSettings{ReLU: tc.f})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Sets) != tc.sets || len(f.Binaries) != tc.binary || f.Unstable != 3 {
				t.Fatalf("%d sets, %d binaries, %d unstable; want %d, %d, 3", len(f.Sets), len(f.Binaries), f.Unstable, tc.sets, tc.binary)
			}
			m, err := c.NewModel("verify", nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.MIP, Sense: nnopt.Maximize,
				Objective: nnopt.Sub(f.Output.Elem("0", "0"), f.Output.Elem("0", "1"))})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
				t.Fatal(err)
			}
			if m.Status != nnopt.StatusOptimal {
				t.Fatalf("Cbc: %v", m.Status)
			}
			y, err := net.Forward(x.L, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := y[0] - y[1]; math.Abs(got-m.ObjectiveValue) > 1e-6 {
				t.Errorf("the network gives margin %g at Cbc's input %v, Cbc %g", got, x.L, m.ObjectiveValue)
			}
			margins = append(margins, m.ObjectiveValue)
		})
	}
	// By a grid over the box, the margin is at least what the grid finds.
	grid := math.Inf(-1)
	for a := -1.0; a <= 1; a += 1.0 / 64 {
		for b := -1.0; b <= 1; b += 1.0 / 64 {
			y, err := net.Forward([]float64{a, b}, 1)
			if err != nil {
				t.Fatal(err)
			}
			grid = math.Max(grid, y[0]-y[1])
		}
	}
	if len(margins) != 2 || math.Abs(margins[0]-margins[1]) > 1e-6 || margins[0] < grid-1e-9 {
		t.Errorf("big-M, SOS1 margins %v; want equal and at least the grid's %g", margins, grid)
	}
	t.Logf("margin %v, grid %g", margins, grid)
}
