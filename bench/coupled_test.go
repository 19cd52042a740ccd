package bench

import (
	"fmt"
	"testing"

	"github.com/nnopt/nnopt/internal/testmodels"
)

// BenchmarkCoupledRows solves internal/testmodels.CoupledMLP, a 10-16-k tanh network
// whose k outputs are each capped by a row (issue 21: k rows that read eliminated
// variables), at k = 500 to 100,000. Besides the time per solve it reports the time
// per grg iteration (solve time over iterations, the model's generation left out) and
// the iterations. bench/peers/coupled_mlp.py solves the same models with scipy's
// SLSQP; nlpsolve's BenchmarkCoupledSweeps compares the tangent and adjoint sweeps.
func BenchmarkCoupledRows(b *testing.B) {
	for _, k := range []int{500, 1000, 10000, 100000} {
		b.Run(fmt.Sprint(k), func(b *testing.B) {
			var solve float64
			iters := 0
			for b.Loop() {
				s, it := testmodels.SolveCoupledMLP(b, k)
				solve += s
				iters += it
			}
			b.ReportMetric(solve/float64(iters)*1e3, "ms/iter")
			b.ReportMetric(float64(iters)/float64(b.N), "iters")
			b.ReportMetric(solve/float64(b.N)*1e3, "ms-solve")
		})
	}
}
