package coin

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// requireLib skips without the library, or fails when NNOPT_REQUIRE_COIN=1
// says it must be there (as in CI).
func requireLib(t *testing.T, load func() (string, string, error)) {
	t.Helper()
	if _, _, err := load(); err != nil {
		if os.Getenv("NNOPT_REQUIRE_COIN") == "1" {
			t.Fatalf("NNOPT_REQUIRE_COIN=1 but: %v", err)
		}
		t.Skipf("COIN-OR library not installed (apt-get install coinor-libcbc3 coinor-libclp1): %v", err)
	}
}

// dense builds an LP from a dense row-major matrix.
func dense(a [][]float64, obj, rowLo, rowUp []float64) *LP {
	n := len(obj)
	p := &LP{NumRows: len(a), NumCols: n, Obj: obj, RowLower: rowLo, RowUpper: rowUp, ColStart: []int{0}}
	for j := 0; j < n; j++ {
		for i := range a {
			if a[i][j] != 0 {
				p.RowIndex = append(p.RowIndex, i)
				p.Value = append(p.Value, a[i][j])
			}
		}
		p.ColStart = append(p.ColStart, len(p.Value))
	}
	return p
}

var inf = math.Inf(1)

// transport is GAMS's trnsport model: x(i,j) for plants seattle, san-diego
// and markets new-york, chicago, topeka (columns i*3+j); rows 0-1 supply
// (<= 350, 600), rows 2-4 demand (>= 325, 300, 275); cost 90 $/case/1000mi.
func transport() *LP {
	d := []float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4}
	obj := make([]float64, 6)
	for k, v := range d {
		obj[k] = 90 * v / 1000
	}
	a := [][]float64{
		{1, 1, 1, 0, 0, 0},
		{0, 0, 0, 1, 1, 1},
		{1, 0, 0, 1, 0, 0},
		{0, 1, 0, 0, 1, 0},
		{0, 0, 1, 0, 0, 1},
	}
	return dense(a, obj, []float64{-inf, -inf, 325, 300, 275}, []float64{350, 600, inf, inf, inf})
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }

func TestTransportLP(t *testing.T) {
	requireLib(t, LoadClp)
	p := transport()
	res, err := SolveLP(context.Background(), p, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || !res.HasSolution {
		t.Fatalf("status %v, has solution %v", res.Status, res.HasSolution)
	}
	if !near(res.Objective, 153.675, 1e-9) {
		t.Errorf("objective %v, want 153.675", res.Objective)
	}
	// GAMS's marginals: demand 0.225, 0.153, 0.126; supply 0 (seattle EPS).
	wantDual := []float64{0, 0, 0.225, 0.153, 0.126}
	for i, w := range wantDual {
		if !near(res.RowDuals[i], w, 1e-9) {
			t.Errorf("row %d dual %v, want %v", i, res.RowDuals[i], w)
		}
	}
	// Reduced costs c - A'y: seattle.topeka 0.036, san-diego.chicago 0.009.
	wantRC := []float64{0, 0, 0.036, 0, 0.009, 0}
	for j, w := range wantRC {
		if !near(res.ReducedCosts[j], w, 1e-9) {
			t.Errorf("column %d reduced cost %v, want %v", j, res.ReducedCosts[j], w)
		}
	}
	checkFeasible(t, p, res.X, 1e-9)
	if res.Bound != res.Objective || res.Iterations <= 0 || !strings.HasPrefix(res.Solver, "Clp ") {
		t.Errorf("bound %v, iterations %d, solver %q", res.Bound, res.Iterations, res.Solver)
	}
}

// TestDualSigns checks the duals and reduced costs against finite
// differences of the optimal objective, minimising and maximising: the dual
// of a row is d objective / d (its active bound).
func TestDualSigns(t *testing.T) {
	requireLib(t, LoadClp)
	// max 3x + 2y s.t. x + y <= 4, x + 3y <= 6, x <= 3.5 (row), x, y >= 0:
	// optimum x = 3.5, y = 0.5, objective 11.5; duals 2, 0, 1.
	maxLP := func() *LP {
		p := dense([][]float64{{1, 1}, {1, 3}, {1, 0}}, []float64{3, 2}, nil, []float64{4, 6, 3.5})
		p.Maximize = true
		return p
	}
	// min transport, as the minimisation case.
	for _, tc := range []struct {
		name string
		lp   func() *LP
		// the active bound of each row, to perturb
		bound func(p *LP, i int) *float64
	}{
		{"max", maxLP, func(p *LP, i int) *float64 { return &p.RowUpper[i] }},
		{"min", transport, func(p *LP, i int) *float64 {
			if i < 2 {
				return &p.RowUpper[i]
			}
			return &p.RowLower[i]
		}},
		{"min as max of the negation", func() *LP {
			p := transport()
			for j := range p.Obj {
				p.Obj[j] = -p.Obj[j]
			}
			p.Maximize = true
			return p
		}, func(p *LP, i int) *float64 {
			if i < 2 {
				return &p.RowUpper[i]
			}
			return &p.RowLower[i]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.lp()
			base, err := SolveLP(context.Background(), p, Settings{})
			if err != nil || base.Status != Optimal {
				t.Fatalf("%v %v", base, err)
			}
			if tc.name == "max" && (base.Objective != 11.5 || base.RowDuals[0] != 2 || base.RowDuals[1] != 0 || base.RowDuals[2] != 1) {
				t.Errorf("objective %v, duals %v; want 11.5, [2 0 1]", base.Objective, base.RowDuals)
			}
			const h = 1e-3
			for i := 0; i < p.NumRows; i++ {
				q := tc.lp()
				*tc.bound(q, i) += h
				r, err := SolveLP(context.Background(), q, Settings{})
				if err != nil || r.Status != Optimal {
					t.Fatalf("row %d: %v %v", i, r, err)
				}
				if fd := (r.Objective - base.Objective) / h; math.Abs(fd-base.RowDuals[i]) > 1e-6 {
					t.Errorf("row %d: dual %v, finite difference %v", i, base.RowDuals[i], fd)
				}
			}
			// Reduced costs: c_j - sum_i y_i a_ij.
			for j := 0; j < p.NumCols; j++ {
				rc := p.Obj[j]
				for k := p.ColStart[j]; k < p.ColStart[j+1]; k++ {
					rc -= base.RowDuals[p.RowIndex[k]] * p.Value[k]
				}
				if math.Abs(rc-base.ReducedCosts[j]) > 1e-9 {
					t.Errorf("column %d: reduced cost %v, c - A'y = %v", j, base.ReducedCosts[j], rc)
				}
			}
		})
	}
}

func checkFeasible(t *testing.T, p *LP, x []float64, tol float64) {
	t.Helper()
	act := make([]float64, p.NumRows)
	for j := 0; j < p.NumCols; j++ {
		if x[j] < at(p.ColLower, j, 0)-tol || x[j] > at(p.ColUpper, j, inf)+tol {
			t.Errorf("x[%d] = %v outside its bounds", j, x[j])
		}
		for k := p.ColStart[j]; k < p.ColStart[j+1]; k++ {
			act[p.RowIndex[k]] += p.Value[k] * x[j]
		}
	}
	for i, a := range act {
		if a < at(p.RowLower, i, -inf)-tol || a > at(p.RowUpper, i, inf)+tol {
			t.Errorf("row %d activity %v outside [%v, %v]", i, a, at(p.RowLower, i, -inf), at(p.RowUpper, i, inf))
		}
	}
}

func TestInfeasibleUnbounded(t *testing.T) {
	requireLib(t, LoadClp)
	requireLib(t, LoadCbc)
	// x + y >= 3, x + y <= 2.
	infeasible := dense([][]float64{{1, 1}, {1, 1}}, []float64{1, 1}, []float64{3, -inf}, []float64{inf, 2})
	// max x + y s.t. x - y <= 1.
	unbounded := dense([][]float64{{1, -1}}, []float64{1, 1}, nil, []float64{1})
	unbounded.Maximize = true
	intInfeasible := dense([][]float64{{2, 2}}, []float64{1, 1}, []float64{3}, []float64{3}) // 2x + 2y = 3
	intInfeasible.Integer = []bool{true, true}
	intUnbounded := dense([][]float64{{1, -1}}, []float64{1, 1}, nil, []float64{1})
	intUnbounded.Maximize, intUnbounded.Integer = true, []bool{true, false}
	for _, tc := range []struct {
		name  string
		lp    *LP
		solve func(context.Context, *LP, Settings) (*Result, error)
		want  Status
	}{
		{"clp infeasible", infeasible, SolveLP, Infeasible},
		{"clp unbounded", unbounded, SolveLP, Unbounded},
		{"cbc infeasible", infeasible, SolveMIP, Infeasible},
		{"cbc unbounded", unbounded, SolveMIP, Unbounded},
		{"cbc integer infeasible", intInfeasible, SolveMIP, Infeasible},
		{"cbc integer unbounded", intUnbounded, SolveMIP, Unbounded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.solve(context.Background(), tc.lp, Settings{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.want || res.HasSolution || !math.IsNaN(res.Objective) {
				t.Errorf("status %v (codes %d/%d), has solution %v, objective %v; want %v without a solution",
					res.Status, res.SolverStatus, res.SecondaryStatus, res.HasSolution, res.Objective, tc.want)
			}
		})
	}
}

// knapsack: max sum v x s.t. sum w x <= 50, x binary. Optimum 220... see below.
func knapsack() *LP {
	v := []float64{60, 100, 120, 80, 30, 70, 90, 40}
	w := []float64{10, 20, 30, 25, 5, 15, 22, 12}
	p := dense([][]float64{w}, v, nil, []float64{50})
	p.ColUpper = make([]float64, len(v))
	p.Integer = make([]bool, len(v))
	for j := range v {
		p.ColUpper[j], p.Integer[j] = 1, true
	}
	p.Maximize = true
	return p
}

// bruteKnapsack enumerates the 2^n subsets.
func bruteKnapsack(p *LP) float64 {
	best := 0.0
	for s := 0; s < 1<<p.NumCols; s++ {
		w, v := 0.0, 0.0
		for j := 0; j < p.NumCols; j++ {
			if s&(1<<j) != 0 {
				w += p.Value[j]
				v += p.Obj[j]
			}
		}
		if w <= p.RowUpper[0] && v > best {
			best = v
		}
	}
	return best
}

func TestKnapsackMIP(t *testing.T) {
	requireLib(t, LoadCbc)
	p := knapsack()
	p.ObjOffset = 5
	want := bruteKnapsack(p) + 5
	res, err := SolveMIP(context.Background(), p, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || !res.HasSolution || !near(res.Objective, want, 1e-9) {
		t.Fatalf("status %v, objective %v, want optimal %v", res.Status, res.Objective, want)
	}
	if !near(res.Bound, want, 1e-6) {
		t.Errorf("bound %v, want %v", res.Bound, want)
	}
	for j, x := range res.X {
		if math.Abs(x-math.Round(x)) > 1e-6 {
			t.Errorf("x[%d] = %v not integer", j, x)
		}
	}
	checkFeasible(t, p, res.X, 1e-9)
	// The same minimising the negated values.
	q := knapsack()
	for j := range q.Obj {
		q.Obj[j] = -q.Obj[j]
	}
	q.Maximize = false
	res, err = SolveMIP(context.Background(), q, Settings{})
	if err != nil || res.Status != Optimal || !near(res.Objective, -(want-5), 1e-9) || !near(res.Bound, -(want-5), 1e-6) {
		t.Errorf("minimising: %+v %v; want %v", res, err, -(want - 5))
	}
}

// marketSplit is a Cornuéjols-Dawande market split instance with slacks:
// min sum(s+ + s-) s.t. a_i x + s+_i - s-_i = floor(sum a_i / 2), x binary;
// hard for branch and bound at m = 4, n = 30, and feasible (all slacks).
func marketSplit(m, n int, seed uint64) *LP {
	rnd := rand.New(rand.NewPCG(seed, 1))
	a := make([][]float64, m)
	rhs := make([]float64, m)
	for i := range a {
		a[i] = make([]float64, n+2*m)
		sum := 0.0
		for j := 0; j < n; j++ {
			a[i][j] = float64(rnd.IntN(100))
			sum += a[i][j]
		}
		a[i][n+i], a[i][n+m+i] = 1, -1
		rhs[i] = math.Floor(sum / 2)
	}
	obj := make([]float64, n+2*m)
	for k := n; k < n+2*m; k++ {
		obj[k] = 1
	}
	p := dense(a, obj, rhs, rhs)
	p.ColUpper = make([]float64, n+2*m)
	p.Integer = make([]bool, n+2*m)
	for j := range p.ColUpper {
		p.ColUpper[j] = inf
		if j < n {
			p.ColUpper[j], p.Integer[j] = 1, true
		}
	}
	return p
}

func TestMIPLimits(t *testing.T) {
	requireLib(t, LoadCbc)
	if testing.Short() {
		t.Skip("-short: the limits run the solver for seconds")
	}
	p := marketSplit(5, 40, 3)
	began := time.Now()
	res, err := SolveMIP(context.Background(), p, Settings{TimeLimit: time.Second})
	took := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("time limit: %v after %v, %d nodes, objective %v, bound %v", res.Status, took, res.Nodes, res.Objective, res.Bound)
	if res.Status != TimeLimit || took > 5*time.Second {
		t.Errorf("status %v after %v, want a time limit after about 1s", res.Status, took)
	}
	if res.HasSolution {
		checkFeasible(t, p, res.X, 1e-6)
	}
	res, err = SolveMIP(context.Background(), p, Settings{NodeLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("node limit: %v, %d nodes, has solution %v", res.Status, res.Nodes, res.HasSolution)
	if res.Status != NodeLimit {
		t.Errorf("status %v, want node limit", res.Status)
	}
}

func TestMIPStart(t *testing.T) {
	requireLib(t, LoadCbc)
	p := marketSplit(4, 30, 1)
	// x = 0 with the slacks taking the right-hand sides: feasible.
	start := make([]float64, p.NumCols)
	startObj := 0.0
	for i := 0; i < p.NumRows; i++ {
		start[30+i] = p.RowLower[i]
		startObj += p.RowLower[i]
	}
	var log strings.Builder
	res, err := SolveMIP(context.Background(), p, Settings{Start: start, NodeLimit: 1, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if !res.HasSolution || res.Objective > startObj+1e-9 {
		t.Errorf("has solution %v, objective %v; want at most the start's %v", res.HasSolution, res.Objective, startObj)
	}
	if !strings.Contains(strings.ToLower(log.String()), "mipstart") {
		t.Errorf("the log does not mention the MIP start:\n%s", log.String())
	}
}

func TestCancellation(t *testing.T) {
	requireLib(t, LoadCbc)
	requireLib(t, LoadClp)
	p := marketSplit(5, 40, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, solve := range map[string]func(context.Context, *LP, Settings) (*Result, error){"cbc": SolveMIP, "clp": SolveLP} {
		q := p
		if name == "clp" {
			q = transport()
		}
		res, err := solve(ctx, q, Settings{})
		if err != nil || res.Status != Interrupted || res.HasSolution {
			t.Errorf("%s, cancelled before: %+v, %v", name, res, err)
		}
	}
	if testing.Short() {
		return
	}
	// A deadline becomes the time limit.
	ctx, cancel = context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	began := time.Now()
	res, err := SolveMIP(ctx, p, Settings{TimeLimit: time.Hour})
	if err != nil || res.Status != Interrupted || time.Since(began) > 5*time.Second {
		t.Errorf("deadline: %v after %v, %v; want interrupted after about 0.5s", res.Status, time.Since(began), err)
	}
	// A cancellation without a deadline cannot stop Cbc: the solve runs to
	// its limit and the error says so.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	res, err = SolveMIP(ctx, p, Settings{TimeLimit: time.Second})
	if !errors.Is(err, ErrNotInterruptible) || !errors.Is(err, context.Canceled) || res == nil || res.Status != TimeLimit {
		t.Errorf("cancelled during: %+v, %v", res, err)
	} else {
		t.Log(err)
	}
}

func TestBadInput(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		edit func(p *LP, s *Settings)
		want string
	}{
		{"nil start", func(p *LP, s *Settings) { p.ColStart = nil }, "len(ColStart) = 0, want NumCols+1 = 7"},
		{"negative dims", func(p *LP, s *Settings) { p.NumRows = -1 }, "negative dimension"},
		{"short values", func(p *LP, s *Settings) { p.Value = p.Value[:3] }, "len(RowIndex) = 12 but len(Value) = 3"},
		{"first start", func(p *LP, s *Settings) { p.ColStart[0] = 1 }, "ColStart[0] = 1"},
		{"decreasing start", func(p *LP, s *Settings) { p.ColStart[2] = 1 }, "column 1: ColStart[1] = 2, ColStart[2] = 1"},
		{"row index", func(p *LP, s *Settings) { p.RowIndex[4] = 7 }, "row index 7 (entry 4) out of range [0, 5)"},
		{"duplicate", func(p *LP, s *Settings) { p.RowIndex[1] = 0 }, "column 0: row 0 appears twice"},
		{"nan coefficient", func(p *LP, s *Settings) { p.Value[3] = nan }, "column 1, row 3: coefficient NaN"},
		{"inf coefficient", func(p *LP, s *Settings) { p.Value[3] = inf }, "coefficient +Inf"},
		{"obj length", func(p *LP, s *Settings) { p.Obj = p.Obj[:2] }, "len(Obj) = 2, want 6"},
		{"nan obj", func(p *LP, s *Settings) { p.Obj[4] = nan }, "column 4: objective coefficient NaN"},
		{"crossed column", func(p *LP, s *Settings) {
			p.ColLower = []float64{0, 0, 0, 5, 0, 0}
			p.ColUpper = []float64{1, 1, 1, 4, 1, 1}
		},
			"column 3: lower bound 5 above upper bound 4"},
		{"nan row bound", func(p *LP, s *Settings) { p.RowLower[2] = nan }, "row 2: NaN bound"},
		{"crossed row", func(p *LP, s *Settings) { p.RowUpper[3] = 1 }, "row 3: lower bound 300 above upper bound 1"},
		{"infinite lower", func(p *LP, s *Settings) { p.RowLower[4] = inf }, "row 4: bounds [+Inf, +Inf] admit no finite value"},
		{"integer length", func(p *LP, s *Settings) { p.Integer = []bool{true} }, "len(Integer) = 1"},
		{"offset", func(p *LP, s *Settings) { p.ObjOffset = nan }, "ObjOffset NaN"},
		{"time limit", func(p *LP, s *Settings) { s.TimeLimit = -time.Second }, "TimeLimit -1s is negative"},
		{"gap", func(p *LP, s *Settings) { s.RelativeGap = -1 }, "RelativeGap -1"},
		{"nan gap", func(p *LP, s *Settings) { s.AbsoluteGap = nan }, "AbsoluteGap NaN"},
		{"nodes", func(p *LP, s *Settings) { s.NodeLimit = -1 }, "NodeLimit -1 is negative"},
		{"iterations", func(p *LP, s *Settings) { s.IterationLimit = -1 }, "IterationLimit -1: want a count"},
		{"iterations for Cbc", func(p *LP, s *Settings) { s.IterationLimit = 5 }, "SolveMIP: IterationLimit: " + ErrUnsupportedSetting.Error()},
		{"start length", func(p *LP, s *Settings) { s.Start = []float64{1} }, "len(Start) = 1, want NumCols = 6"},
		{"start nan", func(p *LP, s *Settings) { s.Start = []float64{0, 0, nan, 0, 0, 0} }, "Start: column 2: value NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, s := transport(), Settings{}
			tc.edit(p, &s)
			// Validation comes before loading: these errors need no library.
			_, err := SolveMIP(context.Background(), p, s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("SolveMIP: %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := SolveMIP(context.Background(), nil, Settings{}); err == nil {
		t.Error("nil LP: no error")
	}
	// SolveLP refuses integers and the MIP settings.
	p := knapsack()
	if _, err := SolveLP(context.Background(), p, Settings{}); err == nil || !strings.Contains(err.Error(), "column 0 is integer") {
		t.Errorf("SolveLP with integers: %v", err)
	}
	for _, s := range []Settings{{NodeLimit: 1}, {RelativeGap: 0.1}, {AbsoluteGap: 1}, {Start: make([]float64, 6)}} {
		if _, err := SolveLP(context.Background(), transport(), s); !errors.Is(err, ErrUnsupportedSetting) {
			t.Errorf("SolveLP %+v: %v, want ErrUnsupportedSetting", s, err)
		}
	}
}

// TestClpIterationLimit: Clp stops at IterationLimit and says so.
func TestClpIterationLimit(t *testing.T) {
	requireLib(t, LoadClp)
	full, err := SolveLP(context.Background(), transport(), Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if full.Status != Optimal || full.Iterations < 2 {
		t.Fatalf("without a limit: %v after %d iterations; want optimal after 2 or more", full.Status, full.Iterations)
	}
	res, err := SolveLP(context.Background(), transport(), Settings{IterationLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != IterationLimit || res.Iterations > 1 {
		t.Errorf("limit 1: %v after %d iterations; want IterationLimit", res.Status, res.Iterations)
	}
}

func TestLog(t *testing.T) {
	requireLib(t, LoadClp)
	var log strings.Builder
	if _, err := SolveLP(context.Background(), transport(), Settings{Log: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "Clp0000") {
		t.Errorf("log lacks Clp's final message:\n%s", log.String())
	}
}

func TestZeroColumns(t *testing.T) {
	requireLib(t, LoadClp)
	requireLib(t, LoadCbc)
	p := &LP{ColStart: []int{0}, ObjOffset: 2}
	for name, solve := range map[string]func(context.Context, *LP, Settings) (*Result, error){"cbc": SolveMIP, "clp": SolveLP} {
		res, err := solve(context.Background(), p, Settings{})
		if err != nil || res.Status != Optimal || res.Objective != 2 {
			t.Errorf("%s: %+v, %v", name, res, err)
		}
	}
}

// TestCutoff: a cutoff below the optimum (in the problem's sense, offset
// included) leaves the optimum; one past it leaves no solution (Infeasible),
// maximising and minimising; a solution limit of 1 with a cutoff stops at the
// first solution better than the cutoff.
func TestCutoff(t *testing.T) {
	requireLib(t, LoadCbc)
	p := knapsack()
	p.ObjOffset = 5
	best := bruteKnapsack(p) + 5
	neg := knapsack()
	for j := range neg.Obj {
		neg.Obj[j] = -neg.Obj[j]
	}
	neg.Maximize, neg.ObjOffset = false, -5
	for _, tc := range []struct {
		name   string
		p      *LP
		cutoff float64
		want   Status
	}{
		{"max, cutoff below the optimum", p, best - 1, Optimal},
		{"max, cutoff above the optimum", p, best + 0.5, Infeasible},
		{"min, cutoff above the optimum", neg, -best + 1, Optimal},
		{"min, cutoff below the optimum", neg, -best - 0.5, Infeasible},
	} {
		res, err := SolveMIP(context.Background(), tc.p, Settings{UseCutoff: true, Cutoff: tc.cutoff})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Status != tc.want {
			t.Errorf("%s: status %v, want %v", tc.name, res.Status, tc.want)
			continue
		}
		opt := best
		if !tc.p.Maximize {
			opt = -best
		}
		if tc.want == Optimal && !near(res.Objective, opt, 1e-9) {
			t.Errorf("%s: objective %v, want %v", tc.name, res.Objective, opt)
		}
		if tc.want == Infeasible && res.HasSolution {
			t.Errorf("%s: a solution %v past the cutoff", tc.name, res.Objective)
		}
	}
	res, err := SolveMIP(context.Background(), p, Settings{UseCutoff: true, Cutoff: 5, SolutionLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.HasSolution || !(res.Objective > 5) || (res.Status != SolutionLimit && res.Status != Optimal) {
		t.Errorf("solution limit 1 past cutoff 5: status %v, solution %v, objective %v", res.Status, res.HasSolution, res.Objective)
	}
	if res.HasSolution {
		checkFeasible(t, p, res.X, 1e-9)
	}
	for _, s := range []Settings{{UseCutoff: true, Cutoff: math.NaN()}, {SolutionLimit: -1}} {
		if _, err := SolveMIP(context.Background(), p, s); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
	lp := knapsack()
	lp.Integer = nil
	if _, err := SolveLP(context.Background(), lp, Settings{UseCutoff: true}); !errors.Is(err, ErrUnsupportedSetting) {
		t.Errorf("SolveLP with a cutoff: %v, want ErrUnsupportedSetting", err)
	}
}

// TestCutCallback: a generator of knapsack cover cuts (Σ_{j∈C} x_j ≤ |C| - 1 for a
// set C heavier than the capacity, found from the LP solution) is called with
// the node's LP solution and leaves the optimum; a generator of a cut that is
// not valid (x_j = 0 for an item of the optimum, every call) changes the answer,
// so the cuts reach the search; a bad cut is an error.
func TestCutCallback(t *testing.T) {
	requireLib(t, LoadCbc)
	// 18 items of correlated values and weights: Cbc branches on them.
	rnd := rand.New(rand.NewPCG(5, 5))
	v, wt := make([]float64, 18), make([]float64, 18)
	total := 0.0
	for j := range v {
		wt[j] = float64(20 + rnd.IntN(80))
		v[j] = wt[j] + 10
		total += wt[j]
	}
	p := dense([][]float64{wt}, v, nil, []float64{math.Floor(total / 2)})
	p.ColUpper, p.Integer, p.Maximize = make([]float64, len(v)), make([]bool, len(v)), true
	for j := range v {
		p.ColUpper[j], p.Integer[j] = 1, true
	}
	best := bruteKnapsack(p)
	w, capacity := p.Value, p.RowUpper[0]
	var seen int
	cover := func(x []float64) []Cut {
		if len(x) != p.NumCols {
			t.Errorf("the generator got %d values for %d columns", len(x), p.NumCols)
			return nil
		}
		seen++
		// The items by decreasing x, until their weight passes the capacity.
		order := make([]int, len(x))
		for j := range order {
			order[j] = j
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(x[b], x[a]) })
		var c Cut
		sum, lhs := 0.0, 0.0
		for _, j := range order {
			c.Index, c.Value = append(c.Index, j), append(c.Value, 1)
			sum += w[j]
			lhs += x[j]
			if sum > capacity {
				break
			}
		}
		c.Sense, c.RHS = 'L', float64(len(c.Index)-1)
		if sum <= capacity || lhs <= c.RHS+1e-6 {
			return nil // no violated cover
		}
		return []Cut{c}
	}
	res, err := SolveMIP(context.Background(), p, Settings{Cuts: cover})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cover cuts: %v, objective %v, %d calls, %d nodes", res.Status, res.Objective, res.CutCalls, res.Nodes)
	if res.Status != Optimal || !near(res.Objective, best, 1e-9) || res.CutCalls == 0 || seen != res.CutCalls {
		t.Errorf("cover cuts: %v, objective %v (want %v), %d calls (generator saw %d)", res.Status, res.Objective, best, res.CutCalls, seen)
	}
	if _, err := SolveMIP(context.Background(), p, Settings{Cuts: func([]float64) []Cut {
		return []Cut{{Index: []int{p.NumCols}, Value: []float64{1}, Sense: 'L', RHS: 0}}
	}}); err == nil || !strings.Contains(err.Error(), "out of") {
		t.Errorf("a cut on a column out of range: %v", err)
	}
	lp := knapsack()
	lp.Integer = nil
	if _, err := SolveLP(context.Background(), lp, Settings{Cuts: cover}); !errors.Is(err, ErrUnsupportedSetting) {
		t.Errorf("SolveLP with Cuts: %v", err)
	}
	// A cut that is not valid (x_j ≤ 0 for a column positive in the first
	// node's LP) reaches the LP: no later node's solution has x_j > 0.
	if testing.Short() {
		t.Skip("-short: the market split search takes seconds")
	}
	ms := marketSplit(3, 20, 3)
	col, calls, after := -1, 0, 0
	res, err = SolveMIP(context.Background(), ms, Settings{NodeLimit: 30, Cuts: func(x []float64) []Cut {
		calls++
		if col < 0 {
			col = slices.IndexFunc(x[:20], func(v float64) bool { return v > 1e-3 })
		} else if x[col] > 1e-7 {
			after++
		}
		if col < 0 {
			return nil
		}
		return []Cut{{Index: []int{col}, Value: []float64{1}, Sense: 'L', RHS: 0}}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("x_%d ≤ 0: %v, %d calls, %d nodes", col, res.Status, calls, res.Nodes)
	if col < 0 || calls < 2 || after > 0 {
		t.Errorf("the cut on column %d: %d calls, %d of them with x > 0 after it", col, calls, after)
	}
	if res.HasSolution && res.X[col] > 1e-6 {
		t.Errorf("the solution has x_%d = %g despite the cut", col, res.X[col])
	}
}
