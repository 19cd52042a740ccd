package refmodel

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/testdata"
)

func referenceCNN(tb testing.TB, batch int) *CNN {
	tb.Helper()
	data, err := datasets.LoadSplit(testdata.MNISTDir(tb), true)
	if err != nil {
		tb.Fatal(err)
	}
	idx, err := datasets.BalancedBatch(data.Labels, batch/10, 10)
	if err != nil {
		tb.Fatal(err)
	}
	x := data.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd)
	m, err := NewCNN(x, datasets.GatherLabels(data.Labels, idx), rand.New(rand.NewPCG(7, 7)), 0)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestCNNStatisticsMatchReference(t *testing.T) {
	start := time.Now()
	m := referenceCNN(t, 500)
	st, err := m.Model.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built and counted in %v", time.Since(start))
	want := nnopt.Statistics{Constraints: 1527001, Variables: 1527696, JacobianNonzeros: 28083501, NonlinearJacobianNonzeros: 10802000,
		HessianDiagonal: 677000, HessianBelowDiagonal: 5062500, NonlinearVariables: 845630}
	if st != want {
		t.Errorf("statistics:\n got %+v\nwant %+v", st, want)
	}
}
