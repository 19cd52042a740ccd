package activation

import (
	"context"
	"math"
	"testing"

	"github.com/nnopt/nnopt"
)

// TestReLUComplementarity: with x fixed, the reduced-gradient method minimising
// Σ y over the relaxed complementarity finds max(x, 0), and maximising finds the
// relaxation's edge (x + √(x² + 4·tau))/2, within √tau of the ReLU; a negative
// tau is an error.
func TestReLUComplementarity(t *testing.T) {
	xs := []float64{-1, -0.2, 0, 0.3, 2}
	const tau = 1e-4
	for _, sense := range []nnopt.Sense{nnopt.Minimize, nnopt.Maximize} {
		c := nnopt.NewContainer()
		i := c.NewSet("i", "a", "b", "c", "d", "e")
		// x in [-5, 5], held at xs by equations (bounds at xs would bound y
		// to max(xs, 0) already).
		x := c.NewVariable("x", nnopt.Free, i)
		x.SetBounds(-5, 5)
		p := c.NewParameter("p", i)
		if err := p.SetValues(xs); err != nil {
			t.Fatal(err)
		}
		copy(x.L, xs)
		hold := c.NewEquation("hold", i)
		if err := hold.Define(nnopt.Eq(x, p)); err != nil {
			t.Fatal(err)
		}
		o, err := ReLUComplementarity(c, x, tau)
		if err != nil {
			t.Fatal(err)
		}
		eqs := append([]*nnopt.Equation{hold}, o.Equations...)
		m, err := c.NewModel("m", nnopt.ModelSpec{Equations: eqs, Problem: nnopt.NLP, Sense: sense, Objective: nnopt.Sum(o.Var, i)})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
			t.Fatal(err)
		}
		t.Logf("%v: %v %v, %d iterations, objective %g", sense, m.Status, m.SolveStatus, m.NumIterations, m.ObjectiveValue)
		if m.Status != nnopt.StatusOptimal && m.Status != nnopt.StatusLocallyOptimal {
			t.Fatalf("%v: %v", sense, m.Status)
		}
		for k, v := range xs {
			want := math.Max(v, 0)
			if sense == nnopt.Maximize {
				want = (v + math.Sqrt(v*v+4*tau)) / 2
			}
			y := o.Var.L[k]
			if math.Abs(y-want) > 1e-6 {
				t.Errorf("%v: x = %g: y = %.9g, want %.9g", sense, v, y, want)
			}
			if y-math.Max(v, 0) > math.Sqrt(tau)+1e-9 {
				t.Errorf("%v: x = %g: y = %g overshoots the ReLU by more than √tau", sense, v, y)
			}
		}
	}
	c := nnopt.NewContainer()
	if _, err := ReLUComplementarity(c, c.NewVariable("x", nnopt.Free), -1); err == nil {
		t.Error("tau -1: no error")
	}
}
