package grg

import (
	"errors"
	"math"
	"testing"

	"github.com/nnopt/nnopt/nlpsolve/sparselu"
)

// TestBasisLUScaled: B = [[2e13, 0], [1, 1]] is sound, but its unit entries are
// 5e-14 of the largest, below the default pivot tolerance relative to it: as it
// is, B is singular to sparselu; with its columns scaled it factors, and the
// solves with B and Bᵀ come back in B's own terms.
func TestBasisLUScaled(t *testing.T) {
	a := sparselu.Matrix{N: 2, ColPtr: []int{0, 2, 3}, RowIdx: []int{0, 1, 1}, Val: []float64{2e13, 1, 1}}
	set := &sparselu.Settings{PivotTolerance: defaultPivotTolerance}
	var b basisLU
	var se *sparselu.SingularError
	if err := b.Factorize(a, set); !errors.As(err, &se) {
		t.Fatalf("unscaled: %v, want a SingularError (the premise of the test)", err)
	}
	b.Scaled = true
	if err := b.Factorize(a, set); err != nil {
		t.Fatalf("scaled: %v", err)
	}
	x := make([]float64, 2)
	// B·(1, 3) = (2e13, 4).
	if err := b.SolveVec(x, []float64{2e13, 4}); err != nil {
		t.Fatal(err)
	}
	if math.Abs(x[0]-1) > 1e-12 || math.Abs(x[1]-3) > 1e-12 {
		t.Errorf("B⁻¹(2e13, 4) = %v, want (1, 3)", x)
	}
	// Bᵀ·(1, 2) = (2e13 + 2, 2).
	if err := b.SolveTransVec(x, []float64{2e13 + 2, 2}); err != nil {
		t.Fatal(err)
	}
	if math.Abs(x[0]-1) > 1e-12 || math.Abs(x[1]-2) > 1e-12 {
		t.Errorf("B⁻ᵀ(2e13 + 2, 2) = %v, want (1, 2)", x)
	}
	// Replacing column 1 by (0, 4): B·(1, 0.75) = (2e13, 4).
	if err := b.Update(1, []int{1}, []float64{4}); err != nil {
		t.Fatal(err)
	}
	if err := b.SolveVec(x, []float64{2e13, 4}); err != nil {
		t.Fatal(err)
	}
	if math.Abs(x[0]-1) > 1e-12 || math.Abs(x[1]-0.75) > 1e-12 {
		t.Errorf("after the update, B⁻¹(2e13, 4) = %v, want (1, 0.75)", x)
	}
}
