package nnopt

import (
	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// The element-wise functions of the algebra. Each is one backend.Func, whose value
// and first two derivatives the backends compute (backend.FuncEval, and the CUDA
// kernels); everything the algebra needs to know of a function besides is its entry
// here. Adding a function is a backend.Func with its kernels, an entry in this
// table and a constructor below.

// function describes an element-wise function to the algebra.
type function struct {
	name string // as printed: tanh(x)
	// param says the function takes a constant parameter (Power's exponent), printed
	// after the argument.
	param bool
	// degree is the polynomial degree of f(x) for x of polynomial degree d, and
	// whether f(x) is a polynomial at all; nil: never (a transcendental function).
	degree func(d int, p float64) (int, bool)
}

var functions = map[backend.Func]function{
	backend.Tanh:    {name: "tanh"},
	backend.Exp:     {name: "exp"},
	backend.Log:     {name: "log"},
	backend.Sqrt:    {name: "sqrt"},
	backend.Sigmoid: {name: "sigmoid"},
	backend.Sin:     {name: "sin"},
	backend.Sqr:     {name: "sqr", degree: func(d int, _ float64) (int, bool) { return 2 * d, true }},
	backend.Power: {name: "power", param: true, degree: func(d int, p float64) (int, bool) {
		if p == float64(int(p)) && p >= 0 && p <= 2 {
			return int(p) * d, true
		}
		return 0, false
	}},
}

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
