package remote_test

import (
	"context"
	"fmt"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/remote"
)

// The reference's transport LP solved by a worker of an embedded server, once
// synchronously and then for three demand multipliers asynchronously, as scenarios
// of the frozen model.
func ExampleStartLocal() {
	ctx := context.Background()
	l, err := remote.StartLocal(ctx, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	client, err := l.Connect()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	c := nnopt.NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a, b, d, bmult := c.NewParameter("a", i), c.NewParameter("b", j), c.NewParameter("d", i, j), c.NewParameter("bmult")
	_ = a.SetValues([]float64{350, 600})
	_ = b.SetValues([]float64{325, 300, 275})
	_ = d.SetValues([]float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4})
	_ = bmult.SetValues([]float64{1})
	x := c.NewVariable("x", nnopt.Positive, i, j)
	z := c.NewVariable("z", nnopt.Free)
	_ = c.NewEquation("cost").Define(nnopt.Eq(z, nnopt.Sum(nnopt.Mul(nnopt.Mul(nnopt.Const(0.09), d), x), i, j)))
	_ = c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a))
	_ = c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), nnopt.Mul(bmult, b)))
	m, _ := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: z})

	if err := client.Solve(ctx, m, nnopt.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("remote: %s, cost %.3f\n", m.Status, m.ObjectiveValue)

	if err := m.Freeze(bmult); err != nil {
		fmt.Println(err)
		return
	}
	mults := []float64{0.8, 0.9, 1.2}
	var toks []remote.Token
	for _, v := range mults {
		bmult.Values[0] = v
		tok, err := client.Submit(ctx, m, nnopt.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		toks = append(toks, tok)
	}
	bmultVar := c.Lookup("bmult_var").(*nnopt.Variable)
	for k, tok := range toks {
		if err := client.Result(ctx, tok, m); err != nil {
			fmt.Println(err)
			return
		}
		if m.Status != nnopt.StatusOptimal {
			fmt.Printf("bmult %.1f: %s\n", mults[k], m.Status)
			continue
		}
		fmt.Printf("bmult %.1f: %s, cost %.4f, d(cost)/d(bmult) %.4f\n", mults[k], m.Status, m.ObjectiveValue, bmultVar.M[0])
	}
	// Output:
	// remote: Optimal, cost 153.675
	// bmult 0.8: Optimal, cost 122.9400, d(cost)/d(bmult) 153.6750
	// bmult 0.9: Optimal, cost 138.3075, d(cost)/d(bmult) 153.6750
	// bmult 1.2: Infeasible
}
