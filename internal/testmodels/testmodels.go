// Package testmodels builds the models that tests and benchmarks share: a random
// sparse LP and an optimal-control chain.
package testmodels

import (
	"fmt"
	"math/rand/v2"

	"github.com/nnopt/nnopt"
)

// SparseLP builds the LP min Σ_j c_j·x_j subject to Σ_j A_ij·x_j ≤ b_i for i, j in
// 1..n, 0 ≤ x ≤ 1, with nnz coefficients A_ij at distinct random positions (a sparse
// parameter), b_i = 1 and c_j = -1, from the seed.
func SparseLP(n, nnz int, seed uint64) (*nnopt.Model, error) {
	if nnz > n*n {
		return nil, fmt.Errorf("testmodels: %d coefficients do not fit a %d x %d matrix", nnz, n, n)
	}
	c := nnopt.NewContainer()
	rows, cols := make([]string, n), make([]string, n)
	for k := range rows {
		rows[k], cols[k] = fmt.Sprint("r", k+1), fmt.Sprint("c", k+1)
	}
	i, err := c.AddSet("i", rows...)
	if err != nil {
		return nil, err
	}
	j, err := c.AddSet("j", cols...)
	if err != nil {
		return nil, err
	}
	a, err := c.AddSparseParameter("A", i, j)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	seen := make(map[[2]int]bool, nnz)
	labels, values := make([][]string, 0, nnz), make([]float64, 0, nnz)
	for len(labels) < nnz {
		r, q := rng.IntN(n), rng.IntN(n)
		if seen[[2]int{r, q}] {
			continue
		}
		seen[[2]int{r, q}] = true
		labels = append(labels, []string{rows[r], cols[q]})
		values = append(values, 0.5+rng.Float64())
	}
	if err := a.SetRecords(labels, values); err != nil {
		return nil, err
	}
	b, err := c.AddParameter("b", i)
	if err != nil {
		return nil, err
	}
	cost, err := c.AddParameter("cost", j)
	if err != nil {
		return nil, err
	}
	for k := range b.Values {
		b.Values[k], cost.Values[k] = 1, -1
	}
	x, err := c.AddVariable("x", nnopt.Positive, j)
	if err != nil {
		return nil, err
	}
	for k := range x.Up {
		x.Up[k] = 1
	}
	row, err := c.AddEquation("row", i)
	if err != nil {
		return nil, err
	}
	if err := row.Define(nnopt.Le(nnopt.Sum(nnopt.Mul(a, x), j), b)); err != nil {
		return nil, err
	}
	return c.NewModel("sparselp", nnopt.ModelSpec{Equations: []*nnopt.Equation{row}, Problem: nnopt.LP, Sense: nnopt.Minimize,
		Objective: nnopt.Sum(nnopt.Mul(cost, x), j)})
}

// Chain is the optimal-control chain x(t) = x(t-1) + u(t-1) for t > 1 with x(first)
// fixed at 0, min Σ_{t<last} u(t)² + (x(last) - 10)², written with Lag and Elem;
// its optimum is 100/n, at u = 10/n. It returns the model and u.
func Chain(n int) (*nnopt.Model, *nnopt.Variable, error) {
	c := nnopt.NewContainer()
	t, err := timeSet(c, n)
	if err != nil {
		return nil, nil, err
	}
	x, u := c.NewVariable("x", nnopt.Free, t), c.NewVariable("u", nnopt.Free, t)
	x.Lo[0], x.Up[0] = 0, 0
	u.Lo[n-1], u.Up[n-1] = 0, 0 // u(last) plays no part
	later := c.NewSubset("later", t)
	mask := make([]bool, n)
	for k := 1; k < n; k++ {
		mask[k] = true
	}
	if err := later.SetMask(mask); err != nil {
		return nil, nil, err
	}
	step := c.NewEquation("step", t)
	if err := step.Define(nnopt.Eq(x, nnopt.Add(nnopt.Lag(x, t, 1), nnopt.Lag(u, t, 1)))); err != nil {
		return nil, nil, err
	}
	if err := step.Where(later); err != nil {
		return nil, nil, err
	}
	obj := nnopt.Add(nnopt.Sum(nnopt.Sqr(u), t), nnopt.Sqr(nnopt.Sub(x.Elem(fmt.Sprint("t", n)), nnopt.Const(10))))
	m, err := c.NewModel("chain", nnopt.ModelSpec{Equations: []*nnopt.Equation{step}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	return m, u, err
}

// NonlinearChain is a nonlinear optimal-control chain with bounded controls, the
// scalable constrained NLP of issue 21's benchmarks: over n time points of a horizon
// of 10 (step h = 10/(n-1)),
//
//	x(t) = x(t-1) + h·(sin(x(t-1))/2 + u(t-1))   for t > 1,   x(first) = 2,
//	-1 ≤ u(t) ≤ 1,   u(last) = 0,
//	min h·Σ_t (x(t)² + u(t)²).
//
// The drift sin(x)/2 pushes the state up and the bounded control overcomes it, so u
// sits at its bound -1 for the first part of the horizon and is free afterwards: the
// solution has an active set to find, not only a smooth interior. The
// discretization converges as n grows, so the optimal objective approaches a limit
// and a solve at one n can be checked against another. It returns the model, x and
// u.
func NonlinearChain(n int) (*nnopt.Model, *nnopt.Variable, *nnopt.Variable, error) {
	if n < 2 {
		return nil, nil, nil, fmt.Errorf("testmodels: NonlinearChain needs n >= 2 time points, got %d", n)
	}
	c := nnopt.NewContainer()
	t, err := timeSet(c, n)
	if err != nil {
		return nil, nil, nil, err
	}
	x, u := c.NewVariable("x", nnopt.Free, t), c.NewVariable("u", nnopt.Free, t)
	x.Lo[0], x.Up[0], x.L[0] = 2, 2, 2
	for k := range u.Lo {
		u.Lo[k], u.Up[k] = -1, 1
	}
	u.Lo[n-1], u.Up[n-1] = 0, 0
	later := c.NewSubset("later", t)
	mask := make([]bool, n)
	for k := 1; k < n; k++ {
		mask[k] = true
	}
	if err := later.SetMask(mask); err != nil {
		return nil, nil, nil, err
	}
	h := nnopt.Const(10 / float64(n-1))
	step := c.NewEquation("step", t)
	prev := nnopt.Lag(x, t, 1)
	if err := step.Define(nnopt.Eq(x, nnopt.Add(prev, nnopt.Mul(h, nnopt.Add(nnopt.Mul(nnopt.Const(0.5), nnopt.Sin(prev)), nnopt.Lag(u, t, 1)))))); err != nil {
		return nil, nil, nil, err
	}
	if err := step.Where(later); err != nil {
		return nil, nil, nil, err
	}
	obj := nnopt.Mul(h, nnopt.Sum(nnopt.Add(nnopt.Sqr(x), nnopt.Sqr(u)), t))
	m, err := c.NewModel("nlchain", nnopt.ModelSpec{Equations: []*nnopt.Equation{step}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	return m, x, u, err
}

// timeSet adds the set t of n time points t1 … tn to c.
func timeSet(c *nnopt.Container, n int) (*nnopt.Set, error) {
	labels := make([]string, n)
	for k := range labels {
		labels[k] = fmt.Sprint("t", k+1)
	}
	return c.AddSet("t", labels...)
}
