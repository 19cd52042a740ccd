package nnopt

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Sparse data. A sparse parameter stores records: the elements given, by their
// labels, and no others, which are zero. Expressions over it cost its records: a
// product with it, a quotient with it as numerator, a condition on it and a sum over
// it are evaluated on its records only, and the statistics, the Jacobian and the LP
// and MPS files see only the entries there (see the engine's sparse.go).

// AddSparseParameter adds a parameter over domain that stores records only, none at
// first: for data too large to hold densely, such as the coefficients of a large
// linear program. It fails as AddParameter does, except that the domain's size is
// bounded by the engine's largest tensor rather than by memory.
func (c *Container) AddSparseParameter(name string, domain ...*Set) (*Parameter, error) {
	if _, err := checkDomain("parameter", name, domain); err != nil {
		return nil, err
	}
	p := &Parameter{name: name, domain: append([]*Set(nil), domain...), Values: []float64{}, recs: []int64{}}
	if err := c.add("parameter", name, p); err != nil {
		return nil, err
	}
	return p, nil
}

// NewSparseParameter is AddSparseParameter that panics where it returns an error.
func (c *Container) NewSparseParameter(name string, domain ...*Set) *Parameter {
	return mustAdd(c.AddSparseParameter(name, domain...))
}

// Sparse reports whether the parameter stores records only (Values then holds one
// value per record, in the order Records gives them).
func (p *Parameter) Sparse() bool { return p.recs != nil }

// SetRecords makes the parameter store exactly the given records, and zero
// elsewhere: labels[k] names record k's element, one label per domain set (for an
// anonymous dimension, its 0-based position), and values[k] is its value. An
// unknown label, a wrong number of labels, a record given twice and a NaN value are
// errors naming the record; on an error the parameter stays as it was.
func (p *Parameter) SetRecords(labels [][]string, values []float64) error {
	if len(labels) != len(values) {
		return fmt.Errorf("nnopt: parameter %q: %d records' labels but %d values", p.name, len(labels), len(values))
	}
	pos := make([]int64, len(labels))
	for k, ls := range labels {
		at, err := p.position(ls)
		if err != nil {
			return fmt.Errorf("nnopt: parameter %q: record %d: %w", p.name, k, err)
		}
		if math.IsNaN(values[k]) {
			return fmt.Errorf("nnopt: parameter %q: record %d %s is NaN; want a number", p.name, k, quoteLabels(p.name, ls))
		}
		pos[k] = at
	}
	return p.setRecordsAt(pos, values, func(k int) []string { return labels[k] })
}

// setRecordsAt is SetRecords with the records' row-major positions pos (in the
// domain) in place of their labels; labelsOf(k) names record k in errors. The
// parameter keeps pos when it is in order.
func (p *Parameter) setRecordsAt(pos []int64, values []float64, labelsOf func(k int) []string) error {
	for k, v := range values {
		if math.IsNaN(v) {
			return fmt.Errorf("nnopt: parameter %q: record %d %s is NaN; want a number", p.name, k, quoteLabels(p.name, labelsOf(k)))
		}
	}
	if slices.IsSorted(pos) {
		for k := 1; k < len(pos); k++ {
			if pos[k] == pos[k-1] {
				return fmt.Errorf("nnopt: parameter %q: records %d and %d are both %s", p.name, k-1, k, quoteLabels(p.name, labelsOf(k)))
			}
		}
		p.recs, p.Values = pos, slices.Clone(values)
		return nil
	}
	order := make([]int, len(pos))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return pos[order[a]] < pos[order[b]] })
	recs, vals := make([]int64, len(pos)), make([]float64, len(pos))
	for k, o := range order {
		recs[k], vals[k] = pos[o], values[o]
		if k > 0 && recs[k] == recs[k-1] {
			return fmt.Errorf("nnopt: parameter %q: records %d and %d are both %s", p.name, order[k-1], o, quoteLabels(p.name, labelsOf(o)))
		}
	}
	p.recs, p.Values = recs, vals
	return nil
}

// Records returns the parameter's records in row-major order: for a sparse
// parameter those it stores, for a dense one its nonzero elements; the labels of
// each (positions for anonymous dimensions) and its value.
func (p *Parameter) Records() (labels [][]string, values []float64) {
	emit := func(at int64, v float64) {
		labels = append(labels, p.labelsAt(at))
		values = append(values, v)
	}
	if p.recs != nil {
		for k, at := range p.recs {
			emit(at, p.Values[k])
		}
		return labels, values
	}
	for i, v := range p.Values {
		if v != 0 {
			emit(int64(i), v)
		}
	}
	return labels, values
}

// position is the row-major position of the element labelled ls.
func (p *Parameter) position(ls []string) (int64, error) {
	if len(ls) != len(p.domain) {
		return 0, fmt.Errorf("%s: %d labels for %s%s, want %d", quoteLabels(p.name, ls), len(ls), p.name, domainNames(p.domain), len(p.domain))
	}
	var at int64
	for d, s := range p.domain {
		k, err := s.position(ls[d])
		if err != nil {
			return 0, fmt.Errorf("%s: %w", quoteLabels(p.name, ls), err)
		}
		at = at*int64(s.size) + int64(k)
	}
	return at, nil
}

// labelsAt are the labels of the element at row-major position at.
func (p *Parameter) labelsAt(at int64) []string {
	out := make([]string, len(p.domain))
	for d := len(p.domain) - 1; d >= 0; d-- {
		s := p.domain[d]
		k := int(at % int64(s.size))
		at /= int64(s.size)
		if l := s.root().labels; l != nil {
			out[d] = l[k]
		} else {
			out[d] = fmt.Sprint(k)
		}
	}
	return out
}

// SetRecords makes the subset hold exactly the tuples labelled in labels, one label
// per domain set (positions for anonymous dimensions). An unknown label or a wrong
// number of labels is an error naming it; on an error the members stay as they
// were. A tuple given twice is one member.
func (s *Set) SetRecords(labels [][]string) error {
	if s.member == nil {
		return fmt.Errorf("nnopt: set %q is not a subset; members are its labels", s.name)
	}
	tuples := make([][]int, len(labels))
	for k, ls := range labels {
		if len(ls) != len(s.domain) {
			return fmt.Errorf("nnopt: subset %q: record %d %s has %d labels, want %d", s.name, k, quoteLabels(s.name, ls), len(ls), len(s.domain))
		}
		tuples[k] = make([]int, len(ls))
		for d, l := range ls {
			at, err := s.domain[d].position(l)
			if err != nil {
				return fmt.Errorf("nnopt: subset %q: record %d %s: %w", s.name, k, quoteLabels(s.name, ls), err)
			}
			tuples[k][d] = at
		}
	}
	return s.SetMembers(tuples...)
}

// quoteLabels writes name("a","b").
func quoteLabels(name string, ls []string) string {
	q := slices.Clone(ls)
	for i, l := range q {
		q[i] = fmt.Sprintf("%q", l)
	}
	out := name + "("
	for i, l := range q {
		if i > 0 {
			out += ","
		}
		out += l
	}
	return out + ")"
}
