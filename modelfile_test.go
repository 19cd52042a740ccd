package nnopt_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
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
func transportLP(t *testing.T) (*nnopt.Container, *nnopt.Model) {
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
	must(t, c.NewEquation("cost").Define(nnopt.Eq(z, nnopt.Sum(nnopt.Mul(nnopt.Div(nnopt.Mul(f, d), nnopt.Const(1000)), x), i, j))))
	must(t, c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a)))
	must(t, c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), b)))
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: z})
	must(t, err)
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
func everyKindModel(t *testing.T) (*nnopt.Container, *nnopt.Model) {
	t.Helper()
	c := nnopt.NewContainer()
	c.Options = nnopt.Options{Memory: 7, Solvers: map[nnopt.Problem]string{nnopt.LP: "nnopt"}}
	i := c.NewSet("i", "a", "b", "c")
	tt := c.NewSet("t", "1", "2", "3", "4")
	i2 := c.NewAlias("i2", i)
	c.NewSet("empty")
	d := c.Dims(2, 2)
	sub := c.NewSubset("sub", i, tt)
	must(t, sub.SetMembers([]int{0, 1}, []int{2, 3}, []int{1, 0}))
	late := c.NewSubset("late", tt)
	must(t, late.SetMembers([]int{1}, []int{2}, []int{3}))
	c.NewParameter("unused", i)
	p := c.NewParameter("p", i, tt)
	for k := range p.Values {
		p.Values[k] = 0.5 + 0.125*float64(k)
	}
	p.Values[3] = nnopt.Eps()
	sp := c.NewSparseParameter("sp", i, tt)
	must(t, sp.SetRecords([][]string{{"c", "4"}, {"a", "2"}}, []float64{2.5, -1}))
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
		must(t, e.Define(r))
		return e
	}
	funcs := nnopt.Add(nnopt.Add(nnopt.Add(nnopt.Tanh(x), nnopt.Exp(x)), nnopt.Add(nnopt.Log(nnopt.Add(x, nnopt.Const(1))), nnopt.Sqrt(nnopt.Add(nnopt.Sqr(x), nnopt.Const(1))))),
		nnopt.Add(nnopt.Add(nnopt.Sigmoid(x), nnopt.Sin(x)), nnopt.Add(nnopt.Add(nnopt.Cos(x), nnopt.Abs(x)), nnopt.Add(nnopt.Erf(x), nnopt.Add(nnopt.Power(x, 2.5), nnopt.Pow(p, x))))))
	def("funcs", []*nnopt.Set{i, tt}, nnopt.Eq(funcs, nnopt.Add(nnopt.Mul(p, x), nnopt.Div(sp, nnopt.Const(2)))))
	lags := def("lags", []*nnopt.Set{tt}, nnopt.Eq(nnopt.Lag(nnopt.Sum(x, i), tt, 1), nnopt.Lead(nnopt.Sum(nnopt.Where(x, late), i), tt, 2)))
	must(t, lags.Where(late))
	lags.Scale[2] = 10
	def("lse", []*nnopt.Set{i}, nnopt.Le(nnopt.LogSumExp(x, tt), nnopt.Max(nnopt.Min(n, q.At(i)), nnopt.Neg(nnopt.Sum(p, tt)))))
	def("matmul", []*nnopt.Set{d[0]}, nnopt.Eq(y, nnopt.MatMul(w, y)))
	def("obj", nil, nnopt.Eq(z, nnopt.Sub(nnopt.Add(nnopt.Add(nnopt.SumIn(sub, x), x.Elem("b", "3")), nnopt.Add(nnopt.Sum(nnopt.Mul(x.UpAttr(), x), i, tt), nnopt.Sum(y, d[0]))), nnopt.Sum(n, i, tt))))
	e := def("nb", []*nnopt.Set{i}, nnopt.Nonbinding(nnopt.Sum(x, tt), nnopt.Mul(nnopt.Const(math.Inf(1)), q.At(i))))
	e.Type = nnopt.GE
	m, err := c.NewModel("every", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.MINLP, Sense: nnopt.Maximize, Objective: nnopt.Add(z, nnopt.Const(-0.5))})
	must(t, err)
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
