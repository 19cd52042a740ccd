package nnopt

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/nlpsolve"
)

// quadratic builds min Σ_i (x_i - t_i)² + y with y = Σ_i x_i·p_i, a triangular model
// whose optimum is x = t - p/2.
func quadratic(t *testing.T, sense Sense) (*Model, *Variable, *Parameter, *Parameter, *Equation) {
	c := NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	x := c.NewVariable("x", Free, i)
	tgt := c.NewParameter("t", i)
	p := c.NewParameter("p", i)
	must(tgt.SetValues([]float64{1, -2, 3}))
	must(p.SetValues([]float64{0.5, 1, -1}))
	obj := c.NewVariable("obj", Free)
	def := c.NewEquation("def")
	body := Add(Sum(Sqr(Sub(x, tgt)), i), Sum(Mul(x, p), i))
	if sense == Maximize {
		body = Neg(body)
	}
	must(def.Define(Eq(obj, body)))
	m, err := c.NewModel("quad", ModelSpec{Equations: []*Equation{def}, Problem: NLP, Sense: sense, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	return m, x, tgt, p, def
}

func TestSolveQuadraticBothSenses(t *testing.T) {
	for _, tc := range []struct {
		sense  Sense
		method nlpsolve.Method
	}{{Minimize, nlpsolve.LBFGS}, {Maximize, nlpsolve.LBFGS}, {Minimize, nlpsolve.NewtonCG}, {Maximize, nlpsolve.NewtonCG}} {
		m, x, tgt, p, def := quadratic(t, tc.sense)
		if err := m.Solve(context.Background(), Options{Method: tc.method}); err != nil {
			t.Fatal(err)
		}
		if m.Status != StatusLocallyOptimal || m.SolveStatus != SolveNormal {
			t.Errorf("%v/%v: status %v/%v", tc.sense, tc.method, m.Status, m.SolveStatus)
		}
		want := 0.0
		for k := range x.L {
			xk := tgt.Values[k] - p.Values[k]/2
			if math.Abs(x.L[k]-xk) > 1e-6 {
				t.Errorf("%v/%v: x[%d] = %g, want %g", tc.sense, tc.method, k, x.L[k], xk)
			}
			want += (xk-tgt.Values[k])*(xk-tgt.Values[k]) + xk*p.Values[k]
		}
		if tc.sense == Maximize {
			want = -want
		}
		if math.Abs(m.ObjectiveValue-want) > 1e-9 {
			t.Errorf("%v/%v: objective %g, want %g", tc.sense, tc.method, m.ObjectiveValue, want)
		}
		// The objective equation's marginal: d obj / d rhs of (obj - body = 0) is 1.
		if math.Abs(def.M[0]-1) > 1e-12 {
			t.Errorf("marginal of def = %g, want 1", def.M[0])
		}
		if m.NumEquations != 1 || m.NumVariables != 4 || m.NumNonzeros != 4 || m.NumNonlinearZeros != 3 {
			t.Errorf("attributes %+v", m.Attributes)
		}
	}
}

func TestBoundsAreRespectedAndReducedCostsReported(t *testing.T) {
	m, x, _, _, _ := quadratic(t, Minimize)
	x.SetBounds(-1, 1) // optimum 0.75, -2.5, 3.5 → clipped to 0.75, -1, 1
	if err := m.Solve(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	want := []float64{0.75, -1, 1}
	for k := range want {
		if math.Abs(x.L[k]-want[k]) > 1e-7 {
			t.Errorf("x[%d] = %g, want %g", k, x.L[k], want[k])
		}
	}
	// Reduced cost at the bounds: d/dx of (x-t)² + x p.
	if math.Abs(x.M[1]-(2*(-1+2)+1)) > 1e-6 || math.Abs(x.M[2]-(2*(1-3)-1)) > 1e-6 || math.Abs(x.M[0]) > 1e-6 {
		t.Errorf("marginals %v", x.M)
	}
}

func TestSolveErrors(t *testing.T) {
	m, _, _, _, _ := quadratic(t, Minimize)
	m.problem = MINLP
	err := m.Solve(context.Background(), Options{})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "MINLP") || m.SolveStatus != SolveCapabilityProblems {
		t.Errorf("MINLP: %v, %v", err, m.SolveStatus)
	}

	c := NewContainer()
	x := c.NewVariable("x", Free)
	y := c.NewVariable("y", Free)
	e := c.NewEquation("cap")
	must(e.Define(Le(Add(x, y), Const(1))))
	m2, err := c.NewModel("general", ModelSpec{Equations: []*Equation{e}, Problem: NLP, Sense: Maximize, Objective: x})
	if err != nil {
		t.Fatal(err)
	}
	// A general constraint goes to the general method: max x with x + y ≤ 1 and
	// both free is unbounded (y → -∞).
	err = m2.Solve(context.Background(), Options{})
	if err != nil || m2.Status != StatusUnbounded || m2.SolveStatus != SolveNormal {
		t.Errorf("general constraint: %v, %v, %v; want unbounded, normal completion", err, m2.Status, m2.SolveStatus)
	}

	if _, err := c.NewModel("noobj", ModelSpec{Equations: []*Equation{e}, Problem: NLP, Sense: Minimize}); err == nil {
		t.Error("a Minimize model without objective was accepted")
	}
	i := c.NewSet("i", "a", "b")
	v := c.NewVariable("v", Free, i)
	bad := c.NewEquation("bad")
	if err := bad.Define(Eq(Const(0), v)); err == nil || !strings.Contains(err.Error(), `"i" is not controlled`) {
		t.Errorf("uncontrolled index: %v", err)
	}
	j := c.NewSet("j", "x", "y", "z")
	if err := c.NewEquation("mm", i).Define(Eq(Const(0), MatMul(v, c.NewVariable("w", Free, j)))); err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Errorf("MatMul over sets of different sizes: %v", err)
	}
	if err := c.NewEquation("wrongidx").Define(Eq(Const(0), Sum(v.At(j), j))); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("wrong index set: %v", err)
	}
}

func TestCancelledSolveKeepsCurrentPoint(t *testing.T) {
	m, x, _, _, _ := quadratic(t, Minimize)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := m.Solve(ctx, Options{OnIteration: func(nlpsolve.Iteration) {
		calls++
		cancel()
	}, Method: nlpsolve.LBFGS, GradientTolerance: 1e-300})
	if err != nil {
		t.Fatal(err)
	}
	if m.SolveStatus != SolveUserInterrupt || m.Status != StatusFeasibleIntermediate {
		t.Errorf("status %v/%v after cancel", m.Status, m.SolveStatus)
	}
	if calls != 1 || x.L[0] == 0 {
		t.Errorf("calls %d, x %v", calls, x.L)
	}
}

func TestDimsShareEqualSizes(t *testing.T) {
	c := NewContainer()
	a := c.Dims(500, 784)
	b := c.Dims(500, 20)
	sq := c.Dims(784, 784)
	if a[0] != b[0] || a[1] != sq[0] || sq[0] == sq[1] || sq[1].Name() != "DenseDim784_2" {
		t.Errorf("dims: %s %s %s %s", a[0].Name(), b[0].Name(), sq[0].Name(), sq[1].Name())
	}
}

func TestProblemExposesBlocks(t *testing.T) {
	c := NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	x := c.NewVariable("x", Free, i)
	y := c.NewVariable("y", Free, i)
	obj := c.NewVariable("obj", Free)
	must(x.SetLevels([]float64{1, 2, 3}))
	must(c.NewEquation("def", i).Define(Eq(y, Sqr(x))))
	must(c.NewEquation("o").Define(Eq(obj, Sum(y, i))))
	m, err := c.NewModel("m", ModelSpec{Equations: c.Equations(), Problem: NLP, Sense: Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	p, x0, err := m.Problem()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Equations) != 2 || len(x0) != len(p.Vars) {
		t.Fatalf("%d equations, %d starting blocks for %d variable blocks", len(p.Equations), len(x0), len(p.Vars))
	}
	def := p.Equations[0]
	if def.Name != "def" || def.Defines < 0 || p.Vars[def.Defines].Name != "y" {
		t.Fatalf("first equation %q defines %d, want def defining y", def.Name, def.Defines)
	}
	r := make([]float64, def.Block.Rows())
	def.Block.Eval(x0, r)
	for k, want := range []float64{-1, -4, -9} { // y - x² at y = 0
		if r[k] != want {
			t.Fatalf("residual %d = %g, want %g", k, r[k], want)
		}
	}
}

// TestVariableScaleKeepsTheOptimum solves the quadratic with x scaled by 1/4, 1 and
// 8 (the solver works on x/Scale): the levels, the objective and the marginals are
// reported unscaled and equal the unscaled solve's.
func TestVariableScaleKeepsTheOptimum(t *testing.T) {
	m, x, _, _, def := quadratic(t, Minimize)
	x.SetBounds(-1, 1)
	if err := m.Solve(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	wantL, wantM, wantObj := append([]float64(nil), x.L...), append([]float64(nil), x.M...), m.ObjectiveValue
	for _, scaling := range []nlpsolve.Scaling{nlpsolve.ScaleAuto, nlpsolve.ScaleUser} {
		m2, x2, _, _, def2 := quadratic(t, Minimize)
		x2.SetBounds(-1, 1)
		copy(x2.Scale, []float64{0.25, 1, 8})
		if err := m2.Solve(context.Background(), Options{Scaling: scaling}); err != nil {
			t.Fatal(err)
		}
		if m2.Status != StatusLocallyOptimal || math.Abs(m2.ObjectiveValue-wantObj) > 1e-9 || math.Abs(def2.M[0]-def.M[0]) > 1e-12 {
			t.Errorf("%v: status %v objective %.12g (unscaled %.12g), marginal %g", scaling, m2.Status, m2.ObjectiveValue, wantObj, def2.M[0])
		}
		for k := range wantL {
			if math.Abs(x2.L[k]-wantL[k]) > 1e-6 || math.Abs(x2.M[k]-wantM[k]) > 1e-6 {
				t.Errorf("%v: x[%d] level %g marginal %g, unscaled %g and %g", scaling, k, x2.L[k], x2.M[k], wantL[k], wantM[k])
			}
		}
	}
	x.Scale[1] = -2
	if err := m.Solve(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), `"x" element 1: scale -2`) {
		t.Errorf("negative scale: error %v", err)
	}
}
