package nnopt

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/lpfile"
)

// transportModel is the classic transportation LP: two plants, three markets,
// shipping cost f·d/1000 per case, optimum 153.675.
func transportModel(t *testing.T) (*Model, *Variable, *Variable) {
	t.Helper()
	c := NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a := c.NewParameter("a", i)
	must(a.SetValues([]float64{350, 600}))
	b := c.NewParameter("b", j)
	must(b.SetValues([]float64{325, 300, 275}))
	d := c.NewParameter("d", i, j)
	must(d.SetValues([]float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4}))
	f := c.NewParameter("f")
	must(f.SetValues([]float64{90}))
	x := c.NewVariable("x", Positive, i, j)
	z := c.NewVariable("z", Free)
	must(c.NewEquation("cost").Define(Eq(z, Sum(Mul(Div(Mul(f, d), Const(1000)), x), i, j))))
	must(c.NewEquation("supply", i).Define(Le(Sum(x, j), a)))
	must(c.NewEquation("demand", j).Define(Ge(Sum(x, i), b)))
	m, err := c.NewModel("transport", ModelSpec{Equations: c.Equations(), Problem: LP, Sense: Minimize, Objective: z})
	if err != nil {
		t.Fatal(err)
	}
	return m, x, z
}

const transportLP = `\ Model transport as CPLEX LP, written by nnopt: 6 rows, 7 columns, 19 nonzeros
\ Objective: minimise the variable z; the equations that define it stay rows
Minimize
 transport: + z
Subject To
 cost: + z - 0.225 x(seattle,new_york) - 0.153 x(seattle,chicago) - 0.162 x(seattle,topeka)
   - 0.225 x(san_diego,new_york) - 0.162 x(san_diego,chicago)
   - 0.12599999999999997 x(san_diego,topeka) = 0
 supply(seattle): + x(seattle,new_york) + x(seattle,chicago) + x(seattle,topeka) <= 350
 supply(san_diego): + x(san_diego,new_york) + x(san_diego,chicago) + x(san_diego,topeka) <= 600
 demand(new_york): + x(seattle,new_york) + x(san_diego,new_york) >= 325
 demand(chicago): + x(seattle,chicago) + x(san_diego,chicago) >= 300
 demand(topeka): + x(seattle,topeka) + x(san_diego,topeka) >= 275
Bounds
 z free
End
`

const transportMPS = `* Model transport as free MPS, written by nnopt: 6 rows, 7 columns, 19 nonzeros
* Objective: minimise the variable z; the equations that define it stay rows
NAME transport
ROWS
 N transport
 E cost
 L supply(seattle)
 L supply(san_diego)
 G demand(new_york)
 G demand(chicago)
 G demand(topeka)
COLUMNS
    z transport 1
    z cost 1
    x(seattle,new_york) cost -0.225
    x(seattle,new_york) supply(seattle) 1
    x(seattle,new_york) demand(new_york) 1
    x(seattle,chicago) cost -0.153
    x(seattle,chicago) supply(seattle) 1
    x(seattle,chicago) demand(chicago) 1
    x(seattle,topeka) cost -0.162
    x(seattle,topeka) supply(seattle) 1
    x(seattle,topeka) demand(topeka) 1
    x(san_diego,new_york) cost -0.225
    x(san_diego,new_york) supply(san_diego) 1
    x(san_diego,new_york) demand(new_york) 1
    x(san_diego,chicago) cost -0.162
    x(san_diego,chicago) supply(san_diego) 1
    x(san_diego,chicago) demand(chicago) 1
    x(san_diego,topeka) cost -0.12599999999999997
    x(san_diego,topeka) supply(san_diego) 1
    x(san_diego,topeka) demand(topeka) 1
RHS
    RHS supply(seattle) 350
    RHS supply(san_diego) 600
    RHS demand(new_york) 325
    RHS demand(chicago) 300
    RHS demand(topeka) 275
BOUNDS
 FR BND z
ENDATA
`

func TestWriteTransportGolden(t *testing.T) {
	m, _, _ := transportModel(t)
	for _, tc := range []struct {
		name  string
		write func(*Model, *bytes.Buffer) error
		want  string
	}{
		{"LP", func(m *Model, b *bytes.Buffer) error { return m.WriteLP(b) }, transportLP},
		{"MPS", func(m *Model, b *bytes.Buffer) error { return m.WriteMPS(b) }, transportMPS},
	} {
		var b bytes.Buffer
		if err := tc.write(m, &b); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != tc.want {
			t.Errorf("%s file:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
	// The file variant writes the same text, by extension.
	dir := t.TempDir()
	for name, want := range map[string]string{"t.lp": transportLP, "t.MPS": transportMPS} {
		path := filepath.Join(dir, name)
		if err := m.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s: %v, or its text differs from the writer's", name, err)
		}
	}
	if err := m.WriteFile(filepath.Join(dir, "t.gms")); err == nil || !strings.Contains(err.Error(), ".lp or .mps") {
		t.Errorf("unknown extension: %v", err)
	}
}

// TestLinearProgram checks the program behind the transport files: the model's own
// names (the files make them LP-safe), rows in equation order with their relations,
// the objective variable as objective, and the header comment.
func TestLinearProgram(t *testing.T) {
	m, _, _ := transportModel(t)
	p, err := m.LinearProgram(LPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "transport" || p.Maximize || p.Objective != (lpfile.Entry{Index: 0, Coef: 1}) || len(p.Rows) != 6 || len(p.Columns) != 7 {
		t.Fatalf("program %q, maximize %v, objective %+v, %d rows, %d columns", p.Name, p.Maximize, p.Objective, len(p.Rows), len(p.Columns))
	}
	en := func(col int, coef float64) lpfile.Entry { return lpfile.Entry{Index: col, Coef: coef} }
	for _, tc := range []struct {
		row     int
		name    string
		rel     lpfile.Relation
		rhs     float64
		entries []lpfile.Entry
	}{
		{0, "cost", lpfile.EQ, 0, []lpfile.Entry{en(0, 1), en(1, -0.225), en(2, -0.153), en(3, -0.162), en(4, -0.225), en(5, -0.162), en(6, -0.12599999999999997)}},
		{2, "supply(san-diego)", lpfile.LE, 600, []lpfile.Entry{en(4, 1), en(5, 1), en(6, 1)}},
		{5, "demand(topeka)", lpfile.GE, 275, []lpfile.Entry{en(3, 1), en(6, 1)}},
	} {
		r := p.Rows[tc.row]
		if r.Name != tc.name || r.Rel != tc.rel || r.RHS != tc.rhs || !slices.Equal(r.Entries, tc.entries) {
			t.Errorf("row %d: %+v, want %+v", tc.row, r, tc)
		}
	}
	if c := p.Columns[4]; c != (lpfile.Column{Name: "x(san-diego,new-york)", Lo: 0, Up: math.Inf(1)}) {
		t.Errorf("column 4: %+v", c)
	}
	if c := p.Columns[0]; c != (lpfile.Column{Name: "z", Lo: math.Inf(-1), Up: math.Inf(1)}) {
		t.Errorf("column 0: %+v", c)
	}
	if want := []string{"Objective: minimise the variable z; the equations that define it stay rows"}; !slices.Equal(p.Comments, want) {
		t.Errorf("comments %q, want %q", p.Comments, want)
	}
	// Binary [0, 1] variables are binary columns, other discrete ones integer.
	mixed, _ := mixedModel(t)
	if p, err = mixed.LinearProgram(LPOptions{}); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]lpfile.Kind{"y(a)": lpfile.Binary, "n": lpfile.Integer, "s": lpfile.Continuous}
	for _, c := range p.Columns {
		if k, ok := kinds[c.Name]; ok && c.Kind != k {
			t.Errorf("column %s: kind %v, want %v", c.Name, c.Kind, k)
		}
	}
}

// solveWithGLPK runs glpsol on a written file (format "--lp" or "--freemps", with
// extra options); it skips the test when glpsol is not installed.
func solveWithGLPK(t *testing.T, path, format string, extra ...string) *glpk.Solution {
	t.Helper()
	if _, err := glpk.Path(); err != nil {
		t.Skipf("%v; the written files are not solved", err)
	}
	s, err := glpk.Solve(path, format, extra...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTransportSolvedByGLPK solves the written LP and MPS files with glpsol and
// compares the objective, the duals and the shipments with the known optimum, then
// puts glpsol's point into the model and checks its residuals.
func TestTransportSolvedByGLPK(t *testing.T) {
	m, x, z := transportModel(t)
	dir := t.TempDir()
	wantDual := map[string]float64{"cost": 1, "supply(seattle)": 0, "supply(san_diego)": 0,
		"demand(new_york)": 0.225, "demand(chicago)": 0.153, "demand(topeka)": 0.126}
	wantX := []float64{50, 300, 0, 275, 0, 275}
	xNames := []string{"x(seattle,new_york)", "x(seattle,chicago)", "x(seattle,topeka)", "x(san_diego,new_york)", "x(san_diego,chicago)", "x(san_diego,topeka)"}
	for _, format := range []string{"--lp", "--freemps"} {
		path := filepath.Join(dir, "transport.lp")
		if format == "--freemps" {
			path = filepath.Join(dir, "transport.mps")
		}
		must(m.WriteFile(path))
		s := solveWithGLPK(t, path, format)
		if s.Status != "ff" || math.Abs(s.Objective-153.675) > 1e-9 {
			t.Errorf("%s: status %q, objective %.10g; want feasible primal and dual, 153.675", format, s.Status, s.Objective)
		}
		if len(s.RowDual) != len(wantDual) {
			t.Errorf("%s: glpsol has %d rows, want %d", format, len(s.RowDual), len(wantDual))
		}
		for name, want := range wantDual {
			if got, ok := s.RowDual[name]; !ok || math.Abs(got-want) > 1e-9 {
				t.Errorf("%s: dual of %s = %g (found %v), want %g", format, name, got, ok, want)
			}
		}
		for k, name := range xNames {
			got, ok := s.ColPrimal[name]
			if !ok || math.Abs(got-wantX[k]) > 1e-9 {
				t.Errorf("%s: %s = %g (found %v), want %g", format, name, got, ok, wantX[k])
			}
			x.L[k] = got
		}
		z.L[0] = s.ColPrimal["z"]
		res, err := m.Residuals()
		must(err)
		for e, r := range res {
			for k, v := range r {
				if e.Type == EQ && math.Abs(v) > 1e-9 || e.Type == LE && v > 1e-9 || e.Type == GE && v < -1e-9 {
					t.Errorf("%s: glpsol's point leaves %s row %d at %g", format, e.Name(), k, v)
				}
			}
		}
	}
}

// mixedModel has every kind of bound, binaries and general integers, a condition that
// drops rows, a nonbinding row and a maximised objective expression.
func mixedModel(t *testing.T) (*Model, func() float64) {
	t.Helper()
	c := NewContainer()
	k := c.NewSet("k", "a", "b", "c", "d")
	v := c.NewParameter("v", k)
	w := c.NewParameter("w", k)
	must(v.SetValues([]float64{5, 4, 3, 2.5}))
	must(w.SetValues([]float64{4, 3, 2, 1}))
	sub := c.NewSubset("sub", k)
	must(sub.SetMembers([]int{0}, []int{2}))
	y := c.NewVariable("y", Binary, k)
	n := c.NewVariable("n", Integer)
	s := c.NewVariable("s", Negative)
	u := c.NewVariable("u", Free)
	u.Fix(2)
	r := c.NewVariable("r", Free)
	r.SetBounds(1.5, math.Inf(1))
	tt := c.NewVariable("t", Free)
	tt.SetBounds(-2, 3)
	must(c.NewEquation("cap").Define(Le(Add(Sum(Mul(w, y), k), Mul(Const(1.5), n)), Const(7))))
	// pick(k) only for a and c: y(k) + 0.5 n <= 1.5.
	pick := c.NewEquation("pick", k)
	must(pick.Define(Le(Add(y, Mul(Const(0.5), n)), Const(1.5))))
	must(pick.Where(sub))
	// tcap(k) for a and c: t <= 1 + y(k).
	tcap := c.NewEquation("tcap", k)
	must(tcap.Define(Le(Sub(tt, y), Const(1))))
	must(tcap.Where(sub))
	must(c.NewEquation("note").Define(Nonbinding(Sum(y, k), Const(0))))
	obj := Add(Add(Sum(Mul(v, y), k), Mul(Const(2), n)), Sub(Sub(s, u), r))
	obj = Add(obj, Mul(Const(0.1), tt))
	m, err := c.NewModel("mixed", ModelSpec{Equations: c.Equations(), Problem: MIP, Sense: Maximize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	// The optimum by enumeration: s = 0, r = 1.5, t = 1 + min(y(a), y(c)).
	best := func() float64 {
		best := math.Inf(-1)
		for mask := 0; mask < 16; mask++ {
			for nn := 0; nn <= 4; nn++ { // 1.5 n <= 7
				yv := func(i int) float64 { return float64(mask >> i & 1) }
				load, val := 1.5*float64(nn), 2*float64(nn)
				for i := 0; i < 4; i++ {
					load += w.Values[i] * yv(i)
					val += v.Values[i] * yv(i)
				}
				if load > 7 || yv(0)+0.5*float64(nn) > 1.5 || yv(2)+0.5*float64(nn) > 1.5 {
					continue
				}
				best = max(best, val-2-1.5+0.1*(1+min(yv(0), yv(2))))
			}
		}
		return best
	}
	return m, best
}

// TestWriteMixedModel checks the bounds, sections and conditions of a small MIP in
// both formats, and solves both files with glpsol when it is installed: the MPS file
// after taking out its OBJSENSE section, which GLPK does not read, and with --max.
func TestWriteMixedModel(t *testing.T) {
	m, best := mixedModel(t)
	var lp, mps bytes.Buffer
	must(m.WriteLP(&lp))
	must(m.WriteMPS(&mps))
	if lp.String() != mixedLP {
		t.Errorf("LP file:\n%s\nwant:\n%s", lp.String(), mixedLP)
	}
	for _, want := range []string{"OBJSENSE\n    MAX\nROWS\n N mixed\n", "    MARKER 'MARKER' 'INTORG'\n    y(a) cap 4\n",
		"    n mixed_objective_def -2\n    MARKER 'MARKER' 'INTEND'\n", " BV BND y(d)\n LO BND n 0\n PL BND n\n LO BND t -2\n UP BND t 3\n",
		" FR BND mixed_objective\n MI BND s\n UP BND s 0\n FX BND u 2\n LO BND r 1.5\nENDATA\n", "    RHS tcap(c) 1\n"} {
		if !strings.Contains(mps.String(), want) {
			t.Errorf("MPS file lacks %q:\n%s", want, mps.String())
		}
	}
	dir := t.TempDir()
	lpPath, mpsPath := filepath.Join(dir, "mixed.lp"), filepath.Join(dir, "mixed.mps")
	must(os.WriteFile(lpPath, lp.Bytes(), 0o644))
	must(os.WriteFile(mpsPath, bytes.Replace(mps.Bytes(), []byte("OBJSENSE\n    MAX\n"), nil, 1), 0o644))
	want := best()
	for _, run := range []struct{ path, format string }{{lpPath, "--lp"}, {mpsPath, "--freemps"}} {
		var extra []string
		if run.format == "--freemps" {
			extra = []string{"--max"}
		}
		s := solveWithGLPK(t, run.path, run.format, extra...)
		if !s.MIP || s.Status != "o" || math.Abs(s.Objective-want) > 1e-9 {
			t.Errorf("%s: MIP %v, status %q, objective %.10g; want an optimal MIP, %g", run.format, s.MIP, s.Status, s.Objective, want)
		}
		if len(s.RowPrimal) != 6 || len(s.ColPrimal) != 10 {
			t.Errorf("%s: glpsol has %d rows and %d columns, want 6 and 10", run.format, len(s.RowPrimal), len(s.ColPrimal))
		}
	}
}

const mixedLP = `\ Model mixed as CPLEX LP, written by nnopt: 6 rows, 10 columns, 23 nonzeros
\ Objective: maximise mixed_objective, defined by row mixed_objective_def (the model's objective expression)
\ 1 nonbinding (=N=) rows left out
Maximize
 mixed: + mixed_objective
Subject To
 cap: + 4 y(a) + 3 y(b) + 2 y(c) + y(d) + 1.5 n <= 7
 pick(a): + y(a) + 0.5 n <= 1.5
 pick(c): + y(c) + 0.5 n <= 1.5
 tcap(a): - y(a) + t <= 1
 tcap(c): - y(c) + t <= 1
 mixed_objective_def: - 5 y(a) - 4 y(b) - 3 y(c) - 2.5 y(d) - 2 n - 0.1 t + mixed_objective - s + u
   + r = 0
Bounds
 -2 <= t <= 3
 mixed_objective free
 -inf <= s <= 0
 u = 2
 r >= 1.5
Generals
 n
Binaries
 y(a)
 y(b)
 y(c)
 y(d)
End
`

// TestWriteErrors: a nonlinear model is an error naming the equation and its term,
// and nothing is written.
func TestWriteErrors(t *testing.T) {
	c := NewContainer()
	i := c.NewSet("i", "1", "2")
	x := c.NewVariable("x", Free, i)
	y := c.NewVariable("y", Free)
	must(c.NewEquation("lin").Define(Le(Sum(x, i), Const(4))))
	must(c.NewEquation("bilinear", i).Define(Eq(Mul(x, y), Const(1))))
	m, err := c.NewModel("nl", ModelSpec{Equations: c.Equations(), Problem: NLP, Sense: Minimize, Objective: y})
	must(err)
	var b bytes.Buffer
	for _, err := range []error{m.WriteLP(&b), m.WriteMPS(&b)} {
		if err == nil || !strings.Contains(err.Error(), `equation "bilinear" is quadratic (x * y)`) {
			t.Errorf("nonlinear model: %v", err)
		}
	}
	if b.Len() != 0 {
		t.Errorf("a failed write wrote %q", b.String())
	}
}

// TestWriteFeasibility: a model without objective minimises a variable fixed at 0;
// anonymous dimensions are labelled by position; a column no row mentions is still
// declared.
func TestWriteFeasibility(t *testing.T) {
	c := NewContainer()
	d := c.Dims(2, 3)
	x := c.NewVariable("x", Positive, d...)
	idle := c.NewVariable("idle", Positive, d[0])
	must(c.NewEquation("row", d...).Define(Le(Mul(Const(2), x), Const(1))))
	must(c.NewEquation("zero", d[0]).Define(Ge(Mul(Const(0), idle), Const(-1))))
	m, err := c.NewModel("feas", ModelSpec{Equations: c.Equations(), Problem: LP, Sense: Feasibility})
	must(err)
	var b bytes.Buffer
	must(m.WriteLP(&b))
	want := `\ Model feas as CPLEX LP, written by nnopt: 8 rows, 9 columns, 6 nonzeros
\ Objective: none (a feasibility model); feas_objective is fixed at 0
Minimize
 feas: + feas_objective
Subject To
 row(0,0): + 2 x(0,0) <= 1
 row(0,1): + 2 x(0,1) <= 1
 row(0,2): + 2 x(0,2) <= 1
 row(1,0): + 2 x(1,0) <= 1
 row(1,1): + 2 x(1,1) <= 1
 row(1,2): + 2 x(1,2) <= 1
 zero(0): + 0 feas_objective >= -1
 zero(1): + 0 feas_objective >= -1
Bounds
 idle(0) >= 0
 idle(1) >= 0
 feas_objective = 0
End
`
	if b.String() != want {
		t.Errorf("LP file:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	must(m.WriteMPS(&b))
	for _, s := range []string{"    idle(0) feas 0\n", "    feas_objective feas 1\n", " FX BND feas_objective 0\n", " G zero(1)\n", "    RHS zero(1) -1\n"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("MPS file lacks %q:\n%s", s, b.String())
		}
	}
}
