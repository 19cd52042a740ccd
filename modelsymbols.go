package nnopt

import "slices"

// Symbols returns the variables and equations whose levels and marginals a Solve of
// the model writes: the variables its equations and objective refer to, in order of
// first reference, its equations, and a frozen model's <parameter>_var variables.
// Whatever moves a solution between copies of a model (package remote) copies
// exactly these.
func (m *Model) Symbols() ([]*Variable, []*Equation) {
	seen := map[*Variable]bool{}
	var vars []*Variable
	add := func(v *Variable) {
		if !seen[v] {
			seen[v] = true
			vars = append(vars, v)
		}
	}
	for _, e := range m.equations {
		if e.def != nil {
			walkRefs(e.def.lhs, add)
			walkRefs(e.def.rhs, add)
		}
	}
	if m.objective != nil {
		walkRefs(m.objective, add)
	}
	if m.frozen != nil {
		for _, v := range m.frozen.pvars {
			add(v)
		}
	}
	return vars, slices.Clone(m.equations)
}
