package refmodel

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// twoBatches returns the first two successive balanced batches of the training data.
func twoBatches(tb testing.TB, batch int) (x [2][]float64, y [2][]uint8) {
	tb.Helper()
	data, err := datasets.LoadSplit(testdata.MNISTDir(tb), true)
	if err != nil {
		tb.Fatal(err)
	}
	bs, err := datasets.BalancedBatches(data.Labels, batch/10, 10, 2)
	if err != nil {
		tb.Fatal(err)
	}
	for k := range 2 {
		x[k] = data.Images.Batch(bs[k], datasets.MNISTMean, datasets.MNISTStd)
		y[k] = datasets.GatherLabels(data.Labels, bs[k])
	}
	return x, y
}

// A frozen MLP re-solved on a new batch (new input parameter and new one-hot targets,
// applied with UpdateZero) gives the iterates, bit for bit, of an MLP generated for that batch from
// the same weights, and a1_var's marginals are the loss's derivatives by the inputs.
func TestFrozenMLPNewBatchMatchesUnfrozen(t *testing.T) {
	const batch, hidden, iters = 50, 8, 12
	x, y := twoBatches(t, batch)
	rng := rand.New(rand.NewPCG(3, 3))
	w1, w2 := make([]float64, 784*hidden), make([]float64, hidden*10)
	if err := nn.XavierUniform(rng, 784, hidden, 5.0/3, w1); err != nil {
		t.Fatal(err)
	}
	if err := nn.XavierUniform(rng, hidden, 10, 1, w2); err != nil {
		t.Fatal(err)
	}
	opt := nnopt.Options{IterationLimit: iters, Method: nlpsolve.NewtonCG, Freeze: nnopt.FreezeOptions{UpdateType: nnopt.UpdateZero}}
	fz, err := NewMLPWith(x[0], y[0], 784, hidden, 10, w1, w2, 5, TargetOneHot)
	if err != nil {
		t.Fatal(err)
	}
	if err := fz.Model.Freeze(fz.A1, fz.Y); err != nil {
		t.Fatal(err)
	}
	if err := fz.Model.Solve(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	w1a, w2a := slices.Clone(fz.W1.L), slices.Clone(fz.W2.L)
	// The frozen instance starts from all of its levels, the defined variables'
	// included (the forward sweep recomputes those as v - (v - f(x)), which rounds
	// differently for different v): the unfrozen model gets the same ones.
	stale := [][]float64{slices.Clone(fz.Z2.L), slices.Clone(fz.A2.L), slices.Clone(fz.Z3.L), slices.Clone(fz.A3.L), slices.Clone(fz.Loss.L)}
	if err := fz.SetBatch(x[1], y[1]); err != nil {
		t.Fatal(err)
	}
	if err := fz.Model.Solve(context.Background(), opt); err != nil {
		t.Fatal(err)
	}

	un, err := NewMLPWith(x[1], y[1], 784, hidden, 10, w1a, w2a, 5, TargetOneHot)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range []*nnopt.Variable{un.Z2, un.A2, un.Z3, un.A3, un.Loss} {
		copy(v.L, stale[k])
	}
	opt.Freeze = nnopt.FreezeOptions{}
	if err := un.Model.Solve(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if fz.Model.NumIterations != un.Model.NumIterations || fz.Model.Status != un.Model.Status {
		t.Errorf("frozen: %d iterations, %v; unfrozen: %d, %v", fz.Model.NumIterations, fz.Model.Status, un.Model.NumIterations, un.Model.Status)
	}
	if fz.Model.ObjectiveValue != un.Model.ObjectiveValue {
		t.Errorf("objective: frozen %.12g, unfrozen %.12g", fz.Model.ObjectiveValue, un.Model.ObjectiveValue)
	}
	for _, p := range [][2][]float64{{fz.W1.L, un.W1.L}, {fz.W2.L, un.W2.L}, {fz.Z3.L, un.Z3.L}} {
		for k := range p[0] {
			if p[0][k] != p[1][k] {
				t.Fatalf("element %d: frozen %.12g, unfrozen %.12g", k, p[0][k], p[1][k])
			}
		}
	}
	if fz.Model.NumIterations != iters {
		t.Errorf("the frozen re-solve stopped after %d iterations, want the limit %d", fz.Model.NumIterations, iters)
	}

	// a1_var.M is ∂loss/∂a1 at the solution's weights: central differences of the
	// forward pass of the unfrozen model (same data, same weights).
	av := fz.C.Lookup("a1_var").(*nnopt.Variable)
	if !slices.Equal(av.L, x[1]) {
		t.Fatal("a1_var does not hold the new batch")
	}
	copy(un.W1.L, fz.W1.L)
	copy(un.W2.L, fz.W2.L)
	for _, q := range []int{0, 300, 784*7 + 400, len(x[1]) - 1} {
		const h = 1e-5
		v := un.A1.Values[q]
		un.A1.Values[q] = v + h
		un.ForwardLevels()
		fp := un.Loss.L[0]
		un.A1.Values[q] = v - h
		un.ForwardLevels()
		fm := un.Loss.L[0]
		un.A1.Values[q] = v
		if fd := (fp - fm) / (2 * h); math.Abs(fd-av.M[q]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("a1_var.M[%d] = %.9g, central difference %.9g", q, av.M[q], fd)
		}
	}
}
