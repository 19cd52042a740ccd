package grg

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// HessianProblem is a Problem that also gives products with the Hessian of its
// Lagrangian, for the second-order steps (Settings.Direction, negative
// curvature).
type HessianProblem interface {
	Problem
	// HessVec stores (σ·∇²f(x) - Σ_i y_i·∇²c_i(x))·v in hv (length n). x need not
	// be the point of the last Eval.
	HessVec(x []float64, sigma float64, y, v, hv []float64) error
}

// HessVec implements HessianProblem when the inner problem does: the slacks enter
// the rows linearly.
func (s *Slacked) HessVec(x []float64, sigma float64, y, v, hv []float64) error {
	hp, ok := s.Inner.(HessianProblem)
	if !ok {
		return errNoHessian
	}
	n0 := s.n - len(s.SlackRow)
	clear(hv[n0:])
	return hp.HessVec(x[:n0], sigma, y, v[:n0], hv[:n0])
}

var (
	errNoHessian        = errors.New("grg: the problem has no Hessian-vector products")
	errNonFiniteHessian = errors.New("grg: a Hessian-vector product is not finite")
)

// hasHessian reports whether the solve has Hessian-vector products: the
// problem's own, or differences of the Lagrangian's gradient when
// Settings.HessianDifferences allows them.
func (s *solver) hasHessian() bool {
	if hp, ok := s.p.(HessianProblem); ok {
		if sl, isSlacked := hp.(*Slacked); !isSlacked {
			return true
		} else if _, inner := sl.Inner.(HessianProblem); inner {
			return true
		}
	}
	return s.set.HessianDifferences
}

// hessVec stores ∇²L·v in hv (length n) at cur, with L = σf - yᵀc the phase's
// Lagrangian (σ = 0 in phase 1, whose objective is linear in the artificials) and
// y the multipliers of the last price.
func (s *solver) hessVec(v, hv []float64) error {
	sigma := 1.0
	if s.phase == 1 {
		sigma = s.weight
	}
	if hp, ok := s.p.(HessianProblem); ok {
		err := hp.HessVec(s.cur.x[:s.n], sigma, s.y, v, hv)
		if err == nil {
			return finiteHessVec(hv[:s.n])
		}
		if err != errNoHessian {
			return err
		}
	}
	// Central differences of ∇L = σ∇f - Jᵀy along v.
	vmax := maxAbs(v[:s.n])
	if vmax == 0 {
		clear(hv[:s.n])
		return nil
	}
	h := 1e-6 * (1 + maxAbs(s.cur.x[:s.n])) / vmax
	if s.hpt == nil {
		s.hpt = s.newPoint()
	}
	clear(hv[:s.n])
	for _, sg := range [2]float64{1, -1} {
		pt := s.hpt
		for j := 0; j < s.n; j++ {
			pt.x[j] = s.cur.x[j] + sg*h*v[j]
		}
		s.evals++
		if _, err := s.p.Eval(pt.x[:s.n], pt.cs, pt.gs, pt.jac); err != nil {
			return err
		}
		for j := 0; j < s.n; j++ {
			gj := sigma * pt.gs[j]
			for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
				gj -= pt.jac[t] * s.y[s.rowIdx[t]]
			}
			hv[j] += sg * gj / (2 * h)
		}
	}
	return finiteHessVec(hv[:s.n])
}

// finiteHessVec returns errNonFiniteHessian when hv has a NaN or an infinity:
// the second-order step is then skipped, not taken.
func finiteHessVec(hv []float64) error {
	for _, x := range hv {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return errNonFiniteHessian
		}
	}
	return nil
}

// reducedHessVec stores Zᵀ·∇²L·Z·v over the superbasics sb in out (indexed by
// variable, like v), where Z maps a step of the superbasics to the step of all
// variables along the rows' tangent: the basics move by -B⁻¹·N_S·v. It uses s.v,
// s.w and s.hp, s.hq as work.
func (s *solver) reducedHessVec(sb []int, v, out []float64) error {
	if s.hp == nil {
		s.hp = make([]float64, s.nt)
		s.hq = make([]float64, s.nt)
	}
	p, hq := s.hp, s.hq
	clear(p)
	for _, j := range sb {
		p[j] = v[j]
	}
	if s.m > 0 {
		clear(s.v)
		for _, j := range sb {
			rows, vals := s.col(j, s.cur.jac)
			for t, i := range rows {
				s.v[i] += vals[t] * v[j]
			}
		}
		if err := s.lu.SolveVec(s.w, s.v); err != nil {
			return err
		}
		for q, j := range s.head {
			p[j] = -s.w[q]
		}
	}
	if err := s.hessVec(p, hq); err != nil {
		return err
	}
	clear(hq[s.n:])
	if s.m > 0 {
		for q, j := range s.head {
			s.v[q] = hq[j]
		}
		if err := s.lu.SolveTransVec(s.w, s.v); err != nil {
			return err
		}
	}
	for _, j := range sb {
		u := hq[j]
		if s.m > 0 {
			rows, vals := s.col(j, s.cur.jac)
			for t, i := range rows {
				u -= vals[t] * s.w[i]
			}
		}
		out[j] = u
	}
	return nil
}

// maxCurvatureSuperbasics bounds the superbasics of a point whose reduced
// Hessian is formed (one Hessian-vector product each) to look for negative
// curvature before it is reported stationary.
const maxCurvatureSuperbasics = 60

// maxEscapes bounds the moves along negative curvature in one solve.
const maxEscapes = 10

// negativeCurvature forms the reduced Hessian over the superbasics sb, and the
// nonbasic variables whose reduced gradient is below tolerance (a degenerate
// KKT point: they may move into their bounds at no first-order cost, as a slack
// releases a weakly active row), at a point where the reduced gradient is below
// tolerance, and looks for negative curvature in the cone of directions that
// move those nonbasics into their bounds only. When the least eigenvalue is
// negative beyond round-off (relative to the largest |eigenvalue| and 1) and a
// sign of its eigenvector moves every nonbasic inwards, it stores that
// eigenvector in s.d, signed so (and downhill), makes the nonbasics it moves
// superbasic and reports true. A saddle point or a maximum (HS33's (0, 0, 2),
// where x2 at its bound 0 has a zero reduced gradient and x1² + x2² + x3² ≥ 4
// curves down along it; phase 1 stuck at HS61's x2 = x3 = 0) is then left along
// that direction instead of being reported optimal or infeasible. In phase 1,
// whose objective has no preference between the two signs at a saddle, the sign
// is the one that decreases the objective of phase 2.
//
// When neither sign moves every nonbasic inwards, the nonbasics the better sign
// would move outwards stay on their bounds and the search repeats over the rest:
// the principal submatrix is the reduced Hessian over the directions that leave
// them fixed. This finds the cone's negative curvature that an eigenvector of
// the whole space points past (min x² + y² + 3xy - z²/4 at the origin with x, y
// on their lower bounds: the least eigenvector (1, -1, 0) leaves the cone, z
// alone curves down), though not every such direction: that is a copositivity
// test, hard in general.
//
// rtol is the reduced gradient below which a nonbasic variable joins: the
// optimality tolerance at a stationary point, the superbasics' own reduced
// gradient after a failed line search (a point creeping towards a saddle, whose
// nonbasics' reduced gradients shrink with the superbasics').
func (s *solver) negativeCurvature(sb []int, rtol float64) (bool, error) {
	s.curvCand, s.curvCols = nil, nil
	if s.escapes >= maxEscapes || !s.hasHessian() {
		return false, nil
	}
	cand := append([]int(nil), sb...)
	for j := 0; j < s.nt; j++ {
		if (s.st[j] == nbLower || s.st[j] == nbUpper) && math.Abs(s.r[j]) <= rtol {
			cand = append(cand, j)
		}
	}
	k := len(cand)
	if k == 0 || k > maxCurvatureSuperbasics {
		return false, nil
	}
	e := make([]float64, s.nt)
	out := make([]float64, s.nt)
	cols := make([][]float64, k)
	for a, j := range cand {
		clear(e)
		e[j] = 1
		if err := s.reducedHessVec(cand, e, out); err != nil {
			if err == errNonFiniteHessian {
				return false, nil
			}
			return false, err
		}
		cols[a] = make([]float64, k)
		for b, i := range cand {
			cols[a][b] = out[i]
		}
	}
	s.curvCand, s.curvCols = cand, cols // for cornerProbe, if nothing is found
	keep := make([]int, k)              // the candidates still free to move, by index in cand
	for a := range keep {
		keep[a] = a
	}
	var vec []float64 // the least eigenvector over keep
	var least float64
	sign := 0.0
	// uphill is the direction the cone forced uphill at first order, kept while
	// the search looks again with the nonbasics it moves fixed.
	var uphill *coneDirection
	for {
		if len(keep) == 0 {
			if uphill == nil {
				return false, nil
			}
			keep, vec, least, sign = uphill.keep, uphill.vec, uphill.least, uphill.sign
			break
		}
		h := mat.NewSymDense(len(keep), nil)
		for a, ca := range keep {
			for b := a; b < len(keep); b++ {
				cb := keep[b]
				h.SetSym(a, b, 0.5*(cols[ca][cb]+cols[cb][ca]))
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(h, true) {
			return false, nil
		}
		vals := eig.Values(nil)
		xmax := 0.0
		for _, a := range keep {
			xmax = math.Max(xmax, math.Abs(s.cur.x[cand[a]]))
		}
		if !NegativeBeyondRoundOff(vals, s.obj(s.cur), xmax) {
			if uphill == nil {
				return false, nil
			}
			keep, vec, least, sign = uphill.keep, uphill.vec, uphill.least, uphill.sign
			break
		}
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		vec = make([]float64, len(keep))
		for a := range keep {
			vec[a] = vecs.At(a, 0)
		}
		least = vals[0]
		// The weight each sign would move outwards.
		var outw [2]float64 // sign +1, sign -1
		for a, ca := range keep {
			w := s.inward(cand[ca])
			if w == 0 || math.Abs(vec[a]) <= 1e-9 {
				continue
			}
			if vec[a]*w < 0 {
				outw[0] += math.Abs(vec[a])
			} else {
				outw[1] += math.Abs(vec[a])
			}
		}
		if outw[0] == 0 && outw[1] == 0 {
			break // no nonbasic moves: the sign is the slope's
		}
		if outw[0] == 0 || outw[1] == 0 {
			sign = 1
			if outw[0] > 0 {
				sign = -1
			}
			if uphill == nil && s.coneSlope(cand, keep, vec, sign) > 0 {
				// The sign that moves the nonbasics inwards climbs at first
				// order, and the curvature pays only past a step of
				// 2·slope/|λ|, where the quadratic model may no longer hold
				// (HS25 with its bounds written as rows: x1 ≤ 100 active, λ =
				// -1.7e-6, every trial along it rose). Look first over the
				// directions that leave those nonbasics on their bounds; this
				// one is the fallback.
				uphill = &coneDirection{keep: keep, vec: vec, least: least, sign: sign}
				next := keep[:0:0]
				for a, ca := range keep {
					if s.inward(cand[ca]) != 0 && math.Abs(vec[a]) > 1e-9 {
						continue
					}
					next = append(next, ca)
				}
				keep, sign = next, 0
				continue
			}
			break
		}
		// Fix the nonbasics that the sign with less outward weight moves
		// outwards, and look again over the others.
		better := 1.0
		if outw[1] < outw[0] {
			better = -1
		}
		next := keep[:0:0]
		for a, ca := range keep {
			if w := s.inward(cand[ca]); w != 0 && math.Abs(vec[a]) > 1e-9 && better*vec[a]*w < 0 {
				continue
			}
			next = append(next, ca)
		}
		keep = next
	}
	clear(s.d)
	moved := make([]int, 0, len(keep))
	for a, ca := range keep {
		s.d[cand[ca]] = vec[a]
		moved = append(moved, cand[ca])
	}
	if sign == 0 {
		sign = 1
		if sl := s.curvatureSlope(moved); sl > 0 {
			sign = -1
		}
	}
	for _, j := range moved {
		s.d[j] *= sign
		if s.st[j] != super && s.d[j] != 0 {
			s.st[j] = super
		}
	}
	s.escapes++
	if s.escapes == maxEscapes {
		s.logf("stall guard: move %d along negative curvature, the last this solve\n", maxEscapes)
	}
	s.logf("negative curvature %.3g (least eigenvalue of the reduced Hessian over %d variables): moving off the stationary point\n", least, len(keep))
	return true, nil
}

// coneDirection is a candidate direction of negativeCurvature: vec over
// cand[keep[a]], its eigenvalue and its sign.
type coneDirection struct {
	keep  []int
	vec   []float64
	least float64
	sign  float64
}

// coneSlope is the phase's first-order slope Σ r_j·sign·vec_a along the
// direction vec over cand[keep[a]].
func (s *solver) coneSlope(cand, keep []int, vec []float64, sign float64) float64 {
	slope := 0.0
	for a, ca := range keep {
		slope += s.r[cand[ca]] * sign * vec[a]
	}
	return slope
}

// curvatureSlope is the slope along s.d over cand: of the phase's objective
// through the reduced gradient, or where that is zero to round-off (phase 1 at a
// saddle), of the objective of phase 2 along the rows' tangent.
func (s *solver) curvatureSlope(cand []int) float64 {
	slope, scale := 0.0, 0.0
	for _, j := range cand {
		slope += s.r[j] * s.d[j]
		scale += math.Abs(s.r[j] * s.d[j])
	}
	if s.phase == 2 || math.Abs(slope) > 1e-12*(1+scale) {
		return slope
	}
	// dB = -B⁻¹·N·d; the slope of f is ∇f·(d, dB).
	slope = 0
	clear(s.v)
	for _, j := range cand {
		if j < s.n {
			slope += s.cur.gs[j] * s.d[j]
		}
		rows, vals := s.col(j, s.cur.jac)
		for t, i := range rows {
			s.v[i] += vals[t] * s.d[j]
		}
	}
	if s.m > 0 && s.lu.SolveVec(s.w, s.v) == nil {
		for q, j := range s.head {
			if j < s.n {
				slope -= s.cur.gs[j] * s.w[q]
			}
		}
	}
	return slope
}

// Direction selects the superbasics' search direction.
type Direction int8

// Directions.
const (
	// DirectionAuto is L-BFGS, switching to Newton-CG for the rest of phase 2
	// when L-BFGS stalls (the reduced gradient not ten times smaller after
	// stallWindow iterations) with at most maxAutoNewton superbasics and Hessian
	// products available, and back to L-BFGS for good if Newton-CG stalls too
	// (its reduced gradient so, and the objective falling by less than 1e-4 of
	// itself over the window).
	DirectionAuto Direction = iota
	DirectionLBFGS
	// DirectionNewtonCG is truncated conjugate gradients on the reduced Hessian
	// of the Lagrangian in phase 2, in a trust region (CONOPT's phase 4); it
	// needs Hessian products (a HessianProblem, or Settings.HessianDifferences).
	DirectionNewtonCG
)

func (d Direction) String() string {
	switch d {
	case DirectionAuto:
		return "auto"
	case DirectionLBFGS:
		return "lbfgs"
	case DirectionNewtonCG:
		return "newton-cg"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// maxAutoNewton is the most superbasics DirectionAuto turns to Newton-CG with: a
// CG solve costs up to maxCGIterations Hessian products, which pays on a small
// reduced Hessian and is a gamble on a network's thousands of superbasics.
const maxAutoNewton = 200

// stallWindow is the number of phase-2 iterations over which DirectionAuto
// expects L-BFGS to cut the reduced gradient tenfold.
const stallWindow = 15

// maxCGIterations bounds the conjugate-gradient iterations of one Newton step.
const maxCGIterations = 50

// newtonDirection stores in s.d a Newton step on the superbasics sb within the
// trust radius s.delta: Steihaug's truncated conjugate gradients on
// Zᵀ∇²L·Z·d = -r, stopped at a residual below min(0.5, √‖r‖)·‖r‖ (inexact Newton,
// exact near the solution), after maxCGIterations, or on the boundary of the
// region, where a direction of non-positive curvature (steepest descent's on the
// first iteration) or a step leaving the region is cut. It keeps the model's
// predicted decrease in s.newtonPred and the quantities that scale it, for
// trustUpdate. ok is false when the model predicts no decrease.
func (s *solver) newtonDirection(sb []int) (ok bool, err error) {
	if s.cgR == nil {
		s.cgR, s.cgP, s.cgHP = make([]float64, s.nt), make([]float64, s.nt), make([]float64, s.nt)
	}
	res, p, hp := s.cgR, s.cgP, s.cgHP
	z := s.d
	clear(z)
	rr, xx := 0.0, 0.0
	for _, j := range sb {
		res[j] = -s.r[j]
		p[j] = res[j]
		rr += res[j] * res[j]
		xx += s.cur.x[j] * s.cur.x[j]
	}
	if s.delta == 0 {
		s.delta = 0.1 * math.Max(1, math.Sqrt(xx))
	}
	rnorm := math.Sqrt(rr)
	stop := math.Min(0.5, math.Sqrt(rnorm)) * rnorm
	dot := func(a, b []float64) float64 {
		t := 0.0
		for _, j := range sb {
			t += a[j] * b[j]
		}
		return t
	}
	// toBoundary moves z along p to ‖z‖ = delta.
	toBoundary := func() {
		zz, zp, pp := dot(z, z), dot(z, p), dot(p, p)
		tau := (-zp + math.Sqrt(zp*zp+pp*(s.delta*s.delta-zz))) / pp
		for _, j := range sb {
			z[j] += tau * p[j]
		}
	}
	for it := 0; it < maxCGIterations && it < 2*len(sb)+1; it++ {
		if err := s.reducedHessVec(sb, p, hp); err != nil {
			if err == errNonFiniteHessian {
				return false, nil
			}
			return false, err
		}
		pHp, pp := dot(p, hp), dot(p, p)
		if !(pHp > 1e-14*pp) {
			toBoundary()
			break
		}
		a := rr / pHp
		zz, zp := dot(z, z), dot(z, p)
		if zz+2*a*zp+a*a*pp >= s.delta*s.delta {
			toBoundary()
			break
		}
		rrNew := 0.0
		for _, j := range sb {
			z[j] += a * p[j]
			res[j] -= a * hp[j]
			rrNew += res[j] * res[j]
		}
		if math.Sqrt(rrNew) <= stop {
			break
		}
		beta := rrNew / rr
		rr = rrNew
		for _, j := range sb {
			p[j] = res[j] + beta*p[j]
		}
	}
	// The model along z: q(α) = α·rᵀz + α²/2·zᵀHz.
	if err := s.reducedHessVec(sb, z, hp); err != nil {
		if err == errNonFiniteHessian {
			return false, nil
		}
		return false, err
	}
	s.newtonRZ, s.newtonZHZ = dot(s.r, z), dot(z, hp)
	s.newtonNorm = math.Sqrt(dot(z, z))
	return s.newtonRZ < 0 && s.newtonRZ+0.5*s.newtonZHZ < 0, nil
}

// trustUpdate adjusts the trust radius after a Newton step that moved the
// superbasics by the fraction alpha of s.d and the objective by df (a decrease
// is negative): the ratio of the decrease to the model's prediction shrinks the
// radius below 1/4 and grows it above 3/4 when the step reached the boundary.
func (s *solver) trustUpdate(alpha, df float64) {
	pred := -(alpha*s.newtonRZ + 0.5*alpha*alpha*s.newtonZHZ)
	rho := -df / pred
	step := alpha * s.newtonNorm
	switch {
	case !(pred > 0) || rho < 0.25:
		s.delta = 0.25 * math.Max(step, 1e-3*s.delta)
	case rho > 0.75 && step >= 0.99*s.delta:
		s.delta *= 2
	}
}

// inward is the sign a move of variable j must have: +1 for a nonbasic at its
// lower bound, -1 at its upper, 0 for any other.
func (s *solver) inward(j int) float64 {
	switch s.st[j] {
	case nbLower:
		return 1
	case nbUpper:
		return -1
	}
	return 0
}

// NegativeBeyondRoundOff reports whether the least of the eigenvalues vals (in
// ascending order) of a reduced Hessian is negative beyond round-off: below
// -1e-6 times the largest |eigenvalue|, and below -1e-6 times the curvature
// that changes the objective f by 1e-8 of itself over a move the size of xmax,
// the largest |x| of the free variables. The floor is in the objective's and the
// variables' own units: an absolute floor of 1 missed HS25 with its objective
// times 1e-3, whose least eigenvalue is -1.1e-9 at the start's plateau.
func NegativeBeyondRoundOff(vals []float64, f, xmax float64) bool {
	if len(vals) == 0 {
		return false
	}
	xmax = math.Max(1, xmax)
	lmax := 1e-8 * math.Max(1, math.Abs(f)) / (xmax * xmax)
	for _, l := range vals {
		lmax = math.Max(lmax, math.Abs(l))
	}
	return vals[0] < -1e-6*lmax
}
