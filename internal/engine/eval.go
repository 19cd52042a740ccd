package engine

import (
	"math"

	"github.com/nnopt/nnopt/backend"
)

// The sweeps of a compiled block, written once against backend.Backend: every loop
// over a tensor is one Map, Gemm or Reduce, so the same code runs on the CPU and on a
// GPU.

// In and Out shorthands.
func in(v backend.Vector) backend.In                     { return backend.In{V: v} }
func inAt(v backend.Vector, at backend.Index) backend.In { return backend.In{V: v, At: at} }
func set(v backend.Vector) backend.Out                   { return backend.Out{V: v} }
func accAt(v backend.Vector, at backend.Index) backend.Out {
	return backend.Out{V: v, At: at, Mode: backend.Accumulate}
}

// adjOut is where a pullback stores into buffer dst of its argument t (t's adjoint,
// or in the second-order sweep its tangent) through gather at: accumulated, or set
// when dst is t's adjoint and this its only contribution (soleAdj), which then
// needs no clearing first.
func adjOut(t *Node, dst backend.Vector, at backend.Index) backend.Out {
	if t.soleAdj && dst == t.a {
		return set(dst)
	}
	return accAt(dst, at)
}

var (
	opCopy = backend.Op{Code: backend.Copy}
	opZero = backend.Op{Code: backend.Const}
	opNegs = backend.Op{Code: backend.Scale, P: -1}
	opMuls = backend.Op{Code: backend.Mul}
)

// bind makes the node's buffers and structure on be. On the CPU backend the vectors
// share the node's host slices.
func (n *Node) bind(be backend.Backend) {
	dv := &n.dev
	dv.be = be
	_, host := be.(*backend.CPU)
	vec := func(s []float64, size int) backend.Vector {
		if host {
			if s == nil {
				s = make([]float64, size)
			}
			return backend.Wrap(s)
		}
		v := be.NewVector(size)
		if s != nil {
			be.Upload(v, s)
		}
		return v
	}
	idx := func(p []int32) backend.Index {
		if p == nil {
			return nil
		}
		return be.NewIndex(p)
	}
	switch {
	case n.Op == OpRef && n.Param != nil:
		if host {
			n.v = &dv.host
		} else {
			n.v = be.NewVector(n.Size)
		}
	case n.Op == OpRef:
	default:
		n.v = vec(n.Val, n.Size)
	}
	if !n.Constant && n.Op != OpRef {
		n.d = vec(nil, n.Size)
		n.a = vec(nil, n.Size)
		n.ad = vec(nil, n.Size)
	}
	dv.Gather = make([]backend.Index, len(n.Gather))
	for i, g := range n.Gather {
		dv.Gather[i] = idx(g)
	}
	dv.Reduce = idx(n.Reduce)
	if n.Mask != nil {
		dv.Mask = vec(n.Mask, len(n.Mask))
	}
	if n.Aux != nil {
		dv.Aux = vec(n.Aux, len(n.Aux))
		dv.sums = vec(nil, n.Size)
	}
	if c := n.Ctr; c != nil {
		dv.permA, dv.permB = idx(c.permA), idx(c.permB)
		for i := range dv.scratch {
			size := c.m * c.k // gathered A, its tangent, a product into A's layout
			if i%2 == 1 {
				size = c.k * c.n
			}
			dv.scratch[i] = vec(nil, size)
		}
	}
}

// refresh puts a parameter's current values on the backend: on the CPU it points at
// them (a frozen model may have given the node another buffer), on a device it
// uploads them.
func (n *Node) refresh() {
	if n.Op != OpRef || n.Param == nil {
		return
	}
	if n.v == &n.dev.host {
		n.dev.host.Data = n.Val
		return
	}
	n.dev.be.Upload(n.v, n.Val)
}

func (n *Node) zeros() backend.Vector {
	if n.dev.zero == nil {
		n.dev.zero = n.dev.be.NewVector(n.Size)
	}
	return n.dev.zero
}

// arg returns argument i's buffer x (its value, tangent, …) read in the node's layout.
func (n *Node) arg(i int, x backend.Vector) backend.In {
	return backend.In{V: x, At: n.dev.Gather[i]}
}

// clearVec sets v to zeros.
func clearVec(be backend.Backend, v backend.Vector) {
	be.Map(opZero, v.Len(), set(v))
}

// Contractions: C = A·B over logical m×k and k×n matrices. An argument whose layout
// is neither the matrix nor its transpose is gathered into scratch first.

// operand returns argument i (0 = A, 1 = B) of the contraction as a GEMM operand:
// the buffer src of the argument, gathered into scratch slot s when needed, and
// whether it is transposed. Slots: 0/1 values of A/B, 2/3 their tangents.
func (n *Node) operand(i int, src backend.Vector, slot int) (backend.Vector, bool) {
	c, dv := n.Ctr, &n.dev
	t, perm := c.transA, dv.permA
	if i == 1 {
		t, perm = c.transB, dv.permB
	}
	if perm == nil {
		return src, t
	}
	dst := dv.scratch[slot]
	dv.be.Map(opCopy, perm.Len(), set(dst), inAt(src, perm))
	return dst, false
}

// product sets or adds (beta) C = op(a)·op(b) with C m×n row-major.
func (n *Node) product(c backend.Vector, a backend.Vector, ta bool, b backend.Vector, tb bool, beta float64) {
	n.dev.be.Gemm(ta, tb, n.Ctr.m, n.Ctr.n, n.Ctr.k, 1, a, b, beta, c)
}

// accumulate adds the matrix product that belongs to argument i's adjoint dst:
// for A (m×k) it is W·op(B)ᵀ, for B (k×n) op(A)ᵀ·W, with w the node's m×n adjoint
// (or its tangent) and other the other argument's operand.
func (n *Node) accumulate(i int, dst, w, other backend.Vector, otherT bool) {
	c, dv := n.Ctr, &n.dev
	be := dv.be
	beta := 1.0
	if t := n.Args[i]; t.soleAdj && dst == t.a {
		beta = 0 // its only contribution (see adjOut)
	}
	if i == 0 {
		// A (m×k) += W (m×n) · op(B)ᵀ (n×k).
		if dv.permA == nil {
			if c.transA { // A stored k×m: Aᵀ += op(B)·Wᵀ
				be.Gemm(otherT, true, c.k, c.m, c.n, 1, other, w, beta, dst)
			} else {
				be.Gemm(false, !otherT, c.m, c.k, c.n, 1, w, other, beta, dst)
			}
			return
		}
		tmp := dv.scratch[4]
		be.Gemm(false, !otherT, c.m, c.k, c.n, 1, w, other, 0, tmp)
		be.Map(opCopy, dv.permA.Len(), accAt(dst, dv.permA), in(tmp))
		return
	}
	// B (k×n) += op(A)ᵀ (k×m) · W (m×n).
	if dv.permB == nil {
		if c.transB { // B stored n×k: Bᵀ += Wᵀ·op(A)
			be.Gemm(true, otherT, c.n, c.k, c.m, 1, w, other, beta, dst)
		} else {
			be.Gemm(!otherT, false, c.k, c.n, c.m, 1, other, w, beta, dst)
		}
		return
	}
	tmp := dv.scratch[5]
	be.Gemm(!otherT, false, c.k, c.n, c.m, 1, other, w, 0, tmp)
	be.Map(opCopy, dv.permB.Len(), accAt(dst, dv.permB), in(tmp))
}

// forward computes the node's value from its arguments' values.
func (n *Node) forward(x []backend.Vector) {
	be := n.dev.be
	switch n.Op {
	case OpConst:
		return
	case OpRef:
		if n.Param == nil {
			n.v = x[n.VB]
		}
		return
	}
	if n.Kern != nil {
		n.kernelForward()
		return
	}
	if n.Ctr != nil {
		a, ta := n.operand(0, n.Args[0].v, 0)
		b, tb := n.operand(1, n.Args[1].v, 1)
		n.product(n.v, a, ta, b, tb, 0)
		return
	}
	switch n.Op {
	case OpAdd, OpSub, OpMul, OpDiv:
		be.Map(backend.Op{Code: binaryCodes[n.Op]}, n.Size, set(n.v), n.arg(0, n.Args[0].v), n.arg(1, n.Args[1].v))
	case OpNeg:
		be.Map(opNegs, n.Size, set(n.v), n.arg(0, n.Args[0].v))
	case OpWhere:
		be.Map(opMuls, n.Size, set(n.v), in(n.dev.Mask), n.arg(0, n.Args[0].v))
	case OpFunc:
		be.Map(backend.Op{Code: backend.FuncValue, Fn: n.Fn, P: n.P}, n.Size, set(n.v), n.arg(0, n.Args[0].v))
	case OpSum:
		a := n.Args[0]
		clearVec(be, n.v)
		be.Map(opCopy, a.Size, accAt(n.v, n.dev.Reduce), in(a.v))
	case OpLogSumExp:
		// Stable: subtract each group's maximum before exponentiating.
		a, dv := n.Args[0], &n.dev
		be.Map(backend.Op{Code: backend.Const, P: math.Inf(-1)}, n.Size, set(n.v))
		be.Map(opCopy, a.Size, backend.Out{V: n.v, At: dv.Reduce, Mode: backend.KeepMax}, in(a.v))
		expDiff := backend.Op{Code: backend.ExpDiff}
		be.Map(expDiff, a.Size, set(dv.Aux), in(a.v), inAt(n.v, dv.Reduce))
		clearVec(be, dv.sums)
		be.Map(opCopy, a.Size, accAt(dv.sums, dv.Reduce), in(dv.Aux))
		be.Map(backend.Op{Code: backend.AddLog}, n.Size, set(n.v), in(n.v), in(dv.sums))
		be.Map(expDiff, a.Size, set(dv.Aux), in(a.v), inAt(n.v, dv.Reduce))
	}
}

// binaryCodes is the backend formula of each binary operation's value.
var binaryCodes = map[Op]backend.Code{OpAdd: backend.Add, OpSub: backend.Sub, OpMul: backend.Mul, OpDiv: backend.Div}

// tangent computes the node's directional derivative from its arguments' tangents.
// Constant nodes have no tangent.
func (n *Node) tangent(dx []backend.Vector) {
	if n.Constant {
		return
	}
	if n.Op == OpRef {
		n.d = dx[n.VB]
		return
	}
	be, d := n.dev.be, n.d
	if n.Kern != nil {
		n.kernelTangent()
		return
	}
	if n.Ctr != nil {
		A, B := n.Args[0], n.Args[1]
		beta := 0.0
		if !A.Constant {
			a, ta := n.operand(0, A.d, 2)
			b, tb := n.operand(1, B.v, 1)
			n.product(d, a, ta, b, tb, 0)
			beta = 1
		}
		if !B.Constant {
			a, ta := n.operand(0, A.v, 0)
			b, tb := n.operand(1, B.d, 3)
			n.product(d, a, ta, b, tb, beta)
		}
		return
	}
	a := n.Args[0]
	switch n.Op {
	case OpAdd, OpSub:
		b := n.Args[1]
		switch {
		case a.Constant && n.Op == OpAdd:
			be.Map(opCopy, n.Size, set(d), n.arg(1, b.d))
		case a.Constant:
			be.Map(opNegs, n.Size, set(d), n.arg(1, b.d))
		case b.Constant:
			be.Map(opCopy, n.Size, set(d), n.arg(0, a.d))
		default:
			be.Map(backend.Op{Code: binaryCodes[n.Op]}, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.d))
		}
	case OpMul:
		b := n.Args[1]
		switch {
		case a.Constant:
			be.Map(opMuls, n.Size, set(d), n.arg(0, a.v), n.arg(1, b.d))
		case b.Constant:
			be.Map(opMuls, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.v))
		default:
			be.Map(backend.Op{Code: backend.MulPair}, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.v), n.arg(0, a.v), n.arg(1, b.d))
		}
	case OpDiv:
		b := n.Args[1]
		switch {
		case a.Constant: // -x·ẏ/y²
			be.Map(backend.Op{Code: backend.DivAdjoint}, n.Size, set(d), n.arg(1, b.d), n.arg(0, a.v), n.arg(1, b.v))
		case b.Constant:
			be.Map(backend.Op{Code: backend.Div}, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.v))
		default:
			be.Map(backend.Op{Code: backend.DivTangent}, n.Size, set(d), n.arg(0, a.d), n.arg(0, a.v), n.arg(1, b.v), n.arg(1, b.d))
		}
	case OpNeg:
		be.Map(opNegs, n.Size, set(d), n.arg(0, a.d))
	case OpWhere:
		be.Map(opMuls, n.Size, set(d), in(n.dev.Mask), n.arg(0, a.d))
	case OpFunc:
		be.Map(backend.Op{Code: backend.FuncTangent, Fn: n.Fn, P: n.P}, n.Size, set(d), n.arg(0, a.v), in(n.v), n.arg(0, a.d))
	case OpSum:
		clearVec(be, d)
		be.Map(opCopy, a.Size, accAt(d, n.dev.Reduce), in(a.d))
	case OpLogSumExp:
		clearVec(be, d)
		be.Map(opMuls, a.Size, accAt(d, n.dev.Reduce), in(n.dev.Aux), in(a.d))
	}
}

// Adjoint sweeps. A node's adjoint (its tangent in the second-order sweep) is nil
// when nothing needs it: constants, and variable references the sweep does not want.
// References that are wanted share the sweep's output vector (bound by the block
// before the sweep), so their parents accumulate straight into it.

func adjOf(t *Node) backend.Vector    { return t.a }
func adjdotOf(t *Node) backend.Vector { return t.ad }

// linearPullback adds the pullback of w through a linear node (sum, difference,
// negation, condition, reduction) into the buffers adjOf picks: the adjoints in the
// first-order sweep, their tangents in the second-order one, where the rule is the
// same. It reports whether n is linear.
func (n *Node) linearPullback(w backend.Vector, adjOf func(*Node) backend.Vector) bool {
	be, dv := n.dev.be, &n.dev
	switch n.Op {
	case OpAdd, OpSub:
		if da := adjOf(n.Args[0]); da != nil {
			be.Map(opCopy, n.Size, adjOut(n.Args[0], da, dv.Gather[0]), in(w))
		}
		if db := adjOf(n.Args[1]); db != nil {
			op := opCopy
			if n.Op == OpSub {
				op = opNegs
			}
			be.Map(op, n.Size, adjOut(n.Args[1], db, dv.Gather[1]), in(w))
		}
	case OpNeg:
		if da := adjOf(n.Args[0]); da != nil {
			be.Map(opNegs, n.Size, adjOut(n.Args[0], da, dv.Gather[0]), in(w))
		}
	case OpWhere:
		if da := adjOf(n.Args[0]); da != nil {
			be.Map(opMuls, n.Size, adjOut(n.Args[0], da, dv.Gather[0]), in(dv.Mask), in(w))
		}
	case OpSum:
		if da := adjOf(n.Args[0]); da != nil {
			be.Map(opCopy, n.Args[0].Size, adjOut(n.Args[0], da, nil), inAt(w, dv.Reduce))
		}
	default:
		return false
	}
	return true
}

// pullback adds the node's adjoint, pulled back through the operation, to the
// adjoints of its arguments that have one.
func (n *Node) pullback() {
	w := n.a
	if w == nil || n.Op == OpRef {
		return
	}
	if n.Kern != nil {
		n.kernelPullback(w)
		return
	}
	if n.Ctr != nil {
		A, B := n.Args[0], n.Args[1]
		if A.a != nil {
			b, tb := n.operand(1, B.v, 1)
			n.accumulate(0, A.a, w, b, tb)
		}
		if B.a != nil {
			a, ta := n.operand(0, A.v, 0)
			n.accumulate(1, B.a, w, a, ta)
		}
		return
	}
	if n.linearPullback(w, adjOf) {
		return
	}
	be, dv := n.dev.be, &n.dev
	switch n.Op {
	case OpMul:
		a, b := n.Args[0], n.Args[1]
		if a.a != nil {
			be.Map(opMuls, n.Size, adjOut(a, a.a, dv.Gather[0]), in(w), n.arg(1, b.v))
		}
		if b.a != nil {
			be.Map(opMuls, n.Size, adjOut(b, b.a, dv.Gather[1]), in(w), n.arg(0, a.v))
		}
	case OpDiv:
		a, b := n.Args[0], n.Args[1]
		if a.a != nil {
			be.Map(backend.Op{Code: backend.Div}, n.Size, adjOut(a, a.a, dv.Gather[0]), in(w), n.arg(1, b.v))
		}
		if b.a != nil {
			be.Map(backend.Op{Code: backend.DivAdjoint}, n.Size, adjOut(b, b.a, dv.Gather[1]), in(w), n.arg(0, a.v), n.arg(1, b.v))
		}
	case OpFunc:
		if a := n.Args[0]; a.a != nil {
			be.Map(backend.Op{Code: backend.FuncTangent, Fn: n.Fn, P: n.P}, n.Size, adjOut(a, a.a, dv.Gather[0]), n.arg(0, a.v), in(n.v), in(w))
		}
	case OpLogSumExp:
		if a := n.Args[0]; a.a != nil {
			be.Map(opMuls, a.Size, adjOut(a, a.a, nil), in(dv.Aux), inAt(w, dv.Reduce))
		}
	}
}

// backwardTangent propagates the tangent of the adjoint (forward-over-reverse), so
// that the variable references receive ∇²(wᵀr)·v in their adjoint tangents. It needs
// the values, tangents and adjoints. A tangent of an adjoint exists wherever the
// adjoint does, except at references.
func (n *Node) backwardTangent() {
	w, wd := n.a, n.ad
	if wd == nil || n.Op == OpRef {
		return
	}
	if n.Kern != nil {
		n.kernelBackwardTangent()
		return
	}
	if n.Ctr != nil {
		A, B := n.Args[0], n.Args[1]
		if A.ad != nil {
			b, tb := n.operand(1, B.v, 1)
			n.accumulate(0, A.ad, wd, b, tb)
			if !B.Constant {
				bd, tbd := n.operand(1, B.d, 3)
				n.accumulate(0, A.ad, w, bd, tbd)
			}
		}
		if B.ad != nil {
			a, ta := n.operand(0, A.v, 0)
			n.accumulate(1, B.ad, wd, a, ta)
			if !A.Constant {
				ad, tad := n.operand(0, A.d, 2)
				n.accumulate(1, B.ad, w, ad, tad)
			}
		}
		return
	}
	if n.linearPullback(wd, adjdotOf) {
		return
	}
	be, dv := n.dev.be, &n.dev
	switch n.Op {
	case OpMul:
		a, b := n.Args[0], n.Args[1]
		if a.ad != nil {
			if b.Constant {
				be.Map(opMuls, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), n.arg(1, b.v))
			} else {
				be.Map(backend.Op{Code: backend.MulPair}, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), n.arg(1, b.v), in(w), n.arg(1, b.d))
			}
		}
		if b.ad != nil {
			if a.Constant {
				be.Map(opMuls, n.Size, accAt(b.ad, dv.Gather[1]), in(wd), n.arg(0, a.v))
			} else {
				be.Map(backend.Op{Code: backend.MulPair}, n.Size, accAt(b.ad, dv.Gather[1]), in(wd), n.arg(0, a.v), in(w), n.arg(0, a.d))
			}
		}
	case OpDiv:
		a, b := n.Args[0], n.Args[1]
		if a.ad != nil {
			if b.Constant {
				be.Map(backend.Op{Code: backend.Div}, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), n.arg(1, b.v))
			} else { // ẇ/q - w·q̇/q²
				be.Map(backend.Op{Code: backend.DivTangent}, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), in(w), n.arg(1, b.v), n.arg(1, b.d))
			}
		}
		if b.ad != nil {
			xd := in(n.zeros())
			if !a.Constant {
				xd = n.arg(0, a.d)
			}
			be.Map(backend.Op{Code: backend.DivCurvature}, n.Size, accAt(b.ad, dv.Gather[1]), xd, in(w), n.arg(0, a.v), in(wd), n.arg(1, b.v), n.arg(1, b.d))
		}
	case OpFunc:
		if a := n.Args[0]; a.ad != nil {
			be.Map(backend.Op{Code: backend.FuncCurvature, Fn: n.Fn, P: n.P}, n.Size, accAt(a.ad, dv.Gather[0]),
				n.arg(0, a.v), in(n.v), n.arg(0, a.d), in(w), in(wd))
		}
	case OpLogSumExp:
		// ∂y/∂a = p; the tangent of p is p·(ȧ - ẏ).
		if a := n.Args[0]; a.ad != nil {
			be.Map(backend.Op{Code: backend.SoftCurvature}, a.Size, accAt(a.ad, nil),
				in(dv.Aux), inAt(wd, dv.Reduce), inAt(w, dv.Reduce), in(a.d), inAt(n.d, dv.Reduce))
		}
	}
}
