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

// TestTightenBounds: bound tightening of a ReLU network over an input box, by
// LP alone, by symbolic bounds alone and by both, only narrows the
// pre-activation bounds, never below what the network reaches (random points of
// the box stay inside), shrinks the big-M constants (and with LPs makes some
// neurons stable on this small network), and leaves the MIP optimum of
// an output margin unchanged; symbolic bounds before the LPs leave bounds no
// wider than the LPs alone.
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

	var lpOnly [][2][]float64 // the bounds of the LPs alone, the first case
	for _, tc := range []struct {
		name string
		set  nn.TightenSettings
	}{
		{"lp", nn.TightenSettings{NoSymbolic: true}},
		{"symbolic", nn.TightenSettings{NoLP: true}},
		{"symbolic+lp", nn.TightenSettings{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, c, x, f, x0 := build()
			pre := []*nnopt.Variable{f.Layers[0], f.Layers[2]} // the ReLUs' inputs
			before := make([][2][]float64, len(pre))
			for k, v := range pre {
				before[k] = [2][]float64{append([]float64(nil), v.Lo...), append([]float64(nil), v.Up...)}
			}
			rep, err := f.TightenBounds(context.Background(), c, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", rep)
			if (rep.Stable == 0 && !tc.set.NoLP) || !(rep.SpreadAfter < rep.SpreadBefore) {
				t.Errorf("report %+v: want a smaller spread, and some neurons made stable by LP", rep)
			}
			if got := rep.LPs > 0; got == tc.set.NoLP {
				t.Errorf("%d LPs with NoLP %v", rep.LPs, tc.set.NoLP)
			}
			if rep.NoSymbolic != "" || (tc.set.NoSymbolic && rep.SymbolicStable != 0) {
				t.Errorf("report %+v: the symbolic bounds apply to this network, and only without NoSymbolic", rep)
			}
			for k, v := range pre {
				for i := range v.Lo {
					if v.Lo[i] < before[k][0][i] || v.Up[i] > before[k][1][i] {
						t.Errorf("layer %d element %d: [%g, %g] is wider than before [%g, %g]", k, i, v.Lo[i], v.Up[i], before[k][0][i], before[k][1][i])
					}
					if lpOnly != nil && !tc.set.NoLP {
						tol := 1e-6 * (1 + math.Abs(v.Lo[i]) + math.Abs(v.Up[i]))
						if v.Lo[i] < lpOnly[k][0][i]-tol || v.Up[i] > lpOnly[k][1][i]+tol {
							t.Errorf("layer %d element %d: [%g, %g] is wider than the LPs' alone [%g, %g]", k, i, v.Lo[i], v.Up[i], lpOnly[k][0][i], lpOnly[k][1][i])
						}
					}
				}
			}
			if lpOnly == nil {
				for _, v := range pre {
					lpOnly = append(lpOnly, [2][]float64{v.Lo, v.Up})
				}
			}
			rng := rand.New(rand.NewPCG(1, 1))
			in := make([]float64, len(x0))
			for s := 0; s < 500; s++ {
				for k := range in {
					in[k] = x.Lo[k] + rng.Float64()*(x.Up[k]-x.Lo[k])
					if s%2 == 1 { // a corner
						in[k] = []float64{x.Lo[k], x.Up[k]}[rng.IntN(2)]
					}
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
		})
	}
	// A spent time budget leaves the interval bounds, and a negative one is an error.
	_, c1, _, f1, _ := build()
	rep, err := f1.TightenBounds(context.Background(), c1, nn.TightenSettings{TimeLimit: time.Nanosecond, NoSymbolic: true})
	if err != nil || rep.Stable != 0 || rep.SpreadAfter != rep.SpreadBefore {
		t.Errorf("a spent budget: %+v, %v; want the bounds unchanged", rep, err)
	}
	if _, err := f1.TightenBounds(context.Background(), c1, nn.TightenSettings{TimeLimit: -1}); err == nil {
		t.Error("a negative time limit: no error")
	}
}
