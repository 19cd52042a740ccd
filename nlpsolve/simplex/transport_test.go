package simplex

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// transport is a random transportation LP with p plants and q markets, as
// bench's randomTransport states it: supplies U(50, 150), demands 90% of the
// total supply, costs U(1, 10), every route present. Columns are routes (plant
// major); rows are the p supplies (≤) then the q demands (≥).
func transport(p, q int, seed uint64) *Problem {
	r := rand.New(rand.NewPCG(seed, uint64(p*1000+q)))
	n, m := p*q, p+q
	lp := &Problem{N: n, M: m, ColPtr: make([]int, n+1), C: make([]float64, n), Lo: make([]float64, n), Up: make([]float64, n),
		RowLo: make([]float64, m), RowUp: make([]float64, m)}
	total := 0.0
	for i := 0; i < p; i++ {
		a := 50 + 100*r.Float64()
		total += a
		lp.RowLo[i], lp.RowUp[i] = math.Inf(-1), a
	}
	share := 0.0
	b := make([]float64, q)
	for j := range b {
		b[j] = 0.5 + r.Float64()
		share += b[j]
	}
	for j := range b {
		lp.RowLo[p+j], lp.RowUp[p+j] = b[j]*0.9*total/share, math.Inf(1)
	}
	for k := 0; k < n; k++ {
		lp.C[k] = 1 + 9*r.Float64()
		lp.Up[k] = math.Inf(1)
		lp.RowIdx = append(lp.RowIdx, k/q, p+k%q)
		lp.Val = append(lp.Val, 1, 1)
		lp.ColPtr[k+1] = len(lp.RowIdx)
	}
	return lp
}

// BenchmarkTransport times Solve on random transportation LPs.
//
//	go test -run '^$' -bench Transport ./nlpsolve/simplex
func BenchmarkTransport(b *testing.B) {
	for _, size := range []int{30, 80, 300} {
		b.Run(fmt.Sprintf("%dx%d", size, size), func(b *testing.B) {
			lp := transport(size, size, 1)
			var res Result
			for b.Loop() {
				var err error
				if res, err = Solve(lp, nil); err != nil || res.Status != Optimal {
					b.Fatalf("%v, %v", res.Status, err)
				}
			}
			b.ReportMetric(float64(res.Iterations), "iterations")
			b.ReportMetric(float64(res.Phase1Iter), "phase1")
		})
	}
}
