package sparselu

import (
	"errors"
	"fmt"
	"math"
)

// Settings tunes the factorization. The zero value gives the defaults.
type Settings struct {
	// Threshold is u in (0, 1]: a pivot must satisfy |a_pq| ≥ u·max_i |a_iq|.
	// Smaller u leaves Markowitz more freedom (less fill) at the cost of larger
	// multipliers (up to 1/u); u = 1 is partial pivoting. Zero means 0.1.
	Threshold float64
	// DropTolerance, relative to the largest |B_ij|, is the magnitude below which
	// computed entries of the active submatrix, L and U are dropped: keeping
	// round-off sized values only costs fill. Zero means 1e-14.
	DropTolerance float64
	// PivotTolerance, relative to the largest |B_ij|, is the magnitude below which
	// a column's largest remaining entry counts as zero, so that column is reported
	// as dependent. Zero means 1e-11 (about eps^(2/3), as in LUSOL).
	PivotTolerance float64
	// MaxUpdates is the number of column replacements after which NeedsRefactor
	// reports true. Zero means 100.
	MaxUpdates int
	// SearchLimit is the number of candidate columns and rows the Markowitz
	// search examines before taking the best pivot found. Zero means 4.
	SearchLimit int
	// DenseSwitch is the fraction of nonzero entries in the active submatrix at
	// which the rest of the factorization is done densely (blocked LU with
	// partial pivoting): past that point sparse indexing costs more than the
	// arithmetic it saves. Zero means 0.1; a value above 1 never switches.
	DenseSwitch float64
}

func (s *Settings) resolve() (Settings, error) {
	var r Settings
	if s != nil {
		r = *s
	}
	if r.Threshold == 0 {
		r.Threshold = 0.1
	}
	if !(r.Threshold > 0 && r.Threshold <= 1) {
		return r, fmt.Errorf("sparselu: Settings.Threshold = %v, want a value in (0, 1]", r.Threshold)
	}
	if r.DropTolerance == 0 {
		r.DropTolerance = 1e-14
	}
	if !(r.DropTolerance > 0 && r.DropTolerance < 1) {
		return r, fmt.Errorf("sparselu: Settings.DropTolerance = %v, want a value in (0, 1)", r.DropTolerance)
	}
	if r.PivotTolerance == 0 {
		r.PivotTolerance = 1e-11
	}
	if !(r.PivotTolerance > 0 && r.PivotTolerance < 1) {
		return r, fmt.Errorf("sparselu: Settings.PivotTolerance = %v, want a value in (0, 1)", r.PivotTolerance)
	}
	if r.MaxUpdates == 0 {
		r.MaxUpdates = 100
	}
	if r.MaxUpdates < 0 {
		return r, fmt.Errorf("sparselu: Settings.MaxUpdates = %d, want a non-negative count", r.MaxUpdates)
	}
	if r.SearchLimit == 0 {
		r.SearchLimit = 4
	}
	if r.SearchLimit < 0 {
		return r, fmt.Errorf("sparselu: Settings.SearchLimit = %d, want a non-negative count", r.SearchLimit)
	}
	if r.DenseSwitch == 0 {
		r.DenseSwitch = 0.1
	}
	if !(r.DenseSwitch > 0) {
		return r, fmt.Errorf("sparselu: Settings.DenseSwitch = %v, want a positive fraction", r.DenseSwitch)
	}
	return r, nil
}

// ErrNotFactored is returned by solves and updates before a successful Factorize.
var ErrNotFactored = errors.New("sparselu: no factorization: call Factorize first")

// LU is a sparse LU factorization of a square matrix B plus the eta file of the
// column replacements made since. The zero value is ready for Factorize; a
// factorization reuses the storage of the previous one. An LU is not safe for
// concurrent use: solves share its work vectors.
//
// Storage is in the original row and column indices, never permuted: step k
// pivots on (pivRow[k], pivCol[k]). L is the sequence of column etas
// "y_i -= l_ik·y_p" in step order and U is stored by pivot rows, row pivRow[k]
// holding the diagonal diag[k] and entries in columns pivoted after step k.
type LU struct {
	n   int
	set Settings
	ok  bool

	pivRow, pivCol []int32
	diag           []float64
	uStart         []int
	uCol           []int32
	uVal           []float64

	lPiv   []int32
	lStart []int
	lRow   []int32
	lVal   []float64

	// Product-form etas, one per Update: column ePos[e] of the identity is
	// replaced by alpha, with alpha[ePos[e]] = ePiv[e] and the other nonzeros in
	// eIdx/eVal[eStart[e]:eStart[e+1]].
	ePos   []int32
	ePiv   []float64
	eStart []int
	eIdx   []int32
	eVal   []float64

	rank      int
	depCols   []int
	depRows   []int
	maxAbs    float64 // largest |B_ij| at factorization
	maxElem   float64 // largest |entry| met during elimination
	updGrowth float64 // largest max|alpha|/|alpha_r| over updates

	work, work2 []float64
	fw          factorWork
}

// Stats describes the current factorization.
type Stats struct {
	N        int
	Rank     int     // pivots found; N unless Factorize returned a *SingularError
	NNZL     int     // off-diagonal entries of L
	NNZU     int     // off-diagonal entries of U
	Updates  int     // column replacements since Factorize
	NNZEta   int     // entries in the eta file, pivots included
	Growth   float64 // largest |entry| during elimination over largest |B_ij|
	EtaRatio float64 // largest max|alpha|/|alpha_pivot| over the updates (1 if none)
}

// Stats returns sizes and growth measures of the current factorization.
func (lu *LU) Stats() Stats {
	s := Stats{N: lu.n, Rank: lu.rank, NNZL: len(lu.lRow), NNZU: len(lu.uCol),
		Updates: len(lu.ePos), NNZEta: len(lu.eIdx) + len(lu.ePos), EtaRatio: 1}
	if lu.maxAbs > 0 {
		s.Growth = lu.maxElem / lu.maxAbs
	}
	if lu.updGrowth > 1 {
		s.EtaRatio = lu.updGrowth
	}
	return s
}

// NeedsRefactor reports whether the caller should factor the current basis from
// scratch: after MaxUpdates replacements, when the eta file has grown larger
// than the LU factors themselves (solves would then cost more than a refactor
// saves), or when an update pivot was small enough relative to its column that
// accuracy is at risk.
func (lu *LU) NeedsRefactor() bool {
	if !lu.ok {
		return true
	}
	u := len(lu.ePos)
	if u == 0 {
		return false
	}
	return u >= lu.set.MaxUpdates ||
		len(lu.eIdx) > len(lu.lRow)+len(lu.uCol)+lu.n ||
		lu.updGrowth > 1e8
}

// Dependent returns the columns that the last Factorize could not pivot and
// the rows paired with them (see SingularError); both are nil when B had full
// rank. The slices belong to the LU.
func (lu *LU) Dependent() (cols, rows []int) { return lu.depCols, lu.depRows }

// Factorize computes P·B·Q = L·U for a, discarding any previous factorization
// and eta file. It returns a *MatrixError for malformed input and a
// *SingularError if a is rank deficient; after the latter the LU is usable and
// factors a with the dependent columns replaced by unit columns.
func (lu *LU) Factorize(a Matrix, s *Settings) error {
	lu.ok = false
	if err := a.Validate(); err != nil {
		return err
	}
	set, err := s.resolve()
	if err != nil {
		return err
	}
	lu.set = set
	n := a.N
	lu.n = n
	lu.pivRow = lu.pivRow[:0]
	lu.pivCol = lu.pivCol[:0]
	lu.diag = lu.diag[:0]
	lu.uStart = append(lu.uStart[:0], 0)
	lu.uCol = lu.uCol[:0]
	lu.uVal = lu.uVal[:0]
	lu.lPiv = lu.lPiv[:0]
	lu.lStart = append(lu.lStart[:0], 0)
	lu.lRow = lu.lRow[:0]
	lu.lVal = lu.lVal[:0]
	lu.ePos = lu.ePos[:0]
	lu.ePiv = lu.ePiv[:0]
	lu.eStart = append(lu.eStart[:0], 0)
	lu.eIdx = lu.eIdx[:0]
	lu.eVal = lu.eVal[:0]
	lu.depCols = lu.depCols[:0]
	lu.depRows = lu.depRows[:0]
	lu.updGrowth = 0
	lu.work = resize(lu.work, n)
	lu.work2 = resize(lu.work2, n)
	clear(lu.work2)

	maxAbs := 0.0
	for _, v := range a.Val {
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	lu.maxAbs = maxAbs
	scale := maxAbs
	if scale == 0 {
		scale = 1
	}
	w := &lu.fw
	w.dropTol = set.DropTolerance * scale
	w.pivTol = set.PivotTolerance * scale
	w.u = set.Threshold
	w.limit = set.SearchLimit
	w.dense = set.DenseSwitch
	w.load(a)
	w.maxElem = maxAbs
	w.run(lu)
	lu.maxElem = w.maxElem

	lu.rank = len(lu.pivRow)
	if lu.rank < n {
		lu.finishSingular()
	}
	lu.ok = true
	if len(lu.depCols) > 0 {
		return &SingularError{Rank: lu.rank, Columns: append([]int(nil), lu.depCols...), Rows: append([]int(nil), lu.depRows...)}
	}
	return nil
}

// finishSingular pairs every column that found no pivot with a row that found
// none, pivots on the implied unit entry, and removes the dependent columns'
// entries from U so that the factors describe B with those columns replaced by
// unit columns. (Rows never pivoted are untouched by every L eta, so L⁻¹e_r = e_r.)
func (lu *LU) finishSingular() {
	n := lu.n
	w := &lu.fw
	rowDone := w.mark[:n] // reuse: nonzero for pivoted rows
	colDep := w.cmark[:n]
	clear(rowDone)
	clear(colDep)
	for _, r := range lu.pivRow {
		rowDone[r] = 1
	}
	colDone := make([]bool, n)
	for _, c := range lu.pivCol {
		colDone[c] = true
	}
	lu.depCols = lu.depCols[:0]
	lu.depRows = lu.depRows[:0]
	for j := 0; j < n; j++ {
		if !colDone[j] {
			lu.depCols = append(lu.depCols, j)
			colDep[j] = 1
		}
	}
	for i := 0; i < n; i++ {
		if rowDone[i] == 0 {
			lu.depRows = append(lu.depRows, i)
		}
	}
	// Purge U entries in dependent columns.
	out := 0
	for k := range lu.pivRow {
		lo, hi := lu.uStart[k], lu.uStart[k+1]
		lu.uStart[k] = out
		for t := lo; t < hi; t++ {
			if colDep[lu.uCol[t]] == 0 {
				lu.uCol[out] = lu.uCol[t]
				lu.uVal[out] = lu.uVal[t]
				out++
			}
		}
	}
	lu.uStart[len(lu.pivRow)] = out
	lu.uCol = lu.uCol[:out]
	lu.uVal = lu.uVal[:out]
	for k, j := range lu.depCols {
		lu.pivRow = append(lu.pivRow, int32(lu.depRows[k]))
		lu.pivCol = append(lu.pivCol, int32(j))
		lu.diag = append(lu.diag, 1)
		lu.uStart = append(lu.uStart, out)
	}
	clear(rowDone)
	clear(colDep)
}

func resize(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}

func (lu *LU) checkVecs(op string, dst, b []float64) error {
	if !lu.ok {
		return ErrNotFactored
	}
	if len(dst) != lu.n || len(b) != lu.n {
		return fmt.Errorf("sparselu: %s: len(dst) = %d, len(rhs) = %d, want both N = %d", op, len(dst), len(b), lu.n)
	}
	return nil
}

// SolveVec solves B·x = b (FTRAN) for the current basis, updates included,
// storing x in dst. dst may be b. It does not allocate.
func (lu *LU) SolveVec(dst, b []float64) error {
	if err := lu.checkVecs("SolveVec", dst, b); err != nil {
		return err
	}
	y := lu.work
	copy(y, b)
	lu.ftran(dst, y)
	return nil
}

// ftran stores B⁻¹y in x, destroying y (indexed by rows; x by columns).
func (lu *LU) ftran(x, y []float64) {
	// L⁻¹: etas in step order.
	for e, p := range lu.lPiv {
		yp := y[p]
		if yp == 0 {
			continue
		}
		rows := lu.lRow[lu.lStart[e]:lu.lStart[e+1]]
		vals := lu.lVal[lu.lStart[e]:lu.lStart[e+1]]
		for t, i := range rows {
			y[i] -= vals[t] * yp
		}
	}
	// U⁻¹: back substitution by pivot rows.
	for k := len(lu.pivRow) - 1; k >= 0; k-- {
		s := y[lu.pivRow[k]]
		cols := lu.uCol[lu.uStart[k]:lu.uStart[k+1]]
		vals := lu.uVal[lu.uStart[k]:lu.uStart[k+1]]
		for t, j := range cols {
			s -= vals[t] * x[j]
		}
		x[lu.pivCol[k]] = s / lu.diag[k]
	}
	// Eta file E_1⁻¹ … E_t⁻¹ in update order.
	for e, r := range lu.ePos {
		xr := x[r] / lu.ePiv[e]
		x[r] = xr
		if xr == 0 {
			continue
		}
		idx := lu.eIdx[lu.eStart[e]:lu.eStart[e+1]]
		vals := lu.eVal[lu.eStart[e]:lu.eStart[e+1]]
		for t, i := range idx {
			x[i] -= vals[t] * xr
		}
	}
}

// SolveTransVec solves Bᵀ·y = c (BTRAN) for the current basis, updates
// included, storing y in dst. dst may be c. It does not allocate.
func (lu *LU) SolveTransVec(dst, c []float64) error {
	if err := lu.checkVecs("SolveTransVec", dst, c); err != nil {
		return err
	}
	z := lu.work
	copy(z, c)
	// Eta file: Eᵀ_t⁻¹ first.
	for e := len(lu.ePos) - 1; e >= 0; e-- {
		r := lu.ePos[e]
		s := z[r]
		idx := lu.eIdx[lu.eStart[e]:lu.eStart[e+1]]
		vals := lu.eVal[lu.eStart[e]:lu.eStart[e+1]]
		for t, i := range idx {
			s -= vals[t] * z[i]
		}
		z[r] = s / lu.ePiv[e]
	}
	// Uᵀ: forward substitution, scattering each pivot row.
	for k, p := range lu.pivRow {
		wp := z[lu.pivCol[k]] / lu.diag[k]
		dst[p] = wp
		if wp == 0 {
			continue
		}
		cols := lu.uCol[lu.uStart[k]:lu.uStart[k+1]]
		vals := lu.uVal[lu.uStart[k]:lu.uStart[k+1]]
		for t, j := range cols {
			z[j] -= vals[t] * wp
		}
	}
	// Lᵀ: etas in reverse step order.
	for e := len(lu.lPiv) - 1; e >= 0; e-- {
		p := lu.lPiv[e]
		s := dst[p]
		rows := lu.lRow[lu.lStart[e]:lu.lStart[e+1]]
		vals := lu.lVal[lu.lStart[e]:lu.lStart[e+1]]
		for t, i := range rows {
			s -= vals[t] * dst[i]
		}
		dst[p] = s
	}
	return nil
}

// Update replaces column j of the basis by the sparse column a (rows rowIdx,
// values val) without refactoring, by appending a product-form eta
// E = I + (B⁻¹a - e_j)·e_jᵀ, so that B' = B·E. It refuses (returning an
// *UpdateError and changing nothing) when (B⁻¹a)_j is zero or negligible
// against the rest of B⁻¹a, since B' would then be singular or nearly so.
func (lu *LU) Update(j int, rowIdx []int, val []float64) error {
	if !lu.ok {
		return ErrNotFactored
	}
	n := lu.n
	if j < 0 || j >= n {
		return &UpdateError{j, fmt.Sprintf("want a column in [0, %d)", n)}
	}
	if len(rowIdx) != len(val) {
		return &UpdateError{j, fmt.Sprintf("len(rowIdx) = %d, len(val) = %d, want equal", len(rowIdx), len(val))}
	}
	a := lu.work2 // all zero between calls
	mark := lu.fw.mark[:n]
	var bad error
	for t, i := range rowIdx {
		switch {
		case i < 0 || i >= n:
			bad = &UpdateError{j, fmt.Sprintf("rowIdx[%d] = %d, want a row in [0, %d)", t, i, n)}
		case mark[i] != 0:
			bad = &UpdateError{j, fmt.Sprintf("rowIdx[%d] = %d duplicates rowIdx[%d]", t, i, mark[i]-1)}
		case math.IsNaN(val[t]) || math.IsInf(val[t], 0):
			bad = &UpdateError{j, fmt.Sprintf("val[%d] = %v, want a finite value", t, val[t])}
		}
		if bad != nil {
			break
		}
		mark[i] = int32(t + 1)
		a[i] = val[t]
	}
	for _, i := range rowIdx {
		if i >= 0 && i < n {
			mark[i] = 0
		}
	}
	if bad != nil {
		clear(a)
		return bad
	}
	alpha := lu.work
	lu.ftran(alpha, a)
	clear(a)
	return lu.appendEta(j, alpha)
}

// UpdateSolved is Update for a caller that has already solved B·alpha = a for the
// new column a (a simplex method's FTRAN of its entering column): it appends the
// same eta from alpha without solving again. alpha is read, not kept.
func (lu *LU) UpdateSolved(j int, alpha []float64) error {
	if !lu.ok {
		return ErrNotFactored
	}
	if j < 0 || j >= lu.n {
		return &UpdateError{j, fmt.Sprintf("want a column in [0, %d)", lu.n)}
	}
	if len(alpha) != lu.n {
		return &UpdateError{j, fmt.Sprintf("len(alpha) = %d, want N = %d", len(alpha), lu.n)}
	}
	return lu.appendEta(j, alpha)
}

// appendEta appends the eta of a column replacement at j with alpha = B⁻¹a.
func (lu *LU) appendEta(j int, alpha []float64) error {
	ar := alpha[j]
	amax := 0.0
	for _, v := range alpha {
		if a := math.Abs(v); a > amax || a != a {
			amax = a // NaN stays: nothing compares above it
		}
	}
	if math.IsNaN(amax) || math.IsInf(amax, 0) {
		return &UpdateError{j, "B⁻¹a is not finite"}
	}
	if math.Abs(ar) <= 1e-11*amax || ar == 0 {
		return &UpdateError{j, fmt.Sprintf("pivot (B⁻¹a)_j = %.3g is negligible against max |B⁻¹a| = %.3g: the new basis would be singular", ar, amax)}
	}
	drop := lu.fw.dropTol
	for i, v := range alpha {
		if i != j && math.Abs(v) > drop {
			lu.eIdx = append(lu.eIdx, int32(i))
			lu.eVal = append(lu.eVal, v)
		}
	}
	lu.ePos = append(lu.ePos, int32(j))
	lu.ePiv = append(lu.ePiv, ar)
	lu.eStart = append(lu.eStart, len(lu.eIdx))
	lu.updGrowth = math.Max(lu.updGrowth, amax/math.Abs(ar))
	return nil
}
