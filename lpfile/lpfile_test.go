package lpfile

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/internal/glpk"
)

var inf = math.Inf(1)

func en(col int, coef float64) Entry { return Entry{Index: col, Coef: coef} }

// transport is the classic transportation LP by hand: two plants, three markets,
// the cost a column z defined by row cost; optimum 153.675.
func transport() *Program {
	p := &Program{Name: "transport", Objective: en(0, 1),
		Comments: []string{"the transportation LP"},
		Columns:  []Column{{Name: "z", Lo: -inf, Up: inf}}}
	cost := []float64{0.225, 0.153, 0.162, 0.225, 0.162, 0.126}
	costRow := Row{Name: "cost", Rel: EQ, Entries: []Entry{en(0, 1)}}
	for k, name := range []string{"seattle,new-york", "seattle,chicago", "seattle,topeka", "san-diego,new-york", "san-diego,chicago", "san-diego,topeka"} {
		p.Columns = append(p.Columns, Column{Name: "x(" + name + ")", Up: inf})
		costRow.Entries = append(costRow.Entries, en(k+1, -cost[k]))
	}
	p.Rows = []Row{costRow,
		{Name: "supply(seattle)", Rel: LE, RHS: 350, Entries: []Entry{en(1, 1), en(2, 1), en(3, 1)}},
		{Name: "supply(san-diego)", Rel: LE, RHS: 600, Entries: []Entry{en(4, 1), en(5, 1), en(6, 1)}},
		{Name: "demand(new-york)", Rel: GE, RHS: 325, Entries: []Entry{en(1, 1), en(4, 1)}},
		{Name: "demand(chicago)", Rel: GE, RHS: 300, Entries: []Entry{en(2, 1), en(5, 1)}},
		{Name: "demand(topeka)", Rel: GE, RHS: 275, Entries: []Entry{en(3, 1), en(6, 1)}},
	}
	return p
}

// every has each kind of bound and column, a negative objective coefficient, a
// constant row, a column no row mentions, names that need changing or collide, a
// long row and a two-line comment.
func every() *Program {
	long := strings.Repeat("long-name", 6)
	return &Program{
		Name:      "every one",
		Maximize:  true,
		Objective: en(1, -2.5),
		Comments:  []string{"first line\nsecond line"},
		Columns: []Column{
			{Name: "free", Lo: -inf, Up: inf},
			{Name: "x", Lo: -inf, Up: 4},
			{Name: "fix", Lo: 2, Up: 2},
			{Name: "pos", Up: inf},
			{Name: "idle", Up: inf},
			{Name: "lo", Lo: 1.5, Up: inf},
			{Name: "box", Lo: -2, Up: 3},
			{Name: "neg", Lo: 0, Up: -1},
			{Name: "n", Lo: 0, Up: inf, Kind: Integer},
			{Name: "m", Lo: -1, Up: 5, Kind: Integer},
			{Name: "b", Kind: Binary}, // bounds are not looked at
			{Name: long + "1", Up: inf},
			{Name: long + "2", Up: inf},
		},
		Rows: []Row{
			{Name: "every one", Rel: LE, RHS: 7, Entries: []Entry{en(0, 1), en(1, -1), en(2, 0.5), en(3, -0.25), en(5, 1), en(6, 1), en(7, 1), en(8, 2), en(9, 1), en(10, 4)}},
			{Name: "const", Rel: GE, RHS: -1},
			{Name: "wide", Rel: EQ, Entries: []Entry{en(11, 1), en(12, -1)}},
			{Name: "wide", Rel: LE, RHS: -0.5, Entries: []Entry{en(3, 1)}},
		},
	}
}

const everyLP = `\ Model every one as CPLEX LP, written by nnopt: 4 rows, 13 columns, 13 nonzeros
\ first line
\ second line
Maximize
 every_one: - 2.5 x
Subject To
 every_one_2: + _free - x + 0.5 fix - 0.25 pos + lo + box + neg + 2 n + m + 4 b <= 7
 const: + 0 x >= -1
 wide: + long_namelong_namelong_namelong_namelong_namelong_name1
   - long_namelong_namelong_namelong_namelong_namelong_name2 = 0
 wide_2: + pos <= -0.5
Bounds
 _free free
 -inf <= x <= 4
 fix = 2
 idle >= 0
 lo >= 1.5
 -2 <= box <= 3
 0 <= neg <= -1
 -1 <= m <= 5
Generals
 n
 m
Binaries
 b
End
`

const everyMPS = `* Model every one as free MPS, written by nnopt: 4 rows, 13 columns, 13 nonzeros
* first line
* second line
NAME every one
OBJSENSE
    MAX
ROWS
 N every_one
 L every_one_2
 G const
 E wide
 L wide_2
COLUMNS
    _free every_one_2 1
    x every_one -2.5
    x every_one_2 -1
    fix every_one_2 0.5
    pos every_one_2 -0.25
    pos wide_2 1
    idle every_one 0
    lo every_one_2 1
    box every_one_2 1
    neg every_one_2 1
    MARKER 'MARKER' 'INTORG'
    n every_one_2 2
    m every_one_2 1
    b every_one_2 4
    MARKER 'MARKER' 'INTEND'
    long_namelong_namelong_namelong_namelong_namelong_name1 wide 1
    long_namelong_namelong_namelong_namelong_namelong_name2 wide -1
RHS
    RHS every_one_2 7
    RHS const -1
    RHS wide_2 -0.5
BOUNDS
 FR BND _free
 MI BND x
 UP BND x 4
 FX BND fix 2
 LO BND lo 1.5
 LO BND box -2
 UP BND box 3
 LO BND neg 0
 UP BND neg -1
 LO BND n 0
 PL BND n
 LO BND m -1
 UP BND m 5
 BV BND b
ENDATA
`

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, *Program) error
		want  string
	}{
		{"LP", func(b *bytes.Buffer, p *Program) error { return WriteLP(b, p) }, everyLP},
		{"MPS", func(b *bytes.Buffer, p *Program) error { return WriteMPS(b, p) }, everyMPS},
	} {
		p := every()
		var b bytes.Buffer
		if err := tc.write(&b, p); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != tc.want {
			t.Errorf("%s file:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
		if p.Rows[0].Name != "every one" || p.Columns[0].Name != "free" {
			t.Errorf("%s: writing changed the program's names", tc.name)
		}
	}
}

// TestWriteFile: the format follows the extension, in any case; an unknown one or a
// bad program is an error that leaves an existing file as it was.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	for name, want := range map[string]string{"e.lp": everyLP, "e.MPS": everyMPS} {
		path := filepath.Join(dir, name)
		if err := WriteFile(path, every()); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s: %v, or its text differs from the writer's", name, err)
		}
	}
	if err := WriteFile(filepath.Join(dir, "e.gms"), every()); err == nil || !strings.Contains(err.Error(), `cannot tell the format of`) || !strings.Contains(err.Error(), ".lp or .mps") {
		t.Errorf("unknown extension: %v", err)
	}
	bad := every()
	bad.Rows[0].RHS = math.NaN()
	path := filepath.Join(dir, "e.lp")
	if err := WriteFile(path, bad); err == nil {
		t.Error("a program with a NaN right-hand side was written")
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != everyLP {
		t.Errorf("a failed write changed the file: %v", err)
	}
}

// TestCheck: what the files cannot say is an error naming the program and the row or
// column, and nothing is written.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		change func(p *Program)
		want   string
	}{
		{func(p *Program) { p.Objective.Index = 13 }, `program "every one": objective -2.5 times column 13, of 13 columns`},
		{func(p *Program) { p.Objective.Coef = math.Inf(-1) }, "objective -Inf times column 1"},
		{func(p *Program) { p.Columns = nil; p.Rows = nil }, "objective -2.5 times column 1, of 0 columns"},
		{func(p *Program) { p.Columns[3].Lo = math.NaN() }, "column 3 (pos) has bounds [NaN, +Inf]"},
		{func(p *Program) { p.Columns[3].Lo = inf }, "column 3 (pos) has bounds [+Inf, +Inf]"},
		{func(p *Program) { p.Columns[1].Up = math.Inf(-1) }, "column 1 (x) has bounds [-Inf, -Inf]"},
		{func(p *Program) { p.Columns[0].Kind = 3 }, "column 0 (free) has kind 3"},
		{func(p *Program) { p.Rows[1].Rel = -1 }, "row 1 (const) has relation -1"},
		{func(p *Program) { p.Rows[2].RHS = inf }, "row 2 (wide) has right-hand side +Inf"},
		{func(p *Program) { p.Rows[0].Entries[2].Coef = math.NaN() }, "row 0 (every one) has coefficient NaN for column 2 (fix)"},
		{func(p *Program) { p.Rows[3].Entries[0].Index = -1 }, "row 3 (wide) has an entry for column -1, of 13 columns"},
		{func(p *Program) { p.Rows[2].Entries[1].Index = 11 }, "row 2 (wide) has two entries for column 11"},
	} {
		p := every()
		tc.change(p)
		for _, write := range []func(*bytes.Buffer, *Program) error{
			func(b *bytes.Buffer, p *Program) error { return WriteLP(b, p) },
			func(b *bytes.Buffer, p *Program) error { return WriteMPS(b, p) },
		} {
			var b bytes.Buffer
			if err := write(&b, p); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if b.Len() != 0 {
				t.Errorf("a failed write wrote %q", b.String())
			}
		}
	}
	// A binary column's bounds are not looked at, and an entry may repeat a column
	// in another row.
	p := every()
	p.Columns[10].Lo = math.NaN()
	if err := WriteLP(&bytes.Buffer{}, p); err != nil {
		t.Error(err)
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{"new-york": "new_york", "x(a b,c:d)": "x(a_b,c_d)", "1st": "_1st", ".x": "_.x", "$x": "_$x",
		"free": "_free", "End": "_End", "s.t.": "_s.t.", "e1": "e1", "épée": "_p_e", "": "_", `a!"#%&/;?@{}|~'`: `a!"#%&/;?@{}|~'`,
		strings.Repeat("a", 300): strings.Repeat("a", 240)} {
		if got := lpName(in); got != want {
			t.Errorf("lpName(%q) = %q, want %q", in, got, want)
		}
	}
	nm := newNamer()
	for _, want := range []string{"a_b", "a_b_2", "a_b_3"} {
		if got := nm.name("a-b"); got != want {
			t.Errorf("repeated name: %q, want %q", got, want)
		}
	}
	if got := nm.name("a_b_2"); got != "a_b_2_2" {
		t.Errorf("a name already made unique: %q", got)
	}
}

// TestTransportSolvedByGLPK solves the hand-built transportation LP, written in both
// formats, with glpsol when it is installed: the optimum, the duals of the demand
// rows and the names as written.
func TestTransportSolvedByGLPK(t *testing.T) {
	if _, err := glpk.Path(); err != nil {
		t.Skipf("%v; the written files are not solved", err)
	}
	dir := t.TempDir()
	for _, run := range []struct{ name, format string }{{"t.lp", "--lp"}, {"t.mps", "--freemps"}} {
		path := filepath.Join(dir, run.name)
		if err := WriteFile(path, transport()); err != nil {
			t.Fatal(err)
		}
		s, err := glpk.Solve(path, run.format)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status != "ff" || math.Abs(s.Objective-153.675) > 1e-9 {
			t.Errorf("%s: status %q, objective %.10g; want feasible primal and dual, 153.675", run.format, s.Status, s.Objective)
		}
		for name, want := range map[string]float64{"cost": 1, "demand(new_york)": 0.225, "demand(chicago)": 0.153, "demand(topeka)": 0.126} {
			if got, ok := s.RowDual[name]; !ok || math.Abs(got-want) > 1e-9 {
				t.Errorf("%s: dual of %s = %g (found %v), want %g", run.format, name, got, ok, want)
			}
		}
		if got, ok := s.ColPrimal["x(seattle,chicago)"]; !ok || math.Abs(got-300) > 1e-9 {
			t.Errorf("%s: x(seattle,chicago) = %g (found %v), want 300", run.format, got, ok)
		}
	}
}
