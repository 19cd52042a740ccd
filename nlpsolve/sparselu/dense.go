package sparselu

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

const (
	// denseMin is the smallest active submatrix handed to the dense phase;
	// below it the sparse code is cheap whatever the density.
	denseMin = 16
	// denseMaxEntries caps the dense phase at 2^27 entries (1 GiB).
	denseMaxEntries = 1 << 27
)

// factorDense factors the remaining active submatrix (all unpivoted rows by
// the active columns) as a dense matrix and appends its pivots, L and U.
//
// Partial pivoting picks the largest entry of each column, so it meets any
// threshold u ≤ 1. The blocked LAPACK routine cannot skip a column whose
// largest entry is below the pivot tolerance, so if it meets one the bump is
// refactored by the unblocked rank-revealing loop in denseRank instead.
func (w *factorWork) factorDense(lu *LU) {
	n := w.n
	var rows, cols []int32
	for i := 0; i < n; i++ {
		if !w.rowDone[i] {
			w.mark[i] = int32(len(rows))
			rows = append(rows, int32(i))
		}
	}
	for j := 0; j < n; j++ {
		if !w.colDone[j] {
			cols = append(cols, int32(j))
		}
	}
	mr, mc := len(rows), len(cols)
	if cap(w.denseBuf) < mr*mc {
		w.denseBuf = make([]float64, mr*mc)
	}
	a := w.denseBuf[:mr*mc]
	load := func() {
		clear(a)
		for c, j := range cols {
			vals := w.colVal[j]
			for t, i := range w.colIdx[j] {
				a[int(w.mark[i])*mc+c] = vals[t]
			}
		}
	}
	load()
	ipiv := make([]int, mc)
	lapack64.Getrf(blas64.General{Rows: mr, Cols: mc, Stride: mc, Data: a}, ipiv)
	perm := make([]int, mr)
	for i := range perm {
		perm[i] = i
	}
	for k, p := range ipiv {
		perm[k], perm[p] = perm[p], perm[k]
	}
	pivCol := make([]int, mc) // column of a pivoted at step k
	for k := range pivCol {
		pivCol[k] = k
	}
	steps := mc
	for k := 0; k < mc; k++ {
		if math.Abs(a[k*mc+k]) < w.pivTol {
			load()
			for i := range perm {
				perm[i] = i
			}
			steps = denseRank(a, mr, mc, w.pivTol, perm, pivCol)
			break
		}
	}
	for _, i := range rows {
		w.mark[i] = 0
	}

	drop := w.dropTol
	for k := 0; k < steps; k++ {
		c := pivCol[k]
		d := a[k*mc+c]
		lu.pivRow = append(lu.pivRow, rows[perm[k]])
		lu.pivCol = append(lu.pivCol, cols[c])
		lu.diag = append(lu.diag, d)
		w.colDone[cols[c]] = true
		w.rowDone[rows[perm[k]]] = true
		w.maxElem = math.Max(w.maxElem, math.Abs(d))
		// U: entries of row k in columns pivoted later.
		for kk := k + 1; kk < steps; kk++ {
			cc := pivCol[kk]
			if v := a[k*mc+cc]; math.Abs(v) > drop {
				lu.uCol = append(lu.uCol, cols[cc])
				lu.uVal = append(lu.uVal, v)
				w.maxElem = math.Max(w.maxElem, math.Abs(v))
			}
		}
		lu.uStart = append(lu.uStart, len(lu.uCol))
		nl := 0
		for i := k + 1; i < mr; i++ {
			if l := a[i*mc+c]; math.Abs(l*d) > drop {
				lu.lRow = append(lu.lRow, rows[perm[i]])
				lu.lVal = append(lu.lVal, l)
				nl++
			}
		}
		if nl > 0 {
			lu.lPiv = append(lu.lPiv, rows[perm[k]])
			lu.lStart = append(lu.lStart, len(lu.lRow))
		}
	}
	// Columns without a pivot are dependent; finishSingular pairs them.
	for j := range cols {
		w.colIdx[cols[j]] = w.colIdx[cols[j]][:0]
		w.colVal[cols[j]] = w.colVal[cols[j]][:0]
	}
	w.active, w.nnz = 0, 0
}

// denseRank is Gaussian elimination with partial pivoting on the row-major
// mr×mc matrix a that skips (leaves dependent) every column whose largest
// remaining entry is below tol. Step k pivots on row k (after row swaps, which
// are recorded in perm) and column pivCol[k]; multipliers are stored below the
// pivot as in LAPACK. It returns the number of steps.
func denseRank(a []float64, mr, mc int, tol float64, perm, pivCol []int) int {
	k := 0
	for c := 0; c < mc && k < mr; c++ {
		p, big := k, 0.0
		for i := k; i < mr; i++ {
			if v := math.Abs(a[i*mc+c]); v > big {
				p, big = i, v
			}
		}
		if big < tol {
			continue
		}
		if p != k {
			rk, rp := a[k*mc:(k+1)*mc], a[p*mc:(p+1)*mc]
			for t := range rk {
				rk[t], rp[t] = rp[t], rk[t]
			}
			perm[k], perm[p] = perm[p], perm[k]
		}
		d := a[k*mc+c]
		urow := a[k*mc+c+1 : (k+1)*mc]
		for i := k + 1; i < mr; i++ {
			l := a[i*mc+c] / d
			a[i*mc+c] = l
			if l == 0 {
				continue
			}
			row := a[i*mc+c+1 : (i+1)*mc]
			for t, u := range urow {
				row[t] -= l * u
			}
		}
		pivCol[k] = c
		k++
	}
	return k
}
