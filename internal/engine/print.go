package engine

import "strings"

// String prints the term readably: x * y, tanh(z2), sum(i, a * x), each operation
// by its rule in the table. A reference shows its indices only where they differ
// from the symbol's domain (an alias).
func (t *Term) String() string {
	var b strings.Builder
	writeTerm(&b, t)
	return b.String()
}

func writeTerm(b *strings.Builder, t *Term) {
	if p := ops[t.Op].print; p != nil {
		p(b, t)
		return
	}
	b.WriteString("?")
}

// precedence of the printed form: sums 1, products 2, negation 3, atoms 4; a
// negative constant prints as a negation.
func precedence(t *Term) int {
	if t.Op == OpConst && t.Val < 0 {
		return 3
	}
	return ops[t.Op].prec
}

// writeOperand writes t, in parentheses where it binds less tightly than min.
func writeOperand(b *strings.Builder, t *Term, min int) {
	if precedence(t) < min {
		b.WriteByte('(')
		writeTerm(b, t)
		b.WriteByte(')')
		return
	}
	writeTerm(b, t)
}

// writeAxes writes one axis by its name, several as (i,j).
func writeAxes(b *strings.Builder, axes []*Axis) {
	if len(axes) == 1 {
		b.WriteString(axes[0].Name)
		return
	}
	b.WriteString(Names(axes))
}

// writeCall writes name(a, b, ...).
func writeCall(b *strings.Builder, name string, args []*Term) {
	b.WriteString(name)
	b.WriteByte('(')
	for k, a := range args {
		if k > 0 {
			b.WriteString(", ")
		}
		writeTerm(b, a)
	}
	b.WriteByte(')')
}
