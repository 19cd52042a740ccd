package nnopt_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/testmodels"
)

// lagModel is one model written twice: with Lag and Lead, and with each lag spelled
// out as a sum over an alias restricted to a two-dimensional condition (tt = t - k).
type lagModel struct {
	m    *nnopt.Model
	x, u *nnopt.Variable
}

func buildLagModel(t *testing.T, spelled bool) lagModel {
	t.Helper()
	c := nnopt.NewContainer()
	T := c.NewSet("t", "1", "2", "3", "4", "5")
	j := c.NewSet("j", "a", "b")
	tt := c.NewAlias("tt", T)
	x := c.NewVariable("x", nnopt.Free, T, j)
	u := c.NewVariable("u", nnopt.Free, T)
	later := c.NewSubset("later", T)
	must(t, later.SetMembers([]int{1}, []int{2}, []int{3}, []int{4}))
	// shifted(e, k) is e at t + k, e written over tt when spelled out.
	shifted := func(lag func() *nnopt.Expr, over func() *nnopt.Expr, k int) *nnopt.Expr {
		if !spelled {
			return lag()
		}
		rel := c.NewSubset(c.UniqueName("rel"), T, tt)
		var tuples [][]int
		for p := 0; p < 5; p++ {
			if q := p + k; q >= 0 && q < 5 {
				tuples = append(tuples, []int{p, q})
			}
		}
		must(t, rel.SetMembers(tuples...))
		return nnopt.Sum(nnopt.Where(over(), rel), tt)
	}
	xPrev := shifted(func() *nnopt.Expr { return nnopt.Lag(x, T, 1) }, func() *nnopt.Expr { return x.At(tt, j) }, -1)
	uPrev := shifted(func() *nnopt.Expr { return nnopt.Lag(u, T, 1) }, func() *nnopt.Expr { return u.At(tt) }, -1)
	xNext := shifted(func() *nnopt.Expr { return nnopt.Lead(x, T, 1) }, func() *nnopt.Expr { return x.At(tt, j) }, 1)
	sqx2 := shifted(func() *nnopt.Expr { return nnopt.Lag(nnopt.Sqr(x), T, 2) }, func() *nnopt.Expr { return nnopt.Sqr(x.At(tt, j)) }, -2)

	chain := c.NewEquation("chain", T, j)
	must(t, chain.Define(nnopt.Eq(x, nnopt.Add(nnopt.Mul(xPrev, uPrev), nnopt.Sqr(uPrev)))))
	must(t, chain.Where(later))
	cap := c.NewEquation("cap", T)
	must(t, cap.Define(nnopt.Le(nnopt.Sum(nnopt.Mul(xNext, x), j), nnopt.Const(3))))
	obj := nnopt.Add(nnopt.Sum(nnopt.Sqr(u), T), nnopt.Sum(sqx2, T, j))
	m, err := c.NewModel("lags", nnopt.ModelSpec{Equations: []*nnopt.Equation{chain, cap}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for k := range x.L {
		x.L[k] = rng.Float64() - 0.5
	}
	for k := range u.L {
		u.L[k] = rng.Float64() - 0.5
	}
	return lagModel{m, x, u}
}

// TestLagMatchesSpelledOut: a model with lags and leads has the statistics, the
// residuals and the Jacobian (structure and values) of the same model with each
// lag written as a sum over an alias restricted to t' = t - k.
func TestLagMatchesSpelledOut(t *testing.T) {
	lag, spelled := buildLagModel(t, false), buildLagModel(t, true)
	sameModel(t, lag.m, spelled.m, "with Lag", "spelled out")
	if st, err := lag.m.Statistics(); err != nil || st.HessianBelowDiagonal == 0 {
		t.Errorf("statistics %+v, %v: no Hessian pairs counted", st, err)
	}
}

// TestLagErrors: a lag along a set the expression does not vary over, or a nil set,
// is an error naming it; printing shows the lag.
func TestLagErrors(t *testing.T) {
	c := nnopt.NewContainer()
	T, j := c.NewSet("t", "1", "2"), c.NewSet("j", "a")
	u := c.NewVariable("u", nnopt.Free, T)
	if err := nnopt.Lag(u, j, 1).Err(); err == nil || !strings.Contains(err.Error(), `Lag along "j"`) {
		t.Errorf("lag along j: %v", err)
	}
	if err := nnopt.Lead(u, nil, 1).Err(); err == nil {
		t.Error("lead along a nil set: no error")
	}
	if s := nnopt.Add(nnopt.Lag(u, T, 2), nnopt.Lead(u, T, 1)).String(); s != "lag(u, t, 2) + lead(u, t, 1)" {
		t.Errorf("printed %q", s)
	}
}

// TestChain: the chain with n = 100, 1000 and 10,000 reaches 100/n (in two iterations:
// the crash basis keeps the states basic and the controls superbasic).
func TestChain(t *testing.T) {
	for _, n := range []int{100, 1000, 10000} {
		m, u, err := testmodels.Chain(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
			t.Fatal(err)
		}
		if m.Status != nnopt.StatusLocallyOptimal || math.Abs(m.ObjectiveValue-100/float64(n)) > 1e-6*100/float64(n) {
			t.Errorf("n = %d: status %v, objective %.10g, want %.10g", n, m.Status, m.ObjectiveValue, 100/float64(n))
		}
		if m.NumIterations > 5 {
			t.Errorf("n = %d: %d iterations, want a handful", n, m.NumIterations)
		}
		if math.Abs(u.L[0]-10/float64(n)) > 1e-5 {
			t.Errorf("n = %d: u(1) = %g, want %g", n, u.L[0], 10/float64(n))
		}
	}
}

// TestNonlinearChain: the nonlinear chain with bounded controls at n = 200 reaches
// scipy SLSQP's objective (bench/peers/nlchain_scipy.py 200: 8.151835255097303, from
// the same start) with the first controls on their bound -1. Its start satisfies
// every step but the first; phase 1 with every artificial basic took a degenerate
// pivot per step before the states could move (266 iterations here, 1,342 at
// n = 1,000) and now starts from the states' basis (35 iterations).
func TestNonlinearChain(t *testing.T) {
	const n, want = 200, 8.151835255097303
	m, x, u, err := testmodels.NonlinearChain(n)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusLocallyOptimal || math.Abs(m.ObjectiveValue-want) > 1e-8*want || m.MaxInfeasibility > 1e-8 {
		t.Fatalf("status %v, objective %.12g, infeasibility %g; want locally optimal at %.12g", m.Status, m.ObjectiveValue, m.MaxInfeasibility, want)
	}
	atBound := 0
	for _, v := range u.L {
		if v == -1 {
			atBound++
		}
	}
	if u.L[0] != -1 || !(u.L[n/2] > -1) || atBound < 10 {
		t.Errorf("u(1) = %g, u(n/2) = %g, %d controls on the bound -1: want u(1) and at least ten on it, u(n/2) off it", u.L[0], u.L[n/2], atBound)
	}
	if x.L[0] != 2 {
		t.Errorf("x(1) = %g, want its fixed value 2", x.L[0])
	}
	if m.NumIterations > 100 {
		t.Errorf("%d iterations: phase 1 crawled through the steps one degenerate pivot at a time", m.NumIterations)
	}
}
