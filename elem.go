package nnopt

import (
	"fmt"
	"strconv"
	"strings"
)

// Elem is one element of the variable, given by the label of each domain set (for
// an anonymous dimension, its 0-based position): GAMS's x('3'). It is a scalar
// expression; an unknown label is an error naming it.
func (v *Variable) Elem(labels ...string) *Expr {
	return elem(v.At(v.domain...), v.name, v.domain, labels)
}

// Elem is one element of the parameter, as Variable.Elem.
func (p *Parameter) Elem(labels ...string) *Expr {
	return elem(p.At(p.domain...), p.name, p.domain, labels)
}

// elem picks the element of ref at labels as the sum, over the symbol's domain, of
// ref restricted to a one-member condition: statistics, Jacobian patterns and
// derivatives follow from Sum and Where. An evaluation costs the symbol's size.
func elem(ref *Expr, name string, domain []*Set, labels []string) *Expr {
	if ref.err != nil {
		return ref
	}
	quoted := make([]string, len(labels))
	for i, l := range labels {
		quoted[i] = strconv.Quote(l)
	}
	at := fmt.Sprintf("%s(%s)", name, strings.Join(quoted, ","))
	if len(labels) != len(domain) {
		return &Expr{err: fmt.Errorf("%s: %d labels for %s%s, want %d", at, len(labels), name, domainNames(domain), len(domain))}
	}
	if len(domain) == 0 {
		return ref
	}
	off := 0
	for d, s := range domain {
		k, err := s.position(labels[d])
		if err != nil {
			return &Expr{err: fmt.Errorf("%s: %w", at, err)}
		}
		off = off*s.size + k
	}
	n := domainSize(domain)
	cond := &Set{name: at, size: n, domain: domain, member: make([]bool, n), count: 1}
	cond.member[off] = true
	return Sum(Where(ref, cond), domain...)
}

// position is the position of the element labelled l: its label, or for an
// anonymous dimension its 0-based position written in decimal.
func (s *Set) position(l string) (int, error) {
	r := s.root()
	if r.labels != nil {
		if k, ok := r.index[l]; ok {
			return k, nil
		}
		return 0, fmt.Errorf("%q is not an element of set %q", l, s.name)
	}
	k, err := strconv.Atoi(l)
	if err != nil || k < 0 || k >= s.size {
		return 0, fmt.Errorf("%q is not a position of dimension %q (want 0 to %d)", l, s.name, s.size-1)
	}
	return k, nil
}
