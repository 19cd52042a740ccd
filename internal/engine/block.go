package engine

import (
	"fmt"

	"github.com/nnopt/nnopt/backend"
)

// Block is a compiled equation: its expression graph evaluated on whole tensors, on
// one backend. It implements nlpsolve.Block, nlpsolve.DeviceBlock and
// nlpsolve.Definer.
type Block struct {
	name   string // the equation's, for errors
	nrows  int
	nodes  []*Node
	root   *Node
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
	// put on the backend: set by bind and by every Use of the same backend.
	paramsStale bool

	// def is the side of lhs - rhs other than the defined variable when the equation
	// reads "variable = def" row for row (see Direct), else nil; defV and defA are its
	// own value and adjoint buffers, which DefineOn and PullDefinedOn swap for the
	// solver's vectors.
	def        *Node
	defV, defA backend.Vector
}

// NewBlock makes the block of equation name, of rows rows, from its nodes in
// evaluation order with root computing lhs - rhs. rowMap gives each row's position
// in the root (nil: the same layout) and rowOn is 1 for the rows inside the
// equation's condition (nil: all). The block starts on the CPU backend.
func NewBlock(name string, rows int, nodes []*Node, root *Node, rowMap []int32, rowOn []float64) (*Block, error) {
	b := &Block{name: name, nrows: rows, nodes: nodes, root: root, rowMap: rowMap, rowOn: rowOn, skipVar: -1}
	markSoleAdjoints(b.nodes)
	seen := map[int]bool{}
	for _, n := range b.nodes {
		if n.Op == OpRef && n.Param == nil && !seen[n.VB] {
			seen[n.VB] = true
			b.vars = append(b.vars, n.VB)
		}
	}
	if err := b.bind(backend.DefaultCPU); err != nil {
		return nil, err
	}
	return b, nil
}

// Vars lists the variable blocks the block reads.
func (b *Block) Vars() []int { return b.vars }

// Nodes are the block's nodes in evaluation order.
func (b *Block) Nodes() []*Node { return b.nodes }

// Use puts the block on be: its buffers are made there unless it is there already,
// in which case the parameters' values are put there again before the next sweep
// (they may have changed since).
func (b *Block) Use(be backend.Backend) error {
	if b.be == be {
		b.paramsStale = true
		return nil
	}
	return b.bind(be)
}

// Defines tells the block that the solver defines variable block vb by it (-1:
// none): VJP and HVP then leave vb's adjoint out, and the block sweeps vb directly
// where the equation reads "v = e" (Direct).
func (b *Block) Defines(vb int) {
	b.skipVar = vb
	b.findDef(vb)
}

// bind puts the block's buffers and structure on be.
func (b *Block) bind(be backend.Backend) error {
	_, host := be.(*backend.CPU)
	for _, n := range b.nodes {
		if n.Kern == nil {
			continue
		}
		n.Kern.dev = nil
		if !host {
			d, ok := n.Kern.k.(DeviceKernel)
			if !ok {
				return fmt.Errorf("equation %q: kernel %s runs on the CPU only, not on %s", b.name, n.Kern.k.Name(), be.Name())
			}
			n.Kern.dev = d
			n.Kern.sum = nil
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

// Rows is the number of rows: the elements of the equation's domain.
func (b *Block) Rows() int { return b.nrows }

// rootInRows reports whether the root can compute straight into the caller's rows
// vector: same layout, no condition, and an operation whose derivative rules never
// read its own value or tangent back.
func (b *Block) rootInRows(rows backend.Vector) bool {
	r := b.root
	return b.rowMap == nil && b.rowOn == nil && rows.Len() == r.Size && r.Kern == nil && r.Ctr == nil &&
		(r.Op == OpAdd || r.Op == OpSub || r.Op == OpNeg)
}

// toRows stores the root's buffer src, read through the row map and condition, in dst.
func (b *Block) toRows(dst, src backend.Vector) {
	n := dst.Len()
	if b.rowOnV == nil {
		mapOn(b.be, opCopy, n, set(dst), inAt(src, b.rowMapIx))
		return
	}
	mapOn(b.be, opMuls, n, set(dst), inAt(src, b.rowMapIx), in(b.rowOnV))
}

// refresh starts a forward sweep: the tangents of the last one are stale, and the
// parameters' values are put on the backend if they may have changed.
func (b *Block) refresh() {
	b.tangentsOf = nil
	if _, host := b.be.(*backend.CPU); host || b.paramsStale {
		for _, n := range b.nodes {
			n.refresh()
		}
		b.paramsStale = false
	}
}

// EvalOn stores the residuals at x in r.
func (b *Block) EvalOn(x []backend.Vector, r backend.Vector) {
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
	b.toRows(r, b.root.v)
}

// JVPOn stores J·v in jv.
func (b *Block) JVPOn(v []backend.Vector, jv backend.Vector) {
	b.tangentsOf = v
	if b.root.Constant {
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
	b.toRows(jv, b.root.d)
}

func (b *Block) tangents(v []backend.Vector) {
	for _, n := range b.nodes {
		n.tangent(v)
	}
}

// bindAdjoints points the adjoints of the variable references at the sweep's
// outputs (nil: not wanted), so that parents accumulate straight into them, and
// clears the nodes' own adjoints. refAdj binds the adjoints, refAdjdot their tangents.
func (b *Block) bindAdjoints(refAdj, refAdjdot []backend.Vector, second bool) {
	for _, n := range b.nodes {
		switch {
		case n.Constant:
		case n.Op == OpRef:
			n.a, n.ad = nil, nil
			if n.VB != b.skipVar {
				if refAdj != nil {
					n.a = refAdj[n.VB]
				}
				if refAdjdot != nil {
					n.ad = refAdjdot[n.VB]
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
func (b *Block) seed(buf *backend.Vector, own, w backend.Vector) {
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
func (b *Block) scatterRows(dst, w backend.Vector) {
	if b.rowOnV == nil {
		mapOn(b.be, opCopy, w.Len(), accAt(dst, b.rowMapIx), in(w))
		return
	}
	mapOn(b.be, opMuls, w.Len(), accAt(dst, b.rowMapIx), in(w), in(b.rowOnV))
}

// VJPOn adds Jᵀ·w to g.
func (b *Block) VJPOn(w backend.Vector, g []backend.Vector) {
	if b.root.Constant {
		return
	}
	if r := b.root; r.Op == OpRef { // lhs - rhs is one variable: Jᵀw is w
		if r.VB != b.skipVar {
			b.scatterRows(g[r.VB], w)
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
func (b *Block) HVPOn(w, wdot backend.Vector, v []backend.Vector, hv []backend.Vector) {
	// The sweep's JVP along the same v left the tangents in place; only the block's
	// defined variable has changed since, and it enters linearly, so no second-order
	// term sees it.
	if b.tangentsOf == nil || len(v) == 0 || &b.tangentsOf[0] != &v[0] {
		b.tangents(v)
	}
	b.tangentsOf = nil
	if b.root.Constant || b.root.Op == OpRef {
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
func (b *Block) findDef(vb int) {
	b.def, b.defV, b.defA = nil, nil, nil
	r := b.root
	if vb < 0 || b.rowMap != nil || b.rowOn != nil || r.Op != OpSub {
		return
	}
	for side, e := range r.Args {
		v := r.Args[1-side]
		if v.Op != OpRef || v.Param != nil || v.VB != vb || e.Constant || e.Op == OpRef ||
			r.Gather[0] != nil || r.Gather[1] != nil || e.Size != r.Size || v.Size != r.Size {
			continue
		}
		parents := 0
		for _, n := range b.nodes {
			for _, a := range n.Args {
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
func (b *Block) Direct(vb int, coef float64) bool {
	if b.def == nil || vb != b.skipVar {
		return false
	}
	want := 1.0 // v - e
	if b.root.Args[1] != b.def {
		want = -1 // e - v
	}
	return coef == want
}

// DefineOn computes the defined variable's value into x[vb]: the other side of
// the equation, computed in place.
func (b *Block) DefineOn(x []backend.Vector) {
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
func (b *Block) PullDefinedOn(g []backend.Vector) {
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

// Backend is the backend the block's buffers live on (nlpsolve.DeviceBlock).
func (b *Block) Backend() backend.Backend { return b.be }

// Active marks the rows inside the equation's condition; nil when every row is.
func (b *Block) Active() []bool {
	if b.rowOn == nil {
		return nil
	}
	on := make([]bool, len(b.rowOn))
	for i, v := range b.rowOn {
		on[i] = v != 0
	}
	return on
}
