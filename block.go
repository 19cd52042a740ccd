package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/backend"
)

// block is a compiled equation: its expression graph evaluated on whole tensors, on
// one backend. It implements nlpsolve.Block.
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
	// tangentsOf is the direction the nodes' tangents were computed along by the last
	// JVP at the current point (nil when stale): the HVP of a Hessian sweep reuses them.
	tangentsOf []backend.Vector

	be backend.Backend
	// The row map and condition on the backend, and the root's own adjoint buffers,
	// used when the root cannot share the rows' layout.
	rowMapIx            backend.Index
	rowOnV              backend.Vector
	rootAdj, rootAdjdot backend.Vector
	host                hostArgs
	// paramsStale says the parameters' values may have changed since they were last
	// put on the backend: set by bind and by every Solve (useDevice).
	paramsStale bool

	// def is the side of lhs - rhs other than the defined variable when the equation
	// reads "variable = def" row for row (see Direct), else nil; defV and defA are its
	// own value and adjoint buffers, which DefineOn and PullDefinedOn swap for the
	// solver's vectors.
	def        *tnode
	defV, defA backend.Vector
}

func compileBlock(e *Equation, varIndex map[*Variable]int, budget *memBudget) (*block, error) {
	return compileBlockWith(e, &lowerer{varIndex: varIndex, budget: budget})
}

// compileBlockWith compiles e with the given (fresh) lowerer, on the CPU backend.
func compileBlockWith(e *Equation, l *lowerer) (*block, error) {
	if e.def == nil {
		return nil, fmt.Errorf("equation %q has no definition", e.name)
	}
	root, err := l.lower(Sub(e.def.lhs, e.def.rhs))
	if err != nil {
		return nil, fmt.Errorf("equation %q: %w", e.name, err)
	}
	b := &block{eq: e, nodes: l.nodes, root: root, rowMap: gatherMap(e.domain, root.idx), skipVar: -1}
	markSoleAdjoints(b.nodes)
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
	}
	if err := b.bind(cpuBackend); err != nil {
		return nil, err
	}
	return b, nil
}

// cpuBackend is the backend blocks are compiled for: the CPU with the process-wide
// BLAS (UseBLAS).
var cpuBackend = backend.DefaultCPU

// bind puts the block's buffers and structure on be.
func (b *block) bind(be backend.Backend) error {
	_, host := be.(*backend.CPU)
	for _, n := range b.nodes {
		if n.kern == nil {
			continue
		}
		n.kern.dev = nil
		if !host {
			d, ok := n.kern.k.(DeviceKernel)
			if !ok {
				return fmt.Errorf("equation %q: kernel %s runs on the CPU only, not on %s", b.eq.name, n.kern.k.Name(), be.Name())
			}
			n.kern.dev = d
			n.kern.sum = nil
		}
	}
	b.be = be
	for _, n := range b.nodes {
		n.bind(be)
	}
	if b.rowMap != nil {
		b.rowMapIx = be.NewIndex(b.rowMap)
	}
	if b.rowOn != nil {
		b.rowOnV = be.NewVector(len(b.rowOn))
		be.Upload(b.rowOnV, b.rowOn)
	}
	b.rootAdj, b.rootAdjdot = b.root.a, b.root.ad
	if b.def != nil {
		b.defV, b.defA = b.def.v, b.def.a
	}
	b.host = hostArgs{}
	b.paramsStale = true
	return be.Err()
}

func (b *block) Rows() int { return domainSize(b.eq.domain) }

// rootInRows reports whether the root can compute straight into the caller's rows
// vector: same layout, no condition, and an operation whose derivative rules never
// read its own value or tangent back.
func (b *block) rootInRows(rows backend.Vector) bool {
	r := b.root
	return b.rowMap == nil && b.rowOn == nil && rows.Len() == r.size && r.kern == nil && r.ctr == nil &&
		(r.op == opAdd || r.op == opSub || r.op == opNeg)
}

// rows stores the root's buffer src, read through the row map and condition, in dst.
func (b *block) rows(dst, src backend.Vector) {
	n := dst.Len()
	if b.rowOnV == nil {
		b.be.Map(opCopy, n, set(dst), inAt(src, b.rowMapIx))
		return
	}
	b.be.Map(opMuls, n, set(dst), inAt(src, b.rowMapIx), in(b.rowOnV))
}

// refresh starts a forward sweep: the tangents of the last one are stale, and the
// parameters' values are put on the backend if they may have changed.
func (b *block) refresh() {
	b.tangentsOf = nil
	if _, host := b.be.(*backend.CPU); host || b.paramsStale {
		for _, n := range b.nodes {
			n.refresh()
		}
		b.paramsStale = false
	}
}

// EvalOn stores the residuals at x in r.
func (b *block) EvalOn(x []backend.Vector, r backend.Vector) {
	b.refresh()
	if b.def != nil {
		b.def.v = b.defV
	}
	if b.rootInRows(r) {
		b.root.v = r
		for _, n := range b.nodes {
			n.forward(x)
		}
		return
	}
	for _, n := range b.nodes {
		n.forward(x)
	}
	b.rows(r, b.root.v)
}

// JVPOn stores J·v in jv.
func (b *block) JVPOn(v []backend.Vector, jv backend.Vector) {
	b.tangentsOf = v
	if b.root.constant {
		b.tangents(v)
		clearVec(b.be, jv)
		return
	}
	if b.rootInRows(jv) {
		b.root.d = jv
		b.tangents(v)
		return
	}
	b.tangents(v)
	b.rows(jv, b.root.d)
}

func (b *block) tangents(v []backend.Vector) {
	for _, n := range b.nodes {
		n.tangent(v)
	}
}

// bindAdjoints points the adjoints of the variable references at the sweep's
// outputs (nil: not wanted), so that parents accumulate straight into them, and
// clears the nodes' own adjoints. refAdj binds the adjoints, refAdjdot their tangents.
func (b *block) bindAdjoints(refAdj, refAdjdot []backend.Vector, second bool) {
	for _, n := range b.nodes {
		switch {
		case n.constant:
		case n.op == opRef:
			n.a, n.ad = nil, nil
			if n.vb != b.skipVar {
				if refAdj != nil {
					n.a = refAdj[n.vb]
				}
				if refAdjdot != nil {
					n.ad = refAdjdot[n.vb]
				}
			}
		case n != b.root:
			if n.a != nil && !n.soleAdj {
				clearVec(b.be, n.a)
			}
			if second {
				clearVec(b.be, n.ad)
			}
		}
	}
}

// seed puts the row weights w on the root's adjoint buffer (*buf): w itself when the
// root has the rows' layout, else the root's own buffer (own) filled from them.
func (b *block) seed(buf *backend.Vector, own, w backend.Vector) {
	if b.rowMap == nil && b.rowOn == nil && w.Len() == own.Len() {
		*buf = w
		return
	}
	*buf = own
	clearVec(b.be, own)
	b.scatterRows(own, w)
}

// scatterRows adds the row weights w, masked by the condition, into dst through the
// row map.
func (b *block) scatterRows(dst, w backend.Vector) {
	if b.rowOnV == nil {
		b.be.Map(opCopy, w.Len(), accAt(dst, b.rowMapIx), in(w))
		return
	}
	b.be.Map(opMuls, w.Len(), accAt(dst, b.rowMapIx), in(w), in(b.rowOnV))
}

// VJPOn adds Jᵀ·w to g.
func (b *block) VJPOn(w backend.Vector, g []backend.Vector) {
	if b.root.constant {
		return
	}
	if r := b.root; r.op == opRef { // lhs - rhs is one variable: Jᵀw is w
		if r.vb != b.skipVar {
			b.scatterRows(g[r.vb], w)
		}
		return
	}
	b.bindAdjoints(g, nil, false)
	b.seed(&b.root.a, b.rootAdj, w)
	for i := len(b.nodes) - 1; i >= 0; i-- {
		b.nodes[i].pullback()
	}
}

// HVPOn adds ∇²(wᵀr)·v + Jᵀ·wdot to hv.
func (b *block) HVPOn(w, wdot backend.Vector, v []backend.Vector, hv []backend.Vector) {
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
	b.bindAdjoints(nil, hv, true)
	b.seed(&b.root.a, b.rootAdj, w)
	b.seed(&b.root.ad, b.rootAdjdot, wdot)
	for i := len(b.nodes) - 1; i >= 0; i-- {
		n := b.nodes[i]
		n.pullback()
		n.backwardTangent()
	}
}

// findDef sets b.def when the equation reads "v = e" or "e = v" row for row, with v
// the defined variable block vb: lhs - rhs is a difference of the reference to v
// and a computed node e of the same layout that nothing else in the block reads.
// The forward sweep can then compute e straight into v, and the adjoint sweep start
// from v's adjoint as e's.
func (b *block) findDef(vb int) {
	b.def, b.defV, b.defA = nil, nil, nil
	r := b.root
	if vb < 0 || b.rowMap != nil || b.rowOn != nil || r.op != opSub {
		return
	}
	for side, e := range r.args {
		v := r.args[1-side]
		if v.op != opRef || v.param != nil || v.vb != vb || e.constant || e.op == opRef ||
			r.gather[0] != nil || r.gather[1] != nil || e.size != r.size || v.size != r.size {
			continue
		}
		parents := 0
		for _, n := range b.nodes {
			for _, a := range n.args {
				if a == e {
					parents++
				}
			}
		}
		if parents == 1 {
			b.def, b.defV, b.defA = e, e.v, e.a
			return
		}
	}
}

// Direct reports whether the block defines variable block vb, entering with
// coefficient coef, in a form DefineOn and PullDefinedOn sweep
// (nlpsolve.Definer).
func (b *block) Direct(vb int, coef float64) bool {
	if b.def == nil || vb != b.skipVar {
		return false
	}
	want := 1.0 // v - e
	if b.root.args[1] != b.def {
		want = -1 // e - v
	}
	return coef == want
}

// DefineOn computes the defined variable's value into x[vb]: the other side of
// the equation, computed in place.
func (b *block) DefineOn(x []backend.Vector) {
	b.refresh()
	b.def.v = x[b.skipVar]
	for _, n := range b.nodes {
		if n != b.root {
			n.forward(x)
		}
	}
}

// PullDefinedOn adds to g the pullback of the defined variable's adjoint g[vb]: with
// r = ±(v - e) and w = -g[vb]/coef, Jᵀw reaches e's arguments as e's adjoint
// g[vb], which the sweep therefore reads in place of e's own.
func (b *block) PullDefinedOn(g []backend.Vector) {
	e := b.def
	e.a = nil // so that bindAdjoints does not clear its own buffer, unused here
	b.bindAdjoints(g, nil, false)
	e.a = g[b.skipVar]
	for i := len(b.nodes) - 1; i >= 0; i-- {
		if n := b.nodes[i]; n != b.root {
			n.pullback()
		}
	}
	e.a = b.defA
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

// Backend is the backend the block's buffers live on (nlpsolve.DeviceBlock).
func (b *block) Backend() backend.Backend { return b.be }
