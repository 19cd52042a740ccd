// Command scaling solves the reference's three model-scaling examples with and
// without their scales, prints the rows the solver sees when scaled (from the solver
// log) and checks that both solves give the same solution:
//
//	a  200·x1 + 0.5·x2 ≤ 5, x1 ≤ 0.01, x2 ≤ 10          x1.scale 0.01, x2.scale 10
//	   maximise 500·x1 + x2                             solver sees 2·x1' + 5·x2' ≤ 5
//	b  eq1: 200·y1 + 100·y2 ≤ 500, eq2: 3·y1 - 4·y2 ≥ 6  eq1.scale 100
//	   maximise y1 + y2                                 solver sees 2·y1 + y2 ≤ 5
//	c  eq1: 100·x1 + 5·x2 ≥ 20, eq2: 50·x1 - 10·x2 ≤ 5,  x1.scale 0.1, eq1.scale 5,
//	   x1 ≤ 0.2, x2 ≤ 1.5; minimise 10·x1 + x2           eq2.scale 5; solver sees
//	                                                    2·x1' + x2 ≥ 4, x1' - 2·x2 ≤ 1
//
// Every variable is positive. The reference states no objectives; these are chosen
// so that each optimum is unique and nondegenerate (unique marginals too):
//
//	a  x1 = 0.01, x2 = 6, objective 11, eq marginal 2
//	b  y1 = 26/11, y2 = 3/11, objective 29/11, marginals 7/1100 and -1/11
//	c  x1 = 0.18, x2 = 0.4, objective 2.2, marginals 0.12 and -0.04
//
//	go run ./examples/scaling [-lp DIR]
//
// With -lp the scaled and unscaled models are written as LP files into DIR
// (a.lp, a_scaled.lp, ...), for reading or for another solver.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/lpfile"
)

// example is one of the three models, built with or without its scales.
type example struct {
	Name string
	M    *nnopt.Model
	Vars []*nnopt.Variable
	Eqs  []*nnopt.Equation
}

func lin(coef float64, v *nnopt.Variable) *nnopt.Expr { return nnopt.Mul(nnopt.Const(coef), v) }

func define(eqs []*nnopt.Equation, rels ...*nnopt.Relation) error {
	for i, r := range rels {
		if err := eqs[i].Define(r); err != nil {
			return err
		}
	}
	return nil
}

// buildA is example (a): one row whose coefficients differ by a factor 400, made
// 2 and 5 by scaling the variables.
func buildA(scaled bool) (*example, error) {
	c := nnopt.NewContainer()
	x1, x2 := c.NewVariable("x1", nnopt.Positive), c.NewVariable("x2", nnopt.Positive)
	eq := c.NewEquation("eq")
	if err := define([]*nnopt.Equation{eq}, nnopt.Le(nnopt.Add(lin(200, x1), lin(0.5, x2)), nnopt.Const(5))); err != nil {
		return nil, err
	}
	x1.Up[0], x2.Up[0] = 0.01, 10
	if scaled {
		x1.Scale[0], x2.Scale[0] = 0.01, 10
	}
	m, err := c.NewModel("a", nnopt.ModelSpec{Equations: []*nnopt.Equation{eq}, Problem: nnopt.LP, Sense: nnopt.Maximize,
		Objective: nnopt.Add(lin(500, x1), x2)})
	if err != nil {
		return nil, err
	}
	return &example{"a", m, []*nnopt.Variable{x1, x2}, []*nnopt.Equation{eq}}, nil
}

// buildB is example (b): one row a hundred times larger than the other, scaled by
// its equation's scale.
func buildB(scaled bool) (*example, error) {
	c := nnopt.NewContainer()
	y1, y2 := c.NewVariable("y1", nnopt.Positive), c.NewVariable("y2", nnopt.Positive)
	eqs := []*nnopt.Equation{c.NewEquation("eq1"), c.NewEquation("eq2")}
	if err := define(eqs,
		nnopt.Le(nnopt.Add(lin(200, y1), lin(100, y2)), nnopt.Const(500)),
		nnopt.Ge(nnopt.Sub(lin(3, y1), lin(4, y2)), nnopt.Const(6))); err != nil {
		return nil, err
	}
	if scaled {
		eqs[0].Scale[0] = 100
	}
	m, err := c.NewModel("b", nnopt.ModelSpec{Equations: eqs, Problem: nnopt.LP, Sense: nnopt.Maximize, Objective: nnopt.Add(y1, y2)})
	if err != nil {
		return nil, err
	}
	return &example{"b", m, []*nnopt.Variable{y1, y2}, eqs}, nil
}

// buildC is example (c): variable and equation scales together.
func buildC(scaled bool) (*example, error) {
	c := nnopt.NewContainer()
	x1, x2 := c.NewVariable("x1", nnopt.Positive), c.NewVariable("x2", nnopt.Positive)
	eqs := []*nnopt.Equation{c.NewEquation("eq1"), c.NewEquation("eq2")}
	if err := define(eqs,
		nnopt.Ge(nnopt.Add(lin(100, x1), lin(5, x2)), nnopt.Const(20)),
		nnopt.Le(nnopt.Sub(lin(50, x1), lin(10, x2)), nnopt.Const(5))); err != nil {
		return nil, err
	}
	x1.Up[0], x2.Up[0] = 0.2, 1.5
	if scaled {
		x1.Scale[0], eqs[0].Scale[0], eqs[1].Scale[0] = 0.1, 5, 5
	}
	m, err := c.NewModel("c", nnopt.ModelSpec{Equations: eqs, Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: nnopt.Add(lin(10, x1), x2)})
	if err != nil {
		return nil, err
	}
	return &example{"c", m, []*nnopt.Variable{x1, x2}, eqs}, nil
}

var builders = []func(bool) (*example, error){buildA, buildB, buildC}

// solve solves ex with nnopt's method, named: its log shows the scaling that
// these examples are about (the default LP solver, Clp where it loads, scales
// by its own rules).
func (ex *example) solve(log io.Writer) error {
	return ex.M.Solve(context.Background(), nnopt.Options{Output: log, Solvers: map[nnopt.Problem]string{nnopt.LP: nnopt.SolverName}})
}

// maxRelDiff is the largest relative difference of the levels, marginals and
// objective of two solves of the same example.
func maxRelDiff(a, b *example) float64 {
	rel := func(x, y float64) float64 { return math.Abs(x-y) / math.Max(1, math.Max(math.Abs(x), math.Abs(y))) }
	d := rel(a.M.ObjectiveValue, b.M.ObjectiveValue)
	for i, v := range a.Vars {
		d = math.Max(d, math.Max(rel(v.L[0], b.Vars[i].L[0]), rel(v.M[0], b.Vars[i].M[0])))
	}
	for i, e := range a.Eqs {
		d = math.Max(d, rel(e.M[0], b.Eqs[i].M[0]))
	}
	return d
}

func run(w io.Writer, lpDir string) error {
	for _, build := range builders {
		plain, err := build(false)
		if err != nil {
			return err
		}
		scaled, err := build(true)
		if err != nil {
			return err
		}
		if err := plain.solve(nil); err != nil {
			return err
		}
		fmt.Fprintf(w, "=== example %s: solver log of the scaled model\n", scaled.Name)
		if err := scaled.solve(w); err != nil {
			return err
		}
		for _, ex := range []*example{plain, scaled} {
			kind := "unscaled"
			if ex == scaled {
				kind = "scaled  "
			}
			fmt.Fprintf(w, "%s %s: %v, objective %.10g;", ex.Name, kind, ex.M.Status, ex.M.ObjectiveValue)
			for _, v := range ex.Vars {
				fmt.Fprintf(w, " %s %.10g (marginal %.10g)", v.Name(), v.L[0], v.M[0])
			}
			for _, e := range ex.Eqs {
				fmt.Fprintf(w, " %s marginal %.10g", e.Name(), e.M[0])
			}
			fmt.Fprintln(w)
		}
		d := maxRelDiff(plain, scaled)
		fmt.Fprintf(w, "%s: largest relative difference scaled vs unscaled %.3g\n\n", plain.Name, d)
		if d > 1e-9 {
			return fmt.Errorf("example %s: scaled and unscaled solutions differ by %g", plain.Name, d)
		}
		if lpDir != "" {
			if err := plain.M.WriteFile(filepath.Join(lpDir, plain.Name+".lp")); err != nil {
				return err
			}
			p, err := scaled.M.LinearProgram(nnopt.LPOptions{Scaled: true})
			if err != nil {
				return err
			}
			if err := lpfile.WriteFile(filepath.Join(lpDir, scaled.Name+"_scaled.lp"), p); err != nil {
				return err
			}
		}
	}
	return nil
}

func main() {
	lpDir := flag.String("lp", "", "write the unscaled and scaled models as LP files into this directory")
	flag.Parse()
	if err := run(os.Stdout, *lpDir); err != nil {
		fmt.Fprintln(os.Stderr, "scaling:", err)
		os.Exit(1)
	}
}
