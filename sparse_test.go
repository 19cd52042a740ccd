package nnopt_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/testmodels"
)

// sparseModel is one model over data a(i,j) with a few records, written with a
// sparse parameter, or with a dense parameter restricted to a subset of the same
// records (the structural zeros then spelled out).
func sparseModel(t *testing.T, sparse bool) *nnopt.Model {
	t.Helper()
	c := nnopt.NewContainer()
	i := c.NewSet("i", "1", "2", "3", "4")
	j := c.NewSet("j", "a", "b", "c", "d", "e")
	recs := [][]string{{"1", "a"}, {"1", "d"}, {"2", "b"}, {"3", "a"}, {"3", "e"}, {"4", "c"}, {"4", "d"}}
	vals := []float64{1.5, -2, 0.5, 3, 1, -1, 2}
	// sp(f) is f of the data where the data has records: f(a) with a sparse, and
	// f(b) restricted to the records' subset with b dense.
	var sp func(f func(a nnopt.Operand) *nnopt.Expr) *nnopt.Expr
	if sparse {
		p := c.NewSparseParameter("a", i, j)
		// Given out of order: SetRecords sorts them.
		perm := []int{3, 0, 6, 1, 5, 2, 4}
		ls, vs := make([][]string, len(perm)), make([]float64, len(perm))
		for k, q := range perm {
			ls[k], vs[k] = recs[q], vals[q]
		}
		must(t, p.SetRecords(ls, vs))
		sp = func(f func(a nnopt.Operand) *nnopt.Expr) *nnopt.Expr { return f(p) }
	} else {
		p := c.NewParameter("a", i, j)
		sub := c.NewSubset("arecs", i, j)
		must(t, sub.SetRecords(recs))
		for k, r := range recs {
			ii, _ := strconv.Atoi(r[0])
			p.Values[(ii-1)*5+int(r[1][0]-'a')] = vals[k]
		}
		sp = func(f func(a nnopt.Operand) *nnopt.Expr) *nnopt.Expr { return nnopt.Where(f(p), sub) }
	}
	x := c.NewVariable("x", nnopt.Free, j)
	z := c.NewVariable("z", nnopt.Free, i)
	e1 := c.NewEquation("e1", i)
	must(t, e1.Define(nnopt.Le(nnopt.Sum(sp(func(a nnopt.Operand) *nnopt.Expr { return nnopt.Mul(a, x) }), j), nnopt.Const(1))))
	e2 := c.NewEquation("e2", i)
	must(t, e2.Define(nnopt.Eq(nnopt.Add(nnopt.Sum(sp(func(a nnopt.Operand) *nnopt.Expr { return nnopt.Mul(a, nnopt.Sqr(nnopt.Mul(x, z))) }), j),
		nnopt.Sum(sp(func(a nnopt.Operand) *nnopt.Expr { return nnopt.Div(a, nnopt.Add(nnopt.Const(2), nnopt.Sqr(x))) }), j)), z)))
	e3 := c.NewEquation("e3", j)
	must(t, e3.Define(nnopt.Ge(nnopt.Add(nnopt.Sum(sp(func(a nnopt.Operand) *nnopt.Expr { return nnopt.Mul(nnopt.Neg(a), nnopt.Exp(x)) }), i),
		nnopt.Sum(nnopt.Exp(sp(func(a nnopt.Operand) *nnopt.Expr { return nnopt.Mul(nnopt.Const(1), a) })), i)), nnopt.Const(-5))))
	e4 := c.NewEquation("e4", i, j)
	must(t, e4.Define(nnopt.Le(sp(func(a nnopt.Operand) *nnopt.Expr { return nnopt.Mul(a, nnopt.Sub(x, z)) }), nnopt.Const(2))))
	obj := nnopt.Sum(sp(func(a nnopt.Operand) *nnopt.Expr { return nnopt.Mul(a, nnopt.Mul(x, z)) }), i, j)
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: []*nnopt.Equation{e1, e2, e3, e4}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for k := range x.L {
		x.L[k] = rng.Float64() - 0.5
	}
	for k := range z.L {
		z.L[k] = rng.Float64() - 0.5
	}
	return m
}

// TestSparseMatchesDense: a model over a sparse parameter has the statistics, the
// residuals and the Jacobian (structure and values) of the same model over a dense
// parameter with every term it enters restricted to the same records (the zeros
// spelled out), through products, quotients, negations, sums, functions (exp of the
// zeros is 1) and elementwise rows.
func TestSparseMatchesDense(t *testing.T) {
	sameModel(t, sparseModel(t, true), sparseModel(t, false), "sparse", "dense")
}

// sameModel checks that models a and b (described as aName and bName) have the
// same statistics, Jacobian structure, Jacobian values and residuals at their
// variables' levels.
func sameModel(t *testing.T, a, b *nnopt.Model, aName, bName string) {
	t.Helper()
	st1, err := a.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	st2, err := b.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	if st1 != st2 {
		t.Errorf("statistics %s\n%+v\n%s\n%+v", aName, st1, bName, st2)
	}
	if st1.JacobianNonzeros == 0 {
		t.Errorf("statistics %+v count nothing", st1)
	}
	j1, err := a.Jacobian()
	if err != nil {
		t.Fatal(err)
	}
	j2, err := b.Jacobian()
	if err != nil {
		t.Fatal(err)
	}
	for q := range j1.Blocks {
		x, y := j1.Blocks[q], j2.Blocks[q]
		if !reflect.DeepEqual(x.RowStart, y.RowStart) || !reflect.DeepEqual(x.Var, y.Var) || !reflect.DeepEqual(x.Elem, y.Elem) {
			t.Errorf("block %d: structures differ: %v %v / %v %v", q, x.RowStart, x.Elem, y.RowStart, y.Elem)
			continue
		}
		for k := range x.Value {
			if math.Abs(x.Value[k]-y.Value[k]) > 1e-12 {
				t.Errorf("block %d entry %d: %g %s, %g %s", q, k, x.Value[k], aName, y.Value[k], bName)
			}
		}
		for r := range x.Residual {
			if math.Abs(x.Residual[r]-y.Residual[r]) > 1e-12 {
				t.Errorf("block %d row %d: residual %g %s, %g %s", q, r, x.Residual[r], aName, y.Residual[r], bName)
			}
		}
	}
}

// TestSparseRecords: SetRecords's errors name the record; Records reads back what
// was set, in order; SetValues makes the parameter dense; Elem reads a record or a
// zero; a sparse parameter cannot be modifiable in a frozen model.
func TestSparseRecords(t *testing.T) {
	c := nnopt.NewContainer()
	i, d := c.NewSet("i", "x", "y", "z"), c.Dims(2)[0]
	p := c.NewSparseParameter("p", i, d)
	for _, tc := range []struct {
		labels [][]string
		values []float64
		want   string
	}{
		{[][]string{{"w", "0"}}, []float64{1}, `record 0: p("w","0"): "w" is not an element of set "i"`},
		{[][]string{{"x"}}, []float64{1}, `p("x"): 1 labels for p(i,`},
		{[][]string{{"x", "2"}}, []float64{1}, `"2" is not a position of dimension`},
		{[][]string{{"x", "0"}, {"y", "1"}, {"x", "0"}}, []float64{1, 2, 3}, `records 0 and 2 are both p("x","0")`},
		{[][]string{{"x", "0"}}, []float64{math.NaN()}, `is NaN`},
		{[][]string{{"x", "0"}}, nil, `1 records' labels but 0 values`},
	} {
		if err := p.SetRecords(tc.labels, tc.values); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetRecords(%v, %v): %v, want %q", tc.labels, tc.values, err, tc.want)
		}
	}
	if !p.Sparse() || len(p.Values) != 0 {
		t.Errorf("after failed SetRecords: sparse %v, %d values", p.Sparse(), len(p.Values))
	}
	must(t, p.SetRecords([][]string{{"z", "1"}, {"x", "0"}}, []float64{4, 2}))
	ls, vs := p.Records()
	if !reflect.DeepEqual(ls, [][]string{{"x", "0"}, {"z", "1"}}) || !reflect.DeepEqual(vs, []float64{2, 4}) {
		t.Errorf("Records() = %v, %v", ls, vs)
	}
	r := c.NewVariable("r", nnopt.Free)
	e := c.NewEquation("e")
	must(t, e.Define(nnopt.Eq(r, nnopt.Add(p.Elem("z", "1"), p.Elem("y", "0")))))
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: []*nnopt.Equation{e}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: r})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Residuals()
	if err != nil {
		t.Fatal(err)
	}
	if res[e][0] != -4 {
		t.Errorf("r - (p(z,1) + p(y,0)) at r = 0: %g, want -4", res[e][0])
	}
	if err := m.Freeze(p); !errors.Is(err, nnopt.ErrUnsupported) {
		t.Errorf("Freeze with a sparse modifiable: %v", err)
	}
	must(t, p.SetValues([]float64{1, 0, 0, 0, 0, 7}))
	if p.Sparse() {
		t.Error("SetValues left the parameter sparse")
	}
	if ls, vs := p.Records(); !reflect.DeepEqual(ls, [][]string{{"x", "0"}, {"z", "1"}}) || !reflect.DeepEqual(vs, []float64{1, 7}) {
		t.Errorf("dense Records() = %v, %v", ls, vs)
	}
}

// TestSparseLP: a random 2,000 x 2,000 LP with 10,000 sparse coefficients has
// exactly those Jacobian elements plus the objective row's 2,000 (and the objective
// variable's own), and its residuals are those of the coefficients alone.
func TestSparseLP(t *testing.T) {
	m, err := testmodels.SparseLP(2000, 10000, 1)
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	if st.JacobianNonzeros != 10000+2000+1 || st.Constraints != 2000+1 || st.Variables != 2000+1 || st.NonlinearJacobianNonzeros != 0 {
		t.Errorf("statistics %+v, want 12,001 Jacobian elements, 2,001 rows and columns, all linear", st)
	}
	res, err := m.Residuals()
	if err != nil {
		t.Fatal(err)
	}
	for e, r := range res {
		for k, v := range r {
			if v != -1 { // Σ A·0 - 1 at x = 0
				t.Fatalf("%s row %d: residual %g, want -1", e.Name(), k, v)
			}
		}
	}
	j, err := m.Jacobian()
	if err != nil {
		t.Fatal(err)
	}
	if n := j.Blocks[0].Nonzeros(); n != 10000 {
		t.Errorf("the rows' Jacobian has %d entries, want 10,000", n)
	}
}
