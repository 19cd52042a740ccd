package engine

import (
	"testing"

	"github.com/nnopt/nnopt/backend"
)

// TestEveryFunctionInTheTable: every backend function has its entry in the algebra's
// table, so a function added to the backends cannot be half added.
func TestEveryFunctionInTheTable(t *testing.T) {
	for _, f := range backend.Funcs() {
		if e, ok := functions[f]; !ok || e.name == "" {
			t.Errorf("backend function %v has no entry in functions", f)
		}
	}
}

// TestEveryOperationHasItsRules: an operation cannot be half added. Every operation
// a term can hold prints, has a degree, patterns and a lowering; every operation a
// node can hold has its sweeps, except where there is nothing to compute (a
// constant has no derivatives; a reference takes the sweep's vectors).
func TestEveryOperationHasItsRules(t *testing.T) {
	for op := Op(0); op < numOps; op++ {
		r := ops[op]
		inTerms := op != OpContract
		if inTerms && (r.print == nil || r.prec == 0 || r.degree == nil || r.patterns == nil || r.lower == nil) {
			t.Errorf("operation %d: a term's rules are missing: %+v", op, r)
		}
		if r.layout == leaf {
			continue
		}
		if r.forward == nil || r.tangent == nil || r.pullback == nil {
			t.Errorf("operation %d: a sweep is missing", op)
		}
	}
}

// TestPrintAndClassify: the printed form and the degree of terms, through the
// operation table, with the term that gives the degree.
func TestPrintAndClassify(t *testing.T) {
	i, j := &Axis{Name: "i", Size: 2}, &Axis{Name: "j", Size: 3}
	x := &Symbol{Name: "x", Domain: []*Axis{i}, Var: true}
	y := &Symbol{Name: "y", Var: true}
	p := &Symbol{Name: "p", Domain: []*Axis{i, j}, Values: make([]float64, 6)}
	ref := func(s *Symbol, idx ...*Axis) *Term {
		return &Term{Op: OpRef, Ref: s, Idx: idx, Free: idx, HasVar: s.Var}
	}
	c := func(v float64) *Term { return &Term{Op: OpConst, Val: v} }
	bin := func(op Op, a, b *Term) *Term { return &Term{Op: op, Args: []*Term{a, b}} }
	fn := func(f backend.Func, a *Term, v float64) *Term {
		return &Term{Op: OpFunc, Fn: f, Val: v, Args: []*Term{a}}
	}
	sum := func(a *Term, over ...*Axis) *Term { return &Term{Op: OpSum, Idx: over, Args: []*Term{a}} }
	xy := bin(OpMul, ref(x, i), ref(y))
	ex := fn(backend.Exp, ref(y), 0)
	k := &Axis{Name: "k", Size: 2}
	for _, tc := range []struct {
		t    *Term
		str  string
		deg  Degree
		term *Term
	}{
		{c(-2), "-2", DegreeConstant, nil},
		{ref(p, i, j), "p", DegreeConstant, nil},
		{ref(x, k), "x[k]", DegreeLinear, nil},
		{bin(OpSub, ref(y), bin(OpSub, ref(y), c(1))), "y - (y - 1)", DegreeLinear, nil},
		{bin(OpMul, c(2), xy), "2 * x * y", DegreeQuadratic, xy},
		{bin(OpMul, bin(OpAdd, ref(y), c(1)), ref(y)), "(y + 1) * y", DegreeQuadratic, nil},
		{bin(OpAdd, ref(y), ex), "y + exp(y)", DegreeNonlinear, ex},
		{bin(OpDiv, c(1), ref(y)), "1 / y", DegreeNonlinear, nil},
		{&Term{Op: OpNeg, Args: []*Term{c(-1)}}, "--1", DegreeConstant, nil},
		{fn(backend.Power, ref(y), 2), "power(y, 2)", DegreeQuadratic, nil},
		{sum(bin(OpMul, ref(p, i, j), ref(x, i)), i, j), "sum((i,j), p * x)", DegreeLinear, nil},
		{&Term{Op: OpLogSumExp, Idx: []*Axis{i}, Args: []*Term{ref(x, i)}}, "logsumexp(i, x)", DegreeNonlinear, nil},
	} {
		if s := tc.t.String(); s != tc.str {
			t.Errorf("printed %q, want %q", s, tc.str)
		}
		d, term := Classify(tc.t)
		if d != tc.deg {
			t.Errorf("%s: degree %v, want %v", tc.str, d, tc.deg)
		}
		if tc.term != nil && term != tc.term {
			t.Errorf("%s: the term of degree %v is %v, want %v", tc.str, d, term, tc.term)
		}
	}
}
