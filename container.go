// Package nnopt writes neural networks and ordinary optimization models as algebraic
// nonlinear programs over tensor-shaped symbols, and solves them with a reduced-gradient
// method that works on whole equation blocks instead of scalar rows.
//
// A model is built in a Container from Sets (labelled axes or anonymous dimensions),
// Parameters (data), Variables and Equations. Equations are defined by expressions
// whose axes are aligned by Set, never by position, so a(i,j) + b(j) broadcasts b over
// i. Models collect equations, choose a problem type, a sense and an objective, and
// Solve writes levels, marginals and model attributes back.
//
// The constructors come in two forms, as regexp.Compile sits beside
// regexp.MustCompile. AddSet, AddDims, AddAlias, AddSubset, AddParameter,
// AddVariable and AddEquation return an error for a name, label, size or domain
// that cannot be used: they are the forms to call when these come from data, such
// as a file's labels or a network's layer sizes. NewSet, Dims, NewAlias, NewSubset,
// NewParameter, NewVariable and NewEquation panic with that same error instead; they
// are for names and sizes written in the program, where a mistake is a bug. The
// error forms are named for what they do, add a symbol to the container, which
// leaves the established New names their meaning.
package nnopt

import (
	"fmt"
	"math"
	"strings"
)

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

// maxElements bounds the element count of a symbol. The product of a domain's
// sizes must not wrap around int, which would make a slice of the wrong length;
// 2^40 float64s (8 TiB) is far beyond what a model can hold anyway.
const maxElements = min(1<<40, math.MaxInt)

// add gives sym its name in the container. It is the one place where names are
// checked: non-empty and not taken by another symbol.
func (c *Container) add(kind, name string, sym any) error {
	if name == "" {
		return fmt.Errorf("nnopt: %s with an empty name; want a non-empty name", kind)
	}
	if old, dup := c.symbols[name]; dup {
		return fmt.Errorf("nnopt: %s %q: the name is already taken by %s", kind, name, withArticle(kindOf(old)))
	}
	c.symbols[name] = sym
	c.order = append(c.order, name)
	return nil
}

// register is add for a symbol whose name the caller has already checked.
func (c *Container) register(name string, sym any) {
	if err := c.add(kindOf(sym), name, sym); err != nil {
		panic(err)
	}
}

// kindOf names the kind of a symbol for messages.
func kindOf(sym any) string {
	switch s := sym.(type) {
	case *Set:
		switch {
		case s.aliasOf != nil:
			return "alias"
		case s.member != nil:
			return "subset"
		case s.labels == nil && s.size > 0:
			return "dimension"
		}
		return "set"
	case *Parameter:
		return "parameter"
	case *Variable:
		return "variable"
	case *Equation:
		return "equation"
	case *Model:
		return "model"
	case *SOS1:
		return "SOS1"
	}
	return fmt.Sprintf("symbol of type %T", sym)
}

func withArticle(kind string) string {
	if kind[0] == 'a' || kind[0] == 'e' {
		return "an " + kind
	}
	return "a " + kind
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
	index   map[string]int // the position of each label
	aliasOf *Set
	domain  []*Set // for subsets: the sets it is a subset of
	member  []bool // for subsets: membership over the product of domain, row-major
	count   int    // number of members of a subset
}

// AddSet adds a one-dimensional set with the given element labels. It fails on an
// empty or taken name and on a label given twice.
func (c *Container) AddSet(name string, labels ...string) (*Set, error) {
	seen := make(map[string]int, len(labels))
	for k, l := range labels {
		if first, dup := seen[l]; dup {
			return nil, fmt.Errorf("nnopt: set %q: duplicate element %q (elements %d and %d)", name, l, first, k)
		}
		seen[l] = k
	}
	s := &Set{name: name, size: len(labels), labels: append([]string(nil), labels...), index: seen}
	if err := c.add("set", name, s); err != nil {
		return nil, err
	}
	return s, nil
}

// NewSet is AddSet that panics where AddSet returns an error: on an empty or taken
// name and on a duplicate label. Use AddSet for labels that come from data.
func (c *Container) NewSet(name string, labels ...string) *Set {
	return mustAdd(c.AddSet(name, labels...))
}

// AddDims returns anonymous dimensions for the given sizes, the counterpart of the
// reference's dim((500, 784)). Dimensions of equal size are shared between calls, so
// that a (500, 784) parameter and a (500, 20) variable line up on their first axis;
// within one call a repeated size gets a distinct set (a (784, 784) matrix has two
// axes), numbered like DenseDim784_1, DenseDim784_2. It fails on a size that is not
// positive and when the name of a new dimension is taken by another symbol; then it
// adds nothing. (A dimension holds no data: the element count of the symbols over
// the dimensions is checked when they are added.)
func (c *Container) AddDims(sizes ...int) ([]*Set, error) {
	for i, n := range sizes {
		if n <= 0 {
			return nil, fmt.Errorf("nnopt: dimensions %v: size %d at position %d; want a positive size", sizes, n, i)
		}
	}
	// Name every dimension to create before creating any, so that a taken name
	// leaves the container as it was.
	used := map[int]int{}
	var fresh []*Set
	for _, n := range sizes {
		k := used[n]
		used[n]++
		if k < len(c.dims[n]) {
			continue
		}
		name := fmt.Sprintf("DenseDim%d_%d", n, k+1)
		if old, taken := c.symbols[name]; taken {
			return nil, fmt.Errorf("nnopt: dimension %q of size %d: the name is already taken by %s", name, n, withArticle(kindOf(old)))
		}
		fresh = append(fresh, &Set{name: name, size: n})
	}
	for _, s := range fresh {
		c.register(s.name, s)
		c.dims[s.size] = append(c.dims[s.size], s)
	}
	clear(used)
	out := make([]*Set, len(sizes))
	for i, n := range sizes {
		out[i] = c.dims[n][used[n]]
		used[n]++
	}
	return out, nil
}

// Dims is AddDims that panics where AddDims returns an error: on a size that is not
// positive and on a taken name. Use AddDims for sizes that come from data.
func (c *Container) Dims(sizes ...int) []*Set {
	return mustAdd(c.AddDims(sizes...))
}

// AddAlias adds another name for the elements of s. An alias is a distinct index: in
// Sum(e, k2) over an alias k2 of k, the k of the surrounding equation stays fixed.
// It fails on an empty or taken name, a nil s and a multi-dimensional subset s.
func (c *Container) AddAlias(name string, s *Set) (*Set, error) {
	if s == nil {
		return nil, fmt.Errorf("nnopt: alias %q: the aliased set is nil", name)
	}
	if len(s.domain) > 0 {
		return nil, fmt.Errorf("nnopt: alias %q: only one-dimensional sets can be aliased, %q is a subset of %d sets", name, s.name, len(s.domain))
	}
	a := &Set{name: name, size: s.size, labels: s.labels, aliasOf: s.root()}
	if err := c.add("alias", name, a); err != nil {
		return nil, err
	}
	return a, nil
}

// NewAlias is AddAlias that panics where AddAlias returns an error: on an empty or
// taken name, a nil s and a multi-dimensional subset s.
func (c *Container) NewAlias(name string, s *Set) *Set {
	return mustAdd(c.AddAlias(name, s))
}

// AddSubset adds a subset of the cross product of domain, empty until members are
// set. It fails on an empty or taken name, an empty domain, a nil domain set, a
// domain set that is itself a multi-dimensional subset, and a product of more than
// 2^40 tuples.
func (c *Container) AddSubset(name string, domain ...*Set) (*Set, error) {
	if len(domain) == 0 {
		return nil, fmt.Errorf("nnopt: subset %q needs at least one domain set", name)
	}
	for i, d := range domain {
		if d == nil {
			return nil, fmt.Errorf("nnopt: subset %q: domain set %d is nil", name, i)
		}
		if len(d.domain) > 0 {
			return nil, fmt.Errorf("nnopt: subset %q: domain %q is itself a subset; use its parent sets", name, d.name)
		}
	}
	n, err := domainLen("subset", name, domain)
	if err != nil {
		return nil, err
	}
	s := &Set{name: name, size: n, domain: append([]*Set(nil), domain...), member: make([]bool, n)}
	if err := c.add("subset", name, s); err != nil {
		return nil, err
	}
	return s, nil
}

// NewSubset is AddSubset that panics where AddSubset returns an error: on an empty or
// taken name, an empty domain, a nil domain set, a domain set that is a
// multi-dimensional subset, and more than 2^40 tuples.
func (c *Container) NewSubset(name string, domain ...*Set) *Set {
	return mustAdd(c.AddSubset(name, domain...))
}

// mustAdd is the panicking side of the constructors.
func mustAdd[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
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
// On an error the members stay as they were.
func (s *Set) SetMembers(tuples ...[]int) error {
	if s.member == nil {
		return fmt.Errorf("nnopt: set %q is not a subset; members are its labels", s.name)
	}
	offs := make([]int, len(tuples))
	for k, t := range tuples {
		if len(t) != len(s.domain) {
			return fmt.Errorf("nnopt: subset %q: tuple %d %v has %d positions, want %d", s.name, k, t, len(t), len(s.domain))
		}
		off := 0
		for d, p := range t {
			if p < 0 || p >= s.domain[d].size {
				return fmt.Errorf("nnopt: subset %q: tuple %d %v: position %d is outside %q (want 0 to %d)", s.name, k, t, p, s.domain[d].name, s.domain[d].size-1)
			}
			off = off*s.domain[d].size + p
		}
		offs[k] = off
	}
	clear(s.member)
	s.count = 0
	for _, off := range offs {
		if !s.member[off] {
			s.member[off] = true
			s.count++
		}
	}
	return nil
}

// SetMask makes the subset hold the tuples whose row-major position in the cross
// product of its domain is true in mask. On an error the members stay as they were.
func (s *Set) SetMask(mask []bool) error {
	if s.member == nil {
		return fmt.Errorf("nnopt: set %q is not a subset; members are its labels", s.name)
	}
	if len(mask) != len(s.member) {
		return fmt.Errorf("nnopt: subset %q%s: mask has %d entries, want %d", s.name, domainNames(s.domain), len(mask), len(s.member))
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

// domainLen is domainSize for a new symbol: it fails where the product of the sizes
// exceeds maxElements (and so could wrap around int).
func domainLen(kind, name string, dom []*Set) (int, error) {
	n := 1
	for _, s := range dom {
		if s.size > 0 && n > maxElements/s.size {
			return 0, fmt.Errorf("nnopt: %s %q%s: more than %d elements", kind, name, domainNames(dom), maxElements)
		}
		n *= s.size
	}
	return n, nil
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

// elementName names element i of a symbol over domain by its sets' labels,
// x(seattle,new-york), or with quote as the reference writes data, x('seattle','new-york');
// a scalar by its name.
func elementName(name string, domain []*Set, i int, quote bool) string {
	if len(domain) == 0 {
		return name
	}
	labels := make([]string, len(domain))
	for d := len(domain) - 1; d >= 0; d-- {
		s := domain[d]
		l := s.labels
		if l == nil {
			labels[d] = fmt.Sprint(i % s.size)
		} else {
			labels[d] = l[i%s.size]
		}
		if quote {
			labels[d] = "'" + labels[d] + "'"
		}
		i /= s.size
	}
	return name + "(" + strings.Join(labels, ",") + ")"
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
