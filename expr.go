package nnopt

import (
	"errors"
	"fmt"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// Operand is anything that can stand in an expression: *Expr, *Variable, *Parameter.
type Operand interface{ expr() *Expr }

// Expr is an algebraic expression over indexed symbols. Its free indices are the sets
// it varies over; operations align operands by these sets and broadcast missing ones.
// Building an expression never panics: a mistake is kept in the expression and
// reported by Equation.Define or Model.Solve.
type Expr struct {
	op     engine.Op
	fn     backend.Func // engine.OpFunc
	args   []*Expr
	sym    any    // *Variable or *Parameter for engine.OpRef
	name   string // symbol name for engine.OpRef
	idx    []*Set // engine.OpRef: the index of each symbol dimension; engine.OpSum/engine.OpLogSumExp: bound sets
	cond   *Set   // engine.OpWhere
	kern   Kernel // engine.OpKernel
	val    float64
	shift  int // engine.OpShift: the offset along idx[0]
	free   []*Set
	hasVar bool
	err    error
}

func (e *Expr) expr() *Expr { return e }

// Free returns the sets the expression varies over, in order.
func (e *Expr) Free() []*Set { return e.free }

// Err returns the first error made while building the expression, if any.
func (e *Expr) Err() error { return e.err }

// Const is a constant scalar.
func Const(v float64) *Expr { return &Expr{op: engine.OpConst, val: v} }

func symbolRef(sym any, name string, domain, idx []*Set) *Expr {
	e := &Expr{op: engine.OpRef, sym: sym, name: name, idx: append([]*Set(nil), idx...)}
	_, e.hasVar = sym.(*Variable)
	if len(idx) != len(domain) {
		e.err = fmt.Errorf("%s%s referenced with %d indices, want %d", name, domainNames(domain), len(idx), len(domain))
		return e
	}
	for d, s := range idx {
		if s == nil {
			e.err = fmt.Errorf("%s: index %d is nil", name, d)
			return e
		}
		if !compatible(domain[d], s) {
			e.err = fmt.Errorf("%s: index %q at position %d does not match domain set %q (size %d vs %d)", name, s.name, d, domain[d].name, s.size, domain[d].size)
			return e
		}
		if containsSet(idx[:d], s) {
			e.err = fmt.Errorf("%s: index %q used twice; use an alias", name, s.name)
			return e
		}
	}
	e.free = append([]*Set(nil), idx...)
	return e
}

// compatible reports whether index s may run over a domain axis d: the same set, an
// alias of it, or two anonymous dimensions of one size.
func compatible(d, s *Set) bool {
	if d.root() == s.root() {
		return true
	}
	return d.labels == nil && s.labels == nil && d.member == nil && s.member == nil && d.size == s.size
}

func firstErr(args ...*Expr) error {
	for _, a := range args {
		if a.err != nil {
			return a.err
		}
	}
	return nil
}

func union(a, b []*Set) []*Set {
	out := append([]*Set(nil), a...)
	for _, s := range b {
		if !containsSet(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func minus(a, b []*Set) []*Set {
	var out []*Set
	for _, s := range a {
		if !containsSet(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func binary(op engine.Op, a, b Operand) *Expr {
	x, y := a.expr(), b.expr()
	return &Expr{op: op, args: []*Expr{x, y}, free: union(x.free, y.free), hasVar: x.hasVar || y.hasVar, err: firstErr(x, y)}
}

// Add is a + b.
func Add(a, b Operand) *Expr { return binary(engine.OpAdd, a, b) }

// Sub is a - b.
func Sub(a, b Operand) *Expr { return binary(engine.OpSub, a, b) }

// Mul is a * b, element-wise over the union of their indices.
func Mul(a, b Operand) *Expr { return binary(engine.OpMul, a, b) }

// Div is a / b.
func Div(a, b Operand) *Expr { return binary(engine.OpDiv, a, b) }

// Max is the larger of a and b, element-wise over the union of their indices. Where
// a = b it has no derivative; the solver takes a's there. A model with Max of a
// variable is a DNLP.
func Max(a, b Operand) *Expr { return binary(engine.OpMax, a, b) }

// Min is the smaller of a and b, element-wise, with a's derivative where a = b, like
// Max.
func Min(a, b Operand) *Expr { return binary(engine.OpMin, a, b) }

// Lag is a read k positions back along the set s (GAMS's x(t-k)), which a must vary
// over: at the first k elements of s the reference is absent and reads as 0. An
// equation over s that should have no row where the lag is absent says so with a
// condition (Equation.Where), as in GAMS. A negative k is a lead.
func Lag(a Operand, s *Set, k int) *Expr { return shift(a, s, -k, "Lag") }

// Lead is a read k positions ahead along s (GAMS's x(t+k)), absent (0) at the last
// k elements, as Lag.
func Lead(a Operand, s *Set, k int) *Expr { return shift(a, s, k, "Lead") }

func shift(a Operand, s *Set, k int, name string) *Expr {
	x := a.expr()
	switch {
	case x.err != nil:
		return &Expr{err: x.err}
	case s == nil:
		return &Expr{err: fmt.Errorf("%s along a nil set", name)}
	case !containsSet(x.free, s):
		return &Expr{err: fmt.Errorf("%s along %q, which the expression does not vary over", name, s.name)}
	case k == 0:
		return x
	}
	return &Expr{op: engine.OpShift, args: []*Expr{x}, idx: []*Set{s}, shift: k, free: x.free, hasVar: x.hasVar}
}

// Neg is -a.
func Neg(a Operand) *Expr {
	x := a.expr()
	return &Expr{op: engine.OpNeg, args: []*Expr{x}, free: x.free, hasVar: x.hasVar, err: x.err}
}

// Sum sums a over the given sets. Summing over a set a does not vary over multiplies a
// by the set's size, as in the reference's algebra.
func Sum(a Operand, over ...*Set) *Expr {
	x := a.expr()
	if x.err != nil {
		return &Expr{err: x.err}
	}
	var bound []*Set
	scale := 1.0
	for _, s := range over {
		if len(s.domain) > 0 {
			return &Expr{err: fmt.Errorf("sum over subset %q: use SumIn", s.name)}
		}
		if containsSet(x.free, s) {
			bound = append(bound, s)
		} else {
			scale *= float64(s.size)
		}
	}
	e := &Expr{op: engine.OpSum, args: []*Expr{x}, idx: bound, free: minus(x.free, bound), hasVar: x.hasVar}
	if len(bound) == 0 {
		e = x
	}
	if scale != 1 {
		e = Mul(Const(scale), e)
	}
	return e
}

// SumIn sums a over the members of the subset sub (the reference's
// Sum(target[i, j], -a3[i, j])): the sets of sub's domain are bound by the sum.
func SumIn(sub *Set, a Operand) *Expr {
	if sub.member == nil {
		return &Expr{err: fmt.Errorf("SumIn over %q, which is not a subset", sub.name)}
	}
	return Sum(Where(a, sub), sub.domain...)
}

// Where keeps a where the tuple of cond's domain sets is a member of cond, and is zero
// elsewhere (the reference's $-condition and .where).
func Where(a Operand, cond *Set) *Expr {
	x := a.expr()
	if cond.member == nil {
		return &Expr{err: fmt.Errorf("condition %q is not a subset", cond.name)}
	}
	return &Expr{op: engine.OpWhere, args: []*Expr{x}, cond: cond, free: union(x.free, cond.domain), hasVar: x.hasVar, err: x.err}
}

// LogSumExp is log(Σ_k exp(a)) over the set k, computed without overflow. It is the
// normaliser of LogSoftmax.
func LogSumExp(a Operand, k *Set) *Expr {
	x := a.expr()
	if x.err != nil {
		return &Expr{err: x.err}
	}
	if !containsSet(x.free, k) {
		return &Expr{err: fmt.Errorf("LogSumExp over %q, which the argument does not vary over", k.name)}
	}
	return &Expr{op: engine.OpLogSumExp, args: []*Expr{x}, idx: []*Set{k}, free: minus(x.free, []*Set{k}), hasVar: x.hasVar}
}

// MatMul is the matrix product: the last index of a is contracted with the first index
// of b. When the two are different sets of the same size (two anonymous dimensions, or
// a set and its alias), b's index is renamed to a's.
func MatMul(a, b Operand) *Expr {
	x, y := a.expr(), b.expr()
	if err := firstErr(x, y); err != nil {
		return &Expr{err: err}
	}
	if len(x.free) == 0 || len(y.free) == 0 {
		return &Expr{err: errors.New("MatMul of a scalar; use Mul")}
	}
	k, kb := x.free[len(x.free)-1], y.free[0]
	if k != kb {
		if !compatible(k, kb) {
			return &Expr{err: fmt.Errorf("MatMul: inner sets %q (size %d) and %q (size %d) do not match", k.name, k.size, kb.name, kb.size)}
		}
		if containsSet(y.free, k) {
			return &Expr{err: fmt.Errorf("MatMul: %q appears in both operands outside the contraction", k.name)}
		}
		y = rename(y, kb, k)
	}
	for _, s := range x.free[:len(x.free)-1] {
		if containsSet(y.free[1:], s) {
			return &Expr{err: fmt.Errorf("MatMul: set %q indexes both operands; the product would repeat it", s.name)}
		}
	}
	return Sum(Mul(x, y), k)
}

// rename returns a copy of e with index from replaced by to.
func rename(e *Expr, from, to *Set) *Expr {
	c := *e
	c.args = make([]*Expr, len(e.args))
	for i, a := range e.args {
		c.args[i] = rename(a, from, to)
	}
	re := func(list []*Set) []*Set {
		out := make([]*Set, len(list))
		for i, s := range list {
			if s == from {
				s = to
			}
			out[i] = s
		}
		return out
	}
	c.idx = re(e.idx)
	c.free = re(e.free)
	if e.cond != nil && containsSet(e.cond.domain, from) {
		c.err = fmt.Errorf("cannot rename %q inside condition %q", from.name, e.cond.name)
	}
	return &c
}
