package nn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/nn"
)

// TestTightenBounds: LP tightening of a ReLU network over an input box only
// narrows the pre-activation bounds, never below what the network reaches (random
// points of the box stay inside), makes some neurons stable, and leaves the MIP
// optimum of an output margin unchanged.
func TestTightenBounds(t *testing.T) {
	needCbc(t)
	build := func() (*nn.Sequential, *nnopt.Container, *nnopt.Variable, *nn.Formulation, []float64) {
		return boxedReLU(t, 21, 0.5)
	}
	margin := func(c *nnopt.Container, f *nn.Formulation) float64 {
		m, err := c.NewModel(c.UniqueName("margin"), nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.MIP, Sense: nnopt.Maximize,
			Objective: nnopt.Sub(f.Output.Elem("0", "0"), f.Output.Elem("0", "1"))})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil || m.Status != nnopt.StatusOptimal {
			t.Fatalf("margin: %v, %v", err, m.Status)
		}
		return m.ObjectiveValue
	}
	_, c0, _, f0, _ := build()
	want := margin(c0, f0)

	net, c, x, f, x0 := build()
	pre := []*nnopt.Variable{f.Layers[0], f.Layers[2]} // the ReLUs' inputs
	before := make([][2][]float64, len(pre))
	for k, v := range pre {
		before[k] = [2][]float64{append([]float64(nil), v.Lo...), append([]float64(nil), v.Up...)}
	}
	rep, err := f.TightenBounds(context.Background(), c, nn.TightenSettings{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", rep)
	if rep.Stable == 0 || !(rep.SpreadAfter < rep.SpreadBefore) || rep.LPs == 0 {
		t.Errorf("report %+v: want some neurons made stable and a smaller spread", rep)
	}
	for k, v := range pre {
		for i := range v.Lo {
			if v.Lo[i] < before[k][0][i] || v.Up[i] > before[k][1][i] {
				t.Errorf("layer %d element %d: [%g, %g] is wider than before [%g, %g]", k, i, v.Lo[i], v.Up[i], before[k][0][i], before[k][1][i])
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]float64, len(x0))
	for s := 0; s < 500; s++ {
		for k := range in {
			in[k] = x.Lo[k] + rng.Float64()*(x.Up[k]-x.Lo[k])
		}
		for k, depth := range []int{1, 3} {
			h, err := (&nn.Sequential{Layers: net.Layers[:depth]}).Forward(in, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range h {
				if v < pre[k].Lo[i]-1e-9 || v > pre[k].Up[i]+1e-9 {
					t.Fatalf("sample %d: layer %d element %d reaches %g outside the tightened [%g, %g]", s, k, i, v, pre[k].Lo[i], pre[k].Up[i])
				}
			}
		}
	}
	if got := margin(c, f); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
		t.Errorf("margin after tightening %g, before %g", got, want)
	}
	// A spent time budget leaves the interval bounds, and a negative one is an error.
	_, c1, _, f1, _ := build()
	rep, err = f1.TightenBounds(context.Background(), c1, nn.TightenSettings{TimeLimit: time.Nanosecond})
	if err != nil || rep.Stable != 0 || rep.SpreadAfter != rep.SpreadBefore {
		t.Errorf("a spent budget: %+v, %v; want the bounds unchanged", rep, err)
	}
	if _, err := f1.TightenBounds(context.Background(), c1, nn.TightenSettings{TimeLimit: -1}); err == nil {
		t.Error("a negative time limit: no error")
	}
}
