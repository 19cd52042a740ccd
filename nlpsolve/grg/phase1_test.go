package grg

import (
	"math"
	"strings"
	"testing"
)

// hs97 is Hock and Schittkowski's problem 97: min a linear cost subject to four
// bilinear rows c_i(x) = l_iᵀx + Σ q_i,jk x_j x_k - b_i ≥ 0, 0 ≤ x ≤ u, from x = 0,
// which violates the first two rows and satisfies the other two. Each row has
// every column in its pattern.
func hs97() (*Slacked, []float64, []float64, error) {
	return hs95(32.97, 25.12, -29.08, -78.02)
}

// hs98 is HS97 with the last two rows' constants loosened.
func hs98() (*Slacked, []float64, []float64, error) {
	return hs95(32.97, 25.12, -124.08, -173.02)
}

// fromOrigin builds a problem of hs95's family and its start x = 0 (slacks
// set from the rows).
func fromOrigin(t *testing.T, build func() (*Slacked, []float64, []float64, error)) (p *Slacked, x, lo, up []float64) {
	t.Helper()
	p, lo, up, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if x, err = p.Start(make([]float64, 6)); err != nil {
		t.Fatal(err)
	}
	return p, x, lo, up
}

// hs95 builds HS95-HS98 from their four rows' constants.
func hs95(b1, b2, b3, b4 float64) (*Slacked, []float64, []float64, error) {
	lin := [4][6]float64{
		{17.1, 38.2, 204.2, 212.3, 623.4, 1495.5},
		{17.9, 36.8, 113.9, 169.7, 337.8, 1385.2},
		{0, -273, 0, -70, -819, 0},
		{159.9, -311, 0, 587, 391, 2198},
	}
	type bil struct {
		j, k int
		q    float64
	}
	quad := [4][]bil{
		{{0, 2, -169}, {2, 4, -3580}, {3, 4, -3810}, {3, 5, -18500}, {4, 5, -24300}},
		{{0, 2, -139}, {3, 4, -2450}, {3, 5, -16600}, {4, 5, -17200}},
		{{3, 4, 26000}},
		{{0, 5, -14000}},
	}
	b := [4]float64{b1, b2, b3, b4}
	cost := []float64{4.3, 31.8, 63.3, 15.8, 68.5, 4.7}
	p := &funcProblem{n: 6, m: 4, colPtr: make([]int, 7)}
	for j := 0; j < 6; j++ {
		for i := 0; i < 4; i++ {
			p.rowIdx = append(p.rowIdx, i)
		}
		p.colPtr[j+1] = len(p.rowIdx)
	}
	p.eval = func(x, c, g, jac []float64) float64 {
		f := 0.0
		for j := range cost {
			f += cost[j] * x[j]
			g[j] = cost[j]
		}
		for i := 0; i < 4; i++ {
			c[i] = -b[i]
			for j := 0; j < 6; j++ {
				c[i] += lin[i][j] * x[j]
				jac[4*j+i] = lin[i][j]
			}
			for _, t := range quad[i] {
				c[i] += t.q * x[t.j] * x[t.k]
				jac[4*t.j+i] += t.q * x[t.k]
				jac[4*t.k+i] += t.q * x[t.j]
			}
		}
		return f
	}
	lo := make([]float64, 6)
	up := []float64{0.31, 0.046, 0.068, 0.042, 0.028, 0.0134}
	rel := []Relation{GreaterEqual, GreaterEqual, GreaterEqual, GreaterEqual}
	return WithSlacks(p, rel, lo, up)
}

// TestPhase1HeldInequality (plain phase 1): HS97's start satisfies rows 3 and 4
// with room to spare. Their slacks stay basic in phase 1, which then prices x2
// (which eats into both) by its effect on rows 1 and 2 alone, fills rows 1 and 2
// with x6 and x5, and phase 2 reaches the published minimum 3.1358091
// (x1 = 0.2685, x5 and x6 at their upper bounds). With the rows pinned by their
// artificials (Phase1PinHeldRows), phase 1 ends with x2 and x3 at their upper
// bounds and phase 2 at another KKT point, f = 4.0712464 (x3 = 0.0633,
// x6 = 0.0134).
func TestPhase1HeldInequality(t *testing.T) {
	for _, tc := range []struct {
		pin  bool
		want float64
	}{{false, 3.1358091}, {true, 4.071246357}} {
		p, x, lo, up := fromOrigin(t, hs97)
		res, err := Solve(p, x, lo, up, &Settings{Phase1PinHeldRows: tc.pin, Phase1ObjectiveWeight: -1})
		if err != nil || res.Status != Optimal {
			t.Fatalf("Phase1PinHeldRows %v: %v, err %v", tc.pin, res.Status, err)
		}
		t.Logf("Phase1PinHeldRows %v: f = %.10g at %.4g after %d iterations (%d in phase 1)", tc.pin, res.F, x[:6], res.Iterations, res.Phase1Iter)
		if res.Phase1Iter == 0 {
			t.Errorf("Phase1PinHeldRows %v: no phase 1: the start is infeasible", tc.pin)
		}
		if math.Abs(res.F-tc.want) > 1e-6*tc.want {
			t.Errorf("Phase1PinHeldRows %v: f = %.10g, want %.10g", tc.pin, res.F, tc.want)
		}
		checkKKT(t, p, x, lo, up, res, 1e-6)
	}
}

// TestPhase1Composite: HS98 is HS97 with rows 3 and 4 looser. Plain phase 1
// (a negative weight) takes x2, x3 and x5 to their upper bounds: x2 still
// reduces the infeasibility a little, at a cost of 31.8 a unit. Phase 2 then
// releases x5 first and ends at the other KKT point, f = 4.0712464. The
// composite phase 1 (the default) weighs that cost in, and phase 2 reaches the
// published minimum 3.1358091.
func TestPhase1Composite(t *testing.T) {
	for _, tc := range []struct {
		weight float64
		want   float64
	}{{0, 3.1358091}, {-1, 4.071246357}} {
		p, x, lo, up := fromOrigin(t, hs98)
		var log strings.Builder
		res, err := Solve(p, x, lo, up, &Settings{Phase1ObjectiveWeight: tc.weight, Log: &log})
		if err != nil || res.Status != Optimal {
			t.Fatalf("Phase1ObjectiveWeight %v: %v, err %v", tc.weight, res.Status, err)
		}
		t.Logf("Phase1ObjectiveWeight %v: f = %.10g at %.4g after %d iterations (%d in phase 1)", tc.weight, res.F, x[:6], res.Iterations, res.Phase1Iter)
		if composite := strings.Contains(log.String(), "composite phase 1"); composite != (tc.weight >= 0) {
			t.Errorf("Phase1ObjectiveWeight %v: composite phase 1 in the log %v", tc.weight, composite)
		}
		if math.Abs(res.F-tc.want) > 1e-6*tc.want {
			t.Errorf("Phase1ObjectiveWeight %v: f = %.10g, want %.10g", tc.weight, res.F, tc.want)
		}
		checkKKT(t, p, x, lo, up, res, 1e-6)
	}
}

// TestPhase1CompositeFalls: min x subject to x ≥ 1 from x = 0. The phase-1
// objective a + w·x, with a = 1 - x, is stationary at x = 0 for w ≥ 1: with
// Phase1ObjectiveWeight 50 the weight starts at 50 and must fall twice (to 0.5)
// before phase 1 moves; the solve then ends at x = 1, not Infeasible.
func TestPhase1CompositeFalls(t *testing.T) {
	row := &funcProblem{n: 1, m: 1, colPtr: []int{0, 1}, rowIdx: []int{0},
		eval: func(x, c, g, jac []float64) float64 {
			c[0] = x[0] - 1
			g[0], jac[0] = 1, 1
			return x[0]
		}}
	p, lo, up, err := WithSlacks(row, []Relation{GreaterEqual}, []float64{0}, []float64{10})
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.Start([]float64{0})
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	res, err := Solve(p, x, lo, up, &Settings{Phase1ObjectiveWeight: 50, Log: &log})
	if err != nil || res.Status != Optimal {
		t.Fatalf("%v, err %v\n%s", res.Status, err, log.String())
	}
	if math.Abs(x[0]-1) > 1e-9 {
		t.Errorf("x = %v, want 1", x[0])
	}
	if falls := strings.Count(log.String(), "stationary at 1: the objective's weight is"); falls != 2 {
		t.Errorf("%d falls of the weight at the start logged, want 2 (to 5 and 0.5):\n%s", falls, log.String())
	}
	t.Logf("x = %v after %d iterations\n%s", x, res.Iterations, log.String())
}

// TestCurvedCrossing: phase 1 starts at x = 0 with row 1 (x² - x/10 = 0) held
// and its artificial basic at zero (the crash column x is on its bound). The
// phase-1 step raises x to cut row 0's artificial (5 - x); row 1's artificial
// x/10 - x² rises at first and comes back through zero at x = 0.1, inside the
// first trial step. False position with the start as fixed end cut that step
// to nothing and the line search failed at the start point; the cut on the
// quadratic through the artificial's value and tangent at the start lands on
// the crossing, where phase 1 ends: row 1 pinned by x = 0.1, row 0 short by 4.9
// (x ≤ 4 keeps it from holding).
func TestCurvedCrossing(t *testing.T) {
	p := &funcProblem{n: 1, m: 2, colPtr: []int{0, 2}, rowIdx: []int{0, 1},
		eval: func(x, c, g, jac []float64) float64 {
			c[0] = x[0] - 5
			c[1] = x[0]*x[0] - 0.1*x[0]
			g[0] = 0
			jac[0], jac[1] = 1, 2*x[0]-0.1
			return 0
		}}
	x := []float64{0}
	var log strings.Builder
	res, err := Solve(p, x, []float64{0}, []float64{4}, &Settings{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Infeasible || math.Abs(x[0]-0.1) > 1e-9 || math.Abs(res.SumInf-4.9) > 1e-9 {
		t.Fatalf("%v at x = %.12g, sum of infeasibilities %.12g after %d iterations, want Infeasible at 0.1 and 4.9\n%s", res.Status, x[0], res.SumInf, res.Iterations, log.String())
	}
}

// TestPhase1WeightRefused: a weight that is not a finite number is an error
// naming the setting, not a silent phase 1 without (NaN) or with an infinite one.
func TestPhase1WeightRefused(t *testing.T) {
	for _, w := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		p, x, lo, up := fromOrigin(t, hs97)
		_, err := Solve(p, x, lo, up, &Settings{Phase1ObjectiveWeight: w})
		if err == nil || !strings.Contains(err.Error(), "Phase1ObjectiveWeight") {
			t.Errorf("weight %v: error %v, want one naming Phase1ObjectiveWeight", w, err)
		}
	}
}
