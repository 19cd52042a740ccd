package nlpsolve

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/nnopt/nnopt/backend"
)

// compactLBFGS is the limited-memory BFGS matrix in compact form (Byrd, Nocedal and
// Schnabel 1994), B = θI − W·M·Wᵀ with W = [Y θS]. Unlike the two-loop recursion the
// compact form gives the products needed to minimise the quadratic model over the
// box: the generalised Cauchy point and the subspace step of L-BFGS-B (Byrd, Lu,
// Nocedal and Zhu 1995).
//
// The pairs are the rows of one ring buffer, and every product with W that an
// iteration needs is folded into two passes over it: one matrix product at the
// update (the new pair's inner products and Wᵀg together) and one W·v for the
// subspace step. All else works on 2k-vectors and on the few elements at bounds.
type compactLBFGS struct {
	vec     vecOps
	n, size int
	// all holds 2·size+3 rows of n on the optimizer's backend: Y in rows [0,size), S
	// in rows [size,2·size), then the pair being added and its gradient (s, y, g), so
	// that one product gives every inner product an update needs.
	all, buf, vecs backend.Vector // all, its first 2·size rows, its last 3
	first, count   int            // ring slot of the oldest pair, number of pairs
	// Chronological inner products: sy[i][j] = sᵢᵀyⱼ, ss[i][j] = sᵢᵀsⱼ, yy[i][j] = yᵢᵀyⱼ.
	sy, ss, yy [][]float64
	theta      float64
	gg         float64   // gᵀg for the gradient of the latest update
	m          mat.Dense // M = K⁻¹, 2k×2k
	wg         []float64 // Wᵀg for the gradient of the latest update

	prods      []float64      // the products of [s; y; g] with all (3 rows of 2·size+3)
	prodsV     backend.Vector // the same on the backend
	coef       []float64      // per buffer row, for W·v
	coefV      backend.Vector
	wb, mwb    []float64 // a row of W and M times it
	p, c, v, u []float64 // 2k work vectors
	// For the box step on the host: the pairs (bufHost: the buffer's memory on the
	// CPU, else a copy), and per element the breakpoint, Cauchy direction and W·v.
	bufHost, bufCopy []float64
	t, dir, wv       []float64
	heap             breakHeap
	k                mat.Dense // work matrices
	wzw, nm          mat.Dense
}

func newCompactLBFGS(vec vecOps, size, n int) *compactLBFGS {
	rows := 2*size + 3
	q := &compactLBFGS{vec: vec, n: n, size: size, prods: make([]float64, 3*rows), coef: make([]float64, 2*size)}
	be := vec.be
	q.all = be.NewVector(rows * n)
	q.buf, q.vecs = be.Slice(q.all, 0, 2*size*n), be.Slice(q.all, 2*size*n, rows*n)
	q.prodsV, q.coefV = be.NewVector(3*rows), be.NewVector(2*size)
	q.sy, q.ss, q.yy = square(size), square(size), square(size)
	for _, v := range []*[]float64{&q.wg, &q.wb, &q.mwb, &q.p, &q.c, &q.v, &q.u} {
		*v = make([]float64, 2*size)
	}
	return q
}

// onHost readies the box step on the host: the pairs copied there (unless they
// live there) and the per-element work.
func (q *compactLBFGS) onHost() {
	if q.t == nil {
		q.t, q.dir, q.wv = make([]float64, q.n), make([]float64, q.n), make([]float64, q.n)
		q.heap.t = q.t
	}
	q.bufHost = q.vec.host(q.buf, &q.bufCopy)
}

// cauchyStep is the step along −g to the minimum of the model, g the gradient of the
// latest update: the generalised Cauchy point when no breakpoint comes first.
func (q *compactLBFGS) cauchyStep() float64 {
	k2 := 2 * q.count
	p := q.p[:k2]
	floats.ScaleTo(p, -1, q.wg[:k2])
	q.mul(p, q.v)
	f1 := -q.gg
	f2 := -q.theta*f1 - floats.Dot(p, q.v[:k2])
	return -f1 / f2
}

func square(n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
	}
	return out
}

func (q *compactLBFGS) len() int { return q.count }
func (q *compactLBFGS) reset()   { q.count, q.first = 0, 0 }

func (q *compactLBFGS) slot(j int) int { return (q.first + j) % q.size }
func (q *compactLBFGS) row(r int) backend.Vector {
	return q.vec.be.Slice(q.all, r*q.n, (r+1)*q.n)
}

// update adds the pair (x1−x0, g1−g0) when its curvature is safely positive and
// reports whether it did. Either way it leaves Wᵀg1 ready for the next step.
func (q *compactLBFGS) update(x0, x1, g0, g1 backend.Vector) bool {
	n, be := q.n, q.vec.be
	rows := 2*q.size + 3
	sRow, yRow, gRow := 2*q.size, 2*q.size+1, 2*q.size+2
	q.vec.subTo(q.row(sRow), x1, x0)
	q.vec.subTo(q.row(yRow), g1, g0)
	q.vec.copyTo(q.row(gRow), g1)
	// One pass over the buffer: prods[r][row] = [s; y; g][r]·all[row].
	be.Gemm(false, true, 3, rows, n, 1, q.vecs, q.all, 0, q.prodsV)
	be.Download(q.prods, q.prodsV)
	ps, py, pg := q.prods[:rows], q.prods[rows:2*rows], q.prods[2*rows:]
	sty, yty := ps[yRow], py[yRow]
	q.gg = pg[gRow]
	accept := sty > 2.2e-16*yty && yty > 0
	if accept {
		if q.count == q.size {
			q.first = (q.first + 1) % q.size
			q.count--
			for _, a := range [][][]float64{q.sy, q.ss, q.yy} {
				for i := 0; i < q.count; i++ {
					copy(a[i][:q.count], a[i+1][1:q.count+1])
				}
			}
		}
		sl := q.slot(q.count)
		q.vec.copyTo(q.row(sl), q.row(yRow))
		q.vec.copyTo(q.row(q.size+sl), q.row(sRow))
		q.count++
		q.theta = yty / sty
	}
	if q.count == 0 {
		return false
	}
	// The products were taken before the new pair entered the ring: its own come
	// from the rows s and y.
	k, last := q.count, q.count-1
	cols := func(j int) (y, s int) {
		if accept && j == last {
			return yRow, sRow
		}
		sl := q.slot(j)
		return sl, q.size + sl
	}
	for j := 0; j < k; j++ {
		yc, sc := cols(j)
		q.wg[j], q.wg[k+j] = pg[yc], q.theta*pg[sc]
	}
	if !accept {
		return false
	}
	for j := 0; j < k; j++ {
		yc, sc := cols(j)
		q.sy[j][last] = py[sc] // sⱼᵀy_new
		q.sy[last][j] = ps[yc] // s_newᵀyⱼ
		q.ss[j][last], q.ss[last][j] = ps[sc], ps[sc]
		q.yy[j][last], q.yy[last][j] = py[yc], py[yc]
	}
	if !q.factor() {
		q.reset()
		return false
	}
	return true
}

// factor forms M = K⁻¹ with K = [−D Lᵀ; L θSᵀS], where D is the diagonal of SᵀY and L
// its strictly lower triangle, and WᵀW.
func (q *compactLBFGS) factor() bool {
	k := q.count
	q.k.Reset()
	q.k.ReuseAs(2*k, 2*k)
	q.k.Zero()
	for i := 0; i < k; i++ {
		q.k.Set(i, i, -q.sy[i][i])
		for j := 0; j < i; j++ {
			q.k.Set(k+i, j, q.sy[i][j])
			q.k.Set(j, k+i, q.sy[i][j])
		}
		for j := 0; j < k; j++ {
			q.k.Set(k+i, k+j, q.theta*q.ss[i][j])
		}
	}
	q.m.Reset()
	q.m.ReuseAs(2*k, 2*k)
	if err := q.m.Inverse(&q.k); err != nil {
		cond, ok := err.(mat.Condition)
		if !ok || float64(cond) > 1e14 {
			return false
		}
	}
	return true
}

// wRow stores row i of W in dst, from the pairs on the host (see onHost).
func (q *compactLBFGS) wRow(i int, dst []float64) {
	k := q.count
	buf := q.bufHost
	for j := 0; j < k; j++ {
		sl := q.slot(j)
		dst[j] = buf[sl*q.n+i]
		dst[k+j] = q.theta * buf[(q.size+sl)*q.n+i]
	}
}

// mul stores M·v in dst.
func (q *compactLBFGS) mul(v, dst []float64) {
	k := 2 * q.count
	for i := 0; i < k; i++ {
		dst[i] = floats.Dot(q.m.RawRowView(i)[:k], v[:k])
	}
}

// setCoef spreads the 2k-vector v over the buffer's rows (θ on the S rows).
func (q *compactLBFGS) setCoef(v []float64) {
	k := q.count
	clear(q.coef)
	for j := 0; j < k; j++ {
		sl := q.slot(j)
		q.coef[sl] = v[j]
		q.coef[q.size+sl] = q.theta * v[k+j]
	}
}

// wHost stores W·v in dst from the pairs on the host (see onHost).
func (q *compactLBFGS) wHost(v, dst []float64) {
	q.setCoef(v)
	blas64.Gemv(blas.Trans, 1, blas64.General{Rows: 2 * q.size, Cols: q.n, Stride: q.n, Data: q.bufHost},
		blas64.Vector{N: 2 * q.size, Data: q.coef, Inc: 1}, 0, blas64.Vector{N: q.n, Data: dst, Inc: 1})
}

// w sets dst = W·v + beta·dst: one pass over the buffer.
func (q *compactLBFGS) w(v []float64, beta float64, dst backend.Vector) {
	q.setCoef(v)
	be := q.vec.be
	be.Upload(q.coefV, q.coef)
	be.Gemm(true, false, q.n, 1, 2*q.size, 1, q.buf, q.coefV, beta, dst)
}

// direction stores in d the quasi-Newton step −B⁻¹g of a problem without bounds, g
// the gradient given to the latest update: by Sherman–Morrison–Woodbury,
// d = −g/θ − (1/θ²)·W·(I − (1/θ)·M·WᵀW)⁻¹·M·Wᵀg. Only 2k-vectors cross to the host.
// It reports false when the small system is singular.
func (q *compactLBFGS) direction(g, d backend.Vector) bool {
	k2 := 2 * q.count
	theta := q.theta
	q.gram()
	if !q.woodbury(q.wg) {
		return false
	}
	coef := q.c[:k2]
	for a := 0; a < k2; a++ {
		coef[a] = -q.u[a] / (theta * theta)
	}
	q.vec.scaleTo(d, -1/theta, g)
	q.w(coef, 1, d)
	return true
}

// woodbury solves (I − (1/θ)·M·wzw)·u = M·r for u (in q.u), the small system of the
// Sherman–Morrison–Woodbury step, and reports false when it is singular.
func (q *compactLBFGS) woodbury(r []float64) bool {
	k2 := 2 * q.count
	rhs := q.p[:k2]
	q.mul(r, rhs)
	q.nm.Reset()
	q.nm.ReuseAs(k2, k2)
	q.nm.Mul(q.m.Slice(0, k2, 0, k2), &q.wzw)
	q.nm.Scale(-1/q.theta, &q.nm)
	for i := 0; i < k2; i++ {
		q.nm.Set(i, i, q.nm.At(i, i)+1)
	}
	sol := mat.NewVecDense(k2, q.u[:k2])
	if err := sol.SolveVec(&q.nm, mat.NewVecDense(k2, rhs)); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return false
		}
	}
	return true
}

// gram sets wzw = WᵀW from the inner products.
func (q *compactLBFGS) gram() {
	k, k2 := q.count, 2*q.count
	theta := q.theta
	q.wzw.Reset()
	q.wzw.ReuseAs(k2, k2)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			q.wzw.Set(i, j, q.yy[i][j])
			q.wzw.Set(i, k+j, theta*q.sy[j][i])
			q.wzw.Set(k+i, j, theta*q.sy[i][j])
			q.wzw.Set(k+i, k+j, theta*theta*q.ss[i][j])
		}
	}
}

// boxStep minimises the quadratic model gᵀd + ½dᵀBd over the box [lo, up] around x
// the way L-BFGS-B does: along the projected steepest-descent path to the generalised
// Cauchy point, then over the elements still free there, projected onto the box (or
// truncated to it when the projection does not descend). It stores the result in
// xbar. g must be the gradient given to the latest update.
func (q *compactLBFGS) boxStep(x, g, lo, up, xbar []float64) {
	q.onHost()
	k2 := 2 * q.count
	theta := q.theta
	p, c := q.p[:k2], q.c[:k2]
	// Breakpoints of the projected path x(t) = P(x − t·g); p = Wᵀ·dir from Wᵀg,
	// corrected for the elements that cannot move at all.
	floats.ScaleTo(p, -1, q.wg[:k2])
	var dd float64
	for i, gi := range g {
		t := math.Inf(1)
		switch {
		case gi < 0:
			t = (x[i] - up[i]) / gi
		case gi > 0:
			t = (x[i] - lo[i]) / gi
		}
		q.t[i] = t
		xbar[i] = x[i]
		q.dir[i] = 0
		if t > 0 {
			q.dir[i] = -gi
			dd += gi * gi
		} else if gi != 0 {
			q.wRow(i, q.wb)
			floats.AddScaled(p, gi, q.wb[:k2])
		}
	}
	if dd == 0 {
		return // stationary: the model's minimiser is x itself
	}
	clear(c)
	q.mul(p, q.v)
	f1 := -dd
	f2 := -theta*f1 - floats.Dot(p, q.v[:k2])
	f2min := 1e-10 * math.Max(f2, 1e-300)
	dtMin := -f1 / f2
	tOld := 0.0
	// Breakpoints are loaded into the heap in bands of t, since the path usually
	// stops long before most of them.
	band := 0.0
	q.heap.reset()
	for f1 < 0 {
		if q.heap.len() == 0 {
			if math.IsInf(band, 1) {
				break
			}
			next := q.heap.fill(q.dir, band, math.Max(2*band, 2*(tOld+dtMin)))
			if q.heap.len() == 0 {
				if next-tOld > dtMin {
					break // the model's minimum comes before the next breakpoint
				}
				next = q.heap.fill(q.dir, band, 2*next)
			}
			band = next
		}
		b := q.heap.top()
		dt := q.t[b] - tOld
		if dtMin < dt {
			break
		}
		q.heap.pop()
		// Element b reaches its bound: it leaves the path's direction.
		xb := up[b]
		if q.dir[b] < 0 {
			xb = lo[b]
		}
		xbar[b] = xb
		zb, gb := xb-x[b], g[b]
		floats.AddScaled(c, dt, p)
		q.wRow(b, q.wb)
		q.mul(q.wb[:k2], q.mwb)
		wMc := floats.Dot(q.mwb[:k2], c)
		wMp := floats.Dot(q.mwb[:k2], p)
		wMw := floats.Dot(q.mwb[:k2], q.wb[:k2])
		f1 += dt*f2 + gb*gb + theta*gb*zb - gb*wMc
		f2 += -theta*gb*gb - 2*gb*wMp - gb*gb*wMw
		f2 = math.Max(f2, f2min)
		floats.AddScaled(p, gb, q.wb[:k2])
		q.dir[b] = 0
		tOld = q.t[b]
		dtMin = -f1 / f2
	}
	dtMin = math.Max(dtMin, 0)
	tOld += dtMin
	for i, di := range q.dir {
		if di != 0 {
			xbar[i] = x[i] + tOld*di
		}
	}
	floats.AddScaled(c, dtMin, p)
	q.subspace(x, g, lo, up, xbar, c)
}

// subspace minimises the model over the elements free at the Cauchy point xcp (held
// in xbar; c = Wᵀ(xcp − x)) and moves xbar there. With Z selecting the free elements
// and r = Zᵀ(g + θ(xcp − x) − W·M·c) the model's reduced gradient, the step is
// d = −(1/θ)r − (1/θ²)ZᵀW·(I − (1/θ)M·WᵀZZᵀW)⁻¹·M·WᵀZ·r (Sherman–Morrison–Woodbury).
// WᵀZ·r and WᵀZZᵀW come from Wᵀg, c and WᵀW less the fixed elements' rows, so the
// step costs one pass W·v.
func (q *compactLBFGS) subspace(x, g, lo, up, xbar, c []float64) {
	k2 := 2 * q.count
	theta := q.theta
	q.gram()
	// wzg = WᵀZ·g, wzz = WᵀZ·(xcp − x), accumulated as totals less fixed rows.
	wzg, wzz := q.u[:k2], q.v[:k2]
	copy(wzg, q.wg[:k2])
	copy(wzz, c)
	raw := q.wzw.RawMatrix()
	nFree := 0
	for i := range xbar {
		if xbar[i] > lo[i] && xbar[i] < up[i] {
			nFree++
			continue
		}
		q.wRow(i, q.wb)
		for a := 0; a < k2; a++ {
			floats.AddScaled(raw.Data[a*raw.Stride:a*raw.Stride+k2], -q.wb[a], q.wb[:k2])
		}
		floats.AddScaled(wzg, -g[i], q.wb[:k2])
		floats.AddScaled(wzz, -(xbar[i] - x[i]), q.wb[:k2])
	}
	if nFree == 0 {
		return
	}
	// WᵀZ·r = wzg + θ·wzz − WᵀZZᵀW·M·c.
	mc := q.mwb[:k2]
	q.mul(c, mc)
	wzr := q.wb[:k2]
	for a := 0; a < k2; a++ {
		wzr[a] = wzg[a] + theta*wzz[a] - floats.Dot(raw.Data[a*raw.Stride:a*raw.Stride+k2], mc)
	}
	if !q.woodbury(wzr) {
		return // keep the Cauchy point
	}
	// d = −g/θ − (xcp − x) + W·(M·c/θ − u/θ²) on the free elements.
	coef := q.c[:k2] // c is no longer needed
	for a := 0; a < k2; a++ {
		coef[a] = mc[a]/theta - q.u[a]/(theta*theta)
	}
	d := q.wv
	q.wHost(coef, d)
	var slope float64
	for i := range d {
		if !(xbar[i] > lo[i] && xbar[i] < up[i]) {
			d[i] = 0
			continue
		}
		d[i] += -g[i]/theta - (xbar[i] - x[i])
		xi := clamp(xbar[i]+d[i], lo[i], up[i])
		slope += g[i] * (xi - x[i])
	}
	// Projected subspace step if it descends (Morales and Nocedal 2011), else truncated.
	if slope < 0 {
		for i, di := range d {
			if di != 0 {
				xbar[i] = clamp(xbar[i]+di, lo[i], up[i])
			}
		}
		return
	}
	alpha := 1.0
	for i, di := range d {
		switch {
		case di > 0:
			alpha = math.Min(alpha, (up[i]-xbar[i])/di)
		case di < 0:
			alpha = math.Min(alpha, (lo[i]-xbar[i])/di)
		}
	}
	floats.AddScaled(xbar, alpha, d)
}

// breakHeap is a binary min-heap of element indices keyed by their breakpoints.
type breakHeap struct {
	idx []int32
	t   []float64
}

func (h *breakHeap) reset()   { h.idx = h.idx[:0] }
func (h *breakHeap) len() int { return len(h.idx) }
func (h *breakHeap) top() int { return int(h.idx[0]) }

// fill loads the elements still moving (dir ≠ 0) with breakpoints in (from, to] and
// returns the band's end: to, or when the band is empty the smallest breakpoint
// beyond it (+Inf if none).
func (h *breakHeap) fill(dir []float64, from, to float64) float64 {
	h.idx = h.idx[:0]
	next := math.Inf(1)
	for i, d := range dir {
		switch t := h.t[i]; {
		case d == 0 || t <= from:
		case t <= to:
			h.idx = append(h.idx, int32(i))
		case t < next:
			next = t
		}
	}
	if len(h.idx) == 0 {
		return next
	}
	for i := len(h.idx)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	return to
}

func (h *breakHeap) pop() {
	n := len(h.idx) - 1
	h.idx[0] = h.idx[n]
	h.idx = h.idx[:n]
	h.down(0)
}

func (h *breakHeap) down(i int) {
	n := len(h.idx)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.t[h.idx[r]] < h.t[h.idx[l]] {
			m = r
		}
		if h.t[h.idx[m]] >= h.t[h.idx[i]] {
			return
		}
		h.idx[i], h.idx[m] = h.idx[m], h.idx[i]
		i = m
	}
}
