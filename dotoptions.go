package nnopt

import (
	"fmt"
	"strings"

	"github.com/nnopt/nnopt/optfile"
)

// ApplyDotOptions sets the symbol attributes that an option file's dot options
// name (x.scale 0.25, x.scale(*,'new york') 2, variables.scale 1), in file order,
// so that a later line overrides an earlier one where they overlap. The symbols
// are the model's variables; a name the model does not use, a label that is not in
// its set or the wrong number of labels is an error naming the file and line.
func (m *Model) ApplyDotOptions(f *optfile.File) error {
	inst, err := m.compile()
	if err != nil {
		return err
	}
	byName := map[string]*Variable{}
	for _, v := range inst.vars {
		byName[strings.ToLower(v.name)] = v
	}
	for _, e := range f.DotOptions() {
		where := fmt.Sprintf("%s:%d: %s", f.Name, e.Line, e.String())
		var targets []*Variable
		if strings.EqualFold(e.Symbol, optfile.AllVariables) {
			for _, v := range inst.vars {
				if m.c.Lookup(v.name) == v { // not the objective variable compile adds
					targets = append(targets, v)
				}
			}
		} else if v, ok := byName[strings.ToLower(e.Symbol)]; ok {
			targets = []*Variable{v}
		} else {
			return fmt.Errorf("%s: model %q has no variable %q", where, m.name, e.Symbol)
		}
		for _, v := range targets {
			attr, err := dotAttribute(v, e.Option.Name)
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			if err := setMatching(v, &e, attr, e.Value.Float); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return nil
}

func dotAttribute(v *Variable, name string) ([]float64, error) {
	switch name {
	case "scale":
		return v.Scale, nil
	}
	return nil, fmt.Errorf("variables have no attribute %q that option files set", name)
}

// setMatching sets attr to val on every element of v that e's labels match. Each
// label must be an element of its position's set (or the wildcard), so a typo is
// an error rather than an entry that matches nothing.
func setMatching(v *Variable, e *optfile.Entry, attr []float64, val float64) error {
	if e.Labels == nil {
		fill(attr, val)
		return nil
	}
	if len(e.Labels) != len(v.domain) {
		return fmt.Errorf("variable %q has %d indices, the entry gives %d labels", v.name, len(v.domain), len(e.Labels))
	}
	// pos[d] is the matching positions of dimension d.
	pos := make([][]int, len(v.domain))
	for d, s := range v.domain {
		labels := s.Labels()
		for i, l := range labels {
			if e.Labels[d] == optfile.Wildcard || strings.EqualFold(l, e.Labels[d]) {
				pos[d] = append(pos[d], i)
			}
		}
		if len(pos[d]) == 0 {
			return fmt.Errorf("label %q is not an element of set %q (index %d of %q)", e.Labels[d], s.name, d+1, v.name)
		}
	}
	// Every combination, row-major.
	idx := make([]int, len(pos))
	for {
		flat := 0
		for d, s := range v.domain {
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
