package nnopt

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/internal/freeze"
)

// The reference's look inside a frozen instance: e: a·x/sqr(b) = 0 with a and b
// modifiable is, at x = 2, a = 6, b = 3, the linear row
// 2/3·x + 2/9·a_var - 8/9·b_var = -4/3. The instance's sensitivity block for e, the
// equation with a and b as variables, gives exactly those coefficients and that
// right-hand side.
func TestFrozenLinearization(t *testing.T) {
	c := NewContainer()
	x := c.NewVariable("x", Free)
	x.L[0] = 2
	a, b := c.NewParameter("a"), c.NewParameter("b")
	a.Values[0], b.Values[0] = 6, 3
	e := c.NewEquation("e")
	if err := e.Define(Eq(Div(Mul(a, x), Sqr(b)), Const(0))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("mi", ModelSpec{Equations: []*Equation{e}, Problem: LP, Sense: Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Freeze(a, b); err != nil {
		t.Fatal(err)
	}
	f := m.frozen
	if len(f.kept.Sens) != 1 {
		t.Fatalf("%d sensitivity blocks, want 1", len(f.kept.Sens))
	}
	s := f.kept.Sens[0]
	r := make([]float64, 1)
	s.Block.Eval(f.kept.SensX, r)
	g := make([][]float64, len(f.kept.SensX))
	for i, v := range f.kept.SensX {
		g[i] = make([]float64, len(v))
	}
	s.Block.VJP([]float64{1}, g)
	xb := -1
	for i, v := range f.inst.vars {
		if v == x {
			xb = i
		}
	}
	n := len(f.inst.vars)
	coef := map[string]float64{"x": g[xb][0], "a_var": g[n][0], "b_var": g[n+1][0]}
	want := map[string]float64{"x": 2.0 / 3, "a_var": 2.0 / 9, "b_var": -8.0 / 9}
	for k, w := range want {
		if math.Abs(coef[k]-w) > 1e-15 {
			t.Errorf("coefficient of %s: %.17g, want %.17g", k, coef[k], w)
		}
	}
	rhs := -(r[0] - coef["x"]*2 - coef["a_var"]*6 - coef["b_var"]*3)
	if math.Abs(rhs+4.0/3) > 1e-15 {
		t.Errorf("right-hand side %.17g, want -4/3", rhs)
	}
	if got := c.Lookup("a_var").(*Variable); got.L[0] != 6 || got.Lo[0] != 6 || got.Up[0] != 6 {
		t.Errorf("a_var: level %g, bounds [%g, %g], want fixed at 6", got.L[0], got.Lo[0], got.Up[0])
	}
}

// The marginals of the parameters' variables are the derivatives of the optimal
// objective: for min Σ (x-t)² + Σ x·p, x* = t - p/2 and the optimum Σ t·p - p²/4 has
// the derivatives p (by t) and t - p/2 (by p); for Maximize of the negation, their
// negatives. A frozen model also ignores data that is not modifiable.
func TestFrozenSensitivities(t *testing.T) {
	for _, sense := range []Sense{Minimize, Maximize} {
		m, x, tgt, p, _ := quadratic(t, sense)
		if err := m.Freeze(tgt, p); err != nil {
			t.Fatal(err)
		}
		tv, pv := m.c.Lookup("t_var").(*Variable), m.c.Lookup("p_var").(*Variable)
		for round, data := range [][2][]float64{{{1, -2, 3}, {0.5, 1, -1}}, {{0, 4, -1}, {2, -3, 0.25}}} {
			copy(tgt.Values, data[0])
			copy(p.Values, data[1])
			// UpdateZero: the zeros of the data are values, not missing records.
			if err := m.Solve(context.Background(), Options{Freeze: FreezeOptions{UpdateType: UpdateZero}}); err != nil {
				t.Fatal(err)
			}
			sign := 1.0
			if sense == Maximize {
				sign = -1
			}
			for k := range x.L {
				tk, pk := data[0][k], data[1][k]
				if d := math.Abs(x.L[k] - (tk - pk/2)); d > 1e-6 {
					t.Errorf("%v round %d: x[%d] off by %g", sense, round, k, d)
				}
				if d := math.Abs(tv.M[k] - sign*pk); d > 1e-6 {
					t.Errorf("%v round %d: t_var.M[%d] = %g, want %g", sense, round, k, tv.M[k], sign*pk)
				}
				if d := math.Abs(pv.M[k] - sign*(tk-pk/2)); d > 1e-6 {
					t.Errorf("%v round %d: p_var.M[%d] = %g, want %g", sense, round, k, pv.M[k], sign*(tk-pk/2))
				}
			}
		}
		// Bounds are not modifiable: the frozen instance keeps the ones it had.
		x.SetBounds(10, 11)
		if err := m.Solve(context.Background(), Options{}); err != nil {
			t.Fatal(err)
		}
		if x.L[0] >= 10 {
			t.Errorf("%v: a bound that is not modifiable reached the frozen instance: x = %v", sense, x.L)
		}
		m.Unfreeze()
		if err := m.Solve(context.Background(), Options{}); err != nil {
			t.Fatal(err)
		}
		if x.L[0] < 10 {
			t.Errorf("%v: after Unfreeze the new bounds are ignored: x = %v", sense, x.L)
		}
	}
}

func TestFreezeRestrictions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		freeze func(m *Model, x *Variable, tgt, p *Parameter) error
		want   []string
		is     error
	}{
		{"twice", func(m *Model, x *Variable, tgt, p *Parameter) error {
			if err := m.Freeze(p); err != nil {
				return nil
			}
			return m.Freeze(p)
		}, []string{"frozen already"}, nil},
		{"duplicate", func(m *Model, x *Variable, tgt, p *Parameter) error { return m.Freeze(p, tgt, p) }, []string{`"p" is listed twice`}, nil},
		{"marginal", func(m *Model, x *Variable, tgt, p *Parameter) error { return m.Freeze(x.MAttr()) }, []string{"x.m"}, ErrUnsupported},
		{"equation attribute", func(m *Model, x *Variable, tgt, p *Parameter) error {
			return m.Freeze(m.equations[0].LAttr())
		}, []string{"def.l"}, ErrUnsupported},
		{"foreign parameter", func(m *Model, x *Variable, tgt, p *Parameter) error {
			return m.Freeze(NewContainer().NewParameter("q"))
		}, []string{`"q" is not a symbol`}, nil},
		{"unused parameter", func(m *Model, x *Variable, tgt, p *Parameter) error {
			return m.Freeze(m.c.NewParameter("unused"))
		}, []string{`"unused" is not used`}, nil},
		{"variable outside the model", func(m *Model, x *Variable, tgt, p *Parameter) error {
			return m.Freeze(m.c.NewVariable("y", Free).UpAttr())
		}, []string{`"y" is not part of the model`}, nil},
		{"name of the _var taken", func(m *Model, x *Variable, tgt, p *Parameter) error {
			m.c.NewVariable("p_var", Free)
			return m.Freeze(p)
		}, []string{`"p_var"`}, nil},
		{"nil", func(m *Model, x *Variable, tgt, p *Parameter) error { return m.Freeze(nil) }, []string{"want a *Parameter"}, nil},
	} {
		m, x, tgt, p, _ := quadratic(t, Minimize)
		err := tc.freeze(m, x, tgt, p)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, s)
			}
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: error %q does not wrap %v", tc.name, err, tc.is)
		}
	}
}

func TestFreezeRejectsUnsolvableModelAndAttributeInAlgebra(t *testing.T) {
	c := NewContainer()
	i := c.NewSet("i", "a", "b")
	x := c.NewVariable("x", Integer, i)
	bigM := c.NewParameter("bigM")
	obj := c.NewVariable("obj", Free)
	cap := c.NewEquation("cap", i)
	if err := cap.Define(Le(x, Mul(Const(2), x.UpAttr()))); err != nil {
		t.Fatal(err)
	}
	def := c.NewEquation("def")
	if err := def.Define(Eq(obj, Add(Sum(x, i), bigM))); err != nil {
		t.Fatal(err)
	}
	mip, err := c.NewModel("mip", ModelSpec{Equations: []*Equation{cap, def}, Problem: MIP, Sense: Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	if err := mip.Freeze(bigM); err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "cannot be frozen") {
		t.Errorf("freezing a MIP: %v", err)
	}
	rmip, err := c.NewModel("rmip", ModelSpec{Equations: []*Equation{cap, def}, Problem: RMIP, Sense: Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	err = rmip.Freeze(x.UpAttr())
	if err == nil || !strings.Contains(err.Error(), "x.up") || !strings.Contains(err.Error(), `equation "cap"`) {
		t.Errorf("freezing x.up used in the algebra: %v", err)
	}
	if err := rmip.Freeze(x.FxAttr()); err == nil || !strings.Contains(err.Error(), "x.fx") {
		t.Errorf("freezing x.fx while x.up is in the algebra: %v", err)
	}
	if err := rmip.Freeze(x.LAttr(), bigM); err != nil {
		t.Errorf("x.l is not in the algebra: %v", err)
	}
}

func TestFrozenSolveRejectsShapeChangeAndBadOptions(t *testing.T) {
	m, _, _, p, _ := quadratic(t, Minimize)
	if err := m.Freeze(p); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opt  FreezeOptions
		want string
	}{
		{FreezeOptions{NoMatchLimit: -1}, "NoMatchLimit -1"},
		{FreezeOptions{UpdateType: 7}, "UpdateType 7"},
	} {
		if err := m.Solve(context.Background(), Options{Freeze: tc.opt}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("options %+v: %v", tc.opt, err)
		}
	}
	p.Values = make([]float64, 5)
	err := m.Solve(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "modifiable p") || !strings.Contains(err.Error(), "shape") {
		t.Errorf("p with 5 values: %v", err)
	}
}

// Elements the model's rows read through a condition, a conditional sum and a matrix
// product: only those are in a frozen instance.
func TestReach(t *testing.T) {
	c := NewContainer()
	i, j, k := c.NewSet("i", "0", "1", "2"), c.NewSet("j", "0", "1"), c.NewSet("k", "0", "1", "2", "3")
	ii := c.NewSubset("ii", i)
	if err := ii.SetMembers([]int{0}, []int{2}); err != nil {
		t.Fatal(err)
	}
	kk := c.NewSubset("kk", k)
	if err := kk.SetMembers([]int{1}); err != nil {
		t.Fatal(err)
	}
	a := c.NewParameter("a", i, k)
	w := c.NewParameter("w", k, j)
	x := c.NewVariable("x", Free, i, j)
	y := c.NewVariable("y", Free, i)
	e1 := c.NewEquation("e1", i, j)
	_ = e1.Define(Eq(x, MatMul(a, w)))
	_ = e1.Where(ii)
	e2 := c.NewEquation("e2", i)
	_ = e2.Define(Eq(y, SumIn(kk, a)))
	m, err := c.NewModel("m", ModelSpec{Equations: []*Equation{e1, e2}, Problem: NLP, Sense: Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := m.compile()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]bool{}
	or := func(name string, act []bool) {
		if got[name] == nil {
			got[name] = make([]bool, len(act))
		}
		for q, on := range act {
			got[name][q] = got[name][q] || on
		}
	}
	for _, b := range inst.blocks {
		b.Reach(func(h any, act []bool) { or(h.(*Parameter).name, act) }, func(vb int, act []bool) { or(inst.vars[vb].name, act) })
	}
	T, F := true, false
	want := map[string][]bool{
		// a(i,k): rows 0 and 2 of e1 read all of k; every row of e2 reads k = 1.
		"a": {T, T, T, T, F, T, F, F, T, T, T, T},
		"w": {T, T, T, T, T, T, T, T},
		"x": {T, T, F, F, T, T},
		"y": {T, T, T},
	}
	for name, w := range want {
		for q := range w {
			if got[name][q] != w[q] {
				t.Errorf("%s: reached %v, want %v", name, got[name], w)
				break
			}
		}
	}
}

// Modifiable bounds on a model the solver handles: x.up and x.fx records reach the
// instance, and removing them (back to the type's default) restores the bounds at
// Freeze under base_case.
func TestFrozenBoundsAndFixedValues(t *testing.T) {
	m, x, tgt, p, _ := quadratic(t, Minimize)
	free := func(k int) float64 { return tgt.Values[k] - p.Values[k]/2 }
	if err := m.Freeze(x.UpAttr(), x.FxAttr()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		set  func()
		want []float64
	}{
		{"upper bound on x[0]", func() { x.Up[0] = -5 }, []float64{-5, free(1), free(2)}},
		{"x[1] fixed at 7 as well", func() { x.Lo[1], x.Up[1] = 7, 7 }, []float64{-5, 7, free(2)}},
		{"records removed", func() { x.SetBounds(math.Inf(-1), math.Inf(1)) }, []float64{free(0), free(1), free(2)}},
	} {
		tc.set()
		if err := m.Solve(context.Background(), Options{}); err != nil {
			t.Fatal(err)
		}
		for k, w := range tc.want {
			if math.Abs(x.L[k]-w) > 1e-6 {
				t.Errorf("%s: x = %v, want %v", tc.name, x.L, tc.want)
				break
			}
		}
	}
}

// A frozen Solve hands FreezeOptions.UpdateType to package freeze by value.
func TestUpdateTypeValues(t *testing.T) {
	for u, want := range map[UpdateType]freeze.Update{UpdateBaseCase: freeze.BaseCase, UpdateZero: freeze.Zero, UpdateAccumulate: freeze.Accumulate} {
		if freeze.Update(u) != want {
			t.Errorf("UpdateType %s is freeze.Update %d, want %d", u, freeze.Update(u), want)
		}
	}
}
