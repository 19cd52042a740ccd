package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/lpfile"
)

// want is the solution of one example, worked out by hand (see the package doc).
type want struct {
	obj          float64
	levels, vmar []float64 // per variable
	emar         []float64 // per equation
	rows         []string  // the rows the scaled solve's log shows
	ranges       []string  // its coefficient range lines, before and after
	lpRows       []string  // rows of the scaled LP file
}

var wants = map[string]want{
	"a": {obj: 11, levels: []float64{0.01, 6}, vmar: []float64{100, 0}, emar: []float64{2},
		rows: []string{"eq: 2*x1 + 5*x2 <= 5"},
		ranges: []string{
			"before scaling: largest |coefficient| 200 in row eq, column x1; smallest 0.5 in row eq, column x2; ratio 400",
			"after scaling:  largest |coefficient| 5 in row eq, column x2; smallest 2 in row eq, column x1; ratio 2.5"},
		lpRows: []string{" eq: + 2 x1 + 5 x2 <= 5\n", " x1 <= 1\n", " x2 <= 1\n", " a: + a_objective\n"}},
	"b": {obj: 29.0 / 11, levels: []float64{26.0 / 11, 3.0 / 11}, vmar: []float64{0, 0}, emar: []float64{7.0 / 1100, -1.0 / 11},
		rows: []string{"eq1: 2*y1 + 1*y2 <= 5", "eq2: 3*y1 - 4*y2 >= 6"},
		ranges: []string{
			"before scaling: largest |coefficient| 200 in row eq1, column y1; smallest 3 in row eq2, column y1; ratio 66.66666667",
			"after scaling:  largest |coefficient| 4 in row eq2, column y2; smallest 1 in row eq1, column y2; ratio 4"},
		lpRows: []string{" eq1: + 2 y1 + y2 <= 5\n", " eq2: + 3 y1 - 4 y2 >= 6\n"}},
	"c": {obj: 2.2, levels: []float64{0.18, 0.4}, vmar: []float64{0, 0}, emar: []float64{0.12, -0.04},
		rows: []string{"eq1: 2*x1 + 1*x2 >= 4", "eq2: 1*x1 - 2*x2 <= 1"},
		ranges: []string{
			"before scaling: largest |coefficient| 100 in row eq1, column x1; smallest 5 in row eq1, column x2; ratio 20",
			"after scaling:  largest |coefficient| 2 in row eq1, column x1; smallest 1 in row eq2, column x1; ratio 2"},
		lpRows: []string{" eq1: + 2 x1 + x2 >= 4\n", " eq2: + x1 - 2 x2 <= 1\n", " 0 <= x1 <= 2\n", " 0 <= x2 <= 1.5\n"}},
}

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// TestScaledAndUnscaledAgree solves every example with and without its scales: both
// reach the hand-computed optimum (levels, objective, marginals of rows and
// variables to 1e-9 relative), and the scaled solve's log shows the coefficient
// ranges and the rows the reference says the solver sees; the unscaled one's shows
// no scaling.
func TestScaledAndUnscaledAgree(t *testing.T) {
	for _, build := range builders {
		for _, scaled := range []bool{false, true} {
			ex, err := build(scaled)
			if err != nil {
				t.Fatal(err)
			}
			w := wants[ex.Name]
			var log bytes.Buffer
			if err := ex.solve(&log); err != nil {
				t.Fatalf("%s scaled=%v: %v", ex.Name, scaled, err)
			}
			if ex.M.Status.String() != "Optimal" || !near(ex.M.ObjectiveValue, w.obj) || ex.M.MaxInfeasibility > 1e-9 {
				t.Errorf("%s scaled=%v: %v, objective %.12g (want %.12g), infeasibility %g", ex.Name, scaled, ex.M.Status, ex.M.ObjectiveValue, w.obj, ex.M.MaxInfeasibility)
			}
			for i, v := range ex.Vars {
				if !near(v.L[0], w.levels[i]) || !near(v.M[0], w.vmar[i]) {
					t.Errorf("%s scaled=%v: %s level %.12g marginal %.12g, want %.12g and %.12g", ex.Name, scaled, v.Name(), v.L[0], v.M[0], w.levels[i], w.vmar[i])
				}
			}
			for i, e := range ex.Eqs {
				if !near(e.M[0], w.emar[i]) {
					t.Errorf("%s scaled=%v: %s marginal %.12g, want %.12g", ex.Name, scaled, e.Name(), e.M[0], w.emar[i])
				}
			}
			text := log.String()
			if !scaled {
				if strings.Contains(text, "scaling") {
					t.Errorf("%s unscaled: the log mentions scaling:\n%s", ex.Name, text)
				}
				continue
			}
			for _, s := range append(append([]string(nil), w.ranges...), w.rows...) {
				if !strings.Contains(text, s) {
					t.Errorf("%s scaled: log lacks %q:\n%s", ex.Name, s, text)
				}
			}
		}
	}
}

// TestRun runs the command's checks and writes its LP files.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(&out, dir); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, name := range []string{"a.lp", "a_scaled.lp", "b.lp", "b_scaled.lp", "c.lp", "c_scaled.lp"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

// TestScaledLPMatchesGLPK writes every scaled example as an LP file, checks its rows
// and bounds are the reference's scaled model, and solves it with glpsol when that is
// installed: glpsol's column values times the scales are nnopt's levels, its row duals
// divided by the equations' scales nnopt's marginals, its objective nnopt's.
func TestScaledLPMatchesGLPK(t *testing.T) {
	_, glpErr := glpk.Path()
	for _, build := range builders {
		ex, err := build(true)
		if err != nil {
			t.Fatal(err)
		}
		w := wants[ex.Name]
		p, err := ex.M.LinearProgram(nnopt.LPOptions{Scaled: true})
		if err != nil {
			t.Fatal(err)
		}
		var lp bytes.Buffer
		if err := lpfile.WriteLP(&lp, p); err != nil {
			t.Fatal(err)
		}
		for _, s := range w.lpRows {
			if !strings.Contains(lp.String(), s) {
				t.Errorf("%s: scaled LP lacks %q:\n%s", ex.Name, s, lp.String())
			}
		}
		if glpErr != nil {
			continue
		}
		path := filepath.Join(t.TempDir(), ex.Name+".lp")
		if err := os.WriteFile(path, lp.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		sol, err := glpk.Solve(path, "--lp")
		if err != nil {
			t.Fatal(err)
		}
		if sol.Status != "ff" {
			t.Fatalf("%s: glpsol solution status %q, want feasible (ff)", ex.Name, sol.Status)
		}
		if !near(sol.Objective, w.obj) {
			t.Errorf("%s: glpsol objective %.12g, want %.12g", ex.Name, sol.Objective, w.obj)
		}
		for i, v := range ex.Vars {
			x, ok := sol.ColPrimal[v.Name()]
			if !ok || !near(x*v.Scale[0], w.levels[i]) || !near(sol.ColDual[v.Name()]/v.Scale[0], w.vmar[i]) {
				t.Errorf("%s: glpsol %s = %g (reduced cost %g) at scale %g, want level %g, marginal %g", ex.Name, v.Name(), x, sol.ColDual[v.Name()], v.Scale[0], w.levels[i], w.vmar[i])
			}
		}
		for i, e := range ex.Eqs {
			y, ok := sol.RowDual[e.Name()]
			if !ok || !near(y/e.Scale[0], w.emar[i]) {
				t.Errorf("%s: glpsol dual of %s %g at scale %g, want marginal %g", ex.Name, e.Name(), y, e.Scale[0], w.emar[i])
			}
		}
	}
	if glpErr != nil {
		t.Skipf("%v; the scaled LP files were checked but not solved", glpErr)
	}
}
