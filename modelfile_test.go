package nnopt_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/internal/testmodels"
	"github.com/nnopt/nnopt/safetensors"
)

// roundTrip encodes m, decodes the file and checks that the decoded model encodes to
// the same bytes: every set, array and expression came back as it was written.
func roundTrip(t *testing.T, m *nnopt.Model) (*nnopt.Container, *nnopt.Model, []byte) {
	t.Helper()
	var file bytes.Buffer
	if err := m.Encode(&file); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	c, m2, err := nnopt.DecodeModel(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatalf("DecodeModel: %v", err)
	}
	var again bytes.Buffer
	if err := m2.Encode(&again); err != nil {
		t.Fatalf("Encode of the decoded model: %v", err)
	}
	if !bytes.Equal(file.Bytes(), again.Bytes()) {
		t.Errorf("the decoded model encodes to %d bytes that differ from the original's %d", again.Len(), file.Len())
	}
	return c, m2, file.Bytes()
}

// sameBits reports whether a and b hold the same float64 bits.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// sameGenerated checks that two models generate the same: statistics, the Jacobian
// at the levels (structure and values) and the residuals, bit for bit.
func sameGenerated(t *testing.T, a, b *nnopt.Model) {
	t.Helper()
	st1, err1 := a.Statistics()
	st2, err2 := b.Statistics()
	if err1 != nil || err2 != nil {
		t.Fatalf("statistics: %v, %v", err1, err2)
	}
	if st1 != st2 {
		t.Errorf("statistics differ:\n%+v\n%+v", st1, st2)
	}
	j1, err1 := a.Jacobian()
	j2, err2 := b.Jacobian()
	if err1 != nil || err2 != nil {
		t.Fatalf("Jacobian: %v, %v", err1, err2)
	}
	if len(j1.Blocks) != len(j2.Blocks) {
		t.Fatalf("%d Jacobian blocks, decoded %d", len(j1.Blocks), len(j2.Blocks))
	}
	for q := range j1.Blocks {
		x, y := j1.Blocks[q], j2.Blocks[q]
		if !reflect.DeepEqual(x.RowStart, y.RowStart) || !reflect.DeepEqual(x.Var, y.Var) || !reflect.DeepEqual(x.Elem, y.Elem) {
			t.Errorf("Jacobian block %d: structures differ", q)
		}
		if !sameBits(x.Value, y.Value) || !sameBits(x.Residual, y.Residual) {
			t.Errorf("Jacobian block %d: values or residuals differ", q)
		}
	}
	r1, err1 := a.Residuals()
	r2, err2 := b.Residuals()
	if err1 != nil || err2 != nil {
		t.Fatalf("residuals: %v, %v", err1, err2)
	}
	byName := map[string][]float64{}
	for e, r := range r2 {
		byName[e.Name()] = r
	}
	for e, r := range r1 {
		if !sameBits(r, byName[e.Name()]) {
			t.Errorf("equation %s: residuals differ:\n%v\n%v", e.Name(), r, byName[e.Name()])
		}
	}
}

// sameSolution checks that two solved models hold the same attributes, and the
// named variables and equations of their containers the same levels and
// marginals, bit for bit.
func sameSolution(t *testing.T, a, b *nnopt.Model, ca, cb *nnopt.Container, names ...string) {
	t.Helper()
	if math.Float64bits(a.ObjectiveValue) != math.Float64bits(b.ObjectiveValue) || a.Status != b.Status || a.SolveStatus != b.SolveStatus || a.NumIterations != b.NumIterations {
		t.Errorf("solves differ: objective %v %v, status %v %v, solve status %v %v, iterations %d %d",
			a.ObjectiveValue, b.ObjectiveValue, a.Status, b.Status, a.SolveStatus, b.SolveStatus, a.NumIterations, b.NumIterations)
	}
	for _, n := range names {
		switch s := ca.Lookup(n).(type) {
		case *nnopt.Variable:
			s2, ok := cb.Lookup(n).(*nnopt.Variable)
			if !ok || !sameBits(s.L, s2.L) || !sameBits(s.M, s2.M) {
				t.Errorf("variable %s: levels or marginals differ", n)
			}
		case *nnopt.Equation:
			s2, ok := cb.Lookup(n).(*nnopt.Equation)
			if !ok || !sameBits(s.L, s2.L) || !sameBits(s.M, s2.M) {
				t.Errorf("equation %s: levels or marginals differ", n)
			}
		default:
			t.Fatalf("%s is %T", n, s)
		}
	}
}

// transportLP is the reference's transportation model.
func transportLP(t testing.TB) (*nnopt.Container, *nnopt.Model) {
	t.Helper()
	c := nnopt.NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a, b, d, f := c.NewParameter("a", i), c.NewParameter("b", j), c.NewParameter("d", i, j), c.NewParameter("f")
	copy(a.Values, []float64{350, 600})
	copy(b.Values, []float64{325, 300, 275})
	copy(d.Values, []float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4})
	f.Values[0] = 90
	x := c.NewVariable("x", nnopt.Positive, i, j)
	z := c.NewVariable("z", nnopt.Free)
	mustTB(t, c.NewEquation("cost").Define(nnopt.Eq(z, nnopt.Sum(nnopt.Mul(nnopt.Div(nnopt.Mul(f, d), nnopt.Const(1000)), x), i, j))))
	mustTB(t, c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a)))
	mustTB(t, c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), b)))
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: z})
	mustTB(t, err)
	return c, m
}

func TestModelFileTransportSolvesTheSame(t *testing.T) {
	c, m := transportLP(t)
	m.Options = nnopt.Options{IterationLimit: 1000, GradientTolerance: 1e-9}
	c2, m2, _ := roundTrip(t, m)
	sameGenerated(t, m, m2)
	if !reflect.DeepEqual(m2.Options, m.Options) {
		t.Errorf("model options %+v, decoded %+v", m.Options, m2.Options)
	}
	ctx := context.Background()
	must(t, m.Solve(ctx, nnopt.Options{}))
	must(t, m2.Solve(ctx, nnopt.Options{}))
	if math.Abs(m.ObjectiveValue-153.675) > 1e-6 {
		t.Errorf("objective %v, want 153.675", m.ObjectiveValue)
	}
	sameSolution(t, m, m2, c, c2, "x", "z", "cost", "supply", "demand")
}

// everyKindModel is a model with every kind of set and symbol and every operation
// of the algebra that a model file holds.
func everyKindModel(t testing.TB) (*nnopt.Container, *nnopt.Model) {
	t.Helper()
	c := nnopt.NewContainer()
	c.Options = nnopt.Options{Memory: 7, Solvers: map[nnopt.Problem]string{nnopt.LP: "nnopt"}}
	i := c.NewSet("i", "a", "b", "c")
	tt := c.NewSet("t", "1", "2", "3", "4")
	i2 := c.NewAlias("i2", i)
	c.NewSet("empty")
	d := c.Dims(2, 2)
	sub := c.NewSubset("sub", i, tt)
	mustTB(t, sub.SetMembers([]int{0, 1}, []int{2, 3}, []int{1, 0}))
	late := c.NewSubset("late", tt)
	mustTB(t, late.SetMembers([]int{1}, []int{2}, []int{3}))
	c.NewParameter("unused", i)
	p := c.NewParameter("p", i, tt)
	for k := range p.Values {
		p.Values[k] = 0.5 + 0.125*float64(k)
	}
	p.Values[3] = nnopt.Eps()
	sp := c.NewSparseParameter("sp", i, tt)
	mustTB(t, sp.SetRecords([][]string{{"c", "4"}, {"a", "2"}}, []float64{2.5, -1}))
	q := c.NewParameter("q", i2)
	copy(q.Values, []float64{1, 2, 3})
	w := c.NewParameter("w", d[0], d[1])
	copy(w.Values, []float64{0.5, -0.25, 1, 2})
	x := c.NewVariable("x", nnopt.Positive, i, tt)
	for k := range x.L {
		x.L[k] = 0.1 * float64(k+1)
		x.M[k] = -float64(k)
		x.Scale[k] = 1 + float64(k%3)
	}
	x.Up[5] = 7
	y := c.NewVariable("y", nnopt.Free, d[0])
	copy(y.L, []float64{0.3, -0.7})
	n := c.NewVariable("n", nnopt.Integer, i)
	n.Up[1] = 4
	z := c.NewVariable("z", nnopt.Free)
	def := func(name string, dom []*nnopt.Set, r *nnopt.Relation) *nnopt.Equation {
		t.Helper()
		e := c.NewEquation(name, dom...)
		mustTB(t, e.Define(r))
		return e
	}
	funcs := nnopt.Add(nnopt.Add(nnopt.Add(nnopt.Tanh(x), nnopt.Exp(x)), nnopt.Add(nnopt.Log(nnopt.Add(x, nnopt.Const(1))), nnopt.Sqrt(nnopt.Add(nnopt.Sqr(x), nnopt.Const(1))))),
		nnopt.Add(nnopt.Add(nnopt.Sigmoid(x), nnopt.Sin(x)), nnopt.Add(nnopt.Add(nnopt.Cos(x), nnopt.Abs(x)), nnopt.Add(nnopt.Add(nnopt.Erf(x), nnopt.Softplus(x)), nnopt.Add(nnopt.Power(x, 2.5), nnopt.Pow(p, x))))))
	def("funcs", []*nnopt.Set{i, tt}, nnopt.Eq(funcs, nnopt.Add(nnopt.Mul(p, x), nnopt.Div(sp, nnopt.Const(2)))))
	lags := def("lags", []*nnopt.Set{tt}, nnopt.Eq(nnopt.Lag(nnopt.Sum(x, i), tt, 1), nnopt.Lead(nnopt.Sum(nnopt.Where(x, late), i), tt, 2)))
	mustTB(t, lags.Where(late))
	lags.Scale[2] = 10
	def("lse", []*nnopt.Set{i}, nnopt.Le(nnopt.LogSumExp(x, tt), nnopt.Max(nnopt.Min(n, q.At(i)), nnopt.Neg(nnopt.Sum(p, tt)))))
	def("matmul", []*nnopt.Set{d[0]}, nnopt.Eq(y, nnopt.MatMul(w, y)))
	def("obj", nil, nnopt.Eq(z, nnopt.Sub(nnopt.Add(nnopt.Add(nnopt.SumIn(sub, x), x.Elem("b", "3")), nnopt.Add(nnopt.Sum(nnopt.Mul(x.UpAttr(), x), i, tt), nnopt.Sum(y, d[0]))), nnopt.Sum(n, i, tt))))
	e := def("nb", []*nnopt.Set{i}, nnopt.Nonbinding(nnopt.Sum(x, tt), nnopt.Mul(nnopt.Const(math.Inf(1)), q.At(i))))
	e.Type = nnopt.GE
	m, err := c.NewModel("every", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.MINLP, Sense: nnopt.Maximize, Objective: nnopt.Add(z, nnopt.Const(-0.5))})
	mustTB(t, err)
	m.Options = nnopt.Options{Method: nnopt.LBFGS, Freeze: nnopt.FreezeOptions{UpdateType: nnopt.UpdateAccumulate, NoMatchLimit: 3}}
	return c, m
}

func TestModelFileEveryKindOfSymbolAndOperation(t *testing.T) {
	c, m := everyKindModel(t)
	c2, m2, file := roundTrip(t, m)
	sameGenerated(t, m, m2)
	// The model uses every operation and function a file holds.
	meta := file[20 : 20+binary.LittleEndian.Uint64(file[12:])]
	ops, funcs := nnopt.FileFormNames()
	for _, op := range ops {
		if !bytes.Contains(meta, []byte(`"op":"`+op+`"`)) {
			t.Errorf("the model has no operation %q", op)
		}
	}
	for _, fn := range funcs {
		if !bytes.Contains(meta, []byte(`"fn":"`+fn+`"`)) {
			t.Errorf("the model has no function %q", fn)
		}
	}
	if !reflect.DeepEqual(c2.Options, c.Options) || !reflect.DeepEqual(m2.Options, m.Options) {
		t.Errorf("options %+v %+v, decoded %+v %+v", c.Options, m.Options, c2.Options, m2.Options)
	}
	if c2.Lookup("unused") != nil {
		t.Errorf("a parameter the model does not use was written")
	}
	if c2.Lookup("empty") != nil {
		t.Errorf("a set the model does not use was written")
	}
	// AddDims in the decoded container goes on where the original's would.
	d1, d2 := c.Dims(2, 2, 2), c2.Dims(2, 2, 2)
	if d1[2].Name() != d2[2].Name() {
		t.Errorf("the next dimension is %s, decoded %s", d1[2].Name(), d2[2].Name())
	}
	if e := c2.Lookup("nb").(*nnopt.Equation); e.Type != nnopt.GE {
		t.Errorf("equation nb's type %v, want =G= as set after Define", e.Type)
	}
}

// A frozen model decoded elsewhere and sent only its scenarios' data solves each
// scenario as the original does, base case included: an element of a modifiable
// without a record takes its value at the original's Freeze, even when the file is
// written after other scenarios were solved.
func TestModelFileFrozenScenarios(t *testing.T) {
	tr := newTransport(t)
	ctx := context.Background()
	tr.x.Up[1] = 200 // the base case of x.up(seattle,chicago), which binds
	must(t, tr.m.Freeze(tr.bmult, tr.x.UpAttr()))
	tr.bmult.Values[0] = 1.1
	tr.x.Up[1] = math.Inf(1) // the type's default: no record, the base case applies
	must(t, tr.m.Solve(ctx, nnopt.Options{}))

	c2, m2, _ := roundTrip(t, tr.m)
	if !m2.Frozen() {
		t.Fatal("the decoded model is not frozen")
	}
	for _, bm := range []float64{0.9, 1, 1.2, 0.6} { // 1.2 is infeasible
		tr.bmult.Values[0] = bm
		var scenario bytes.Buffer
		must(t, tr.m.EncodeScenario(&scenario))
		must(t, m2.ApplyScenario(&scenario))
		if got := c2.Lookup("bmult").(*nnopt.Parameter).Values[0]; got != bm {
			t.Fatalf("scenario bmult %v applied as %v", bm, got)
		}
		err1 := tr.m.Solve(ctx, nnopt.Options{})
		err2 := m2.Solve(ctx, nnopt.Options{})
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("bmult %v: solves end in %v and %v", bm, err1, err2)
		}
		sameSolution(t, tr.m, m2, tr.c, c2, "x", "bmult_var", "supply", "demand")
		if bm == 1 && !(tr.m.Status == nnopt.StatusOptimal && tr.m.ObjectiveValue > 153.675+1e-6 && tr.x.L[1] <= 200+1e-9) {
			t.Errorf("bmult 1: %v, objective %v, x(seattle,chicago) = %v; want above 153.675 with x(seattle,chicago) at most its base bound 200",
				tr.m.Status, tr.m.ObjectiveValue, tr.x.L[1])
		}
	}
}

// The decoded instance is the original's as it is at Encode, not as it was at
// Freeze: data applied by earlier solves stays for UpdateAccumulate, and the levels
// the next solve starts from are the instance's, not the container's.
func TestModelFileFrozenInstanceState(t *testing.T) {
	tr := newTransport(t)
	ctx := context.Background()
	opt := nnopt.Options{Freeze: nnopt.FreezeOptions{UpdateType: nnopt.UpdateAccumulate}}
	must(t, tr.m.Freeze(tr.bmult, tr.x.UpAttr()))
	tr.x.Up[1] = 200 // a record: x.up(seattle,chicago) binds
	must(t, tr.m.Solve(ctx, opt))
	tr.x.Up[1] = math.Inf(1) // no record: the instance keeps 200
	tr.x.L[0] = 999          // not modifiable: the instance starts from its own levels
	c2, m2, _ := roundTrip(t, tr.m)
	for _, bm := range []float64{1, 0.9} {
		tr.bmult.Values[0] = bm
		var scenario bytes.Buffer
		must(t, tr.m.EncodeScenario(&scenario))
		must(t, m2.ApplyScenario(&scenario))
		must(t, tr.m.Solve(ctx, opt))
		must(t, m2.Solve(ctx, opt))
		sameSolution(t, tr.m, m2, tr.c, c2, "x", "bmult_var", "supply", "demand")
		if tr.x.L[1] > 200+1e-9 {
			t.Errorf("bmult %v: x(seattle,chicago) = %v beyond the accumulated bound 200", bm, tr.x.L[1])
		}
	}
}

func TestScenarioFileErrors(t *testing.T) {
	tr := newTransport(t)
	must(t, tr.m.Freeze(tr.bmult))
	var scenario bytes.Buffer
	must(t, tr.m.EncodeScenario(&scenario))
	other := newTransport(t)
	if err := other.m.ApplyScenario(bytes.NewReader(scenario.Bytes())); err == nil {
		t.Error("scenario data applied to a model that is not frozen")
	}
	if err := other.m.EncodeScenario(io.Discard); err == nil {
		t.Error("scenario data written from a model that is not frozen")
	}
	must(t, other.m.Freeze(other.x.LoAttr()))
	err := other.m.ApplyScenario(bytes.NewReader(scenario.Bytes()))
	if !errors.Is(err, nnopt.ErrModelFile) || !strings.Contains(err.Error(), `"bmult"`) {
		t.Errorf("scenario of bmult applied to a model frozen with x.lo: %v", err)
	}
	var model bytes.Buffer
	must(t, tr.m.Encode(&model))
	if err := tr.m.ApplyScenario(&model); !errors.Is(err, nnopt.ErrModelFile) || !strings.Contains(err.Error(), "model file, not a scenario file") {
		t.Errorf("a model file read as scenario data: %v", err)
	}
	damaged := bytes.Clone(scenario.Bytes())
	damaged[len(damaged)-12] ^= 1 // the value of bmult
	tr.bmult.Values[0] = 3
	if err := tr.m.ApplyScenario(bytes.NewReader(damaged)); !errors.Is(err, nnopt.ErrModelFile) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("damaged scenario data: %v", err)
	}
	if tr.bmult.Values[0] != 3 {
		t.Errorf("damaged scenario data changed bmult to %v", tr.bmult.Values[0])
	}
}

// mustTB fails the test or fuzz target on an error.
func mustTB(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// splitFile returns the metadata and the data section of a model file.
func splitFile(file []byte) (meta, bulk []byte) {
	n := binary.LittleEndian.Uint64(file[12:])
	meta = file[20 : 20+n]
	rest := file[20+n:]
	b := binary.LittleEndian.Uint64(rest)
	return meta, rest[8 : 8+b]
}

// frame writes a model file as docs/model-file.md describes it, checksum included.
func frame(magic string, version uint32, meta, bulk []byte) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, version)
	binary.Write(&b, binary.LittleEndian, uint64(len(meta)))
	b.Write(meta)
	binary.Write(&b, binary.LittleEndian, uint64(len(bulk)))
	b.Write(bulk)
	binary.Write(&b, binary.LittleEndian, crc32.ChecksumIEEE(b.Bytes()))
	return b.Bytes()
}

func TestDecodeModelDamagedFiles(t *testing.T) {
	_, m := transportLP(t)
	var buf bytes.Buffer
	must(t, m.Encode(&buf))
	file := buf.Bytes()
	meta, bulk := splitFile(file)
	if !bytes.Equal(frame("NNOPTMDL", 1, meta, bulk), file) {
		t.Fatal("the test's framing differs from Encode's")
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(meta, []byte(old)) {
			t.Fatalf("the metadata has no %s", old)
		}
		return frame("NNOPTMDL", 1, bytes.Replace(meta, []byte(old), []byte(new), 1), bulk)
	}
	tensors, _, err := safetensors.Read(bytes.NewReader(bulk))
	must(t, err)
	x := tensors["variable/x/l"]
	x.DType = safetensors.F32
	tensors["variable/x/l"] = x
	var f32 bytes.Buffer
	must(t, safetensors.Write(&f32, tensors, nil))
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"another format", []byte("PK\x03\x04 a zip file, not a model"), "not an nnopt model file"},
		{"truncated magic", file[:5], "truncated"},
		{"unknown version", frame("NNOPTMDL", 2, meta, bulk), "version 2; this nnopt reads version 1"},
		{"truncated metadata", file[:100], "metadata section"},
		{"truncated data", file[:len(file)-50], "truncated"},
		{"no checksum", file[:len(file)-4], "before the checksum"},
		{"data after the file", append(bytes.Clone(file), 0), "data after the checksum"},
		{"wrong checksum", append(bytes.Clone(file[:len(file)-4]), 1, 2, 3, 4), "checksum"},
		{"bad JSON", edit(`{"format"`, `{"format`), "metadata"},
		{"unknown field", edit(`"format":`, `"colour":"red","format":`), `unknown field "colour"`},
		{"another file's format", edit(`"nnopt-model"`, `"nnopt-other"`), `format "nnopt-other"`},
		{"unknown symbol in an expression", edit(`"sym":"f"`, `"sym":"g"`), `"g", which the file does not define`},
		{"a set as a symbol", edit(`"sym":"f"`, `"sym":"i"`), `"i", a set`},
		{"unknown operation", edit(`"op":"div"`, `"op":"mod"`), `unknown operation "mod"`},
		{"unknown function", edit(`{"op":"div","args":[4,5]}`, `{"op":"func","fn":"gamma","args":[4]},{"op":"const","val":"1"}`), `expression node 6 (func): unknown function "gamma"`},
		{"wrong arity", edit(`"op":"div"`, `"op":"neg"`), "expression node 6 (neg): 2 arguments, want 1"},
		{"array size mismatch", edit(`{"name":"d","domain":["i","j"]}`, `{"name":"d","domain":["i"]}`), `tensor "parameter/d/values" has 6 values, want 2`},
		{"missing array", edit(`{"name":"f"}`, `{"name":"f2"}`), `no tensor "parameter/f2/values"`},
		{"unknown set", edit(`"domain":["i","j"]`, `"domain":["i","k"]`), `set "k", which the file does not define`},
		{"uncontrolled index", edit(`"args":[8],"sets":["i","j"]`, `"args":[8],"sets":["j"]`), `index "i" is not controlled`},
		{"a later node as an argument", edit(`"args":[2,3]`, `"args":[2,30]`), "expression node 4 (mul): argument 1 is node 30; want an earlier node"},
		{"an unused node", edit(`"lhs":1,`, `"lhs":0,`), "expression node 1 (ref) is used by nothing"},
		{"no lhs", edit(`"lhs":1,`, ``), `equation "cost": lhs: no expression`},
		{"no such node", edit(`"rhs":9`, `"rhs":99`), `equation "cost": rhs: expression node 99; the file has 16`},
		{"unknown problem type", edit(`"problem":"LP"`, `"problem":"XLP"`), `unknown problem type "XLP"`},
		{"unknown variable type", edit(`"type":"positive"`, `"type":"imaginary"`), `unknown type "imaginary"`},
		{"F32 data", frame("NNOPTMDL", 1, meta, f32.Bytes()), `tensor "variable/x/l" is F32`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := nnopt.DecodeModel(bytes.NewReader(tc.file))
			if !errors.Is(err, nnopt.ErrModelFile) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want ErrModelFile and %q", err, tc.want)
			}
		})
	}
	// Every truncation and every flipped byte is an error, never a panic.
	for n := range len(file) {
		if _, _, err := nnopt.DecodeModel(bytes.NewReader(file[:n])); !errors.Is(err, nnopt.ErrModelFile) {
			t.Fatalf("the first %d of %d bytes: %v", n, len(file), err)
		}
	}
	for k := range file {
		damaged := bytes.Clone(file)
		damaged[k] ^= 0x5a
		if _, _, err := nnopt.DecodeModel(bytes.NewReader(damaged)); !errors.Is(err, nnopt.ErrModelFile) {
			t.Fatalf("byte %d of %d changed: %v", k, len(file), err)
		}
	}
}

func TestOptionsRoundTrip(t *testing.T) {
	for _, o := range []nnopt.Options{
		{},
		{IterationLimit: 10, TimeLimit: 1500 * time.Millisecond, Method: nnopt.NewtonCG, GradientTolerance: 1e-7, Memory: 5,
			Scaling: nnopt.ScaleUser, Elimination: nnopt.EliminateNone, Solvers: map[nnopt.Problem]string{nnopt.LP: "clp", nnopt.MIP: "cbc"},
			FeasibilityTolerance: 1e-8, Phase1ObjectiveWeight: -1, Phase1PinHeldRows: true,
			SavePoint: "point.safetensors", Threads: 3, ReportSolution: nnopt.ReportListing,
			Freeze: nnopt.FreezeOptions{UpdateType: nnopt.UpdateZero, NoMatchLimit: 2},
			MIP:    nnopt.MIPOptions{RelativeGap: 0.1, AbsoluteGap: math.Inf(1), NodeLimit: 100, Start: true}},
		{Method: nnopt.LBFGS, Scaling: nnopt.ScaleAuto, Elimination: nnopt.EliminateDefined, ReportSolution: nnopt.ReportNone,
			Freeze: nnopt.FreezeOptions{UpdateType: nnopt.UpdateAccumulate}, GradientTolerance: math.SmallestNonzeroFloat64},
	} {
		var b bytes.Buffer
		must(t, nnopt.EncodeOptions(&b, o))
		got, err := nnopt.DecodeOptions(&b)
		must(t, err)
		if !reflect.DeepEqual(got, o) {
			t.Errorf("options %+v came back as %+v", o, got)
		}
	}
	// A person may write numbers as JSON numbers.
	o, err := nnopt.DecodeOptions(strings.NewReader(`{"format":"nnopt-options","version":1,"gradient_tolerance":1e-6,"mip":{"relative_gap":"+Inf"}}`))
	must(t, err)
	if o.GradientTolerance != 1e-6 || !math.IsInf(o.MIP.RelativeGap, 1) {
		t.Errorf("hand-written options read as %+v", o)
	}
}

func TestOptionsThatCannotTravel(t *testing.T) {
	for _, tc := range []struct {
		field string
		o     nnopt.Options
	}{
		{"Output", nnopt.Options{Output: io.Discard}},
		{"OnIteration", nnopt.Options{OnIteration: func(nnopt.Iteration) {}}},
		{"Method", nnopt.Options{Method: nnopt.Method(99)}},
	} {
		var b bytes.Buffer
		err := nnopt.EncodeOptions(&b, tc.o)
		if err == nil || !strings.Contains(err.Error(), "Options."+tc.field) || b.Len() > 0 {
			t.Errorf("%s: error %v, %d bytes written; want an error naming Options.%s and nothing written", tc.field, err, b.Len(), tc.field)
		}
	}
	_, m := transportLP(t)
	m.Options.Output = io.Discard
	var b bytes.Buffer
	if err := m.Encode(&b); !errors.Is(err, nnopt.ErrUnsupported) || !strings.Contains(err.Error(), "Model.Options.Output") || b.Len() > 0 {
		t.Errorf("a model with an Output: %v, %d bytes written", err, b.Len())
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"format":"nnopt-options","version":1,"threads":2,"colour":1}`, `unknown field "colour"`},
		{`{"format":"nnopt-options","version":7}`, "version 7"},
		{`{"format":"nnopt-model","version":1}`, `format "nnopt-model"`},
		{`{"format":"nnopt-options","version":1,"method":"simplex"}`, `method: unknown value "simplex"`},
		{`{"format":"nnopt-options","version":1,"solvers":{"QP":"x"}}`, `unknown problem type "QP"`},
		{`{"format":"nnopt-options","version":1,"gradient_tolerance":"small"}`, "want a decimal number"},
		{`{"format":"nnopt-options","version":1,"gradient_tolerance":true}`, "want a decimal number"},
		{`{"format":"nnopt-options","version":1}{}`, "after the JSON"},
	} {
		_, err := nnopt.DecodeOptions(strings.NewReader(tc.doc))
		if !errors.Is(err, nnopt.ErrModelFile) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want ErrModelFile and %q", tc.doc, err, tc.want)
		}
	}
}

// doubling is a kernel that is no FileKernel, which a model file refuses.
type doubling struct{ n int }

func (doubling) Name() string                                     { return "doubling" }
func (k doubling) Lens() (int, []int)                             { return k.n, []int{k.n} }
func (doubling) Apply(out []float64, args [][]float64)            { copy(out, args[0]) }
func (doubling) EachPair(int, int, func(int, int))                {}
func (doubling) Transpose(_ int, dst, w []float64, _ [][]float64) { copy(dst, w) }
func (k doubling) Each(_ int, fn func(out, elem int)) {
	for i := range k.n {
		fn(i, i)
	}
}

func TestEncodeRefusesKernels(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b")
	x, y := c.NewVariable("x", nnopt.Free, i), c.NewVariable("y", nnopt.Free, i)
	must(t, c.NewEquation("k", i).Define(nnopt.Eq(y, nnopt.Apply(doubling{2}, []*nnopt.Set{i}, x))))
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: nnopt.Sum(y, i)})
	must(t, err)
	var b bytes.Buffer
	if err := m.Encode(&b); !errors.Is(err, nnopt.ErrUnsupported) || !strings.Contains(err.Error(), `equation "k": kernel doubling (nnopt_test.doubling) has no form in a model file`) || b.Len() > 0 {
		t.Errorf("a model with a kernel: %v, %d bytes written", err, b.Len())
	}
}

// Netlib LPs as AddProgram writes them (sparse coefficients, subsets of rows per
// relation, ranged rows) and a random sparse LP solve the same after a round trip.
func TestModelFileSparseLPsSolveTheSame(t *testing.T) {
	dir := testdata.NetlibDir(t)
	for _, name := range []string{"afiro", "blend", "sc50a"} {
		c, m, err := nnopt.ReadModel(filepath.Join(dir, name+".mps.gz"))
		mustTB(t, err)
		c2, m2, _ := roundTrip(t, m)
		sameGenerated(t, m, m2)
		opt := nnopt.Options{IterationLimit: 5000}
		mustTB(t, m.Solve(context.Background(), opt))
		mustTB(t, m2.Solve(context.Background(), opt))
		if m.Status != nnopt.StatusOptimal {
			t.Errorf("%s: %v", name, m.Status)
		}
		sameSolution(t, m, m2, c, c2, "x", "eqE")
	}
	m, err := testmodels.SparseLP(60, 300, 5)
	mustTB(t, err)
	_, m2, _ := roundTrip(t, m)
	sameGenerated(t, m, m2)
	mustTB(t, m.Solve(context.Background(), nnopt.Options{}))
	mustTB(t, m2.Solve(context.Background(), nnopt.Options{}))
	if math.Float64bits(m.ObjectiveValue) != math.Float64bits(m2.ObjectiveValue) || m.NumIterations != m2.NumIterations || m.NumIterations == 0 {
		t.Errorf("sparse LP: objective %v in %d iterations, decoded %v in %d", m.ObjectiveValue, m.NumIterations, m2.ObjectiveValue, m2.NumIterations)
	}
}

// An expression of any depth round-trips: a sum written as a chain of 20,000 Adds,
// deeper than JSON's nesting limit would allow a nested form. (Only the file is
// compared: generating so deep a chain takes the engine minutes.)
func TestModelFileDeepExpression(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free)
	var sum nnopt.Operand = x
	for k := range 20000 {
		sum = nnopt.Add(sum, nnopt.Mul(nnopt.Const(float64(k%7)), x))
	}
	mustTB(t, c.NewEquation("chain").Define(nnopt.Eq(sum, nnopt.Const(1))))
	m, err := c.NewModel("deep", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Feasibility})
	mustTB(t, err)
	roundTrip(t, m)
}

func TestSaveLoadModel(t *testing.T) {
	_, m := transportLP(t)
	path := filepath.Join(t.TempDir(), "transport.nnopt")
	mustTB(t, m.Save(path))
	_, m2, err := nnopt.LoadModel(path)
	mustTB(t, err)
	sameGenerated(t, m, m2)
	if _, _, err := nnopt.LoadModel(filepath.Join(t.TempDir(), "none.nnopt")); err == nil || !strings.Contains(err.Error(), "none.nnopt") {
		t.Errorf("a missing file: %v", err)
	}
	m.Options.OnIteration = func(nnopt.Iteration) {}
	mustTB(t, os.WriteFile(path, []byte("old"), 0o644))
	if err := m.Save(path); !errors.Is(err, nnopt.ErrUnsupported) {
		t.Errorf("a model with OnIteration saved: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("a failed Save changed the file to %q", b)
	}
	_, _, err = nnopt.LoadModel(path)
	if !errors.Is(err, nnopt.ErrModelFile) || !strings.Contains(err.Error(), path) {
		t.Errorf("a file that is not a model: %v", err)
	}
}

// fileCopy is a kernel that a model file can hold: kind "test_copy", its size as
// its parameters.
type fileCopy struct{ doubling }

func (k fileCopy) KernelFile() (string, json.RawMessage, error) {
	return "test_copy", json.RawMessage(fmt.Sprintf(`{"n":%d}`, k.n)), nil
}

func init() {
	nnopt.RegisterKernel("test_copy", func(params json.RawMessage) (nnopt.Kernel, error) {
		var p struct{ N int }
		if err := json.Unmarshal(params, &p); err != nil || p.N <= 0 || p.N > 1<<20 {
			return nil, fmt.Errorf("size %s: want a count", params)
		}
		return fileCopy{doubling{p.N}}, nil
	})
}

func TestModelFileRegisteredKernel(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	x, y := c.NewVariable("x", nnopt.Free, i), c.NewVariable("y", nnopt.Free, i)
	copy(x.L, []float64{1, 2, 3})
	mustTB(t, c.NewEquation("k", i).Define(nnopt.Eq(y, nnopt.Add(nnopt.Apply(fileCopy{doubling{3}}, []*nnopt.Set{i}, x), x))))
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: nnopt.Sum(nnopt.Sqr(y), i)})
	mustTB(t, err)
	_, m2, file := roundTrip(t, m)
	sameGenerated(t, m, m2)
	meta, bulk := splitFile(file)
	for _, tc := range []struct{ old, new, want string }{
		{`"kernel":"test_copy"`, `"kernel":"test_other"`, `kernel kind "test_other" is not registered`},
		{`{"n":3}`, `{"n":-3}`, `kernel "test_copy": size {"n":-3}`},
		{`{"n":3}`, `{"n":4}`, "kernel doubling: output sets (i) hold 3 elements, the kernel makes 4"},
	} {
		_, _, err := nnopt.DecodeModel(bytes.NewReader(frame("NNOPTMDL", 1, bytes.Replace(meta, []byte(tc.old), []byte(tc.new), 1), bulk)))
		if !errors.Is(err, nnopt.ErrModelFile) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", tc.new, err, tc.want)
		}
	}
}
