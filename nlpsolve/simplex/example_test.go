package simplex_test

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt/nlpsolve/simplex"
)

// A small production plan: max x + y subject to x + 2y ≤ 4 and 3x + y ≤ 6,
// minimised as -x - y. The duals are the objective's change per unit of each
// row's bound.
func ExampleSolve() {
	inf := math.Inf(1)
	p := &simplex.Problem{
		N: 2, M: 2,
		// A in compressed columns: x has 1 and 3, y has 2 and 1.
		ColPtr: []int{0, 2, 4}, RowIdx: []int{0, 1, 0, 1}, Val: []float64{1, 3, 2, 1},
		C:  []float64{-1, -1},
		Lo: []float64{0, 0}, Up: []float64{inf, inf},
		RowLo: []float64{-inf, -inf}, RowUp: []float64{4, 6},
	}
	res, err := simplex.Solve(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v: objective %.2f at x = %.2f, y = %.2f\n", res.Status, res.Objective, res.X[0], res.X[1])
	fmt.Printf("duals %.2f %.2f\n", res.Duals[0], res.Duals[1])
	// Output:
	// optimal: objective -2.80 at x = 1.60, y = 1.20
	// duals -0.40 -0.20
}
