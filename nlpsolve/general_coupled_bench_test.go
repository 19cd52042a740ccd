package nlpsolve_test

import (
	"fmt"
	"testing"

	"github.com/nnopt/nnopt/internal/testmodels"
	"github.com/nnopt/nnopt/nlpsolve"
)

// BenchmarkCoupledSweeps solves internal/testmodels.CoupledMLP (k rows that read a
// network's outputs over 10 inputs) with the coupled rows' Jacobian by tangent
// sweeps over column groups (10 per evaluation, whatever k) and by adjoint sweeps
// per row (k per evaluation, the method before issue 21), and reports the time per
// grg iteration: the same iterations either way, so the ratio is the Jacobian's.
func BenchmarkCoupledSweeps(b *testing.B) {
	for _, mode := range []struct {
		name string
		m    int
	}{{"tangent", nlpsolve.CoupledTangent}, {"adjoint", nlpsolve.CoupledAdjoint}} {
		for _, k := range []int{500, 1000, 2000} {
			b.Run(fmt.Sprintf("%s/%d", mode.name, k), func(b *testing.B) {
				defer nlpsolve.SetCoupledMode(mode.m)()
				var solve float64
				iters := 0
				for b.Loop() {
					s, it := testmodels.SolveCoupledMLP(b, k)
					solve += s
					iters += it
				}
				b.ReportMetric(solve/float64(iters)*1e3, "ms/iter")
				b.ReportMetric(float64(iters)/float64(b.N), "iters")
			})
		}
	}
}
