package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// The leaves of a term: a constant, and a reference to a variable or to data.

func printConst(b *strings.Builder, t *Term) {
	b.WriteString(strconv.FormatFloat(t.Val, 'g', -1, 64))
}

// printRef shows the indices only where they differ from the symbol's domain (an
// alias).
func printRef(b *strings.Builder, t *Term) {
	b.WriteString(t.Ref.Name)
	dom := t.Ref.Domain
	same := len(dom) == len(t.Idx)
	for k := 0; same && k < len(dom); k++ {
		same = dom[k] == t.Idx[k]
	}
	if !same {
		b.WriteByte('[')
		for k, s := range t.Idx {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteString(s.Name)
		}
		b.WriteByte(']')
	}
}

func constantDegree(*Term) (Degree, *Term) { return DegreeConstant, nil }

func refDegree(t *Term) (Degree, *Term) {
	if t.Ref.Var {
		return DegreeLinear, nil
	}
	return DegreeConstant, nil
}

func noPatterns(*statWalker, *Term, map[*Axis]binding, []maskC, bool, *[]int) []occ { return nil }

func refPatterns(_ *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, _ *[]int) []occ {
	if e.Ref == nil || !e.Ref.Var {
		return nil
	}
	o := occ{v: e.Ref, nonlinear: nonlin, masks: masks, shifts: shiftsOf(e.Idx, scope)}
	for _, s := range e.Idx {
		o.slots = append(o.slots, slot{s, scope[s].id})
	}
	return []occ{o}
}

func lowerConst(l *lowerer, n *Node, t *Term, idx []*Axis) error {
	n.Constant = true
	l.add(n, idx)
	n.Val[0] = t.Val
	return nil
}

// lowerRef makes a reference to a variable block (one of the compiler's VarIndex)
// or to data, which it shares unless the data are a snapshot.
func lowerRef(l *lowerer, n *Node, t *Term, idx []*Axis) error {
	n.Size = Size(idx)
	s := t.Ref
	if vb, ok := l.c.VarIndex[s]; ok {
		n.VB = vb
		n.Constant = false
	} else if s.Var {
		return fmt.Errorf("variable %q is not part of the model", s.Name)
	} else {
		n.Param = s.Handle
		n.Constant = true
		n.Val = s.Values
		if s.Snapshot {
			n.Val = append([]float64(nil), s.Values...)
		}
		if s.Records != nil {
			n.Size = len(s.Records)
			l.recs[n] = s.Records
		}
	}
	l.record(n, idx)
	return nil
}
