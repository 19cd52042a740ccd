package nnopt

import "github.com/nnopt/nnopt/internal/engine"

// terms converts a model's expressions to the engine's Terms (package engine) when
// the model is generated: sets become axes, conditions subsets, variables and
// parameters Symbols. Each is converted once per terms, so the engine tells them
// apart by identity as the model does; one terms serves one generation.
type terms struct {
	axes map[*Set]*engine.Axis
	subs map[*Set]*engine.Subset
	syms map[any]*engine.Symbol
}

func newTerms() *terms {
	return &terms{axes: map[*Set]*engine.Axis{}, subs: map[*Set]*engine.Subset{}, syms: map[any]*engine.Symbol{}}
}

// axis is set s as an axis.
func (t *terms) axis(s *Set) *engine.Axis {
	a, ok := t.axes[s]
	if !ok {
		a = &engine.Axis{Name: s.name, Size: s.size}
		t.axes[s] = a
	}
	return a
}

// axesOf is sets as axes.
func (t *terms) axesOf(sets []*Set) []*engine.Axis {
	if sets == nil {
		return nil
	}
	out := make([]*engine.Axis, len(sets))
	for i, s := range sets {
		out[i] = t.axis(s)
	}
	return out
}

// subset is the condition s (a subset) as the engine reads it; its membership is
// shared, not copied.
func (t *terms) subset(s *Set) *engine.Subset {
	if s == nil {
		return nil
	}
	c, ok := t.subs[s]
	if !ok {
		c = &engine.Subset{Name: s.name, Domain: t.axesOf(s.domain), Member: s.member, Count: s.count}
		t.subs[s] = c
	}
	return c
}

// variable is v as a Symbol.
func (t *terms) variable(v *Variable) *engine.Symbol {
	s, ok := t.syms[v]
	if !ok {
		s = &engine.Symbol{Name: v.name, Domain: t.axesOf(v.domain), Var: true, Handle: v}
		t.syms[v] = s
	}
	return s
}

// parameter is p as a Symbol: a variable attribute in algebra is read as of
// generation, other data are shared.
func (t *terms) parameter(p *Parameter) *engine.Symbol {
	s, ok := t.syms[p]
	if !ok {
		s = &engine.Symbol{Name: p.name, Domain: t.axesOf(p.domain), Values: p.Values, Records: p.recs, Snapshot: p.attr != nil, Handle: p}
		t.syms[p] = s
	}
	return s
}

// term converts e, whose construction succeeded (e.err is nil throughout: Define
// and the model check it first).
func (t *terms) term(e *Expr) *engine.Term {
	out := &engine.Term{Op: e.op, Fn: e.fn, Val: e.val, Shift: e.shift, Free: t.axesOf(e.free), HasVar: e.hasVar, Kern: e.kern, Origin: e}
	if len(e.args) > 0 {
		out.Args = make([]*engine.Term, len(e.args))
		for i, a := range e.args {
			out.Args[i] = t.term(a)
		}
	}
	switch s := e.sym.(type) {
	case *Variable:
		out.Ref = t.variable(s)
	case *Parameter:
		out.Ref = t.parameter(s)
	}
	out.Idx = t.axesOf(e.idx)
	out.Cond = t.subset(e.cond)
	return out
}

// body is the equation's lhs - rhs as a Term.
func (t *terms) body(e *Equation) *engine.Term {
	return t.term(Sub(e.def.lhs, e.def.rhs))
}
