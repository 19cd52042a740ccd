package refmodel

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// referenceBatch is the reference's balanced, normalised training batch.
func referenceBatch(tb testing.TB, batch int) ([]float64, []uint8) {
	tb.Helper()
	data, err := datasets.LoadSplit(testdata.MNISTDir(tb), true)
	if err != nil {
		tb.Fatal(err)
	}
	idx, err := datasets.BalancedBatch(data.Labels, batch/10, 10)
	if err != nil {
		tb.Fatal(err)
	}
	return data.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd), datasets.GatherLabels(data.Labels, idx)
}

func referenceMLP(tb testing.TB, batch, hidden int) *MLP {
	tb.Helper()
	x, labels := referenceBatch(tb, batch)
	rng := rand.New(rand.NewPCG(7, 7))
	w1, w2 := make([]float64, 784*hidden), make([]float64, hidden*10)
	if err := nn.XavierUniform(rng, 784, hidden, 5.0/3, w1); err != nil {
		tb.Fatal(err)
	}
	if err := nn.XavierUniform(rng, hidden, 10, 1, w2); err != nil {
		tb.Fatal(err)
	}
	m, err := NewMLP(x, labels, 784, hidden, 10, w1, w2, 5)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestMLPStatisticsMatchReference(t *testing.T) {
	m := referenceMLP(t, 500, 20)
	st, err := m.Model.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	want := nnopt.Statistics{Constraints: 30001, Variables: 45881, JacobianNonzeros: 8130501, NonlinearJacobianNonzeros: 260000,
		HessianDiagonal: 15000, HessianBelowDiagonal: 122500, NonlinearVariables: 25200}
	if st != want {
		t.Errorf("statistics:\n got %+v\nwant %+v", st, want)
	}
}

func TestMLPTrainsToReferenceLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in -short mode")
	}
	m := referenceMLP(t, 500, 20)
	var last float64
	err := m.Model.Solve(context.Background(), nnopt.Options{IterationLimit: 400, Method: nlpsolve.NewtonCG, OnIteration: func(it nlpsolve.Iteration) { last = it.Objective }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("status %v/%v objective %g after %d iterations (%.2fs)", m.Model.Status, m.Model.SolveStatus, m.Model.ObjectiveValue, m.Model.NumIterations, m.Model.SolveModelTime)
	if m.Model.ObjectiveValue > 1e-6 || last > 1e-6 {
		t.Errorf("loss %g, want <= 1e-6", m.Model.ObjectiveValue)
	}
	if m.Model.Status != nnopt.StatusLocallyOptimal || m.Model.SolveStatus != nnopt.SolveNormal {
		t.Errorf("status %v / %v, want locally optimal / normal completion", m.Model.Status, m.Model.SolveStatus)
	}
	// The defined variables were written back consistently with the weights.
	loss := m.Loss.L[0]
	m.ForwardLevels()
	if d := math.Abs(loss - m.Loss.L[0]); d > 1e-9 {
		t.Errorf("written-back loss %g differs from a forward pass of the weights by %g", loss, d)
	}
	for i, w := range m.W1.L {
		if w < -5 || w > 5 {
			t.Fatalf("w1[%d] = %g outside its bounds", i, w)
		}
	}
}

// TestMLPBatchAsLargeAsALayer builds batches of the hidden layer's and the classes'
// size: the batch axis must stay distinct from the layer axes of equal size.
func TestMLPBatchAsLargeAsALayer(t *testing.T) {
	for _, batch := range []int{10, 20} {
		const in, hidden, classes = 6, 20, 10
		labels := make([]uint8, batch)
		for i := range labels {
			labels[i] = uint8(i % classes)
		}
		m, err := NewMLP(make([]float64, batch*in), labels, in, hidden, classes, make([]float64, in*hidden), make([]float64, hidden*classes), 5)
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		st, err := m.Model.Statistics()
		if err != nil {
			t.Fatal(err)
		}
		if want := 2*batch*hidden + 2*batch*classes + 1; st.Constraints != want {
			t.Errorf("batch %d: %d constraints, want %d", batch, st.Constraints, want)
		}
	}
}
