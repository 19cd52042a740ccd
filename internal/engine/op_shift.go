package engine

import (
	"fmt"
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// A lag or a lead: the argument read a fixed number of positions further along one
// of its axes, as x(t-1) and x(t+1) in GAMS. Where the position leaves the axis the
// reference is absent, and reads as 0. It is a gather with positions off the axis
// (backend.In reads a negative position as 0, and an Out writes nowhere there), so
// it costs one element-wise pass, and its statistics enumerate the rows it reads.

func printShift(b *strings.Builder, t *Term) {
	name, k := "lead", t.Shift
	if k < 0 {
		name, k = "lag", -k
	}
	fmt.Fprintf(b, "%s(", name)
	writeTerm(b, t.Args[0])
	fmt.Fprintf(b, ", %s, %d)", t.Idx[0].Name, k)
}

// shiftPatterns moves the shifted axis's binding by the offset below the term.
func shiftPatterns(w *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, intro *[]int) []occ {
	inner := make(map[*Axis]binding, len(scope))
	for k, v := range scope {
		inner[k] = v
	}
	b := inner[e.Idx[0]]
	b.shift += e.Shift
	inner[e.Idx[0]] = b
	return w.walk(e.Args[0], inner, masks, nonlin, intro)
}

// lowerShift gathers the argument (over the same axes) at the shifted positions,
// -1 off the axis.
func lowerShift(l *lowerer, n *Node, t *Term, idx []*Axis) error {
	in, inRecs := l.idx[n.Args[0]], l.recs[n.Args[0]]
	ax := t.Idx[0]
	g := GatherMap(idx, in)
	if g == nil {
		g = make([]int32, Size(idx))
		for i := range g {
			g[i] = int32(i)
		}
	}
	st := strides(in)
	d := -1
	for k, a := range in {
		if a == ax {
			d = k
		}
	}
	if d < 0 {
		return fmt.Errorf("internal: shift along %q, which its argument does not vary over", ax.Name)
	}
	for i, p := range g {
		pos := int(p) / st[d] % ax.Size
		switch q := pos + t.Shift; {
		case q < 0 || q >= ax.Size:
			g[i] = -1
		case inRecs != nil: // the shifted position's record, if the argument has one
			g[i] = find(inRecs, int64(p)+int64(t.Shift*st[d]))
		default:
			g[i] = p + int32(t.Shift*st[d])
		}
	}
	n.Gather = [][]int32{g}
	l.add(n, idx)
	return nil
}

func shiftForward(n *Node) {
	mapOn(n.dev.be, opCopy, n.Size, set(n.v), n.arg(0, n.Args[0].v))
}

func shiftTangent(n *Node) {
	mapOn(n.dev.be, opCopy, n.Size, set(n.d), n.arg(0, n.Args[0].d))
}

// shiftPullback serves both sweeps (a shift is linear): the adjoint goes back to
// the positions read; those off the axis write nowhere.
func shiftPullback(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector) {
	if da := adjOf(n.Args[0]); da != nil {
		mapOn(n.dev.be, opCopy, n.Size, adjOut(n.Args[0], da, n.dev.Gather[0]), in(w))
	}
}
