package nnopt_test

import (
	"fmt"

	"github.com/nnopt/nnopt"
)

// Pairs {u(k), v(k)} of which at most one is nonzero, one special ordered set per
// k: a MIP, which Cbc solves by branching on the sets and the LP file writes in
// its SOS section.
func ExampleContainer_AddSOS1() {
	c := nnopt.NewContainer()
	k := c.NewSet("k", "k1", "k2")
	u, v := c.NewVariable("u", nnopt.Positive, k), c.NewVariable("v", nnopt.Positive, k)
	for q := range u.Up {
		u.Up[q], v.Up[q] = 1, 1
	}
	c.NewSOS1("pair", []*nnopt.Variable{u, v}, k)
	m, err := c.NewModel("pairs", nnopt.ModelSpec{Problem: nnopt.MIP, Sense: nnopt.Maximize,
		Objective: nnopt.Add(nnopt.Sum(u, k), nnopt.Sum(v, k))})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := m.LinearProgram(nnopt.LPOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range p.SOS {
		fmt.Print(s.Name, ":")
		for _, e := range s.Entries {
			fmt.Printf(" %s:%g", p.Columns[e.Index].Name, e.Coef)
		}
		fmt.Println()
	}
	fmt.Println(m.CheckType(nnopt.LP) != nil, m.CheckType(nnopt.MIP) == nil)
	// Output:
	// pair(k1): u(k1):1 v(k1):2
	// pair(k2): u(k2):1 v(k2):2
	// true true
}
