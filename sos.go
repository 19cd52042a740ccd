package nnopt

import (
	"fmt"
	"slices"

	"github.com/nnopt/nnopt/lpfile"
)

// SOS1 is a family of special ordered sets of type 1, as GAMS's sos1 variables
// are: in each set at most one member is nonzero. Its domain indexes the sets; the
// members of the set at element e are, in order, the elements of each member
// variable at e (a variable over the domain followed by more sets gives all its
// elements along those sets, as GAMS's sos1 variable s(i) is one set over i).
//
// A model holds the family when one of its equations or its objective reads a
// member variable; it must then read them all. A model with sets is a MIP (or
// MIQCP, MINLP): Cbc branches on them (Options.Solvers, the default for a MIP),
// the relaxed types (RMIP, ...) drop them as they drop integrality, and the LP
// file writes them in its SOS section. Clp, nnopt's own solver, MPS files and
// model files refuse them.
type SOS1 struct {
	name    string
	domain  []*Set
	members []*Variable
	cond    *Set
}

// AddSOS1 adds a family of special ordered sets of type 1 over domain, whose
// members are the elements of members at each element of domain (see SOS1). It
// fails on an empty or taken name, a domain checkDomain rejects, no members, a
// member twice, or a member whose domain does not begin with domain.
func (c *Container) AddSOS1(name string, members []*Variable, domain ...*Set) (*SOS1, error) {
	if _, err := checkDomain("SOS1", name, domain); err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, fmt.Errorf("nnopt: SOS1 %q: no member variables; want at least one", name)
	}
	for k, v := range members {
		if v == nil {
			return nil, fmt.Errorf("nnopt: SOS1 %q: member %d is nil", name, k)
		}
		if slices.Index(members, v) < k {
			return nil, fmt.Errorf("nnopt: SOS1 %q: variable %q is a member twice", name, v.name)
		}
		if len(v.domain) < len(domain) || !slices.Equal(v.domain[:len(domain)], domain) {
			return nil, fmt.Errorf("nnopt: SOS1 %q: member %q runs over %s; want a domain that begins with the sets' domain %s", name, v.name, domainNames(v.domain), domainNames(domain))
		}
	}
	s := &SOS1{name: name, domain: slices.Clone(domain), members: slices.Clone(members)}
	if err := c.add("SOS1", name, s); err != nil {
		return nil, err
	}
	return s, nil
}

// NewSOS1 is AddSOS1 that panics where AddSOS1 returns an error.
func (c *Container) NewSOS1(name string, members []*Variable, domain ...*Set) *SOS1 {
	return mustAdd(c.AddSOS1(name, members, domain...))
}

// Name returns the family's name.
func (s *SOS1) Name() string { return s.name }

// Where keeps the sets at the members of cond only, a subset over exactly the
// family's domain: the others are no constraint.
func (s *SOS1) Where(cond *Set) error {
	if cond == nil || cond.member == nil {
		return fmt.Errorf("nnopt: SOS1 %q: the condition is not a subset", s.name)
	}
	if !slices.Equal(cond.domain, s.domain) {
		return fmt.Errorf("nnopt: SOS1 %q: condition %q runs over %s; want the sets' domain %s", s.name, cond.name, domainNames(cond.domain), domainNames(s.domain))
	}
	s.cond = cond
	return nil
}

// sos1Families returns the container's SOS1 families that the model holds, those
// with a member in has, in the order they were added; a family with some members
// in has and not others is an error.
func (m *Model) sos1Families(has func(*Variable) bool) ([]*SOS1, error) {
	if m.c == nil {
		return nil, nil
	}
	var out []*SOS1
	for _, name := range m.c.order {
		s, ok := m.c.symbols[name].(*SOS1)
		if !ok {
			continue
		}
		in := slices.IndexFunc(s.members, has)
		if in < 0 {
			continue
		}
		if miss := slices.IndexFunc(s.members, func(v *Variable) bool { return !has(v) }); miss >= 0 {
			return nil, fmt.Errorf("nnopt: model %q: SOS1 %q: member %q is not in the model (no equation and not the objective reads it), member %q is; the model must hold all of a family's members or none", m.name, s.name, s.members[miss].name, s.members[in].name)
		}
		out = append(out, s)
	}
	return out, nil
}

// sosOfInstance is the program's special ordered sets of the model's SOS1
// families over the instance's columns (every element of every variable, in the
// instance's order), weighted 1, 2, ... in the order of their members, and named
// by the family and the labels of the set's element: relu_sos(h1).
func (m *Model) sosOfInstance(inst *instance) ([]lpfile.SOS, error) {
	offset := make(map[*Variable]int, len(inst.vars))
	col := 0
	for _, v := range inst.vars {
		offset[v] = col
		col += len(v.L)
	}
	fams, err := m.sos1Families(func(v *Variable) bool { _, ok := offset[v]; return ok })
	if err != nil {
		return nil, err
	}
	var out []lpfile.SOS
	for _, s := range fams {
		n := domainSize(s.domain)
		for e := range n {
			if s.cond != nil && !s.cond.member[e] {
				continue
			}
			set := lpfile.SOS{Name: elementName(s.name, s.domain, e, false), Type: 1}
			for _, v := range s.members {
				rest := len(v.L) / n
				for r := range rest {
					set.Entries = append(set.Entries, lpfile.Entry{Index: offset[v] + e*rest + r, Coef: float64(len(set.Entries) + 1)})
				}
			}
			if len(set.Entries) > 0 {
				out = append(out, set)
			}
		}
	}
	return out, nil
}

// heldSOS1 is the first SOS1 family the model holds (by the variables its
// equations and objective read), or nil; with an error for a family it holds in
// part.
func (m *Model) heldSOS1() (*SOS1, error) {
	seen := map[*Variable]bool{}
	for _, e := range m.equations {
		if e.def != nil {
			walkRefs(e.def.lhs, func(v *Variable) { seen[v] = true })
			walkRefs(e.def.rhs, func(v *Variable) { seen[v] = true })
		}
	}
	if m.objective != nil {
		walkRefs(m.objective, func(v *Variable) { seen[v] = true })
	}
	fams, err := m.sos1Families(func(v *Variable) bool { return seen[v] })
	if len(fams) == 0 {
		return nil, err
	}
	return fams[0], err
}
