package refmodel

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
)

func referenceCNN(tb testing.TB, batch int) *CNN {
	tb.Helper()
	x, labels := referenceBatch(tb, batch)
	m, err := NewCNN(x, labels, rand.New(rand.NewPCG(7, 7)), 0)
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
