package nnopt_test

import (
	"context"
	"fmt"

	"github.com/nnopt/nnopt"
)

// A layer y = tanh(x·w) fitted to a target: the equations define y from w, so the
// solver works on w alone.
func Example() {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b")
	j := c.NewSet("j", "u", "v", "w")
	x := c.NewParameter("x", i, j)
	_ = x.SetValues([]float64{1, 0, 2, 0, 1, -1})
	t := c.NewParameter("t", i)
	_ = t.SetValues([]float64{0.5, -0.25})
	w := c.NewVariable("w", nnopt.Free, j)
	y := c.NewVariable("y", nnopt.Free, i)
	obj := c.NewVariable("obj", nnopt.Free)
	_ = c.NewEquation("layer", i).Define(nnopt.Eq(y, nnopt.Tanh(nnopt.Sum(nnopt.Mul(x, w), j))))
	_ = c.NewEquation("fit").Define(nnopt.Eq(obj, nnopt.Sum(nnopt.Sqr(nnopt.Sub(y, t)), i)))
	m, _ := c.NewModel("fitting", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	st, _ := m.Statistics()
	fmt.Printf("%d constraints, %d variables, %d Jacobian elements (%d nonlinear)\n", st.Constraints, st.Variables, st.JacobianNonzeros, st.NonlinearJacobianNonzeros)
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, %s, objective below 1e-12: %v\n", m.Status, m.SolveStatus, m.ObjectiveValue < 1e-12)
	fmt.Printf("y = %.4f %.4f\n", y.L[0], y.L[1])
	// Output:
	// 3 constraints, 6 variables, 11 Jacobian elements (8 nonlinear)
	// Locally Optimal, Normal Completion, objective below 1e-12: true
	// y = 0.5000 -0.2500
}
