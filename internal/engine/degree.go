package engine

import "fmt"

// Degree classifies an expression by how it depends on the variables, in increasing
// order: a model type allows equations up to some degree.
type Degree int

// Degrees of an expression.
const (
	// DegreeConstant: no variable (parameters and constants only).
	DegreeConstant Degree = iota
	// DegreeLinear: a sum of variables times constants.
	DegreeLinear
	// DegreeQuadratic: products of at most two linear terms (x*y, Sqr(x), Power(x, 2),
	// a kernel with two variable arguments).
	DegreeQuadratic
	// DegreeNonlinear: smooth nonlinear functions (Tanh, Exp, Log, Sqrt, Sigmoid,
	// other powers, division by a variable, LogSumExp) and products beyond degree 2.
	DegreeNonlinear
	// DegreeNonSmooth: functions that need a DNLP. None of the current functions is
	// non-smooth; the class is there for abs, min and max when they come.
	DegreeNonSmooth
)

var degreeNames = [...]string{"constant", "linear", "quadratic", "nonlinear", "non-smooth"}

func (d Degree) String() string {
	if d < 0 || int(d) >= len(degreeNames) {
		return fmt.Sprintf("Degree(%d)", int(d))
	}
	return degreeNames[d]
}

// Classify returns the degree of t with respect to the variables, and the term that
// gives it that degree: the innermost subterm of that degree whose arguments are all
// of lower degree (exp(x) in y + exp(x), x * y in 2 * (x * y)). The term is nil for
// constant and linear terms made of references alone.
func Classify(t *Term) (Degree, *Term) { return classify(t) }

// classify folds the degree up the tree through each operation's rule.
func classify(t *Term) (Degree, *Term) {
	if f := ops[t.Op].degree; f != nil {
		return f(t)
	}
	return DegreeNonlinear, t
}

// maxDegree is the rule of operations linear in their arguments (a condition is
// data): the highest of the arguments' degrees, the first on a tie.
func maxDegree(t *Term) (Degree, *Term) {
	var d Degree
	var term *Term
	for _, a := range t.Args {
		if da, ta := classify(a); da > d {
			d, term = da, ta
		}
	}
	return d, term
}

// polyDegree is the degree of a product or power of polynomial degrees: beyond 2 it
// is nonlinear.
func polyDegree(n int) Degree {
	if n > int(DegreeQuadratic) {
		return DegreeNonlinear
	}
	return Degree(n)
}

func termIf(ok bool, t *Term) *Term {
	if ok {
		return t
	}
	return nil
}

// maxTerm returns the higher degree with its term (the first on a tie).
func maxTerm(da Degree, ta *Term, db Degree, tb *Term) (Degree, *Term) {
	if db > da {
		return db, tb
	}
	return da, ta
}
