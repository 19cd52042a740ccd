package nnopt_test

import (
	"bytes"
	"context"
	"math"
	"reflect"
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
