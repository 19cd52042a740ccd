package nnopt

import (
	"errors"
	"fmt"
	"github.com/nnopt/nnopt/internal/engine"
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
var ErrUnmatchedRecords = errors.New("unmatched record limit exceeded")

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

// frozen is the kept instance of a frozen model and what its updates need.
type frozen struct {
	inst  *instance
	mods  []*modState
	pvars []*Variable // <name>_var of the modifiable parameters, in order
	lev   [][]float64 // the instance's levels per variable block; nil for defined variables
	sens  []sensBlock // equations that read a modifiable parameter, compiled with it as a variable
	sensX [][]float64 // point of the sensitivity blocks: instance variables, then pvars
	sensG [][]float64 // their adjoints (nil for blocks no sensitivity block reads)
}

type sensBlock struct {
	eq   int // index into instance.eqs
	b    *engine.Block
	r, w []float64
}

// modState is one modifiable: where the container holds its data and where the
// instance does.
type modState struct {
	name  string
	param *Parameter
	attr  VarAttr
	vb    int       // variable block of an attribute
	dom   []*Set    // for element names
	act   []bool    // elements the instance contains; nil for all
	def   float64   // default value (AttrFx: unused)
	cur   []float64 // instance data (AttrFx: the lower bounds)
	base  []float64 // instance data at Freeze
	// AttrFx: upper bounds and levels of the instance, the bounds at Freeze and the
	// type's default bounds.
	curUp, lev   []float64
	baseUp       []float64
	defLo, defUp float64
}

// data is the container's data of the modifiable.
func (md *modState) data() []float64 {
	if md.param != nil {
		return md.param.Values
	}
	return md.attr.data()
}

func typeBounds(t VarType) (lo, up float64) {
	lo, up = math.Inf(-1), math.Inf(1)
	switch t {
	case Positive, Integer:
		lo = 0
	case Negative:
		up = 0
	case Binary:
		lo, up = 0, 1
	}
	return lo, up
}

// isRecord reports whether v is a record against the default def: a different value,
// or the same with the other sign of zero (Eps against 0).
func isRecord(v, def float64) bool { return v != def || math.Signbit(v) != math.Signbit(def) }

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
	index := make(map[*Variable]int, len(inst.vars))
	for i, v := range inst.vars {
		index[v] = i
	}
	f := &frozen{inst: inst}
	// The instance owns its bounds and levels from now on.
	// Levels: the instance keeps those of the variables no equation defines (and of
	// modifiable levels); a defined variable's level follows from the others in the
	// solver's forward sweep, so its container level is left as it is, which saves
	// two copies of every layer's activations per solve.
	defined := make([]bool, len(inst.vars))
	for _, e := range inst.prob.Equations {
		if e.Defines >= 0 {
			defined[e.Defines] = true
		}
	}
	for _, a := range attrs {
		if a.kind == AttrL || a.kind == AttrFx {
			defined[index[a.v]] = false
		}
	}
	f.lev = make([][]float64, len(inst.vars))
	for i, v := range inst.vars {
		inst.prob.Vars[i].Lo, inst.prob.Vars[i].Up = slices.Clone(v.Lo), slices.Clone(v.Up)
		if !defined[i] {
			f.lev[i] = slices.Clone(v.L)
		}
	}
	// And its parameter data: modifiable parameters read their _var level, the others
	// a copy taken now.
	modParam := map[*Parameter]int{}
	for j, p := range params {
		modParam[p] = j
	}
	bufs := map[*Parameter][]float64{}
	pdata := make([][]float64, len(params))
	for j, p := range params {
		pdata[j] = slices.Clone(p.Values)
		bufs[p] = pdata[j]
	}
	uses := make([]bool, len(params))
	retarget := func(b *engine.Block) {
		for _, n := range b.Nodes() {
			p, ok := n.Param.(*Parameter)
			if n.Op != engine.OpRef || !ok || p.attr != nil {
				continue
			}
			buf, ok := bufs[p]
			if !ok {
				buf = slices.Clone(p.Values)
				bufs[p] = buf
			}
			n.Val = buf
		}
	}
	for k, b := range inst.blocks {
		retarget(b)
		reads := false
		for _, n := range b.Nodes() {
			p, _ := n.Param.(*Parameter)
			if j, ok := modParam[p]; ok && n.Op == engine.OpRef {
				uses[j], reads = true, true
			}
		}
		if reads {
			f.sens = append(f.sens, sensBlock{eq: k})
		}
	}
	for j, p := range params {
		if !uses[j] {
			return fmt.Errorf("nnopt: model %q: modifiable parameter %q is not used by any of its equations", m.name, p.name)
		}
	}
	for _, a := range attrs {
		if _, ok := index[a.v]; !ok {
			return fmt.Errorf("nnopt: model %q: modifiable %s: variable %q is not part of the model", m.name, a, a.v.name)
		}
	}
	// Which elements the instance contains: those some active row reads.
	want := map[any]bool{}
	for _, p := range params {
		want[p] = true
	}
	for _, a := range attrs {
		want[index[a.v]] = true
	}
	acts := map[any][]bool{}
	mark := func(key any, size int, act []bool) {
		if !want[key] {
			return
		}
		dst := acts[key]
		if dst == nil {
			dst = make([]bool, size)
			acts[key] = dst
		}
		for i, on := range act {
			dst[i] = dst[i] || on
		}
	}
	for _, b := range inst.blocks {
		b.Reach(func(h any, act []bool) { p := h.(*Parameter); mark(p, len(p.Values), act) },
			func(vb int, act []bool) { mark(vb, len(inst.vars[vb].L), act) })
	}
	all := func(a []bool) []bool {
		for _, on := range a {
			if !on {
				return a
			}
		}
		return nil
	}
	for j, p := range params {
		f.mods = append(f.mods, &modState{name: p.name, param: p, dom: p.domain, act: all(acts[p]), cur: pdata[j], base: slices.Clone(pdata[j])})
	}
	for _, a := range attrs {
		vb := index[a.v]
		act := acts[vb]
		if vb == inst.prob.Objective {
			act = nil
		} else if act == nil {
			act = make([]bool, len(a.v.L)) // no active row reads it
		}
		md := &modState{name: a.String(), attr: a, vb: vb, dom: a.v.domain, act: all(act)}
		lo, up := typeBounds(a.v.Type)
		pv := inst.prob.Vars[vb]
		switch a.kind {
		case AttrL:
			md.cur, md.def = f.lev[vb], 0
		case AttrLo:
			md.cur, md.def = pv.Lo, lo
		case AttrUp:
			md.cur, md.def = pv.Up, up
		case AttrFx:
			md.cur, md.curUp, md.lev = pv.Lo, pv.Up, f.lev[vb]
			md.baseUp, md.defLo, md.defUp = slices.Clone(pv.Up), lo, up
		}
		md.base = slices.Clone(md.cur)
		f.mods = append(f.mods, md)
	}
	// A fixed value applies before the bounds and the level, so that where x.fx has no
	// record, a modifiable x.lo or x.up still decides its own bound.
	slices.SortStableFunc(f.mods, func(a, b *modState) int {
		return boolInt(b.param == nil && b.attr.kind == AttrFx) - boolInt(a.param == nil && a.attr.kind == AttrFx)
	})
	// Sensitivity blocks: the equations that read a modifiable parameter, compiled
	// with the parameters as variable blocks after the instance's own.
	pv := make(map[*Parameter]int, len(params))
	for j, p := range params {
		pv[p] = len(inst.vars) + j
	}
	f.sensX = make([][]float64, len(inst.vars)+len(params))
	f.sensG = make([][]float64, len(f.sensX))
	for i, v := range inst.vars {
		f.sensX[i] = v.L
	}
	for j := range params {
		f.sensX[len(inst.vars)+j] = pdata[j]
	}
	t := newTerms()
	c := t.compiler(inst.vars, pv)
	for k := range f.sens {
		s := &f.sens[k]
		b, _, err := t.block(c, inst.eqs[s.eq])
		if err != nil {
			return fmt.Errorf("nnopt: model %q: %w", m.name, err)
		}
		retarget(b)
		s.b, s.r, s.w = b, make([]float64, b.Rows()), make([]float64, b.Rows())
	}
	// Adjoints only for the parameters: a reference whose adjoint buffer is nil gets
	// none, and neither does a product towards it (no GEMM for a weight's adjoint).
	for j := range params {
		f.sensG[len(inst.vars)+j] = make([]float64, len(pdata[j]))
	}
	// Everything checked: add the parameters' variables to the container.
	for j, p := range params {
		v := m.c.NewVariable(p.name+"_var", Free, p.domain...)
		v.L, v.Lo, v.Up = pdata[j], pdata[j], pdata[j]
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

// checkAttrsInAlgebra rejects a modifiable attribute that an equation or the objective
// of the model uses as data.
func (m *Model) checkAttrsInAlgebra(attrs []VarAttr) error {
	if len(attrs) == 0 {
		return nil
	}
	var found error
	check := func(where string, e *Expr) {
		var walk func(x *Expr)
		walk = func(x *Expr) {
			if found != nil {
				return
			}
			if p, ok := x.sym.(*Parameter); ok && x.op == engine.OpRef && p.attr != nil {
				for _, a := range attrs {
					if a.v == p.attr.v && (a.kind == p.attr.kind || a.kind == AttrFx || p.attr.kind == AttrFx) {
						found = fmt.Errorf("nnopt: model %q: modifiable %s is used in the algebra of %s, where an attribute is data fixed when the model is generated; use a parameter there and make the parameter modifiable", m.name, a, where)
						return
					}
				}
			}
			for _, y := range x.args {
				walk(y)
			}
		}
		walk(e)
	}
	for _, e := range m.equations {
		if e.def != nil {
			check(fmt.Sprintf("equation %q", e.name), e.def.lhs)
			check(fmt.Sprintf("equation %q", e.name), e.def.rhs)
		}
	}
	if m.objective != nil {
		check("the objective", m.objective)
	}
	return found
}

// solveInstance is the instance Solve works on: generated now, or for a frozen model
// the kept one updated with the modifiables' data.
func (m *Model) solveInstance(opt Options) (*instance, error) {
	if m.frozen == nil {
		return m.compile()
	}
	if err := m.frozen.update(m.name, opt.Freeze); err != nil {
		return nil, err
	}
	return m.frozen.inst, nil
}

// update applies the modifiables' data to the instance and puts the instance's levels
// into the variables, where Solve takes its starting point from.
func (f *frozen) update(model string, opt FreezeOptions) error {
	if opt.UpdateType < UpdateBaseCase || opt.UpdateType > UpdateAccumulate {
		return fmt.Errorf("nnopt: model %q: FreezeOptions.UpdateType %d: want UpdateBaseCase, UpdateZero or UpdateAccumulate", model, int(opt.UpdateType))
	}
	if opt.NoMatchLimit < 0 {
		return fmt.Errorf("nnopt: model %q: FreezeOptions.NoMatchLimit %d: want 0 or more", model, opt.NoMatchLimit)
	}
	// Check everything before changing anything.
	unmatched := 0
	for _, md := range f.mods {
		data := md.data()
		if len(data) != len(md.base) || (md.attr.kind == AttrFx && md.attr.v != nil && len(md.attr.v.Up) != len(md.base)) {
			return fmt.Errorf("nnopt: model %q: modifiable %s has %d elements, the frozen instance %d: a modifiable cannot change its shape (Unfreeze and Freeze again)", model, md.name, len(data), len(md.base))
		}
		if md.act == nil {
			continue
		}
		n, first := md.unmatched()
		unmatched += n
		if unmatched > opt.NoMatchLimit {
			return fmt.Errorf("nnopt: model %q: %w while processing modifiable %s: %d record(s) on elements the instance does not contain (first: %s), FreezeOptions.NoMatchLimit is %d", model, ErrUnmatchedRecords, md.name, n, elementName(md.name, md.dom, first), opt.NoMatchLimit)
		}
	}
	for _, md := range f.mods {
		md.apply(opt.UpdateType)
	}
	for i, v := range f.inst.vars {
		if f.lev[i] != nil {
			copy(v.L, f.lev[i])
		}
	}
	return nil
}

// unmatched counts the records on elements outside the instance and returns the
// first one's position.
func (md *modState) unmatched() (n, first int) {
	first = -1
	var rec func(i int) bool
	if md.attr.kind == AttrFx && md.param == nil {
		lo, up := md.attr.v.Lo, md.attr.v.Up
		rec = func(i int) bool { return lo[i] == up[i] }
	} else {
		data := md.data()
		rec = func(i int) bool { return isRecord(data[i], md.def) }
	}
	for i, in := range md.act {
		if !in && rec(i) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return n, first
}

// apply writes the container's data into the instance's elements.
func (md *modState) apply(u UpdateType) {
	if md.param != nil || md.attr.kind != AttrFx {
		applyDense(md.cur, md.data(), md.base, md.def, md.act, u)
		return
	}
	lo, up := md.attr.v.Lo, md.attr.v.Up
	for i := range md.cur {
		if md.act != nil && !md.act[i] {
			continue
		}
		switch {
		case lo[i] == up[i]:
			x := lo[i] + 0
			md.cur[i], md.curUp[i], md.lev[i] = x, x, x
		case u == UpdateZero:
			md.cur[i], md.curUp[i] = md.defLo, md.defUp
		case u == UpdateBaseCase:
			md.cur[i], md.curUp[i] = md.base[i], md.baseUp[i]
		}
	}
}

// applyDense sets cur from data where data holds a record against def, and elsewhere
// as the update type says, on the elements act marks (all when act is nil).
func applyDense(cur, data, base []float64, def float64, act []bool, u UpdateType) {
	if u == UpdateZero && act == nil {
		// A missing element equals def, so both cases are v (+0 for Eps).
		for i, v := range data {
			cur[i] = v + 0
		}
		return
	}
	for i, v := range data {
		if act != nil && !act[i] {
			continue
		}
		if isRecord(v, def) {
			cur[i] = v + 0 // Eps becomes +0
			continue
		}
		switch u {
		case UpdateZero:
			cur[i] = def
		case UpdateBaseCase:
			cur[i] = base[i]
		}
	}
}

// elementName writes element off of a symbol over dom as name('l1','l2').
func elementName(name string, dom []*Set, off int) string {
	if len(dom) == 0 {
		return name
	}
	labels := make([]string, len(dom))
	for d := len(dom) - 1; d >= 0; d-- {
		labels[d] = "'" + dom[d].Labels()[off%dom[d].size] + "'"
		off /= dom[d].size
	}
	return name + "(" + strings.Join(labels, ",") + ")"
}

// frozenSolved runs after a successful Solve of a frozen model, once the solution is
// written back: the instance keeps the solution's levels as its next starting point,
// and the parameters' variables get their marginals, the objective's derivatives with
// respect to the parameters (the adjoint of the equations that read them, weighted by
// the equations' marginals).
func (m *Model) frozenSolved(inst *instance) {
	f := m.frozen
	if f == nil || f.inst != inst {
		return
	}
	for i, v := range inst.vars {
		if f.lev[i] != nil {
			copy(f.lev[i], v.L)
		}
	}
	for _, g := range f.sensG {
		clear(g)
	}
	for _, s := range f.sens {
		e := inst.eqs[s.eq]
		s.b.Eval(f.sensX, s.r)
		for i, y := range e.M {
			s.w[i] = -y
		}
		s.b.VJP(s.w, f.sensG)
	}
	n := len(inst.vars)
	for j, v := range f.pvars {
		if g := f.sensG[n+j]; g != nil {
			copy(v.M, g)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
