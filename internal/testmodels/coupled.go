package testmodels

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/nnopt/nnopt"
)

// The fixed network of CoupledMLP: 10 inputs, 16 tanh units, k linear outputs.
const (
	mlpInputs = 10
	mlpHidden = 16
)

// CoupledMLP is the projection of a point onto the inputs a small network keeps
// below caps: min Σ_i (x(i) - x0(i))² subject to y(k) ≤ cap(k) for k outputs, with
// z(h) = tanh(Σ_i W1(h,i)·x(i) + b1(h)) and y(k) = Σ_h W2(k,h)·z(h) + b2(k), the
// weights parameters and -3 ≤ x ≤ 3. The k rows lim(k) read the network's outputs,
// which the general method eliminates, so their Jacobian goes through the network.
// The weights are fixed formulas (bench/peers/coupled_mlp.py builds the same data
// for scipy), cap(k) = y(k) at x = 0 plus a margin of 0.1 to 0.5, so x = 0 is
// feasible and x0 is not. It returns the model, x and lim.
func CoupledMLP(k int) (*nnopt.Model, *nnopt.Variable, *nnopt.Equation, error) {
	m, x, lim, _, err := coupledMLP(k, false)
	return m, x, lim, err
}

// SolveCoupledMLP generates CoupledMLP(k) and solves it with default options,
// failing tb unless it ends locally optimal and feasible to 1e-9. It returns the
// solve time (generation left out) and the iterations, for the benchmarks that
// time the coupled rows.
func SolveCoupledMLP(tb testing.TB, k int) (seconds float64, iterations int) {
	tb.Helper()
	m, _, _, err := CoupledMLP(k)
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		tb.Fatal(err)
	}
	if m.Status != nnopt.StatusLocallyOptimal || m.MaxInfeasibility > 1e-9 {
		tb.Fatalf("%v, infeasibility %g; want locally optimal and feasible", m.Status, m.MaxInfeasibility)
	}
	return m.SolveModelTime, m.NumIterations
}

// CoupledMLPLag is CoupledMLP with k-1 more rows that read the outputs through a
// lag and a condition: step(k) for k > 1, y(k) - y(k-1) ≤ y0(k) - y0(k-1) + 0.05,
// with y0 the outputs at x = 0. It returns the model, x and step.
func CoupledMLPLag(k int) (*nnopt.Model, *nnopt.Variable, *nnopt.Equation, error) {
	m, x, _, step, err := coupledMLP(k, true)
	return m, x, step, err
}

func coupledMLP(k int, lag bool) (m *nnopt.Model, x *nnopt.Variable, lim, step *nnopt.Equation, err error) {
	if k < 1 {
		return nil, nil, nil, nil, fmt.Errorf("testmodels: %d network outputs, want at least 1", k)
	}
	c := nnopt.NewContainer()
	set := func(name string, n int) (*nnopt.Set, error) {
		labels := make([]string, n)
		for q := range labels {
			labels[q] = fmt.Sprint(name, q+1)
		}
		return c.AddSet(name, labels...)
	}
	i, err := set("i", mlpInputs)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	h, err := set("h", mlpHidden)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	o, err := set("k", k)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	par := func(name string, f func(idx ...int) float64, dom ...*nnopt.Set) (*nnopt.Parameter, error) {
		p, err := c.AddParameter(name, dom...)
		if err != nil {
			return nil, err
		}
		switch len(dom) {
		case 1:
			for a := range p.Values {
				p.Values[a] = f(a)
			}
		case 2:
			n := len(p.Values) / dom[0].Len()
			for a := range p.Values {
				p.Values[a] = f(a/n, a%n)
			}
		}
		return p, nil
	}
	w1f := func(q ...int) float64 { return 0.8 * math.Sin(1.7*float64(q[0])+0.9*float64(q[1])+0.3) }
	b1f := func(q ...int) float64 { return 0.3 * math.Cos(2.1*float64(q[0])) }
	w2f := func(q ...int) float64 {
		return 0.5 * math.Sin(0.37*float64(q[0]+1)*float64(q[1]+1)+0.5*float64(q[1]))
	}
	b2f := func(q ...int) float64 { return 0.1 * math.Cos(0.13*float64(q[0])) }
	y0 := func(q int) float64 { // the output q at x = 0
		y := b2f(q)
		for u := 0; u < mlpHidden; u++ {
			y += w2f(q, u) * math.Tanh(b1f(u))
		}
		return y
	}
	capf := func(q ...int) float64 { return y0(q[0]) + 0.3 + 0.2*math.Sin(0.29*float64(q[0])) }
	w1, err := par("W1", w1f, h, i)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	b1, err := par("b1", b1f, h)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	w2, err := par("W2", w2f, o, h)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	b2, err := par("b2", b2f, o)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	x0, err := par("x0", func(q ...int) float64 { return 1.5 * math.Cos(0.7*float64(q[0])+0.2) }, i)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	capk, err := par("cap", capf, o)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	x = c.NewVariable("x", nnopt.Free, i)
	z, y := c.NewVariable("z", nnopt.Free, h), c.NewVariable("y", nnopt.Free, o)
	for q := range x.Lo {
		x.Lo[q], x.Up[q] = -3, 3
	}
	hid := c.NewEquation("hid", h)
	if err := hid.Define(nnopt.Eq(z, nnopt.Tanh(nnopt.Add(nnopt.Sum(nnopt.Mul(w1, x), i), b1)))); err != nil {
		return nil, nil, nil, nil, err
	}
	out := c.NewEquation("out", o)
	if err := out.Define(nnopt.Eq(y, nnopt.Add(nnopt.Sum(nnopt.Mul(w2, z), h), b2))); err != nil {
		return nil, nil, nil, nil, err
	}
	lim = c.NewEquation("lim", o)
	if err := lim.Define(nnopt.Le(y, capk)); err != nil {
		return nil, nil, nil, nil, err
	}
	eqs := []*nnopt.Equation{hid, out, lim}
	if lag {
		dcap, err := par("dcap", func(q ...int) float64 {
			if q[0] == 0 {
				return 0
			}
			return y0(q[0]) - y0(q[0]-1) + 0.05
		}, o)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		later := c.NewSubset("later", o)
		mask := make([]bool, k)
		for q := 1; q < k; q++ {
			mask[q] = true
		}
		if err := later.SetMask(mask); err != nil {
			return nil, nil, nil, nil, err
		}
		step = c.NewEquation("step", o)
		if err := step.Define(nnopt.Le(nnopt.Sub(y, nnopt.Lag(y, o, 1)), dcap)); err != nil {
			return nil, nil, nil, nil, err
		}
		if err := step.Where(later); err != nil {
			return nil, nil, nil, nil, err
		}
		eqs = append(eqs, step)
	}
	obj := nnopt.Sum(nnopt.Sqr(nnopt.Sub(x, x0)), i)
	m, err = c.NewModel("coupledmlp", nnopt.ModelSpec{Equations: eqs, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	return m, x, lim, step, err
}
