// Package activation adds activation functions to a model: each returns the output
// variable and the equations that define it from the input, so a network is a chain
// of defining equations the solver sees as triangular.
package activation

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt"
)

// Output is the result of an activation: the new variable and its defining equations.
type Output struct {
	Var       *nnopt.Variable
	Equations []*nnopt.Equation
}

func elementwise(c *nnopt.Container, x *nnopt.Variable, name string, f func(nnopt.Operand) *nnopt.Expr, lo, up float64) (Output, error) {
	y := c.NewVariable(c.UniqueName(x.Name()+"_"+name), nnopt.Free, x.Domain()...)
	y.SetBounds(lo, up)
	e := c.NewEquation(c.UniqueName("calc_"+y.Name()), x.Domain()...)
	if err := e.Define(nnopt.Eq(y, f(x))); err != nil {
		return Output{}, fmt.Errorf("activation %s of %q: %w", name, x.Name(), err)
	}
	return Output{y, []*nnopt.Equation{e}}, nil
}

// Tanh adds y = tanh(x) with the implied bounds -1 ≤ y ≤ 1, as the reference does.
// Remove them with y.SetBounds(math.Inf(-1), math.Inf(1)) when they are not wanted.
func Tanh(c *nnopt.Container, x *nnopt.Variable) (Output, error) {
	return elementwise(c, x, "tanh", nnopt.Tanh, -1, 1)
}

// Sigmoid adds y = 1/(1+e^-x) with the implied bounds 0 ≤ y ≤ 1.
func Sigmoid(c *nnopt.Container, x *nnopt.Variable) (Output, error) {
	return elementwise(c, x, "sigmoid", nnopt.Sigmoid, 0, 1)
}

// TanhBounds narrows the bounds of y = tanh(x) made by Tanh to tanh of x's bounds:
// tanh is increasing, so [lo, up] maps onto [tanh lo, tanh up]. Tanh itself keeps the
// implied [-1, 1]; call this when x's bounds say more, e.g. after a layer of the
// formulations package propagated them, so that the layers after y propagate tight
// bounds too.
func TanhBounds(y, x *nnopt.Variable) error { return monotoneBounds("tanh", y, x, math.Tanh) }

// SigmoidBounds narrows the bounds of y = sigmoid(x) made by Sigmoid to sigmoid of
// x's bounds, as TanhBounds does for tanh.
func SigmoidBounds(y, x *nnopt.Variable) error {
	return monotoneBounds("sigmoid", y, x, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) })
}

// monotoneBounds intersects y's bounds with f of x's, for f increasing and y = f(x)
// element by element.
func monotoneBounds(name string, y, x *nnopt.Variable, f func(float64) float64) error {
	if y.Size() != x.Size() {
		return fmt.Errorf("activation %s bounds: %q has %d elements and %q %d; want y = %s(x) element by element", name, y.Name(), y.Size(), x.Name(), x.Size(), name)
	}
	for i := range y.Lo {
		y.Lo[i] = math.Max(y.Lo[i], f(x.Lo[i]))
		y.Up[i] = math.Min(y.Up[i], f(x.Up[i]))
	}
	return nil
}

// axis returns x's domain set at position dim (negative counts from the end) and an
// alias of it to sum over.
func axis(c *nnopt.Container, x *nnopt.Variable, dim int) (*nnopt.Set, *nnopt.Set, error) {
	d := x.Domain()
	if dim < 0 {
		dim += len(d)
	}
	if dim < 0 || dim >= len(d) {
		return nil, nil, fmt.Errorf("activation: %q has %d dimensions; dimension %d does not exist", x.Name(), len(d), dim)
	}
	return d[dim], c.NewAlias(c.UniqueName(d[dim].Name()+"_sum"), d[dim]), nil
}

func withAxis(x *nnopt.Variable, set, alias *nnopt.Set) *nnopt.Expr {
	idx := append([]*nnopt.Set(nil), x.Domain()...)
	for i, s := range idx {
		if s == set {
			idx[i] = alias
		}
	}
	return x.At(idx...)
}

// LogSoftmax adds y = x - log Σ_k exp(x_k) along dimension dim (-1 for the last),
// evaluated stably (the maximum is subtracted inside LogSumExp). y ≤ 0 is implied.
func LogSoftmax(c *nnopt.Container, x *nnopt.Variable, dim int) (Output, error) {
	set, alias, err := axis(c, x, dim)
	if err != nil {
		return Output{}, err
	}
	y := c.NewVariable(c.UniqueName(x.Name()+"_log_softmax"), nnopt.Free, x.Domain()...)
	fill(y.Up, 0)
	e := c.NewEquation(c.UniqueName("calc_"+y.Name()), x.Domain()...)
	if err := e.Define(nnopt.Eq(y, nnopt.Sub(x, nnopt.LogSumExp(withAxis(x, set, alias), alias)))); err != nil {
		return Output{}, fmt.Errorf("activation log_softmax of %q: %w", x.Name(), err)
	}
	return Output{y, []*nnopt.Equation{e}}, nil
}

// Softmax adds y = exp(x - log Σ_k exp(x_k)) along dimension dim, with 0 ≤ y ≤ 1.
func Softmax(c *nnopt.Container, x *nnopt.Variable, dim int) (Output, error) {
	set, alias, err := axis(c, x, dim)
	if err != nil {
		return Output{}, err
	}
	y := c.NewVariable(c.UniqueName(x.Name()+"_softmax"), nnopt.Free, x.Domain()...)
	y.SetBounds(0, 1)
	e := c.NewEquation(c.UniqueName("calc_"+y.Name()), x.Domain()...)
	if err := e.Define(nnopt.Eq(y, nnopt.Exp(nnopt.Sub(x, nnopt.LogSumExp(withAxis(x, set, alias), alias))))); err != nil {
		return Output{}, fmt.Errorf("activation softmax of %q: %w", x.Name(), err)
	}
	return Output{y, []*nnopt.Equation{e}}, nil
}

func fill(x []float64, v float64) {
	for i := range x {
		x[i] = v
	}
}

// Softplus adds y = log(1 + e^x), a smooth ReLU (PyTorch's Softplus with beta 1),
// with y > 0 implied and bounds softplus of x's: it is increasing.
func Softplus(c *nnopt.Container, x *nnopt.Variable) (Output, error) {
	o, err := elementwise(c, x, "softplus", nnopt.Softplus, 0, math.Inf(1))
	if err == nil {
		err = monotoneBounds("softplus", o.Var, x, softplus)
	}
	return o, err
}

func softplus(v float64) float64 { return math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v))) }

// GELU adds y = x·Φ(x) = x·(1 + erf(x/√2))/2, PyTorch's exact GELU (not the tanh
// approximation), smooth. y's bounds are GELU's range over x's bounds: GELU falls
// to its minimum geluMin at geluArgMin ≈ -0.7518 and rises after.
func GELU(c *nnopt.Container, x *nnopt.Variable) (Output, error) {
	o, err := elementwise(c, x, "gelu", func(a nnopt.Operand) *nnopt.Expr {
		return nnopt.Mul(nnopt.Mul(nnopt.Const(0.5), a), nnopt.Add(nnopt.Const(1), nnopt.Erf(nnopt.Mul(nnopt.Const(1/math.Sqrt2), a))))
	}, geluMin, math.Inf(1))
	if err != nil {
		return o, err
	}
	y := o.Var
	for i := range y.Lo {
		l, u := x.Lo[i], x.Up[i]
		if l > u {
			continue // an empty box: the model reports it
		}
		lo, up := math.Min(gelu(l), gelu(u)), math.Max(gelu(l), gelu(u))
		if l <= geluArgMin && geluArgMin <= u {
			lo = geluMin
		}
		if math.IsInf(l, -1) {
			up = math.Max(up, 0) // GELU tends to 0 as x goes to -∞
		}
		y.Lo[i], y.Up[i] = math.Max(y.Lo[i], lo), math.Min(y.Up[i], up)
	}
	return o, nil
}

func gelu(v float64) float64 {
	if math.IsInf(v, -1) {
		return 0
	}
	return v * (1 + math.Erf(v/math.Sqrt2)) / 2
}

// geluArgMin is where GELU is smallest: Φ(x) + x·φ(x) = 0; geluMin, a hair
// below GELU's minimum -0.16997..., its value there, so that the bound is safe
// under rounding.
const geluArgMin = -0.7517915246935

var geluMin = gelu(geluArgMin) - 1e-12
