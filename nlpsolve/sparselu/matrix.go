// Package sparselu factors square sparse matrices as P·B·Q = L·U and keeps the
// factorization current through column replacements, the way a reduced-gradient
// (GRG) or simplex method needs it for its basis matrix.
//
// The factorization chooses pivots by the Markowitz rule (smallest (r-1)(c-1)
// among a few candidate columns and rows of lowest count) subject to threshold
// partial pivoting: a pivot must be at least Threshold times the largest magnitude
// in its column, which bounds every multiplier in L by 1/Threshold. This is the
// usual compromise between sparsity and stability (Suhl & Suhl 1990; LUSOL).
//
// A basis change replaces one column of B. Rather than refactor, Update appends a
// product-form eta (B' = B·E, E the identity with one column replaced by B⁻¹a);
// solves then apply the etas after (FTRAN) or before (BTRAN) the LU factors. The
// eta file grows with each update, so the caller should refactor when
// NeedsRefactor reports so.
//
// Rank-deficient matrices are not an error the caller cannot use: Factorize
// returns a *SingularError naming the columns that could not be pivoted, and the
// factorization it leaves is that of B with each such column replaced by the unit
// column of an unpivoted row, which is exactly the slack a GRG basis would put in.
package sparselu

import (
	"fmt"
	"math"
)

// Matrix is a square sparse matrix in compressed column form: the entries of
// column j are RowIdx[ColPtr[j]:ColPtr[j+1]] with values Val[...] in the same
// positions. Row indices within a column need not be sorted, but a row may
// appear only once per column.
type Matrix struct {
	N      int
	ColPtr []int
	RowIdx []int
	Val    []float64
}

// MatrixError reports malformed input: which array, which position, and what
// was expected there.
type MatrixError struct {
	Field string // "N", "ColPtr", "RowIdx", "Val"
	Index int    // position in Field, or -1
	Msg   string
}

func (e *MatrixError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("sparselu: %s[%d]: %s", e.Field, e.Index, e.Msg)
	}
	return fmt.Sprintf("sparselu: %s: %s", e.Field, e.Msg)
}

// Validate checks the compressed-column structure. It is called by Factorize;
// a caller can use it to check a matrix it builds once and factors often.
func (m Matrix) Validate() error {
	n := m.N
	if n <= 0 {
		return &MatrixError{"N", -1, fmt.Sprintf("got %d, want a positive dimension", n)}
	}
	if len(m.ColPtr) != n+1 {
		return &MatrixError{"ColPtr", -1, fmt.Sprintf("length %d, want N+1 = %d", len(m.ColPtr), n+1)}
	}
	if m.ColPtr[0] != 0 {
		return &MatrixError{"ColPtr", 0, fmt.Sprintf("got %d, want 0", m.ColPtr[0])}
	}
	for j := 0; j < n; j++ {
		if m.ColPtr[j+1] < m.ColPtr[j] {
			return &MatrixError{"ColPtr", j + 1, fmt.Sprintf("got %d < ColPtr[%d] = %d, want non-decreasing column pointers", m.ColPtr[j+1], j, m.ColPtr[j])}
		}
	}
	nnz := m.ColPtr[n]
	if len(m.RowIdx) != nnz {
		return &MatrixError{"RowIdx", -1, fmt.Sprintf("length %d, want ColPtr[N] = %d", len(m.RowIdx), nnz)}
	}
	if len(m.Val) != nnz {
		return &MatrixError{"Val", -1, fmt.Sprintf("length %d, want ColPtr[N] = %d", len(m.Val), nnz)}
	}
	// last[i] is 1 + the position where row i was last seen, valid when that
	// position lies in the current column.
	last := make([]int, n)
	for j := 0; j < n; j++ {
		for t := m.ColPtr[j]; t < m.ColPtr[j+1]; t++ {
			i := m.RowIdx[t]
			if i < 0 || i >= n {
				return &MatrixError{"RowIdx", t, fmt.Sprintf("row %d in column %d, want a row in [0, %d)", i, j, n)}
			}
			if p := last[i] - 1; p >= m.ColPtr[j] {
				return &MatrixError{"RowIdx", t, fmt.Sprintf("duplicate entry (row %d, column %d), already at RowIdx[%d]; want each row at most once per column", i, j, p)}
			}
			last[i] = t + 1
			if v := m.Val[t]; math.IsNaN(v) || math.IsInf(v, 0) {
				return &MatrixError{"Val", t, fmt.Sprintf("got %v at (row %d, column %d), want a finite value", v, i, j)}
			}
		}
	}
	return nil
}

// SingularError reports a rank-deficient matrix. Columns[k] could not be
// pivoted (it is, to within the pivot tolerance, a combination of the pivoted
// columns) and Rows[k] was left without a pivot. The LU is still usable: it
// factors B with column Columns[k] replaced by the unit column e_{Rows[k]},
// so replacing those columns by the slacks of those rows gives a basis the
// factorization already describes.
type SingularError struct {
	Rank    int
	Columns []int
	Rows    []int
}

func (e *SingularError) Error() string {
	const show = 8
	c := e.Columns
	more := ""
	if len(c) > show {
		c, more = c[:show], fmt.Sprintf(" and %d more", len(e.Columns)-show)
	}
	return fmt.Sprintf("sparselu: singular matrix: rank %d, dependent columns %v%s", e.Rank, c, more)
}

// UpdateError reports a column replacement that was refused; the factorization
// is left as it was before the call.
type UpdateError struct {
	Column int
	Msg    string
}

func (e *UpdateError) Error() string {
	return fmt.Sprintf("sparselu: update of column %d: %s", e.Column, e.Msg)
}
