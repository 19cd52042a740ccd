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
	// skipVar is the variable block whose adjoint VJP and HVP leave out (the one the
	// solver's sweep defines by this equation and never reads back), or -1.
	skipVar int
	// rootAdj and rootAdjdot are the root's own adjoint buffers, used when the root
	// cannot share the weights' layout.
	rootAdj, rootAdjdot []float64
	// tangentsOf is the direction the nodes' tangents were computed along by the last
	// JVP at the current point (nil when stale): the HVP of a Hessian sweep reuses them.
	tangentsOf [][]float64
}

func compileBlock(e *Equation, varIndex map[*Variable]int) (*block, error) {
	return compileBlockWith(e, &lowerer{varIndex: varIndex})
}

// compileBlockWith compiles e with the given (fresh) lowerer.
func compileBlockWith(e *Equation, l *lowerer) (*block, error) {
	if e.def == nil {
		return nil, fmt.Errorf("equation %q has no definition", e.name)
	}
	root, err := l.lower(Sub(e.def.lhs, e.def.rhs))
	if err != nil {
		return nil, fmt.Errorf("equation %q: %w", e.name, err)
	}
	b := &block{eq: e, nodes: l.nodes, root: root, rowMap: gatherMap(e.domain, root.idx), skipVar: -1}
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
		if !n.constant && n.op != opRef && n.adj == nil {
			n.adj = make([]float64, n.size)
			n.adjdot = make([]float64, n.size)
		}
	}
	b.rootAdj, b.rootAdjdot = root.adj, root.adjdot
	return b, nil
}

func (b *block) Rows() int { return domainSize(b.eq.domain) }

// rootInRows reports whether the root can compute straight into the caller's rows
// buffer: same layout, no condition, and an operation whose derivative rules never
// read its own value or tangent back.
func (b *block) rootInRows(rows []float64) bool {
	r := b.root
	return b.rowMap == nil && b.rowOn == nil && len(rows) == r.size && r.kern == nil && r.ctr == nil &&
		(r.op == opAdd || r.op == opSub || r.op == opNeg)
}

func (b *block) Eval(x [][]float64, r []float64) {
	b.tangentsOf = nil
	if b.rootInRows(r) {
		b.root.val = r
		for _, n := range b.nodes {
			n.forward(x)
		}
		return
	}
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
	if b.root.constant {
		b.tangents(v)
		b.tangentsOf = v
		clear(jv)
		return
	}
	if b.rootInRows(jv) {
		b.root.dot = jv
		b.tangents(v)
		b.tangentsOf = v
		return
	}
	b.tangents(v)
	b.tangentsOf = v
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

// bind points the adjoint buffers of the variable references at the sweep's outputs
// (nil: not wanted), so that parents accumulate straight into them, and clears the
// nodes' own adjoint buffers. refAdj binds adj, refAdjdot adjdot.
func (b *block) bind(refAdj, refAdjdot [][]float64, second bool) {
	for _, n := range b.nodes {
		switch {
		case n.constant:
		case n.op == opRef:
			n.adj, n.adjdot = nil, nil
			if n.vb != b.skipVar {
				if refAdj != nil {
					n.adj = refAdj[n.vb]
				}
				if refAdjdot != nil {
					n.adjdot = refAdjdot[n.vb]
				}
			}
		case n != b.root:
			clear(n.adj)
			if second {
				clear(n.adjdot)
			}
		}
	}
}

// seed puts w on the root's adjoint buffer (*buf): the weights themselves when the
// root has the rows' layout, else the root's own buffer (own) filled from them.
func (b *block) seed(buf *[]float64, own, w []float64) {
	if b.rowMap == nil && b.rowOn == nil && len(w) == len(own) {
		*buf = w
		return
	}
	*buf = own
	clear(own)
	for i, y := range w {
		if b.rowOn != nil {
			y *= b.rowOn[i]
		}
		own[pos(b.rowMap, i)] += y
	}
}

func (b *block) VJP(w []float64, g [][]float64) {
	if b.root.constant {
		return
	}
	if r := b.root; r.op == opRef { // lhs - rhs is one variable: Jᵀw is w
		if r.vb != b.skipVar {
			for i, y := range w {
				if b.rowOn != nil {
					y *= b.rowOn[i]
				}
				g[r.vb][pos(b.rowMap, i)] += y
			}
		}
		return
	}
	b.bind(g, nil, false)
	b.seed(&b.root.adj, b.rootAdj, w)
	for i := len(b.nodes) - 1; i >= 0; i-- {
		b.nodes[i].pullback()
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
	if b.root.constant || b.root.op == opRef {
		return
	}
	b.bind(nil, hv, true)
	b.seed(&b.root.adj, b.rootAdj, w)
	b.seed(&b.root.adjdot, b.rootAdjdot, wdot)
	for i := len(b.nodes) - 1; i >= 0; i-- {
		n := b.nodes[i]
		n.pullback()
		n.backwardTangent()
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
