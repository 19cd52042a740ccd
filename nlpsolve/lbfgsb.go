package nlpsolve

import (
	"container/heap"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// compactLBFGS is the limited-memory BFGS matrix in compact form (Byrd, Nocedal and
// Schnabel 1994), B = θI − W·M·Wᵀ with W = [Y θS]. Unlike the two-loop recursion the
// compact form gives the products needed to minimise the quadratic model over the
// box: the generalised Cauchy point and the subspace step of L-BFGS-B (Byrd, Lu,
// Nocedal and Zhu 1995). Pairs are rows of a ring buffer; the small matrices are kept
// in chronological order.
type compactLBFGS struct {
	n, size      int
	s, y         []float64 // size×n ring of rows
	first, count int       // ring slot of the oldest pair, number of pairs
	// Chronological inner products: sy[i][j] = sᵢᵀyⱼ, ss[i][j] = sᵢᵀsⱼ, yy[i][j] = yᵢᵀyⱼ.
	sy, ss, yy [][]float64
	theta      float64
	m          mat.Dense // M = K⁻¹, 2k×2k

	ds, dy      []float64 // the candidate pair
	slotS       []float64 // per slot: S·v
	slotY       []float64 // per slot: Y·v
	wb, mwb     []float64 // a row of W and M times it
	p, c, v, u  []float64 // 2k work vectors
	wv          []float64 // n-vector W·v
	breakpoints breakHeap
	t, dir      []float64 // per element: breakpoint and Cauchy direction
}

func newCompactLBFGS(size, n int) *compactLBFGS {
	q := &compactLBFGS{n: n, size: size,
		s: make([]float64, size*n), y: make([]float64, size*n),
		ds: make([]float64, n), dy: make([]float64, n),
		slotS: make([]float64, size), slotY: make([]float64, size),
		wv: make([]float64, n), t: make([]float64, n), dir: make([]float64, n),
	}
	q.sy, q.ss, q.yy = square(size), square(size), square(size)
	for _, v := range []*[]float64{&q.wb, &q.mwb, &q.p, &q.c, &q.v, &q.u} {
		*v = make([]float64, 2*size)
	}
	return q
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
func (q *compactLBFGS) row(buf []float64, j int) []float64 {
	k := q.slot(j)
	return buf[k*q.n : (k+1)*q.n]
}

// bySlot stores buf·v per ring slot in dst (stale slots included).
func (q *compactLBFGS) bySlot(buf, v, dst []float64) {
	blas64.Gemv(blas.NoTrans, 1, blas64.General{Rows: q.size, Cols: q.n, Stride: q.n, Data: buf},
		blas64.Vector{N: q.n, Data: v, Inc: 1}, 0, blas64.Vector{N: q.size, Data: dst, Inc: 1})
}

// update adds the pair (x1−x0, g1−g0) when its curvature is safely positive and
// reports whether it did.
func (q *compactLBFGS) update(x0, x1, g0, g1 []float64) bool {
	floats.SubTo(q.ds, x1, x0)
	floats.SubTo(q.dy, g1, g0)
	sty, yty := floats.Dot(q.ds, q.dy), floats.Dot(q.dy, q.dy)
	if !(sty > 2.2e-16*yty) || yty == 0 {
		return false
	}
	if q.count == q.size {
		q.first = (q.first + 1) % q.size
		q.count--
		for _, a := range [][][]float64{q.sy, q.ss, q.yy} {
			for i := 0; i < q.count; i++ {
				copy(a[i][:q.count], a[i+1][1:q.count+1])
			}
		}
	}
	k := q.count
	copy(q.row(q.s, k), q.ds)
	copy(q.row(q.y, k), q.dy)
	q.count++
	// New row and column of the inner products.
	q.bySlot(q.s, q.dy, q.slotS) // sⱼᵀy_new
	q.bySlot(q.y, q.ds, q.slotY) // yⱼᵀs_new
	for j := 0; j <= k; j++ {
		q.sy[j][k] = q.slotS[q.slot(j)]
		q.sy[k][j] = q.slotY[q.slot(j)]
	}
	q.bySlot(q.s, q.ds, q.slotS)
	q.bySlot(q.y, q.dy, q.slotY)
	for j := 0; j <= k; j++ {
		q.ss[j][k], q.ss[k][j] = q.slotS[q.slot(j)], q.slotS[q.slot(j)]
		q.yy[j][k], q.yy[k][j] = q.slotY[q.slot(j)], q.slotY[q.slot(j)]
	}
	q.theta = yty / sty
	if !q.factor() {
		q.reset()
		return false
	}
	return true
}

// factor forms M = K⁻¹ with K = [−D Lᵀ; L θSᵀS], where D is the diagonal of SᵀY and L
// its strictly lower triangle.
func (q *compactLBFGS) factor() bool {
	k := q.count
	kk := mat.NewDense(2*k, 2*k, nil)
	for i := 0; i < k; i++ {
		kk.Set(i, i, -q.sy[i][i])
		for j := 0; j < i; j++ {
			kk.Set(k+i, j, q.sy[i][j])
			kk.Set(j, k+i, q.sy[i][j])
		}
		for j := 0; j < k; j++ {
			kk.Set(k+i, k+j, q.theta*q.ss[i][j])
		}
	}
	q.m.Reset()
	q.m.ReuseAs(2*k, 2*k)
	err := q.m.Inverse(kk)
	if err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return false
		}
		// Ill-conditioned but usable only if it is not hopeless.
		if float64(err.(mat.Condition)) > 1e14 {
			return false
		}
	}
	return true
}

// wt stores Wᵀv (2k) in dst.
func (q *compactLBFGS) wt(v, dst []float64) {
	k := q.count
	q.bySlot(q.y, v, q.slotY)
	q.bySlot(q.s, v, q.slotS)
	for j := 0; j < k; j++ {
		dst[j] = q.slotY[q.slot(j)]
		dst[k+j] = q.theta * q.slotS[q.slot(j)]
	}
}

// w stores W·v (n) in dst.
func (q *compactLBFGS) w(v, dst []float64) {
	k := q.count
	clear(q.slotY)
	clear(q.slotS)
	for j := 0; j < k; j++ {
		q.slotY[q.slot(j)] = v[j]
		q.slotS[q.slot(j)] = q.theta * v[k+j]
	}
	vec := func(d []float64, n int) blas64.Vector { return blas64.Vector{N: n, Data: d, Inc: 1} }
	general := func(buf []float64) blas64.General {
		return blas64.General{Rows: q.size, Cols: q.n, Stride: q.n, Data: buf}
	}
	blas64.Gemv(blas.Trans, 1, general(q.y), vec(q.slotY, q.size), 0, vec(dst, q.n))
	blas64.Gemv(blas.Trans, 1, general(q.s), vec(q.slotS, q.size), 1, vec(dst, q.n))
}

// wRow stores row i of W in dst.
func (q *compactLBFGS) wRow(i int, dst []float64) {
	k := q.count
	for j := 0; j < k; j++ {
		dst[j] = q.row(q.y, j)[i]
		dst[k+j] = q.theta * q.row(q.s, j)[i]
	}
}

// mul stores M·v in dst.
func (q *compactLBFGS) mul(v, dst []float64) {
	k := 2 * q.count
	for i := 0; i < k; i++ {
		dst[i] = floats.Dot(q.m.RawRowView(i)[:k], v[:k])
	}
}

// boxStep minimises the quadratic model g·d + ½dᵀBd over the box [lo, up] around x
// the way L-BFGS-B does: along the projected steepest-descent path to the generalised
// Cauchy point, then over the elements still free there, truncated to the box. It
// stores the model's minimiser in xbar.
func (q *compactLBFGS) boxStep(x, g, lo, up, xbar []float64) {
	k2 := 2 * q.count
	theta := q.theta
	// Breakpoints of the projected path x(t) = P(x − t·g).
	q.breakpoints.idx = q.breakpoints.idx[:0]
	q.breakpoints.t = q.t
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
		q.dir[i] = 0
		if t > 0 {
			q.dir[i] = -gi
			dd += gi * gi
			if !math.IsInf(t, 1) {
				q.breakpoints.idx = append(q.breakpoints.idx, i)
			}
		}
		xbar[i] = x[i]
		if t == 0 {
			xbar[i] = math.Min(math.Max(x[i], lo[i]), up[i])
		}
	}
	if dd == 0 {
		return // stationary: the model's minimiser is x itself
	}
	heap.Init(&q.breakpoints)
	p, c := q.p[:k2], q.c[:k2]
	q.wt(q.dir, p)
	clear(c)
	q.mul(p, q.v)
	f1 := -dd
	f2 := -theta*f1 - floats.Dot(p, q.v[:k2])
	f2min := 1e-10 * math.Max(f2, 1e-300)
	dtMin := -f1 / f2
	tOld := 0.0
	for q.breakpoints.Len() > 0 && f1 < 0 {
		b := q.breakpoints.idx[0]
		dt := q.t[b] - tOld
		if dtMin < dt {
			break
		}
		heap.Pop(&q.breakpoints)
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
// in xbar; c = Wᵀ(xcp − x)) and moves xbar there, projected onto the box when that
// keeps a descent direction, else truncated to it.
func (q *compactLBFGS) subspace(x, g, lo, up, xbar, c []float64) {
	k2 := 2 * q.count
	theta := q.theta
	free := q.dir // reuse: 1 where free at the Cauchy point
	nFixed := 0
	for i := range xbar {
		free[i] = 0
		if xbar[i] > lo[i] && xbar[i] < up[i] {
			free[i] = 1
		} else {
			nFixed++
		}
	}
	if nFixed == len(xbar) {
		return
	}
	// Reduced gradient of the model at the Cauchy point: r = g + θ(xcp − x) − W·M·c.
	q.mul(c, q.v)
	r := q.wv
	q.w(q.v[:k2], r)
	for i := range r {
		r[i] = (g[i] + theta*(xbar[i]-x[i]) - r[i]) * free[i]
	}
	// WᵀZZᵀW = WᵀW − Σ over fixed elements of wᵢwᵢᵀ.
	k := q.count
	wzw := mat.NewDense(k2, k2, nil)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			wzw.Set(i, j, q.yy[i][j])
			wzw.Set(i, k+j, theta*q.sy[j][i])
			wzw.Set(k+i, j, theta*q.sy[i][j])
			wzw.Set(k+i, k+j, theta*theta*q.ss[i][j])
		}
	}
	if nFixed > 0 {
		raw := wzw.RawMatrix()
		for i, fi := range free {
			if fi != 0 {
				continue
			}
			q.wRow(i, q.wb)
			for a := 0; a < k2; a++ {
				floats.AddScaled(raw.Data[a*raw.Stride:a*raw.Stride+k2], -q.wb[a], q.wb[:k2])
			}
		}
	}
	// Sherman–Morrison–Woodbury: d = −(1/θ)r − (1/θ²)ZᵀW·(I − (1/θ)M·WᵀZZᵀW)⁻¹·M·WᵀZ·r.
	q.wt(r, q.u)
	q.mul(q.u, q.v)
	var nm mat.Dense
	nm.Mul(q.m.Slice(0, k2, 0, k2), wzw)
	nm.Scale(-1/theta, &nm)
	for i := 0; i < k2; i++ {
		nm.Set(i, i, nm.At(i, i)+1)
	}
	sol := mat.NewVecDense(k2, q.u[:k2])
	if err := sol.SolveVec(&nm, mat.NewVecDense(k2, q.v[:k2])); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return // keep the Cauchy point
		}
	}
	d := q.ds
	q.w(q.u[:k2], d)
	for i := range d {
		d[i] = (-r[i]/theta - d[i]/(theta*theta)) * free[i]
	}
	// Projected subspace step if it descends (Morales and Nocedal 2011), else truncated.
	var slope float64
	for i := range d {
		xi := math.Min(math.Max(xbar[i]+d[i], lo[i]), up[i])
		slope += g[i] * (xi - x[i])
	}
	if slope < 0 {
		for i := range d {
			xbar[i] = math.Min(math.Max(xbar[i]+d[i], lo[i]), up[i])
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

// breakHeap orders element indices by their breakpoint.
type breakHeap struct {
	idx []int
	t   []float64
}

func (h *breakHeap) Len() int           { return len(h.idx) }
func (h *breakHeap) Less(i, j int) bool { return h.t[h.idx[i]] < h.t[h.idx[j]] }
func (h *breakHeap) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *breakHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *breakHeap) Pop() any {
	n := len(h.idx) - 1
	v := h.idx[n]
	h.idx = h.idx[:n]
	return v
}
