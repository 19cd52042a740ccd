package nnopt

import (
	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// The element-wise functions of the algebra: each is one backend.Func, described to
// the algebra (its name, its degree rule) by the engine's function table and
// computed by the backends' kernels.

func unary(fn backend.Func, a Operand, p float64) *Expr {
	x := a.expr()
	return &Expr{op: engine.OpFunc, fn: fn, args: []*Expr{x}, val: p, free: x.free, hasVar: x.hasVar, err: x.err}
}

// Tanh is the hyperbolic tangent, element-wise.
func Tanh(a Operand) *Expr { return unary(backend.Tanh, a, 0) }

// Exp is e^a, element-wise.
func Exp(a Operand) *Expr { return unary(backend.Exp, a, 0) }

// Log is the natural logarithm, element-wise.
func Log(a Operand) *Expr { return unary(backend.Log, a, 0) }

// Sqrt is the square root, element-wise.
func Sqrt(a Operand) *Expr { return unary(backend.Sqrt, a, 0) }

// Sqr is a², element-wise.
func Sqr(a Operand) *Expr { return unary(backend.Sqr, a, 0) }

// Sigmoid is 1/(1+e^-a), element-wise.
func Sigmoid(a Operand) *Expr { return unary(backend.Sigmoid, a, 0) }

// Sin is the sine, element-wise (radians).
func Sin(a Operand) *Expr { return unary(backend.Sin, a, 0) }

// Power is a^p for a constant exponent p, element-wise.
func Power(a Operand, p float64) *Expr { return unary(backend.Power, a, p) }

// Cos is the cosine, element-wise (radians).
func Cos(a Operand) *Expr { return unary(backend.Cos, a, 0) }

// Abs is |a|, element-wise. It has no derivative at 0; the solver takes the
// right-hand one there (1). A model with Abs of a variable is a DNLP.
func Abs(a Operand) *Expr { return unary(backend.Abs, a, 0) }

// Pow is a^b for a > 0 with a variable or data exponent b, element-wise, written
// as exp(b·log a) (and printed so); Power takes a constant exponent and any a.
func Pow(a, b Operand) *Expr { return Exp(Mul(b, Log(a))) }

// Erf is the error function, element-wise; the normal distribution function is
// Φ(x) = (1 + erf(x/√2))/2.
func Erf(a Operand) *Expr { return unary(backend.Erf, a, 0) }

// Softplus is log(1 + e^x), element-wise: a smooth ReLU, evaluated without
// overflow for large |x|; its derivative is the sigmoid.
func Softplus(a Operand) *Expr { return unary(backend.Softplus, a, 0) }
