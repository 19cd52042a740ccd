package coin

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestColumnRanges: each column's range over a random bounded polytope (and the
// transport LP's) is the minimum and the maximum that SolveLP finds for it
// alone; an infeasible LP and a bad column are errors, and an exhausted time
// budget leaves NaN.
func TestColumnRanges(t *testing.T) {
	requireLib(t, LoadClp)
	rnd := rand.New(rand.NewPCG(7, 7))
	const m, n = 12, 9
	a := make([][]float64, m)
	rlo, rup := make([]float64, m), make([]float64, m)
	for i := range a {
		a[i] = make([]float64, n)
		for j := range a[i] {
			a[i][j] = rnd.Float64()*2 - 1
		}
		rlo[i], rup[i] = -inf, 1+rnd.Float64()
	}
	box := dense(a, make([]float64, n), rlo, rup)
	box.ColLower, box.ColUpper = make([]float64, n), make([]float64, n)
	for j := range n {
		box.ColLower[j], box.ColUpper[j] = -3, 3
	}
	for _, p := range []*LP{box, transport()} {
		cols := make([]int, p.NumCols)
		for j := range cols {
			cols[j] = p.NumCols - 1 - j // any order
		}
		lo, up, lps, err := ColumnRanges(context.Background(), p, cols, Settings{})
		if err != nil {
			t.Fatal(err)
		}
		if lps < 2*len(cols) {
			t.Errorf("%d LPs for %d columns", lps, len(cols))
		}
		for k, j := range cols {
			for _, max := range []bool{false, true} {
				q := *p
				q.Obj, q.ObjOffset, q.Maximize = make([]float64, p.NumCols), 0, max
				q.Obj[j] = 1
				res, err := SolveLP(context.Background(), &q, Settings{})
				if err != nil || res.Status != Optimal {
					t.Fatalf("column %d: %v %v", j, res, err)
				}
				got := lo[k]
				if max {
					got = up[k]
				}
				if !near(got, res.Objective, 1e-8) {
					t.Errorf("column %d, max %v: range end %v, SolveLP %v", j, max, got, res.Objective)
				}
			}
		}
	}
	bad := transport()
	bad.RowLower[2] = 1e4 // demand beyond the supply
	if _, _, _, err := ColumnRanges(context.Background(), bad, []int{0}, Settings{}); err == nil {
		t.Error("an infeasible LP: no error")
	}
	if _, _, _, err := ColumnRanges(context.Background(), box, []int{n}, Settings{}); err == nil {
		t.Error("a column out of range: no error")
	}
	lo, up, _, err := ColumnRanges(context.Background(), box, []int{0, 1}, Settings{TimeLimit: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(lo[1]) || !math.IsNaN(up[1]) {
		t.Errorf("a spent budget: ranges %v %v, want NaN", lo, up)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := ColumnRanges(ctx, box, []int{0}, Settings{}); err == nil {
		t.Error("a cancelled context: no error")
	}
}
