package nnopt_test

import (
	"slices"
	"testing"

	"github.com/nnopt/nnopt"
)

func TestModelSymbols(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b")
	p := c.NewParameter("p", i)
	x := c.NewVariable("x", nnopt.Positive, i)
	y := c.NewVariable("y", nnopt.Free)
	_ = c.NewVariable("unused", nnopt.Free)
	obj := nnopt.Add(nnopt.Sum(x, i), y)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.NewEquation("lim", i).Define(nnopt.Le(x, p)))
	must(c.NewEquation("ylo").Define(nnopt.Ge(y, nnopt.Const(1))))
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: obj})
	must(err)
	names := func() []string {
		vars, eqs := m.Symbols()
		var out []string
		for _, v := range vars {
			out = append(out, v.Name())
		}
		for _, e := range eqs {
			out = append(out, e.Name())
		}
		return out
	}
	if got, want := names(), []string{"x", "y", "lim", "ylo"}; !slices.Equal(got, want) {
		t.Fatalf("Symbols: %v, want %v", got, want)
	}
	must(m.Freeze(p))
	if got, want := names(), []string{"x", "y", "p_var", "lim", "ylo"}; !slices.Equal(got, want) {
		t.Fatalf("Symbols of the frozen model: %v, want %v", got, want)
	}
}
