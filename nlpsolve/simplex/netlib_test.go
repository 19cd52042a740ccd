package simplex

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/lpfile"
)

// fromProgram is the LP of an MPS file's program, with its objective constant
// left out and a maximisation negated.
func fromProgram(tb testing.TB, prog *lpfile.Program) *Problem {
	n, m := len(prog.Columns), len(prog.Rows)
	p := &Problem{N: n, M: m, C: make([]float64, n), Lo: make([]float64, n), Up: make([]float64, n),
		RowLo: make([]float64, m), RowUp: make([]float64, m), ColPtr: make([]int, n+1)}
	sign := 1.0
	if prog.Maximize {
		sign = -1
	}
	for _, e := range prog.Costs {
		p.C[e.Index] += sign * e.Coef
	}
	if prog.Objective.Coef != 0 {
		p.C[prog.Objective.Index] += sign * prog.Objective.Coef
	}
	for j, c := range prog.Columns {
		if c.Kind != lpfile.Continuous {
			tb.Fatalf("column %s is not continuous", c.Name)
		}
		p.Lo[j], p.Up[j] = c.Lo, c.Up
	}
	type ent struct {
		i int
		v float64
	}
	cols := make([][]ent, n)
	for i, r := range prog.Rows {
		p.RowLo[i], p.RowUp[i] = r.Bounds()
		for _, e := range r.Entries {
			if e.Coef != 0 {
				cols[e.Index] = append(cols[e.Index], ent{i, e.Coef})
			}
		}
	}
	for j, c := range cols {
		for _, e := range c {
			p.RowIdx = append(p.RowIdx, e.i)
			p.Val = append(p.Val, e.v)
		}
		p.ColPtr[j+1] = len(p.RowIdx)
	}
	return p
}

// TestNetlib solves every shared netlib LP to its published optimum.
func TestNetlib(t *testing.T) {
	dir := testdata.NetlibDir(t)
	opt, err := testdata.NetlibOptima(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.mps.gz"))
	if len(files) == 0 {
		t.Skip("no netlib LPs")
	}
	only := os.Getenv("SIMPLEX_NETLIB")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".mps.gz")
		if only != "" && !strings.Contains(only, name) {
			continue
		}
		prog, err := lpfile.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p := fromProgram(t, prog)
		start := time.Now()
		res, err := Solve(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := res.Objective
		if prog.Maximize {
			got = -got
		}
		want := opt[name]
		if name == "scagr7" {
			// The shared file's figure; netlib's readme gives CPLEX's -2.3313898243E+06
			// beside it, which the exact optimum matches.
			want = -2.3313898243e6
		}
		t.Logf("%-9s %v %6d it (%5d ph1) %8v obj %.12g want %.12g rel %.1e", name, res.Status, res.Iterations, res.Phase1Iter, time.Since(start).Round(time.Microsecond), got, want, (got-want)/math.Abs(want))
		if res.Status != Optimal || math.Abs(got-want) > 1e-8*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: %v, objective %.12g, want optimal %.12g", name, res.Status, got, want)
		}
	}
}
