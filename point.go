package nnopt

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nnopt/nnopt/safetensors"
)

// Point files hold a solution — the levels and marginals of a model's variables and
// equations — so that a later run can start from it (the reference's savepoint). They
// are safetensors files, which NumPy and PyTorch read too: tensor "<symbol>.l" holds
// the levels and "<symbol>.m" the marginals, shaped like the symbol's domain, in
// float64; the metadata names the format and the model.
const (
	pointFormat    = "nnopt point 1"
	pointFormatKey = "format"
)

// SavePoint writes the levels and marginals of the model's variables and equations
// to a point file, atomically.
func (m *Model) SavePoint(path string) error {
	inst, err := m.compile()
	if err != nil {
		return err
	}
	tensors := map[string]safetensors.Tensor{}
	add := func(name string, domain []*Set, l, mm []float64) {
		shape := make([]int, len(domain))
		for i, s := range domain {
			shape[i] = s.Len()
		}
		tensors[name+".l"] = safetensors.Tensor{DType: safetensors.F64, Shape: shape, Data: l}
		tensors[name+".m"] = safetensors.Tensor{DType: safetensors.F64, Shape: slices.Clone(shape), Data: mm}
	}
	for _, v := range inst.vars {
		if m.c.Lookup(v.name) == v { // not the objective variable compile adds
			add(v.name, v.domain, v.L, v.M)
		}
	}
	for _, e := range m.equations {
		add(e.name, e.domain, e.L, e.M)
	}
	return safetensors.Save(path, tensors, map[string]string{pointFormatKey: pointFormat, "model": m.name})
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
	tensors, meta, err := safetensors.Load(path)
	if err != nil {
		return PointReport{}, err
	}
	if meta[pointFormatKey] != pointFormat {
		return PointReport{}, fmt.Errorf("nnopt: %s is not a point file (metadata %q is %q, want %q)", path, pointFormatKey, meta[pointFormatKey], pointFormat)
	}
	type target struct {
		name string
		dst  []float64
		src  []float64
	}
	var targets []target
	var rep PointReport
	names := make([]string, 0, len(tensors))
	for k := range tensors {
		names = append(names, k)
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for _, key := range names {
		i := strings.LastIndex(key, ".")
		if i < 0 || (key[i+1:] != "l" && key[i+1:] != "m") {
			return PointReport{}, fmt.Errorf("nnopt: %s: tensor %q is not <symbol>.l or <symbol>.m", path, key)
		}
		name, attr := key[:i], key[i+1:]
		var domain []*Set
		var dst []float64
		switch s := c.Lookup(name).(type) {
		case *Variable:
			domain, dst = s.domain, map[string][]float64{"l": s.L, "m": s.M}[attr]
		case *Equation:
			domain, dst = s.domain, map[string][]float64{"l": s.L, "m": s.M}[attr]
		default:
			if !seen[name] {
				rep.Skipped = append(rep.Skipped, name)
				seen[name] = true
			}
			continue
		}
		t := tensors[key]
		want := make([]int, len(domain))
		for i, s := range domain {
			want[i] = s.Len()
		}
		if !slices.Equal(t.Shape, want) || len(t.Data) != len(dst) {
			return PointReport{}, fmt.Errorf("nnopt: %s: %q has shape %v in the file, but %q is over %s with shape %v", path, key, t.Shape, name, domainNames(domain), want)
		}
		targets = append(targets, target{name, dst, t.Data})
		if !seen[name] {
			rep.Loaded = append(rep.Loaded, name)
			seen[name] = true
		}
	}
	for _, t := range targets {
		copy(t.dst, t.src)
	}
	return rep, nil
}
