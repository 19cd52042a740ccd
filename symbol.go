package nnopt

import (
	"fmt"
	"math"
)

// Parameter is data: a dense float64 tensor over its domain, row-major.
type Parameter struct {
	name   string
	domain []*Set
	Values []float64
	attr   *VarAttr // set when the parameter stands for a variable attribute in algebra
}

// NewParameter adds a parameter over domain (none for a scalar), initially zero.
func (c *Container) NewParameter(name string, domain ...*Set) *Parameter {
	checkDomain(name, domain)
	p := &Parameter{name: name, domain: append([]*Set(nil), domain...), Values: make([]float64, domainSize(domain))}
	c.register(name, p)
	return p
}

// Name returns the parameter's name.
func (p *Parameter) Name() string { return p.name }

// Domain returns the parameter's index sets.
func (p *Parameter) Domain() []*Set { return p.domain }

// SetValues copies v (row-major over the domain) into the parameter.
func (p *Parameter) SetValues(v []float64) error {
	if len(v) != len(p.Values) {
		return fmt.Errorf("nnopt: parameter %q%s: got %d values, want %d", p.name, domainNames(p.domain), len(v), len(p.Values))
	}
	copy(p.Values, v)
	return nil
}

// At references the parameter with explicit index sets (aliases or the domain's own).
func (p *Parameter) At(idx ...*Set) *Expr { return symbolRef(p, p.name, p.domain, idx) }

func (p *Parameter) expr() *Expr { return p.At(p.domain...) }

// VarType is the kind of a variable, which sets its default bounds.
type VarType int

// Variable types of the reference.
const (
	Free VarType = iota
	Positive
	Negative
	Binary
	Integer
)

func (t VarType) String() string {
	return [...]string{"free", "positive", "negative", "binary", "integer"}[t]
}

// Variable is a tensor of unknowns with level (L), marginal (M), bounds (Lo, Up) and
// scale, each a row-major slice over the domain. Infinite bounds are ±Inf.
type Variable struct {
	name   string
	domain []*Set
	Type   VarType
	L      []float64
	M      []float64
	Lo     []float64
	Up     []float64
	// Scale c makes the solver work on x/c, bounds lo/c and up/c (see
	// nlpsolve.Scaling and scaling.go); results are reported unscaled. It must be
	// finite and above 1e-20, and 1 for binary and integer variables. It matters for
	// the variables the solver moves; a variable an equation defines is computed by
	// the forward sweep, whatever its scale.
	Scale []float64
}

// NewVariable adds a variable of the given type over domain.
func (c *Container) NewVariable(name string, typ VarType, domain ...*Set) *Variable {
	checkDomain(name, domain)
	n := domainSize(domain)
	v := &Variable{name: name, domain: append([]*Set(nil), domain...), Type: typ,
		L: make([]float64, n), M: make([]float64, n), Lo: make([]float64, n), Up: make([]float64, n), Scale: make([]float64, n)}
	lo, up := math.Inf(-1), math.Inf(1)
	switch typ {
	case Positive, Integer:
		lo = 0
	case Negative:
		up = 0
	case Binary:
		lo, up = 0, 1
	case Free:
	default:
		panic(fmt.Sprintf("nnopt: variable %q: unknown type %d", name, typ))
	}
	fill(v.Lo, lo)
	fill(v.Up, up)
	fill(v.Scale, 1)
	c.register(name, v)
	return v
}

// Name returns the variable's name.
func (v *Variable) Name() string { return v.name }

// Domain returns the variable's index sets.
func (v *Variable) Domain() []*Set { return v.domain }

// Size is the number of elements.
func (v *Variable) Size() int { return len(v.L) }

// SetLevels copies x into the levels.
func (v *Variable) SetLevels(x []float64) error {
	if len(x) != len(v.L) {
		return fmt.Errorf("nnopt: variable %q%s: got %d levels, want %d", v.name, domainNames(v.domain), len(x), len(v.L))
	}
	copy(v.L, x)
	return nil
}

// SetBounds sets every element's bounds.
func (v *Variable) SetBounds(lo, up float64) {
	fill(v.Lo, lo)
	fill(v.Up, up)
}

// Fix fixes every element at x (the reference's .fx): level and both bounds.
func (v *Variable) Fix(x float64) {
	fill(v.L, x)
	fill(v.Lo, x)
	fill(v.Up, x)
}

// At references the variable with explicit index sets (aliases or the domain's own).
func (v *Variable) At(idx ...*Set) *Expr { return symbolRef(v, v.name, v.domain, idx) }

func (v *Variable) expr() *Expr { return v.At(v.domain...) }

// EqType is the relation of an equation.
type EqType int

// Equation relations: =E=, =L=, =G= and =N= (no relation enforced).
const (
	EQ EqType = iota
	LE
	GE
	NB
)

func (t EqType) String() string { return [...]string{"=E=", "=L=", "=G=", "=N="}[t] }

// Equation is a tensor of constraints over its domain, defined by a Relation. After a
// solve, L holds the activity of lhs - rhs and M the marginal of each row: the change
// of the objective per unit increase of the row's right-hand side.
type Equation struct {
	name   string
	domain []*Set
	Type   EqType
	def    *Relation
	cond   *Set
	L      []float64
	M      []float64
	// Scale d makes the general method see the row as (lhs - rhs)/d (scaling.go);
	// marginals are reported for the row as stated. It must be finite and above
	// 1e-20. It has no effect on an equation that defines a variable, which the
	// solver eliminates.
	Scale []float64
}

// NewEquation adds an equation over domain (none for a scalar equation).
func (c *Container) NewEquation(name string, domain ...*Set) *Equation {
	checkDomain(name, domain)
	n := domainSize(domain)
	e := &Equation{name: name, domain: append([]*Set(nil), domain...), L: make([]float64, n), M: make([]float64, n), Scale: make([]float64, n)}
	fill(e.Scale, 1)
	c.register(name, e)
	return e
}

// Name returns the equation's name.
func (e *Equation) Name() string { return e.name }

// Domain returns the equation's index sets.
func (e *Equation) Domain() []*Set { return e.domain }

// Relation is lhs (relation) rhs, made by Eq, Le, Ge or Nonbinding.
type Relation struct {
	typ      EqType
	lhs, rhs *Expr
}

// Eq is lhs =E= rhs.
func Eq(lhs, rhs Operand) *Relation { return &Relation{EQ, lhs.expr(), rhs.expr()} }

// Le is lhs =L= rhs.
func Le(lhs, rhs Operand) *Relation { return &Relation{LE, lhs.expr(), rhs.expr()} }

// Ge is lhs =G= rhs.
func Ge(lhs, rhs Operand) *Relation { return &Relation{GE, lhs.expr(), rhs.expr()} }

// Nonbinding is lhs =N= rhs: the row exists but no relation is enforced.
func Nonbinding(lhs, rhs Operand) *Relation { return &Relation{NB, lhs.expr(), rhs.expr()} }

// Define sets the equation's definition. Every free index of the relation must be one
// of the equation's domain sets; sets of the domain the relation does not mention make
// it repeat along them.
func (e *Equation) Define(r *Relation) error {
	for _, side := range []*Expr{r.lhs, r.rhs} {
		if side.err != nil {
			return fmt.Errorf("nnopt: equation %q: %w", e.name, side.err)
		}
		if err := checkKernels(side, true); err != nil {
			return fmt.Errorf("nnopt: equation %q: %w", e.name, err)
		}
		for _, s := range side.free {
			if !containsSet(e.domain, s) {
				return fmt.Errorf("nnopt: equation %q%s: index %q is not controlled; sum over it or add it to the equation's domain", e.name, domainNames(e.domain), s.name)
			}
		}
	}
	e.def = r
	e.Type = r.typ
	return nil
}

// Where restricts the equation to the members of cond, a subset over some of the
// equation's domain sets (the reference's conditional equation e[i].where[...]).
func (e *Equation) Where(cond *Set) error {
	if cond.member == nil {
		return fmt.Errorf("nnopt: equation %q: condition %q is not a subset", e.name, cond.name)
	}
	for _, s := range cond.domain {
		if !containsSet(e.domain, s) {
			return fmt.Errorf("nnopt: equation %q: condition %q runs over %q, which is not in the equation's domain %s", e.name, cond.name, s.name, domainNames(e.domain))
		}
	}
	e.cond = cond
	return nil
}

func checkDomain(name string, domain []*Set) {
	for i, s := range domain {
		if s == nil {
			panic(fmt.Sprintf("nnopt: symbol %q: domain set %d is nil", name, i))
		}
		if len(s.domain) > 0 {
			panic(fmt.Sprintf("nnopt: symbol %q: domain set %q is a multi-dimensional subset; use its parent sets and a condition", name, s.name))
		}
		for _, t := range domain[:i] {
			if t == s {
				panic(fmt.Sprintf("nnopt: symbol %q: set %q appears twice in the domain; use an alias", name, s.name))
			}
		}
	}
}

func containsSet(list []*Set, s *Set) bool {
	for _, t := range list {
		if t == s {
			return true
		}
	}
	return false
}

func fill(x []float64, v float64) {
	for i := range x {
		x[i] = v
	}
}
