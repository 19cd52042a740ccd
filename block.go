package nnopt

import (
	"fmt"
)

// block is a compiled equation: its expression graph evaluated on whole tensors. It
// implements nlpsolve.Block.
type block struct {
	eq     *Equation
	nodes  []*tnode
	root   *tnode
	rowMap []int32   // equation-domain position -> root position; nil = same layout
	rowOn  []float64 // 1 for rows inside the equation's condition; nil = all rows
	vars   []int
	// tangentsOf is the direction the nodes' tangents were computed along by the last
	// JVP at the current point (nil when stale): the HVP of a Hessian sweep reuses them.
	tangentsOf [][]float64
}

func compileBlock(e *Equation, varIndex map[*Variable]int) (*block, error) {
	if e.def == nil {
		return nil, fmt.Errorf("equation %q has no definition", e.name)
	}
	l := &lowerer{varIndex: varIndex}
	root, err := l.lower(Sub(e.def.lhs, e.def.rhs))
	if err != nil {
		return nil, fmt.Errorf("equation %q: %w", e.name, err)
	}
	b := &block{eq: e, nodes: l.nodes, root: root, rowMap: gatherMap(e.domain, root.idx)}
	if e.cond != nil {
		b.rowOn = make([]float64, domainSize(e.domain))
		cm := gatherMap(e.domain, e.cond.domain)
		for i := range b.rowOn {
			if e.cond.member[pos(cm, i)] {
				b.rowOn[i] = 1
			}
		}
	}
	seen := map[int]bool{}
	for _, n := range b.nodes {
		if n.op == opRef && n.param == nil && !seen[n.vb] {
			seen[n.vb] = true
			b.vars = append(b.vars, n.vb)
		}
		if !n.constant && n.adj == nil {
			n.adj = make([]float64, n.size)
			n.adjdot = make([]float64, n.size)
		}
	}
	return b, nil
}

func (b *block) Rows() int { return domainSize(b.eq.domain) }

func (b *block) Eval(x [][]float64, r []float64) {
	b.tangentsOf = nil
	for _, n := range b.nodes {
		n.forward(x)
	}
	v := b.root.val
	for i := range r {
		r[i] = at(v, b.rowMap, i)
		if b.rowOn != nil {
			r[i] *= b.rowOn[i]
		}
	}
}

func (b *block) JVP(v [][]float64, jv []float64) {
	b.tangents(v)
	b.tangentsOf = v
	if b.root.constant {
		clear(jv)
		return
	}
	for i := range jv {
		jv[i] = at(b.root.dot, b.rowMap, i)
		if b.rowOn != nil {
			jv[i] *= b.rowOn[i]
		}
	}
}

func (b *block) tangents(v [][]float64) {
	for _, n := range b.nodes {
		n.tangent(v)
	}
}

// seed zeroes the adjoints and puts w on the root.
func (b *block) seed(w []float64, adj func(*tnode) []float64) bool {
	for _, n := range b.nodes {
		if n.adj != nil {
			clear(adj(n))
		}
	}
	if b.root.constant {
		return false
	}
	ra := adj(b.root)
	for i, y := range w {
		if b.rowOn != nil {
			y *= b.rowOn[i]
		}
		ra[pos(b.rowMap, i)] += y
	}
	return true
}

func (b *block) VJP(w []float64, g [][]float64) {
	if !b.seed(w, func(n *tnode) []float64 { return n.adj }) {
		return
	}
	for i := len(b.nodes) - 1; i >= 0; i-- {
		b.nodes[i].backward(g)
	}
}

func (b *block) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	// The sweep's JVP along the same v left the tangents in place; only the block's
	// defined variable has changed since, and it enters linearly, so no second-order
	// term sees it.
	if b.tangentsOf == nil || len(v) == 0 || &b.tangentsOf[0] != &v[0] {
		b.tangents(v)
	}
	b.tangentsOf = nil
	if !b.seed(w, func(n *tnode) []float64 { return n.adj }) {
		return
	}
	b.seed(wdot, func(n *tnode) []float64 { return n.adjdot })
	for i := len(b.nodes) - 1; i >= 0; i-- {
		n := b.nodes[i]
		n.pullback(nil, true)
		n.backwardTangent(hv)
	}
}

// definedVariable finds a variable the equation defines: referenced once, over exactly
// the equation's domain in order, entering lhs - rhs linearly with a constant
// coefficient through sums, differences, negations and constant factors only.
func definedVariable(e *Equation, taken map[*Variable]bool) (*Variable, float64, bool) {
	if e.Type != EQ || e.cond != nil || e.def == nil {
		return nil, 0, false
	}
	count := map[*Variable]int{}
	var walkCount func(x *Expr)
	walkCount = func(x *Expr) {
		if v, ok := x.sym.(*Variable); ok && x.op == opRef {
			count[v]++
		}
		for _, a := range x.args {
			walkCount(a)
		}
	}
	walkCount(e.def.lhs)
	walkCount(e.def.rhs)
	var found *Variable
	var coef float64
	var walk func(x *Expr, c float64)
	walk = func(x *Expr, c float64) {
		if found != nil {
			return
		}
		switch x.op {
		case opRef:
			v, ok := x.sym.(*Variable)
			if !ok || count[v] != 1 || taken[v] || len(x.idx) != len(e.domain) {
				return
			}
			for d := range x.idx {
				if x.idx[d] != e.domain[d] {
					return
				}
			}
			found, coef = v, c
		case opAdd:
			walk(x.args[0], c)
			walk(x.args[1], c)
		case opSub:
			walk(x.args[0], c)
			walk(x.args[1], -c)
		case opNeg:
			walk(x.args[0], -c)
		case opMul:
			if x.args[0].op == opConst {
				walk(x.args[1], c*x.args[0].val)
			} else if x.args[1].op == opConst {
				walk(x.args[0], c*x.args[1].val)
			}
		}
	}
	walk(e.def.lhs, 1)
	walk(e.def.rhs, -1)
	if found == nil || coef == 0 {
		return nil, 0, false
	}
	return found, coef, true
}
