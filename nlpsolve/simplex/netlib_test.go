package simplex

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt/internal/glpk"
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

// TestNetlibAgainstGlpsol checks every shared netlib LP's solution by its
// optimality conditions (checkKKT, relative to the data's size) and its objective
// against glpsol's on the same file, and on the LPs in crossCheck every dual and
// every reduced cost too (the others are dual degenerate: glpsol's basis has other,
// equally optimal, multipliers).
func TestNetlibAgainstGlpsol(t *testing.T) {
	dir := testdata.NetlibDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.mps.gz"))
	if len(files) == 0 {
		t.Skip("no netlib LPs")
	}
	_, glpErr := glpk.Path()
	crossCheck := map[string]bool{"adlittle": true, "israel": true, "kb2": true, "sc50b": true, "scagr7": true}
	tmp := t.TempDir()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".mps.gz")
		prog, err := lpfile.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p := fromProgram(t, prog)
		res, err := Solve(p, nil)
		if err != nil || res.Status != Optimal {
			t.Fatalf("%s: %v, %v", name, res.Status, err)
		}
		// The optimality conditions in the units of the data: the tolerance
		// scales with the largest cost and bound.
		big := 1.0
		for j := range p.C {
			big = math.Max(big, math.Abs(p.C[j]))
		}
		t.Run(name+"/kkt", func(t *testing.T) { checkKKT(t, p, res, 1e-6*big) })
		if glpErr != nil {
			continue
		}
		plain := filepath.Join(tmp, name+".mps")
		if err := testdata.Gunzip(f, plain); err != nil {
			t.Fatal(err)
		}
		s, err := glpk.Solve(plain, "--mps")
		if err != nil {
			t.Fatal(err)
		}
		sign := 1.0
		if prog.Maximize {
			sign = -1
		}
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-7*(1+math.Abs(b)) }
		if !close(sign*res.Objective, s.Objective-prog.ObjConstant) && !close(sign*res.Objective, s.Objective+prog.ObjConstant) {
			t.Errorf("%s: objective %.12g, glpsol %.12g", name, sign*res.Objective, s.Objective)
		}
		if !crossCheck[name] {
			continue
		}
		for i, r := range prog.Rows {
			if g, ok := s.RowDual[r.Name]; !ok || !close(sign*res.Duals[i], g) {
				t.Errorf("%s: dual of row %s = %.12g, glpsol %.12g (%v)", name, r.Name, sign*res.Duals[i], g, ok)
			}
		}
		for j, c := range prog.Columns {
			if g, ok := s.ColDual[c.Name]; !ok || !close(sign*res.ReducedCosts[j], g) {
				t.Errorf("%s: reduced cost of %s = %.12g, glpsol %.12g (%v)", name, c.Name, sign*res.ReducedCosts[j], g, ok)
			}
		}
	}
}
