package nlpsolve

import (
	"math"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/nlpsolve/internal/stall"
)

type lineResult struct {
	step    float64
	fNew    float64
	evals   int
	ok      bool // sufficient decrease (and curvature, when no bound was hit)
	bounded bool // a bound limited the step
}

const (
	armijo    = 1e-4
	curvature = 0.9
)

// approxWolfe reports Hager and Zhang's approximate Wolfe conditions for a trial
// whose value fa is within rounding of f0: the slope da has risen to curvature
// times the initial slope but no further than (2·armijo - 1) times it. Near a
// minimum of a large objective (HS5 times 1e3: f = -1913, RGmax 1e-5) the
// decrease a step makes, about RGmax², falls below rounding before the gradient
// test is met, and the Armijo test, which compares values, stalls the method;
// the slope still tells progress.
func approxWolfe(f0, slope, fa, da float64) bool {
	return fa <= f0+stall.RoundingLevel(f0) && da >= curvature*slope && da <= (2*armijo-1)*slope
}

// lineSearch moves from s along d. Without bounds in reach it finds a strong-Wolfe
// step; when the step would cross a bound it backtracks on the projected path. It
// leaves the accepted point in sNew, its gradient in gNew, and the solver state there.
// maxStep is the longest step along d that stays in the box.
func (o *optimizer) lineSearch(s backend.Vector, f float64, g, d backend.Vector, slope, step0, maxStep float64, sNew, gNew backend.Vector) lineResult {
	o.next.valid = false
	if maxStep >= step0 {
		return o.wolfe(s, f, d, slope, step0, maxStep, sNew, gNew)
	}
	return o.projected(s, f, g, d, step0, sNew, gNew)
}

// eval computes objective and gradient at s + a·d and returns the objective and the
// slope there; the projected gradient's norm comes with the slope (o.next).
func (o *optimizer) eval(s, d backend.Vector, a float64, sNew, gNew backend.Vector) (float64, float64) {
	o.next.valid = false
	o.vec.axpyTo(sNew, s, a, d)
	f := o.rf.value(sNew)
	if math.IsInf(f, 1) {
		return f, math.NaN()
	}
	o.rf.gradient(gNew)
	pg := gNew
	if o.bounds != nil {
		pg = o.pgNext
		o.project(pg, gNew, sNew)
	}
	var r [2]float64
	o.vec.be.ReduceAll(r[:], dotOf(gNew, d), maxAbsOf(pg))
	o.next.valid, o.next.rgmax = true, max(r[1], 0)
	return f, r[0]
}

func (o *optimizer) wolfe(s backend.Vector, f0 float64, d backend.Vector, slope, a, aMax float64, sNew, gNew backend.Vector) lineResult {
	res := lineResult{}
	aPrev, fPrev, dPrev := 0.0, f0, slope
	last := -1.0
	evalAt := func(x float64) (float64, float64) {
		res.evals++
		last = x
		return o.eval(s, d, x, sNew, gNew)
	}
	finish := func(x, fx float64, ok bool) lineResult {
		if last != x {
			fx, _ = evalAt(x)
		}
		res.step, res.fNew, res.ok = x, fx, ok
		return res
	}
	zoom := func(lo, flo, dlo, hi, fhi, dhi float64) lineResult {
		for k := 0; k < 30; k++ {
			x := cubicMin(lo, flo, dlo, hi, fhi, dhi)
			fx, dx := evalAt(x)
			if approxWolfe(f0, slope, fx, dx) {
				return finish(x, fx, true)
			}
			if fx > f0+armijo*x*slope || fx >= flo || math.IsNaN(dx) {
				hi, fhi, dhi = x, fx, dx
			} else {
				if math.Abs(dx) <= -curvature*slope {
					return finish(x, fx, true)
				}
				if dx*(hi-lo) >= 0 {
					hi, fhi, dhi = lo, flo, dlo
				}
				lo, flo, dlo = x, fx, dx
			}
			if math.Abs(hi-lo) <= 1e-12*math.Max(1, lo) {
				break
			}
		}
		return finish(lo, flo, lo > 0 && flo < f0)
	}
	for k := 0; k < 40; k++ {
		fa, da := evalAt(a)
		if approxWolfe(f0, slope, fa, da) {
			return finish(a, fa, true)
		}
		if fa > f0+armijo*a*slope || (k > 0 && fa >= fPrev) || math.IsNaN(da) {
			return zoom(aPrev, fPrev, dPrev, a, fa, da)
		}
		if math.Abs(da) <= -curvature*slope {
			return finish(a, fa, true)
		}
		if da >= 0 {
			return zoom(a, fa, da, aPrev, fPrev, dPrev)
		}
		if a >= aMax {
			return finish(a, fa, true)
		}
		aPrev, fPrev, dPrev = a, fa, da
		a = math.Min(10*a, aMax)
	}
	return finish(aPrev, fPrev, aPrev > 0)
}

// cubicMin is the minimiser of the cubic interpolating f and f' at a and b, kept
// safely inside the interval; bisection when the cubic is unusable.
func cubicMin(a, fa, da, b, fb, db float64) float64 {
	lo, hi := math.Min(a, b), math.Max(a, b)
	mid := (a + b) / 2
	if math.IsNaN(db) || math.IsInf(fb, 0) {
		return a + 0.25*(b-a) // the far end is unusable: move cautiously
	}
	d1 := da + db - 3*(fa-fb)/(a-b)
	disc := d1*d1 - da*db
	if disc < 0 {
		return mid
	}
	d2 := math.Copysign(math.Sqrt(disc), b-a)
	x := b - (b-a)*(db+d2-d1)/(db-da+2*d2)
	if math.IsNaN(x) || x <= lo+0.1*(hi-lo) || x >= hi-0.1*(hi-lo) {
		return mid
	}
	return x
}

// projected backtracks along P(s + a·d) until the Armijo condition holds. Only steps
// that meet a bound get here; it works on host copies.
func (o *optimizer) projected(sv backend.Vector, f0 float64, gv, dv backend.Vector, a float64, sNewV, gNew backend.Vector) lineResult {
	res := lineResult{bounded: true}
	v := o.vec
	s, g, d := v.host(sv, &o.hs), v.host(gv, &o.hg), v.host(dv, &o.hd)
	if cap(o.hx) < len(s) {
		o.hx = make([]float64, len(s))
	}
	sNew := o.hx[:len(s)]
	if h, ok := sNewV.(*backend.HostVector); ok {
		sNew = h.Data // on the CPU, in place
	}
	for k := 0; k < 40; k++ {
		for i := range s {
			sNew[i] = clamp(s[i]+a*d[i], o.lo[i], o.up[i])
		}
		v.store(sNewV, sNew)
		res.evals++
		fa := o.rf.value(sNewV)
		var dec float64
		for i := range s {
			dec += g[i] * (sNew[i] - s[i])
		}
		if !math.IsInf(fa, 1) && fa <= f0+armijo*dec {
			o.rf.gradient(gNew)
			res.step, res.fNew, res.ok = a, fa, true
			return res
		}
		a /= 2
	}
	res.fNew = math.Inf(1)
	return res
}
