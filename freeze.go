package nnopt

import (
	"errors"
	"fmt"
	"github.com/nnopt/nnopt/internal/engine"
	"github.com/nnopt/nnopt/internal/freeze"
	"math"
	"slices"
	"strings"
)

// Frozen models
//
// A frozen model keeps its compiled instance — the equation blocks and the solver's
// problem — between solves, so that solving it for another scenario costs an update of
// the instance's data instead of a new generation. Model.Freeze names the modifiables:
// parameters, and variable attributes (Variable.LoAttr, UpAttr, FxAttr, LAttr). Every
// other piece of data is taken as it is at Freeze: later changes to a parameter or a
// bound that is not modifiable do not reach the instance. Each Solve of a frozen model
// reads the modifiables' data from the container, applies it to the instance as
// Options.Freeze says, and solves, starting from the instance's levels (the last
// solution, or the update of a modifiable level; the levels of variables that an
// equation defines are recomputed by the solver from the others, so those are taken
// from the container as they are). Model.Unfreeze drops the instance.
//
// A modifiable parameter p becomes a fixed variable named p_var in the instance; Freeze
// adds it to the container. Its level (and its bounds, the same slice) is the data the
// instance holds, and after a solve its marginal is the derivative of the objective
// with respect to the parameter, element by element: the sensitivity of the optimum to
// the data. The model's algebra keeps p as data, so a modifiable parameter costs the
// solver's iterations nothing; its marginals come from one extra adjoint pass over the
// equations that use it, after the solve.
//
// Records. The reference's data stores no default records; nnopt's data is dense, so
// an element holds a record when its value differs from the default: nonzero for a
// parameter and a level, other than the variable type's bound for a bound (the default
// lower bound of a Positive variable is 0, of a Free one -Inf), and lower = upper for
// FxAttr (applied before a modifiable lower or upper bound of the same variable, which
// then decides its own bound). An explicit zero is written Eps() (negative zero, which computes as 0). How
// elements without a record are applied is FreezeOptions.UpdateType. An element of the
// modifiable that no active row of the instance reads (a row outside its equation's
// condition, a subset the sum does not run over) is not in the instance: a record
// there is unmatched, and more than FreezeOptions.NoMatchLimit of them make Solve fail
// with an error wrapping ErrUnmatchedRecords that names the symbol and the element.
//
// Restrictions: conditions are subsets, data fixed when the model is generated, and
// cannot be modifiable; a variable attribute used in the algebra (x.UpAttr() in an
// expression) is data fixed at generation, so it cannot also be modifiable (use a
// parameter instead); marginals and equation attributes are not starting points of
// nnopt's solver and cannot be modifiable; a modifiable's size cannot change.

// UpdateType says how a frozen Solve applies the elements of a modifiable that hold no
// record (see Model.Freeze). The zero value is UpdateBaseCase.
type UpdateType int

// Update types.
const (
	// UpdateBaseCase applies the records and gives every other element of the
	// instance its value at Freeze (the reference's "base_case", its default).
	UpdateBaseCase UpdateType = iota
	// UpdateZero takes the data as it is: elements without a record get the default
	// value, 0 for parameters and levels, the variable type's bound for bounds (the
	// reference's "0").
	UpdateZero
	// UpdateAccumulate applies the records and leaves every other element as the last
	// Solve left it (the reference's "accumulate").
	UpdateAccumulate
)

var updateTypeNames = [...]string{"base_case", "0", "accumulate"}

func (u UpdateType) String() string {
	if u < 0 || int(u) >= len(updateTypeNames) {
		return fmt.Sprintf("UpdateType(%d)", int(u))
	}
	return updateTypeNames[u]
}

// ParseUpdateType reads an update type by the reference's name: "0", "base_case" or
// "accumulate".
func ParseUpdateType(s string) (UpdateType, error) {
	for i, n := range updateTypeNames {
		if strings.EqualFold(n, s) {
			return UpdateType(i), nil
		}
	}
	return 0, fmt.Errorf("nnopt: unknown update type %q; want 0, base_case or accumulate", s)
}

// FreezeOptions control how a Solve of a frozen model applies the modifiables' data.
// The zero value means defaults.
type FreezeOptions struct {
	UpdateType UpdateType
	// NoMatchLimit is the number of unmatched records (records on elements the
	// instance does not contain) a Solve tolerates; above it, Solve fails.
	NoMatchLimit int
}

// ErrUnmatchedRecords is wrapped by the error of a frozen Solve whose modifiables hold
// more records outside the instance than FreezeOptions.NoMatchLimit.
var ErrUnmatchedRecords = freeze.ErrUnmatchedRecords

// Eps returns the explicit zero of a frozen model's data: negative zero, which
// computes as 0 but counts as a record (the reference's EPS).
func Eps() float64 { return math.Copysign(0, -1) }

// Modifiable is what Model.Freeze accepts: a *Parameter, a VarAttr or an EqAttr.
type Modifiable interface {
	modifiableName() string
}

// AttrKind names an attribute of a variable or an equation.
type AttrKind int

// Attributes.
const (
	AttrL  AttrKind = iota // level
	AttrM                  // marginal
	AttrLo                 // lower bound
	AttrUp                 // upper bound
	AttrFx                 // fixed value: lower = upper = level
)

func (k AttrKind) String() string {
	if k < 0 || k > AttrFx {
		return fmt.Sprintf("AttrKind(%d)", int(k))
	}
	return [...]string{"l", "m", "lo", "up", "fx"}[k]
}

// VarAttr is one attribute of a variable: a modifiable of a frozen model, and an
// operand whose value in an expression is the attribute's data when the model is
// generated (AttrFx reads the lower bound).
type VarAttr struct {
	v    *Variable
	kind AttrKind
}

// LAttr is the variable's level attribute.
func (v *Variable) LAttr() VarAttr { return VarAttr{v, AttrL} }

// MAttr is the variable's marginal attribute.
func (v *Variable) MAttr() VarAttr { return VarAttr{v, AttrM} }

// LoAttr is the variable's lower bound attribute.
func (v *Variable) LoAttr() VarAttr { return VarAttr{v, AttrLo} }

// UpAttr is the variable's upper bound attribute.
func (v *Variable) UpAttr() VarAttr { return VarAttr{v, AttrUp} }

// FxAttr is the variable's fixed-value attribute: as a modifiable, an element whose
// lower and upper bounds are equal fixes the instance's element (bounds and level) at
// that value.
func (v *Variable) FxAttr() VarAttr { return VarAttr{v, AttrFx} }

// Variable returns the attribute's variable.
func (a VarAttr) Variable() *Variable { return a.v }

// Kind returns which attribute it is.
func (a VarAttr) Kind() AttrKind { return a.kind }

func (a VarAttr) String() string {
	if a.v == nil {
		return "<nil>." + a.kind.String()
	}
	return a.v.name + "." + a.kind.String()
}

func (a VarAttr) modifiableName() string { return a.String() }

func (a VarAttr) data() []float64 {
	switch a.kind {
	case AttrL:
		return a.v.L
	case AttrM:
		return a.v.M
	case AttrUp:
		return a.v.Up
	}
	return a.v.Lo
}

// At references the attribute with explicit index sets, like Variable.At.
func (a VarAttr) At(idx ...*Set) *Expr {
	if a.v == nil {
		return &Expr{err: errors.New("attribute of a nil variable")}
	}
	p := &Parameter{name: a.String(), domain: a.v.domain, Values: a.data(), attr: &a}
	return symbolRef(p, p.name, p.domain, idx)
}

func (a VarAttr) expr() *Expr {
	if a.v == nil {
		return a.At()
	}
	return a.At(a.v.domain...)
}

// EqAttr is one attribute of an equation (AttrL or AttrM).
type EqAttr struct {
	e    *Equation
	kind AttrKind
}

// LAttr is the equation's level attribute.
func (e *Equation) LAttr() EqAttr { return EqAttr{e, AttrL} }

// MAttr is the equation's marginal attribute.
func (e *Equation) MAttr() EqAttr { return EqAttr{e, AttrM} }

func (a EqAttr) String() string {
	if a.e == nil {
		return "<nil>." + a.kind.String()
	}
	return a.e.name + "." + a.kind.String()
}

func (a EqAttr) modifiableName() string { return a.String() }

func (p *Parameter) modifiableName() string { return p.name }

// Frozen reports whether the model is frozen.
func (m *Model) Frozen() bool { return m.frozen != nil }

// Freeze generates the model's instance and keeps it: until Unfreeze, Solve updates
// that instance with the modifiables' data and solves it, without generating the model
// again. See the package documentation's section on frozen models (freeze.go) for the
// modifiables, records, update types and restrictions. Freeze adds a fixed variable
// <name>_var to the container for every modifiable parameter.
func (m *Model) Freeze(modifiables ...Modifiable) error {
	if m.frozen != nil {
		return fmt.Errorf("nnopt: model %q is frozen already; Unfreeze it before freezing it again", m.name)
	}
	if _, err := m.checkProblemType(); err != nil {
		return fmt.Errorf("nnopt: model %q cannot be frozen: %w", m.name, err)
	}
	seen := map[string]bool{}
	var params []*Parameter
	var attrs []VarAttr
	for i, mod := range modifiables {
		switch x := mod.(type) {
		case *Parameter:
			if x == nil {
				return fmt.Errorf("nnopt: model %q: modifiable %d is a nil parameter", m.name, i)
			}
			if m.c.symbols[x.name] != x {
				return fmt.Errorf("nnopt: model %q: modifiable parameter %q is not a symbol of the model's container", m.name, x.name)
			}
			if x.recs != nil {
				return fmt.Errorf("nnopt: model %q: modifiable parameter %q is sparse; a modifiable parameter is %w as sparse data (SetValues makes it dense)", m.name, x.name, ErrUnsupported)
			}
			if _, taken := m.c.symbols[x.name+"_var"]; taken {
				return fmt.Errorf("nnopt: model %q: modifiable parameter %q needs the name %q for its variable, which the container already uses", m.name, x.name, x.name+"_var")
			}
			params = append(params, x)
		case VarAttr:
			if x.v == nil {
				return fmt.Errorf("nnopt: model %q: modifiable %d is an attribute of a nil variable", m.name, i)
			}
			if m.c.symbols[x.v.name] != x.v {
				return fmt.Errorf("nnopt: model %q: modifiable %s: variable %q is not a symbol of the model's container", m.name, x, x.v.name)
			}
			if x.kind == AttrM {
				return fmt.Errorf("nnopt: model %q: modifiable %s: marginals are not a starting point of nnopt's solver, so a modifiable marginal is %w", m.name, x, ErrUnsupported)
			}
			if x.kind < AttrL || x.kind > AttrFx {
				return fmt.Errorf("nnopt: model %q: modifiable %s: unknown attribute", m.name, x)
			}
			attrs = append(attrs, x)
		case EqAttr:
			return fmt.Errorf("nnopt: model %q: modifiable %s: equation levels and marginals are not a starting point of nnopt's solver, so they are %w as modifiables", m.name, x, ErrUnsupported)
		default:
			return fmt.Errorf("nnopt: model %q: modifiable %d is %T; want a *Parameter, a VarAttr or an EqAttr", m.name, i, mod)
		}
		if n := mod.modifiableName(); seen[n] {
			return fmt.Errorf("nnopt: model %q: modifiable %q is listed twice", m.name, n)
		} else {
			seen[n] = true
		}
	}
	if err := m.checkAttrsInAlgebra(attrs); err != nil {
		return err
	}
	inst, err := m.compile()
	if err != nil {
		return err
	}
	// The kept instance is solved again after the modifiables change: its
	// patterns are enumerated at each solve, not kept from the statistics.
	inst.structs = nil
	index := make(map[*Variable]int, len(inst.vars))
	for i, v := range inst.vars {
		index[v] = i
	}
	spec := freeze.Spec{Blocks: inst.blocks, Problem: inst.prob, Levels: inst.start(),
		Data: func(h any) ([]float64, bool) {
			p, ok := h.(*Parameter)
			if !ok || p.attr != nil { // an attribute in algebra is read as of generation
				return nil, false
			}
			return p.Values, true
		}}
	for _, p := range params {
		spec.Params = append(spec.Params, freeze.Param{Handle: p, Mod: &freeze.Mod{Name: p.name,
			Data:    func() []float64 { return p.Values },
			Element: func(i int) string { return elementName(p.name, p.domain, i, true) }}})
	}
	for _, a := range attrs {
		vb, ok := index[a.v]
		if !ok {
			vb = -1
		}
		md := &freeze.Mod{Name: a.String(), Data: a.data, Element: func(i int) string { return elementName(a.String(), a.v.domain, i, true) }}
		if a.kind == AttrFx {
			md.Bounds = func() ([]float64, []float64) { return a.v.Lo, a.v.Up }
		}
		lo, up := typeBounds(a.v.Type)
		kind := [...]freeze.Kind{AttrL: freeze.Level, AttrLo: freeze.Lower, AttrUp: freeze.Upper, AttrFx: freeze.Fixed}[a.kind]
		spec.Attrs = append(spec.Attrs, freeze.Attr{VB: vb, Var: a.v.name, Kind: kind, Lo: lo, Up: up, Mod: md})
	}
	// The sensitivity blocks read the parameters as variable blocks after the
	// instance's own.
	pv := make(map[*Parameter]int, len(params))
	for j, p := range params {
		pv[p] = len(inst.vars) + j
	}
	t := newTerms()
	c := t.compiler(inst.vars, pv)
	spec.Compile = func(eq int) (*engine.Block, error) {
		b, _, err := t.block(c, inst.eqs[eq])
		return b, err
	}
	kept, err := freeze.Keep(spec)
	if err != nil {
		return fmt.Errorf("nnopt: model %q: %w", m.name, err)
	}
	f := &frozen{inst: inst, kept: kept, mods: slices.Clone(modifiables)}
	// Everything checked: add the parameters' variables to the container.
	for j, p := range params {
		v := m.c.NewVariable(p.name+"_var", Free, p.domain...)
		v.L, v.Lo, v.Up = kept.ParamData[j], kept.ParamData[j], kept.ParamData[j]
		f.pvars = append(f.pvars, v)
	}
	m.frozen = f
	return nil
}

// Unfreeze drops the kept instance and removes the parameters' <name>_var variables
// from the container (values already read from them stay valid); the next Solve
// generates the model again. It does nothing on a model that is not frozen.
func (m *Model) Unfreeze() {
	if m.frozen == nil {
		return
	}
	for _, v := range m.frozen.pvars {
		delete(m.c.symbols, v.name)
		m.c.order = slices.DeleteFunc(m.c.order, func(n string) bool { return n == v.name })
	}
	m.frozen = nil
}
