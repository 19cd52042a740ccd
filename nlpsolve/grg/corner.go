package grg

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// maxCornerProbes bounds the weakly active nonbasics a stationary point may have
// for cornerProbe to try them: one restoration each, and one more for all of
// them together.
const maxCornerProbes = 24

// cornerProbe looks, at a point of phase 2 that is stationary (the reduced
// gradient below tolerance) and where negativeCurvature found nothing, for a
// decrease of the objective along the directions that release the nonbasic
// variables whose reduced gradient is at most rtol (weakly active: their
// multiplier is zero): each alone, then all of them together, a short step
// (1e-2·(1+|x_j|), within the ratio test) into their bounds, the basics
// following along the rows' tangent and restoration. Where the Hessian of the
// Lagrangian vanishes along such a direction as well, the point can be a corner
// of higher order that is no minimum: HS24's x2 = 0 under ((x1-3)² - 9)·x2³,
// where every first and second derivative is zero but x2 > 0 lowers f.
//
// With the reduced Hessian H that negativeCurvature formed (positive
// semidefinite over the cone, or it would have moved), the superbasics move
// along as well, by the least-squares minimiser d_S = -H_SS⁺·H_SN·d_N of the
// quadratic model for the nonbasics' move d_N: along a direction the model
// counts flat, what is left is of higher order (min (x1-1)² - x2³ with
// x1 - x2 - x3 = 0 and x3 superbasic: x2 alone drags x1 along, and f rises as
// t² - t³; with x3 giving way, f = -t³). Without Hessian products
// (negativeCurvature skipped) the probe is the whole check, the superbasics stay,
// and the move of all the weakly active nonbasics together finds the corner of
// a product whose factors sit at zero (-x1·x2 at the origin), which a move of
// one alone cannot.
//
// A probe that lowers f by more than 1e-10·(1+|f|) makes the nonbasics it moves
// superbasic, leaves its direction in s.d (the largest decrease wins) and
// reports true, counting as a move along negative curvature (maxEscapes); cur is
// left as it was. Nothing is evaluated when no nonbasic is weakly active, or
// more than maxCornerProbes are.
func (s *solver) cornerProbe(sb []int, rtol float64) (bool, error) {
	if s.phase != 2 || s.escapes >= maxEscapes {
		return false, nil
	}
	var cand []int
	for j := 0; j < s.n; j++ {
		if (s.st[j] == nbLower || s.st[j] == nbUpper) && s.lo[j] < s.up[j] && math.Abs(s.r[j]) <= rtol {
			cand = append(cand, j)
			if len(cand) > maxCornerProbes {
				return false, nil
			}
		}
	}
	if len(cand) == 0 {
		return false, nil
	}
	model := s.cornerModel(sb)
	f0 := s.cur.f
	bestDec := 1e-10 * (1 + math.Abs(f0))
	var best []float64 // the best direction, over all variables
	var bestMove []int
	dir := make([]float64, s.nt)
	vars := make([]int, 0, len(sb)+len(cand))
	sets := len(cand) + 1
	if len(cand) == 1 {
		sets = 1
	}
	for k := 0; k < sets; k++ {
		move := cand
		if k < len(cand) {
			move = cand[k : k+1]
		}
		clear(dir)
		for _, j := range move {
			dir[j] = s.inward(j)
		}
		vars = append(vars[:0], move...)
		if model != nil {
			model(move, dir)
			vars = append(vars, sb...)
		}
		dec, err := s.probe(dir, vars, move)
		if err != nil {
			return false, err
		}
		if dec > bestDec {
			bestDec, bestMove = dec, move
			best = append(best[:0], dir...)
		}
	}
	// Leave the basis factored at cur, as the probes found it.
	if s.stale(s.cur.jac) {
		if ok, err := s.factor(s.cur.jac, false); err != nil || !ok {
			return false, err
		}
	}
	if best == nil {
		return false, nil
	}
	copy(s.d, best)
	for _, j := range bestMove {
		s.st[j] = super
	}
	s.escapes++
	if s.escapes == maxEscapes {
		s.logf("stall guard: move %d along negative curvature, the last this solve\n", maxEscapes)
	}
	s.logf("corner probe: releasing %d nonbasic variable(s) with a zero reduced gradient lowers the objective by %.3g: moving off the stationary point\n", len(bestMove), bestDec)
	return true, nil
}

// cornerModel returns, when negativeCurvature left its reduced Hessian H over
// the superbasics sb and the weakly active nonbasics, a function that adds to
// dir (given on the nonbasics in move) the superbasics' least-squares minimiser
// d_S = -H_SS⁺·H_SN·d_N of the quadratic model, and scales dir to a largest
// entry of 1; nil without one (or without superbasics).
func (s *solver) cornerModel(sb []int) func(move []int, dir []float64) {
	if s.curvCols == nil || len(sb) == 0 {
		return nil
	}
	pos := make(map[int]int, len(s.curvCand))
	for a, j := range s.curvCand {
		pos[j] = a
	}
	hAt := func(i, j int) float64 { // H's entry for variables i and j
		a, b := pos[i], pos[j]
		return 0.5 * (s.curvCols[a][b] + s.curvCols[b][a])
	}
	for _, j := range sb {
		if _, ok := pos[j]; !ok {
			return nil
		}
	}
	k := len(sb)
	h := mat.NewSymDense(k, nil)
	for a, i := range sb {
		for b := a; b < k; b++ {
			h.SetSym(a, b, hAt(i, sb[b]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, true) {
		return nil
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	lmax := 0.0
	for _, l := range vals {
		lmax = math.Max(lmax, math.Abs(l))
	}
	rhs := make([]float64, k)
	return func(move []int, dir []float64) {
		for _, j := range move {
			if _, ok := pos[j]; !ok {
				return // not in the model: the superbasics stay
			}
		}
		for a, i := range sb {
			rhs[a] = 0
			for _, j := range move {
				rhs[a] -= hAt(i, j) * dir[j]
			}
		}
		// d_S = Σ over the eigenpairs (λ, v) with λ > 1e-8·λmax of v·(vᵀrhs)/λ.
		for e, l := range vals {
			if !(l > 1e-8*lmax) {
				continue
			}
			c := 0.0
			for a := range sb {
				c += vecs.At(a, e) * rhs[a]
			}
			c /= l
			for a, i := range sb {
				dir[i] += c * vecs.At(a, e)
			}
		}
		if m := maxAbs(dir); m > 0 {
			for j := range dir {
				dir[j] /= m
			}
		}
	}
}

// probe returns the decrease of the objective from cur at a short step along
// dir (over vars: the nonbasics in move and any superbasics), or 0 where the
// step is blocked, restoration fails or f does not fall. It uses s.d, s.dB,
// s.v and s.trial, and may refactor the basis at the trial point.
func (s *solver) probe(dir []float64, vars, move []int) (float64, error) {
	if s.stale(s.cur.jac) {
		if ok, err := s.factor(s.cur.jac, false); err != nil || !ok {
			return 0, err
		}
	}
	copy(s.d, dir)
	h := math.Inf(1)
	for _, j := range move {
		h = math.Min(h, 1e-2*(1+math.Abs(s.cur.x[j])))
	}
	if s.m > 0 {
		clear(s.v)
		for _, j := range vars {
			rows, vals := s.col(j, s.cur.jac)
			for t, i := range rows {
				s.v[i] += vals[t] * s.d[j]
			}
		}
		if err := s.lu.SolveVec(s.dB, s.v); err != nil {
			return 0, err
		}
		for p := range s.dB {
			s.dB[p] = -s.dB[p]
		}
	}
	alphaMax, _, _, _, _ := s.ratio(vars)
	alpha := math.Min(h, alphaMax)
	if !(alpha > 1e-9*(1+maxAbs(s.cur.x))) {
		return 0, nil // a basic variable on its bound blocks it (degenerate)
	}
	ok, err := s.tryStep(alpha, vars)
	if err != nil || !ok {
		return 0, err
	}
	if k, _ := s.violation(); k >= 0 {
		return 0, nil
	}
	return s.cur.f - s.obj(s.trial), nil
}
