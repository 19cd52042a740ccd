package grg

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var inf = math.Inf(1)

// funcProblem is a Problem from closures over a fixed column pattern.
type funcProblem struct {
	n, m   int
	colPtr []int
	rowIdx []int
	eval   func(x, c, g, jac []float64) float64
}

func (p *funcProblem) Dims() (int, int)        { return p.n, p.m }
func (p *funcProblem) Pattern() ([]int, []int) { return p.colPtr, p.rowIdx }
func (p *funcProblem) Eval(x, c, g, jac []float64) (float64, error) {
	return p.eval(x, c, g, jac), nil
}

// dense builds a Linear problem from a dense matrix.
func dense(a [][]float64, b, c []float64) *Linear {
	m, n := len(a), len(c)
	l := &Linear{N: n, M: m, ColPtr: make([]int, n+1), C: c, B: b}
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			if a[i][j] != 0 {
				l.RowIdx = append(l.RowIdx, i)
				l.Val = append(l.Val, a[i][j])
			}
		}
		l.ColPtr[j+1] = len(l.RowIdx)
	}
	return l
}

// checkKKT verifies an optimal result independently of the solver's internals:
// feasibility, d = ∇f - Jᵀy matching ReducedCosts, the sign conditions of d at
// bounds (stationarity) and complementarity.
func checkKKT(t *testing.T, p Problem, x, lo, up []float64, res Result, tol float64) {
	t.Helper()
	n, m := p.Dims()
	colPtr, rowIdx := p.Pattern()
	c, g, jac := make([]float64, m), make([]float64, n), make([]float64, len(rowIdx))
	f, err := p.Eval(x, c, g, jac)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f-res.F) > 1e-9*(1+math.Abs(f)) {
		t.Errorf("F = %v, f(x) = %v", res.F, f)
	}
	for i, v := range c {
		if math.Abs(v) > 1e-7 {
			t.Errorf("row %d: residual %g", i, v)
		}
	}
	if len(res.Duals) != m || len(res.ReducedCosts) != n {
		t.Fatalf("len(Duals), len(ReducedCosts) = %d, %d, want %d, %d", len(res.Duals), len(res.ReducedCosts), m, n)
	}
	for j := 0; j < n; j++ {
		d := g[j]
		for k := colPtr[j]; k < colPtr[j+1]; k++ {
			d -= jac[k] * res.Duals[rowIdx[k]]
		}
		if math.Abs(d-res.ReducedCosts[j]) > tol {
			t.Errorf("x%d: reduced cost %g, ∇f - Jᵀy = %g", j, res.ReducedCosts[j], d)
		}
		if x[j] < lo[j]-1e-9 || x[j] > up[j]+1e-9 {
			t.Errorf("x%d = %g outside [%g, %g]", j, x[j], lo[j], up[j])
		}
		gapLo, gapUp := x[j]-lo[j], up[j]-x[j]
		switch {
		case lo[j] == up[j]:
		case gapLo <= 1e-7:
			if d < -tol {
				t.Errorf("x%d at lower bound with d = %g < 0", j, d)
			}
		case gapUp <= 1e-7:
			if d > tol {
				t.Errorf("x%d at upper bound with d = %g > 0", j, d)
			}
		default:
			if math.Abs(d) > tol {
				t.Errorf("x%d = %g between bounds with d = %g (stationarity)", j, x[j], d)
			}
		}
		if gap := math.Min(gapLo, gapUp); !math.IsInf(gap, 1) && math.Abs(d)*gap > tol*(1+math.Abs(x[j])) && lo[j] != up[j] {
			t.Errorf("x%d: complementarity |d|·gap = %g", j, math.Abs(d)*gap)
		}
	}
}

// transport is the classic GAMS transport LP with slacks for its ≤ and ≥ rows.
func transport(t *testing.T) (*Slacked, []float64, []float64, []float64) {
	supply := []float64{350, 600}
	demand := []float64{325, 300, 275}
	dist := [][]float64{{2.5, 1.7, 1.8}, {2.5, 1.8, 1.4}}
	l := &Linear{N: 6, M: 5, ColPtr: []int{0}}
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			l.RowIdx = append(l.RowIdx, i, 2+j)
			l.Val = append(l.Val, 1, 1)
			l.ColPtr = append(l.ColPtr, len(l.RowIdx))
			l.C = append(l.C, 90*dist[i][j]/1000)
		}
	}
	l.B = append(append([]float64(nil), supply...), demand...)
	lo, up := make([]float64, 6), []float64{inf, inf, inf, inf, inf, inf}
	sp, lo2, up2, err := WithSlacks(l, []Relation{LessEqual, LessEqual, GreaterEqual, GreaterEqual, GreaterEqual}, lo, up)
	if err != nil {
		t.Fatal(err)
	}
	x, err := sp.Start(make([]float64, 6))
	if err != nil {
		t.Fatal(err)
	}
	return sp, x, lo2, up2
}

func TestTransport(t *testing.T) {
	p, x, lo, up := transport(t)
	res, err := Solve(p, x, lo, up, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal {
		t.Fatalf("status %v", res.Status)
	}
	t.Logf("transport: f = %.6f in %d iterations (%d in phase 1), %d evaluations, duals %.4g",
		res.F, res.Iterations, res.Phase1Iter, res.Evaluations, res.Duals)
	if math.Abs(res.F-153.675) > 1e-9 {
		t.Errorf("objective %v, want 153.675", res.F)
	}
	want := []float64{0, 0, 0.225, 0.153, 0.126}
	for i, w := range want {
		if math.Abs(res.Duals[i]-w) > 1e-9 {
			t.Errorf("dual %d = %v, want %v", i, res.Duals[i], w)
		}
	}
	checkKKT(t, p, x, lo, up, res, 1e-9)

	// Cross-check objective and duals with glpsol when it is installed.
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Log("glpsol not installed: cross-check skipped")
		return
	}
	dir := t.TempDir()
	lp := `Minimize
 cost: 0.225 x11 + 0.153 x12 + 0.162 x13 + 0.225 x21 + 0.162 x22 + 0.126 x23
Subject To
 s1: x11 + x12 + x13 <= 350
 s2: x21 + x22 + x23 <= 600
 d1: x11 + x21 >= 325
 d2: x12 + x22 >= 300
 d3: x13 + x23 >= 275
End
`
	if err := os.WriteFile(filepath.Join(dir, "t.lp"), []byte(lp), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "t.out")
	if b, err := exec.Command(glpsol, "--lp", filepath.Join(dir, "t.lp"), "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("glpsol: %v\n%s", err, b)
	}
	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var obj float64
	duals := map[string]float64{}
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[0] == "Objective:" {
			obj, _ = strconv.ParseFloat(f[3], 64)
		}
		if len(f) >= 4 && (strings.HasPrefix(f[1], "s") || strings.HasPrefix(f[1], "d")) && len(f[1]) == 2 {
			v := 0.0
			if f[2] != "B" && f[len(f)-1] != "eps" {
				v, _ = strconv.ParseFloat(f[len(f)-1], 64)
			}
			duals[f[1]] = v
		}
	}
	if math.Abs(obj-res.F) > 1e-6 {
		t.Errorf("glpsol objective %v, ours %v", obj, res.F)
	}
	for i, name := range []string{"s1", "s2", "d1", "d2", "d3"} {
		if math.Abs(duals[name]-res.Duals[i]) > 1e-6 {
			t.Errorf("row %s: glpsol marginal %v, our dual %v", name, duals[name], res.Duals[i])
		}
	}
}

// hyperbola: min x² + y² s.t. x·y = 1, x, y ≥ 0.
func hyperbola() *funcProblem {
	return &funcProblem{n: 2, m: 1, colPtr: []int{0, 1, 2}, rowIdx: []int{0, 0},
		eval: func(x, c, g, jac []float64) float64 {
			c[0] = x[0]*x[1] - 1
			g[0], g[1] = 2*x[0], 2*x[1]
			jac[0], jac[1] = x[1], x[0]
			return x[0]*x[0] + x[1]*x[1]
		}}
}

// circle: min (x-2)² + (y-2)² s.t. x² + y² = 1, 0 ≤ x ≤ xmax, y ≥ 0.
func circle() *funcProblem {
	return &funcProblem{n: 2, m: 1, colPtr: []int{0, 1, 2}, rowIdx: []int{0, 0},
		eval: func(x, c, g, jac []float64) float64 {
			c[0] = x[0]*x[0] + x[1]*x[1] - 1
			g[0], g[1] = 2*(x[0]-2), 2*(x[1]-2)
			jac[0], jac[1] = 2*x[0], 2*x[1]
			return (x[0]-2)*(x[0]-2) + (x[1]-2)*(x[1]-2)
		}}
}

func TestSolve(t *testing.T) {
	r2 := math.Sqrt2
	tests := []struct {
		name      string
		p         Problem
		x, lo, up []float64
		set       *Settings
		status    Status
		f         float64
		x1        []float64 // expected solution, if unique
		duals     []float64
		phase1    bool // phase 1 must have been needed
	}{
		{name: "hyperbola", p: hyperbola(), x: []float64{2, 0.1}, lo: []float64{0, 0}, up: []float64{inf, inf},
			status: Optimal, f: 2, x1: []float64{1, 1}, duals: []float64{2}},
		{name: "hyperbola steepest descent", p: hyperbola(), x: []float64{3, 0.2}, lo: []float64{0, 0}, up: []float64{inf, inf},
			set: &Settings{Memory: -1}, status: Optimal, f: 2, x1: []float64{1, 1}, duals: []float64{2}},
		{name: "circle", p: circle(), x: []float64{0.1, 0.1}, lo: []float64{0, 0}, up: []float64{inf, inf},
			status: Optimal, f: 9 - 4*r2, x1: []float64{1 / r2, 1 / r2}, duals: []float64{1 - 2*r2}},
		{name: "circle phase 1", p: circle(), x: []float64{0.1, 0.1}, lo: []float64{0, 0}, up: []float64{0.8, inf},
			status: Optimal, f: 9 - 4*r2, x1: []float64{1 / r2, 1 / r2}, duals: []float64{1 - 2*r2}, phase1: true},
		{name: "circle active bound", p: circle(), x: []float64{0.1, 0.1}, lo: []float64{0, 0}, up: []float64{0.5, inf},
			status: Optimal, f: 1.5*1.5 + (2-math.Sqrt(0.75))*(2-math.Sqrt(0.75)), x1: []float64{0.5, math.Sqrt(0.75)},
			duals: []float64{(math.Sqrt(0.75) - 2) / math.Sqrt(0.75)}, phase1: true},
		{name: "lp equality start infeasible",
			// min x + 2y + 3z s.t. x + y + z = 6, x - y = 1, x ≤ 2.
			p: dense([][]float64{{1, 1, 1}, {1, -1, 0}}, []float64{6, 1}, []float64{1, 2, 3}),
			x: []float64{0, 0, 0}, lo: []float64{0, 0, 0}, up: []float64{2, inf, inf},
			status: Optimal, f: 2 + 2 + 9, x1: []float64{2, 1, 3}},
		{name: "infeasible lp",
			// x + y = 1 and x + y - s = 3 with s ∈ [0, 1].
			p: dense([][]float64{{1, 1, 0}, {1, 1, -1}}, []float64{1, 3}, []float64{1, 1, 0}),
			x: []float64{0, 0, 0}, lo: []float64{0, 0, 0}, up: []float64{inf, inf, 1}, status: Infeasible},
		{name: "unbounded lp",
			// min -x - y s.t. x - y - s = 1, s ≤ 0.
			p: dense([][]float64{{1, -1, -1}}, []float64{1}, []float64{-1, -1, 0}),
			x: []float64{0, 0, -1}, lo: []float64{0, 0, -inf}, up: []float64{inf, inf, 0}, status: Unbounded},
		{name: "degenerate lp (Beale)",
			// Beale's cycling example with slacks: optimum -1.25.
			p: dense([][]float64{
				{0.25, -8, -1, 9, 1, 0, 0},
				{0.5, -12, -0.5, 3, 0, 1, 0},
				{0, 0, 1, 0, 0, 0, 1}}, []float64{0, 0, 1}, []float64{-0.75, 20, -0.5, 6, 0, 0, 0}),
			x: make([]float64, 7), lo: make([]float64, 7), up: []float64{inf, inf, inf, inf, inf, inf, inf},
			status: Optimal, f: -1.25},
		{name: "degenerate lp (redundant vertex)",
			// min -x - y s.t. x + y ≤ 2, x ≤ 1, y ≤ 1, x + 2y ≤ 3 (all four tight at (1,1)).
			p: dense([][]float64{{1, 1, 1, 0, 0, 0}, {1, 0, 0, 1, 0, 0}, {0, 1, 0, 0, 1, 0}, {1, 2, 0, 0, 0, 1}},
				[]float64{2, 1, 1, 3}, []float64{-1, -1, 0, 0, 0, 0}),
			x: []float64{0, 0, 2, 1, 1, 3}, lo: make([]float64, 6), up: []float64{inf, inf, inf, inf, inf, inf},
			status: Optimal, f: -2, x1: []float64{1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := append([]float64(nil), tc.x...)
			res, err := Solve(tc.p, x, tc.lo, tc.up, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%v: f = %.10g at %.6g, duals %.6g; %d iterations (%d phase 1), %d evaluations, ninf %d",
				res.Status, res.F, x, res.Duals, res.Iterations, res.Phase1Iter, res.Evaluations, res.Ninf)
			if res.Status != tc.status {
				t.Fatalf("status %v, want %v", res.Status, tc.status)
			}
			if tc.phase1 && res.Phase1Iter == 0 {
				t.Errorf("phase 1 was not used")
			}
			switch tc.status {
			case Infeasible:
				if res.Ninf == 0 || !(res.SumInf > 1e-6) {
					t.Errorf("Infeasible with Ninf = %d, SumInf = %g", res.Ninf, res.SumInf)
				}
				return
			case Unbounded:
				if !(res.F < -1e20) {
					t.Errorf("Unbounded with F = %g", res.F)
				}
				return
			}
			if math.Abs(res.F-tc.f) > 1e-7*(1+math.Abs(tc.f)) {
				t.Errorf("F = %.12g, want %.12g", res.F, tc.f)
			}
			for j, w := range tc.x1 {
				if math.Abs(x[j]-w) > 1e-5 {
					t.Errorf("x[%d] = %.9g, want %.9g", j, x[j], w)
				}
			}
			for i, w := range tc.duals {
				if math.Abs(res.Duals[i]-w) > 1e-5 {
					t.Errorf("dual %d = %.9g, want %.9g", i, res.Duals[i], w)
				}
			}
			checkKKT(t, tc.p, x, tc.lo, tc.up, res, 1e-6)
		})
	}
}

// TestDualSensitivity checks the sign convention y = ∂f*/∂rhs by finite
// differences: re-solve with the row c(x) = ε.
func TestDualSensitivity(t *testing.T) {
	const eps = 1e-4
	solve := func(rhs float64) Result {
		p := hyperbola()
		inner := p.eval
		p.eval = func(x, c, g, jac []float64) float64 {
			f := inner(x, c, g, jac)
			c[0] -= rhs
			return f
		}
		x := []float64{2, 0.1}
		res, err := Solve(p, x, []float64{0, 0}, []float64{inf, inf}, nil)
		if err != nil || res.Status != Optimal {
			t.Fatalf("rhs %g: %v %v", rhs, res.Status, err)
		}
		return res
	}
	r0, rp, rm := solve(0), solve(eps), solve(-eps)
	fd := (rp.F - rm.F) / (2 * eps)
	if math.Abs(fd-r0.Duals[0]) > 1e-5 {
		t.Errorf("dual %v, finite-difference ∂f*/∂rhs %v", r0.Duals[0], fd)
	}
}

func TestBadInput(t *testing.T) {
	lp := dense([][]float64{{1, 1}}, []float64{1}, []float64{1, 1})
	lo, up := []float64{0, 0}, []float64{inf, inf}
	cases := []struct {
		name      string
		p         Problem
		x, lo, up []float64
		set       *Settings
	}{
		{"nil problem", nil, []float64{0, 0}, lo, up, nil},
		{"short x", lp, []float64{0}, lo, up, nil},
		{"NaN start", lp, []float64{math.NaN(), 0}, lo, up, nil},
		{"empty bounds", lp, []float64{0, 0}, []float64{0, 2}, []float64{1, 1}, nil},
		{"bad pattern", &Linear{N: 2, M: 1, ColPtr: []int{0, 1, 2}, RowIdx: []int{0, 3}, Val: []float64{1, 1}, C: []float64{1, 1}, B: []float64{1}},
			[]float64{0, 0}, lo, up, nil},
		{"repeated row", &Linear{N: 1, M: 1, ColPtr: []int{0, 2}, RowIdx: []int{0, 0}, Val: []float64{1, 1}, C: []float64{1}, B: []float64{1}},
			[]float64{0}, []float64{0}, []float64{1}, nil},
		{"negative tolerance", lp, []float64{0, 0}, lo, up, &Settings{OptimalityTolerance: -1}},
		{"negative objective scale", lp, []float64{0, 0}, lo, up, &Settings{ObjectiveScale: -2}},
		{"NaN objective scale", lp, []float64{0, 0}, lo, up, &Settings{ObjectiveScale: math.NaN()}},
		{"negative first iteration", lp, []float64{0, 0}, lo, up, &Settings{FirstIteration: -1}},
		{"eval error", &funcProblem{n: 1, m: 0, colPtr: []int{0, 0}, eval: nil}, []float64{0}, []float64{0}, []float64{1}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if fp, ok := tc.p.(*funcProblem); ok && fp.eval == nil {
				tc.p = errProblem{fp}
			}
			if _, err := Solve(tc.p, tc.x, tc.lo, tc.up, tc.set); err == nil {
				t.Errorf("no error")
			} else {
				t.Log(err)
			}
		})
	}
	if _, _, _, err := WithSlacks(lp, []Relation{Equal, Equal}, lo, up); err == nil {
		t.Errorf("WithSlacks: no error for a relation count mismatch")
	}
}

type errProblem struct{ *funcProblem }

var errBoom = errors.New("boom")

func (errProblem) Eval(x, c, g, jac []float64) (float64, error) { return 0, errBoom }

func TestNoRows(t *testing.T) {
	// Bound-constrained only: min (x-3)² with x ≤ 2.
	p := &funcProblem{n: 1, m: 0, colPtr: []int{0, 0}, eval: func(x, c, g, jac []float64) float64 {
		g[0] = 2 * (x[0] - 3)
		return (x[0] - 3) * (x[0] - 3)
	}}
	x := []float64{0}
	res, err := Solve(p, x, []float64{-inf}, []float64{2}, nil)
	if err != nil || res.Status != Optimal || math.Abs(x[0]-2) > 1e-9 {
		t.Fatalf("%v %v x = %v", res.Status, err, x)
	}
}
