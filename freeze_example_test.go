package nnopt_test

import (
	"context"
	"fmt"

	"github.com/nnopt/nnopt"
)

// A frozen model solved for several values of a parameter without being generated
// again. The optimum of min (x - p)² + q·x is x = p - q/2 with value q·p - q²/4, so
// the sensitivities that q_var and p_var carry are p - q/2 and q.
func ExampleModel_Freeze() {
	c := nnopt.NewContainer()
	p, q := c.NewParameter("p"), c.NewParameter("q")
	p.Values[0] = 3
	x := c.NewVariable("x", nnopt.Free)
	obj := c.NewVariable("obj", nnopt.Free)
	_ = c.NewEquation("def").Define(nnopt.Eq(obj, nnopt.Add(nnopt.Sqr(nnopt.Sub(x, p)), nnopt.Mul(q, x))))
	m, _ := c.NewModel("m", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})

	if err := m.Freeze(q); err != nil {
		fmt.Println(err)
		return
	}
	qv := c.Lookup("q_var").(*nnopt.Variable)
	for _, v := range []float64{1, 2, 4} {
		q.Values[0] = v
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("q = %g: x = %.4f, objective %.4f, d(objective)/dq = %.4f\n", qv.L[0], x.L[0], m.ObjectiveValue, qv.M[0])
	}
	p.Values[0] = 10 // not modifiable: the frozen instance keeps p = 3
	_ = m.Solve(context.Background(), nnopt.Options{})
	fmt.Printf("p changed, still frozen: x = %.4f\n", x.L[0])
	m.Unfreeze()
	_ = m.Solve(context.Background(), nnopt.Options{})
	fmt.Printf("unfrozen: x = %.4f\n", x.L[0])
	// Output:
	// q = 1: x = 2.5000, objective 2.7500, d(objective)/dq = 2.5000
	// q = 2: x = 2.0000, objective 5.0000, d(objective)/dq = 2.0000
	// q = 4: x = 1.0000, objective 8.0000, d(objective)/dq = 1.0000
	// p changed, still frozen: x = 1.0000
	// unfrozen: x = 8.0000
}
