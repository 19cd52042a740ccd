package sparselu

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// slackBasis is an n×n basis as a reduced-gradient method sees it with many
// inequality rows: dense columns (a variable that every row reads, through a network)
// in columns 0..ndense-1, a few sparse structural columns after them (each with its
// diagonal entry, unsorted), and unit (slack)
// columns, with random signs and scales, everywhere else.
func slackBasis(rng *rand.Rand, n, ndense, nsparse int) Matrix {
	m := Matrix{N: n, ColPtr: make([]int, n+1)}
	for j := 0; j < n; j++ {
		switch {
		case j < ndense:
			for i := 0; i < n; i++ {
				m.RowIdx = append(m.RowIdx, i)
				m.Val = append(m.Val, 2*rng.Float64()-1)
			}
		case j < ndense+nsparse:
			m.RowIdx = append(m.RowIdx, j)
			m.Val = append(m.Val, 1+rng.Float64())
			for _, i := range rng.Perm(n)[:3] {
				if i != j {
					m.RowIdx = append(m.RowIdx, i)
					m.Val = append(m.Val, 2*rng.Float64()-1)
				}
			}
		default:
			m.RowIdx = append(m.RowIdx, j)
			m.Val = append(m.Val, (0.5+rng.Float64())*float64(1-2*rng.IntN(2)))
		}
		m.ColPtr[j+1] = len(m.RowIdx)
	}
	return m
}

// TestSlackBasis: bases of slacks with dense and sparse structural columns, whose
// slack columns the factorization pivots on together (singletons), solve against
// gonum's dense LU in every dense mode.
func TestSlackBasis(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	for _, tc := range []struct{ n, ndense, nsparse int }{
		{1, 0, 0}, {5, 1, 0}, {40, 2, 0}, {60, 3, 4}, {200, 5, 10}, {300, 0, 30},
	} {
		m := slackBasis(rng, tc.n, tc.ndense, tc.nsparse)
		for _, ds := range denseModes {
			var lu LU
			if err := lu.Factorize(m, &Settings{DenseSwitch: ds}); err != nil {
				t.Fatalf("n %d, %d dense, %d sparse, dense switch %g: %v", tc.n, tc.ndense, tc.nsparse, ds, err)
			}
			checkSolves(t, &lu, m, rng, true, 1e-13)
		}
	}
}

// TestSlackSingletonsShareRow: two unit columns in the same row leave one of them
// dependent, as when they are pivoted one at a time.
func TestSlackSingletonsShareRow(t *testing.T) {
	d := [][]float64{
		{2, 0, 0, 1},
		{0, 0, 0, 1},
		{0, 0, 0, 1},
		{0, 3, 5, 1},
	}
	var lu LU
	err := lu.Factorize(fromDense(d), nil)
	var se *SingularError
	if !errors.As(err, &se) || se.Rank != 3 || len(se.Columns) != 1 || (se.Columns[0] != 1 && se.Columns[0] != 2) {
		t.Fatalf("got %v, want rank 3 with column 1 or 2 dependent", err)
	}
}

// BenchmarkFactorizeSlacks factors slack bases with two dense columns: the work is
// linear in n (the singletons taken together).
func BenchmarkFactorizeSlacks(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		m := slackBasis(rand.New(rand.NewPCG(3, 3)), n, 2, 0)
		b.Run(itoa(n), func(b *testing.B) {
			var lu LU
			for b.Loop() {
				if err := lu.Factorize(m, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
