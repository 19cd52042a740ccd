package simplex

import (
	"math"
	"math/rand/v2"
	"testing"
)

// boxed is a random multi-dimensional knapsack LP: max Σ c_j·x_j subject to
// A·x ≤ b with m rows, 0 ≤ x ≤ 1 over n columns, c and A uniform on (0, 1), and
// b a fifth of each row's sum. From the slack basis every column's cost prefers
// its upper bound: the dual method starts with every column flipped there and
// every row violated.
func boxed(m, n int, seed uint64) *Problem {
	r := rand.New(rand.NewPCG(seed, uint64(m*1000+n)))
	lp := &Problem{N: n, M: m, ColPtr: make([]int, n+1), C: make([]float64, n), Lo: make([]float64, n), Up: make([]float64, n),
		RowLo: make([]float64, m), RowUp: make([]float64, m)}
	sum := make([]float64, m)
	for k := 0; k < n; k++ {
		lp.C[k] = -r.Float64() // min -c·x
		lp.Up[k] = 1
		for i := 0; i < m; i++ {
			a := r.Float64()
			sum[i] += a
			lp.RowIdx = append(lp.RowIdx, i)
			lp.Val = append(lp.Val, a)
		}
		lp.ColPtr[k+1] = len(lp.RowIdx)
	}
	for i := range sum {
		lp.RowLo[i], lp.RowUp[i] = math.Inf(-1), sum[i]/5
	}
	return lp
}

// TestBoxedDual: the knapsack LP of 20 rows and 400 boxed columns. With the
// bound-flipping ratio test the dual method takes it from the all-flipped start
// in 57 iterations; before, a start that flips more than a fifth of the rows
// was left to the primal method (229 iterations). The optimum is the primal
// method's alone (NoDual).
func TestBoxedDual(t *testing.T) {
	lp := boxed(20, 400, 1)
	primal, err := Solve(lp, &Settings{NoDual: true})
	if err != nil || primal.Status != Optimal {
		t.Fatalf("primal: %v, %v", primal.Status, err)
	}
	res, err := Solve(lp, nil)
	if err != nil || res.Status != Optimal {
		t.Fatalf("%v, %v", res.Status, err)
	}
	if math.Abs(res.Objective-primal.Objective) > 1e-9*math.Abs(primal.Objective) || res.Iterations > 100 {
		t.Errorf("objective %.12g in %d iterations; want the primal method's %.12g in at most 100", res.Objective, res.Iterations, primal.Objective)
	}
}
