package nnopt_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/solvers/coin"
)

// needClp skips without libClp, unless $NNOPT_REQUIRE_COIN=1.
func needClp(t *testing.T) {
	t.Helper()
	if _, _, err := coin.LoadClp(); err != nil {
		if os.Getenv("NNOPT_REQUIRE_COIN") == "1" {
			t.Fatal(err)
		}
		t.Skipf("Clp does not load, so the default LP solver is nnopt (apt-get install coinor-libclp1 to run this test): %v", err)
	}
}

// TestDefaultLPSolver: an LP that names no solver goes to Clp when it loads, and
// Output says so; a named nnopt, a frozen model and an option only nnopt's
// method honours go to nnopt, the last two with the reason in the log.
func TestDefaultLPSolver(t *testing.T) {
	needClp(t)
	_, version, _ := coin.LoadClp()
	nnoptLP := map[nnopt.Problem]string{nnopt.LP: nnopt.SolverName}
	for _, tc := range []struct {
		name    string
		opt     nnopt.Options
		freeze  bool
		solver  string // the start of SolverVersion
		logLine string // the start of the "LP solver:" line; "" for none
	}{
		{"default", nnopt.Options{}, false, "Clp " + version, "LP solver: clp (default; Clp " + version + " from "},
		{"named nnopt", nnopt.Options{Solvers: nnoptLP}, false, nnopt.SolverVersion, ""},
		{"named clp", nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: "clp"}}, false, "Clp " + version, ""},
		{"frozen", nnopt.Options{}, true, nnopt.SolverVersion, "LP solver: nnopt (the model is frozen, which Clp cannot solve"},
		{"gradient tolerance", nnopt.Options{GradientTolerance: 1e-9}, false, nnopt.SolverVersion, "LP solver: nnopt (option GradientTolerance is set"},
		{"feasibility tolerance", nnopt.Options{FeasibilityTolerance: 1e-8}, false, nnopt.SolverVersion, "LP solver: nnopt (option FeasibilityTolerance is set"},
		{"phase 1 weight", nnopt.Options{Phase1ObjectiveWeight: -1}, false, nnopt.SolverVersion, "LP solver: nnopt (option Phase1ObjectiveWeight is set"},
		{"on iteration", nnopt.Options{OnIteration: func(nnopt.Iteration) {}}, false, nnopt.SolverVersion, "LP solver: nnopt (option OnIteration is set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTransport(t)
			if tc.freeze {
				must(t, tr.m.Freeze(tr.bmult))
			}
			var log strings.Builder
			tc.opt.Output = &log
			must(t, tr.m.Solve(context.Background(), tc.opt))
			if tr.m.Status != nnopt.StatusOptimal || math.Abs(tr.m.ObjectiveValue-153.675) > 1e-6 {
				t.Errorf("%v, objective %g; want optimal 153.675", tr.m.Status, tr.m.ObjectiveValue)
			}
			if !strings.HasPrefix(tr.m.SolverVersion, tc.solver) {
				t.Errorf("SolverVersion %q; want %q", tr.m.SolverVersion, tc.solver)
			}
			if want := map[bool]string{true: "clp", false: nnopt.SolverName}[strings.HasPrefix(tc.solver, "Clp")]; tr.m.Solver != want {
				t.Errorf("Solver %q; want %q", tr.m.Solver, want)
			}
			if !tr.m.Attributes.Marginals || tr.m.NumIterations <= 0 || tr.demand.M[0] == 0 {
				t.Errorf("marginals %v (demand.m %v), %d iterations; want marginals and iterations", tr.m.Attributes.Marginals, tr.demand.M, tr.m.NumIterations)
			}
			var line string
			for l := range strings.Lines(log.String()) {
				if strings.HasPrefix(l, "LP solver:") {
					if line != "" {
						t.Errorf("two LP solver lines: %q and %q", line, l)
					}
					line = l
				}
			}
			if !strings.HasPrefix(line, tc.logLine) || (tc.logLine == "") != (line == "") {
				t.Errorf("log line %q; want one starting %q", line, tc.logLine)
			}
		})
	}
}

// TestDefaultLPSolverWithoutClp runs this test binary again with $NNOPT_CLP
// naming a missing file, so that Clp does not load: the default LP solver is
// then nnopt, and the log line gives the loader's reason.
func TestDefaultLPSolverWithoutClp(t *testing.T) {
	if os.Getenv("NNOPT_TEST_WITHOUT_CLP") == "1" {
		tr := newTransport(t)
		var log strings.Builder
		must(t, tr.m.Solve(context.Background(), nnopt.Options{Output: &log}))
		if tr.m.Status != nnopt.StatusOptimal || tr.m.SolverVersion != nnopt.SolverVersion {
			t.Errorf("%v by %q; want optimal by %q", tr.m.Status, tr.m.SolverVersion, nnopt.SolverVersion)
		}
		want := "LP solver: nnopt (Clp not loaded: coin: NNOPT_CLP: "
		if !strings.Contains(log.String(), want) {
			t.Errorf("log without %q:\n%s", want, log.String())
		}
		return
	}
	if testing.Short() {
		t.Skip("runs the test binary again")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDefaultLPSolverWithoutClp$", "-test.v")
	cmd.Env = append(os.Environ(), "NNOPT_TEST_WITHOUT_CLP=1", "NNOPT_CLP="+filepath.Join(t.TempDir(), "libClp-missing.so"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestDefaultLPSolverWithoutClp") {
		t.Errorf("without Clp: %v\n%s", err, out)
	}
}

// TestClpIterationLimit: Options.IterationLimit reaches Clp, which stops early.
func TestClpIterationLimit(t *testing.T) {
	needClp(t)
	tr := newTransport(t)
	must(t, tr.m.Solve(context.Background(), nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: "clp"}}))
	full := tr.m.NumIterations
	if full < 2 {
		t.Skipf("Clp solves the transport LP in %d iteration(s); no room for a limit", full)
	}
	must(t, tr.m.Solve(context.Background(), nnopt.Options{IterationLimit: 1, Solvers: map[nnopt.Problem]string{nnopt.LP: "clp"}}))
	if tr.m.SolveStatus != nnopt.SolveIterationInterrupt || tr.m.NumIterations > 1 {
		t.Errorf("limit 1: %v, %v after %d iterations (%d without the limit); want an iteration interrupt", tr.m.SolveStatus, tr.m.Status, tr.m.NumIterations, full)
	}
}

// needCOIN skips without the COIN-OR libraries, unless $NNOPT_REQUIRE_COIN=1.
func needCOIN(t *testing.T) {
	t.Helper()
	_, _, errC := coin.LoadCbc()
	_, _, errL := coin.LoadClp()
	if err := errors.Join(errC, errL); err != nil {
		if os.Getenv("NNOPT_REQUIRE_COIN") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// TestTransportCOIN: the transport LP through Clp and Cbc (Options.Solvers) has the
// objective, levels and marginals of nnopt's own method.
func TestTransportCOIN(t *testing.T) {
	needCOIN(t)
	tr := newTransport(t)
	if err := tr.m.Solve(context.Background(), nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: nnopt.SolverName}}); err != nil {
		t.Fatal(err)
	}
	obj, x, xm, dm := tr.m.ObjectiveValue, append([]float64(nil), tr.x.L...), append([]float64(nil), tr.x.M...), append([]float64(nil), tr.demand.M...)
	for _, s := range []string{"clp", "cbc"} {
		if err := tr.m.Solve(context.Background(), nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: s}}); err != nil {
			t.Fatal(err)
		}
		if tr.m.Status != nnopt.StatusOptimal || math.Abs(tr.m.ObjectiveValue-obj) > 1e-9 || math.Abs(obj-153.675) > 1e-6 {
			t.Errorf("%s: %v, objective %g; nnopt %g", s, tr.m.Status, tr.m.ObjectiveValue, obj)
		}
		for k := range x {
			if math.Abs(tr.x.L[k]-x[k]) > 1e-6 {
				t.Errorf("%s: x[%d] = %g, nnopt %g", s, k, tr.x.L[k], x[k])
			}
		}
		if s == "clp" {
			for k := range xm {
				if math.Abs(tr.x.M[k]-xm[k]) > 1e-9 {
					t.Errorf("clp: x.m[%d] = %g, nnopt %g", k, tr.x.M[k], xm[k])
				}
			}
			for k := range dm {
				if math.Abs(tr.demand.M[k]-dm[k]) > 1e-9 {
					t.Errorf("clp: demand.m[%d] = %g, nnopt %g", k, tr.demand.M[k], dm[k])
				}
			}
		}
	}
	if err := tr.m.Solve(context.Background(), nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: "gurobi"}}); !errors.Is(err, nnopt.ErrUnsupported) {
		t.Errorf("an unknown solver: %v", err)
	}
	must(t, tr.m.Freeze(tr.bmult))
	if err := tr.m.Solve(context.Background(), nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: "clp"}}); !errors.Is(err, nnopt.ErrUnsupported) || !strings.Contains(err.Error(), "frozen") {
		t.Errorf("a frozen model through Clp: %v", err)
	}
	tr.m.Unfreeze()
}

// TestKnapsackCbc: a MIP goes to Cbc by default: max Σ v·x with Σ w·x ≤ 15, x
// binary, against the optimum found by enumeration; Cbc's bound is that optimum,
// and nnopt's own method refuses a MIP.
func TestKnapsackCbc(t *testing.T) {
	needCOIN(t)
	v := []float64{10, 13, 7, 8, 9, 4, 11}
	w := []float64{5, 7, 4, 3, 6, 2, 5}
	best := 0.0
	for s := 0; s < 1<<len(v); s++ {
		val, wt := 0.0, 0.0
		for k := range v {
			if s&(1<<k) != 0 {
				val, wt = val+v[k], wt+w[k]
			}
		}
		if wt <= 15 {
			best = math.Max(best, val)
		}
	}
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c", "d", "e", "f", "g")
	vp, wp := c.NewParameter("v", i), c.NewParameter("w", i)
	must(t, vp.SetValues(v))
	must(t, wp.SetValues(w))
	x := c.NewVariable("x", nnopt.Binary, i)
	cap := c.NewEquation("cap")
	must(t, cap.Define(nnopt.Le(nnopt.Sum(nnopt.Mul(wp, x), i), nnopt.Const(15))))
	m, err := c.NewModel("knapsack", nnopt.ModelSpec{Equations: []*nnopt.Equation{cap}, Problem: nnopt.MIP, Sense: nnopt.Maximize, Objective: nnopt.Sum(nnopt.Mul(vp, x), i)})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal || m.ObjectiveValue != best || math.Abs(m.ObjectiveEstimate-best) > 1e-6 {
		t.Errorf("%v, objective %g, bound %g; want optimal %g", m.Status, m.ObjectiveValue, m.ObjectiveEstimate, best)
	}
	wt := 0.0
	for k, l := range x.L {
		if l != 0 && l != 1 {
			t.Errorf("x[%d] = %g, not binary", k, l)
		}
		wt += l * w[k]
	}
	if wt > 15 || cap.L[0] != wt-15 { // an equation's level is lhs - rhs
		t.Errorf("weight %g, cap's level %g", wt, cap.L[0])
	}
	if err := m.Solve(context.Background(), nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.MIP: "nnopt"}}); !errors.Is(err, nnopt.ErrUnsupported) {
		t.Errorf("a MIP with the nnopt solver: %v", err)
	}
}

// TestMIPOptions: a MIP solved from a MIP start of the levels reaches its optimum;
// bad gaps and limits are errors naming the option.
func TestMIPOptions(t *testing.T) {
	needCOIN(t)
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c", "d", "e", "f")
	x := c.NewVariable("x", nnopt.Integer, i)
	w := c.NewParameter("w", i)
	must(t, w.SetValues([]float64{12, 17, 23, 31, 41, 53}))
	for k := range x.Up {
		x.Up[k] = 10
	}
	row := c.NewEquation("row")
	must(t, row.Define(nnopt.Le(nnopt.Sum(nnopt.Mul(w, x), i), nnopt.Const(1000.5))))
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: []*nnopt.Equation{row}, Problem: nnopt.MIP, Sense: nnopt.Maximize, Objective: nnopt.Sum(nnopt.Mul(w, x), i)})
	if err != nil {
		t.Fatal(err)
	}
	copy(x.L, []float64{10, 10, 10, 10, 0, 0}) // 830, feasible
	if err := m.Solve(context.Background(), nnopt.Options{MIP: nnopt.MIPOptions{Start: true}}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal || math.Abs(m.ObjectiveValue-1000) > 1e-6 {
		t.Errorf("%v, objective %g; want optimal 1000", m.Status, m.ObjectiveValue)
	}
	// A cutoff past the optimum leaves no solution; one below it, with a
	// solution limit of 1, stops at a solution above the cutoff.
	if err := m.Solve(context.Background(), nnopt.Options{MIP: nnopt.MIPOptions{UseCutoff: true, Cutoff: 1000.75}}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusIntegerInfeasible {
		t.Errorf("cutoff 1000.75: %v, want %v", m.Status, nnopt.StatusIntegerInfeasible)
	}
	if err := m.Solve(context.Background(), nnopt.Options{MIP: nnopt.MIPOptions{UseCutoff: true, Cutoff: 900, SolutionLimit: 1}}); err != nil {
		t.Fatal(err)
	}
	if (m.Status != nnopt.StatusInteger && m.Status != nnopt.StatusOptimal) || !(m.ObjectiveValue > 900) {
		t.Errorf("cutoff 900, one solution: %v, objective %g", m.Status, m.ObjectiveValue)
	}
	for _, tc := range []struct {
		mip  nnopt.MIPOptions
		want string
	}{
		{nnopt.MIPOptions{RelativeGap: -1}, "relative optimality gap"},
		{nnopt.MIPOptions{AbsoluteGap: math.Inf(1)}, "absolute optimality gap"},
		{nnopt.MIPOptions{NodeLimit: -2}, "node limit"},
		{nnopt.MIPOptions{UseCutoff: true, Cutoff: math.NaN()}, "cutoff"},
		{nnopt.MIPOptions{SolutionLimit: -1}, "solution limit"},
	} {
		if err := m.Solve(context.Background(), nnopt.Options{MIP: tc.mip}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v", tc.mip, err)
		}
	}
}

// TestDiceCbc solves the reference's DICE model (the MIP of its solve trace
// example, solver-usage.txt: best found 21, best bound 21): three dice of six
// faces, the faces' values in [1, 18] and increasing on each die, comp(d,f,fp) = 1
// when face f of die d beats face fp of the next die (circularly) by at least 1;
// every die beats the next in wnx of the 36 face pairs, and wnx is maximised. The
// optimum is 21 of 36: non-transitive dice.
func TestDiceCbc(t *testing.T) {
	needCOIN(t)
	if testing.Short() {
		t.Skip("-short: Cbc proves the DICE optimum in seconds to a minute")
	}
	c := nnopt.NewContainer()
	dice := c.NewSet("dice", "dice1", "dice2", "dice3")
	f := c.NewSet("f", "face1", "face2", "face3", "face4", "face5", "face6")
	fp, dp := c.NewAlias("fp", f), c.NewAlias("dp", dice)
	const flo, fup = 1, 18 // card(dice) * card(f)
	next := c.NewParameter("next", dice, dp)
	for d := range dice.Len() {
		next.Values[d*dice.Len()+(d+1)%dice.Len()] = 1
	}
	wnx := c.NewVariable("wnx", nnopt.Free)
	fval := c.NewVariable("fval", nnopt.Positive, dice, f)
	comp := c.NewVariable("comp", nnopt.Binary, dice, f, fp)
	for k := range fval.Lo {
		fval.Lo[k], fval.Up[k] = flo, fup
	}
	fval.Up[0] = flo // dice1's first face is the lowest value
	count := c.NewEquation("count", dice)
	beats := c.NewEquation("beats", dice, f, fp)
	order := c.NewEquation("order", dice, f)
	must(t, count.Define(nnopt.Eq(nnopt.Sum(comp, f, fp), wnx)))
	must(t, beats.Define(nnopt.Ge(nnopt.Add(fval, nnopt.Mul(nnopt.Const(fup-flo+1), nnopt.Sub(nnopt.Const(1), comp))),
		nnopt.Add(nnopt.Sum(nnopt.Mul(next, fval.At(dp, fp)), dp), nnopt.Const(1)))))
	must(t, order.Define(nnopt.Le(nnopt.Add(nnopt.Lag(fval, f, 1), nnopt.Const(1)), fval)))
	m, err := c.NewModel("xdice", nnopt.ModelSpec{Equations: []*nnopt.Equation{count, beats, order}, Problem: nnopt.MIP, Sense: nnopt.Maximize, Objective: wnx})
	must(t, err)
	if err := m.Solve(context.Background(), nnopt.Options{TimeLimit: 5 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%v, wnx %g, bound %g, %d nodes, %.1f s", m.Status, m.ObjectiveValue, m.ObjectiveEstimate, m.NumNodes, m.SolveModelTime)
	if m.Status != nnopt.StatusOptimal || m.ObjectiveValue != 21 || math.Abs(m.ObjectiveEstimate-21) > 1e-6 {
		t.Fatalf("%v, wnx %g, bound %g; want optimal 21", m.Status, m.ObjectiveValue, m.ObjectiveEstimate)
	}
	// The dice's values are increasing and each die beats the next on 21 pairs.
	for d := range dice.Len() {
		n, wins := (d+1)%dice.Len(), 0
		for a := range f.Len() {
			if a > 0 && fval.L[d*6+a] < fval.L[d*6+a-1]+1-1e-6 {
				t.Errorf("die %d: faces %v not increasing", d, fval.L[d*6:d*6+6])
			}
			for b := range f.Len() {
				if fval.L[d*6+a] >= fval.L[n*6+b]+1-1e-6 {
					wins++
				}
			}
		}
		if wins < 21 {
			t.Errorf("die %d (%v) beats die %d (%v) on %d pairs, want 21", d, fval.L[d*6:d*6+6], n, fval.L[n*6:n*6+6], wins)
		}
	}
}

// TestCutsCallback: Options.Cuts is called with the node's LP solution in the
// levels, and its cuts reach Cbc's LP: after a cut x(j) ≤ 0 on an item the
// first node's LP takes, no later node's solution takes it; the solution is a
// feasible packing. A cut naming a variable outside the model is an error.
func TestCutsCallback(t *testing.T) {
	needCOIN(t)
	c := nnopt.NewContainer()
	labels := make([]string, 40)
	for k := range labels {
		labels[k] = fmt.Sprintf("i%d", k)
	}
	i := c.NewSet("i", labels...)
	x := c.NewVariable("x", nnopt.Binary, i)
	w := c.NewParameter("w", i)
	rnd := rand.New(rand.NewPCG(9, 9))
	total := 0.0
	for k := range w.Values {
		w.Values[k] = float64(20 + rnd.IntN(80))
		total += w.Values[k]
	}
	row := c.NewEquation("row")
	must(t, row.Define(nnopt.Le(nnopt.Sum(nnopt.Mul(w, x), i), nnopt.Const(math.Floor(total/2)+0.5))))
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: []*nnopt.Equation{row}, Problem: nnopt.MIP, Sense: nnopt.Maximize,
		Objective: nnopt.Sum(nnopt.Mul(nnopt.Add(w, nnopt.Const(10)), x), i)})
	must(t, err)
	item, calls, after := -1, 0, 0
	cuts := func() []nnopt.Cut {
		calls++
		if item < 0 {
			item = slices.IndexFunc(x.L, func(v float64) bool { return v > 1e-3 })
		} else if x.L[item] > 1e-7 {
			after++
		}
		if item < 0 {
			return nil
		}
		return []nnopt.Cut{{Terms: []nnopt.CutTerm{{Var: x, Elem: item, Coef: 1}}, Sense: nnopt.LE, RHS: 0}}
	}
	if err := m.Solve(context.Background(), nnopt.Options{Cuts: cuts, MIP: nnopt.MIPOptions{NodeLimit: 20}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%v, objective %g, %d calls, cut on item %d", m.Status, m.ObjectiveValue, calls, item)
	if item < 0 || calls < 2 || after > 0 {
		t.Errorf("the cut on item %d: %d calls, %d of them with x > 0 after it", item, calls, after)
	}
	wt := 0.0
	for k, l := range x.L {
		wt += l * w.Values[k]
	}
	if wt > math.Floor(total/2)+0.5+1e-6 {
		t.Errorf("the solution weighs %g over the capacity %g", wt, math.Floor(total/2))
	}
	other := c.NewVariable("other", nnopt.Free)
	bad := func() []nnopt.Cut {
		return []nnopt.Cut{{Terms: []nnopt.CutTerm{{Var: other, Elem: 0, Coef: 1}}, Sense: nnopt.LE, RHS: 0}}
	}
	if err := m.Solve(context.Background(), nnopt.Options{Cuts: bad, MIP: nnopt.MIPOptions{NodeLimit: 20}}); err == nil || !strings.Contains(err.Error(), `"other" is not in the model`) {
		t.Errorf("a cut on a variable outside the model: %v", err)
	}
}
