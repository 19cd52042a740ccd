package grg

import (
	"math"

	"github.com/nnopt/nnopt/nlpsolve/sparselu"
)

// basisLU is the basis factorization, with every column divided by the power of
// two at or above its largest |entry| where Scaled is set (the caller sets it when
// the basis could not be factored as it is, however many columns it replaced).
// sparselu's pivot and drop tolerances are relative to the largest entry of the
// whole matrix, and with one column of 2e13 (1/x1² near x1's bound, HS114 from a
// perturbed start) the unit columns of the artificials fell below them. Scaling
// every basis, not only those, changed the pivots of sound ones and the paths of
// other problems (HS109 with its rows times 1e3 to a failed phase 1). Bx = b is
// x = S·B̂⁻¹b and Bᵀy = c is B̂ᵀy = S·c, for B̂ = B·S, S = diag(scale).
type basisLU struct {
	lu sparselu.LU
	// Scaled makes Factorize scale the columns; it holds until the next
	// Factorize without it.
	Scaled bool
	scaled bool      // the factorization in lu is of scaled columns (scale)
	scale  []float64 // of each basis position's column, when scaled
	work   []float64
	vals   []float64
}

// columnScale is the power of two that brings v's largest |entry| into (0.5, 1],
// or 1 for a column that is non-finite or zero to 1e-150 (scaled up, its entries
// could overflow; it is as good as zero to the factorization either way).
func columnScale(v []float64) float64 {
	big := 0.0
	for _, a := range v {
		big = math.Max(big, math.Abs(a))
	}
	if !(big > 1e-150) || math.IsInf(big, 0) {
		return 1
	}
	_, e := math.Frexp(big) // big = f·2^e, f in [0.5, 1)
	return math.Ldexp(1, -e)
}

// Factorize factors a (the basis columns in position order), scaled where
// Scaled is set.
func (b *basisLU) Factorize(a sparselu.Matrix, set *sparselu.Settings) error {
	b.scaled = b.Scaled
	if !b.scaled {
		return b.lu.Factorize(a, set)
	}
	if len(b.scale) != a.N {
		b.scale, b.work = make([]float64, a.N), make([]float64, a.N)
	}
	b.vals = append(b.vals[:0], a.Val...)
	for p := 0; p < a.N; p++ {
		v := b.vals[a.ColPtr[p]:a.ColPtr[p+1]]
		sc := columnScale(v)
		b.scale[p] = sc
		for k := range v {
			v[k] *= sc
		}
	}
	a.Val = b.vals
	return b.lu.Factorize(a, set)
}

// Update replaces the column at position p by (rowIdx, val), scaled.
func (b *basisLU) Update(p int, rowIdx []int, val []float64) error {
	if !b.scaled {
		return b.lu.Update(p, rowIdx, val)
	}
	sc := columnScale(val)
	b.vals = append(b.vals[:0], val...)
	for k := range b.vals {
		b.vals[k] *= sc
	}
	if err := b.lu.Update(p, rowIdx, b.vals); err != nil {
		return err
	}
	b.scale[p] = sc
	return nil
}

// SolveVec stores B⁻¹b in dst.
func (b *basisLU) SolveVec(dst, rhs []float64) error {
	if err := b.lu.SolveVec(dst, rhs); err != nil || !b.scaled {
		return err
	}
	for p, sc := range b.scale {
		dst[p] *= sc
	}
	return nil
}

// SolveTransVec stores B⁻ᵀc in dst.
func (b *basisLU) SolveTransVec(dst, c []float64) error {
	if !b.scaled || len(c) != len(b.scale) {
		return b.lu.SolveTransVec(dst, c) // sparselu reports the length
	}
	for p, sc := range b.scale {
		b.work[p] = c[p] * sc
	}
	return b.lu.SolveTransVec(dst, b.work)
}

// NeedsRefactor reports whether the factorization should be redone.
func (b *basisLU) NeedsRefactor() bool { return b.lu.NeedsRefactor() }
