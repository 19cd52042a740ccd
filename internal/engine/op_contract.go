package engine

import "github.com/nnopt/nnopt/backend"

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
	mapOn(dv.be, opCopy, perm.Len(), set(dst), inAt(src, perm))
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
		mapOn(be, opCopy, dv.permA.Len(), accAt(dst, dv.permA), in(tmp))
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
	mapOn(be, opCopy, dv.permB.Len(), accAt(dst, dv.permB), in(tmp))
}

func contractForward(n *Node) {
	a, ta := n.operand(0, n.Args[0].v, 0)
	b, tb := n.operand(1, n.Args[1].v, 1)
	n.product(n.v, a, ta, b, tb, 0)
}

func contractTangent(n *Node) {
	A, B := n.Args[0], n.Args[1]
	beta := 0.0
	if !A.Constant {
		a, ta := n.operand(0, A.d, 2)
		b, tb := n.operand(1, B.v, 1)
		n.product(n.d, a, ta, b, tb, 0)
		beta = 1
	}
	if !B.Constant {
		a, ta := n.operand(0, A.v, 0)
		b, tb := n.operand(1, B.d, 3)
		n.product(n.d, a, ta, b, tb, beta)
	}
}

func contractPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	A, B := n.Args[0], n.Args[1]
	if da := adjOf(A); da != nil {
		b, tb := n.operand(1, B.v, 1)
		n.accumulate(0, da, w, b, tb)
	}
	if db := adjOf(B); db != nil {
		a, ta := n.operand(0, A.v, 0)
		n.accumulate(1, db, w, a, ta)
	}
}

func contractBackwardTangent(n *Node, w, wd backend.Vector) {
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
}
