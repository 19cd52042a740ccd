// Command conic solves the reference's conic-programming example in its three
// formulations with nnopt's general reduced-gradient method and checks that they
// agree:
//
//	orig      (NLP)  min Σ d_i/x_i          s.t. a·x ≤ b, l ≤ x ≤ u
//	cqcp      (QCP)  min Σ d_i t_i          s.t. a·x ≤ b, t_i x_i ≥ 1, t ≥ 0, l ≤ x ≤ u
//	cperfect  (QCP)  min Σ d_i t_i          s.t. a·x ≤ b, z_i = √2, 2 x_i t_i ≥ z_i², t ≥ 0, l ≤ x ≤ u
//
//	go run ./examples/conic [-n 10] [-seed 1]
//
// The data follow the reference's recipe, drawn from a seeded generator instead of
// its unseeded uniform draws: d ~ U(1, 2), a ~ U(10, 50), l ~ U(0.1, 10),
// u = l + U(0, 12 - l), a start x⁰ ~ U(l, u), and b = a·x⁰, so that x⁰ is feasible
// and the budget binds. The reference's listing hands orig the equation defobjc
// and cperfect the equation coneqcp; as its text explains, orig is meant with
// defobj (Σ d/x = obj) and cperfect with coneperfect (2·x·t ≥ z²), which is what
// this program solves.
//
// In cperfect, z = √2 defines z, so z stays eliminated by the triangular sweep and the
// rows 2·x·t ≥ z² reach the general method through adjoint sweeps; in the other two the
// rows read free variables only and their Jacobians come from the sparse pattern.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/nnopt/nnopt"
)

// data is one instance of the example.
type data struct {
	d, a, l, u, x0 []float64
	b              float64
}

func newData(n int, seed uint64) data {
	r := rand.New(rand.NewPCG(seed, 0))
	unif := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
	var dt data
	for i := 0; i < n; i++ {
		dt.d = append(dt.d, unif(1, 2))
		dt.a = append(dt.a, unif(10, 50))
		l := unif(0.1, 10)
		dt.l = append(dt.l, l)
		dt.u = append(dt.u, l+unif(0, 12-l))
	}
	for i := 0; i < n; i++ {
		dt.x0 = append(dt.x0, unif(dt.l[i], dt.u[i]))
		dt.b += dt.x0[i] * dt.a[i]
	}
	return dt
}

// conic holds the container and its three models.
type conic struct {
	Orig, CQCP, CPerfect *nnopt.Model
	X, T, Z, Obj         *nnopt.Variable
	E1                   *nnopt.Equation
	E2, Cone, ConePerf   *nnopt.Equation // z = √2, t·x ≥ 1, 2·x·t ≥ z²
	dt                   data
}

func build(dt data) (*conic, error) {
	c := nnopt.NewContainer()
	labels := make([]string, len(dt.d))
	for i := range labels {
		labels[i] = fmt.Sprintf("i%d", i+1)
	}
	n := c.NewSet("n", labels...)
	d, a, b := c.NewParameter("d", n), c.NewParameter("a", n), c.NewParameter("b")
	for _, err := range []error{d.SetValues(dt.d), a.SetValues(dt.a), b.SetValues([]float64{dt.b})} {
		if err != nil {
			return nil, err
		}
	}
	k := &conic{dt: dt}
	k.X = c.NewVariable("x", nnopt.Free, n)
	k.T = c.NewVariable("t", nnopt.Positive, n)
	k.Z = c.NewVariable("z", nnopt.Free, n)
	k.Obj = c.NewVariable("obj", nnopt.Free)
	copy(k.X.Lo, dt.l)
	copy(k.X.Up, dt.u)

	defobjc := c.NewEquation("defobjc")
	defobj := c.NewEquation("defobj")
	k.E1 = c.NewEquation("e1")
	e2 := c.NewEquation("e2", n)
	coneqcp := c.NewEquation("coneqcp", n)
	coneperfect := c.NewEquation("coneperfect", n)
	k.E2, k.Cone, k.ConePerf = e2, coneqcp, coneperfect
	for _, err := range []error{
		defobjc.Define(nnopt.Eq(nnopt.Sum(nnopt.Mul(d, k.T), n), k.Obj)),
		defobj.Define(nnopt.Eq(nnopt.Sum(nnopt.Div(d, k.X), n), k.Obj)),
		k.E1.Define(nnopt.Le(nnopt.Sum(nnopt.Mul(a, k.X), n), b)),
		coneqcp.Define(nnopt.Ge(nnopt.Mul(k.T, k.X), nnopt.Const(1))),
		e2.Define(nnopt.Eq(k.Z, nnopt.Const(math.Sqrt2))),
		coneperfect.Define(nnopt.Ge(nnopt.Mul(nnopt.Mul(nnopt.Const(2), k.X), k.T), nnopt.Sqr(k.Z))),
	} {
		if err != nil {
			return nil, err
		}
	}
	model := func(name string, p nnopt.Problem, eqs ...*nnopt.Equation) (*nnopt.Model, error) {
		return c.NewModel(name, nnopt.ModelSpec{Equations: eqs, Problem: p, Sense: nnopt.Minimize, Objective: k.Obj})
	}
	var err error
	if k.Orig, err = model("orig", nnopt.NLP, defobj, k.E1); err != nil {
		return nil, err
	}
	if k.CQCP, err = model("cqcp", nnopt.QCP, defobjc, k.E1, coneqcp); err != nil {
		return nil, err
	}
	if k.CPerfect, err = model("cperfect", nnopt.QCP, defobjc, k.E1, e2, coneperfect); err != nil {
		return nil, err
	}
	return k, nil
}

// solve solves m from the reference's start: x at x⁰, t and z at 0.
func (k *conic) solve(m *nnopt.Model, log io.Writer) error {
	copy(k.X.L, k.dt.x0)
	clear(k.T.L)
	clear(k.Z.L)
	k.Obj.L[0] = 0
	return m.Solve(context.Background(), nnopt.Options{Output: log})
}

func main() {
	n := flag.Int("n", 10, "number of variables x_i")
	seed := flag.Uint64("seed", 1, "seed of the data")
	verbose := flag.Bool("v", false, "print the solver logs")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "conic: -n must be at least 1")
		os.Exit(2)
	}
	k, err := build(newData(*n, *seed))
	if err != nil {
		fmt.Fprintln(os.Stderr, "conic:", err)
		os.Exit(1)
	}
	var log io.Writer
	if *verbose {
		log = os.Stdout
	}
	for _, m := range []*nnopt.Model{k.Orig, k.CQCP, k.CPerfect} {
		if err := k.solve(m, log); err != nil {
			fmt.Fprintln(os.Stderr, "conic:", err)
			os.Exit(1)
		}
		fmt.Printf("%-9s %-4s %-16s objective %.8f  e1 marginal %.6f  %d iterations\n", m.Name(), m.UsedModelType, m.Status, m.ObjectiveValue, k.E1.M[0], m.NumIterations)
	}
}
