package nnopt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nnopt/nnopt"
)

// A model saved to a file and solved later, by another program or on another
// machine: the file holds the sets, the data, the equations and the options.
func ExampleLoadModel() {
	dir, err := os.MkdirTemp("", "nnopt-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "transport.nnopt")

	// Build the transportation model and save it.
	{
		c := nnopt.NewContainer()
		i := c.NewSet("i", "seattle", "san-diego")
		j := c.NewSet("j", "new-york", "chicago", "topeka")
		a, b, d := c.NewParameter("a", i), c.NewParameter("b", j), c.NewParameter("d", i, j)
		_ = a.SetValues([]float64{350, 600})
		_ = b.SetValues([]float64{325, 300, 275})
		_ = d.SetValues([]float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4})
		x := c.NewVariable("x", nnopt.Positive, i, j)
		_ = c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a))
		_ = c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), b))
		cost := nnopt.Sum(nnopt.Mul(nnopt.Mul(nnopt.Const(90.0/1000), d), x), i, j)
		m, _ := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: cost})
		m.Options.IterationLimit = 1000
		if err := m.Save(path); err != nil {
			fmt.Println(err)
			return
		}
	}

	// Later: load it and solve it.
	c, m, err := nnopt.LoadModel(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %v, cost %.3f (iteration limit %d from the file)\n", m.Name(), m.Status, m.ObjectiveValue, m.Options.IterationLimit)
	x := c.Lookup("x").(*nnopt.Variable)
	fmt.Printf("shipped from seattle: %.0f\n", x.L[0]+x.L[1]+x.L[2])
	// Output:
	// transport: Optimal, cost 153.675 (iteration limit 1000 from the file)
	// shipped from seattle: 350
}
