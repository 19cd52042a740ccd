package nnopt_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

// TestElem: x('b') and p('2','y') are scalars of the element's value; unknown
// labels, positions and the wrong number of labels are errors naming them; a model
// pins one element of a variable and fits another.
func TestElem(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	d := c.Dims(2, 2)
	x := c.NewVariable("x", nnopt.Free, i)
	p := c.NewParameter("p", d[0], d[1])
	copy(p.Values, []float64{1, 2, 3, 4})
	copy(x.L, []float64{10, 20, 30})
	r := c.NewVariable("r", nnopt.Free)
	e := c.NewEquation("e")
	if err := e.Define(nnopt.Eq(r, nnopt.Add(x.Elem("b"), p.Elem("1", "0")))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: []*nnopt.Equation{e}, Problem: nnopt.NLP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Residuals()
	if err != nil {
		t.Fatal(err)
	}
	if got := res[e][0]; got != -(20 + 3) { // r - (x('b') + p('1','0')) at r = 0
		t.Errorf("residual %g, want -23", got)
	}
	for _, tc := range []struct {
		e    *nnopt.Expr
		want string
	}{
		{x.Elem("z"), `x("z"): "z" is not an element of set "i"`},
		{x.Elem("a", "b"), `x("a","b"): 2 labels for x(i), want 1`},
		{p.Elem("2", "0"), `"2" is not a position of dimension`},
		{p.Elem("one", "0"), `"one" is not a position`},
	} {
		if err := tc.e.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error with %q", err, tc.want)
		}
	}

	// min Σ (x - 1)² with x('a') = 5 fixed by an equation through Elem.
	obj := c.NewVariable("obj", nnopt.Free)
	def := c.NewEquation("def")
	pin := c.NewEquation("pin")
	must(t, def.Define(nnopt.Eq(obj, nnopt.Sum(nnopt.Sqr(nnopt.Sub(x, nnopt.Const(1))), i))))
	must(t, pin.Define(nnopt.Eq(x.Elem("a"), nnopt.Const(5))))
	fit, err := c.NewModel("fit", nnopt.ModelSpec{Equations: []*nnopt.Equation{def, pin}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	if err := fit.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if fit.Status != nnopt.StatusLocallyOptimal || math.Abs(fit.ObjectiveValue-16) > 1e-8 || math.Abs(x.L[0]-5) > 1e-8 || math.Abs(x.L[1]-1) > 1e-6 {
		t.Errorf("status %v, objective %g at x = %v; want 16 at (5, 1, 1)", fit.Status, fit.ObjectiveValue, x.L)
	}
	if mg := pin.M[0]; math.Abs(mg-8) > 1e-6 { // ∂obj/∂rhs = 2(5 - 1)
		t.Errorf("pin's marginal %g, want 8", mg)
	}
}
