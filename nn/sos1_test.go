package nn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/nn"
)

// TestReLUFormulationsAgree: a 2-3-2 ReLU network with fixed weights over an
// input box, the largest margin y0 - y1, is the same MIP optimum through Cbc
// with big-M binaries, with SOS1 sets for every layer and with SOS1 chosen for
// the layer alone (ReLULayers), and the input each returns gives that
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
		name         string
		f            activation.ReLUFormulation
		layers       map[int]activation.ReLUFormulation
		sets, binary int
	}{
		{"bigm", activation.ReLUBigM, nil, 0, 1},
		{"sos1", activation.ReLUSOS1, nil, 1, 0},
		{"layer 1 sos1", activation.ReLUBigM, map[int]activation.ReLUFormulation{1: activation.ReLUSOS1}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := nnopt.NewContainer()
			x := c.NewVariable("x", nnopt.Free, c.Dims(1, 2)...)
			for k := range x.Lo {
				x.Lo[k], x.Up[k] = -1, 1
			}
			f, err := nn.Formulate(c, net, x, nn.FormulateSettings{ReLU: tc.f, ReLULayers: tc.layers})
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
	if len(margins) != 3 || math.Abs(margins[0]-margins[1]) > 1e-6 || math.Abs(margins[0]-margins[2]) > 1e-6 || margins[0] < grid-1e-9 {
		t.Errorf("big-M, SOS1, per-layer margins %v; want equal and at least the grid's %g", margins, grid)
	}
	for _, tc := range []struct {
		layers map[int]activation.ReLUFormulation
		want   string
	}{
		{map[int]activation.ReLUFormulation{0: activation.ReLUSOS1}, "ReLULayers names layer 0, a nn.Linear; want a ReLU layer"},
		{map[int]activation.ReLUFormulation{3: activation.ReLUSOS1}, "ReLULayers names layer 3 of 3"},
	} {
		c := nnopt.NewContainer()
		x := c.NewVariable("x", nnopt.Free, c.Dims(1, 2)...)
		if _, err := nn.Formulate(c, net, x, nn.FormulateSettings{ReLULayers: tc.layers}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want %q", tc.layers, err, tc.want)
		}
	}
	t.Logf("margin %v, grid %g", margins, grid)
}

// TestTightenSOS1: LP tightening narrows an SOS1 network's bounds too, if less
// than the big-M one's: with the sets dropped, y = x + s only gives y ≤ x - L
// and y ≤ U, looser than big-M's relaxation (the triangle y ≤ U(x - L)/(U - L)).
// The margins through Cbc agree after it.
func TestTightenSOS1(t *testing.T) {
	needCbc(t)
	type result struct {
		stable            int
		before, after, mg float64
	}
	var got []result
	for _, f := range []activation.ReLUFormulation{activation.ReLUBigM, activation.ReLUSOS1} {
		rng := rand.New(rand.NewPCG(11, 12))
		net := reluMLP(rng)
		x0 := uniform(rng, 6, 1)
		c := nnopt.NewContainer()
		x := c.NewVariable("x", nnopt.Free, c.Dims(1, 6)...)
		for k, v := range x0 {
			x.L[k], x.Lo[k], x.Up[k] = v, v-0.5, v+0.5
		}
		form, err := nn.Formulate(c, net, x, nn.FormulateSettings{ReLU: f})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := form.TightenBounds(context.Background(), c, nn.TightenSettings{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.NewModel("verify", nnopt.ModelSpec{Equations: form.Equations, Problem: nnopt.MIP, Sense: nnopt.Maximize,
			Objective: nnopt.Sub(form.Output.Elem("0", "0"), form.Output.Elem("0", "1"))})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil || m.Status != nnopt.StatusOptimal {
			t.Fatalf("%v: %v %v", f, err, m.Status)
		}
		got = append(got, result{rep.Stable, rep.SpreadBefore, rep.SpreadAfter, m.ObjectiveValue})
	}
	b, s := got[0], got[1]
	if b.stable < s.stable || math.Abs(b.before-s.before) > 1e-9 || s.after < b.after-1e-6*(1+b.after) || math.Abs(b.mg-s.mg) > 1e-6 {
		t.Errorf("big-M %+v, SOS1 %+v; want the same margin and spread before, SOS1's at least big-M's after", b, s)
	}
	if b.after >= b.before || s.after >= s.before {
		t.Errorf("spread big-M %g, SOS1 %g after, %g before: nothing tightened", b.after, s.after, b.before)
	}
	t.Logf("big-M %+v, SOS1 %+v", b, s)
}
