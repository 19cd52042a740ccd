package nn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/nn"
)

// TestSymbolicBound: the symbolic bound of an output margin over an input box
// is never below the margin's MIP optimum (nor the margins at random points
// and corners), is no looser after LP tightening, and networks outside its
// pattern, or coefficients that do not fit, are errors.
func TestSymbolicBound(t *testing.T) {
	needCbc(t)
	net, c, x, f, _ := boxedReLU(t, 21, 0.5)
	coef := [][]float64{{1, -1, 0}, {-1, 0, 1}, {0, 1, -1}, {0.5, 0.25, 0}}
	optimum := func(w []float64) float64 {
		var obj nnopt.Operand = nnopt.Const(0)
		for o, v := range w {
			obj = nnopt.Add(obj, nnopt.Mul(nnopt.Const(v), f.Output.Elem("0", string(rune('0'+o)))))
		}
		m, err := c.NewModel(c.UniqueName("margin"), nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.MIP, Sense: nnopt.Maximize, Objective: obj})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil || m.Status != nnopt.StatusOptimal {
			t.Fatalf("margin %v: %v, %v", w, err, m.Status)
		}
		return m.ObjectiveValue
	}
	before := make([]float64, len(coef))
	for k, w := range coef {
		b, err := f.SymbolicBound(w)
		if err != nil {
			t.Fatal(err)
		}
		before[k] = b
		if opt := optimum(w); b < opt-1e-6 {
			t.Errorf("%v: symbolic bound %g below the MIP optimum %g", w, b, opt)
		}
		rng := rand.New(rand.NewPCG(2, uint64(k)))
		in := make([]float64, x.Size())
		for s := 0; s < 300; s++ {
			for i := range in {
				in[i] = x.Lo[i] + rng.Float64()*(x.Up[i]-x.Lo[i])
				if s%2 == 1 {
					in[i] = []float64{x.Lo[i], x.Up[i]}[rng.IntN(2)]
				}
			}
			y, err := net.Forward(in, 1)
			if err != nil {
				t.Fatal(err)
			}
			v := 0.0
			for o, wo := range w {
				v += wo * y[o]
			}
			if v > b {
				t.Fatalf("%v: margin %g at a point of the box above the symbolic bound %g", w, v, b)
			}
		}
	}
	if _, err := f.TightenBounds(context.Background(), c, nn.TightenSettings{}); err != nil {
		t.Fatal(err)
	}
	for k, w := range coef {
		b, err := f.SymbolicBound(w)
		if err != nil {
			t.Fatal(err)
		}
		if b > before[k]+1e-9 {
			t.Errorf("%v: after tightening the bound %g is looser than before, %g", w, b, before[k])
		}
	}

	for _, tc := range []struct {
		name string
		c    []float64
	}{{"short", []float64{1, -1}}, {"NaN", []float64{1, math.NaN(), 0}}} {
		if _, err := f.SymbolicBound(tc.c); err == nil {
			t.Errorf("coefficients %s: no error", tc.name)
		}
	}
	// A Tanh layer is outside the pattern: an error, and TightenBounds says why
	// it used no symbolic bounds.
	tanh := &nn.Sequential{Layers: []nn.Layer{net.Layers[0], nn.Tanh{}, net.Layers[2]}}
	c2 := nnopt.NewContainer()
	x2 := c2.NewVariable("x", nnopt.Free, c2.Dims(1, 6)...)
	x2.SetBounds(-1, 1)
	f2, err := nn.Formulate(c2, tanh, x2, nn.FormulateSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f2.SymbolicBound([]float64{1, 0, 0, 0, 0, 0, 0, 0}); err == nil {
		t.Error("a Tanh network: no error")
	}
	if rep, err := f2.TightenBounds(context.Background(), c2, nn.TightenSettings{}); err != nil || rep.NoSymbolic == "" {
		t.Errorf("TightenBounds of a Tanh network: %+v, %v; want NoSymbolic to say why", rep, err)
	}
}
