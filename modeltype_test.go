package nnopt_test

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/refmodel"
)

// hadamard is out = a ⊙ b, a bilinear kernel over n elements.
type hadamard struct{ n int }

func (hadamard) Name() string                    { return "hadamard" }
func (h hadamard) Lens() (int, []int)            { return h.n, []int{h.n, h.n} }
func (h hadamard) Each(_ int, fn func(o, e int)) { eachIndex(h.n, fn) }
func (h hadamard) EachPair(_, _ int, fn func(a, b int)) {
	eachIndex(h.n, fn)
}
func (hadamard) Apply(out []float64, args [][]float64) {
	for k := range out {
		out[k] = args[0][k] * args[1][k]
	}
}
func (hadamard) Transpose(i int, dst, w []float64, args [][]float64) {
	for k := range w {
		dst[k] += w[k] * args[1-i][k]
	}
}

func eachIndex(n int, fn func(a, b int)) {
	for k := 0; k < n; k++ {
		fn(k, k)
	}
}

func TestClassify(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	j := c.NewSet("j", "u", "v")
	k := c.NewSet("k", "r", "s", "t")
	ii := c.NewAlias("ii", i)
	sub := c.NewSubset("sub", i)
	if err := sub.SetMembers([]int{0}, []int{2}); err != nil {
		t.Fatal(err)
	}
	p := c.NewParameter("p", i)
	q := c.NewParameter("q", i, j)
	x := c.NewVariable("x", nnopt.Free, i)
	y := c.NewVariable("y", nnopt.Positive, i)
	z := c.NewVariable("z", nnopt.Free)
	w := c.NewVariable("w", nnopt.Free, j, k)
	v := c.NewVariable("v", nnopt.Free, i, j)
	two := nnopt.Const(2)
	for _, tc := range []struct {
		name string
		e    nnopt.Operand
		want nnopt.Degree
		term string // "" when Classify names no term
	}{
		{"constant", nnopt.Add(two, nnopt.Const(3)), nnopt.DegreeConstant, ""},
		{"parameter", nnopt.Mul(p, p), nnopt.DegreeConstant, ""},
		{"function of data", nnopt.Exp(nnopt.Sqr(p)), nnopt.DegreeConstant, ""},
		{"variable", x, nnopt.DegreeLinear, ""},
		{"linear sum with parameters", nnopt.Sub(nnopt.Sum(nnopt.Mul(p, x), i), nnopt.Mul(two, z)), nnopt.DegreeLinear, ""},
		{"division by data", nnopt.Div(x, p), nnopt.DegreeLinear, ""},
		{"power 1", nnopt.Power(x, 1), nnopt.DegreeLinear, ""},
		{"power 0", nnopt.Power(x, 0), nnopt.DegreeConstant, ""},
		{"where", nnopt.SumIn(sub, nnopt.Neg(x)), nnopt.DegreeLinear, ""},
		{"bilinear", nnopt.Mul(x, y), nnopt.DegreeQuadratic, "x * y"},
		{"scaled bilinear", nnopt.Add(z, nnopt.Mul(two, nnopt.Mul(x, y))), nnopt.DegreeQuadratic, "x * y"},
		{"sqr of linear", nnopt.Sum(nnopt.Sqr(nnopt.Sub(x, p)), i), nnopt.DegreeQuadratic, "sqr(x - p)"},
		{"power 2", nnopt.Power(x, 2), nnopt.DegreeQuadratic, "power(x, 2)"},
		{"power 3", nnopt.Power(x, 3), nnopt.DegreeNonlinear, "power(x, 3)"},
		{"power 0.5", nnopt.Power(y, 0.5), nnopt.DegreeNonlinear, "power(y, 0.5)"},
		{"cubic product", nnopt.Mul(nnopt.Mul(x, y), z), nnopt.DegreeNonlinear, "x * y * z"},
		{"sqr of bilinear", nnopt.Sqr(nnopt.Mul(x, z)), nnopt.DegreeNonlinear, "sqr(x * z)"},
		{"tanh", nnopt.Add(z, nnopt.Tanh(x)), nnopt.DegreeNonlinear, "tanh(x)"},
		{"tanh beats bilinear", nnopt.Add(nnopt.Mul(x, y), nnopt.Tanh(x)), nnopt.DegreeNonlinear, "tanh(x)"},
		{"exp of bilinear", nnopt.Exp(nnopt.Mul(x, y)), nnopt.DegreeNonlinear, "exp(x * y)"},
		{"log, sqrt, sigmoid", nnopt.Add(nnopt.Log(y), nnopt.Add(nnopt.Sqrt(y), nnopt.Sigmoid(x))), nnopt.DegreeNonlinear, "log(y)"},
		{"division by a variable", nnopt.Div(p, y), nnopt.DegreeNonlinear, "p / y"},
		{"logsumexp", nnopt.LogSumExp(x, i), nnopt.DegreeNonlinear, "logsumexp(i, x)"},
		{"alias shown", nnopt.Mul(x.At(ii), x), nnopt.DegreeQuadratic, "x[ii] * x"},
		{"matmul data by variable", nnopt.MatMul(q, w), nnopt.DegreeLinear, ""},
		{"matmul variable by variable", nnopt.MatMul(v, w), nnopt.DegreeQuadratic, "v * w"},
		{"kernel, no variable", nnopt.Apply(hadamard{3}, []*nnopt.Set{i}, p, p), nnopt.DegreeConstant, ""},
		{"kernel, one variable", nnopt.Apply(hadamard{3}, []*nnopt.Set{i}, p, x), nnopt.DegreeLinear, ""},
		{"kernel, two variables", nnopt.Apply(hadamard{3}, []*nnopt.Set{i}, x, y), nnopt.DegreeQuadratic, "hadamard(x, y)"},
	} {
		d, term := nnopt.Classify(tc.e)
		got := ""
		if term != nil {
			got = term.String()
		}
		if d != tc.want || got != tc.term {
			t.Errorf("%s: %v, term %q; want %v, term %q", tc.name, d, got, tc.want, tc.term)
		}
	}
}

func TestExprString(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b")
	j := c.NewSet("j", "u", "v")
	sub := c.NewSubset("sub", i, j)
	x := c.NewVariable("x", nnopt.Free, i, j)
	y := c.NewVariable("y", nnopt.Free)
	z := c.NewVariable("z", nnopt.Free)
	for _, tc := range []struct {
		e    *nnopt.Expr
		want string
	}{
		{nnopt.Sub(y, nnopt.Add(z, nnopt.Const(1))), "y - (z + 1)"},
		{nnopt.Add(nnopt.Sub(y, z), nnopt.Const(-1.5)), "y - z + -1.5"},
		{nnopt.Neg(nnopt.Add(y, z)), "-(y + z)"},
		{nnopt.Div(y, nnopt.Mul(z, y)), "y / (z * y)"},
		{nnopt.Mul(nnopt.Add(y, z), nnopt.Sqr(y)), "(y + z) * sqr(y)"},
		{nnopt.Sum(x, i, j), "sum((i,j), x)"},
		{nnopt.SumIn(sub, nnopt.Neg(x)), "sum((i,j), (-x)$sub)"},
		{nnopt.Power(nnopt.Sum(x, j), 3), "power(sum(j, x), 3)"},
		{x.At(j, i), "<invalid: x: index \"j\" at position 0 does not match domain set \"i\" (size 2 vs 2)>"},
	} {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// typed is a small model of the given type: min obj over x(i) (type xt) with the
// equations the builder adds.
type typed struct {
	c     *nnopt.Container
	i     *nnopt.Set
	x, y  *nnopt.Variable
	obj   *nnopt.Variable
	cost  *nnopt.Parameter
	extra []*nnopt.Equation
}

func newTyped(xt nnopt.VarType) *typed {
	c := nnopt.NewContainer()
	m := &typed{c: c, i: c.NewSet("i", "a", "b", "c")}
	m.x = c.NewVariable("x", xt, m.i)
	m.y = c.NewVariable("y", nnopt.Free, m.i)
	m.obj = c.NewVariable("obj", nnopt.Free)
	m.cost = c.NewParameter("c", m.i)
	if err := m.cost.SetValues([]float64{1, -1, 2}); err != nil {
		panic(err)
	}
	return m
}

func (m *typed) eq(name string, r *nnopt.Relation, dom ...*nnopt.Set) *typed {
	e := m.c.NewEquation(name, dom...)
	if err := e.Define(r); err != nil {
		panic(err)
	}
	m.extra = append(m.extra, e)
	return m
}

func (m *typed) model(t *testing.T, name string, p nnopt.Problem, objective nnopt.Operand) *nnopt.Model {
	t.Helper()
	sense := nnopt.Minimize
	if objective == nil {
		sense = nnopt.Feasibility
	}
	mod, err := m.c.NewModel(name, nnopt.ModelSpec{Equations: m.extra, Problem: p, Sense: sense, Objective: objective})
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func TestModelTypeErrors(t *testing.T) {
	type build func(t *testing.T, p nnopt.Problem) *nnopt.Model
	linear := func(xt nnopt.VarType) build {
		return func(t *testing.T, p nnopt.Problem) *nnopt.Model {
			m := newTyped(xt)
			m.eq("cost", nnopt.Eq(m.obj, nnopt.Sum(nnopt.Mul(m.cost, m.x), m.i)))
			return m.model(t, "transport", p, m.obj)
		}
	}
	withTerm := func(term func(m *typed) *nnopt.Expr) build {
		return func(t *testing.T, p nnopt.Problem) *nnopt.Model {
			m := newTyped(nnopt.Free)
			m.eq("def", nnopt.Eq(m.y, nnopt.Mul(m.cost, m.x)), m.i)
			m.eq("cost", nnopt.Eq(m.obj, nnopt.Sum(term(m), m.i)))
			return m.model(t, "transport", p, m.obj)
		}
	}
	exp := withTerm(func(m *typed) *nnopt.Expr { return nnopt.Add(m.y, nnopt.Exp(m.x)) })
	bilinear := withTerm(func(m *typed) *nnopt.Expr { return nnopt.Mul(m.x, m.y) })
	cubic := withTerm(func(m *typed) *nnopt.Expr { return nnopt.Mul(m.x, nnopt.Sqr(m.y)) })
	cns := func(rel func(l, r nnopt.Operand) *nnopt.Relation, xt nnopt.VarType, fixX bool) build {
		return func(t *testing.T, p nnopt.Problem) *nnopt.Model {
			m := newTyped(xt)
			if fixX {
				m.x.Fix(0.5)
			}
			m.eq("def", rel(m.y, nnopt.Tanh(m.x)), m.i)
			return m.model(t, "sys", p, nil)
		}
	}
	const unsupported = " is not supported yet (nnopt solves LP, QCP, NLP, DNLP, RMIP, RMIQCP and RMINLP models)"
	for _, tc := range []struct {
		p        nnopt.Problem
		m        build
		want     string // the whole message, "" for none
		eq, term string
	}{
		{nnopt.LP, exp, `nnopt: model "transport" (LP): equation "cost" is nonlinear: exp(x) (LP allows linear terms only; use NLP)`, "cost", "exp(x)"},
		{nnopt.LP, bilinear, `nnopt: model "transport" (LP): equation "cost" is quadratic: x * y (LP allows linear terms only; use QCP or NLP)`, "cost", "x * y"},
		{nnopt.RMIP, bilinear, `nnopt: model "transport" (RMIP): equation "cost" is quadratic: x * y (RMIP allows linear terms only; use RMIQCP or RMINLP)`, "cost", "x * y"},
		{nnopt.QCP, bilinear, "", "", ""},
		{nnopt.QCP, exp, `nnopt: model "transport" (QCP): equation "cost" is nonlinear: exp(x) (QCP allows quadratic terms only; use NLP)`, "cost", "exp(x)"},
		{nnopt.QCP, cubic, `nnopt: model "transport" (QCP): equation "cost" is nonlinear: x * sqr(y) (QCP allows quadratic terms only; use NLP)`, "cost", "x * sqr(y)"},
		{nnopt.RMIQCP, cubic, `nnopt: model "transport" (RMIQCP): equation "cost" is nonlinear: x * sqr(y) (RMIQCP allows quadratic terms only; use RMINLP)`, "cost", "x * sqr(y)"},
		{nnopt.NLP, exp, "", "", ""},
		{nnopt.DNLP, exp, "", "", ""},
		{nnopt.LP, func(t *testing.T, p nnopt.Problem) *nnopt.Model {
			m := newTyped(nnopt.Free)
			m.eq("def", nnopt.Eq(m.y, m.x), m.i)
			return m.model(t, "fit", p, nnopt.Sum(nnopt.Sqr(nnopt.Sub(m.y, m.cost)), m.i))
		}, `nnopt: model "fit" (LP): the objective is quadratic: sqr(y - c) (LP allows linear terms only; use QCP or NLP)`, "", "sqr(y - c)"},
		{nnopt.NLP, linear(nnopt.Binary), `nnopt: model "transport" (NLP): equation "cost" uses binary variable "x" (NLP allows continuous variables only; use MINLP, or RMINLP to relax integrality)`, "cost", "x"},
		{nnopt.LP, linear(nnopt.Integer), `nnopt: model "transport" (LP): equation "cost" uses integer variable "x" (LP allows continuous variables only; use MIP, or RMIP to relax integrality)`, "cost", "x"},
		{nnopt.QCP, linear(nnopt.Binary), `nnopt: model "transport" (QCP): equation "cost" uses binary variable "x" (QCP allows continuous variables only; use MIQCP, or RMIQCP to relax integrality)`, "cost", "x"},
		{nnopt.RMIP, linear(nnopt.Binary), "", "", ""},
		{nnopt.RMINLP, linear(nnopt.Integer), "", "", ""},
		{nnopt.RMIQCP, linear(nnopt.Binary), "", "", ""},
		// Types nnopt cannot solve: the type error first, then "not supported yet".
		{nnopt.MIQCP, linear(nnopt.Binary), `nnopt: model "transport": problem type MIQCP` + unsupported, "", ""},
		{nnopt.MIP, bilinear, `nnopt: model "transport" (MIP): equation "cost" is quadratic: x * y (MIP allows linear terms only; use MIQCP or MINLP)`, "cost", "x * y"},
		{nnopt.MIQCP, exp, `nnopt: model "transport" (MIQCP): equation "cost" is nonlinear: exp(x) (MIQCP allows quadratic terms only; use MINLP); besides, problem type MIQCP` + unsupported, "cost", "exp(x)"},
		{nnopt.MINLP, exp, `nnopt: model "transport": problem type MINLP` + unsupported, "", ""},
		// CNS: square, equalities only, no objective.
		{nnopt.CNS, linear(nnopt.Free), `nnopt: model "transport" (CNS): has an objective; a CNS is a square system without one (give Sense Feasibility and no Objective); besides, problem type CNS` + unsupported, "", ""},
		{nnopt.CNS, cns(nnopt.Eq, nnopt.Free, false), `nnopt: model "sys" (CNS): is not square: 3 equation rows but 6 variable elements that are not fixed (a CNS needs as many of each); besides, problem type CNS` + unsupported, "", ""},
		{nnopt.CNS, cns(nnopt.Le, nnopt.Free, true), `nnopt: model "sys" (CNS): equation "def" is =L=; a CNS has =E= equations only; besides, problem type CNS` + unsupported, "def", ""},
		{nnopt.CNS, cns(nnopt.Eq, nnopt.Binary, false), `nnopt: model "sys" (CNS): equation "def" uses binary variable "x" (CNS allows continuous variables only); besides, problem type CNS` + unsupported, "def", "x"},
		{nnopt.CNS, cns(nnopt.Eq, nnopt.Free, true), `nnopt: model "sys": problem type CNS` + unsupported, "", ""},
	} {
		name := tc.p.String() + " " + tc.want
		m := tc.m(t, tc.p)
		if tc.want == "" {
			if err := m.CheckType(tc.p); err != nil {
				t.Errorf("%v: %v", tc.p, err)
			}
			continue
		}
		err := m.Solve(context.Background(), nnopt.Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v:\n got %v\nwant %s", tc.p, err, tc.want)
			continue
		}
		notSolvable := strings.HasSuffix(tc.want, unsupported)
		if errors.Is(err, nnopt.ErrUnsupported) != notSolvable {
			t.Errorf("%s: errors.Is(ErrUnsupported) = %v", name, !notSolvable)
		}
		wantStatus := nnopt.SolveSetupFailure
		if notSolvable {
			wantStatus = nnopt.SolveCapabilityProblems
		}
		if m.SolveStatus != wantStatus || m.Status != nnopt.StatusNoSolutionReturned {
			t.Errorf("%s: status %v/%v", name, m.Status, m.SolveStatus)
		}
		var te *nnopt.ModelTypeError
		isType := errors.As(err, &te)
		if wantType := !strings.Contains(tc.want, `": problem type`); isType != wantType {
			t.Errorf("%s: ModelTypeError %v, want one: %v", name, te, wantType)
		} else if isType && (te.Equation != tc.eq || te.Term != tc.term || te.Problem != tc.p) {
			t.Errorf("%s: ModelTypeError %+v, want equation %q term %q", name, te, tc.eq, tc.term)
		}
		if check := m.CheckType(tc.p); (check != nil) != isType {
			t.Errorf("%s: CheckType: %v", name, check)
		}
	}
}

// A conditional equation counts its members' rows, and fixed elements do not count as
// unknowns: x fixed, y(b) fixed, rows a and c only make a square CNS.
func TestCNSCountsRowsAndUnfixed(t *testing.T) {
	m := newTyped(nnopt.Free)
	m.x.Fix(0.5)
	m.y.Lo[1], m.y.Up[1] = 0, 0
	sub := m.c.NewSubset("sub", m.i)
	if err := sub.SetMembers([]int{0}, []int{2}); err != nil {
		t.Fatal(err)
	}
	m.eq("def", nnopt.Eq(m.y, nnopt.Tanh(m.x)), m.i)
	if err := m.extra[0].Where(sub); err != nil {
		t.Fatal(err)
	}
	mod := m.model(t, "sys", nnopt.CNS, nil)
	if err := mod.CheckType(nnopt.CNS); err != nil {
		t.Error(err)
	}
	m.y.Up[1] = 1
	if err := mod.CheckType(nnopt.CNS); err == nil || !strings.Contains(err.Error(), "2 equation rows but 3 variable elements") {
		t.Errorf("y(b) free again: %v", err)
	}
}

// TestNonSmoothFunctions: Abs, Max and Min of variables make an expression
// non-smooth, which an NLP rejects naming the term and a DNLP accepts; the smooth
// functions stay below.
func TestNonSmoothFunctions(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Positive)
	y := c.NewVariable("y", nnopt.Free)
	for _, e := range []*nnopt.Expr{nnopt.Tanh(x), nnopt.Exp(x), nnopt.Log(x), nnopt.Sqrt(x), nnopt.Sqr(x), nnopt.Sigmoid(x), nnopt.Sin(x), nnopt.Cos(x), nnopt.Power(x, 1.5), nnopt.Pow(x, y), nnopt.Div(x, x)} {
		if d, _ := nnopt.Classify(e); d >= nnopt.DegreeNonSmooth {
			t.Errorf("%v classified %v", e, d)
		}
	}
	p := c.NewParameter("p")
	for _, tc := range []struct {
		e    *nnopt.Expr
		want nnopt.Degree
		term string
	}{
		{nnopt.Abs(x), nnopt.DegreeNonSmooth, "abs(x)"},
		{nnopt.Add(y, nnopt.Abs(nnopt.Sqr(x))), nnopt.DegreeNonSmooth, "abs(sqr(x))"},
		{nnopt.Mul(nnopt.Const(2), nnopt.Max(x, y)), nnopt.DegreeNonSmooth, "max(x, y)"},
		{nnopt.Min(x, nnopt.Const(1)), nnopt.DegreeNonSmooth, "min(x, 1)"},
		{nnopt.Tanh(nnopt.Max(x, nnopt.Abs(y))), nnopt.DegreeNonSmooth, "abs(y)"},
		{nnopt.Add(nnopt.Abs(p), nnopt.Max(p, nnopt.Const(0))), nnopt.DegreeConstant, ""},
	} {
		d, term := nnopt.Classify(tc.e)
		if d != tc.want {
			t.Errorf("%v classified %v, want %v", tc.e, d, tc.want)
		}
		if got := ""; term != nil {
			got = term.String()
			if got != tc.term {
				t.Errorf("%v: term %q, want %q", tc.e, got, tc.term)
			}
		} else if tc.term != "" {
			t.Errorf("%v: no term, want %q", tc.e, tc.term)
		}
	}
	e := c.NewEquation("kink")
	if err := e.Define(nnopt.Eq(y, nnopt.Max(x, nnopt.Const(1)))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p    nnopt.Problem
		want string
	}{
		{nnopt.NLP, `equation "kink" is non-smooth: max(x, 1) (NLP allows smooth functions only; use DNLP)`},
		{nnopt.DNLP, ""},
	} {
		m, err := c.NewModel("m"+tc.p.String(), nnopt.ModelSpec{Equations: []*nnopt.Equation{e}, Problem: tc.p, Sense: nnopt.Minimize, Objective: y})
		if err != nil {
			t.Fatal(err)
		}
		err = m.CheckType(tc.p)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v, want %q", tc.p, err, tc.want)
		}
	}
}

func TestReferenceMLPIsNLP(t *testing.T) {
	const batch, in, hidden, classes = 6, 4, 3, 2
	rng := rand.New(rand.NewSource(1))
	inputs := make([]float64, batch*in)
	for k := range inputs {
		inputs[k] = rng.NormFloat64()
	}
	labels := []uint8{0, 1, 0, 1, 1, 0}
	w1, w2 := make([]float64, in*hidden), make([]float64, hidden*classes)
	for k := range w1 {
		w1[k] = rng.NormFloat64()
	}
	for k := range w2 {
		w2[k] = rng.NormFloat64()
	}
	mlp, err := refmodel.NewMLP(inputs, labels, in, hidden, classes, w1, w2, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []nnopt.Problem{nnopt.NLP, nnopt.DNLP, nnopt.MINLP, nnopt.RMINLP} {
		if err := mlp.Model.CheckType(p); err != nil {
			t.Errorf("as %v: %v", p, err)
		}
	}
	for _, p := range []nnopt.Problem{nnopt.LP, nnopt.QCP, nnopt.MIP, nnopt.RMIQCP} {
		err := mlp.Model.CheckType(p)
		var te *nnopt.ModelTypeError
		if !errors.As(err, &te) || te.Equation != "calc_activation" || te.Term != "tanh(z2)" || !strings.Contains(err.Error(), "is nonlinear: tanh(z2)") {
			t.Errorf("as %v: %v", p, err)
		}
	}
}

// The types Solve hands to the NLP solver, each with UsedModelType recorded; relaxed
// types treat binaries as continuous in [0, 1].
func TestSolveContinuousAndRelaxedTypes(t *testing.T) {
	for _, tc := range []struct {
		p      nnopt.Problem
		xt     nnopt.VarType
		quad   bool // objective Σ (x - 0.3)², else Σ c x
		status nnopt.ModelStatus
	}{
		{nnopt.LP, nnopt.Free, false, nnopt.StatusOptimal},
		{nnopt.RMIP, nnopt.Binary, false, nnopt.StatusOptimal},
		{nnopt.QCP, nnopt.Free, true, nnopt.StatusLocallyOptimal},
		{nnopt.RMIQCP, nnopt.Binary, true, nnopt.StatusLocallyOptimal},
		{nnopt.RMINLP, nnopt.Integer, true, nnopt.StatusLocallyOptimal},
		{nnopt.NLP, nnopt.Free, true, nnopt.StatusLocallyOptimal},
	} {
		m := newTyped(tc.xt)
		if tc.xt == nnopt.Free {
			m.x.SetBounds(0, 1)
		}
		body := nnopt.Sum(nnopt.Mul(m.cost, m.x), m.i)
		want := []float64{0, 1, 0}
		if tc.quad {
			body = nnopt.Sum(nnopt.Sqr(nnopt.Sub(m.x, nnopt.Const(0.3))), m.i)
			want = []float64{0.3, 0.3, 0.3}
		}
		m.eq("cost", nnopt.Eq(m.obj, body))
		mod := m.model(t, "relax", tc.p, m.obj)
		if err := mod.Solve(context.Background(), nnopt.Options{}); err != nil {
			t.Errorf("%v: %v", tc.p, err)
			continue
		}
		if mod.UsedModelType != tc.p || mod.Status != tc.status || mod.SolveStatus != nnopt.SolveNormal {
			t.Errorf("%v: used %v, status %v/%v", tc.p, mod.UsedModelType, mod.Status, mod.SolveStatus)
		}
		for k := range want {
			if math.Abs(m.x.L[k]-want[k]) > 1e-6 {
				t.Errorf("%v: x = %v, want %v", tc.p, m.x.L, want)
				break
			}
		}
	}
}
