package nlpsolve

import (
	"math"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/nlpsolve/grg"
	"gonum.org/v1/gonum/mat"
)

// maxCurvatureVariables bounds the free variables of a stationary point whose
// reduced Hessian curvature forms (one Hessian-vector product each): the check is
// for small models, where a saddle is cheap to tell from a minimum; a network's
// weights are never looked at this way.
const maxCurvatureVariables = 60

// maxCurvatureDoublings bounds how far curvature extrapolates its step.
const maxCurvatureDoublings = 30

// curvature looks, at a point s of the triangular method whose projected gradient
// is within tolerance, for negative curvature of the reduced objective over the
// variables strictly inside their bounds, as the general method does (grg's
// negativeCurvature): it forms the reduced Hessian over them, and when its least
// eigenvalue is negative beyond round-off (relative to the largest |eigenvalue|
// and to the objective's size over the free variables' squared) it moves along
// that eigenvector, signed downhill, with a step that starts
// at 1 (or the distance to the box) and doubles while the objective keeps falling.
// Such a point is first-order stationary and may be a saddle or a plateau's edge
// rather than a minimum: HS25 starts on one, its gradient 1e-10 and its least
// eigenvalue -1.1e-6, and the general method leaves it this way.
//
// A move that lowers f by more than 1e-10·(1+|f|) is taken: the new point is left
// in sNew with its gradient in gNew (the blocks there) and curvature returns its
// objective and true. Otherwise the blocks are left at s with g its gradient, and
// the reason is logged when an eigenvalue was found negative.
func (o *optimizer) curvature(s backend.Vector, f float64, g, sNew, gNew backend.Vector) (float64, bool) {
	v := o.vec
	sh := append([]float64(nil), v.host(s, &o.hs)...)
	var free []int
	for j, x := range sh {
		if o.lo[j] < x && x < o.up[j] {
			free = append(free, j)
			if len(free) > maxCurvatureVariables {
				return 0, false
			}
		}
	}
	k := len(free)
	if k == 0 {
		return 0, false
	}
	n := len(sh)
	e := make([]float64, n)
	h := mat.NewSymDense(k, nil)
	cols := make([][]float64, k)
	for a, j := range free {
		clear(e)
		e[j] = 1
		v.store(sNew, e)
		if err := o.rf.hessVec(sNew, gNew); err != nil {
			o.lg.printf("Curvature check skipped: %v\n", err)
			return 0, false
		}
		hd := v.host(gNew, &o.hd)
		cols[a] = make([]float64, k)
		for b, i := range free {
			cols[a][b] = hd[i]
			if math.IsNaN(hd[i]) || math.IsInf(hd[i], 0) {
				o.lg.printf("Curvature check skipped: a Hessian-vector product is not finite\n")
				return 0, false
			}
		}
	}
	for a := range k {
		for b := a; b < k; b++ {
			h.SetSym(a, b, 0.5*(cols[a][b]+cols[b][a]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, true) {
		return 0, false
	}
	vals := eig.Values(nil)
	xmax := 0.0
	for _, j := range free {
		xmax = math.Max(xmax, math.Abs(sh[j]))
	}
	if !grg.NegativeBeyondRoundOff(vals, f, xmax) {
		return 0, false
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	gh := v.host(g, &o.hg)
	dir := make([]float64, n)
	slope := 0.0
	for a, j := range free {
		dir[j] = vecs.At(a, 0)
		slope += gh[j] * dir[j]
	}
	if slope > 0 {
		for _, j := range free {
			dir[j] = -dir[j]
		}
	}
	reach := math.Inf(1) // the longest step that stays in the box
	for _, j := range free {
		switch {
		case dir[j] > 0:
			reach = math.Min(reach, (o.up[j]-sh[j])/dir[j])
		case dir[j] < 0:
			reach = math.Min(reach, (o.lo[j]-sh[j])/dir[j])
		}
	}
	trial := make([]float64, n)
	at := func(t float64) float64 {
		for j := range trial {
			trial[j] = clamp(sh[j]+t*dir[j], o.lo[j], o.up[j])
		}
		v.store(sNew, trial)
		return o.rf.value(sNew)
	}
	// Starting at 1 (or the reach), halve until f falls, then double while it
	// keeps falling: the quadratic model is unbounded below along dir.
	bestT, bestF := 0.0, f-1e-10*(1+math.Abs(f))
	t := math.Min(1, reach)
	for range maxCurvatureDoublings {
		if ft := at(t); ft < bestF {
			bestT, bestF = t, ft
			break
		}
		t /= 2
	}
	for bestT > 0 && bestT < reach {
		t := math.Min(2*bestT, reach)
		ft := at(t)
		if !(ft < bestF) {
			break
		}
		bestT, bestF = t, ft
		if t >= reach || bestT > 1e3*(1+maxAbs(sh)) {
			break
		}
	}
	if bestT == 0 {
		o.lg.printf("Negative curvature %.3g over %d free variables, but no decrease along it.\n", vals[0], k)
		o.rf.value(s)
		o.rf.gradient(g)
		return 0, false
	}
	fNew := at(bestT)
	o.rf.gradient(gNew)
	o.lg.printf("Negative curvature %.3g (least eigenvalue of the reduced Hessian over %d free variables): moving off the stationary point lowers the objective by %.3g.\n", vals[0], k, f-fNew)
	return fNew, true
}

// maxAbs is the largest |x_i|.
func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
