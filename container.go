// Package nnopt writes neural networks and ordinary optimization models as algebraic
// nonlinear programs over tensor-shaped symbols, and solves them with a reduced-gradient
// method that works on whole equation blocks instead of scalar rows.
//
// A model is built in a Container from Sets (labelled axes or anonymous dimensions),
// Parameters (data), Variables and Equations. Equations are defined by expressions
// whose axes are aligned by Set, never by position, so a(i,j) + b(j) broadcasts b over
// i. Models collect equations, choose a problem type, a sense and an objective, and
// Solve writes levels, marginals and model attributes back.
package nnopt

import "fmt"

// Container owns the symbols of one or more models. Names are unique within it.
type Container struct {
	// Options apply to every model of the container unless the model or the
	// Solve call sets them (see Options).
	Options Options
	symbols map[string]any
	order   []string
	dims    map[int][]*Set // anonymous dimensions by size, in creation order
}

// NewContainer returns an empty container.
func NewContainer() *Container {
	return &Container{symbols: map[string]any{}, dims: map[int][]*Set{}}
}

func (c *Container) register(name string, sym any) {
	if name == "" {
		panic("nnopt: empty symbol name")
	}
	if _, dup := c.symbols[name]; dup {
		panic(fmt.Sprintf("nnopt: symbol %q already exists in the container", name))
	}
	c.symbols[name] = sym
	c.order = append(c.order, name)
}

// Lookup returns the symbol with the given name (a *Set, *Parameter, *Variable,
// *Equation or *Model), or nil.
func (c *Container) Lookup(name string) any { return c.symbols[name] }

// Equations returns every equation of the container in creation order, the usual
// equation list of a model that uses them all.
func (c *Container) Equations() []*Equation {
	var eqs []*Equation
	for _, n := range c.order {
		if e, ok := c.symbols[n].(*Equation); ok {
			eqs = append(eqs, e)
		}
	}
	return eqs
}

// Set is an index axis: a one-dimensional set of labelled elements, an anonymous
// dimension of a given size, an alias of another set, or a subset of the cross product
// of other sets (used in conditions and conditional sums).
type Set struct {
	name    string
	size    int
	labels  []string
	aliasOf *Set
	domain  []*Set // for subsets: the sets it is a subset of
	member  []bool // for subsets: membership over the product of domain, row-major
	count   int    // number of members of a subset
}

// NewSet adds a one-dimensional set with the given element labels.
func (c *Container) NewSet(name string, labels ...string) *Set {
	seen := map[string]bool{}
	for _, l := range labels {
		if seen[l] {
			panic(fmt.Sprintf("nnopt: set %q: duplicate element %q", name, l))
		}
		seen[l] = true
	}
	s := &Set{name: name, size: len(labels), labels: append([]string(nil), labels...)}
	c.register(name, s)
	return s
}

// Dims returns anonymous dimensions for the given sizes, the counterpart of the
// reference's dim((500, 784)). Dimensions of equal size are shared between calls, so
// that a (500, 784) parameter and a (500, 20) variable line up on their first axis;
// within one call a repeated size gets a distinct set (a (784, 784) matrix has two
// axes), numbered like DenseDim784_1, DenseDim784_2.
func (c *Container) Dims(sizes ...int) []*Set {
	used := map[int]int{}
	out := make([]*Set, len(sizes))
	for i, n := range sizes {
		if n <= 0 {
			panic(fmt.Sprintf("nnopt: dimension %d has size %d; sizes must be positive", i, n))
		}
		k := used[n]
		used[n]++
		for len(c.dims[n]) <= k {
			name := fmt.Sprintf("DenseDim%d_%d", n, len(c.dims[n])+1)
			s := &Set{name: name, size: n}
			c.register(name, s)
			c.dims[n] = append(c.dims[n], s)
		}
		out[i] = c.dims[n][k]
	}
	return out
}

// NewAlias adds another name for the elements of s. An alias is a distinct index: in
// Sum(e, k2) over an alias k2 of k, the k of the surrounding equation stays fixed.
func (c *Container) NewAlias(name string, s *Set) *Set {
	if len(s.domain) > 0 {
		panic(fmt.Sprintf("nnopt: alias %q: only one-dimensional sets can be aliased, %q is a subset of %d sets", name, s.name, len(s.domain)))
	}
	a := &Set{name: name, size: s.size, labels: s.labels, aliasOf: s.root()}
	c.register(name, a)
	return a
}

// NewSubset adds a subset of the cross product of domain, empty until members are set.
func (c *Container) NewSubset(name string, domain ...*Set) *Set {
	if len(domain) == 0 {
		panic(fmt.Sprintf("nnopt: subset %q needs at least one domain set", name))
	}
	n := 1
	for _, d := range domain {
		if len(d.domain) > 0 {
			panic(fmt.Sprintf("nnopt: subset %q: domain %q is itself a subset; use its parent sets", name, d.name))
		}
		n *= d.size
	}
	s := &Set{name: name, size: n, domain: append([]*Set(nil), domain...), member: make([]bool, n)}
	c.register(name, s)
	return s
}

// Name returns the set's name.
func (s *Set) Name() string { return s.name }

// Len is the number of elements of a one-dimensional set, or the number of members of
// a subset.
func (s *Set) Len() int {
	if s.member != nil {
		return s.count
	}
	return s.size
}

// Labels returns the element labels; anonymous dimensions are labelled 0..n-1.
func (s *Set) Labels() []string {
	if s.labels != nil || s.member != nil {
		return s.labels
	}
	l := make([]string, s.size)
	for i := range l {
		l[i] = fmt.Sprint(i)
	}
	return l
}

// Domain returns the sets a subset is defined over (nil for a one-dimensional set).
func (s *Set) Domain() []*Set { return s.domain }

func (s *Set) root() *Set {
	if s.aliasOf != nil {
		return s.aliasOf
	}
	return s
}

// SetMembers makes the subset hold exactly the given tuples of element positions.
func (s *Set) SetMembers(tuples ...[]int) error {
	if s.member == nil {
		return fmt.Errorf("nnopt: set %q is not a subset; members are its labels", s.name)
	}
	clear(s.member)
	s.count = 0
	for _, t := range tuples {
		if len(t) != len(s.domain) {
			return fmt.Errorf("nnopt: subset %q: tuple %v has %d positions, want %d", s.name, t, len(t), len(s.domain))
		}
		off := 0
		for d, p := range t {
			if p < 0 || p >= s.domain[d].size {
				return fmt.Errorf("nnopt: subset %q: position %d of tuple %v is outside %q (size %d)", s.name, p, t, s.domain[d].name, s.domain[d].size)
			}
			off = off*s.domain[d].size + p
		}
		if !s.member[off] {
			s.member[off] = true
			s.count++
		}
	}
	return nil
}

// SetMask makes the subset hold the tuples whose row-major position in the cross
// product of its domain is true in mask.
func (s *Set) SetMask(mask []bool) error {
	if s.member == nil {
		return fmt.Errorf("nnopt: set %q is not a subset", s.name)
	}
	if len(mask) != len(s.member) {
		return fmt.Errorf("nnopt: subset %q: mask has %d entries, want %d", s.name, len(mask), len(s.member))
	}
	copy(s.member, mask)
	s.count = 0
	for _, m := range mask {
		if m {
			s.count++
		}
	}
	return nil
}

// Members returns the member tuples of a subset in row-major order.
func (s *Set) Members() [][]int {
	var out [][]int
	for off, m := range s.member {
		if !m {
			continue
		}
		t := make([]int, len(s.domain))
		for d := len(s.domain) - 1; d >= 0; d-- {
			t[d] = off % s.domain[d].size
			off /= s.domain[d].size
		}
		out = append(out, t)
	}
	return out
}

func domainSize(dom []*Set) int {
	n := 1
	for _, s := range dom {
		n *= s.size
	}
	return n
}

func domainNames(dom []*Set) string {
	if len(dom) == 0 {
		return "()"
	}
	s := "("
	for i, d := range dom {
		if i > 0 {
			s += ","
		}
		s += d.name
	}
	return s + ")"
}

// UniqueName returns prefix, or prefix_2, prefix_3, ... whichever is not taken yet;
// formulations use it to name the symbols they add.
func (c *Container) UniqueName(prefix string) string {
	if _, taken := c.symbols[prefix]; !taken {
		return prefix
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s_%d", prefix, i)
		if _, taken := c.symbols[n]; !taken {
			return n
		}
	}
}
