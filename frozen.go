package nnopt

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt/internal/freeze"
)

// The state a frozen model keeps (Model.Freeze) and its update before each solve.

// frozen is the kept instance of a frozen model and what its updates need.
type frozen struct {
	inst  *instance
	kept  *freeze.Instance
	pvars []*Variable  // <name>_var of the modifiable parameters, in order
	mods  []Modifiable // as Freeze was given them: what a model file lists
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
	if err := f.kept.Update(f.inst.start(), freeze.Update(opt.UpdateType), opt.NoMatchLimit); err != nil {
		return fmt.Errorf("nnopt: model %q: %w", model, err)
	}
	return nil
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
	eqM := make([][]float64, len(inst.eqs))
	for i, e := range inst.eqs {
		eqM[i] = e.M
	}
	paramM := make([][]float64, len(f.pvars))
	for j, v := range f.pvars {
		paramM[j] = v.M
	}
	f.kept.Solved(inst.start(), eqM, paramM)
}

// checkAttrsInAlgebra rejects a modifiable attribute that an equation or the objective
// of the model uses as data.
func (m *Model) checkAttrsInAlgebra(attrs []VarAttr) error {
	if len(attrs) == 0 {
		return nil
	}
	var found error
	check := func(where string, e *Expr) {
		walkRefs(e, func(p *Parameter) {
			for _, a := range attrs {
				if found == nil && p.attr != nil && a.v == p.attr.v && (a.kind == p.attr.kind || a.kind == AttrFx || p.attr.kind == AttrFx) {
					found = fmt.Errorf("nnopt: model %q: modifiable %s is used in the algebra of %s, where an attribute is data fixed when the model is generated; use a parameter there and make the parameter modifiable", m.name, a, where)
				}
			}
		})
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
