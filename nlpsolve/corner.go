package nlpsolve

import (
	"math"

	"github.com/nnopt/nnopt/backend"
)

// maxCornerProbes bounds the weakly active bounds a stationary point may have for
// corner to try them (one evaluation of the value each, and one for all together).
const maxCornerProbes = 24

// maxCornerMoves bounds the moves corner makes in one solve.
const maxCornerMoves = 10

// corner looks, at a point s of the triangular method whose projected gradient is
// within tolerance, for a decrease of the objective along the directions that
// release the variables sitting on a bound with a derivative of at most the
// tolerance (weakly active: a zero multiplier): each alone, then all of them
// together, a step of 1e-2·(1+|s_j|) into the box. Such a point is first-order
// stationary but can be a corner that is no minimum: HS45's 2 - x1·x2·x3·x4·x5/120
// with two factors on their lower bound 0, where every derivative vanishes but
// moving both up lowers f (a move of one alone does not).
//
// A probe that lowers f by more than 1e-10·(1+|f|) is taken: corner leaves the
// best one in sNew with its gradient in gNew (the blocks at sNew) and returns its
// objective and true. Otherwise the blocks are left at s, with g its gradient.
// Nothing is evaluated when no bound is weakly active, or more than
// maxCornerProbes are.
func (o *optimizer) corner(s backend.Vector, f float64, g, sNew, gNew backend.Vector) (float64, bool) {
	if o.bounds == nil {
		return 0, false
	}
	v := o.vec
	tol := o.set.GradientTolerance
	sh := append([]float64(nil), v.host(s, &o.hs)...)
	gh := v.host(g, &o.hg)
	var cand []int
	for j, x := range sh {
		if o.lo[j] < o.up[j] && (x <= o.lo[j] || x >= o.up[j]) && math.Abs(gh[j]) <= tol {
			cand = append(cand, j)
			if len(cand) > maxCornerProbes {
				return 0, false
			}
		}
	}
	if len(cand) == 0 {
		return 0, false
	}
	trial := make([]float64, len(sh))
	var best []float64
	bestF, bestN := f-1e-10*(1+math.Abs(f)), 0
	sets := len(cand) + 1
	if len(cand) == 1 {
		sets = 1
	}
	for k := 0; k < sets; k++ {
		move := cand
		if k < len(cand) {
			move = cand[k : k+1]
		}
		copy(trial, sh)
		for _, j := range move {
			h := 1e-2 * (1 + math.Abs(sh[j]))
			if sh[j] <= o.lo[j] {
				trial[j] = math.Min(o.up[j], sh[j]+h)
			} else {
				trial[j] = math.Max(o.lo[j], sh[j]-h)
			}
		}
		v.store(sNew, trial)
		if ft := o.rf.value(sNew); ft < bestF {
			bestF, bestN = ft, len(move)
			best = append(best[:0], trial...)
		}
	}
	if best == nil {
		o.rf.value(s)
		o.rf.gradient(g)
		return 0, false
	}
	v.store(sNew, best)
	fNew := o.rf.value(sNew)
	o.rf.gradient(gNew)
	o.lg.printf("Corner probe: releasing %d variable(s) on a bound with a zero derivative lowers the objective by %.3g: moving off the stationary point.\n", bestN, f-fNew)
	return fNew, true
}
