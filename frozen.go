package nnopt

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnopt/nnopt/internal/engine"
)

// The state a frozen model keeps (Model.Freeze) and its update before each solve.

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
