// Command transport solves the reference's transportation LP with nnopt's general
// reduced-gradient method and prints the shipments, the supply and demand marginals
// and the reduced costs of the routes:
//
//	go run ./examples/transport
//	go run ./examples/transport -lp transport.lp     # also write the LP for glpsol
//	go run ./examples/transport -bmult 2              # demand beyond supply: infeasible
//	go run ./examples/transport -free                 # negative shipments: unbounded
//
// Two plants supply three markets; shipping a case costs f·d/1000 (f = 90 per
// case and thousand miles, d the distance in thousands of miles); supply[i] caps what
// plant i ships and demand[j] asks for at least bmult·b[j] at market j. The optimum
// is 153.675 (thousands of dollars).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/nnopt/nnopt"
)

// transport is the model and the symbols the report reads.
type transport struct {
	C              *nnopt.Container
	M              *nnopt.Model
	I, J           *nnopt.Set
	X, Z           *nnopt.Variable
	Supply, Demand *nnopt.Equation
}

// build writes the transportation model. bmult scales the demands (the reference's
// frozen-model example varies it); free lets shipments go negative, which makes the
// LP unbounded (ship t more on two routes and t less on the two crossing ones).
func build(bmult float64, free bool) (*transport, error) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a := c.NewParameter("a", i)
	b := c.NewParameter("b", j)
	d := c.NewParameter("d", i, j)
	f := c.NewParameter("f")
	for _, err := range []error{
		a.SetValues([]float64{350, 600}),
		b.SetValues([]float64{325 * bmult, 300 * bmult, 275 * bmult}),
		d.SetValues([]float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4}),
		f.SetValues([]float64{90}),
	} {
		if err != nil {
			return nil, err
		}
	}
	typ := nnopt.Positive
	if free {
		typ = nnopt.Free
	}
	t := &transport{C: c, I: i, J: j}
	t.X = c.NewVariable("x", typ, i, j)
	t.Z = c.NewVariable("z", nnopt.Free)
	cost := c.NewEquation("cost")
	t.Supply = c.NewEquation("supply", i)
	t.Demand = c.NewEquation("demand", j)
	for _, err := range []error{
		cost.Define(nnopt.Eq(t.Z, nnopt.Sum(nnopt.Mul(nnopt.Div(nnopt.Mul(f, d), nnopt.Const(1000)), t.X), i, j))),
		t.Supply.Define(nnopt.Le(nnopt.Sum(t.X, j), a)),
		t.Demand.Define(nnopt.Ge(nnopt.Sum(t.X, i), b)),
	} {
		if err != nil {
			return nil, err
		}
	}
	var err error
	t.M, err = c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: t.Z})
	return t, err
}

// report prints the solve's outcome, the shipments with their reduced costs and the
// equations' marginals.
func (t *transport) report(w io.Writer) {
	m := t.M
	fmt.Fprintf(w, "status %s (%s), objective %.3f, %d iterations\n", m.Status, m.SolveStatus, m.ObjectiveValue, m.NumIterations)
	if m.Status == nnopt.StatusInfeasible || m.Status == nnopt.StatusLocallyInfeasible {
		fmt.Fprintf(w, "infeasibilities: %d rows, sum %.3f, max %.3f\n", m.NumInfeasibilities, m.SumInfeasibilities, m.MaxInfeasibility)
		return
	}
	if m.Status == nnopt.StatusUnbounded {
		return
	}
	fmt.Fprintf(w, "%-10s %-9s %9s %9s\n", "from", "to", "cases", "marginal")
	for p, from := range t.I.Labels() {
		for q, to := range t.J.Labels() {
			k := p*t.J.Len() + q
			fmt.Fprintf(w, "%-10s %-9s %9.3f %9.3f\n", from, to, t.X.L[k], t.X.M[k])
		}
	}
	for p, l := range t.I.Labels() {
		fmt.Fprintf(w, "supply(%s) marginal %.3f\n", l, t.Supply.M[p])
	}
	for q, l := range t.J.Labels() {
		fmt.Fprintf(w, "demand(%s) marginal %.3f\n", l, t.Demand.M[q])
	}
}

func main() {
	bmult := flag.Float64("bmult", 1, "demand multiplier")
	free := flag.Bool("free", false, "allow negative shipments (the LP becomes unbounded)")
	lp := flag.String("lp", "", "also write the model to this .lp or .mps file")
	verbose := flag.Bool("v", false, "print the solver log")
	flag.Parse()
	t, err := build(*bmult, *free)
	if err != nil {
		fmt.Fprintln(os.Stderr, "transport:", err)
		os.Exit(1)
	}
	if *lp != "" {
		if err := t.M.WriteFile(*lp); err != nil {
			fmt.Fprintln(os.Stderr, "transport:", err)
			os.Exit(1)
		}
	}
	opt := nnopt.Options{}
	if *verbose {
		opt.Output = os.Stdout
	}
	if err := t.M.Solve(context.Background(), opt); err != nil {
		fmt.Fprintln(os.Stderr, "transport:", err)
		os.Exit(1)
	}
	t.report(os.Stdout)
}
