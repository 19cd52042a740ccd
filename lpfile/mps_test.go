package lpfile

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/internal/testdata"
)

// fixedMPS is a fixed-layout file with every section, bound type and range case,
// CRLF line ends, a free row, a second RHS and BOUNDS vector, integer markers and
// an objective right-hand side.
var fixedMPS = strings.ReplaceAll(`* a comment line
NAME          SAMPLE   the rest is part of the name
OBJSENSE
    MAX
ROWS
 N  COST
 L  LIM1
 G  LIM2
 E  MYEQN
 E  NEGR
 N  FREE1
 L  ZERO

COLUMNS
    X1        COST         1.0   LIM1         1.
    X1        LIM2         1.    FREE1        3.
    MARKER                 'MARKER'                 'INTORG'
    Y2        COST         4.0   LIM1         1.
    Y2        MYEQN       -1.
    MARKER                 'MARKER'                 'INTEND'
    Z3        COST         0.    LIM2         1.
    Z3        MYEQN        1.    NEGR         1.
    Z3        ZERO         2.
    W4        COST        -2.5   ZERO         0.
    V5        NEGR         1.
    U6        NEGR         1.
    T7        NEGR         1.
    S8        NEGR         1.
    R9        NEGR         1.
RHS
    RHS1      LIM1         5.    LIM2        10.
    RHS1      MYEQN        7.    COST        -1.5
    RHS1      FREE1        9.
    RHS2      LIM1         8.
RANGES
    RNG1      LIM1         2.    LIM2        -3.
    RNG1      MYEQN        4.    NEGR        -2.
    RNG1      ZERO         0.
BOUNDS
 UP BND1      X1           4.
 UP BND1      Y2          -1.
 LO BND1      Z3          -2.
 UP BND1      Z3          -1.
 FR BND1      W4
 UP BND2      X1          99.
 BV BND1      V5
 LI BND1      U6           2.
 UI BND1      U6           9.
 FX BND1      T7           3.
 MI BND1      S8
 PL BND1      S8
 BV BND1      R9
 UP BND1      R9           5.
ENDATA
this is not read
`, "\n", "\r\n")

func fixedProgram() *Program {
	return &Program{
		Name:     "SAMPLE   the rest is part of the name",
		Maximize: true,
		Rows: []Row{
			{Name: "LIM1", Rel: LE, RHS: 5, Range: 2, Entries: []Entry{en(0, 1), en(1, 1)}},
			{Name: "LIM2", Rel: GE, RHS: 10, Range: -3, Entries: []Entry{en(0, 1), en(2, 1)}},
			{Name: "MYEQN", Rel: EQ, RHS: 7, Range: 4, Entries: []Entry{en(1, -1), en(2, 1)}},
			{Name: "NEGR", Rel: EQ, Range: -2, Entries: []Entry{en(2, 1), en(4, 1), en(5, 1), en(6, 1), en(7, 1), en(8, 1)}},
			{Name: "ZERO", Rel: EQ, Entries: []Entry{en(2, 2), en(3, 0)}},
		},
		Columns: []Column{
			{Name: "X1", Lo: 0, Up: 4},
			{Name: "Y2", Lo: -inf, Up: -1, Kind: Integer},
			{Name: "Z3", Lo: -2, Up: -1},
			{Name: "W4", Lo: -inf, Up: inf},
			{Name: "V5", Lo: 0, Up: 1, Kind: Binary},
			{Name: "U6", Lo: 2, Up: 9, Kind: Integer},
			{Name: "T7", Lo: 3, Up: 3},
			{Name: "S8", Lo: -inf, Up: inf},
			{Name: "R9", Lo: 0, Up: 5, Kind: Integer},
		},
		Costs:       []Entry{en(0, 1), en(1, 4), en(3, -2.5)},
		ObjConstant: 1.5,
		Comments: []string{
			"1 free rows (N rows after the objective COST) dropped: FREE1",
			"RHS vector RHS2 dropped: only the first, RHS1, is read",
			"BOUNDS vector BND2 dropped: only the first, BND1, is read",
		},
	}
}

func TestReadMPS(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       *Program
	}{
		{"fixed", fixedMPS, fixedProgram()},
		{"free without vector names", "NAME free one\nOBJSENSE MAX\nROWS\n N obj\n E c1\n G c2\nCOLUMNS\n x obj 1 c1 2\n y c2 1\nRHS\n c1 3 c2 -1\n obj 2\nRANGES\n c2 4\nBOUNDS\n UP x 4\n MI y\nENDATA\n",
			&Program{Name: "free one", Maximize: true, ObjConstant: -2,
				Rows:    []Row{{Name: "c1", Rel: EQ, RHS: 3, Entries: []Entry{en(0, 2)}}, {Name: "c2", Rel: GE, RHS: -1, Range: 4, Entries: []Entry{en(1, 1)}}},
				Columns: []Column{{Name: "x", Up: 4}, {Name: "y", Lo: -inf, Up: inf}}, Costs: []Entry{en(0, 1)}}},
		{"no objective, lower-case headers, OBJSENSE MIN", "name\nobjsense\n MIN\nrows\n L r\ncolumns\n x r 1\nendata\n",
			&Program{Rows: []Row{{Name: "r", Rel: LE, Entries: []Entry{en(0, 1)}}}, Columns: []Column{{Name: "x", Up: inf}}}},
		{"empty", "ENDATA\n", &Program{}},
	} {
		got, err := ReadMPS(strings.NewReader(tc.text))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: read\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
}

// TestRowBounds: a row's bounds by relation and range, as RANGES defines them.
func TestRowBounds(t *testing.T) {
	for _, tc := range []struct {
		row    Row
		lo, up float64
	}{
		{Row{Rel: LE, RHS: 5}, -inf, 5},
		{Row{Rel: GE, RHS: 5}, 5, inf},
		{Row{Rel: EQ, RHS: 5}, 5, 5},
		{Row{Rel: LE, RHS: 5, Range: -2}, 3, 5},
		{Row{Rel: LE, RHS: 5, Range: 2}, 3, 5},
		{Row{Rel: GE, RHS: 5, Range: -2}, 5, 7},
		{Row{Rel: EQ, RHS: 5, Range: 2}, 5, 7},
		{Row{Rel: EQ, RHS: 5, Range: -2}, 3, 5},
	} {
		if lo, up := tc.row.Bounds(); lo != tc.lo || up != tc.up {
			t.Errorf("%+v: bounds [%g, %g], want [%g, %g]", tc.row, lo, up, tc.lo, tc.up)
		}
	}
}

func TestReadMPSErrors(t *testing.T) {
	const head = "NAME t\nROWS\n N obj\n L c1\nCOLUMNS\n x obj 1 c1 2\n"
	for _, tc := range []struct{ text, want string }{
		{"NAME t\nFOO\n", `line 2: unknown section "FOO"`},
		{"NAME t\nROWS\nrow\n", `line 3: unknown section "row"; want NAME`},
		{" N obj\n", "line 1: a data line before the first section"},
		{"NAME t\n extra\n", "line 2: a data line in section NAME"},
		{"ROWS\n N obj\nROWS\n", "line 3: section ROWS again (first at line 1)"},
		{"ROWS extra\n", "line 1: section header ROWS has 1 more fields"},
		{"OBJSENSE\n UP\n", `line 2: OBJSENSE "UP"; want MAX or MIN`},
		{"ROWS\n X r\n", `line 2: row "r" has type "X" (field 1)`},
		{"ROWS\n L r extra\n", "line 2: ROWS line has 3 fields, want 2"},
		{"ROWS\n L r\n E r\n", `line 3: row "r" defined twice`},
		{"ROWS\n N r\n N r\n", `line 3: row "r" defined twice`},
		{head + " x zz 1\n", `line 7: unknown row "zz" (field 2)`},
		{head + " y c1 1 zz 1\n", `line 7: unknown row "zz" (field 4)`},
		{head + " y c1 1\n x c1 2\n", `line 8: column "x" again after other lines`},
		{head + " x c1 3\n", `line 7: row "c1" has two entries for column "x"`},
		{head + " x obj 3\n", `line 7: objective row "obj" has two entries for column "x"`},
		{head + " y c1 1.2.3\n", `line 7: field 3, "1.2.3", is not a number`},
		{head + " y c1 NaN\n", "line 7: field 3 is NaN; want a number"},
		{head + " y c1 -Inf\n", `line 7: field 3, "-Inf", is infinite`},
		{head + " y c1 1e999\n", `line 7: field 3, "1e999", is out of range`},
		{head + " y c1\n", "line 7: COLUMNS line has 2 fields, want 3 or 5"},
		{head + " M 'MARKER' 'INTX'\n", `line 7: marker "'INTX'" (field 3)`},
		{head + "RHS\n R zz 1\n", `line 8: unknown row "zz" (field 2)`},
		{head + "RHS\n R c1 1\n R c1 2\n", `line 9: row "c1" has two right-hand sides`},
		{head + "RHS\n R obj 1 obj 2\n", `line 8: objective row "obj" has two right-hand sides`},
		{head + "RHS\n R\n", "line 8: RHS line has 1 fields, want [vector] row value [row value]"},
		{head + "RHS\n R c1 1 c1\n", `line 8: unknown row "R" (field 1)`},
		{head + "RHS\n R c1 1 c1 2 c1\n", "line 8: RHS line has 6 fields"},
		{head + "RANGES\n R zz 1\n", `line 8: unknown row "zz" (field 2)`},
		{head + "RANGES\n R obj 1\n", `line 8: a range on the objective row "obj" (field 2)`},
		{head + "RANGES\n R c1 1\n R c1 1\n", `line 9: row "c1" has two ranges`},
		{head + "RANGES\n R c1 nan\n", "line 8: field 3 is NaN"},
		{head + "BOUNDS\n XX B x 1\n", `line 8: bound type "XX" (field 1)`},
		{head + "BOUNDS\n UP B zz 1\n", `line 8: unknown column "zz" (field 3)`},
		{head + "BOUNDS\n UP\n", "line 8: UP bound line has 1 fields, want UP [vector] column value"},
		{head + "BOUNDS\n UP B x\n", `line 8: unknown column "B" (field 2)`},
		{head + "BOUNDS\n FR B x 1 2\n", "line 8: FR bound line has 5 fields, want FR [vector] column"},
		{head + "BOUNDS\n LO B x +Inf\n", `line 8: LO bound +Inf (field 4) on column "x"`},
		{head + "BOUNDS\n UP x -Inf\n", `line 8: UP bound -Inf (field 3) on column "x"`},
		{head + "BOUNDS\n FX B x inf\n", `line 8: FX bound +Inf (field 4)`},
		{head + "BOUNDS\n UP B x nan\n", "line 8: field 4 is NaN"},
		{head, "line 6: the file ended early, after this line, without ENDATA"},
		{"", "line 0: the file ended early"},
		{"NAME " + strings.Repeat("x", maxLine) + "\n", "line 1: the line is longer than 1048576 bytes"},
	} {
		p, err := ReadMPS(strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "lpfile: line ") {
			t.Errorf("%.60q: error %v, want %q", tc.text, err, tc.want)
		}
		if p != nil {
			t.Errorf("%.60q: a program and an error", tc.text)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	var want bytes.Buffer
	if err := WriteMPS(&want, fixedProgram()); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(want.Bytes())
	zw.Close()
	for name, data := range map[string][]byte{"p.mps": want.Bytes(), "p.MPS.GZ": gz.Bytes()} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p.Comments = nil
		if w := asWritten(fixedProgram()); !reflect.DeepEqual(p, w) {
			t.Errorf("%s: read\n%+v\nwant\n%+v", name, p, w)
		}
	}
	bad := filepath.Join(dir, "bad.mps")
	if err := os.WriteFile(bad, []byte("NAME x\nROWS\n Q r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		bad:                                  `lpfile: ` + bad + `:3: row "r" has type "Q"`,
		filepath.Join(dir, "p.lp"):           "reading LP files is not supported",
		filepath.Join(dir, "p.txt"):          "cannot tell the format of",
		filepath.Join(dir, "none.mps"):       "no such file",
		filepath.Join(dir, "p.mps", "x.mps"): "not a directory",
	} {
		if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadFile(%s): %v, want %q", path, err, want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notgz.mps.gz"), want.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(filepath.Join(dir, "notgz.mps.gz")); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("a .mps.gz that is not gzipped: %v", err)
	}
}

// asWritten is p as WriteMPS writes it and ReadMPS reads it back: the names as
// written, the objective's terms in Costs in column order without zeros, entries in
// column order, binary columns' bounds [0, 1], no comments.
func asWritten(p *Program) *Program {
	f, err := newFile(p, false)
	if err != nil {
		panic(err)
	}
	q := &Program{Name: f.title, Maximize: p.Maximize, ObjConstant: p.ObjConstant}
	for _, en := range f.obj {
		if en.Coef != 0 {
			q.Costs = append(q.Costs, en)
		}
	}
	slices.SortFunc(q.Costs, func(a, b Entry) int { return a.Index - b.Index })
	for j, c := range p.Columns {
		c.Name = f.colNames[j]
		if c.Kind == Binary {
			c.Lo, c.Up = 0, 1
		}
		q.Columns = append(q.Columns, c)
	}
	for i, r := range p.Rows {
		r.Name = f.rowNames[i]
		r.Entries = slices.Clone(r.Entries)
		slices.SortFunc(r.Entries, func(a, b Entry) int { return a.Index - b.Index })
		q.Rows = append(q.Rows, r)
	}
	return q
}

// roundTrip writes p as MPS and reads it back, without comments.
func roundTrip(t *testing.T, p *Program) *Program {
	t.Helper()
	var b bytes.Buffer
	if err := WriteMPS(&b, p); err != nil {
		t.Fatal(err)
	}
	q, err := ReadMPS(&b)
	if err != nil {
		t.Fatalf("%s: reading its MPS file: %v", p.Name, err)
	}
	q.Comments = nil
	return q
}

// everyRanged has what every() lacks: ranges of each kind, an objective of several
// terms with a constant, a column in no row, a row with no entries, names the
// writers keep.
func everyRanged() *Program {
	return &Program{
		Name:        "ranged",
		ObjConstant: -3.25,
		Columns: []Column{
			{Name: "a", Up: inf}, {Name: "b", Lo: -inf, Up: 2}, {Name: "c", Lo: 1, Up: 1},
			{Name: "d", Lo: -1, Up: 7, Kind: Integer}, {Name: "e", Up: 1, Kind: Binary}, {Name: "f", Lo: -inf, Up: inf},
		},
		Costs: []Entry{en(0, 2), en(1, -1), en(4, 0.125)},
		Rows: []Row{
			{Name: "le", Rel: LE, RHS: 4, Range: 3, Entries: []Entry{en(0, 1), en(1, 1)}},
			{Name: "ge", Rel: GE, RHS: -4, Range: -1.5, Entries: []Entry{en(1, 1), en(2, -2), en(3, 0)}},
			{Name: "eqpos", Rel: EQ, RHS: 1, Range: 2, Entries: []Entry{en(3, 1), en(4, 1)}},
			{Name: "eqneg", Rel: EQ, RHS: 1, Range: -2, Entries: []Entry{en(0, 1), en(3, -1)}},
			{Name: "empty", Rel: GE, RHS: -1},
		},
	}
}

// TestRoundTrip: a program written as MPS reads back as itself when its names are
// valid and its objective is in Costs; otherwise as asWritten says.
func TestRoundTrip(t *testing.T) {
	for _, p := range []*Program{everyRanged(), asWritten(fixedProgram()), asWritten(every())} {
		if got := roundTrip(t, p); !reflect.DeepEqual(got, p) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", p.Name, got, p)
		}
	}
	for _, p := range []*Program{every(), transport(), fixedProgram()} {
		if got, want := roundTrip(t, p), asWritten(p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", p.Name, got, want)
		}
	}
	// The model's form of the objective, one column, reads back into Costs.
	if got := roundTrip(t, transport()); got.Objective != (Entry{}) || !reflect.DeepEqual(got.Costs, []Entry{en(0, 1)}) {
		t.Errorf("transport's objective read back as %v and %v", got.Objective, got.Costs)
	}
}

const rangedLP = `\ Model ranged as CPLEX LP, written by nnopt: 5 rows, 6 columns, 9 nonzeros
Minimize
 ranged: + 2 a - b + 0.125 e - 3.25
Subject To
 le: 1 <= + a + b <= 4
 ge: -4 <= + b - 2 c + 0 d <= -2.5
 eqpos: 1 <= + d + e <= 3
 eqneg: -1 <= + a - d <= 1
 empty: + 0 a >= -1
Bounds
 -inf <= b <= 2
 c = 1
 -1 <= d <= 7
 f free
Generals
 d
Binaries
 e
End
`

// TestWriteRanged: ranges and the objective constant in both formats.
func TestWriteRanged(t *testing.T) {
	var b bytes.Buffer
	if err := WriteLP(&b, everyRanged()); err != nil {
		t.Fatal(err)
	}
	if b.String() != rangedLP {
		t.Errorf("LP file:\n%s\nwant:\n%s", b.String(), rangedLP)
	}
	b.Reset()
	if err := WriteMPS(&b, everyRanged()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RHS\n    RHS ranged 3.25\n    RHS le 4\n", "RANGES\n    RNG le 3\n    RNG ge -1.5\n    RNG eqpos 2\n    RNG eqneg -2\nBOUNDS\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("MPS file:\n%s\nwant it to hold\n%s", b.String(), want)
		}
	}
	for _, tc := range []struct {
		change func(p *Program)
		want   string
	}{
		{func(p *Program) { p.Rows[1].Range = math.NaN() }, "row 1 (ge) has range NaN"},
		{func(p *Program) { p.ObjConstant = inf }, "objective constant +Inf"},
		{func(p *Program) { p.Costs[1].Index = 6 }, "objective term 1: -1 times column 6, of 6 columns"},
		{func(p *Program) { p.Costs[2].Coef = math.NaN() }, "objective term 2: NaN times column 4"},
		{func(p *Program) { p.Costs[1].Index = 0 }, "objective term 1 repeats column 0 (a)"},
		{func(p *Program) { p.Objective = en(1, 1) }, "objective term 1 repeats column 1 (b)"},
		{func(p *Program) { p.Columns = nil; p.Rows = nil; p.Costs = nil }, "has no columns; an LP file needs one"},
	} {
		p := everyRanged()
		tc.change(p)
		if err := WriteLP(&bytes.Buffer{}, p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	// Without columns, MPS has no trouble.
	if got := roundTrip(t, &Program{Name: "none", Rows: []Row{{Name: "r", Rel: LE, RHS: 1}}}); len(got.Rows) != 1 || got.Rows[0].RHS != 1 {
		t.Errorf("a program without columns read back as %+v", got)
	}
}

// TestRangedSolvedByGLPK: glpsol solves the MPS file as written, ranges included.
// GLPK adds the objective row's right-hand side, -ObjConstant, to the objective
// where the program adds ObjConstant.
func TestRangedSolvedByGLPK(t *testing.T) {
	if _, err := glpk.Path(); err != nil {
		t.Skipf("%v; the written file is not solved", err)
	}
	path := filepath.Join(t.TempDir(), "r.mps")
	p := everyRanged()
	p.Columns[3].Kind = Continuous // an LP, for the duals
	p.Columns[4].Kind = Continuous
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	s, err := glpk.Solve(path, "--freemps")
	if err != nil {
		t.Fatal(err)
	}
	// min 2a - b + e/8 over 1 <= a+b <= 4, -4 <= b-2c <= -2.5 (c = 1), 1 <= d+e <= 3,
	// -1 <= a-d <= 1, b <= 2, -1 <= d <= 7, 0 <= e <= 1: b = -0.5 (b - 2 <= -2.5),
	// then a >= 1.5 from a + b >= 1; e = 0, d in [1, 3] with |a - d| <= 1.
	const want = 2*1.5 + 0.5
	if got := s.Objective + p.ObjConstant; s.Status != "ff" || math.Abs(got-want) > 1e-9 {
		t.Errorf("glpsol: status %q, objective %.10g without its constant; want ff and %g", s.Status, got, want)
	}
	for name, w := range map[string]float64{"le": 1, "ge": -2.5} {
		if got := s.RowPrimal[name]; math.Abs(got-w) > 1e-9 {
			t.Errorf("row %s = %g, want %g", name, got, w)
		}
	}
}

// TestNetlib reads every netlib LP, writes it as MPS and reads it back: the program
// as asWritten says (netlib's names such as ...000 or 65 get a leading _), and the
// second round trip is the identity. With glpsol installed, the written file's
// optimum is netlib's published one.
func TestNetlib(t *testing.T) {
	dir := testdata.NetlibDir(t)
	opt, err := testdata.NetlibOptima(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.mps.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no netlib files in %s (%v)", dir, err)
	}
	_, glpErr := glpk.Path()
	if glpErr != nil {
		t.Logf("%v: the optima are not checked", glpErr)
	}
	tmp := t.TempDir()
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".mps.gz")
		p, err := ReadFile(path)
		if err != nil {
			t.Error(err)
			continue
		}
		if len(p.Comments) != 0 {
			t.Errorf("%s: comments %q; netlib has no free rows or second vectors", name, p.Comments)
		}
		q := roundTrip(t, p)
		if want := asWritten(p); !reflect.DeepEqual(q, want) {
			t.Errorf("%s: the written file reads back differently", name)
			continue
		}
		if again := roundTrip(t, q); !reflect.DeepEqual(again, q) {
			t.Errorf("%s: the second round trip changed the program", name)
		}
		want, ok := opt[name]
		if glpErr != nil || !ok {
			continue
		}
		out := filepath.Join(tmp, name+".mps")
		if err := WriteFile(out, p); err != nil {
			t.Fatal(err)
		}
		s, err := glpk.Solve(out, "--freemps")
		if err != nil {
			t.Error(err)
			continue
		}
		// glpsol adds the objective row's right-hand side, -ObjConstant; netlib's
		// optima leave it out (only e226 has one).
		if got := s.Objective + p.ObjConstant; s.Status != "ff" || math.Abs(got-want) > 1e-6*math.Abs(want) {
			t.Errorf("%s: glpsol on the written file: status %q, objective %.10g; want ff and %.10g", name, s.Status, got, want)
		}
	}
}

// FuzzReadMPS: ReadMPS returns a program or an error naming a line, never both and
// never a panic; a program it returns writes as MPS (and as LP when it has columns),
// and reads back as asWritten says.
func FuzzReadMPS(f *testing.F) {
	f.Add([]byte(fixedMPS))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadMPS(bytes.NewReader(data))
		if err != nil {
			if p != nil || !strings.HasPrefix(err.Error(), "lpfile: line ") {
				t.Fatalf("program %v with error %v", p != nil, err)
			}
			return
		}
		var b bytes.Buffer
		if err := WriteMPS(&b, p); err != nil {
			t.Fatalf("the program read does not write: %v", err)
		}
		text := b.String()
		q, err := ReadMPS(&b)
		if err != nil {
			t.Fatalf("reading the written file: %v\n%s", err, text)
		}
		q.Comments = nil
		if want := asWritten(p); !reflect.DeepEqual(q, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v\nfile:\n%s", q, want, text)
		}
		if len(p.Columns) > 0 {
			if err := WriteLP(&b, p); err != nil {
				t.Fatalf("the program read does not write as LP: %v", err)
			}
		}
	})
}
