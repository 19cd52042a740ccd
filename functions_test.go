package nnopt

import "testing"

// TestFunctionDegrees: the degree rules of the polynomial functions, and a
// transcendental function of a linear argument is nonlinear.
func TestFunctionDegrees(t *testing.T) {
	c := NewContainer()
	x := c.NewVariable("x", Free)
	for _, tc := range []struct {
		e    *Expr
		want Degree
		str  string
	}{
		{Sqr(x), DegreeQuadratic, "sqr(x)"},
		{Power(x, 0), DegreeConstant, "power(x, 0)"},
		{Power(x, 1), DegreeLinear, "power(x, 1)"},
		{Power(x, 2), DegreeQuadratic, "power(x, 2)"},
		{Power(x, 3), DegreeNonlinear, "power(x, 3)"},
		{Power(x, 0.5), DegreeNonlinear, "power(x, 0.5)"},
		{Sin(x), DegreeNonlinear, "sin(x)"},
		{Sqr(Sqr(x)), DegreeNonlinear, "sqr(sqr(x))"},
	} {
		if d, _ := Classify(tc.e); d != tc.want {
			t.Errorf("%v: degree %v, want %v", tc.e, d, tc.want)
		}
		if s := tc.e.String(); s != tc.str {
			t.Errorf("printed %q, want %q", s, tc.str)
		}
	}
}
