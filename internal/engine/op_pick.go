package engine

import (
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// The larger and the smaller of two operands, max(a, b) and min(a, b). Each is
// differentiable except where a = b; there the derivative is the first operand's
// (a's), a one-sided choice that makes the rule piecewise linear everywhere: the
// derivative selects a's or b's, and the second derivative is zero.

// call prints an operation as a function of its arguments: max(a, b).
func call(name string) func(b *strings.Builder, t *Term) {
	return func(b *strings.Builder, t *Term) { writeCall(b, name, t.Args) }
}

// kinkDegree: a max or min of anything that varies is non-smooth.
func kinkDegree(t *Term) (Degree, *Term) {
	d, term := maxDegree(t)
	switch {
	case d == DegreeConstant:
		return DegreeConstant, nil
	case d >= DegreeNonSmooth:
		return d, term
	}
	return DegreeNonSmooth, t
}

// kinkPatterns: every reference below is nonlinear, and every pair of them a
// Hessian pair (as for a function of both operands).
func kinkPatterns(w *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, _ bool, intro *[]int) []occ {
	var sub []int
	occs := w.walk(e.Args[0], scope, masks, true, &sub)
	occs = append(occs, w.walk(e.Args[1], scope, masks, true, &sub)...)
	*intro = append(*intro, sub...)
	w.allPairs(occs, sub)
	return occs
}

// picks returns the node's first and second comparands for backend.Pick, which
// takes its third argument where the first is at least the second: (a, b) for max,
// (b, a) for min, so that a tie picks a either way.
func (n *Node) picks(a, b backend.In) (backend.In, backend.In) {
	if n.Op == OpMin {
		return b, a
	}
	return a, b
}

var opPick = backend.Op{Code: backend.Pick}

func pickForward(n *Node) {
	a, b := n.arg(0, n.Args[0].v), n.arg(1, n.Args[1].v)
	p, q := n.picks(a, b)
	mapOn(n.dev.be, opPick, n.Size, set(n.v), p, q, a, b)
}

func pickTangent(n *Node) {
	A, B := n.Args[0], n.Args[1]
	p, q := n.picks(n.arg(0, A.v), n.arg(1, B.v))
	da, db := in(n.zeros()), in(n.zeros())
	if !A.Constant {
		da = n.arg(0, A.d)
	}
	if !B.Constant {
		db = n.arg(1, B.d)
	}
	mapOn(n.dev.be, opPick, n.Size, set(n.d), p, q, da, db)
}

// pickPullback serves both sweeps: the rule is linear in w once the values have
// chosen a side.
func pickPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	A, B := n.Args[0], n.Args[1]
	be, dv := n.dev.be, &n.dev
	p, q := n.picks(n.arg(0, A.v), n.arg(1, B.v))
	if da := adjOf(A); da != nil {
		mapOn(be, opPick, n.Size, adjOut(A, da, dv.Gather[0]), p, q, in(w), in(n.zeros()))
	}
	if db := adjOf(B); db != nil {
		mapOn(be, opPick, n.Size, adjOut(B, db, dv.Gather[1]), p, q, in(n.zeros()), in(w))
	}
}
