package grg

import (
	"math"
	"testing"
)

// hs97 is Hock and Schittkowski's problem 97: min a linear cost subject to four
// bilinear rows c_i(x) = l_iᵀx + Σ q_i,jk x_j x_k - b_i ≥ 0, 0 ≤ x ≤ u, from x = 0,
// which violates the first two rows and satisfies the other two. Each row has
// every column in its pattern.
func hs97() (*Slacked, []float64, []float64, error) {
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
	b := [4]float64{32.97, 25.12, -29.08, -78.02}
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

// TestPhase1HeldInequality: HS97's start satisfies rows 3 and 4 with room to
// spare. Their slacks stay basic in phase 1, which then prices x2 (which eats
// into both) at its cost to rows 1 and 2 alone, fills rows 1 and 2 with x6 and
// x5, and phase 2 reaches the published minimum 3.1358091 (x1 = 0.2685,
// x5 and x6 at their upper bounds). With the rows pinned by their artificials
// (Phase1PinHeldRows), phase 1 ends with x2 and x3 at their upper bounds and
// phase 2 at another KKT point, f = 4.0712464 (x3 = 0.0633, x6 = 0.0134).
func TestPhase1HeldInequality(t *testing.T) {
	for _, tc := range []struct {
		pin  bool
		want float64
	}{{false, 3.1358091}, {true, 4.071246357}} {
		p, lo, up, err := hs97()
		if err != nil {
			t.Fatal(err)
		}
		x, err := p.Start(make([]float64, 6))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Solve(p, x, lo, up, &Settings{Phase1PinHeldRows: tc.pin})
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
