package grg

import (
	"math"
	"strings"
	"testing"
)

// hessProblem is a funcProblem with the Hessian of its Lagrangian.
type hessProblem struct {
	*funcProblem
	hess func(x []float64, sigma float64, y, v, hv []float64)
}

func (p *hessProblem) HessVec(x []float64, sigma float64, y, v, hv []float64) error {
	p.hess(x, sigma, y, v, hv)
	return nil
}

// saddle: min x1² - x2² s.t. x1 - x3 = 0, -1 ≤ x2 ≤ 2, from x2 = 0: the start's
// x2 has a zero reduced gradient and negative curvature; the minima are at
// x2 = 2 (f = -4) and x2 = -1 (f = -1), with x1 = x3 = 0.
func saddle() *hessProblem {
	f := &funcProblem{n: 3, m: 1, colPtr: []int{0, 1, 1, 2}, rowIdx: []int{0, 0},
		eval: func(x, c, g, jac []float64) float64 {
			c[0] = x[0] - x[2]
			g[0], g[1], g[2] = 2*x[0], -2*x[1], 0
			jac[0], jac[1] = 1, -1
			return x[0]*x[0] - x[1]*x[1]
		}}
	return &hessProblem{funcProblem: f, hess: func(x []float64, sigma float64, y, v, hv []float64) {
		hv[0], hv[1], hv[2] = 2*sigma*v[0], -2*sigma*v[1], 0
	}}
}

// TestSaddle checks that a stationary point with negative curvature is left, with
// the problem's Hessian or with differences of its gradient, and is reported
// optimal (at x1 = x2 = 0) only without second-order information.
func TestSaddle(t *testing.T) {
	lo, up := []float64{-inf, -1, -inf}, []float64{inf, 2, inf}
	for _, tc := range []struct {
		name    string
		p       Problem
		diff    bool
		escapes bool
	}{
		{"HessVec", saddle(), false, true},
		{"differences", saddle().funcProblem, true, true},
		{"first order only", saddle().funcProblem, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := []float64{0.5, 0, 0.5}
			var log strings.Builder
			res, err := Solve(tc.p, x, lo, up, &Settings{HessianDifferences: tc.diff, Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != Optimal {
				t.Fatalf("status %v at %v", res.Status, x)
			}
			moved := strings.Contains(log.String(), "negative curvature")
			if moved != tc.escapes {
				t.Errorf("negative curvature in the log: %v, want %v\n%s", moved, tc.escapes, log.String())
			}
			if tc.escapes {
				if !(res.F <= -1+1e-9) || math.Abs(x[0]) > 1e-6 {
					t.Errorf("f = %g at %v, want a minimum at x2 = 2 or -1", res.F, x)
				}
				checkKKT(t, tc.p, x, lo, up, res, 1e-6)
			} else if res.F != 0 || x[1] != 0 {
				t.Errorf("f = %g at %v, want the saddle's x2 = 0", res.F, x)
			}
		})
	}
}

// quartic: min Σ_j (x_j - j)⁴/4 + (x_j - j)²/2 + x_j·x_{j+1}/10 s.t. Σ x_j = s, over
// n variables: convex, curved, one equality.
func quartic(n int, s float64) *hessProblem {
	colPtr := make([]int, n+1)
	rowIdx := make([]int, n)
	for j := range n {
		colPtr[j+1] = j + 1
	}
	f := &funcProblem{n: n, m: 1, colPtr: colPtr, rowIdx: rowIdx,
		eval: func(x, c, g, jac []float64) float64 {
			f := 0.0
			c[0] = -s
			for j := range n {
				e := x[j] - float64(j)
				f += e*e*e*e/4 + e*e/2
				g[j] = e*e*e + e
				if j+1 < n {
					f += x[j] * x[j+1] / 10
					g[j] += x[j+1] / 10
				}
				if j > 0 {
					g[j] += x[j-1] / 10
				}
				c[0] += x[j]
				jac[j] = 1
			}
			return f
		}}
	return &hessProblem{funcProblem: f, hess: func(x []float64, sigma float64, y, v, hv []float64) {
		for j := range n {
			e := x[j] - float64(j)
			hv[j] = (3*e*e + 1) * v[j]
			if j+1 < n {
				hv[j] += v[j+1] / 10
			}
			if j > 0 {
				hv[j] += v[j-1] / 10
			}
			hv[j] *= sigma
		}
	}}
}

// TestNewtonCG solves a curved problem with every direction: the same KKT point,
// and Newton-CG in fewer iterations than L-BFGS.
func TestNewtonCG(t *testing.T) {
	const n = 30
	lo, up := make([]float64, n), make([]float64, n)
	for j := range n {
		lo[j], up[j] = -inf, inf
	}
	iters := map[Direction]int{}
	var xs [][]float64
	for _, dir := range []Direction{DirectionLBFGS, DirectionNewtonCG, DirectionAuto} {
		p := quartic(n, 100)
		x := make([]float64, n)
		res, err := Solve(p, x, lo, up, &Settings{Direction: dir})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != Optimal {
			t.Fatalf("%v: status %v", dir, res.Status)
		}
		checkKKT(t, p, x, lo, up, res, 1e-6)
		iters[dir] = res.Iterations
		xs = append(xs, x)
	}
	for k := 1; k < len(xs); k++ {
		for j := range xs[k] {
			if math.Abs(xs[k][j]-xs[0][j]) > 1e-5 {
				t.Errorf("x%d = %g with one direction, %g with another", j, xs[k][j], xs[0][j])
			}
		}
	}
	if iters[DirectionNewtonCG] >= iters[DirectionLBFGS] {
		t.Errorf("iterations: Newton-CG %d, L-BFGS %d", iters[DirectionNewtonCG], iters[DirectionLBFGS])
	}
	t.Logf("iterations: %v", iters)
}

// TestNewtonCGNeedsHessian: Newton-CG without Hessian products is an error, not a
// silent L-BFGS solve.
func TestNewtonCGNeedsHessian(t *testing.T) {
	p := quartic(3, 1).funcProblem
	x := make([]float64, 3)
	lo, up := []float64{-inf, -inf, -inf}, []float64{inf, inf, inf}
	if _, err := Solve(p, x, lo, up, &Settings{Direction: DirectionNewtonCG}); err == nil || !strings.Contains(err.Error(), "newton-cg") {
		t.Errorf("error %v, want one naming newton-cg", err)
	}
	if res, err := Solve(p, x, lo, up, &Settings{Direction: DirectionNewtonCG, HessianDifferences: true}); err != nil || res.Status != Optimal {
		t.Errorf("with differences: %v, %v", res.Status, err)
	}
	if _, err := Solve(p, x, lo, up, &Settings{Direction: 7}); err == nil {
		t.Error("Direction 7 accepted")
	}
}

// TestNegativeCurvatureInTheCone: min x² + y² + 3xy - z²/4 over x, y ∈ [0, 10],
// z ∈ [-1, 2], from the origin, a stationary point where x and y sit on their
// bounds with zero reduced gradients. The reduced Hessian's least eigenvalue, -1,
// is along (1, -1, 0), which moves y out of its bounds; within the cone of
// feasible directions the curvature is negative along z alone (-1/2). The origin
// is a saddle, and the minimum is at z = 2 (f = -1).
func TestNegativeCurvatureInTheCone(t *testing.T) {
	f := &funcProblem{n: 3, colPtr: []int{0, 0, 0, 0},
		eval: func(x, c, g, jac []float64) float64 {
			g[0], g[1], g[2] = 2*x[0]+3*x[1], 2*x[1]+3*x[0], -x[2]/2
			return x[0]*x[0] + x[1]*x[1] + 3*x[0]*x[1] - x[2]*x[2]/4
		}}
	p := &hessProblem{funcProblem: f, hess: func(x []float64, sigma float64, y, v, hv []float64) {
		hv[0], hv[1], hv[2] = sigma*(2*v[0]+3*v[1]), sigma*(3*v[0]+2*v[1]), -sigma*v[2]/2
	}}
	lo, up := []float64{0, 0, -1}, []float64{10, 10, 2}
	x := []float64{0, 0, 0}
	var log strings.Builder
	res, err := Solve(p, x, lo, up, &Settings{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || math.Abs(res.F+1) > 1e-9 {
		t.Fatalf("%v at f = %g, x = %v; want Optimal at f = -1 (z = 2)\n%s", res.Status, res.F, x, log.String())
	}
}

func TestNegativeBeyondRoundOff(t *testing.T) {
	for _, tc := range []struct {
		name    string
		vals    []float64
		f, xmax float64
		want    bool
	}{
		{"clearly negative", []float64{-1e-3, 10}, 1, 1, true},
		{"round-off of the largest", []float64{-1e-6, 10}, 1, 1, false},
		{"all at round-off", []float64{-1e-17, 1e-17}, 1, 1, false},
		// HS25's plateau with its objective times 1e-3: f = 0.033 with x up to
		// 100, curvatures of 1e-9 to 1e-6. An absolute floor of 1 missed it.
		{"small objective in its own units", []float64{-1.1e-9, 1e-6}, 0.033, 100, true},
		{"none", nil, 1, 1, false},
	} {
		if got := NegativeBeyondRoundOff(tc.vals, tc.f, tc.xmax); got != tc.want {
			t.Errorf("%s: NegativeBeyondRoundOff(%v, %g, %g) = %v, want %v", tc.name, tc.vals, tc.f, tc.xmax, got, tc.want)
		}
	}
}
