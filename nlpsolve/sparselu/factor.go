package sparselu

import "math"

// factorWork holds the active submatrix during elimination and is kept between
// factorizations so that refactoring a basis of the same size reuses memory.
//
// Values live column-wise (the threshold test and the multipliers need whole
// columns); rows hold only their column pattern, which is what the Markowitz
// counts and the row search need.
type factorWork struct {
	n       int
	u       float64
	dropTol float64
	pivTol  float64
	limit   int
	maxElem float64

	colIdx [][]int32
	colVal [][]float64
	rowIdx [][]int32

	colMax   []float64 // cached max |entry| of a column, valid when colMaxOK
	colMaxOK []bool
	colDone  []bool // pivoted or dependent
	active   int    // columns neither pivoted nor dependent
	nnz      int    // entries in the active submatrix
	rowDone  []bool // pivoted rows
	dense    float64

	cb, rb buckets

	mark  []int32 // per row scratch, zero between uses
	cmark []int32 // per column scratch, zero between uses

	lRows []int32
	lVals []float64

	batch []singleton // the column singletons pivoted together (singletons)
	bEnt  []uEntry    // their rows' U entries

	denseBuf []float64 // kept: a basis is refactored many times
}

// buckets keeps items (rows or columns) in doubly linked lists by count, so the
// Markowitz search can visit the sparsest ones first.
type buckets struct {
	head       []int32
	next, prev []int32
	cnt        []int32 // count of an item; -1 when not in any list
}

func (b *buckets) init(n int) {
	b.head = resize32(b.head, n+1)
	b.next = resize32(b.next, n)
	b.prev = resize32(b.prev, n)
	b.cnt = resize32(b.cnt, n)
	for i := range b.head {
		b.head[i] = -1
	}
	for i := range b.cnt {
		b.cnt[i] = -1
	}
}

func (b *buckets) insert(x int32, c int) {
	b.cnt[x] = int32(c)
	h := b.head[c]
	b.next[x] = h
	b.prev[x] = -1
	if h >= 0 {
		b.prev[h] = x
	}
	b.head[c] = x
}

func (b *buckets) remove(x int32) {
	c := b.cnt[x]
	if c < 0 {
		return
	}
	p, nx := b.prev[x], b.next[x]
	if p >= 0 {
		b.next[p] = nx
	} else {
		b.head[c] = nx
	}
	if nx >= 0 {
		b.prev[nx] = p
	}
	b.cnt[x] = -1
}

func (b *buckets) move(x int32, c int) {
	if b.cnt[x] == int32(c) {
		return
	}
	b.remove(x)
	b.insert(x, c)
}

func resize32(s []int32, n int) []int32 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int32, n)
}

func (w *factorWork) load(a Matrix) {
	n := a.N
	w.n = n
	if cap(w.colIdx) < n {
		w.colIdx = append(w.colIdx[:cap(w.colIdx)], make([][]int32, n-cap(w.colIdx))...)
		w.colVal = append(w.colVal[:cap(w.colVal)], make([][]float64, n-cap(w.colVal))...)
		w.rowIdx = append(w.rowIdx[:cap(w.rowIdx)], make([][]int32, n-cap(w.rowIdx))...)
	}
	w.colIdx, w.colVal, w.rowIdx = w.colIdx[:n], w.colVal[:n], w.rowIdx[:n]
	if cap(w.colMax) < n {
		w.colMax = make([]float64, n)
		w.colMaxOK = make([]bool, n)
		w.colDone = make([]bool, n)
		w.rowDone = make([]bool, n)
	}
	w.colMax, w.colMaxOK, w.colDone, w.rowDone = w.colMax[:n], w.colMaxOK[:n], w.colDone[:n], w.rowDone[:n]
	clear(w.colMaxOK)
	clear(w.colDone)
	clear(w.rowDone)
	w.nnz = 0
	w.mark = resize32(w.mark, n)
	w.cmark = resize32(w.cmark, n)
	clear(w.mark)
	clear(w.cmark)
	for i := 0; i < n; i++ {
		w.rowIdx[i] = w.rowIdx[i][:0]
	}
	for j := 0; j < n; j++ {
		ci, cv := w.colIdx[j][:0], w.colVal[j][:0]
		for t := a.ColPtr[j]; t < a.ColPtr[j+1]; t++ {
			v := a.Val[t]
			if math.Abs(v) <= w.dropTol {
				continue
			}
			i := int32(a.RowIdx[t])
			ci = append(ci, i)
			cv = append(cv, v)
			w.rowIdx[i] = append(w.rowIdx[i], int32(j))
		}
		w.colIdx[j], w.colVal[j] = ci, cv
		w.nnz += len(ci)
	}
	w.cb.init(n)
	w.rb.init(n)
	for j := 0; j < n; j++ {
		w.cb.insert(int32(j), len(w.colIdx[j]))
	}
	for i := 0; i < n; i++ {
		w.rb.insert(int32(i), len(w.rowIdx[i]))
	}
	w.active = n
}

func (w *factorWork) columnMax(j int32) float64 {
	if w.colMaxOK[j] {
		return w.colMax[j]
	}
	m := 0.0
	for _, v := range w.colVal[j] {
		m = math.Max(m, math.Abs(v))
	}
	w.colMax[j] = m
	w.colMaxOK[j] = true
	return m
}

// removeFromRow deletes column j from the pattern of row i (order not kept).
func (w *factorWork) removeFromRow(i, j int32) {
	r := w.rowIdx[i]
	for t, c := range r {
		if c == j {
			last := len(r) - 1
			r[t] = r[last]
			w.rowIdx[i] = r[:last]
			return
		}
	}
}

// dependent takes column j out of the active submatrix: it has no entry that
// can serve as a pivot, so Factorize will report it.
func (w *factorWork) dependent(j int32) {
	for _, i := range w.colIdx[j] {
		w.removeFromRow(i, j)
		w.rb.move(i, len(w.rowIdx[i]))
	}
	w.nnz -= len(w.colIdx[j])
	w.colIdx[j] = w.colIdx[j][:0]
	w.colVal[j] = w.colVal[j][:0]
	w.cb.remove(j)
	w.colDone[j] = true
	w.active--
}

// search returns a pivot by the Markowitz rule with threshold pivoting,
// examining columns and rows in order of increasing count and stopping after
// w.limit candidates, or earlier once no unexamined entry can be cheaper.
// Columns found to be (numerically) empty are declared dependent on the way.
func (w *factorWork) search() (p, q int32, ok bool) {
	best := int64(math.MaxInt64)
	bestRatio := 0.0
	examined := 0
	take := func(i, j int32, cost int64, ratio float64) {
		if cost < best || (cost == best && ratio > bestRatio) {
			best, bestRatio, p, q, ok = cost, ratio, i, j, true
		}
	}
	for j := w.cb.head[0]; j >= 0; j = w.cb.head[0] {
		w.dependent(j)
	}
	n := w.n
	for k := 1; k <= n; k++ {
		k1 := int64(k - 1)
		for j := w.cb.head[k]; j >= 0; {
			next := w.cb.next[j]
			cmax := w.columnMax(j)
			if cmax < w.pivTol {
				w.dependent(j)
				j = next
				continue
			}
			thr := w.u * cmax
			vals := w.colVal[j]
			for t, i := range w.colIdx[j] {
				a := math.Abs(vals[t])
				if a >= thr {
					take(i, j, int64(w.rb.cnt[i]-1)*k1, a/cmax)
				}
			}
			examined++
			if ok && (best <= k1*k1 || examined >= w.limit) {
				return
			}
			j = next
		}
		for i := w.rb.head[k]; i >= 0; i = w.rb.next[i] {
			for _, j := range w.rowIdx[i] {
				cmax := w.columnMax(j)
				if cmax < w.pivTol {
					continue // found dependent when its column bucket is visited
				}
				var a float64
				ci := w.colIdx[j]
				for t, r := range ci {
					if r == i {
						a = math.Abs(w.colVal[j][t])
						break
					}
				}
				if a >= w.u*cmax {
					take(i, j, k1*int64(w.cb.cnt[j]-1), a/cmax)
				}
			}
			examined++
			if ok && (best <= k1*int64(k) || examined >= w.limit) {
				return
			}
		}
		if ok && best <= int64(k)*int64(k) {
			return
		}
	}
	return
}

// run eliminates until no active column is left, appending the pivots, L and
// U to lu. Once the active submatrix is dense enough that indexing costs more
// than arithmetic, it hands the rest to a dense factorization.
func (w *factorWork) run(lu *LU) {
	for w.active > 0 {
		if m := int64(w.active); m >= denseMin && m*m <= denseMaxEntries &&
			float64(w.nnz) >= w.dense*float64(m*m) {
			w.factorDense(lu)
			return
		}
		if w.cb.head[1] >= 0 && w.singletons(lu) > 0 {
			continue
		}
		p, q, ok := w.search()
		if !ok {
			// Every remaining column was found dependent.
			continue
		}
		w.eliminate(lu, p, q)
	}
}

// singleton is a column singleton pivot: row p, column q, value d.
type singleton struct {
	p, q int32
	d    float64
}

// uEntry is an entry of a pivot row of U: pivot k of a batch, column j, value v.
type uEntry struct {
	k int32
	j int32
	v float64
}

// singletons pivots on every column singleton of the active submatrix at once (a
// slack's column in a basis): the pivots the search would take one at a time
// (their Markowitz cost is 0, the least), none with an L eta or fill. Their rows
// become rows of U, and each column that meets those rows is scanned once for all
// of them, instead of once per pivot: a dense column through m slack rows costs
// O(m) rather than O(m²). It returns the number of pivots taken; 0 when every
// singleton is too small to pivot on or shares its row with another one taken.
func (w *factorWork) singletons(lu *LU) int {
	batch := w.batch[:0]
	for j := w.cb.head[1]; j >= 0; j = w.cb.next[j] {
		p, d := w.colIdx[j][0], w.colVal[j][0]
		if math.Abs(d) < w.pivTol || w.mark[p] != 0 {
			continue // the search declares it dependent, or takes it later
		}
		batch = append(batch, singleton{p, j, d})
		w.mark[p] = int32(len(batch)) // row p is pivot len(batch)-1, plus one
	}
	w.batch = batch
	for _, b := range batch {
		w.nnz--
		w.colIdx[b.q], w.colVal[b.q] = w.colIdx[b.q][:0], w.colVal[b.q][:0]
		w.cb.remove(b.q)
		w.colDone[b.q] = true
		w.rowDone[b.p] = true
		w.active--
		w.rb.remove(b.p)
	}
	// Take the batch's rows out of every column that meets them.
	ents := w.bEnt[:0]
	for _, b := range batch {
		for _, j := range w.rowIdx[b.p] {
			if w.colDone[j] || w.cmark[j] != 0 {
				continue
			}
			w.cmark[j] = 1
			cj, vj := w.colIdx[j], w.colVal[j]
			out := 0
			for t, i := range cj {
				if k := w.mark[i]; k > 0 {
					ents = append(ents, uEntry{k - 1, j, vj[t]})
					continue
				}
				cj[out], vj[out] = i, vj[t]
				out++
			}
			w.nnz -= len(cj) - out
			w.colIdx[j], w.colVal[j] = cj[:out], vj[:out]
			w.colMaxOK[j] = false
			w.cb.move(j, out)
		}
	}
	for _, b := range batch {
		for _, j := range w.rowIdx[b.p] {
			w.cmark[j] = 0
		}
		w.rowIdx[b.p] = w.rowIdx[b.p][:0]
		w.mark[b.p] = 0
	}
	// The U rows in pivot order (a counting sort of the entries by pivot).
	start := len(lu.uCol)
	lu.uCol = append(lu.uCol, make([]int32, len(ents))...)
	lu.uVal = append(lu.uVal, make([]float64, len(ents))...)
	end := make([]int, len(batch)+1)
	for _, e := range ents {
		end[e.k+1]++
	}
	for k := range batch {
		end[k+1] += end[k]
	}
	for _, e := range ents {
		at := start + end[e.k]
		lu.uCol[at], lu.uVal[at] = e.j, e.v
		end[e.k]++
	}
	for _, b := range batch {
		lu.pivRow = append(lu.pivRow, b.p)
		lu.pivCol = append(lu.pivCol, b.q)
		lu.diag = append(lu.diag, b.d)
	}
	for k := range batch {
		lu.uStart = append(lu.uStart, start+end[k])
	}
	w.bEnt = ents
	return len(batch)
}

// eliminate pivots on (p, q): column q gives the multipliers of L, row p
// becomes a row of U, and the rest of the active submatrix takes the rank-one
// update a_ij -= l_i·a_pj, with fill appended and tiny results dropped.
func (w *factorWork) eliminate(lu *LU, p, q int32) {
	ci, cv := w.colIdx[q], w.colVal[q]
	var d float64
	w.lRows, w.lVals = w.lRows[:0], w.lVals[:0]
	for t, i := range ci {
		if i == p {
			d = cv[t]
		} else {
			w.lRows = append(w.lRows, i)
			w.lVals = append(w.lVals, cv[t])
		}
	}
	for t := range w.lVals {
		w.lVals[t] /= d
	}
	w.nnz -= len(ci)
	w.colIdx[q], w.colVal[q] = ci[:0], cv[:0]
	w.cb.remove(q)
	w.colDone[q] = true
	w.rowDone[p] = true
	w.active--
	w.rb.remove(p)
	for _, i := range w.lRows {
		w.removeFromRow(i, q)
	}

	lu.pivRow = append(lu.pivRow, p)
	lu.pivCol = append(lu.pivCol, q)
	lu.diag = append(lu.diag, d)

	mark := w.mark
	drop := w.dropTol
	for _, j := range w.rowIdx[p] {
		if j == q {
			continue
		}
		cj, vj := w.colIdx[j], w.colVal[j]
		// Take a_pj out of column j.
		var apj float64
		for t, i := range cj {
			if i == p {
				apj = vj[t]
				last := len(cj) - 1
				cj[t], vj[t] = cj[last], vj[last]
				cj, vj = cj[:last], vj[:last]
				w.nnz--
				break
			}
		}
		lu.uCol = append(lu.uCol, j)
		lu.uVal = append(lu.uVal, apj)
		w.colMaxOK[j] = false
		if len(w.lRows) > 0 {
			n0 := len(cj)
			for t, i := range cj {
				mark[i] = int32(t + 1)
			}
			for t, i := range w.lRows {
				m := w.lVals[t] * apj
				if s := mark[i]; s > 0 {
					vj[s-1] -= m
				} else {
					cj = append(cj, i)
					vj = append(vj, -m)
					w.nnz++
					w.rowIdx[i] = append(w.rowIdx[i], j)
				}
			}
			for _, i := range cj[:n0] {
				mark[i] = 0
			}
			// Drop what cancelled to round-off; track growth.
			out := 0
			for t, i := range cj {
				a := math.Abs(vj[t])
				if a <= drop {
					w.removeFromRow(i, j)
					w.nnz--
					continue
				}
				if a > w.maxElem {
					w.maxElem = a
				}
				cj[out], vj[out] = i, vj[t]
				out++
			}
			cj, vj = cj[:out], vj[:out]
		}
		w.colIdx[j], w.colVal[j] = cj, vj
		w.cb.move(j, len(cj))
	}
	w.rowIdx[p] = w.rowIdx[p][:0]
	for _, i := range w.lRows {
		w.rb.move(i, len(w.rowIdx[i]))
	}
	lu.uStart = append(lu.uStart, len(lu.uCol))

	// Store the L eta, dropping negligible multipliers.
	nl := 0
	for t, i := range w.lRows {
		if math.Abs(w.lVals[t]*d) > drop {
			lu.lRow = append(lu.lRow, i)
			lu.lVal = append(lu.lVal, w.lVals[t])
			nl++
		}
	}
	if nl > 0 {
		lu.lPiv = append(lu.lPiv, p)
		lu.lStart = append(lu.lStart, len(lu.lRow))
	}
}
