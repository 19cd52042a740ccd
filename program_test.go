package nnopt_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/lpfile"
	"github.com/nnopt/nnopt/solvers/coin"
)

var inf = math.Inf(1)

// rangedProgram: min 2a - b + e/8 - 3.25 over 1 <= a+b <= 4, -4 <= b-2c <= -2.5,
// 1 <= d+e <= 3, -1 <= a-d <= 1, b <= 2, c = 1, -1 <= d <= 7, 0 <= e <= 1, a >= 0;
// optimum 0.25 at a = 1.5, b = -0.5.
func rangedProgram() *lpfile.Program {
	e := func(col int, coef float64) lpfile.Entry { return lpfile.Entry{Index: col, Coef: coef} }
	return &lpfile.Program{
		Name:        "ranged",
		ObjConstant: -3.25,
		Columns: []lpfile.Column{
			{Name: "a", Up: inf}, {Name: "b", Lo: -inf, Up: 2}, {Name: "c", Lo: 1, Up: 1},
			{Name: "d", Lo: -1, Up: 7}, {Name: "e", Up: 1}, {Name: "f", Lo: -inf, Up: inf},
		},
		Costs: []lpfile.Entry{e(0, 2), e(1, -1), e(4, 0.125)},
		Rows: []lpfile.Row{
			{Name: "le", Rel: lpfile.LE, RHS: 4, Range: 3, Entries: []lpfile.Entry{e(0, 1), e(1, 1)}},
			{Name: "ge", Rel: lpfile.GE, RHS: -4, Range: -1.5, Entries: []lpfile.Entry{e(1, 1), e(2, -2)}},
			{Name: "eqpos", Rel: lpfile.EQ, RHS: 1, Range: 2, Entries: []lpfile.Entry{e(3, 1), e(4, 1)}},
			{Name: "eqneg", Rel: lpfile.EQ, RHS: 1, Range: -2, Entries: []lpfile.Entry{e(0, 1), e(3, -1)}},
			{Name: "fix", Rel: lpfile.EQ, RHS: 1, Entries: []lpfile.Entry{e(2, 1)}},
			{Name: "cap", Rel: lpfile.LE, RHS: 10, Entries: []lpfile.Entry{e(0, 1), e(5, 1)}},
			{Name: "floor", Rel: lpfile.GE, RHS: -10, Entries: []lpfile.Entry{e(5, 1)}},
		},
	}
}

// TestAddProgram: the program as a model of the algebra, with its ranged rows as two
// inequalities, solved to its optimum.
func TestAddProgram(t *testing.T) {
	c := nnopt.NewContainer()
	m, err := c.AddProgram("ranged", rangedProgram())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"rows": 7, "rowE": 1, "rowL": 5, "rowG": 5, "cols": 6} {
		if s, ok := c.Lookup(name).(*nnopt.Set); !ok || s.Len() != want {
			t.Errorf("set %s: %v, want %d elements", name, c.Lookup(name), want)
		}
	}
	x := c.Lookup("x").(*nnopt.Variable)
	if x.Lo[1] != math.Inf(-1) || x.Up[1] != 2 || x.Lo[2] != 1 || x.Up[2] != 1 || x.Type != nnopt.Free {
		t.Errorf("x: type %v, bounds %v %v", x.Type, x.Lo, x.Up)
	}
	if a := c.Lookup("A").(*nnopt.Parameter); !a.Sparse() || len(a.Values) != 12 {
		t.Errorf("A: sparse %v, %d records, want 12", a.Sparse(), len(a.Values))
	}
	st, err := m.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	// 7 rows, 4 of them ranged, and the objective's row; 12 coefficients, 4 ranged
	// rows' 8 again, 3 costs and the objective variable.
	if st.Constraints != 7+4+1 || st.JacobianNonzeros != 12+8+3+1 || st.Variables != 6+1 {
		t.Errorf("statistics: %d rows, %d nonzeros, %d variables; want 12, 24, 7", st.Constraints, st.JacobianNonzeros, st.Variables)
	}
	if err := m.Solve(context.Background(), nnopt.Options{TimeLimit: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal || math.Abs(m.ObjectiveValue-0.25) > 1e-9 || math.Abs(x.L[0]-1.5) > 1e-9 || math.Abs(x.L[1]+0.5) > 1e-9 {
		t.Errorf("status %v, objective %g, x %v; want optimal, 0.25, a = 1.5, b = -0.5", m.Status, m.ObjectiveValue, x.L)
	}

	// Maximised, with the objective as one column (a model's program).
	p := rangedProgram()
	p.Maximize, p.Costs, p.Objective, p.ObjConstant = true, nil, lpfile.Entry{Index: 0, Coef: 1}, 0
	m, err = nnopt.NewContainer().AddProgram("max", p)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{TimeLimit: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	// max a: a + b <= 4 with b >= -2 (b - 2 >= -4), a - d <= 1 with d <= 3.
	if m.Sense() != nnopt.Maximize || m.Status != nnopt.StatusOptimal || math.Abs(m.ObjectiveValue-4) > 1e-9 {
		t.Errorf("sense %v, status %v, objective %g; want max, optimal, 4", m.Sense(), m.Status, m.ObjectiveValue)
	}
}

// TestAddProgramKinds: integer and binary columns are variables of their own types
// over sets of their own, and the model is a MIP.
func TestAddProgramKinds(t *testing.T) {
	p := rangedProgram()
	p.Columns[3].Kind, p.Columns[4].Kind, p.Columns[4].Up = lpfile.Integer, lpfile.Binary, 1
	c := nnopt.NewContainer()
	m, err := c.AddProgram("kinds", p)
	if err != nil {
		t.Fatal(err)
	}
	xi, xb := c.Lookup("xi").(*nnopt.Variable), c.Lookup("xb").(*nnopt.Variable)
	if xi.Type != nnopt.Integer || xi.Size() != 1 || xi.Lo[0] != -1 || xi.Up[0] != 7 || xb.Type != nnopt.Binary || xb.Size() != 1 {
		t.Errorf("xi %v [%v, %v], xb %v", xi.Type, xi.Lo, xi.Up, xb.Type)
	}
	if c.Lookup("x").(*nnopt.Variable).Size() != 4 || c.Lookup("Ai").(*nnopt.Parameter).Sparse() != true {
		t.Error("x should hold the 4 continuous columns and Ai be sparse")
	}
	if _, _, err := coin.LoadCbc(); err == nil { // a MIP goes to Cbc
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil || m.SolveStatus != nnopt.SolveNormal {
			t.Errorf("solving the MIP: %v, %v %v", err, m.Status, m.SolveStatus)
		}
	}
	st, err := m.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	if st.Constraints != 12 || st.JacobianNonzeros != 24 || st.Variables != 7 {
		t.Errorf("statistics %+v; want the LP's 12 rows, 24 nonzeros, 7 variables", st)
	}
}

func TestAddProgramErrors(t *testing.T) {
	for _, tc := range []struct {
		change func(c *nnopt.Container, p *lpfile.Program)
		want   string
	}{
		{func(c *nnopt.Container, p *lpfile.Program) { p.Rows[1].RHS = math.NaN() }, `nnopt: model "m": lpfile: program "ranged": row 1 (ge) has right-hand side NaN`},
		{func(c *nnopt.Container, p *lpfile.Program) { p.Rows[1].Name = "le" }, `nnopt: model "m": nnopt: set "rows": duplicate element "le"`},
		{func(c *nnopt.Container, p *lpfile.Program) { p.Columns[1].Name = "a" }, `set "cols": duplicate element "a"`},
		{func(c *nnopt.Container, p *lpfile.Program) { c.NewSet("eqL") }, `"eqL"`},
		{func(c *nnopt.Container, p *lpfile.Program) { c.NewSet("m") }, `model name "m" is empty or already used`},
	} {
		c, p := nnopt.NewContainer(), rangedProgram()
		tc.change(c, p)
		if m, err := c.AddProgram("m", p); err == nil || m != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("model %v, error %v; want %q", m, err, tc.want)
		}
	}
	if _, _, err := nnopt.ReadModel("none.lp"); err == nil || !strings.Contains(err.Error(), "reading LP files is not supported") {
		t.Errorf("ReadModel of an LP file: %v", err)
	}
}

// solvedNetlib are the netlib LPs nnopt solves with its default settings: all of
// the shared ones (the general method hands them to its simplex method).
var solvedNetlib = []string{"afiro", "sc50a", "sc50b", "blend", "kb2", "adlittle", "share2b", "sc105",
	"stocfor1", "recipe", "scagr7", "sc205", "israel", "lotfi", "vtpbase", "boeing2", "bandm", "brandy",
	"capri", "e226", "scfxm1", "degen2", "agg", "stair", "ship04s", "bore3d", "tuff"}

// TestNetlibModels reads every netlib LP into a model: its statistics count the
// program's rows and nonzeros (a ranged row twice) and the objective's row. The LPs
// in solvedNetlib (in -short mode the first eight) are solved to the published
// optimum within 1e-6 relative (without the objective constant, which netlib's
// values leave out), and with glpsol installed, the model's MPS file solved by
// glpsol has nnopt's optimum.
func TestNetlibModels(t *testing.T) {
	dir := testdata.NetlibDir(t)
	opt, err := testdata.NetlibOptima(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.mps.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no netlib files in %s (%v)", dir, err)
	}
	solve := map[string]bool{}
	for k, name := range solvedNetlib {
		solve[name] = k < 8 || !testing.Short()
	}
	_, glpErr := glpk.Path()
	for _, path := range files {
		p, err := lpfile.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := nnopt.ReadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		name := m.Name()
		rows, nonzeros := len(p.Rows)+1, len(p.Costs)+1
		for _, r := range p.Rows {
			nonzeros += len(r.Entries)
			if r.Range != 0 {
				rows, nonzeros = rows+1, nonzeros+len(r.Entries)
			}
		}
		st, err := m.Statistics()
		if err != nil {
			t.Fatal(err)
		}
		if st.Constraints != rows || st.JacobianNonzeros != nonzeros || st.Variables != len(p.Columns)+1 {
			t.Errorf("%s: %d rows, %d nonzeros, %d variables; want %d, %d, %d", name, st.Constraints, st.JacobianNonzeros, st.Variables, rows, nonzeros, len(p.Columns)+1)
		}
		if !solve[name] {
			continue
		}
		start := time.Now()
		if err := m.Solve(context.Background(), nnopt.Options{TimeLimit: 30 * time.Second}); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, want := m.ObjectiveValue-p.ObjConstant, opt[name]
		took := time.Since(start).Round(time.Millisecond)
		if m.Status != nnopt.StatusOptimal || math.Abs(got-want) > 1e-6*math.Abs(want) {
			t.Errorf("%s: status %v, objective %.10g; want optimal, %.10g", name, m.Status, got, want)
		}
		if glpErr != nil {
			t.Logf("%-8s %v, %d iterations, %v: objective %.10g, published %.10g", name, m.Status, m.NumIterations, took, got, want)
			continue
		}
		file := filepath.Join(t.TempDir(), name+".mps")
		if err := m.WriteFile(file); err != nil {
			t.Fatal(err)
		}
		s, err := glpk.Solve(file, "--freemps")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-8s %v, %d iterations, %v: objective %.10g, published %.10g (relative difference %.1e), glpsol's %.1e", name, m.Status, m.NumIterations, took,
			got, want, (got-want)/math.Abs(want), (m.ObjectiveValue-s.Objective)/math.Abs(s.Objective))
		if s.Status != "ff" || math.Abs(s.Objective-m.ObjectiveValue) > 1e-6*math.Abs(m.ObjectiveValue) {
			t.Errorf("%s: glpsol on the model's MPS file: status %q, objective %.10g; nnopt %.10g", name, s.Status, s.Objective, m.ObjectiveValue)
		}
	}
}
