package refmodel

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
)

// TestMLPWithOutputConstraint trains the reference MLP (synthetic inputs, small
// sizes) with one more constraint on the sum of its outputs, Σ a3 ≥ κ over the whole
// batch's log-probabilities: a general row that reads defined variables. κ lies
// between the unconstrained optimum's Σ a3 and its largest value (uniform
// predictions), so the row binds. The network's equations stay eliminated
// (forward sweep), the extra row reaches the general method through one adjoint
// sweep. The test checks, with refmodel's own forward pass (no nnopt blocks), that
// the constraint holds and that the point is a KKT point: the reduced gradient
// ∇loss - λ∇g by central differences matches the reported reduced costs and vanishes
// (or has the right sign at a bound), λ being the row's marginal.
func TestMLPWithOutputConstraint(t *testing.T) {
	const batch, in, hidden, classes, bound = 40, 3, 2, 3, 5.0
	rng := rand.New(rand.NewPCG(3, 9))
	inputs := make([]float64, batch*in)
	for i := range inputs {
		inputs[i] = rng.NormFloat64()
	}
	labels := make([]uint8, batch)
	for i := range labels {
		labels[i] = uint8(rng.IntN(classes))
	}
	w1, w2 := make([]float64, in*hidden), make([]float64, hidden*classes)
	for i := range w1 {
		w1[i] = 0.5 * rng.NormFloat64()
	}
	for i := range w2 {
		w2[i] = 0.5 * rng.NormFloat64()
	}
	m, err := NewMLP(inputs, labels, in, hidden, classes, w1, w2, bound)
	if err != nil {
		t.Fatal(err)
	}
	// Unconstrained first (the triangular solver), from the same start.
	if err := m.Model.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	free := 0.0
	for _, v := range m.A3.L {
		free += v
	}
	kappa := (free + batch*classes*math.Log(1.0/classes)) / 2
	t.Logf("unconstrained: loss %.8g, Σ a3 = %.6g; κ = %.6g", m.Model.ObjectiveValue, free, kappa)
	if err := m.W1.SetLevels(w1); err != nil {
		t.Fatal(err)
	}
	if err := m.W2.SetLevels(w2); err != nil {
		t.Fatal(err)
	}
	m.ForwardLevels()
	c := m.C
	sum := c.NewEquation("outsum")
	if err := sum.Define(nnopt.Ge(nnopt.Sum(m.A3, m.A3.Domain()...), nnopt.Const(kappa))); err != nil {
		t.Fatal(err)
	}
	model, err := c.NewModel("train_outsum", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: m.Loss})
	if err != nil {
		t.Fatal(err)
	}
	if err := model.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%v, %v: loss %.10g after %d iterations, λ = %.6g", model.Status, model.SolveStatus, model.ObjectiveValue, model.NumIterations, sum.M[0])
	if model.Status != nnopt.StatusLocallyOptimal || model.SolveStatus != nnopt.SolveNormal {
		t.Fatalf("status %v, %v", model.Status, model.SolveStatus)
	}

	// Independent evaluation: refmodel's plain forward pass.
	ws := append(append([]float64(nil), m.W1.L...), m.W2.L...)
	rc := append(append([]float64(nil), m.W1.M...), m.W2.M...)
	lambda := sum.M[0]
	eval := func(w []float64) (loss, g float64) {
		copy(m.W1.L, w[:len(m.W1.L)])
		copy(m.W2.L, w[len(m.W1.L):])
		m.ForwardLevels()
		for _, a := range m.A3.L {
			g += a
		}
		return m.Loss.L[0], g - kappa
	}
	loss, g := eval(ws)
	if math.Abs(loss-model.ObjectiveValue) > 1e-9*(1+loss) {
		t.Errorf("objective %.12g, forward pass %.12g", model.ObjectiveValue, loss)
	}
	if math.Abs(g) > 1e-7 {
		t.Errorf("Σ a3 - κ = %g at the solution, want an active row", g)
	}
	if !(lambda > 1e-6) {
		// Raising κ tightens the ≥ row, so the loss grows: the marginal, the
		// change of the objective per unit increase of the right-hand side, is > 0.
		t.Errorf("the constraint's marginal is %g, want > 0 for a binding ≥ row in a minimisation", lambda)
	}
	const h = 1e-6
	w := append([]float64(nil), ws...)
	for j := range ws {
		w[j] = ws[j] + h
		lp, gp := eval(w)
		w[j] = ws[j] - h
		lm, gm := eval(w)
		w[j] = ws[j]
		d := (lp-lm)/(2*h) - lambda*(gp-gm)/(2*h)
		if math.Abs(d-rc[j]) > 1e-5*(1+math.Abs(d)) {
			t.Errorf("weight %d: reduced cost %.8g, finite differences %.8g", j, rc[j], d)
		}
		switch {
		case ws[j] <= -bound+1e-9:
			if d < -1e-5 {
				t.Errorf("weight %d at its lower bound with reduced gradient %g", j, d)
			}
		case ws[j] >= bound-1e-9:
			if d > 1e-5 {
				t.Errorf("weight %d at its upper bound with reduced gradient %g", j, d)
			}
		default:
			if math.Abs(d) > 1e-5 {
				t.Errorf("weight %d = %g inside its bounds with reduced gradient %g", j, ws[j], d)
			}
		}
	}
}
