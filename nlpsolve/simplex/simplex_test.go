package simplex

import (
	"errors"
	"math"
	"testing"
)

var inf = math.Inf(1)

// dense builds a Problem from a dense row-major A.
func dense(c []float64, a [][]float64, rlo, rup, lo, up []float64) *Problem {
	n, m := len(c), len(a)
	p := &Problem{N: n, M: m, C: c, Lo: lo, Up: up, RowLo: rlo, RowUp: rup, ColPtr: make([]int, n+1)}
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			if a[i][j] != 0 {
				p.RowIdx = append(p.RowIdx, i)
				p.Val = append(p.Val, a[i][j])
			}
		}
		p.ColPtr[j+1] = len(p.RowIdx)
	}
	return p
}

func fill(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// checkKKT checks that res is an optimal basic solution of p by the optimality
// conditions themselves: primal feasibility, reduced costs d = c - Aᵀy, and the
// signs of d and y that complementary slackness asks for at a minimum.
func checkKKT(t *testing.T, p *Problem, res Result, tol float64) {
	t.Helper()
	act := make([]float64, p.M)
	d := append([]float64(nil), p.C...)
	obj := 0.0
	for j := 0; j < p.N; j++ {
		obj += p.C[j] * res.X[j]
		for k := p.ColPtr[j]; k < p.ColPtr[j+1]; k++ {
			act[p.RowIdx[k]] += p.Val[k] * res.X[j]
			d[j] -= p.Val[k] * res.Duals[p.RowIdx[k]]
		}
	}
	if math.Abs(obj+p.ObjConstant-res.Objective) > tol*(1+math.Abs(obj)) {
		t.Errorf("objective %g, but cᵀx = %g", res.Objective, obj)
	}
	sign := func(what string, k int, v, lo, up, mult float64) {
		if v < lo-tol || v > up+tol {
			t.Errorf("%s %d = %g outside [%g, %g]", what, k, v, lo, up)
		}
		atLo, atUp := v <= lo+tol, v >= up-tol
		switch {
		case atLo && atUp:
		case atLo && mult < -tol, atUp && mult > tol, !atLo && !atUp && math.Abs(mult) > tol:
			t.Errorf("%s %d = %g in [%g, %g] has multiplier %g of the wrong sign", what, k, v, lo, up, mult)
		}
	}
	for j := 0; j < p.N; j++ {
		if math.Abs(d[j]-res.ReducedCosts[j]) > tol*(1+math.Abs(d[j])) {
			t.Errorf("reduced cost %d = %g, want c - Aᵀy = %g", j, res.ReducedCosts[j], d[j])
		}
		sign("column", j, res.X[j], p.Lo[j], p.Up[j], d[j])
	}
	for i := 0; i < p.M; i++ {
		if math.Abs(act[i]-res.RowActivity[i]) > tol*(1+math.Abs(act[i])) {
			t.Errorf("row activity %d = %g, want %g", i, res.RowActivity[i], act[i])
		}
		sign("row", i, act[i], p.RowLo[i], p.RowUp[i], res.Duals[i])
	}
}

// variants are the settings every small LP is solved with, so that the dual and
// the primal method, with and without scaling and perturbation, all meet it.
var variants = []struct {
	name string
	set  Settings
}{
	{"default", Settings{}},
	{"primal", Settings{NoDual: true}},
	{"unscaled", Settings{NoScaling: true}},
	{"primal unperturbed", Settings{NoDual: true, NoPerturbation: true, NoScaling: true}},
}

func TestSmallLPs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      *Problem
		status Status
		obj    float64
		x      []float64 // nil: not checked (ties)
		y      []float64 // nil: not checked
	}{
		{
			// max x + y s.t. x + 2y ≤ 4, 3x + y ≤ 6: (1.6, 1.2), duals of the
			// minimised negation -0.4 and -0.2.
			name: "two rows", status: Optimal, obj: -2.8,
			p: dense([]float64{-1, -1}, [][]float64{{1, 2}, {3, 1}}, fill(2, -inf), []float64{4, 6}, fill(2, 0), fill(2, inf)),
			x: []float64{1.6, 1.2}, y: []float64{-0.4, -0.2},
		},
		{
			// Beale's example (1955), on which Dantzig's rule with the lowest-index
			// tie break cycles: min -3/4 x4 + 150 x5 - 1/50 x6 + 6 x7 s.t.
			// 1/4 x4 - 60 x5 - 1/25 x6 + 9 x7 ≤ 0, 1/2 x4 - 90 x5 - 1/50 x6 + 3 x7 ≤ 0,
			// x6 ≤ 1, x ≥ 0; the optimum is -1/20 at x4 = 1/25, x6 = 1.
			name: "beale", status: Optimal, obj: -0.05,
			p: dense([]float64{-0.75, 150, -0.02, 6},
				[][]float64{{0.25, -60, -0.04, 9}, {0.5, -90, -0.02, 3}, {0, 0, 1, 0}},
				fill(3, -inf), []float64{0, 0, 1}, fill(4, 0), fill(4, inf)),
			x: []float64{0.04, 0, 1, 0},
		},
		{
			// Klee and Minty's cube in three dimensions: max 4x1 + 2x2 + x3 s.t.
			// x1 ≤ 5, 4x1 + x2 ≤ 25, 8x1 + 4x2 + x3 ≤ 125: 125 at (0, 0, 125).
			name: "klee-minty", status: Optimal, obj: -125,
			p: dense([]float64{-4, -2, -1}, [][]float64{{1, 0, 0}, {4, 1, 0}, {8, 4, 1}},
				fill(3, -inf), []float64{5, 25, 125}, fill(3, 0), fill(3, inf)),
			x: []float64{0, 0, 125}, y: []float64{0, 0, -1},
		},
		{
			name: "unbounded", status: Unbounded,
			p: dense([]float64{-1, 0}, [][]float64{{1, -1}}, []float64{-inf}, []float64{1}, fill(2, 0), fill(2, inf)),
		},
		{
			name: "infeasible", status: Infeasible,
			p: dense([]float64{1, 1}, [][]float64{{1, 1}, {1, 1}}, []float64{-inf, 3}, []float64{1, inf}, fill(2, 0), fill(2, inf)),
		},
		{
			// A free column: min x s.t. x - y ≥ -2, y ≥ 0: x = -2, dual 1.
			name: "free column", status: Optimal, obj: -2,
			p: dense([]float64{1, 0}, [][]float64{{1, -1}}, []float64{-2}, []float64{inf}, []float64{-inf, 0}, fill(2, inf)),
			x: []float64{-2, 0}, y: []float64{1},
		},
		{
			// A fixed column: x = 3, min x + y s.t. x + y ≥ 5: y = 2.
			name: "fixed column", status: Optimal, obj: 5,
			p: dense([]float64{1, 1}, [][]float64{{1, 1}}, []float64{5}, []float64{inf}, []float64{3, 0}, []float64{3, inf}),
			x: []float64{3, 2}, y: []float64{1},
		},
		{
			// A ranged row: min -x - 2y s.t. 1 ≤ x + y ≤ 2, 0 ≤ x, y ≤ 1.5:
			// y = 1.5, x = 0.5, the row's upper bound active with dual -1.
			name: "ranged row", status: Optimal, obj: -3.5,
			p: dense([]float64{-1, -2}, [][]float64{{1, 1}}, []float64{1}, []float64{2}, fill(2, 0), fill(2, 1.5)),
			x: []float64{0.5, 1.5}, y: []float64{-1},
		},
		{
			// An equality and a free row-less column: min 2a + b s.t. a + b = 4,
			// a - b = 0 (degenerate with the third row a ≤ 2): a = b = 2.
			name: "equalities", status: Optimal, obj: 6,
			p: dense([]float64{2, 1, 0}, [][]float64{{1, 1, 0}, {1, -1, 0}, {1, 0, 0}},
				[]float64{4, 0, -inf}, []float64{4, 0, 2}, []float64{0, 0, -1}, []float64{inf, inf, 1}),
			x: []float64{2, 2, math.NaN()},
		},
		{
			name: "no rows", status: Optimal, obj: -3,
			p: dense([]float64{1, -1}, nil, nil, nil, []float64{-1, 0}, []float64{1, 2}),
			x: []float64{-1, 2},
		},
	} {
		for _, v := range variants {
			t.Run(tc.name+"/"+v.name, func(t *testing.T) {
				set := v.set
				res, err := Solve(tc.p, &set)
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != tc.status {
					t.Fatalf("status %v, want %v", res.Status, tc.status)
				}
				if tc.status != Optimal {
					if tc.status == Infeasible && res.Ninf == 0 {
						t.Errorf("infeasible with no infeasible basic variable")
					}
					return
				}
				if math.Abs(res.Objective-tc.obj) > 1e-9*(1+math.Abs(tc.obj)) {
					t.Errorf("objective %.15g, want %g", res.Objective, tc.obj)
				}
				for j, want := range tc.x {
					if !math.IsNaN(want) && math.Abs(res.X[j]-want) > 1e-9 {
						t.Errorf("x[%d] = %.15g, want %g", j, res.X[j], want)
					}
				}
				for i, want := range tc.y {
					if math.Abs(res.Duals[i]-want) > 1e-9 {
						t.Errorf("y[%d] = %.15g, want %g", i, res.Duals[i], want)
					}
				}
				checkKKT(t, tc.p, res, 1e-9)
			})
		}
	}
}

func TestLimits(t *testing.T) {
	p := transport(30, 30, 2)
	for _, v := range variants[:2] {
		set := v.set
		set.IterationLimit = 5
		if res, err := Solve(p, &set); err != nil || res.Status != IterationLimit || res.Iterations != 5 {
			t.Errorf("%s: iteration limit 5: %v after %d iterations, %v", v.name, res.Status, res.Iterations, err)
		}
		set = v.set
		calls := 0
		set.Stop = func() bool { calls++; return calls > 3 }
		if res, err := Solve(p, &set); err != nil || res.Status != Stopped || res.Iterations != 3 {
			t.Errorf("%s: stop after 3: %v after %d iterations, %v", v.name, res.Status, res.Iterations, err)
		}
	}
}

func TestBadInput(t *testing.T) {
	good := func() *Problem {
		return dense([]float64{1, 1}, [][]float64{{1, 1}}, []float64{1}, []float64{inf}, fill(2, 0), fill(2, inf))
	}
	for _, tc := range []struct {
		name string
		bad  func(p *Problem)
		set  Settings
	}{
		{"nan cost", func(p *Problem) { p.C[0] = math.NaN() }, Settings{}},
		{"crossed bounds", func(p *Problem) { p.Lo[1] = 2; p.Up[1] = 1 }, Settings{}},
		{"row bound +inf below", func(p *Problem) { p.RowLo[0] = inf }, Settings{}},
		{"row index", func(p *Problem) { p.RowIdx[0] = 5 }, Settings{}},
		{"short costs", func(p *Problem) { p.C = p.C[:1] }, Settings{}},
		{"infinite entry", func(p *Problem) { p.Val[0] = inf }, Settings{}},
		{"negative limit", func(p *Problem) {}, Settings{IterationLimit: -1}},
		{"column scale", func(p *Problem) {}, Settings{ColScale: []float64{1, 0}}},
		{"row scales", func(p *Problem) {}, Settings{RowScale: []float64{1, 1}}},
	} {
		p := good()
		tc.bad(p)
		if _, err := Solve(p, &tc.set); !errors.Is(err, ErrInput) {
			t.Errorf("%s: error %v, want ErrInput", tc.name, err)
		}
	}
	if _, err := Solve(nil, nil); !errors.Is(err, ErrInput) {
		t.Errorf("nil problem: %v", err)
	}
}

// TestUnboundedRay: with UnboundedObjective the point of an unbounded LP is moved
// along the ray until the objective passes it, with and without rows.
func TestUnboundedRay(t *testing.T) {
	for name, p := range map[string]*Problem{
		"row":     dense([]float64{-1, 0}, [][]float64{{1, -1}}, []float64{-inf}, []float64{1}, fill(2, 0), fill(2, inf)),
		"no rows": dense([]float64{1, -1}, nil, nil, nil, []float64{-1, 0}, []float64{1, inf}),
	} {
		for _, v := range variants {
			set := v.set
			set.UnboundedObjective = 1e20
			res, err := Solve(p, &set)
			if err != nil || res.Status != Unbounded || !(res.Objective < -1e20) {
				t.Errorf("%s, %s: %v with objective %g, %v; want unbounded below -1e20", name, v.name, res.Status, res.Objective, err)
			}
		}
	}
}

// TestStallGuardResets: with the stall guards' limits at 3 iterations, a solve
// that keeps improving its objective still ends optimal in both methods (the
// guards once compared against an infinite best value and never reset).
func TestStallGuardResets(t *testing.T) {
	stallOverride = 3
	defer func() { stallOverride = 0 }()
	p := transport(30, 30, 1)
	for _, v := range variants {
		set := v.set
		if res, err := Solve(p, &set); err != nil || res.Status != Optimal || res.Iterations < 10 {
			t.Errorf("%s: %v after %d iterations, %v", v.name, res.Status, res.Iterations, err)
		}
	}
}
