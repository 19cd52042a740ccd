package nnopt_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/sysmem"
	"github.com/nnopt/nnopt/nlpsolve"
)

// fitModel is a small triangular NLP: y(i) = f(x(i), p(i)) defines y, and
// obj = Σ (y - 1)² over i. The caller sets the data and the levels.
type fitModel struct {
	c    *nnopt.Container
	m    *nnopt.Model
	x, y *nnopt.Variable
	p    *nnopt.Parameter
}

func newFit(t *testing.T, f func(x, p nnopt.Operand) *nnopt.Expr) *fitModel {
	t.Helper()
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	p := c.NewParameter("p", i)
	if err := p.SetValues([]float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	x := c.NewVariable("x", nnopt.Free, i)
	y := c.NewVariable("y", nnopt.Free, i)
	obj := c.NewVariable("obj", nnopt.Free)
	if err := c.NewEquation("def", i).Define(nnopt.Eq(y, f(x, p))); err != nil {
		t.Fatal(err)
	}
	if err := c.NewEquation("fit").Define(nnopt.Eq(obj, nnopt.Sum(nnopt.Sqr(nnopt.Sub(y, nnopt.Const(1))), i))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("fitting", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	for k := range x.L {
		x.L[k] = 1
	}
	return &fitModel{c: c, m: m, x: x, y: y, p: p}
}

func logOf(x, p nnopt.Operand) *nnopt.Expr { return nnopt.Mul(p, nnopt.Log(x)) }
func divBy(x, p nnopt.Operand) *nnopt.Expr { return nnopt.Div(x, p) }
func mulBy(x, p nnopt.Operand) *nnopt.Expr { return nnopt.Mul(x, p) }

// TestNonFiniteStart: a start point where a level, a bound, a parameter or an
// evaluation is NaN or infinite gives an error naming the symbol and element, an
// evaluation-error or no-solution status, and leaves the levels as they were;
// never a panic and never Locally Optimal.
func TestNonFiniteStart(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name  string
		f     func(x, p nnopt.Operand) *nnopt.Expr
		setup func(m *fitModel)
		want  []string // in the error
	}{
		{"log at zero", logOf, func(m *fitModel) { m.x.L[1] = 0 }, []string{"def(b)", "y(b)"}},
		{"log below zero", logOf, func(m *fitModel) { m.x.L[2] = -1 }, []string{"def(c)", "NaN"}},
		{"division by a zero parameter", divBy, func(m *fitModel) { _ = m.p.SetValues([]float64{1, 0, 1}) }, []string{"def(b)", "+Inf"}},
		{"NaN parameter", mulBy, func(m *fitModel) { m.p.Values[2] = nan }, []string{"def(c)", "NaN"}},
		{"Inf parameter", mulBy, func(m *fitModel) { m.p.Values[0] = inf }, []string{"def(a)", "+Inf"}},
		{"NaN level", mulBy, func(m *fitModel) { m.x.L[0] = nan }, []string{"x(a)", "NaN"}},
		{"+Inf level", mulBy, func(m *fitModel) { m.x.L[2] = inf }, []string{"x(c)", "+Inf"}},
		{"fixed at NaN", mulBy, func(m *fitModel) { m.x.Fix(nan) }, []string{"x(a)", "NaN"}},
		{"NaN upper bound", mulBy, func(m *fitModel) { m.x.Up[1] = nan }, []string{"x(b)", "upper bound NaN"}},
		{"NaN lower bound", mulBy, func(m *fitModel) { m.x.Lo[0] = nan }, []string{"x(a)", "lower bound NaN"}},
		{"crossed bounds", mulBy, func(m *fitModel) { m.x.Lo[0], m.x.Up[0] = 2, 1 }, []string{"x(a)", "lower bound 2 above the upper bound 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newFit(t, tc.f)
			tc.setup(m)
			before := append([]float64(nil), m.x.L...)
			err := m.m.Solve(context.Background(), nnopt.Options{IterationLimit: 50})
			if err == nil {
				t.Fatalf("no error; status %v, %v, objective %g", m.m.Status, m.m.SolveStatus, m.m.ObjectiveValue)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
			if s := m.m.Status; s == nnopt.StatusOptimal || s == nnopt.StatusLocallyOptimal {
				t.Errorf("status %v after %v", s, err)
			}
			if m.m.SolveStatus == nnopt.SolveNormal {
				t.Errorf("solve status %v after %v", m.m.SolveStatus, err)
			}
			for k := range before {
				if !(m.x.L[k] == before[k] || math.IsNaN(before[k]) && math.IsNaN(m.x.L[k])) {
					t.Errorf("x.L[%d] = %g after the failed solve, was %g", k, m.x.L[k], before[k])
				}
			}
		})
	}
}

// TestNonFiniteOptions: NaN and out-of-range settings are refused before solving.
func TestNonFiniteOptions(t *testing.T) {
	cases := []struct {
		name string
		opt  nnopt.Options
		want string
	}{
		{"NaN gradient tolerance", nnopt.Options{GradientTolerance: math.NaN()}, "gradient tolerance"},
		{"Inf gradient tolerance", nnopt.Options{GradientTolerance: math.Inf(1)}, "gradient tolerance"},
		{"huge memory", nnopt.Options{Memory: 100000000}, "memory"},
		{"negative time limit", nnopt.Options{TimeLimit: -1}, "time limit"},
		{"too many threads", nnopt.Options{Threads: 1 << 30}, "threads"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newFit(t, mulBy)
			err := m.m.Solve(context.Background(), tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Solve with %s: error %v, want one naming %q", tc.name, err, tc.want)
			}
			if m.m.SolveStatus != nnopt.SolveSetupFailure {
				t.Errorf("solve status %v, want %v", m.m.SolveStatus, nnopt.SolveSetupFailure)
			}
		})
	}
}

// TestNilContext: a nil context is an error, not a panic.
func TestNilContext(t *testing.T) {
	m := newFit(t, mulBy)
	//lint:ignore SA1012 a nil context is the case under test
	err := m.m.Solve(nil, nnopt.Options{}) //nolint:staticcheck
	if err == nil || !strings.Contains(err.Error(), "context") {
		t.Fatalf("Solve(nil): error %v, want one naming the context", err)
	}
}

// TestTriangularUnbounded: an objective that decreases without bound on the
// triangular path is reported Unbounded, not a feasible point with -1e39.
func TestTriangularUnbounded(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b")
	x := c.NewVariable("x", nnopt.Free, i)
	obj := c.NewVariable("obj", nnopt.Free)
	if err := c.NewEquation("o").Define(nnopt.Eq(obj, nnopt.Sum(x, i))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("unb", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{IterationLimit: 1000}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusUnbounded || m.SolveStatus != nnopt.SolveNormal {
		t.Errorf("status %v / %v (objective %g), want %v / %v", m.Status, m.SolveStatus, m.ObjectiveValue, nnopt.StatusUnbounded, nnopt.SolveNormal)
	}
}

// TestVanishingSteps: a scale beyond nlpsolve.MaxScale, whose steps vanish in
// rounding, is refused (nlpsolve's TestStall checks the solver's own stop).
func TestVanishingSteps(t *testing.T) {
	m := newFit(t, mulBy)
	for k := range m.x.Scale {
		m.x.Scale[k] = 1e300
	}
	// The deadline keeps the regression (steps of zero length forever) from
	// hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := m.m.Solve(ctx, nnopt.Options{Scaling: nlpsolve.ScaleUser})
	if err == nil || !strings.Contains(err.Error(), "scale 1e+300") {
		t.Fatalf("scale 1e300: error %v, want one naming the scale", err)
	}
}

// TestSymbolTooLargeForMemory: a symbol whose arrays exceed the machine's available
// memory is refused with the figures, not allocated (Go cannot recover from
// running out of memory).
func TestSymbolTooLargeForMemory(t *testing.T) {
	if _, ok := sysmem.Available(); !ok {
		t.Skip("the available memory cannot be read here (" + sysmem.Source + ")")
	}
	c := nnopt.NewContainer()
	big, err := c.AddDims(1<<20, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AddVariable("w", nnopt.Free, big...)
	if err == nil || !strings.Contains(err.Error(), `variable "w"`) || !strings.Contains(err.Error(), "available") {
		t.Fatalf("a variable of 2^40 elements: error %v, want one giving the memory needed and available", err)
	}
	if _, err := c.AddParameter("p", big...); err == nil {
		t.Fatal("a parameter of 2^40 elements was allocated")
	}
}

// TestExpressionTooLargeForMemory: an intermediate expression whose buffers exceed
// the available memory (here the outer product of two vectors of 2^20) is refused
// at generation, naming the equation, before anything is allocated.
func TestExpressionTooLargeForMemory(t *testing.T) {
	if _, ok := sysmem.Available(); !ok {
		t.Skip("the available memory cannot be read here (" + sysmem.Source + ")")
	}
	c := nnopt.NewContainer()
	d := c.Dims(1<<20, 1<<20, 1<<20)
	a := c.NewParameter("a", d[0])
	b := c.NewParameter("b", d[1])
	e := c.NewParameter("e", d[2])
	x := c.NewVariable("x", nnopt.Free)
	obj := c.NewVariable("obj", nnopt.Free)
	if err := c.NewEquation("outer").Define(nnopt.Eq(obj, nnopt.Mul(x, nnopt.Sum(nnopt.Mul(nnopt.Mul(a, b), e), d...)))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("big", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Statistics()
	if err == nil || !strings.Contains(err.Error(), `equation "outer"`) || !strings.Contains(err.Error(), "available memory") {
		t.Fatalf("Statistics: error %v, want one naming the equation and the memory", err)
	}
	err = m.Solve(context.Background(), nnopt.Options{})
	if err == nil || !strings.Contains(err.Error(), "available memory") {
		t.Fatalf("Solve: error %v, want one naming the memory", err)
	}
}

// TestNaNPointThenSolve: levels loaded from a point file that hold NaN make the
// next solve fail with the variable named, not panic.
func TestNaNPointThenSolve(t *testing.T) {
	m := newFit(t, mulBy)
	m.x.L[1] = math.NaN()
	path := t.TempDir() + "/nan.point"
	if err := m.m.SavePoint(path); err != nil {
		t.Fatal(err)
	}
	m.x.L[1] = 1
	if _, err := m.c.LoadPoint(path); err != nil {
		t.Fatal(err)
	}
	err := m.m.Solve(context.Background(), nnopt.Options{})
	if err == nil || !strings.Contains(err.Error(), "x(b): level NaN") {
		t.Fatalf("Solve after loading a NaN level: %v", err)
	}
}
