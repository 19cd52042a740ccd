package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/nlpsolve"
)

// Model scaling. A variable element with Scale c is seen by the solver as x/c (its
// bounds as lo/c and up/c), an equation row with Scale d as (lhs - rhs)/d, so a
// derivative ∂row/∂x becomes ∂row/∂x·c/d. Levels, marginals, the objective and the
// infeasibility figures are always reported unscaled: an equation's marginal is the
// change of the objective per unit of its stated right-hand side, whatever its scale.
//
// Where scales act:
//   - The general method (models with constraints that do not all define a
//     variable) scales every column it moves and every row it keeps. Equations that
//     define a variable stay eliminated: the forward sweep computes that variable,
//     so the equation's scale and the defined variable's scale have no effect on the
//     iterates there.
//   - The triangular method scales the variables it moves (see nlpsolve.Scaling);
//     every equation defines a variable there, so equation scales have no effect.
//
// A scale must lie in (1e-20, 1e20] (nlpsolve.MinScale, nlpsolve.MaxScale); binary and integer
// variables cannot be scaled. Solve, Statistics and the file writers check this when
// they generate the model, and the error names the symbol and the element.

// allOnes reports whether every scale is 1.
func allOnes(scale []float64) bool {
	for _, c := range scale {
		if c != 1 {
			return false
		}
	}
	return true
}

// label names element i of the variable by its domain's labels, x(seattle).
func (v *Variable) label(i int) string { return elementName(v.name, v.domain, i, false) }

// ElementName is element i's name as files and listings write it: x(seattle,2).
func (v *Variable) ElementName(i int) string { return v.label(i) }

// label names row i of the equation by its domain's labels, supply(seattle).
func (e *Equation) label(i int) string { return elementName(e.name, e.domain, i, false) }

// checkScales validates the scales of a model's variables and equations.
func checkScales(model string, vars []*Variable, eqs []*Equation) error {
	bad := func(c float64) bool { return !nlpsolve.ValidScale(c) }
	for _, v := range vars {
		if len(v.Scale) != len(v.L) {
			return fmt.Errorf("nnopt: model %q: variable %q has %d scales for %d elements", model, v.name, len(v.Scale), len(v.L))
		}
		for i, c := range v.Scale {
			if bad(c) {
				return fmt.Errorf("nnopt: model %q: variable %q element %d: scale %g (%s); want a number in (%g, %g]", model, v.name, i, c, v.label(i), nlpsolve.MinScale, nlpsolve.MaxScale)
			}
			if c != 1 && (v.Type == Binary || v.Type == Integer) {
				return fmt.Errorf("nnopt: model %q: variable %q element %d: scale %g (%s); %s variables cannot be scaled", model, v.name, i, c, v.label(i), v.Type)
			}
		}
	}
	for _, e := range eqs {
		if len(e.Scale) != len(e.L) {
			return fmt.Errorf("nnopt: model %q: equation %q has %d scales for %d rows", model, e.name, len(e.Scale), len(e.L))
		}
		for i, c := range e.Scale {
			if bad(c) {
				return fmt.Errorf("nnopt: model %q: equation %q element %d: scale %g (%s); want a number in (%g, %g]", model, e.name, i, c, e.label(i), nlpsolve.MinScale, nlpsolve.MaxScale)
			}
		}
	}
	return nil
}
