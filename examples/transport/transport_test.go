package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/solvers/coin"
)

func Example() {
	t, err := build(1, false)
	if err != nil {
		panic(err)
	}
	// nnopt's method, named: the iteration count is the solver's own, and the
	// default LP solver is Clp only where it is installed.
	if err := t.M.Solve(context.Background(), nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: nnopt.SolverName}}); err != nil {
		panic(err)
	}
	t.report(os.Stdout)
	// Output:
	// status Optimal (Normal Completion), objective 153.675, 4 iterations
	// from       to            cases  marginal
	// seattle    new-york     50.000     0.000
	// seattle    chicago     300.000     0.000
	// seattle    topeka        0.000     0.036
	// san-diego  new-york    275.000     0.000
	// san-diego  chicago       0.000     0.009
	// san-diego  topeka      275.000     0.000
	// supply(seattle) marginal 0.000
	// supply(san-diego) marginal 0.000
	// demand(new-york) marginal 0.225
	// demand(chicago) marginal 0.153
	// demand(topeka) marginal 0.126
}

// TestStatuses covers the optimal, infeasible and unbounded variants, with
// nnopt's method and with the default LP solver (Clp where it loads). nnopt's
// method writes back its last point, phase 1's for an infeasible LP, whose
// infeasibilities are checked; Clp returns no point for either.
func TestStatuses(t *testing.T) {
	for _, solver := range []string{nnopt.SolverName, "default"} {
		t.Run(solver, func(t *testing.T) { testStatuses(t, solver) })
	}
}

func testStatuses(t *testing.T, solver string) {
	var opt nnopt.Options
	if solver != "default" {
		opt.Solvers = map[nnopt.Problem]string{nnopt.LP: solver}
	}
	tests := []struct {
		name   string
		bmult  float64
		free   bool
		status nnopt.ModelStatus
		obj    float64 // optimal objective, or the sum of infeasibilities
	}{
		{"optimal", 1, false, nnopt.StatusOptimal, 153.675},
		{"demand 10% lower", 0.9, false, nnopt.StatusOptimal, 0.9 * 153.675},
		// Supply 950, demand 1800: phase 1 ends with 850 cases missing.
		{"infeasible", 2, false, nnopt.StatusInfeasible, 850},
		{"unbounded", 1, true, nnopt.StatusUnbounded, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := build(tc.bmult, tc.free)
			if err != nil {
				t.Fatal(err)
			}
			m := tr.M
			if err := m.Solve(context.Background(), opt); err != nil {
				t.Fatal(err)
			}
			if m.Status != tc.status || m.SolveStatus != nnopt.SolveNormal {
				t.Fatalf("status %v (%v), want %v (normal completion)", m.Status, m.SolveStatus, tc.status)
			}
			if solver != nnopt.SolverName && tc.status != nnopt.StatusOptimal {
				return // only nnopt's method returns a point here
			}
			switch tc.status {
			case nnopt.StatusOptimal:
				if math.Abs(m.ObjectiveValue-tc.obj) > 1e-6*tc.obj {
					t.Errorf("objective %.10g, want %.10g", m.ObjectiveValue, tc.obj)
				}
				if m.NumInfeasibilities != 0 || m.MaxInfeasibility > 1e-9 {
					t.Errorf("optimal with %d infeasibilities (max %g)", m.NumInfeasibilities, m.MaxInfeasibility)
				}
			case nnopt.StatusInfeasible:
				if m.NumInfeasibilities == 0 || math.Abs(m.SumInfeasibilities-tc.obj) > 1e-6 || m.MaxInfeasibility <= 0 || m.MaxInfeasibility > m.SumInfeasibilities {
					t.Errorf("infeasibilities: %d rows, sum %g (want %g), max %g", m.NumInfeasibilities, m.SumInfeasibilities, tc.obj, m.MaxInfeasibility)
				}
				// The equations' levels show the same shortfall.
				short := 0.0
				for _, r := range tr.Demand.L {
					short += math.Max(-r, 0)
				}
				for _, r := range tr.Supply.L {
					short += math.Max(r, 0)
				}
				if math.Abs(short-tc.obj) > 1e-6 {
					t.Errorf("rows' levels violate by %g in all, want %g", short, tc.obj)
				}
			case nnopt.StatusUnbounded:
				if !(m.ObjectiveValue < -1e20) {
					t.Errorf("unbounded with objective %g", m.ObjectiveValue)
				}
			}
		})
	}
}

// TestIterationLimit stops nnopt's method early: an iteration interrupt, with the
// point and its infeasibility written back.
func TestIterationLimit(t *testing.T) {
	tr, err := build(1, false)
	if err != nil {
		t.Fatal(err)
	}
	m := tr.M
	if err := m.Solve(context.Background(), nnopt.Options{IterationLimit: 3, Solvers: map[nnopt.Problem]string{nnopt.LP: nnopt.SolverName}}); err != nil {
		t.Fatal(err)
	}
	if m.SolveStatus != nnopt.SolveIterationInterrupt || m.NumIterations != 3 {
		t.Fatalf("%v after %d iterations, want an iteration interrupt after 3", m.SolveStatus, m.NumIterations)
	}
	want := nnopt.StatusFeasibleIntermediate
	if m.NumInfeasibilities > 0 {
		want = nnopt.StatusInfeasibleIntermediate
	}
	if m.Status != want {
		t.Errorf("status %v with %d infeasibilities", m.Status, m.NumInfeasibilities)
	}
}

// TestMarginalsMatchGLPK writes the model as an LP file, solves it with glpsol and
// compares the objective, the supply and demand marginals and the reduced costs of
// the shipments with nnopt's method's and with Clp's (Options.Solvers LP: clp).
func TestMarginalsMatchGLPK(t *testing.T) {
	if _, err := glpk.Path(); err != nil {
		t.Skipf("%v; marginals not cross-checked", err)
	}
	tr, err := build(1, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "transport.lp")
	if err := tr.M.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	sol, err := glpk.Solve(path, "--lp")
	if err != nil {
		t.Fatal(err)
	}
	if sol.Status != "ff" {
		t.Fatalf("glpsol: solution status %q, want feasible (ff)", sol.Status)
	}
	// nnopt's own method, and COIN-OR Clp where it is installed.
	solvers := []string{nnopt.SolverName}
	if _, _, err := coin.LoadClp(); err == nil {
		solvers = append(solvers, "clp")
	} else {
		t.Logf("Clp not cross-checked: %v", err)
	}
	for _, solver := range solvers {
		opt := nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: solver}}
		if err := tr.M.Solve(context.Background(), opt); err != nil {
			t.Fatal(err)
		}
		if math.Abs(sol.Objective-tr.M.ObjectiveValue) > 1e-6*math.Abs(sol.Objective) {
			t.Errorf("%s: objective %.10g, glpsol %.10g", solver, tr.M.ObjectiveValue, sol.Objective)
		}
		name := func(s string) string { return strings.ReplaceAll(s, "-", "_") }
		check := func(what string, got float64, key string, from map[string]float64) {
			want, ok := from[key]
			if !ok {
				t.Errorf("glpsol has no %s", key)
				return
			}
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%s: %s %s: %.12g, glpsol %.12g", solver, what, key, got, want)
			}
		}
		for p, l := range tr.I.Labels() {
			check("marginal", tr.Supply.M[p], "supply("+name(l)+")", sol.RowDual)
		}
		for q, l := range tr.J.Labels() {
			check("marginal", tr.Demand.M[q], "demand("+name(l)+")", sol.RowDual)
		}
		for p, from := range tr.I.Labels() {
			for q, to := range tr.J.Labels() {
				key := "x(" + name(from) + "," + name(to) + ")"
				check("level", tr.X.L[p*tr.J.Len()+q], key, sol.ColPrimal)
				check("reduced cost", tr.X.M[p*tr.J.Len()+q], key, sol.ColDual)
			}
		}
	}
}
