package engine

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// The operations over index sets: a sum over bound axes, log Σ exp over them (the
// normaliser of a log-softmax), and a restriction to a condition's members.

func printReduction(name string) func(b *strings.Builder, t *Term) {
	return func(b *strings.Builder, t *Term) {
		b.WriteString(name)
		b.WriteByte('(')
		writeAxes(b, t.Idx)
		b.WriteString(", ")
		writeTerm(b, t.Args[0])
		b.WriteByte(')')
	}
}

func printWhere(b *strings.Builder, t *Term) {
	writeOperand(b, t.Args[0], 4)
	b.WriteString("$" + t.Cond.Name)
}

func logSumExpDegree(t *Term) (Degree, *Term) {
	da, ta := classify(t.Args[0])
	if da == DegreeConstant {
		return DegreeConstant, nil
	}
	if da >= DegreeNonlinear {
		return da, ta
	}
	return DegreeNonlinear, t
}

// reductionPatterns binds the summed axes anew below the term; below a log-sum-exp
// every pair of references is a Hessian pair.
func reductionPatterns(w *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, intro *[]int) []occ {
	inner := make(map[*Axis]binding, len(scope)+len(e.Idx))
	for k, v := range scope {
		inner[k] = v
	}
	var mine []int
	for _, s := range e.Idx {
		w.nextID++
		inner[s] = binding{id: w.nextID}
		mine = append(mine, w.nextID)
	}
	*intro = append(*intro, mine...)
	sub := append([]int(nil), mine...)
	occs := w.walk(e.Args[0], inner, masks, nonlin || e.Op == OpLogSumExp, &sub)
	*intro = append(*intro, sub[len(mine):]...)
	if e.Op == OpLogSumExp {
		w.allPairs(occs, sub)
	}
	return occs
}

func wherePatterns(w *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, intro *[]int) []occ {
	m := maskC{cond: e.Cond, shifts: shiftsOf(e.Cond.Domain, scope)}
	for _, s := range e.Cond.Domain {
		m.slots = append(m.slots, slot{s, scope[s].id})
	}
	return w.walk(e.Args[0], scope, append(append([]maskC(nil), masks...), m), nonlin, intro)
}

func lowerReduction(l *lowerer, n *Node, _ *Term, idx []*Axis) error {
	a := n.Args[0]
	n.Reduce = gather(l.idx[a], l.recs[a], idx, l.recs[n])
	if n.Reduce == nil { // reducing over nothing cannot happen: bound axes are free in the argument
		return fmt.Errorf("internal: empty reduction")
	}
	l.add(n, idx)
	return nil
}

func lowerLogSumExp(l *lowerer, n *Node, t *Term, idx []*Axis) error {
	if err := lowerReduction(l, n, t, idx); err != nil {
		return err
	}
	n.Aux = make([]float64, n.Args[0].Size)
	return nil
}

func lowerWhere(l *lowerer, n *Node, t *Term, idx []*Axis) error {
	recs := l.recs[n]
	n.Mask = make([]float64, Size(idx))
	if recs != nil {
		n.Mask = make([]float64, len(recs))
	}
	c := newCoords(idx, t.Cond.Domain)
	for i := range n.Mask {
		p := int64(i)
		if recs != nil {
			p = recs[i]
		}
		if t.Cond.has(c.of(p)) {
			n.Mask[i] = 1
		}
	}
	return lowerElementwise(l, n, t, idx)
}

func sumForward(n *Node) {
	be, a := n.dev.be, n.Args[0]
	clearVec(be, n.v)
	mapOn(be, opCopy, a.Size, accAt(n.v, n.dev.Reduce), in(a.v))
}

func sumTangent(n *Node) {
	be, a := n.dev.be, n.Args[0]
	clearVec(be, n.d)
	mapOn(be, opCopy, a.Size, accAt(n.d, n.dev.Reduce), in(a.d))
}

func sumPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	if da := adjOf(n.Args[0]); da != nil {
		mapOn(n.dev.be, opCopy, n.Args[0].Size, adjOut(n.Args[0], da, nil), inAt(w, n.dev.Reduce))
	}
}

func whereForward(n *Node) {
	mapOn(n.dev.be, opMuls, n.Size, set(n.v), in(n.dev.Mask), n.arg(0, n.Args[0].v))
}

func whereTangent(n *Node) {
	mapOn(n.dev.be, opMuls, n.Size, set(n.d), in(n.dev.Mask), n.arg(0, n.Args[0].d))
}

func wherePullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	if da := adjOf(n.Args[0]); da != nil {
		mapOn(n.dev.be, opMuls, n.Size, adjOut(n.Args[0], da, n.dev.Gather[0]), in(n.dev.Mask), in(w))
	}
}

// logSumExpForward is stable: it subtracts each group's maximum before
// exponentiating, and keeps the softmax weights in Aux for the derivatives.
func logSumExpForward(n *Node) {
	be, a, dv := n.dev.be, n.Args[0], &n.dev
	mapOn(be, backend.Op{Code: backend.Const, P: math.Inf(-1)}, n.Size, set(n.v))
	mapOn(be, opCopy, a.Size, backend.Out{V: n.v, At: dv.Reduce, Mode: backend.KeepMax}, in(a.v))
	expDiff := backend.Op{Code: backend.ExpDiff}
	mapOn(be, expDiff, a.Size, set(dv.Aux), in(a.v), inAt(n.v, dv.Reduce))
	clearVec(be, dv.sums)
	mapOn(be, opCopy, a.Size, accAt(dv.sums, dv.Reduce), in(dv.Aux))
	mapOn(be, backend.Op{Code: backend.AddLog}, n.Size, set(n.v), in(n.v), in(dv.sums))
	mapOn(be, expDiff, a.Size, set(dv.Aux), in(a.v), inAt(n.v, dv.Reduce))
}

func logSumExpTangent(n *Node) {
	be, a := n.dev.be, n.Args[0]
	clearVec(be, n.d)
	mapOn(be, opMuls, a.Size, accAt(n.d, n.dev.Reduce), in(n.dev.Aux), in(a.d))
}

func logSumExpPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	if a := n.Args[0]; adjOf(a) != nil {
		mapOn(n.dev.be, opMuls, a.Size, adjOut(a, adjOf(a), nil), in(n.dev.Aux), inAt(w, n.dev.Reduce))
	}
}

// logSumExpBackwardTangent: ∂y/∂a = p; the tangent of p is p·(ȧ - ẏ).
func logSumExpBackwardTangent(n *Node, w, wd backend.Vector) {
	if a := n.Args[0]; a.ad != nil {
		mapOn(n.dev.be, backend.Op{Code: backend.SoftCurvature}, a.Size, accAt(a.ad, nil),
			in(n.dev.Aux), inAt(wd, n.dev.Reduce), inAt(w, n.dev.Reduce), in(a.d), inAt(n.d, n.dev.Reduce))
	}
}
