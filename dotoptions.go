package nnopt

import (
	"fmt"
	"strings"

	"github.com/nnopt/nnopt/optfile"
)

// ApplyDotOptions sets the symbol attributes that an option file's dot options
// name (x.scale 0.25, x.scale(*,'new york') 2, variables.scale 1, e.scale 100,
// equations.scale 1), in file order, so that a later line overrides an earlier one
// where they overlap. The symbols are the model's variables and equations; a name
// the model does not use, a label that is not in its set or the wrong number of
// labels is an error naming the file and line.
func (m *Model) ApplyDotOptions(f *optfile.File) error {
	type symbol struct {
		name   string
		domain []*Set
		scale  []float64
	}
	var vars, eqs []symbol
	byName := map[string]symbol{}
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
					vars = append(vars, symbol{v.name, v.domain, v.Scale})
					byName[strings.ToLower(v.name)] = vars[len(vars)-1]
				}
			})
		}
	}
	if v, ok := m.objectiveVariable(); ok && !seen[v] {
		vars = append(vars, symbol{v.name, v.domain, v.Scale})
		byName[strings.ToLower(v.name)] = vars[len(vars)-1]
	}
	for _, e := range m.equations {
		eqs = append(eqs, symbol{e.name, e.domain, e.Scale})
		byName[strings.ToLower(e.name)] = eqs[len(eqs)-1]
	}
	for _, e := range f.DotOptions() {
		where := fmt.Sprintf("%s:%d: %s", f.Name, e.Line, e.String())
		var targets []symbol
		switch {
		case strings.EqualFold(e.Symbol, optfile.AllVariables):
			targets = vars
		case strings.EqualFold(e.Symbol, optfile.AllEquations):
			targets = eqs
		default:
			s, ok := byName[strings.ToLower(e.Symbol)]
			if !ok {
				return fmt.Errorf("%s: model %q has no variable or equation %q", where, m.name, e.Symbol)
			}
			targets = []symbol{s}
		}
		if e.Option.Name != "scale" {
			return fmt.Errorf("%s: symbols have no attribute %q that option files set", where, e.Option.Name)
		}
		for _, s := range targets {
			if err := setMatching(s.name, s.domain, &e, s.scale, e.Value.Float); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return nil
}

// setMatching sets attr to val on every element of the symbol that e's labels
// match. Each label must be an element of its position's set (or the wildcard), so
// a typo is an error rather than an entry that matches nothing.
func setMatching(name string, domain []*Set, e *optfile.Entry, attr []float64, val float64) error {
	if e.Labels == nil {
		fill(attr, val)
		return nil
	}
	if len(e.Labels) != len(domain) {
		return fmt.Errorf("%q has %d indices, the entry gives %d labels", name, len(domain), len(e.Labels))
	}
	// pos[d] is the matching positions of dimension d.
	pos := make([][]int, len(domain))
	for d, s := range domain {
		labels := s.Labels()
		for i, l := range labels {
			if e.Labels[d] == optfile.Wildcard || strings.EqualFold(l, e.Labels[d]) {
				pos[d] = append(pos[d], i)
			}
		}
		if len(pos[d]) == 0 {
			return fmt.Errorf("label %q is not an element of set %q (index %d of %q)", e.Labels[d], s.name, d+1, name)
		}
	}
	// Every combination, row-major.
	idx := make([]int, len(pos))
	for {
		flat := 0
		for d, s := range domain {
			flat = flat*s.Len() + pos[d][idx[d]]
		}
		attr[flat] = val
		d := len(idx) - 1
		for d >= 0 {
			idx[d]++
			if idx[d] < len(pos[d]) {
				break
			}
			idx[d] = 0
			d--
		}
		if d < 0 {
			return nil
		}
	}
}
