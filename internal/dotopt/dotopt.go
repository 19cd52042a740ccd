// Package dotopt applies the dot options of an option file (x.scale 0.25,
// x.scale(*,'new york') 2, variables.scale 1, e.scale 100, equations.scale 1) to the
// attributes of a model's symbols, element by element.
package dotopt

import (
	"fmt"
	"strings"

	"github.com/nnopt/nnopt/optfile"
)

// Axis is one set of a symbol's domain.
type Axis interface {
	Name() string
	Labels() []string
	Len() int
}

// Symbol is a variable or an equation: its name, its domain and the attribute that
// dot options set, row-major over the domain.
type Symbol struct {
	Name   string
	Domain []Axis
	Scale  []float64
}

// Apply sets the attributes that f's dot options name, in file order, so that a later
// line overrides an earlier one where they overlap. vars and eqs are the symbols of
// model; names are matched ignoring case, an equation's taking precedence over a
// variable's. A name that is not among them, a label that is not in its set or the
// wrong number of labels is an error naming the file and line.
func Apply(f *optfile.File, model string, vars, eqs []Symbol) error {
	byName := map[string]Symbol{}
	for _, list := range [][]Symbol{vars, eqs} {
		for _, s := range list {
			byName[strings.ToLower(s.Name)] = s
		}
	}
	for _, e := range f.DotOptions() {
		where := fmt.Sprintf("%s:%d: %s", f.Name, e.Line, e.String())
		var targets []Symbol
		switch {
		case strings.EqualFold(e.Symbol, optfile.AllVariables):
			targets = vars
		case strings.EqualFold(e.Symbol, optfile.AllEquations):
			targets = eqs
		default:
			s, ok := byName[strings.ToLower(e.Symbol)]
			if !ok {
				return fmt.Errorf("%s: model %q has no variable or equation %q", where, model, e.Symbol)
			}
			targets = []Symbol{s}
		}
		if e.Option.Name != "scale" {
			return fmt.Errorf("%s: symbols have no attribute %q that option files set", where, e.Option.Name)
		}
		for _, s := range targets {
			if err := setMatching(s.Name, s.Domain, &e, s.Scale, e.Value.Float); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return nil
}

// setMatching sets attr to val on every element of the symbol that e's labels
// match. Each label must be an element of its position's set (or the wildcard), so
// a typo is an error rather than an entry that matches nothing.
func setMatching(name string, domain []Axis, e *optfile.Entry, attr []float64, val float64) error {
	if e.Labels == nil {
		for i := range attr {
			attr[i] = val
		}
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
			return fmt.Errorf("label %q is not an element of set %q (index %d of %q)", e.Labels[d], s.Name(), d+1, name)
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
