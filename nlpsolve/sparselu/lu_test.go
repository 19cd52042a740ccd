package sparselu

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// triplets builds a Matrix from (row, col, val) lists, summing nothing:
// callers must not repeat a position.
func fromDense(d [][]float64) Matrix {
	n := len(d)
	m := Matrix{N: n, ColPtr: make([]int, n+1)}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			if d[i][j] != 0 {
				m.RowIdx = append(m.RowIdx, i)
				m.Val = append(m.Val, d[i][j])
			}
		}
		m.ColPtr[j+1] = len(m.RowIdx)
	}
	return m
}

func toDense(m Matrix) *mat.Dense {
	d := mat.NewDense(m.N, m.N, nil)
	for j := 0; j < m.N; j++ {
		for t := m.ColPtr[j]; t < m.ColPtr[j+1]; t++ {
			d.Set(m.RowIdx[t], j, m.Val[t])
		}
	}
	return d
}

// randomSparse returns an n×n matrix with about perCol random entries per
// column; withDiag adds a diagonal so that it is (almost surely) nonsingular.
func randomSparse(rng *rand.Rand, n, perCol int, withDiag bool) Matrix {
	m := Matrix{N: n, ColPtr: make([]int, n+1)}
	seen := make(map[int]bool)
	for j := 0; j < n; j++ {
		clear(seen)
		if withDiag {
			seen[j] = true
			m.RowIdx = append(m.RowIdx, j)
			m.Val = append(m.Val, 1+rng.Float64())
		}
		for len(seen) < perCol && len(seen) < n {
			i := rng.IntN(n)
			if seen[i] {
				continue
			}
			seen[i] = true
			m.RowIdx = append(m.RowIdx, i)
			m.Val = append(m.Val, 2*rng.Float64()-1)
		}
		m.ColPtr[j+1] = len(m.RowIdx)
	}
	return m
}

// mulVec returns B·x and Bᵀ·y for the sparse matrix.
func mulVec(m Matrix, x []float64) []float64 {
	r := make([]float64, m.N)
	for j := 0; j < m.N; j++ {
		for t := m.ColPtr[j]; t < m.ColPtr[j+1]; t++ {
			r[m.RowIdx[t]] += m.Val[t] * x[j]
		}
	}
	return r
}

func mulTransVec(m Matrix, y []float64) []float64 {
	r := make([]float64, m.N)
	for j := 0; j < m.N; j++ {
		for t := m.ColPtr[j]; t < m.ColPtr[j+1]; t++ {
			r[j] += m.Val[t] * y[m.RowIdx[t]]
		}
	}
	return r
}

func normInf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s = math.Max(s, math.Abs(x))
	}
	return s
}

// relResidual is ||B·x - b||∞ / (||B||∞·||x||∞ + ||b||∞), with B given by its
// product.
func relResidual(bx, b []float64, normB, normX float64) float64 {
	r := 0.0
	for i := range b {
		r = math.Max(r, math.Abs(bx[i]-b[i]))
	}
	return r / (normB*normX + normInf(b))
}

func matNormInf(m Matrix) float64 {
	rs := make([]float64, m.N)
	for t, i := range m.RowIdx {
		rs[i] += math.Abs(m.Val[t])
	}
	cs := 0.0
	for j := 0; j < m.N; j++ {
		s := 0.0
		for t := m.ColPtr[j]; t < m.ColPtr[j+1]; t++ {
			s += math.Abs(m.Val[t])
		}
		cs = math.Max(cs, s)
	}
	return math.Max(normInf(rs), cs)
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// checkSolves checks FTRAN and BTRAN residuals on m and, when dense is set,
// compares with gonum's dense LU.
func checkSolves(t *testing.T, lu *LU, m Matrix, rng *rand.Rand, dense bool, tol float64) {
	t.Helper()
	n := m.N
	b := randVec(rng, n)
	x := make([]float64, n)
	if err := lu.SolveVec(x, b); err != nil {
		t.Fatal(err)
	}
	nb := matNormInf(m)
	if r := relResidual(mulVec(m, x), b, nb, normInf(x)); r > tol {
		t.Errorf("FTRAN relative residual %.3g > %.3g", r, tol)
	}
	c := randVec(rng, n)
	y := make([]float64, n)
	if err := lu.SolveTransVec(y, c); err != nil {
		t.Fatal(err)
	}
	if r := relResidual(mulTransVec(m, y), c, nb, normInf(y)); r > tol {
		t.Errorf("BTRAN relative residual %.3g > %.3g", r, tol)
	}
	if !dense {
		return
	}
	var dlu mat.LU
	dlu.Factorize(toDense(m))
	var xd, yd mat.VecDense
	if err := dlu.SolveVecTo(&xd, false, mat.NewVecDense(n, b)); err != nil {
		t.Fatalf("gonum LU: %v", err)
	}
	if err := dlu.SolveVecTo(&yd, true, mat.NewVecDense(n, c)); err != nil {
		t.Fatalf("gonum LU: %v", err)
	}
	cond := dlu.Cond()
	lim := math.Max(1e-13*cond, 1e-12)
	for i := 0; i < n; i++ {
		if d := math.Abs(x[i] - xd.AtVec(i)); d > lim*(1+math.Abs(xd.AtVec(i)))*normInf(x) {
			t.Fatalf("x[%d] = %v, gonum %v (cond %.3g)", i, x[i], xd.AtVec(i), cond)
		}
		if d := math.Abs(y[i] - yd.AtVec(i)); d > lim*(1+math.Abs(yd.AtVec(i)))*normInf(y) {
			t.Fatalf("y[%d] = %v, gonum %v (cond %.3g)", i, y[i], yd.AtVec(i), cond)
		}
	}
}

// denseModes are DenseSwitch settings: the default, never (all sparse), and
// at once (dense from the first step whenever N ≥ denseMin).
var denseModes = []float64{0, 2, 1e-9}

func TestRandomAgainstDense(t *testing.T) {
	for _, tc := range []struct {
		n, perCol int
		diag      bool
		u         float64
	}{
		{1, 1, false, 0}, {2, 1, true, 0}, {5, 2, true, 0}, {10, 3, true, 0},
		{30, 2, true, 0}, {30, 6, false, 0}, {60, 4, true, 0}, {100, 3, true, 0},
		{100, 10, false, 0}, {200, 5, true, 0}, {200, 5, true, 1}, {200, 5, true, 0.01},
		{300, 40, false, 0.5},
	} {
		rng := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.perCol)))
		var m Matrix
		// Without a diagonal a random pattern may be structurally singular;
		// draw until gonum says it is comfortably nonsingular.
		for {
			m = randomSparse(rng, tc.n, tc.perCol, tc.diag)
			var dlu mat.LU
			dlu.Factorize(toDense(m))
			if dlu.Cond() < 1e10 {
				break
			}
		}
		for _, dense := range denseModes {
			var lu LU
			if err := lu.Factorize(m, &Settings{Threshold: tc.u, DenseSwitch: dense}); err != nil {
				t.Fatalf("n=%d perCol=%d dense=%v: %v", tc.n, tc.perCol, dense, err)
			}
			// Backward error grows with element growth, which a small
			// threshold allows: that is the sparsity/stability trade.
			checkSolves(t, &lu, m, rng, true, 1e-14*math.Max(10, lu.Stats().Growth))
			if s := lu.Stats(); s.Rank != tc.n {
				t.Errorf("n=%d dense=%v: rank %d", tc.n, dense, s.Rank)
			}
		}
	}
}

// TestPivotingForStability: a tiny diagonal entry would be a Markowitz-cheap
// pivot but a disastrous one; the threshold test must refuse it.
func TestPivotingForStability(t *testing.T) {
	eps := 1e-17
	d := [][]float64{
		{eps, 1, 0, 0},
		{1, 1, 1, 0},
		{0, 1, eps, 1},
		{0, 0, 1, 1},
	}
	m := fromDense(d)
	var lu LU
	if err := lu.Factorize(m, nil); err != nil {
		t.Fatal(err)
	}
	checkSolves(t, &lu, m, rand.New(rand.NewPCG(1, 2)), true, 1e-15)
	if g := lu.Stats().Growth; g > 10 {
		t.Errorf("growth %v: the threshold test let a tiny pivot through", g)
	}
	// A larger example: tiny diagonals everywhere, a cyclic shift with unit
	// entries to keep the matrix well conditioned, and random entries.
	rng := rand.New(rand.NewPCG(3, 4))
	n := 150
	dd := make([][]float64, n)
	for i := range dd {
		dd[i] = make([]float64, n)
		for j := range dd[i] {
			if rng.Float64() < 0.02 {
				dd[i][j] = 0.5 * (2*rng.Float64() - 1)
			}
		}
	}
	for j := 0; j < n; j++ {
		dd[j][j] = 1e-8
		dd[(j+1)%n][j] = 1 + rng.Float64()
	}
	m = fromDense(dd)
	var dlu mat.LU
	dlu.Factorize(toDense(m))
	if c := dlu.Cond(); c > 1e10 {
		t.Fatalf("test matrix has condition %.3g", c)
	}
	if err := lu.Factorize(m, nil); err != nil {
		t.Fatal(err)
	}
	checkSolves(t, &lu, m, rng, true, 1e-13)
}

func TestPermutationAndTriangular(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 50
	perm := rng.Perm(n)
	pm := Matrix{N: n, ColPtr: make([]int, n+1)}
	for j := 0; j < n; j++ {
		pm.RowIdx = append(pm.RowIdx, perm[j])
		pm.Val = append(pm.Val, float64(j+1))
		pm.ColPtr[j+1] = j + 1
	}
	lower := make([][]float64, n)
	upper := make([][]float64, n)
	for i := range lower {
		lower[i] = make([]float64, n)
		upper[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			if i == j || rng.Float64() < 0.1 {
				lower[i][j] = 2*rng.Float64() - 1
				upper[j][i] = 2*rng.Float64() - 1
			}
		}
		lower[i][i] += 3
		upper[i][i] += 3
	}
	for name, m := range map[string]Matrix{"permutation": pm, "lower": fromDense(lower), "upper": fromDense(upper)} {
		var lu LU
		if err := lu.Factorize(m, nil); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Triangular and permuted-diagonal matrices need no fill at all.
		s := lu.Stats()
		if s.NNZL+s.NNZU+n != len(m.Val) {
			t.Errorf("%s: nnz(L)+nnz(U)+n = %d, want nnz(B) = %d", name, s.NNZL+s.NNZU+n, len(m.Val))
		}
		checkSolves(t, &lu, m, rng, true, 1e-14)
	}
}

func TestSingular(t *testing.T) {
	// Column 3 = column 0 + 2·column 1; column 4 is empty; row 5 is empty.
	d := [][]float64{
		{1, 0, 0, 1, 0, 0},
		{0, 1, 0, 2, 0, 0},
		{2, 1, 3, 4, 0, 1},
		{0, 0, 1, 0, 0, 1},
		{1, 3, 0, 7, 0, 2},
		{0, 0, 0, 0, 0, 0},
	}
	m := fromDense(d)
	var lu LU
	err := lu.Factorize(m, nil)
	var se *SingularError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want *SingularError", err)
	}
	if !strings.Contains(se.Error(), "rank 4") {
		t.Errorf("message %q does not give the rank", se)
	}
	if se.Rank != 4 || len(se.Columns) != 2 || len(se.Rows) != 2 {
		t.Fatalf("got %+v, want rank 4 and 2 dependent columns", se)
	}
	if se.Columns[1] != 4 && se.Columns[0] != 4 {
		t.Errorf("dependent columns %v do not include the empty column 4", se.Columns)
	}
	dep := map[int]bool{}
	for _, c := range se.Columns {
		dep[c] = true
	}
	if !dep[0] && !dep[1] && !dep[3] {
		t.Errorf("dependent columns %v include none of 0, 1, 3", se.Columns)
	}
	rows := append([]int(nil), se.Rows...)
	sort.Ints(rows)
	if rows[len(rows)-1] != 5 {
		t.Errorf("unpivoted rows %v do not include the empty row 5", se.Rows)
	}
	// The factorization is that of B with the dependent columns replaced by
	// the slacks of the unpivoted rows; that matrix is nonsingular.
	for k, c := range se.Columns {
		for i := range d {
			d[i][c] = 0
		}
		d[se.Rows[k]][c] = 1
	}
	checkSolves(t, &lu, fromDense(d), rand.New(rand.NewPCG(7, 8)), true, 1e-14)

	// Numerically dependent: a random 40×40 matrix with one column a
	// combination of three others is found to have rank 39.
	rng := rand.New(rand.NewPCG(9, 10))
	n := 40
	dd := make([][]float64, n)
	for i := range dd {
		dd[i] = make([]float64, n)
		for j := range dd[i] {
			if rng.Float64() < 0.15 || i == j {
				dd[i][j] = 2*rng.Float64() - 1
			}
		}
	}
	for i := range dd {
		dd[i][17] = 0.5*dd[i][3] - 1.5*dd[i][8] + dd[i][30]
	}
	// Also make columns 20 and 21 equal, and row 25 zero, so the rank is n-2.
	for i := range dd {
		dd[i][21] = dd[i][20]
	}
	for j := range dd[25] {
		dd[25][j] = 0
	}
	for _, dense := range denseModes {
		err = lu.Factorize(fromDense(dd), &Settings{DenseSwitch: dense})
		if !errors.As(err, &se) || se.Rank != n-2 || len(se.Columns) != 2 {
			t.Fatalf("dense=%v: got %v, want rank %d with two dependent columns", dense, err, n-2)
		}
		dep := map[int]bool{}
		for _, c := range se.Columns {
			dep[c] = true
		}
		if !(dep[3] || dep[8] || dep[17] || dep[30]) || !(dep[20] || dep[21]) {
			t.Errorf("dense=%v: dependent columns %v, want one of 3, 8, 17, 30 and one of 20, 21", dense, se.Columns)
		}
		if se.Rows[0] != 25 && se.Rows[1] != 25 {
			t.Errorf("dense=%v: unpivoted rows %v do not include the zero row 25", dense, se.Rows)
		}
		cols, _ := lu.Dependent()
		if len(cols) != 2 || cols[0] != se.Columns[0] {
			t.Errorf("Dependent() = %v, want %v", cols, se.Columns)
		}
		slack := make([][]float64, n)
		for i := range slack {
			slack[i] = append([]float64(nil), dd[i]...)
		}
		for k, c := range se.Columns {
			for i := range slack {
				slack[i][c] = 0
			}
			slack[se.Rows[k]][c] = 1
		}
		checkSolves(t, &lu, fromDense(slack), rng, true, 1e-13)
	}
	// A zero matrix: every column dependent, factors the identity permuted.
	z := Matrix{N: 3, ColPtr: []int{0, 1, 1, 1}, RowIdx: []int{1}, Val: []float64{0}}
	if err := lu.Factorize(z, nil); !errors.As(err, &se) || se.Rank != 0 || len(se.Columns) != 3 {
		t.Fatalf("zero matrix: got %v, want rank 0", err)
	}
}

// TestUpdates replaces 50 columns one at a time (by Update and UpdateSolved in
// turn) and after each compares the updated factorization with a fresh one of the
// same basis.
func TestUpdates(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 120
	m := randomSparse(rng, n, 4, true)
	cols := make([][2][]float64, n) // per column: rows (as float) and values, kept dense-free
	rowsOf := make([][]int, n)
	for j := 0; j < n; j++ {
		for t := m.ColPtr[j]; t < m.ColPtr[j+1]; t++ {
			rowsOf[j] = append(rowsOf[j], m.RowIdx[t])
			cols[j][1] = append(cols[j][1], m.Val[t])
		}
	}
	build := func() Matrix {
		b := Matrix{N: n, ColPtr: make([]int, n+1)}
		for j := 0; j < n; j++ {
			b.RowIdx = append(b.RowIdx, rowsOf[j]...)
			b.Val = append(b.Val, cols[j][1]...)
			b.ColPtr[j+1] = len(b.RowIdx)
		}
		return b
	}
	var lu, fresh LU
	if err := lu.Factorize(m, &Settings{MaxUpdates: 60}); err != nil {
		t.Fatal(err)
	}
	done := 0
	for done < 50 {
		j := rng.IntN(n)
		// A new sparse column: 1 to 5 random entries.
		k := 1 + rng.IntN(5)
		perm := rng.Perm(n)[:k]
		vals := randVec(rng, k)
		var err error
		if done%2 == 1 {
			// Every other one through UpdateSolved, from the caller's own FTRAN.
			a := make([]float64, n)
			for t, i := range perm {
				a[i] = vals[t]
			}
			if err = lu.SolveVec(a, a); err == nil {
				err = lu.UpdateSolved(j, a)
			}
		} else {
			err = lu.Update(j, perm, vals)
		}
		var ue *UpdateError
		if errors.As(err, &ue) {
			continue // that replacement would make the basis singular
		}
		if err != nil {
			t.Fatal(err)
		}
		done++
		rowsOf[j] = perm
		cols[j][1] = vals
		b := build()
		if err := fresh.Factorize(b, nil); err != nil {
			t.Fatalf("update %d: refactor: %v", done, err)
		}
		x := randVec(rng, n)
		xu, xf := make([]float64, n), make([]float64, n)
		yu, yf := make([]float64, n), make([]float64, n)
		if err := lu.SolveVec(xu, x); err != nil {
			t.Fatal(err)
		}
		if err := fresh.SolveVec(xf, x); err != nil {
			t.Fatal(err)
		}
		if err := lu.SolveTransVec(yu, x); err != nil {
			t.Fatal(err)
		}
		if err := fresh.SolveTransVec(yf, x); err != nil {
			t.Fatal(err)
		}
		var dlu mat.LU
		dlu.Factorize(toDense(b))
		tol := 1e-12 * math.Max(1, dlu.Cond())
		for i := 0; i < n; i++ {
			if math.Abs(xu[i]-xf[i]) > tol*(1+normInf(xf)) || math.Abs(yu[i]-yf[i]) > tol*(1+normInf(yf)) {
				t.Fatalf("update %d: updated and fresh solves differ at %d: x %v vs %v, y %v vs %v (cond %.3g)",
					done, i, xu[i], xf[i], yu[i], yf[i], dlu.Cond())
			}
		}
		nb := matNormInf(b)
		if r := relResidual(mulVec(b, xu), x, nb, normInf(xu)); r > 1e-11 {
			t.Fatalf("update %d: FTRAN residual %.3g", done, r)
		}
		if r := relResidual(mulTransVec(b, yu), x, nb, normInf(yu)); r > 1e-11 {
			t.Fatalf("update %d: BTRAN residual %.3g", done, r)
		}
	}
	if s := lu.Stats(); s.Updates != 50 {
		t.Errorf("Stats().Updates = %d, want 50", s.Updates)
	}
	if lu.NeedsRefactor() && lu.Stats().EtaRatio < 1e8 && lu.Stats().NNZEta <= lu.Stats().NNZL+lu.Stats().NNZU+n {
		t.Error("NeedsRefactor true after 50 of 60 updates")
	}
	for i := 0; i < 10; i++ {
		lu.Update(i, []int{i}, []float64{1})
	}
	if !lu.NeedsRefactor() {
		t.Error("NeedsRefactor false after 60 updates with MaxUpdates 60")
	}
	// Singular replacement is refused and changes nothing.
	before := lu.Stats().Updates
	if err := lu.Update(3, nil, nil); err == nil {
		t.Error("replacing a column by zero: got nil error")
	}
	if lu.Stats().Updates != before {
		t.Error("refused update changed the eta file")
	}
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     Matrix
		field string
		index int
	}{
		{"zero size", Matrix{N: 0, ColPtr: []int{0}}, "N", -1},
		{"short ColPtr", Matrix{N: 2, ColPtr: []int{0, 1}, RowIdx: []int{0}, Val: []float64{1}}, "ColPtr", -1},
		{"ColPtr start", Matrix{N: 1, ColPtr: []int{1, 1}}, "ColPtr", 0},
		{"not monotone", Matrix{N: 2, ColPtr: []int{0, 2, 1}, RowIdx: []int{0, 1}, Val: []float64{1, 1}}, "ColPtr", 2},
		{"RowIdx length", Matrix{N: 1, ColPtr: []int{0, 1}, RowIdx: nil, Val: []float64{1}}, "RowIdx", -1},
		{"Val length", Matrix{N: 1, ColPtr: []int{0, 1}, RowIdx: []int{0}, Val: nil}, "Val", -1},
		{"row out of range", Matrix{N: 2, ColPtr: []int{0, 1, 2}, RowIdx: []int{0, 2}, Val: []float64{1, 1}}, "RowIdx", 1},
		{"negative row", Matrix{N: 2, ColPtr: []int{0, 1, 2}, RowIdx: []int{-1, 1}, Val: []float64{1, 1}}, "RowIdx", 0},
		{"duplicate", Matrix{N: 2, ColPtr: []int{0, 1, 3}, RowIdx: []int{0, 1, 1}, Val: []float64{1, 1, 2}}, "RowIdx", 2},
		{"NaN", Matrix{N: 1, ColPtr: []int{0, 1}, RowIdx: []int{0}, Val: []float64{math.NaN()}}, "Val", 0},
	} {
		var lu LU
		err := lu.Factorize(tc.m, nil)
		var me *MatrixError
		if !errors.As(err, &me) || me.Field != tc.field || me.Index != tc.index {
			t.Errorf("%s: got %v, want MatrixError on %s[%d]", tc.name, err, tc.field, tc.index)
		}
		if err != nil && !strings.Contains(err.Error(), "want") {
			t.Errorf("%s: message %q does not say what was expected", tc.name, err)
		}
		if err := lu.SolveVec(make([]float64, 1), make([]float64, 1)); !errors.Is(err, ErrNotFactored) {
			t.Errorf("%s: solve after failed Factorize: got %v, want ErrNotFactored", tc.name, err)
		}
	}
	var lu LU
	if err := lu.Factorize(Matrix{N: 1, ColPtr: []int{0, 1}, RowIdx: []int{0}, Val: []float64{2}}, &Settings{Threshold: 2}); err == nil {
		t.Error("Threshold 2: got nil error")
	}
	lu.Factorize(Matrix{N: 2, ColPtr: []int{0, 1, 2}, RowIdx: []int{0, 1}, Val: []float64{2, 3}}, nil)
	if err := lu.SolveVec(make([]float64, 3), make([]float64, 2)); err == nil {
		t.Error("wrong dst length: got nil error")
	}
	for _, bad := range []struct {
		j    int
		rows []int
		vals []float64
	}{{2, []int{0}, []float64{1}}, {0, []int{0, 1}, []float64{1}}, {0, []int{5}, []float64{1}}, {0, []int{1, 1}, []float64{1, 2}}} {
		var ue *UpdateError
		if err := lu.Update(bad.j, bad.rows, bad.vals); !errors.As(err, &ue) || !strings.Contains(err.Error(), "column") {
			t.Errorf("Update(%d, %v, %v): got %v, want *UpdateError", bad.j, bad.rows, bad.vals, err)
		}
	}
	// The factorization is intact after refused updates.
	x := make([]float64, 2)
	lu.SolveVec(x, []float64{4, 9})
	if x[0] != 2 || x[1] != 3 {
		t.Errorf("after refused updates: x = %v, want [2 3]", x)
	}
}

func TestNoAllocPerSolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m := randomSparse(rng, 300, 4, true)
	var lu LU
	if err := lu.Factorize(m, nil); err != nil {
		t.Fatal(err)
	}
	lu.Update(5, []int{1, 5, 9}, []float64{1, 2, 3})
	b := randVec(rng, 300)
	x := make([]float64, 300)
	if a := testing.AllocsPerRun(20, func() {
		lu.SolveVec(x, b)
		lu.SolveTransVec(x, b)
	}); a != 0 {
		t.Errorf("%v allocations per FTRAN+BTRAN, want 0", a)
	}
}

func benchMatrix() Matrix {
	rng := rand.New(rand.NewPCG(42, 43))
	return randomSparse(rng, 10000, 5, true)
}

func BenchmarkFactorize10k(b *testing.B) {
	m := benchMatrix()
	var lu LU
	for b.Loop() {
		if err := lu.Factorize(m, nil); err != nil {
			b.Fatal(err)
		}
	}
	s := lu.Stats()
	b.ReportMetric(float64(s.NNZL+s.NNZU+s.N)/float64(len(m.Val)), "fill")
}

func BenchmarkSolve10k(b *testing.B) {
	m := benchMatrix()
	var lu LU
	if err := lu.Factorize(m, nil); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	rhs := randVec(rng, m.N)
	x := make([]float64, m.N)
	for b.Loop() {
		lu.SolveVec(x, rhs)
		lu.SolveTransVec(x, rhs)
	}
}
