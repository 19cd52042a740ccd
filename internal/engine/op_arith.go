package engine

import (
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// The arithmetic operations: a + b, a - b, a · b, a / b and -a, element-wise over
// the union of their arguments' axes.

// binaryCodes is the backend formula of each binary operation's value.
var binaryCodes = map[Op]backend.Code{OpAdd: backend.Add, OpSub: backend.Sub, OpMul: backend.Mul, OpDiv: backend.Div}

func infix(sym string, left, right int) func(b *strings.Builder, t *Term) {
	return func(b *strings.Builder, t *Term) {
		writeOperand(b, t.Args[0], left)
		b.WriteString(sym)
		writeOperand(b, t.Args[1], right)
	}
}

func printNeg(b *strings.Builder, t *Term) {
	b.WriteByte('-')
	writeOperand(b, t.Args[0], 3)
}

func addAffine(*Term, int) (float64, bool) { return 1, true }

func subAffine(_ *Term, i int) (float64, bool) {
	if i == 1 {
		return -1, true
	}
	return 1, true
}

func negAffine(*Term, int) (float64, bool) { return -1, true }

// mulAffine: an argument enters a product linearly when the other is a constant.
func mulAffine(t *Term, i int) (float64, bool) {
	if o := t.Args[1-i]; o.Op == OpConst {
		return o.Val, true
	}
	return 0, false
}

func mulDegree(t *Term) (Degree, *Term) {
	da, ta := classify(t.Args[0])
	db, tb := classify(t.Args[1])
	switch {
	case da == DegreeConstant:
		return db, tb
	case db == DegreeConstant:
		return da, ta
	case da >= DegreeNonlinear || db >= DegreeNonlinear:
		return maxTerm(da, ta, db, tb)
	}
	return polyDegree(int(da) + int(db)), t
}

func divDegree(t *Term) (Degree, *Term) {
	da, ta := classify(t.Args[0])
	db, tb := classify(t.Args[1])
	if db == DegreeConstant {
		return da, ta
	}
	if da >= DegreeNonlinear || db >= DegreeNonlinear {
		return maxTerm(da, ta, db, tb)
	}
	return DegreeNonlinear, t
}

// productPatterns: each argument's entries vary with the other's variables (and a
// quotient's with its denominator's), and every reference of one pairs with every
// reference of the other.
func productPatterns(w *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, intro *[]int) []occ {
	a, b := e.Args[0], e.Args[1]
	var subA, subB []int
	na := nonlin || b.HasVar
	nb := nonlin || a.HasVar || (e.Op == OpDiv && b.HasVar)
	startA := len(w.pairs)
	oa := w.walk(a, scope, masks, na, &subA)
	startB := len(w.pairs)
	ob := w.walk(b, scope, masks, nb, &subB)
	*intro = append(append(*intro, subA...), subB...)
	// Sparse data is zero off its records, and so is its product with anything (and
	// a quotient with it as numerator): what it multiplies, and the Hessian pairs
	// within, enter there only.
	if m, ok := recordMask(a, scope); ok {
		ob = masked(ob, m)
		w.maskPairs(startB, len(w.pairs), m)
	}
	if m, ok := recordMask(b, scope); ok && e.Op == OpMul {
		oa = masked(oa, m)
		w.maskPairs(startA, startB, m)
	}
	for _, p := range oa {
		for _, q := range ob {
			w.pair(p, q, false)
		}
	}
	if e.Op == OpDiv {
		w.allPairs(ob, subB)
	}
	return append(oa, ob...)
}

func binaryForward(n *Node) {
	mapOn(n.dev.be, backend.Op{Code: binaryCodes[n.Op]}, n.Size, set(n.v), n.arg(0, n.Args[0].v), n.arg(1, n.Args[1].v))
}

func negForward(n *Node) {
	mapOn(n.dev.be, opNegs, n.Size, set(n.v), n.arg(0, n.Args[0].v))
}

// addTangent serves a + b and a - b.
func addTangent(n *Node) {
	be, d, a, b := n.dev.be, n.d, n.Args[0], n.Args[1]
	switch {
	case a.Constant && n.Op == OpAdd:
		mapOn(be, opCopy, n.Size, set(d), n.arg(1, b.d))
	case a.Constant:
		mapOn(be, opNegs, n.Size, set(d), n.arg(1, b.d))
	case b.Constant:
		mapOn(be, opCopy, n.Size, set(d), n.arg(0, a.d))
	default:
		mapOn(be, backend.Op{Code: binaryCodes[n.Op]}, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.d))
	}
}

func mulTangent(n *Node) {
	be, d, a, b := n.dev.be, n.d, n.Args[0], n.Args[1]
	switch {
	case a.Constant:
		mapOn(be, opMuls, n.Size, set(d), n.arg(0, a.v), n.arg(1, b.d))
	case b.Constant:
		mapOn(be, opMuls, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.v))
	default:
		mapOn(be, backend.Op{Code: backend.MulPair}, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.v), n.arg(0, a.v), n.arg(1, b.d))
	}
}

func divTangent(n *Node) {
	be, d, a, b := n.dev.be, n.d, n.Args[0], n.Args[1]
	switch {
	case a.Constant: // -x·ẏ/y²
		mapOn(be, backend.Op{Code: backend.DivAdjoint}, n.Size, set(d), n.arg(1, b.d), n.arg(0, a.v), n.arg(1, b.v))
	case b.Constant:
		mapOn(be, backend.Op{Code: backend.Div}, n.Size, set(d), n.arg(0, a.d), n.arg(1, b.v))
	default:
		mapOn(be, backend.Op{Code: backend.DivTangent}, n.Size, set(d), n.arg(0, a.d), n.arg(0, a.v), n.arg(1, b.v), n.arg(1, b.d))
	}
}

func negTangent(n *Node) {
	mapOn(n.dev.be, opNegs, n.Size, set(n.d), n.arg(0, n.Args[0].d))
}

// addPullback serves a + b and a - b, in both sweeps (they are linear).
func addPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	be, dv := n.dev.be, &n.dev
	if da := adjOf(n.Args[0]); da != nil {
		mapOn(be, opCopy, n.Size, adjOut(n.Args[0], da, dv.Gather[0]), in(w))
	}
	if db := adjOf(n.Args[1]); db != nil {
		op := opCopy
		if n.Op == OpSub {
			op = opNegs
		}
		mapOn(be, op, n.Size, adjOut(n.Args[1], db, dv.Gather[1]), in(w))
	}
}

func negPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	if da := adjOf(n.Args[0]); da != nil {
		mapOn(n.dev.be, opNegs, n.Size, adjOut(n.Args[0], da, n.dev.Gather[0]), in(w))
	}
}

func mulPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	be, dv, a, b := n.dev.be, &n.dev, n.Args[0], n.Args[1]
	if da := adjOf(a); da != nil {
		mapOn(be, opMuls, n.Size, adjOut(a, da, dv.Gather[0]), in(w), n.arg(1, b.v))
	}
	if db := adjOf(b); db != nil {
		mapOn(be, opMuls, n.Size, adjOut(b, db, dv.Gather[1]), in(w), n.arg(0, a.v))
	}
}

func divPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	be, dv, a, b := n.dev.be, &n.dev, n.Args[0], n.Args[1]
	if da := adjOf(a); da != nil {
		mapOn(be, backend.Op{Code: backend.Div}, n.Size, adjOut(a, da, dv.Gather[0]), in(w), n.arg(1, b.v))
	}
	if db := adjOf(b); db != nil {
		mapOn(be, backend.Op{Code: backend.DivAdjoint}, n.Size, adjOut(b, db, dv.Gather[1]), in(w), n.arg(0, a.v), n.arg(1, b.v))
	}
}

func mulBackwardTangent(n *Node, w, wd backend.Vector) {
	be, dv, a, b := n.dev.be, &n.dev, n.Args[0], n.Args[1]
	if a.ad != nil {
		if b.Constant {
			mapOn(be, opMuls, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), n.arg(1, b.v))
		} else {
			mapOn(be, backend.Op{Code: backend.MulPair}, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), n.arg(1, b.v), in(w), n.arg(1, b.d))
		}
	}
	if b.ad != nil {
		if a.Constant {
			mapOn(be, opMuls, n.Size, accAt(b.ad, dv.Gather[1]), in(wd), n.arg(0, a.v))
		} else {
			mapOn(be, backend.Op{Code: backend.MulPair}, n.Size, accAt(b.ad, dv.Gather[1]), in(wd), n.arg(0, a.v), in(w), n.arg(0, a.d))
		}
	}
}

func divBackwardTangent(n *Node, w, wd backend.Vector) {
	be, dv, a, b := n.dev.be, &n.dev, n.Args[0], n.Args[1]
	if a.ad != nil {
		if b.Constant {
			mapOn(be, backend.Op{Code: backend.Div}, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), n.arg(1, b.v))
		} else { // ẇ/q - w·q̇/q²
			mapOn(be, backend.Op{Code: backend.DivTangent}, n.Size, accAt(a.ad, dv.Gather[0]), in(wd), in(w), n.arg(1, b.v), n.arg(1, b.d))
		}
	}
	if b.ad != nil {
		xd := in(n.zeros())
		if !a.Constant {
			xd = n.arg(0, a.d)
		}
		mapOn(be, backend.Op{Code: backend.DivCurvature}, n.Size, accAt(b.ad, dv.Gather[1]), xd, in(w), n.arg(0, a.v), in(wd), n.arg(1, b.v), n.arg(1, b.d))
	}
}
