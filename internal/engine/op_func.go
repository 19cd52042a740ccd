package engine

import (
	"strconv"
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// The element-wise functions. Each is one backend.Func, whose value and first two
// derivatives the backends compute (backend.FuncEval, and the CUDA kernels);
// everything the algebra needs to know of a function besides is its entry in
// functions. Adding a function is a backend.Func with its kernels, an entry here and
// a constructor in the modelling API.

// function describes an element-wise function to the algebra.
type function struct {
	name string // as printed: tanh(x)
	// param says the function takes a constant parameter (Power's exponent), printed
	// after the argument.
	param bool
	// degree is the polynomial degree of f(x) for x of polynomial degree d, and
	// whether f(x) is a polynomial at all; nil: never (a transcendental function).
	degree func(d int, p float64) (int, bool)
	// kink says f has points without a derivative (|x| at 0): a model with it is a
	// DNLP.
	kink bool
}

var functions = map[backend.Func]function{
	backend.Tanh:    {name: "tanh"},
	backend.Exp:     {name: "exp"},
	backend.Log:     {name: "log"},
	backend.Sqrt:    {name: "sqrt"},
	backend.Sigmoid: {name: "sigmoid"},
	backend.Sin:     {name: "sin"},
	backend.Cos:     {name: "cos"},
	backend.Abs:     {name: "abs", kink: true},
	backend.Erf:     {name: "erf"},
	backend.Sqr:     {name: "sqr", degree: func(d int, _ float64) (int, bool) { return 2 * d, true }},
	backend.Power: {name: "power", param: true, degree: func(d int, p float64) (int, bool) {
		if p == float64(int(p)) && p >= 0 && p <= 2 {
			return int(p) * d, true
		}
		return 0, false
	}},
	backend.Softplus: {name: "softplus"},
}

// FunctionName is the name fn prints with, "" for a function the algebra does not
// know.
func FunctionName(fn backend.Func) string { return functions[fn].name }

func printFunc(b *strings.Builder, t *Term) {
	f := functions[t.Fn]
	b.WriteString(f.name)
	b.WriteByte('(')
	writeTerm(b, t.Args[0])
	if f.param {
		b.WriteString(", " + strconv.FormatFloat(t.Val, 'g', -1, 64))
	}
	b.WriteByte(')')
}

func funcDegree(t *Term) (Degree, *Term) {
	da, ta := classify(t.Args[0])
	if da == DegreeConstant {
		return DegreeConstant, nil
	}
	if functions[t.Fn].kink && da < DegreeNonSmooth {
		return DegreeNonSmooth, t
	}
	if da >= DegreeNonlinear {
		return da, ta
	}
	if rule := functions[t.Fn].degree; rule != nil {
		if deg, ok := rule(int(da), t.Val); ok {
			if deg == int(da) {
				return da, ta
			}
			return polyDegree(deg), termIf(deg > 0, t)
		}
	}
	return DegreeNonlinear, t
}

// funcPatterns: below a function every reference is nonlinear and every pair of
// references a Hessian pair.
func funcPatterns(w *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, _ bool, intro *[]int) []occ {
	var sub []int
	occs := w.walk(e.Args[0], scope, masks, true, &sub)
	*intro = append(*intro, sub...)
	w.allPairs(occs, sub)
	return occs
}

func funcForward(n *Node) {
	mapOn(n.dev.be, backend.Op{Code: backend.FuncValue, Fn: n.Fn, P: n.P}, n.Size, set(n.v), n.arg(0, n.Args[0].v))
}

func funcTangent(n *Node) {
	a := n.Args[0]
	mapOn(n.dev.be, backend.Op{Code: backend.FuncTangent, Fn: n.Fn, P: n.P}, n.Size, set(n.d), n.arg(0, a.v), in(n.v), n.arg(0, a.d))
}

func funcPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	if a := n.Args[0]; adjOf(a) != nil {
		mapOn(n.dev.be, backend.Op{Code: backend.FuncTangent, Fn: n.Fn, P: n.P}, n.Size, adjOut(a, adjOf(a), n.dev.Gather[0]), n.arg(0, a.v), in(n.v), in(w))
	}
}

func funcBackwardTangent(n *Node, w, wd backend.Vector) {
	if a := n.Args[0]; a.ad != nil {
		mapOn(n.dev.be, backend.Op{Code: backend.FuncCurvature, Fn: n.Fn, P: n.P}, n.Size, accAt(a.ad, n.dev.Gather[0]),
			n.arg(0, a.v), in(n.v), n.arg(0, a.d), in(w), in(wd))
	}
}
