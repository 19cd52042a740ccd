package optfile

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt/nlpsolve"
)

// ent is an entry without its *Option, for comparisons.
type ent struct {
	Kind   Kind
	Line   int
	Name   string
	Value  Value
	Symbol string
	Labels []string
	Echo   bool
	Text   string
}

func ents(f *File) []ent {
	var out []ent
	for _, e := range f.Entries {
		x := ent{Kind: e.Kind, Line: e.Line, Value: e.Value, Symbol: e.Symbol, Labels: e.Labels, Echo: e.Echo, Text: e.Text}
		if e.Option != nil {
			x.Name = e.Option.Name
		}
		out = append(out, x)
	}
	return out
}

func iv(i int64) Value   { return Value{Type: Int, Int: i} }
func fv(f float64) Value { return Value{Type: Float, Float: f} }
func bv(b bool) Value    { return Value{Type: Bool, Bool: b} }
func ev(s string) Value  { return Value{Type: Enum, Str: s} }

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []ent
	}{
		{"empty", "", nil},
		{"blank lines", "\n  \n\t\n", nil},
		{"comment", "* nnopt options  \n*\n", []ent{{Kind: CommentEntry, Line: 1, Text: " nnopt options"}, {Kind: CommentEntry, Line: 2}}},
		{"int", "iteration limit 500", []ent{{Line: 1, Name: "iteration limit", Value: iv(500)}}},
		{"int sci", "iteration limit 1e6", []ent{{Line: 1, Name: "iteration limit", Value: iv(1000000)}}},
		{"int plus", "memory +7", []ent{{Line: 1, Name: "memory", Value: iv(7)}}},
		{"float", "time limit 2.5\ngradient tolerance 1E-9", []ent{{Line: 1, Name: "time limit", Value: fv(2.5)}, {Line: 2, Name: "gradient tolerance", Value: fv(1e-9)}}},
		{"float integer", "time limit 60", []ent{{Line: 1, Name: "time limit", Value: fv(60)}}},
		{"enum case", "method Newton-CG\nMETHOD lbfgs", []ent{{Line: 1, Name: "method", Value: ev("newton-cg")}, {Line: 2, Name: "method", Value: ev("lbfgs")}}},
		{"bool forms", "log iterations yes\nlog_iterations OFF\nlog iterations\nlog iterations 1\nlog iterations false", []ent{
			{Line: 1, Name: "log iterations", Value: bv(true)}, {Line: 2, Name: "log iterations", Value: bv(false)},
			{Line: 3, Name: "log iterations", Value: bv(true)}, {Line: 4, Name: "log iterations", Value: bv(true)},
			{Line: 5, Name: "log iterations", Value: bv(false)}}},
		{"equals", "time_limit = 60\niteration limit=5\nmemory= 3\nmethod =lbfgs", []ent{
			{Line: 1, Name: "time limit", Value: fv(60)}, {Line: 2, Name: "iteration limit", Value: iv(5)},
			{Line: 3, Name: "memory", Value: iv(3)}, {Line: 4, Name: "method", Value: ev("lbfgs")}}},
		{"equals, no blanks", "time_limit=2.5\nx.scale(a)=0.5\nx.scale=1.5", []ent{{Line: 1, Name: "time limit", Value: fv(2.5)},
			{Kind: DotEntry, Line: 2, Name: "scale", Symbol: "x", Labels: []string{"a"}, Value: fv(0.5)},
			{Kind: DotEntry, Line: 3, Name: "scale", Symbol: "x", Value: fv(1.5)}}},
		{"aliases", "iterlim 10\nRESLIM 5", []ent{{Line: 1, Name: "iteration limit", Value: iv(10)}, {Line: 2, Name: "time limit", Value: fv(5)}}},
		{"crlf bom", "\ufeff* c\r\nmemory 4\r\n", []ent{{Kind: CommentEntry, Line: 1, Text: " c"}, {Line: 2, Name: "memory", Value: iv(4)}}},
		{"echo", "echo off\nmemory 4\nECHO On", []ent{{Kind: EchoEntry, Line: 1}, {Line: 2, Name: "memory", Value: iv(4)}, {Kind: EchoEntry, Line: 3, Echo: true}}},
		{"dot whole symbol", "x.scale 10", []ent{{Kind: DotEntry, Line: 1, Name: "scale", Symbol: "x", Value: fv(10)}}},
		{"dot one element", "x.scale(seattle,new-york) 10", []ent{{Kind: DotEntry, Line: 1, Name: "scale", Symbol: "x", Labels: []string{"seattle", "new-york"}, Value: fv(10)}}},
		{"dot slice", "v.scale(*, 'j2 ') 5\ne.tolerance( 'i3 ',*) 1e-8", []ent{
			{Kind: DotEntry, Line: 1, Name: "scale", Symbol: "v", Labels: []string{"*", "j2"}, Value: fv(5)},
			{Kind: DotEntry, Line: 2, Name: "tolerance", Symbol: "e", Labels: []string{"i3", "*"}, Value: fv(1e-8)}}},
		{"dot quoted", `x.scale("new york",'a"b', ' x') = 2`, []ent{{Kind: DotEntry, Line: 1, Name: "scale", Symbol: "x", Labels: []string{"new york", `a"b`, " x"}, Value: fv(2)}}},
		{"dot all", "Variables.scale 3\nequations.tolerance 1e-7", []ent{
			{Kind: DotEntry, Line: 1, Name: "scale", Symbol: "variables", Value: fv(3)},
			{Kind: DotEntry, Line: 2, Name: "tolerance", Symbol: "equations", Value: fv(1e-7)}}},
		{"dot multi-word attribute", "w_1.Branch_Priority(i1) 4\nw_1.branch__priority 5", []ent{
			{Kind: DotEntry, Line: 1, Name: "branch priority", Symbol: "w_1", Labels: []string{"i1"}, Value: iv(4)},
			{Kind: DotEntry, Line: 2, Name: "branch priority", Symbol: "w_1", Value: iv(5)}}},
		{"dot space before labels", "x.scale (a) 2", []ent{{Kind: DotEntry, Line: 1, Name: "scale", Symbol: "x", Labels: []string{"a"}, Value: fv(2)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("t.opt", strings.NewReader(tc.in), testRegistry())
			if err != nil {
				t.Fatal(err)
			}
			if got := ents(f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	r := Default()
	for _, kw := range []string{"iteration limit", "ITERATION LIMIT", "Iteration_Limit", "iteration   limit", " iteration\tlimit ", "iteration__limit", "iteration_ limit", "iterlim", "IterLim"} {
		if o, ok := r.Lookup(kw); !ok || o.Name != "iteration limit" {
			t.Errorf("Lookup(%q) = %v, %v", kw, o, ok)
		}
	}
	for _, kw := range []string{"iterationlimit", "iteration-limit", "iteration limit x", "", "limit"} {
		if o, ok := r.Lookup(kw); ok {
			t.Errorf("Lookup(%q) = %q, want none", kw, o.Name)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // each error, in order
	}{
		{"misspelled", "* x\niteration limt 100", []string{`t.opt:2: unknown option "iteration limt"; did you mean "iteration limit"?`}},
		{"abbreviated", "grad tol 1e-5", []string{`t.opt:1: unknown option "grad tol"; did you mean "gradient tolerance"?`}},
		{"transposed", "memroy 5", []string{`t.opt:1: unknown option "memroy"; did you mean "memory"?`}},
		{"alias typo", "iterlm 5", []string{`t.opt:1: unknown option "iterlm"; did you mean "iteration limit"?`}},
		{"no suggestion", "frobnicate widgets 3", []string{`t.opt:1: unknown option "frobnicate widgets"; expected one of: elimination, feasibility tolerance, gradient tolerance, iteration limit, memory, method, phase1 objective weight, phase1 pin held rows, scaling, time limit`}},
		{"several", "memory 0\n\nmethod bfgs\ntime limit -1", []string{
			`t.opt:1: memory: bad value "0"; expected an integer in [1, 1000]`,
			`t.opt:3: method: bad value "bfgs"; expected one of lbfgs, newton-cg`,
			`t.opt:4: time limit: bad value "-1"; expected a real number in [0, 1000000000]`}},
		{"open bound", "gradient tolerance 0", []string{`t.opt:1: gradient tolerance: bad value "0"; expected a real number in (0, inf)`}},
		{"inf", "gradient tolerance inf", []string{`t.opt:1: gradient tolerance: bad value "inf"; expected a real number in (0, inf)`}},
		{"dot inf", "x.scale +Inf", []string{`t.opt:1: x.scale: scale: bad value "+Inf"; expected a real number in (0, inf)`}},
		{"nan", "gradient tolerance NaN", []string{`t.opt:1: gradient tolerance: bad value "NaN"; expected a real number in (0, inf)`}},
		{"not integral", "iteration limit 2.5", []string{`t.opt:1: iteration limit: bad value "2.5"; expected an integer in [0, 2147483647]`}},
		{"too big", "iteration limit 1e10", []string{`t.opt:1: iteration limit: bad value "1e10"; expected an integer in [0, 2147483647]`}},
		{"missing value", "memory", []string{`t.opt:1: memory: missing value; expected an integer in [1, 1000]`}},
		{"trailing text", "memory 5 # pairs", []string{`t.opt:1: memory: unexpected "# pairs" after the value "5" (one value per line; comments need "*" in the first column)`}},
		{"indented comment", "  * note", []string{`t.opt:1: a comment must start with "*" in the first column`}},
		{"echo", "echo\necho maybe", []string{
			`t.opt:1: echo: expected "echo on" or "echo off", got "echo"`,
			`t.opt:2: echo: expected "echo on" or "echo off", got "echo maybe"`}},
		{"bool", "log iterations maybe", []string{`t.opt:1: log iterations: bad value "maybe"; expected a boolean (1/0, yes/no, true/false, on/off)`}},
		{"dot as plain", "scale 10", []string{`t.opt:1: "scale" is a dot option: write <symbol>.scale <value> (for variables and equations)`}},
		{"plain as dot", "x.memory 5", []string{`t.opt:1: x.memory: "memory" is not a dot option; set it on a line of its own: memory <value>`}},
		{"dot typo", "x.scal 5", []string{`t.opt:1: x.scal: unknown dot option "scal"; did you mean "scale"?`}},
		{"dot unknown", "x.frobnicate 5", []string{`t.opt:1: x.frobnicate: unknown dot option "frobnicate"; expected one of: branch_priority, scale, tolerance`}},
		{"dot bad symbol", "1x.scale 5", []string{`t.opt:1: expected a dot option <symbol>.<attribute> [(labels)] <value> with a symbol name (a letter, then letters, digits, "_") before the ".", got "1x.scale"`}},
		{"dot no attribute", "x. 5", []string{`t.opt:1: x.: expected an attribute name after the "."`}},
		{"dot target", "variables.tolerance 1e-6", []string{`t.opt:1: variables.tolerance: "tolerance" applies to equations only`}},
		{"dot all labels", "equations.scale(i) 2", []string{`t.opt:1: equations.scale: equations.scale takes no labels`}},
		{"dot unclosed", "x.scale(a,b 2", []string{`t.opt:1: x.scale: expected "," or ")" after label "b"`}},
		{"dot eol", "x.scale(a,", []string{`t.opt:1: x.scale: expected a label and ")" before the end of the line`}},
		{"dot empty labels", "x.scale() 2", []string{`t.opt:1: x.scale: expected a label (letters, digits, _, +, -; or quoted with ' or "; or *), got ')'`}},
		{"dot unclosed quote", "x.scale('a) 2", []string{`t.opt:1: x.scale: missing closing ' in a quoted label`}},
		{"dot empty quote", "x.scale('  ') 2", []string{`t.opt:1: x.scale: empty label`}},
		{"dot quoted star", "x.scale('*') 2", []string{`t.opt:1: x.scale: '*' cannot be a label: write * unquoted for every element`}},
		{"dot value", "x.scale(a) -1", []string{`t.opt:1: x.scale: scale: bad value "-1"; expected a real number in (0, inf)`}},
		{"dot missing value", "x.scale(a)", []string{`t.opt:1: x.scale: scale: missing value; expected a real number in (0, inf)`}},
		{"dot too many labels", "x.scale(" + strings.Repeat("a,", 21) + "a) 1", []string{`t.opt:1: x.scale: more than 20 labels`}},
		{"equals only", "= 5", []string{`t.opt:1: expected an option keyword before "="; expected one of: elimination, feasibility tolerance, gradient tolerance, iteration limit, log iterations, memory, method, phase1 objective weight, phase1 pin held rows, scaling, time limit`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := testRegistry()
			if tc.name == "no suggestion" {
				reg = Default()
			}
			f, err := Parse("t.opt", strings.NewReader(tc.in), reg)
			if err == nil {
				t.Fatalf("no error; entries %+v", ents(f))
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("%T is not an ErrorList", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			var one *Error
			if !errors.As(err, &one) || one.File != "t.opt" || one.Line == 0 {
				t.Errorf("errors.As(*Error) = %+v", one)
			}
		})
	}
}

func TestDefaultDotOptions(t *testing.T) {
	if _, err := Parse("nnopt.opt", strings.NewReader("x.scale 10"), Default()); err != nil {
		t.Errorf("x.scale: %v", err)
	}
	for _, tc := range []struct{ line, want string }{
		{"x.scale 1e-30", `bad value "1e-30"; expected a real number in (1e-20, 1e+20]`},
		{"x.tolerance 1e-6", `nnopt.opt:1: x.tolerance: unknown dot option "tolerance"; expected one of: scale`},
	} {
		_, err := Parse("nnopt.opt", strings.NewReader(tc.line), Default())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %s", tc.line, err, tc.want)
		}
	}
}

func TestTooManyErrors(t *testing.T) {
	_, err := Parse("t.opt", strings.NewReader(strings.Repeat("bad\n", 100)), Default())
	list := err.(ErrorList)
	if len(list) != maxErrors+1 || list[maxErrors].Line != maxErrors || !strings.Contains(list[maxErrors].Msg, "too many errors") {
		t.Errorf("%d errors, last %v", len(list), list[len(list)-1])
	}
}

func TestApply(t *testing.T) {
	f, err := Parse("t.opt", strings.NewReader("iteration limit 10\ntime limit 1.5\nmethod newton-cg\ngradient tolerance 1e-5\nmemory 3\niterlim 20\nx.scale 2\nlog iterations"), testRegistry())
	if err != nil {
		t.Fatal(err)
	}
	set := nlpsolve.Settings{IterationLimit: 1, Memory: 99}
	f.Apply(&set)
	want := nlpsolve.Settings{IterationLimit: 20, TimeLimit: 1500 * time.Millisecond, Method: nlpsolve.NewtonCG, GradientTolerance: 1e-5, Memory: 3}
	if !reflect.DeepEqual(set, want) {
		t.Errorf("got %+v, want %+v", set, want)
	}
	if d := f.DotOptions(); len(d) != 1 || d[0].Symbol != "x" || d[0].Value.Float != 2 {
		t.Errorf("DotOptions = %+v", d)
	}
	// Defaults applied give the solver's own defaults.
	var def nlpsolve.Settings
	for _, o := range Default().Options() {
		if o.Apply != nil {
			o.Apply(&def, o.Default)
		}
	}
	if !reflect.DeepEqual(def, nlpsolve.Settings{GradientTolerance: 1e-7, Memory: 10, Method: nlpsolve.LBFGS, Scaling: nlpsolve.ScaleAuto, Elimination: nlpsolve.EliminateDefined,
		FeasibilityTolerance: 1e-9, Phase1ObjectiveWeight: 1e-2}) {
		t.Errorf("defaults give %+v", def)
	}
}

func TestMatches(t *testing.T) {
	f, err := Parse("t.opt", strings.NewReader("x.scale 1\nx.scale(*,j2) 2\nx.scale(I3,j3) 3"), testRegistry())
	if err != nil {
		t.Fatal(err)
	}
	// Applied in order, as in the reference's example.
	got := map[string]float64{}
	for _, i := range []string{"i1", "i2", "i3"} {
		for _, j := range []string{"j2", "j3", "j4"} {
			for _, e := range f.DotOptions() {
				if e.Matches([]string{i, j}) {
					got[i+"."+j] = e.Value.Float
				}
			}
		}
	}
	want := map[string]float64{"i1.j2": 2, "i1.j3": 1, "i1.j4": 1, "i2.j2": 2, "i2.j3": 1, "i2.j4": 1, "i3.j2": 2, "i3.j3": 3, "i3.j4": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if f.Entries[1].Matches([]string{"i1"}) {
		t.Error("a 2-label entry matched 1 label")
	}
}

func TestEcho(t *testing.T) {
	in := "* head\nmemory 4\necho off\nx.scale 1\n\necho on\nmethod lbfgs\n"
	f, err := Parse("t.opt", strings.NewReader(in), testRegistry())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := f.Echo(&b); err != nil {
		t.Fatal(err)
	}
	want := "    * head\n    memory 4\n    echo on\n    method lbfgs\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestFormat(t *testing.T) {
	in := "*  c\nIteration_Limit = 1e3\nmethod NEWTON-CG\nx.Scale(*, 'new york', \"a'b\", b) 2.50\nequations.tolerance 1e-6\necho off\nlog iterations\n"
	want := "*  c\niteration limit 1000\nmethod newton-cg\nx.scale(*,'new york',\"a'b\",b) 2.5\nequations.tolerance 1e-06\necho off\nlog iterations 1\n"
	f, err := Parse("t.opt", strings.NewReader(in), testRegistry())
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Format(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestOptFileName(t *testing.T) {
	for n, want := range map[int]string{-1: "", 0: "", 1: "nnopt.opt", 2: "nnopt.op2", 9: "nnopt.op9", 10: "nnopt.o10", 99: "nnopt.o99", 100: "nnopt.100", 999: "nnopt.999", 1000: ""} {
		if got := OptFileName(Solver, n); got != want {
			t.Errorf("OptFileName(%d) = %q, want %q", n, got, want)
		}
	}
	if got := OptFileName("NNOPT", 3); got != "nnopt.op3" {
		t.Errorf("got %q", got)
	}
}

func TestRegistryAdd(t *testing.T) {
	ok := func(*nlpsolve.Settings, Value) {}
	base := Option{Name: "x", Type: Int, Min: 0, Max: 10, Default: iv(1), Doc: "d", Apply: ok}
	for _, tc := range []struct {
		name string
		mod  func(*Option)
	}{
		{"upper case", func(o *Option) { o.Name = "X" }},
		{"underscore", func(o *Option) { o.Name = "a_b" }},
		{"double space", func(o *Option) { o.Name = "a  b" }},
		{"digit first", func(o *Option) { o.Name = "1a" }},
		{"echo", func(o *Option) { o.Name = "echo lines" }},
		{"duplicate", func(o *Option) { o.Name = "memory" }},
		{"duplicate alias", func(o *Option) { o.Aliases = []string{"iterlim"} }},
		{"no doc", func(o *Option) { o.Doc = "" }},
		{"two-line doc", func(o *Option) { o.Doc = "a\nb" }},
		{"no apply", func(o *Option) { o.Apply = nil }},
		{"dot with apply", func(o *Option) { o.Dot = Variables }},
		{"default type", func(o *Option) { o.Default = fv(1) }},
		{"default out of bounds", func(o *Option) { o.Default = iv(11) }},
		{"default on open bound", func(o *Option) { o.Default = iv(0); o.MinOpen = true }},
		{"bad bounds", func(o *Option) { o.Min = 5; o.Max = 4; o.Default = iv(4) }},
		{"nan bound", func(o *Option) { o.Max = math.NaN() }},
		{"enum no values", func(o *Option) { o.Type = Enum; o.Default = ev("a") }},
		{"enum default", func(o *Option) { o.Type = Enum; o.Values = []string{"a"}; o.Default = ev("b") }},
		{"enum upper", func(o *Option) { o.Type = Enum; o.Values = []string{"A"}; o.Default = ev("A") }},
		{"enum dup", func(o *Option) { o.Type = Enum; o.Values = []string{"a", "a"}; o.Default = ev("a") }},
		{"bad type", func(o *Option) { o.Type = 9; o.Default.Type = 9 }},
		{"reserved dot", func(o *Option) { o.Name = "variables"; o.Dot = Variables; o.Apply = nil }},
	} {
		o := base
		tc.mod(&o)
		if err := Default().Add(o); err == nil {
			t.Errorf("%s: Add accepted %+v", tc.name, o)
		}
	}
	if err := Default().Add(base); err != nil {
		t.Errorf("base: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	r := testRegistry()
	for _, tc := range []struct {
		kw   string
		dot  bool
		want string
	}{
		{"iteration limt", false, "iteration limit"},
		{"Iteration_Limt", false, "iteration limit"},
		{"iter", false, "iteration limit"},
		{"time", false, "time limit"},
		{"metod", false, "method"},
		{"scale", false, ""},
		{"scal", true, "scale"},
		{"tolerence", true, "tolerance"},
		{"zzzzzz", false, ""},
		{"", false, ""},
	} {
		if got := r.Suggest(tc.kw, tc.dot); got != tc.want {
			t.Errorf("Suggest(%q, %v) = %q, want %q", tc.kw, tc.dot, got, tc.want)
		}
	}
}

func TestReadFile(t *testing.T) {
	if _, err := ReadFile("testdata/does-not-exist.opt", Default()); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestLongLine(t *testing.T) {
	// Keyword matching only tries as many tokens as the longest name has
	// words, so a line of 50000 tokens parses in linear time.
	_, err := Parse("t.opt", strings.NewReader(strings.Repeat("a ", 50000)), Default())
	want := `t.opt:1: unknown option "a a a a a a a a ..."; expected one of: elimination, feasibility tolerance, gradient tolerance, iteration limit, memory, method, phase1 objective weight, phase1 pin held rows, scaling, time limit`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
