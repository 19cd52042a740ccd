package nnopt

import (
	"fmt"
	"slices"

	"github.com/nnopt/nnopt/internal/pointfile"
)

// SavePoint writes the levels and marginals of the model's variables and equations
// to a point file, atomically: a safetensors file (which NumPy and PyTorch read too)
// with tensors "<symbol>.l" and "<symbol>.m" in float64, shaped like the symbol's
// domain, the starting point of a later run (the reference's savepoint).
func (m *Model) SavePoint(path string) error {
	inst, err := m.compile()
	if err != nil {
		return err
	}
	var syms []pointfile.Symbol
	for _, v := range inst.vars {
		if m.c.Lookup(v.name) == v { // not the objective variable compile adds
			syms = append(syms, pointfile.Symbol{Name: v.name, Shape: shapeOf(v.domain), L: v.L, M: v.M})
		}
	}
	for _, e := range m.equations {
		syms = append(syms, pointfile.Symbol{Name: e.name, Shape: shapeOf(e.domain), L: e.L, M: e.M})
	}
	return pointfile.Save(path, m.name, syms)
}

// shapeOf is the sizes of a domain's sets.
func shapeOf(domain []*Set) []int {
	shape := make([]int, len(domain))
	for i, s := range domain {
		shape[i] = s.Len()
	}
	return shape
}

// PointReport says what LoadPoint did.
type PointReport struct {
	Loaded  []string // symbols whose levels and marginals were set
	Skipped []string // symbols in the file that the container does not have
}

// LoadPoint sets the levels and marginals of the container's variables and
// equations from a point file, the starting point of the next Solve. A symbol of
// the file that the container lacks is skipped and reported; one whose shape
// differs is an error naming it, and then nothing is changed.
func (c *Container) LoadPoint(path string) (PointReport, error) {
	tensors, err := pointfile.Load(path)
	if err != nil {
		return PointReport{}, err
	}
	var rep PointReport
	seen := map[string]bool{}
	dsts := make([][]float64, len(tensors))
	for k, t := range tensors {
		name := t.Symbol
		var domain []*Set
		var l, mm []float64
		switch s := c.Lookup(name).(type) {
		case *Variable:
			domain, l, mm = s.domain, s.L, s.M
		case *Equation:
			domain, l, mm = s.domain, s.L, s.M
		default:
			if !seen[name] {
				rep.Skipped = append(rep.Skipped, name)
				seen[name] = true
			}
			continue
		}
		dst := l
		if t.Attr == "m" {
			dst = mm
		}
		if want := shapeOf(domain); !slices.Equal(t.Shape, want) || len(t.Data) != len(dst) {
			return PointReport{}, fmt.Errorf("nnopt: %s: %q has shape %v in the file, but %q is over %s with shape %v", path, t.Key, t.Shape, name, domainNames(domain), want)
		}
		dsts[k] = dst
		if !seen[name] {
			rep.Loaded = append(rep.Loaded, name)
			seen[name] = true
		}
	}
	for k, t := range tensors {
		copy(dsts[k], t.Data)
	}
	return rep, nil
}
