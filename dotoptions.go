package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/internal/dotopt"
	"github.com/nnopt/nnopt/optfile"
)

// ApplyDotOptions sets the symbol attributes that an option file's dot options
// name (x.scale 0.25, x.scale(*,'new york') 2, variables.scale 1, e.scale 100,
// equations.scale 1), in file order, so that a later line overrides an earlier one
// where they overlap. The symbols are the model's variables and equations; a name
// the model does not use, a label that is not in its set or the wrong number of
// labels is an error naming the file and line.
func (m *Model) ApplyDotOptions(f *optfile.File) error {
	var vars, eqs []dotopt.Symbol
	// The model's variables are those its equations reference: found by a walk
	// over the expressions, without generating the model.
	seen := map[*Variable]bool{}
	for _, e := range m.equations {
		if e.def == nil {
			return fmt.Errorf("nnopt: model %q: equation %q has no definition", m.name, e.name)
		}
		for _, side := range []*Expr{e.def.lhs, e.def.rhs} {
			walkRefs(side, func(v *Variable) {
				if !seen[v] {
					seen[v] = true
					vars = append(vars, dotopt.Symbol{Name: v.name, Domain: axes(v.domain), Scale: v.Scale})
				}
			})
		}
	}
	if v, ok := m.objectiveVariable(); ok && !seen[v] {
		vars = append(vars, dotopt.Symbol{Name: v.name, Domain: axes(v.domain), Scale: v.Scale})
	}
	for _, e := range m.equations {
		eqs = append(eqs, dotopt.Symbol{Name: e.name, Domain: axes(e.domain), Scale: e.Scale})
	}
	return dotopt.Apply(f, m.name, vars, eqs)
}

// axes is a domain as package dotopt reads it.
func axes(domain []*Set) []dotopt.Axis {
	out := make([]dotopt.Axis, len(domain))
	for i, s := range domain {
		out[i] = s
	}
	return out
}
