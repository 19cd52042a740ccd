package nnopt

import (
	"math"
	"sync"
)

// parallelMin is the least number of elements an element-wise loop splits over the
// CPUs for: transcendental functions cost 10-20 ns each, so from here on the split
// (a few microseconds) is small against the loop.
const parallelMin = 1 << 12

// inParallel runs fn over [0, n) in one contiguous range per CPU (at most 4) when n
// is large, else in one call.
func inParallel(n int, fn func(lo, hi int)) {
	parts := min(Threads(), 4, n/parallelMin)
	if parts <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(p*n/parts, (p+1)*n/parts)
	}
	fn(0, n/parts)
	wg.Wait()
}

// mat is a logical r×c matrix stored row-major as r×c, or as c×r when t is set.
type mat struct {
	d    []float64
	t    bool
	r, c int
}

func (m mat) T() mat { return mat{m.d, !m.t, m.c, m.r} }

// mulAdd sets dst = a·b + beta·dst.
func mulAdd(dst, a, b mat, beta float64) {
	if dst.t {
		mulAdd(dst.T(), b.T(), a.T(), beta)
		return
	}
	gemm(a.t, b.t, a.r, b.c, a.c, a.d, b.d, beta, dst.d)
}

// operand returns argument i of a contraction (0 = A, 1 = B) as its logical matrix,
// reading buf (val, dot, ...) of the argument and gathering when needed.
func (n *tnode) operand(i int, src []float64, scratch *[]float64) mat {
	c := n.ctr
	r, cols, t, perm := c.m, c.k, c.transA, c.permA
	if i == 1 {
		r, cols, t, perm = c.k, c.n, c.transB, c.permB
	}
	if perm == nil {
		return mat{src, t, r, cols}
	}
	if *scratch == nil {
		*scratch = make([]float64, len(perm))
	}
	for j, p := range perm {
		(*scratch)[j] = src[p]
	}
	return mat{*scratch, false, r, cols}
}

// accumulate adds the logical matrix product a·b into argument i's buffer dst.
func (n *tnode) accumulate(i int, dst []float64, a, b mat, scratch *[]float64) {
	c := n.ctr
	r, cols, t, perm := c.m, c.k, c.transA, c.permA
	if i == 1 {
		r, cols, t, perm = c.k, c.n, c.transB, c.permB
	}
	if perm == nil {
		mulAdd(mat{dst, t, r, cols}, a, b, 1)
		return
	}
	if len(*scratch) != len(perm) {
		*scratch = make([]float64, len(perm))
	}
	mulAdd(mat{*scratch, false, r, cols}, a, b, 0)
	for j, p := range perm {
		dst[p] += (*scratch)[j]
	}
}

// forward computes the node's value from its arguments' values.
func (n *tnode) forward(x [][]float64) {
	switch n.op {
	case opConst:
		return
	case opRef:
		if n.param == nil {
			n.val = x[n.vb]
		}
		return
	}
	if n.kern != nil {
		n.kernelForward()
		return
	}
	if n.ctr != nil {
		a := n.operand(0, n.args[0].val, &n.ctr.bufA)
		b := n.operand(1, n.args[1].val, &n.ctr.bufB)
		mulAdd(mat{n.val, false, n.ctr.m, n.ctr.n}, a, b, 0)
		return
	}
	v := n.val
	switch n.op {
	case opAdd, opSub, opMul, opDiv:
		binaryForward(n.op, v, n.args[0].val, n.gather[0], n.args[1].val, n.gather[1])
	case opNeg:
		a, g := n.args[0].val, n.gather[0]
		for i := range v {
			v[i] = -at(a, g, i)
		}
	case opWhere:
		a, g := n.args[0].val, n.gather[0]
		for i := range v {
			v[i] = n.mask[i] * at(a, g, i)
		}
	case opFunc:
		a, g := n.args[0].val, n.gather[0]
		if n.fn == fnTanh && g == nil {
			inParallel(len(v), func(lo, hi int) {
				for i, x := range a[lo:hi] {
					v[lo+i] = math.Tanh(x)
				}
			})
			return
		}
		inParallel(len(v), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				v[i], _, _ = funcEval(n.fn, n.p, at(a, g, i))
			}
		})
	case opSum:
		clear(v)
		for j, a := range n.args[0].val {
			v[n.reduce[j]] += a
		}
	case opLogSumExp:
		// Stable: subtract the maximum of each group before exponentiating.
		fill(v, math.Inf(-1))
		a := n.args[0].val
		for j, x := range a {
			if x > v[n.reduce[j]] {
				v[n.reduce[j]] = x
			}
		}
		s := n.aux
		sums := make([]float64, len(v))
		for j, x := range a {
			s[j] = math.Exp(x - v[n.reduce[j]])
			sums[n.reduce[j]] += s[j]
		}
		for i := range v {
			v[i] += math.Log(sums[i])
		}
		for j, x := range a {
			s[j] = math.Exp(x - v[n.reduce[j]])
		}
	}
}

// derivs returns the first and second derivatives of the element-wise function at
// output position i, whose argument is x: from the stored value where the function's
// derivatives follow from it (tanh, sigmoid, exp), which saves re-evaluating it in
// every sweep.
func (n *tnode) derivs(i int, x float64) (d1, d2 float64) {
	switch f := n.val[i]; n.fn {
	case fnTanh:
		d1 = 1 - f*f
		return d1, -2 * f * d1
	case fnSigmoid:
		d1 = f * (1 - f)
		return d1, d1 * (1 - 2*f)
	case fnExp:
		return f, f
	}
	_, d1, d2 = funcEval(n.fn, n.p, x)
	return d1, d2
}

// binaryForward sets v = a op b element-wise, a and b read through their gathers.
func binaryForward(op opKind, v, a []float64, ga []int32, b []float64, gb []int32) {
	if ga == nil && gb == nil {
		a, b = a[:len(v)], b[:len(v)]
		switch op {
		case opAdd:
			for i := range v {
				v[i] = a[i] + b[i]
			}
		case opSub:
			for i := range v {
				v[i] = a[i] - b[i]
			}
		case opMul:
			for i := range v {
				v[i] = a[i] * b[i]
			}
		default:
			for i := range v {
				v[i] = a[i] / b[i]
			}
		}
		return
	}
	switch op {
	case opAdd:
		for i := range v {
			v[i] = at(a, ga, i) + at(b, gb, i)
		}
	case opSub:
		for i := range v {
			v[i] = at(a, ga, i) - at(b, gb, i)
		}
	case opMul:
		for i := range v {
			v[i] = at(a, ga, i) * at(b, gb, i)
		}
	default:
		for i := range v {
			v[i] = at(a, ga, i) / at(b, gb, i)
		}
	}
}

// tangent computes the node's directional derivative from its arguments' tangents.
// Constant nodes have no tangent (nil).
func (n *tnode) tangent(dx [][]float64) {
	if n.constant {
		return
	}
	switch n.op {
	case opRef:
		n.dot = dx[n.vb]
		return
	}
	if n.dot == nil {
		n.dot = make([]float64, n.size)
	}
	d := n.dot
	if n.kern != nil {
		n.kernelTangent()
		return
	}
	if n.ctr != nil {
		A, B := n.args[0], n.args[1]
		beta := 0.0
		if !A.constant {
			mulAdd(mat{d, false, n.ctr.m, n.ctr.n}, n.operand(0, A.dot, new([]float64)), n.operand(1, B.val, &n.ctr.bufB), 0)
			beta = 1
		}
		if !B.constant {
			mulAdd(mat{d, false, n.ctr.m, n.ctr.n}, n.operand(0, A.val, &n.ctr.bufA), n.operand(1, B.dot, new([]float64)), beta)
		} else if beta == 0 {
			clear(d)
		}
		return
	}
	switch n.op {
	case opAdd, opSub:
		a, b := n.args[0], n.args[1]
		switch {
		case a.constant:
			clear(d)
		case n.gather[0] == nil:
			copy(d, a.dot)
		default:
			for i, g := range n.gather[0] {
				d[i] = a.dot[g]
			}
		}
		if !b.constant {
			sign := 1.0
			if n.op == opSub {
				sign = -1
			}
			addScaledGathered(d, sign, b.dot, n.gather[1])
		}
	case opMul, opDiv:
		a, b := n.args[0], n.args[1]
		ga, gb := n.gather[0], n.gather[1]
		for i := range d {
			var da, db float64
			if !a.constant {
				da = at(a.dot, ga, i)
			}
			if !b.constant {
				db = at(b.dot, gb, i)
			}
			switch n.op {
			case opMul:
				d[i] = da*at(b.val, gb, i) + at(a.val, ga, i)*db
			default:
				y := at(b.val, gb, i)
				d[i] = da/y - at(a.val, ga, i)*db/(y*y)
			}
		}
	case opNeg:
		a, g := n.args[0], n.gather[0]
		for i := range d {
			d[i] = -at(a.dot, g, i)
		}
	case opWhere:
		a, g := n.args[0], n.gather[0]
		for i := range d {
			d[i] = n.mask[i] * at(a.dot, g, i)
		}
	case opFunc:
		a, g := n.args[0], n.gather[0]
		if n.fn == fnTanh {
			for i := range d {
				f := n.val[i]
				d[i] = (1 - f*f) * at(a.dot, g, i)
			}
			return
		}
		for i := range d {
			d1, _ := n.derivs(i, at(a.val, g, i))
			d[i] = d1 * at(a.dot, g, i)
		}
	case opSum:
		clear(d)
		for j, a := range n.args[0].dot {
			d[n.reduce[j]] += a
		}
	case opLogSumExp:
		clear(d)
		for j, a := range n.args[0].dot {
			d[n.reduce[j]] += n.aux[j] * a
		}
	}
}

// addScaledGathered sets d[i] += s·x[g[i]] (x[i] when g is nil) for every i of d.
func addScaledGathered(d []float64, s float64, x []float64, g []int32) {
	if g == nil {
		x = x[:len(d)]
		for i := range d {
			d[i] += s * x[i]
		}
		return
	}
	for i, p := range g {
		d[i] += s * x[p]
	}
}

// Adjoint sweeps. A node's adj (adjdot in the second-order sweep) is nil when nothing
// needs it: constants, and variable references the sweep does not want. References that
// are wanted share the sweep's output buffer (g or hv, bound by the block before the
// sweep), so their parents accumulate straight into it.

func adjOf(t *tnode) []float64    { return t.adj }
func adjdotOf(t *tnode) []float64 { return t.adjdot }

// addInto sets dst[pos(g, i)] += s·w[i] for every i.
func addInto(dst []float64, g []int32, s float64, w []float64) {
	switch {
	case g == nil && s == 1:
		for i, y := range w {
			dst[i] += y
		}
	case g == nil:
		for i, y := range w {
			dst[i] += s * y
		}
	default:
		for i, y := range w {
			dst[g[i]] += s * y
		}
	}
}

// linearPullback adds the pullback of w through a linear node (sum, difference,
// negation, condition, reduction) into the buffers adjOf picks: the adjoints in the
// first-order sweep, their tangents in the second-order one, where the rule is the
// same. It reports whether n is linear.
func (n *tnode) linearPullback(w []float64, adjOf func(*tnode) []float64) bool {
	switch n.op {
	case opAdd, opSub:
		sign := 1.0
		if n.op == opSub {
			sign = -1
		}
		if da := adjOf(n.args[0]); da != nil {
			addInto(da, n.gather[0], 1, w)
		}
		if db := adjOf(n.args[1]); db != nil {
			addInto(db, n.gather[1], sign, w)
		}
	case opNeg:
		if da := adjOf(n.args[0]); da != nil {
			addInto(da, n.gather[0], -1, w)
		}
	case opWhere:
		if da, ga := adjOf(n.args[0]), n.gather[0]; da != nil {
			for i, y := range w {
				da[pos(ga, i)] += n.mask[i] * y
			}
		}
	case opSum:
		if da := adjOf(n.args[0]); da != nil {
			for j := range da {
				da[j] += w[n.reduce[j]]
			}
		}
	default:
		return false
	}
	return true
}

// pullback adds the node's adjoint, pulled back through the operation, to the
// adjoints of its arguments that have one.
func (n *tnode) pullback() {
	w := n.adj
	if w == nil || n.op == opRef {
		return
	}
	if n.kern != nil {
		n.kernelPullback(w)
		return
	}
	if n.ctr != nil {
		A, B := n.args[0], n.args[1]
		C := mat{w, false, n.ctr.m, n.ctr.n}
		if A.adj != nil {
			n.accumulate(0, A.adj, C, n.operand(1, B.val, &n.ctr.bufB).T(), new([]float64))
		}
		if B.adj != nil {
			n.accumulate(1, B.adj, n.operand(0, A.val, &n.ctr.bufA).T(), C, new([]float64))
		}
		return
	}
	if n.linearPullback(w, adjOf) {
		return
	}
	switch n.op {
	case opMul, opDiv:
		a, b := n.args[0], n.args[1]
		ga, gb := n.gather[0], n.gather[1]
		for i, y := range w {
			switch n.op {
			case opMul:
				if a.adj != nil {
					a.adj[pos(ga, i)] += y * at(b.val, gb, i)
				}
				if b.adj != nil {
					b.adj[pos(gb, i)] += y * at(a.val, ga, i)
				}
			default:
				q := at(b.val, gb, i)
				if a.adj != nil {
					a.adj[pos(ga, i)] += y / q
				}
				if b.adj != nil {
					b.adj[pos(gb, i)] -= y * at(a.val, ga, i) / (q * q)
				}
			}
		}
	case opFunc:
		a, ga := n.args[0], n.gather[0]
		if a.adj == nil {
			return
		}
		if n.fn == fnTanh {
			if ga == nil {
				da := a.adj[:len(w)]
				for i, y := range w {
					f := n.val[i]
					da[i] += (1 - f*f) * y
				}
				return
			}
			for i, y := range w {
				f := n.val[i]
				a.adj[ga[i]] += (1 - f*f) * y
			}
			return
		}
		for i, y := range w {
			d1, _ := n.derivs(i, at(a.val, ga, i))
			a.adj[pos(ga, i)] += d1 * y
		}
	case opLogSumExp:
		if a := n.args[0].adj; a != nil {
			for j := range a {
				a[j] += n.aux[j] * w[n.reduce[j]]
			}
		}
	}
}

// backwardTangent propagates the tangent of the adjoint (forward-over-reverse), so
// that the variable references receive ∇²(wᵀr)·v in hv. It needs val, dot and adj.
// A tangent of an adjoint exists wherever the adjoint does, except at references.
func (n *tnode) backwardTangent() {
	w, wd := n.adj, n.adjdot
	if wd == nil || n.op == opRef {
		return
	}
	if n.kern != nil {
		n.kernelBackwardTangent()
		return
	}
	if n.ctr != nil {
		A, B := n.args[0], n.args[1]
		C := mat{w, false, n.ctr.m, n.ctr.n}
		Cd := mat{wd, false, n.ctr.m, n.ctr.n}
		if A.adjdot != nil {
			n.accumulate(0, A.adjdot, Cd, n.operand(1, B.val, &n.ctr.bufB).T(), new([]float64))
			if !B.constant {
				n.accumulate(0, A.adjdot, C, n.operand(1, B.dot, new([]float64)).T(), new([]float64))
			}
		}
		if B.adjdot != nil {
			n.accumulate(1, B.adjdot, n.operand(0, A.val, &n.ctr.bufA).T(), Cd, new([]float64))
			if !A.constant {
				n.accumulate(1, B.adjdot, n.operand(0, A.dot, new([]float64)).T(), C, new([]float64))
			}
		}
		return
	}
	if n.linearPullback(wd, adjdotOf) {
		return
	}
	switch n.op {
	case opMul:
		a, b := n.args[0], n.args[1]
		ga, gb := n.gather[0], n.gather[1]
		for i := range wd {
			if a.adjdot != nil {
				s := wd[i] * at(b.val, gb, i)
				if !b.constant {
					s += w[i] * at(b.dot, gb, i)
				}
				a.adjdot[pos(ga, i)] += s
			}
			if b.adjdot != nil {
				s := wd[i] * at(a.val, ga, i)
				if !a.constant {
					s += w[i] * at(a.dot, ga, i)
				}
				b.adjdot[pos(gb, i)] += s
			}
		}
	case opDiv:
		a, b := n.args[0], n.args[1]
		ga, gb := n.gather[0], n.gather[1]
		for i := range wd {
			q := at(b.val, gb, i)
			var qd, xd float64
			if !b.constant {
				qd = at(b.dot, gb, i)
			}
			if !a.constant {
				xd = at(a.dot, ga, i)
			}
			if a.adjdot != nil {
				a.adjdot[pos(ga, i)] += wd[i]/q - w[i]*qd/(q*q)
			}
			if b.adjdot != nil {
				x := at(a.val, ga, i)
				b.adjdot[pos(gb, i)] += -xd*w[i]/(q*q) - x*wd[i]/(q*q) + 2*x*w[i]*qd/(q*q*q)
			}
		}
	case opFunc:
		a, ga := n.args[0], n.gather[0]
		if a.adjdot == nil {
			return
		}
		for i := range wd {
			d1, d2 := n.derivs(i, at(a.val, ga, i))
			a.adjdot[pos(ga, i)] += d2*at(a.dot, ga, i)*w[i] + d1*wd[i]
		}
	case opLogSumExp:
		// ∂y/∂a = p; the tangent of p is p·(ȧ - ẏ).
		a := n.args[0]
		if a.adjdot == nil {
			return
		}
		for j := range a.adjdot {
			m := n.reduce[j]
			p := n.aux[j]
			a.adjdot[j] += p*wd[m] + w[m]*p*(a.dot[j]-n.dot[m])
		}
	}
}
