package nnopt

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt/internal/engine"
	"github.com/nnopt/nnopt/internal/sysmem"
)

// Parameter is data: a float64 tensor over its domain. A dense parameter holds
// every element in Values, row-major; a sparse one (AddSparseParameter,
// SetRecords) holds its records' values there, zero elsewhere.
type Parameter struct {
	name   string
	domain []*Set
	Values []float64
	attr   *VarAttr // set when the parameter stands for a variable attribute in algebra
	recs   []int64  // a sparse parameter's records: increasing row-major positions
}

// AddParameter adds a parameter over domain (none for a scalar), initially zero. It
// fails on an empty or taken name and on a domain checkDomain rejects.
func (c *Container) AddParameter(name string, domain ...*Set) (*Parameter, error) {
	n, err := checkDomain("parameter", name, domain)
	if err == nil {
		err = checkMemory("parameter", name, domain, n, 1)
	}
	if err != nil {
		return nil, err
	}
	p := &Parameter{name: name, domain: append([]*Set(nil), domain...), Values: make([]float64, n)}
	if err := c.add("parameter", name, p); err != nil {
		return nil, err
	}
	return p, nil
}

// NewParameter is AddParameter that panics where AddParameter returns an error: on
// an empty or taken name and on a nil, repeated or multi-dimensional domain set.
func (c *Container) NewParameter(name string, domain ...*Set) *Parameter {
	return mustAdd(c.AddParameter(name, domain...))
}

// Name returns the parameter's name.
func (p *Parameter) Name() string { return p.name }

// Domain returns the parameter's index sets.
func (p *Parameter) Domain() []*Set { return p.domain }

// SetValues copies v (row-major over the domain) into the parameter. A NaN value is
// an error, as it would make every expression it enters NaN; ±Inf is kept. On an
// error the values stay as they were.
//
// A sparse parameter becomes dense, with every element stored.
func (p *Parameter) SetValues(v []float64) error {
	if n := domainSize(p.domain); len(v) != n {
		return fmt.Errorf("nnopt: parameter %q%s: got %d values, want %d", p.name, domainNames(p.domain), len(v), n)
	}
	for i, x := range v {
		if math.IsNaN(x) {
			return fmt.Errorf("nnopt: parameter %q%s: value %d (%s) is NaN; want a number", p.name, domainNames(p.domain), i, elementName(p.name, p.domain, i, false))
		}
	}
	if p.recs != nil {
		p.recs, p.Values = nil, make([]float64, len(v))
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
	if t < Free || t > Integer {
		return fmt.Sprintf("VarType(%d)", int(t))
	}
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

// AddVariable adds a variable of the given type over domain, with the type's default
// bounds. It fails on an empty or taken name, an unknown type and a domain
// checkDomain rejects.
func (c *Container) AddVariable(name string, typ VarType, domain ...*Set) (*Variable, error) {
	n, err := checkDomain("variable", name, domain)
	if err == nil {
		err = checkMemory("variable", name, domain, n, 5)
	}
	if err != nil {
		return nil, err
	}
	v := &Variable{name: name, domain: append([]*Set(nil), domain...), Type: typ,
		L: make([]float64, n), M: make([]float64, n), Lo: make([]float64, n), Up: make([]float64, n), Scale: make([]float64, n)}
	switch typ {
	case Free, Positive, Negative, Binary, Integer:
	default:
		return nil, fmt.Errorf("nnopt: variable %q: unknown type %v; want Free, Positive, Negative, Binary or Integer", name, typ)
	}
	lo, up := typeBounds(typ)
	fill(v.Lo, lo)
	fill(v.Up, up)
	fill(v.Scale, 1)
	if err := c.add("variable", name, v); err != nil {
		return nil, err
	}
	return v, nil
}

// NewVariable is AddVariable that panics where AddVariable returns an error: on an
// empty or taken name, an unknown type and a nil, repeated or multi-dimensional
// domain set.
func (c *Container) NewVariable(name string, typ VarType, domain ...*Set) *Variable {
	return mustAdd(c.AddVariable(name, typ, domain...))
}

// Name returns the variable's name.
func (v *Variable) Name() string { return v.name }

// Domain returns the variable's index sets.
func (v *Variable) Domain() []*Set { return v.domain }

// Size is the number of elements.
func (v *Variable) Size() int { return len(v.L) }

// SetLevels copies x into the levels, the point a solve starts from. A level that is
// NaN or ±Inf is an error, as no solver can start there; on an error the levels stay
// as they were.
func (v *Variable) SetLevels(x []float64) error {
	if len(x) != len(v.L) {
		return fmt.Errorf("nnopt: variable %q%s: got %d levels, want %d", v.name, domainNames(v.domain), len(x), len(v.L))
	}
	for i, l := range x {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return fmt.Errorf("nnopt: variable %q%s: level %d (%s) is %g; want a finite number", v.name, domainNames(v.domain), i, v.label(i), l)
		}
	}
	copy(v.L, x)
	return nil
}

// SetBounds sets every element's bounds. It has no error to return: a NaN bound, a
// lower bound of +Inf or an upper bound of -Inf is stored as given, like a bound
// written into Lo or Up directly, and the next solve of a model with the variable
// fails naming the variable and the element, as the solver checks every bound
// before it starts.
func (v *Variable) SetBounds(lo, up float64) {
	fill(v.Lo, lo)
	fill(v.Up, up)
}

// Fix fixes every element at x (the reference's .fx): level and both bounds. Fix(NaN)
// or Fix(±Inf) makes the next solve of a model with the variable fail naming it, as
// SetBounds does.
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

func (t EqType) String() string {
	if t < EQ || t > NB {
		return fmt.Sprintf("EqType(%d)", int(t))
	}
	return [...]string{"=E=", "=L=", "=G=", "=N="}[t]
}

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

// AddEquation adds an equation over domain (none for a scalar equation), undefined
// until Define. It fails on an empty or taken name and a domain checkDomain rejects.
func (c *Container) AddEquation(name string, domain ...*Set) (*Equation, error) {
	n, err := checkDomain("equation", name, domain)
	if err == nil {
		err = checkMemory("equation", name, domain, n, 3)
	}
	if err != nil {
		return nil, err
	}
	e := &Equation{name: name, domain: append([]*Set(nil), domain...), L: make([]float64, n), M: make([]float64, n), Scale: make([]float64, n)}
	fill(e.Scale, 1)
	if err := c.add("equation", name, e); err != nil {
		return nil, err
	}
	return e, nil
}

// NewEquation is AddEquation that panics where AddEquation returns an error: on an
// empty or taken name and on a nil, repeated or multi-dimensional domain set.
func (c *Container) NewEquation(name string, domain ...*Set) *Equation {
	return mustAdd(c.AddEquation(name, domain...))
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
		if err := engine.CheckKernels(newTerms().term(side)); err != nil {
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

// checkDomain checks the domain of a new parameter, variable or equation (kind) and
// returns its element count. Every set must be non-nil and one-dimensional, appear
// once (a square matrix takes a set and its alias), and the sizes must multiply to
// at most 2^40 elements.
func checkDomain(kind, name string, domain []*Set) (int, error) {
	for i, s := range domain {
		if s == nil {
			return 0, fmt.Errorf("nnopt: %s %q: domain set %d is nil", kind, name, i)
		}
		if len(s.domain) > 0 {
			return 0, fmt.Errorf("nnopt: %s %q: domain set %q is a multi-dimensional subset; use its parent sets and a condition", kind, name, s.name)
		}
		for j, t := range domain[:i] {
			if t == s {
				return 0, fmt.Errorf("nnopt: %s %q: set %q appears twice in the domain (positions %d and %d); use an alias", kind, name, s.name, j, i)
			}
		}
	}
	return domainLen(kind, name, domain)
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

// checkMemory refuses a symbol whose arrays (arrays of n values) need more memory
// than the machine has available: Go cannot recover from running out, so the
// allocation must not be tried. Where the available memory cannot be read the
// symbol is allowed.
func checkMemory(kind, name string, domain []*Set, n, arrays int) error {
	need := uint64(n) * uint64(arrays) * 8
	if need < 1<<28 { // below 256 MiB nothing is worth a look at the system
		return nil
	}
	avail, ok := availableMemory()
	if !ok || need <= avail {
		return nil
	}
	return fmt.Errorf("nnopt: %s %q%s: %d elements need %.1f GB (%d arrays of 8-byte values), more than the %.1f GB available (%s)",
		kind, name, domainNames(domain), n, float64(need)/1e9, arrays, float64(avail)/1e9, sysmem.Source)
}

// availableMemory is sysmem.Available, replaceable in tests.
var availableMemory = sysmem.Available
