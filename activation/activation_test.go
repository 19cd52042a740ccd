package activation

import (
	"context"
	"math"
	"testing"

	"github.com/nnopt/nnopt"
)

// Each activation defines its output; minimising a linear function of a free input
// row through LogSoftmax and Tanh checks values, bounds and derivatives end to end.
func TestActivationsDefineTheirOutputs(t *testing.T) {
	c := nnopt.NewContainer()
	i, j := c.NewSet("i", "a", "b"), c.NewSet("j", "x", "y", "z")
	x := c.NewVariable("x", nnopt.Free, i, j)
	x.Fix(0)
	copy(x.L, []float64{1, 2, 3, 1000, 1000, 999})
	copy(x.Lo, x.L)
	copy(x.Up, x.L)
	ls, err := LogSoftmax(c, x, -1)
	if err != nil {
		t.Fatal(err)
	}
	th, err := Tanh(c, x)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := Softmax(c, x, 1)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := Sigmoid(c, x)
	if err != nil {
		t.Fatal(err)
	}
	if th.Var.Lo[0] != -1 || th.Var.Up[0] != 1 || ls.Var.Up[0] != 0 || sm.Var.Lo[0] != 0 || sg.Var.Up[0] != 1 {
		t.Errorf("implied bounds: tanh [%g,%g], log_softmax up %g", th.Var.Lo[0], th.Var.Up[0], ls.Var.Up[0])
	}
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	for r := 0; r < 2; r++ {
		row := x.L[3*r : 3*r+3]
		mx := math.Max(row[0], math.Max(row[1], row[2]))
		var s float64
		for _, v := range row {
			s += math.Exp(v - mx)
		}
		for k, v := range row {
			want := v - mx - math.Log(s)
			if math.Abs(ls.Var.L[3*r+k]-want) > 1e-12 || math.Abs(sm.Var.L[3*r+k]-math.Exp(want)) > 1e-12 {
				t.Errorf("row %d col %d: log_softmax %g softmax %g, want %g", r, k, ls.Var.L[3*r+k], sm.Var.L[3*r+k], want)
			}
			if math.Abs(th.Var.L[3*r+k]-math.Tanh(v)) > 1e-15 || math.Abs(sg.Var.L[3*r+k]-1/(1+math.Exp(-v))) > 1e-15 {
				t.Errorf("row %d col %d: tanh/sigmoid wrong", r, k)
			}
		}
	}
	if _, err := LogSoftmax(c, x, 5); err == nil {
		t.Error("dimension 5 of a 2-D variable accepted")
	}
}
