package nnopt

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/lpfile"
)

// capacityModel is a small LP over a labelled set: minimise Σ cost·x subject to
// cap(i): x(i) ≤ up(i) (as rows) and need: Σ x ≥ 5, with obj defined by an equation.
func capacityModel(t *testing.T, p Problem) (m *Model, x, obj *Variable, cap, need, def *Equation) {
	t.Helper()
	c := NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	cost, up := c.NewParameter("cost", i), c.NewParameter("up", i)
	if err := cost.SetValues([]float64{3, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := up.SetValues([]float64{4, 2, 1}); err != nil {
		t.Fatal(err)
	}
	x = c.NewVariable("x", Positive, i)
	obj = c.NewVariable("obj", Free)
	cap, need, def = c.NewEquation("cap", i), c.NewEquation("need"), c.NewEquation("def")
	for _, err := range []error{
		cap.Define(Le(x, up)),
		need.Define(Ge(Sum(x, i), Const(5))),
		def.Define(Eq(obj, Sum(Mul(cost, x), i))),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	m, err := c.NewModel("capacity", ModelSpec{Equations: []*Equation{cap, need, def}, Problem: p, Sense: Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	return m, x, obj, cap, need, def
}

// TestScaleValidation: scales must lie in (1e-20, 1e20], and discrete
// variables cannot be scaled; the errors name the symbol, element and label, and
// come from Solve and from the writers alike.
func TestScaleValidation(t *testing.T) {
	for _, tc := range []struct {
		set  func(x *Variable, cap *Equation)
		want string
	}{
		{func(x *Variable, _ *Equation) { x.Scale[1] = -1 }, `variable "x" element 1: scale -1 (x(b)); want a number in (1e-20, 1e+20]`},
		{func(x *Variable, _ *Equation) { x.Scale[1] = 1e300 }, `variable "x" element 1: scale 1e+300 (x(b))`},
		{func(x *Variable, _ *Equation) { x.Scale[2] = math.NaN() }, `variable "x" element 2: scale NaN (x(c))`},
		{func(x *Variable, _ *Equation) { x.Scale[0] = math.Inf(1) }, `variable "x" element 0: scale +Inf (x(a))`},
		{func(x *Variable, _ *Equation) { x.Scale[0] = 1e-20 }, `variable "x" element 0: scale 1e-20 (x(a))`},
		{func(_ *Variable, cap *Equation) { cap.Scale[2] = 0 }, `equation "cap" element 2: scale 0 (cap(c))`},
		{func(x *Variable, _ *Equation) { x.Type = Integer; x.Scale[1] = 2 }, `variable "x" element 1: scale 2 (x(b)); integer variables cannot be scaled`},
	} {
		// RMIP: an integer variable gets past the model-type check to generation.
		m, x, _, cap, _, _ := capacityModel(t, RMIP)
		tc.set(x, cap)
		if err := m.Solve(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Solve: error %v, want %q", err, tc.want)
		}
		if _, err := m.LinearProgram(LPOptions{Scaled: true}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LinearProgram: error %v, want %q", err, tc.want)
		}
		if err := m.WriteLP(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WriteLP: error %v, want %q", err, tc.want)
		}
	}
	// Just above the limit is accepted, and a discrete variable at scale 1 too.
	m, x, _, _, _, _ := capacityModel(t, LP)
	x.Scale[0], x.Scale[1] = 2e-20, 1e20
	if _, err := m.Statistics(); err != nil {
		t.Error(err)
	}
	x.Scale[0], x.Scale[1], x.Type = 1, 1, Integer
	if _, err := m.Statistics(); err != nil {
		t.Error(err)
	}
}

// TestGeneralScalingKeepsTheSolution solves the capacity LP with scales on x, on
// the cap rows and on need: levels, objective and marginals equal the unscaled
// solve's to 1e-9 relative. Scaling def, the equation that defines obj (eliminated
// by the forward sweep), and obj itself changes nothing: the same iterations and
// the same numbers, bit for bit.
func TestGeneralScalingKeepsTheSolution(t *testing.T) {
	type sol struct {
		obj       float64
		iters     int
		x, xm, cm []float64
		nm, dm    float64
	}
	solve := func(scale func(x, obj *Variable, cap, need, def *Equation)) sol {
		m, x, obj, cap, need, def := capacityModel(t, LP)
		scale(x, obj, cap, need, def)
		if err := m.Solve(context.Background(), Options{}); err != nil {
			t.Fatal(err)
		}
		if m.Status != StatusOptimal {
			t.Fatalf("status %v", m.Status)
		}
		return sol{m.ObjectiveValue, m.NumIterations, append([]float64(nil), x.L...), append([]float64(nil), x.M...),
			append([]float64(nil), cap.M...), need.M[0], def.M[0]}
	}
	plain := solve(func(*Variable, *Variable, *Equation, *Equation, *Equation) {})
	// x = (2, 2, 1): b and c at their caps, a carries the rest; need's marginal is
	// the cost of a, 3, and the caps' are 1 - 3 and 2 - 3.
	if math.Abs(plain.obj-10) > 1e-9 || math.Abs(plain.nm-3) > 1e-9 || math.Abs(plain.cm[1]+2) > 1e-9 || math.Abs(plain.cm[2]+1) > 1e-9 {
		t.Fatalf("unscaled solution %+v", plain)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	scaled := solve(func(x, _ *Variable, cap, need, _ *Equation) {
		copy(x.Scale, []float64{1e3, 0.01, 7})
		copy(cap.Scale, []float64{0.5, 1e4, 3})
		need.Scale[0] = 1e-3
	})
	ok := near(scaled.obj, plain.obj) && near(scaled.nm, plain.nm) && near(scaled.dm, plain.dm)
	for k := range plain.x {
		ok = ok && near(scaled.x[k], plain.x[k]) && near(scaled.xm[k], plain.xm[k]) && near(scaled.cm[k], plain.cm[k])
	}
	if !ok {
		t.Errorf("scaled solution %+v, unscaled %+v", scaled, plain)
	}
	eliminated := solve(func(_, obj *Variable, _, _, def *Equation) { def.Scale[0], obj.Scale[0] = 1e3, 1e-3 })
	if eliminated.obj != plain.obj || eliminated.iters != plain.iters || eliminated.nm != plain.nm || eliminated.dm != plain.dm {
		t.Errorf("scaling the eliminated equation and variable changed the solve: %+v, unscaled %+v", eliminated, plain)
	}
}

// TestWriteScaledMPS writes the scaled capacity model as free MPS: columns divided
// by their scales (bounds too), rows by theirs, and the objective column carries its
// scale so the objective keeps its value. The zero LPOptions give the unscaled model
// that WriteMPS writes.
func TestWriteScaledMPS(t *testing.T) {
	m, x, obj, cap, need, _ := capacityModel(t, LP)
	copy(x.Scale, []float64{2, 1, 1})
	cap.Scale[0], need.Scale[0], obj.Scale[0] = 4, 5, 10
	x.Up[0] = 8
	p, err := m.LinearProgram(LPOptions{Scaled: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Objective != (lpfile.Entry{Index: 3, Coef: 10}) || p.Columns[0] != (lpfile.Column{Name: "x(a)", Lo: 0, Up: 4}) {
		t.Errorf("scaled program: objective %+v, first column %+v", p.Objective, p.Columns[0])
	}
	var b bytes.Buffer
	if err := lpfile.WriteMPS(&b, p); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, s := range []string{
		"    x(a) cap(a) 0.5\n", // 1·2/4
		"    x(a) need 0.4\n",   // 1·2/5
		"    x(b) need 0.2\n",   // 1·1/5
		"    x(a) def -6\n",     // -3·2
		"    obj capacity 10\n", // the objective column at scale 10
		"    obj def 10\n",      // obj enters def with 1·10
		"    RHS cap(a) 1\n",    // 4/4
		"    RHS need 1\n",      // 5/5
		" UP BND x(a) 4\n",      // 8/2
		"* Scaled: each column", // the header says so
	} {
		if !strings.Contains(text, s) {
			t.Errorf("scaled MPS lacks %q:\n%s", s, text)
		}
	}
	var plain, zero bytes.Buffer
	if err := m.WriteMPS(&plain); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "Scaled") || !strings.Contains(plain.String(), "    x(a) cap(a) 1\n") {
		t.Errorf("WriteMPS is scaled:\n%s", plain.String())
	}
	if p, err = m.LinearProgram(LPOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := lpfile.WriteMPS(&zero, p); err != nil || zero.String() != plain.String() {
		t.Errorf("LinearProgram(LPOptions{}) written: %v\n%s\nwant WriteMPS's\n%s", err, zero.String(), plain.String())
	}
}
