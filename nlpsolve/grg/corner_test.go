package grg

import (
	"math"
	"strings"
	"testing"
)

// cornerProduct: min -x1·x2 on [0, 1]², whose origin is a corner where both
// variables sit on their lower bounds with zero reduced gradients and every
// first derivative vanishes; moving both up lowers f. The minimum is (1, 1),
// f = -1.
func cornerProduct() *hessProblem {
	f := &funcProblem{n: 2, colPtr: []int{0, 0, 0},
		eval: func(x, c, g, jac []float64) float64 {
			g[0], g[1] = -x[1], -x[0]
			return -x[0] * x[1]
		}}
	return &hessProblem{funcProblem: f, hess: func(x []float64, sigma float64, y, v, hv []float64) {
		hv[0], hv[1] = -sigma*v[1], -sigma*v[0]
	}}
}

// TestCornerProduct starts cornerProduct at the origin. With Hessian products
// the reduced Hessian over the two weakly active nonbasics has the eigenvalue -1
// along (1, 1), and the escape moves both in its own iteration (the step used to
// leave them out, the superbasics being those from before the release, and took
// three escapes and five iterations). Without Hessian products the corner probe
// moves both together.
func TestCornerProduct(t *testing.T) {
	for _, tc := range []struct {
		name     string
		p        Problem
		maxIter  int
		logMatch string
	}{
		{"HessVec", cornerProduct(), 2, "negative curvature"},
		{"first order only", cornerProduct().funcProblem, 2, "corner probe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lo, up := []float64{0, 0}, []float64{1, 1}
			x := []float64{0, 0}
			var log strings.Builder
			res, err := Solve(tc.p, x, lo, up, &Settings{Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != Optimal || math.Abs(res.F+1) > 1e-9 || math.Abs(x[0]-1) > 1e-9 || math.Abs(x[1]-1) > 1e-9 {
				t.Fatalf("%v at f = %g, x = %v; want Optimal at (1, 1), f = -1\n%s", res.Status, res.F, x, log.String())
			}
			if res.Iterations > tc.maxIter || !strings.Contains(log.String(), tc.logMatch) {
				t.Errorf("%d iterations, want at most %d, with %q in the log\n%s", res.Iterations, tc.maxIter, tc.logMatch, log.String())
			}
			checkKKT(t, tc.p, x, lo, up, res, 1e-6)
		})
	}
}

// TestCornerCubic: min (x1 - 1)² - x2³ s.t. x1 - x2 - x3 = 0, x1 ∈ [0, 5],
// x2 ∈ [0, 2], x3 ≥ 0, from (1, 0, 1), HS24's kind of corner: x2 on its lower
// bound with a zero reduced gradient, and the Hessian of the Lagrangian zero
// along it as well (-6·x2), so the reduced Hessian (diag(2, 0)) is positive
// semidefinite and the point passes every first- and second-order test; yet
// x2 > 0 lowers f. The minimum is (2, 2, 0), f = -7.
func TestCornerCubic(t *testing.T) {
	f := &funcProblem{n: 3, m: 1, colPtr: []int{0, 1, 2, 3}, rowIdx: []int{0, 0, 0},
		eval: func(x, c, g, jac []float64) float64 {
			c[0] = x[0] - x[1] - x[2]
			g[0], g[1], g[2] = 2*(x[0]-1), -3*x[1]*x[1], 0
			jac[0], jac[1], jac[2] = 1, -1, -1
			return (x[0]-1)*(x[0]-1) - x[1]*x[1]*x[1]
		}}
	p := &hessProblem{funcProblem: f, hess: func(x []float64, sigma float64, y, v, hv []float64) {
		hv[0], hv[1], hv[2] = 2*sigma*v[0], -6*sigma*x[1]*v[1], 0
	}}
	lo, up := []float64{0, 0, 0}, []float64{5, 2, inf}
	x := []float64{1, 0, 1}
	var log strings.Builder
	res, err := Solve(p, x, lo, up, &Settings{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || math.Abs(res.F+7) > 1e-8 {
		t.Fatalf("%v at f = %g, x = %v; want Optimal at (2, 2, 0), f = -7\n%s", res.Status, res.F, x, log.String())
	}
	if !strings.Contains(log.String(), "corner probe") {
		t.Errorf("no corner probe in the log\n%s", log.String())
	}
	checkKKT(t, p, x, lo, up, res, 1e-6)
}
