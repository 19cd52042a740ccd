package grg

import (
	"errors"
	"fmt"
	"math"

	"github.com/nnopt/nnopt/nlpsolve/internal/itlog"
	"github.com/nnopt/nnopt/nlpsolve/internal/stall"
	"gonum.org/v1/gonum/mat"
)

func (s *solver) basicsInside(pt *point) bool {
	for _, j := range s.head[:s.m] {
		x := pt.x[j]
		if x < s.lo[j]-s.boundTol(s.lo[j]) || x > s.up[j]+s.boundTol(s.up[j]) {
			return false
		}
	}
	return true
}

// phase1 starts the artificial phase from the start point x0 or the phase-0
// point, whichever has the smaller residual after projection onto the bounds:
// every row gets an artificial a_i ≥ 0 with c_i(x) + sgn_i·a_i = 0, the
// artificials form the basis and Σ a_i is minimised.
//
// A row with a free column singleton of constant entry (EliminateNone's
// objective row z - f(x) = 0) is the exception: that column alone satisfies it
// whatever the other columns do, so it starts at the value that zeroes the row
// and is the row's basic variable, and the row's artificial is nonbasic at zero.
// Phase 1 then minimises the infeasibility of the other rows only, as it does
// with the equation eliminated; with an artificial, the objective's row pulled
// phase 1 towards a level set of f (HS15 ended at its other local minimum).
func (s *solver) phase1(x0 []float64, newtonFailed bool) error {
	n := s.n
	own := s.freeSingletons()
	proj := func(x []float64) (float64, bool, error) {
		for j := 0; j < n; j++ {
			if math.IsNaN(x[j]) || math.IsInf(x[j], 0) {
				return 0, false, nil
			}
			x[j] = math.Max(s.lo[j], math.Min(s.up[j], x[j]))
		}
		clear(x[n:])
		ok, err := s.eval(s.cur)
		if err != nil || !ok {
			return 0, false, err
		}
		if own != nil {
			for i, j := range own {
				if j >= 0 {
					x[j] -= s.cur.cs[i] / s.cur.jac[s.colPtr[j]]
				}
			}
			if ok, err := s.eval(s.cur); err != nil || !ok {
				return 0, false, err
			}
		}
		sum := 0.0
		for _, c := range s.cur.cs {
			sum += math.Abs(c)
		}
		return sum, true, nil
	}
	copy(s.trial.x, s.cur.x)
	r1, ok1, err := proj(s.cur.x)
	if err != nil {
		return err
	}
	copy(s.cur.x, x0)
	r0, ok0, err := proj(s.cur.x)
	if err != nil {
		return err
	}
	if !ok0 {
		return errors.New("grg: f, c or their derivatives are not finite at the start point")
	}
	best := r0
	if ok1 && r1 < r0 {
		copy(s.cur.x, s.trial.x)
		if _, _, err := proj(s.cur.x); err != nil {
			return err
		}
		best = r1
	}
	if newtonFailed && best > 1e3*s.set.FeasibilityTolerance && n <= maxLeastSquaresColumns {
		// Least squares from the better point: where Newton failed (did not
		// converge, rather than left the bounds) projected Levenberg-Marquardt
		// steps on ½‖c‖² may get closer to the rows than phase 1's vertices
		// would (HS107 from a perturbed start: phase 1 ended at a local
		// minimum of the sum of infeasibilities, 2.51).
		copy(s.trial.x, s.cur.x)
		if err := s.leastSquares(); err != nil {
			return err
		}
		r2, ok2, err := proj(s.cur.x)
		if err != nil {
			return err
		}
		if ok2 && r2 < 0.5*best {
			s.logf("phase 0: least squares brought the infeasibility from %.3g to %.3g\n", best, r2)
		} else {
			copy(s.cur.x, s.trial.x)
			if _, _, err := proj(s.cur.x); err != nil {
				return err
			}
		}
	}
	s.phase = 1
	s.superArt = make([]bool, s.m)
	for i := 0; i < s.m; i++ {
		a := n + i
		s.sgn[i] = 1
		if s.cur.cs[i] > 0 {
			s.sgn[i] = -1
		}
		s.cur.x[a] = math.Abs(s.cur.cs[i])
		s.lo[a], s.up[a] = 0, math.Inf(1)
	}
	// The basis: the artificials of the rows violated at this point, and for the
	// rows that hold, the crash basis's column of that row where it has one
	// (factor swaps in artificials where that makes it singular). An artificial
	// basic at zero pins its row: a direction that moves the row is then blocked
	// and costs a degenerate pivot, one such row at a time (an optimal-control
	// chain whose start satisfies every step but the first crawled through n of
	// them). Superbasic structurals move the held rows' basics instead. A held
	// inequality's slack is such a column too (Settings.Phase1PinHeldRows pins
	// the row with its artificial instead): pinned, the row's price made phase 1
	// treat any move of its activity as infeasibility.
	feas := s.set.FeasibilityTolerance
	crashCol := make([]int, s.m) // per row: the crash basis's column, or -1
	for i := range crashCol {
		crashCol[i] = -1
	}
	if s.luOK {
		for _, j := range s.head[:s.m] {
			if j >= n {
				continue
			}
			// The row a basic column stands for is the LU's pivot, which
			// need not be its position: take the column's largest entry. A
			// column on its bound would pin the row as an artificial does.
			rows, vals := s.col(j, s.cur.jac)
			best, bv := -1, 0.0
			for t, i := range rows {
				if math.Abs(vals[t]) > bv {
					best, bv = i, math.Abs(vals[t])
				}
			}
			if best >= 0 && crashCol[best] < 0 && !s.onBound(s.cur, j, 1e-9) && s.cur.x[j] > s.lo[j] && s.cur.x[j] < s.up[j] {
				crashCol[best] = j
			}
		}
	}
	for j := 0; j < n; j++ {
		s.classify(j)
	}
	for i := 0; i < s.m; i++ {
		if own != nil && own[i] >= 0 {
			if s.set.Phase1ObjectiveWeight >= 0 {
				// The row defines its column: under a composite phase 1 its
				// artificial would trade infeasibility for the objective
				// (EliminateNone's z - f(x) = 0 without end once the weight
				// exceeds 1).
				s.up[n+i] = 0
			}
			s.classify(n + i) // zero, the row being satisfied: nonbasic
			s.setBasic(i, own[i])
			continue
		}
		if j := crashCol[i]; j >= 0 && (!s.set.Phase1PinHeldRows || !s.constantColumn(j)) && math.Abs(s.cur.cs[i]) <= feas && s.st[j] != basic && s.st[j] != nbFixed {
			s.classify(n + i) // the row holds: its artificial is nonbasic
			s.setBasic(i, j)
			continue
		}
		s.setBasic(i, n+i)
	}
	s.mem.reset()
	if _, err := s.factor(s.cur.jac, true); err != nil {
		return err
	}
	ok, err := s.eval(s.cur)
	if err == nil && !ok {
		err = errors.New("grg: phase 1 start not finite")
	}
	return err
}

// freeSingletons returns, per row, a free column singleton with a constant
// nonzero entry in it (constantColumn), or -1; nil when no row has one.
func (s *solver) freeSingletons() []int {
	var own []int
	for j := 0; j < s.n; j++ {
		a := s.colPtr[j]
		if s.colPtr[j+1]-a != 1 || !math.IsInf(s.lo[j], -1) || !math.IsInf(s.up[j], 1) || s.cur.jac[a] == 0 || !s.constantColumn(j) {
			continue
		}
		if own == nil {
			own = make([]int, s.m)
			for i := range own {
				own[i] = -1
			}
		}
		if i := s.rowIdx[a]; own[i] < 0 {
			own[i] = j
		}
	}
	return own
}

// toPhase2 fixes the artificials at zero and restores feasibility.
func (s *solver) toPhase2() (bool, error) {
	s.phase = 2
	for i := 0; i < s.m; i++ {
		a := s.n + i
		s.lo[a], s.up[a] = 0, 0
		if s.st[a] != basic {
			s.cur.x[a] = 0
			s.st[a] = nbFixed
		}
	}
	s.mem.reset()
	ok, err := s.restore(s.cur)
	if ok {
		s.tab.Feasible(s.stated(s.obj(s.cur)))
	} else if err == nil {
		s.logf("restoration with the artificials at zero failed: phase 2 cannot start\n")
	}
	return ok, err
}

// stated is the objective f as the caller stated it (Settings.Maximized,
// ObjectiveScale).
func (s *solver) stated(f float64) float64 {
	if s.set.ObjectiveScale != 0 {
		f /= s.set.ObjectiveScale
	}
	if s.set.Maximized {
		return -f
	}
	return f
}

// progress is the row of the log for the point at iteration iter, shown being
// the phase's objective there (see Progress).
func (s *solver) progress(iter int, shown, rg float64, nsb int) Progress {
	pr := Progress{Iter: iter, Phase: 1, Objective: shown, RGMax: rg, Superbasics: nsb}
	if s.phase == 1 {
		pr.Ninf = s.infeasibleRows()
	} else {
		pr.Phase = 3
		if s.newtonStep {
			pr.Phase = 4
		}
	}
	if s.stepped {
		pr.Stepped, pr.Step, pr.InItr, pr.MX, pr.OK = true, s.lastStep, s.evals-s.stepEvals, s.lastMX, s.lastOK
	}
	return pr
}

// logRow writes pr to the log and starts the next step's record.
func (s *solver) logRow(pr Progress) {
	v := pr.Objective
	if itlog.ShowsObjective(pr.Phase) {
		v = s.stated(v)
	}
	s.tab.Row(itlog.Row{Iter: pr.Iter, Phase: pr.Phase, Ninf: pr.Ninf, Value: v, RGmax: pr.RGMax, NSB: pr.Superbasics, Stepped: pr.Stepped, Step: pr.Step, InItr: pr.InItr, MX: pr.MX, OK: pr.OK})
	s.stepped, s.lastStep, s.stepEvals, s.lastMX, s.lastOK = false, 0, s.evals, false, false
}

// infeasibleRows counts the artificials of phase 1 beyond the feasibility test
// (1e3 times FeasibilityTolerance): the rows still violated.
func (s *solver) infeasibleRows() int {
	k := 0
	for i := 0; i < s.m; i++ {
		if s.cur.x[s.n+i] > 1e3*s.set.FeasibilityTolerance {
			k++
		}
	}
	return k
}

// price computes y = B⁻ᵀg_B and the reduced gradient r of every non-basic
// variable. It returns the largest |r| over superbasics and the nonbasic
// variable with the largest reduced gradient pointing into its bounds.
func (s *solver) price(bland bool) (rgS float64, jN int, vN float64, err error) {
	pt := s.cur
	if s.m > 0 {
		for p, j := range s.head {
			s.v[p] = s.grad(pt, j)
		}
		if err := s.lu.SolveTransVec(s.y, s.v); err != nil {
			return 0, -1, 0, err
		}
		if s.refineY {
			if err := s.refineDuals(); err != nil {
				return 0, -1, 0, err
			}
		}
	}
	jN = -1
	slackRow, slacks := s.slackRows()
	for j := 0; j < s.nt; j++ {
		if s.st[j] == basic {
			s.r[j] = 0
			continue
		}
		rows, vals := s.col(j, pt.jac)
		rj := s.grad(pt, j)
		for t, i := range rows {
			rj -= vals[t] * s.y[i]
		}
		s.r[j] = rj
		var viol float64
		switch s.st[j] {
		case super:
			rgS = math.Max(rgS, math.Abs(rj))
			continue
		case nbLower:
			viol = -rj
		case nbUpper:
			viol = rj
		default:
			continue
		}
		if k := j - (s.n - len(slackRow)); slacks != nil && k >= 0 && j < s.n {
			viol *= math.Min(1, slacks[slackRow[k]])
		}
		if viol > s.set.OptimalityTolerance && (jN < 0 || (!bland && viol > vN)) {
			jN, vN = j, viol
		} else if viol > vN {
			vN = viol
		}
	}
	return rgS, jN, vN, nil
}

// slackRows returns the row of each slack column (the last len(slackRow) of the
// n) and, per row, the largest |coefficient| of its structural columns at the
// current point, or nils when the problem has no slacks. price measures a
// nonbasic slack's reduced gradient, its row's multiplier, times that where it
// is below 1: what the multiplier adds to the structurals' reduced gradients.
// In its row's own units it said nothing of the gradient's size: HS90-HS92's
// row, with coefficients near 0.01 by the optimum, had a slack's 120 against
// the structurals' 4, and released at once it traded places with a structural
// for a thousand iterations. Rows of large coefficients keep their slacks'
// values, as the automatic row scales scale only small rows (measured so, the
// slacks of HS101 and HS102's rows of 1e3 were released early and Newton-CG
// ran to its iteration limit on both).
func (s *solver) slackRows() ([]int, []float64) {
	sl, ok := s.p.(*Slacked)
	if !ok || len(sl.SlackRow) == 0 {
		return nil, nil
	}
	if s.rowBig == nil {
		s.rowBig = make([]float64, s.m)
	}
	clear(s.rowBig)
	n0 := s.n - len(sl.SlackRow)
	for j := 0; j < n0; j++ {
		for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
			i := s.rowIdx[t]
			s.rowBig[i] = math.Max(s.rowBig[i], math.Abs(s.cur.jac[t]))
		}
	}
	return sl.SlackRow, s.rowBig
}

func (s *solver) superbasics(idx []int) []int {
	idx = idx[:0]
	for j, st := range s.st {
		if st == super {
			idx = append(idx, j)
		}
	}
	return idx
}

// ratio returns the largest step along (d on superbasics, dB on basics) that
// keeps every variable within its bounds, and the variable that limits it
// (its basis position, or -1 and the superbasic's index). alphaS is the limit of
// the superbasics alone: the basics' limits come from the tangent, which curved
// rows make only a prediction of. alphaP is the end of the projected path when a
// superbasic limits the step: the superbasics that reach their bounds stay there
// and the others go on, up to the basics' limit or the last superbasic's bound
// (past which none moves).
func (s *solver) ratio(sb []int) (alpha, alphaS, alphaP float64, limPos, limVar int) {
	alpha, limPos, limVar = math.Inf(1), -1, -1
	lastBreak := 0.0
	limPiv := 0.0
	dmax := 0.0
	for _, j := range sb {
		dmax = math.Max(dmax, math.Abs(s.d[j]))
	}
	dmax = math.Max(dmax, maxAbs(s.dB))
	piv := 1e-11 * dmax
	try := func(j int, dj float64) (float64, bool) {
		x := s.cur.x[j]
		switch {
		case dj > piv && !math.IsInf(s.up[j], 1):
			return math.Max(0, s.up[j]-x) / dj, true
		case dj < -piv && !math.IsInf(s.lo[j], -1):
			return math.Max(0, x-s.lo[j]) / -dj, true
		}
		return 0, false
	}
	for _, j := range sb {
		t, ok := try(j, s.d[j])
		switch {
		case ok:
			lastBreak = math.Max(lastBreak, t)
		case math.Abs(s.d[j]) > piv:
			lastBreak = math.Inf(1) // it moves and nothing stops it
		}
		if ok && t < alpha {
			alpha, limPos, limVar, limPiv = t, -1, j, math.Abs(s.d[j])
		}
	}
	alphaS = alpha
	alphaB := math.Inf(1)
	for p, j := range s.head[:s.m] {
		t, ok := try(j, s.dB[p])
		if !ok {
			continue
		}
		alphaB = math.Min(alphaB, t)
		// Prefer the larger pivot among (near) ties: a basic leaving on a
		// tiny |dB| makes a poor basis.
		if t < alpha*(1-1e-12) || (t <= alpha*(1+1e-12) && math.Abs(s.dB[p]) > limPiv) {
			alpha, limPos, limVar, limPiv = t, p, j, math.Abs(s.dB[p])
		}
	}
	alphaP = alpha
	if limPos < 0 {
		alphaP = math.Max(alpha, math.Min(alphaB, lastBreak))
	}
	return alpha, alphaS, alphaP, limPos, limVar
}

// tryStep evaluates the trial point at step alpha along the projected path (a
// superbasic stops at its bound), restoring feasibility. It sets s.pred to the
// first-order change of the objective, the reduced gradient times the
// superbasics' move: alpha·slope until the path bends.
func (s *solver) tryStep(alpha float64, sb []int) (bool, error) {
	t := s.trial
	copy(t.x, s.cur.x)
	s.pred = 0
	for _, j := range sb {
		t.x[j] = math.Max(s.lo[j], math.Min(s.up[j], s.cur.x[j]+alpha*s.d[j]))
		s.pred += s.r[j] * (t.x[j] - s.cur.x[j])
	}
	q := 0.0
	if s.corrAlpha > 0 {
		q = (alpha / s.corrAlpha) * (alpha / s.corrAlpha)
	}
	for p, j := range s.head[:s.m] {
		t.x[j] = s.cur.x[j] + alpha*s.dB[p] + q*s.corr[p]
	}
	return s.restore(t)
}

// keepCorrection records restoration's correction to the tangent prediction of
// the basics at the trial point of step alpha, for the later trials of the line
// search (tryStep). Corrections at round-off (linear rows) are dropped, and all
// of them where one dwarfs its variable and the step (ten times |x_j| at cur
// plus alpha times the largest tangent, plus 1): the rows are nothing like
// their second-order model there, and scaled by (α/alpha)² such a correction
// would start every shorter trial far off (HS64 with its objective times 1e6: a
// correction of 3e26 where the tangent moved x3 by 1e11, and restoration
// followed it to another branch of 1/x3 thirty trials in a row).
func (s *solver) keepCorrection(alpha float64) {
	move := alpha * math.Max(maxAbs(s.dB), maxAbs(s.d))
	for p, j := range s.head[:s.m] {
		c := s.trial.x[j] - (s.cur.x[j] + alpha*s.dB[p])
		if math.Abs(c) <= 1e-12*(1+math.Abs(s.trial.x[j])) {
			c = 0
		}
		if !(math.Abs(c) <= 10*(math.Abs(s.cur.x[j])+move)+1) {
			s.corrAlpha = 0
			return
		}
		s.corr[p] = c
	}
	s.corrAlpha = alpha
}

// violation returns the basic variable of the trial point that leaves its
// bounds first along the segment from cur (by linear interpolation), and the
// fraction of the step at which it does, or -1.
func (s *solver) violation() (int, float64) {
	pk, theta := -1, 1.0
	for p, j := range s.head[:s.m] {
		x, x0 := s.trial.x[j], s.cur.x[j]
		var b float64
		switch {
		case x < s.lo[j]-s.boundTol(s.lo[j]):
			b = s.lo[j]
		case x > s.up[j]+s.boundTol(s.up[j]):
			b = s.up[j]
		default:
			continue
		}
		th := 0.0
		if x != x0 {
			th = math.Max(0, math.Min(1, (b-x0)/(x-x0)))
		}
		if pk < 0 || th < theta {
			pk, theta = p, th
		}
	}
	return pk, theta
}

// offPath reports whether restoration moved the basic variable at position p of
// the trial point at step alpha ten times further from its tangent prediction
// than the prediction itself moved (plus 1e-3 relative): the point left the path
// the line search interpolates along.
func (s *solver) offPath(p int, alpha float64) bool {
	j := s.head[p]
	x0 := s.cur.x[j]
	step := math.Abs(alpha * s.dB[p])
	return math.Abs(s.trial.x[j]-(x0+alpha*s.dB[p])) > 10*(step+1e-3*(1+math.Abs(x0)))
}

// curvedCut returns the fraction of the step alpha at which the basic variable
// at position p, on the bound it crosses at cur and leaving that bound inwards
// along its tangent dB, comes back to it: the rows' curvature bends the path
// back across the bound within the step. False position with cur as the fixed
// end cuts such a step to nothing (cur is on the bound), and the line search
// failed on its first try (HS85 from perturbed starts: phase 1 stopped with an
// artificial at zero whose row, held at the start, is violated in the other
// direction at the trial point, while the trial had cut the sum of
// infeasibilities from 1.1e4 to 190). The crossing is the root of the
// quadratic through the variable's value and slope at cur and its value at the
// trial, kept within [0.01, 0.9] of the step.
func (s *solver) curvedCut(p int, alpha float64) (float64, bool) {
	j := s.head[p]
	x0, xt, dB := s.cur.x[j], s.trial.x[j], s.dB[p]
	inward := (xt < s.lo[j] && dB > 0) || (xt > s.up[j] && dB < 0)
	if !inward || !(alpha > 0) {
		return 0, false
	}
	q := (xt - x0 - dB*alpha) / (alpha * alpha)
	if !(q*dB < 0) {
		return 0, false
	}
	return math.Max(0.01, math.Min(0.9, -dB/q/alpha)), true
}

type lsResult int

const (
	lsOK lsResult = iota
	lsFail
	lsUnbounded
)

// lineSearch moves cur along the direction: backtracking (Armijo) when the
// objective rises or restoration fails, interpolating back onto the bound of a
// basic variable that would leave its bounds (hit reports its position), and
// extrapolating while the objective keeps falling nearly linearly. alphaMax is
// the ratio test's step; when a basic variable limits it (limPos) and curved rows
// leave that variable clear of its bound there, extrapolation goes on up to the
// superbasics' limit alphaS (a crossing is still caught by interpolation): the
// tangent's prediction alone would cut every step short of a bound that the
// rows' curvature keeps away (HS30, where x1² + x2² ≥ 1 is tangent to the path).
// An extrapolation that overshoots tries the minimiser of the quadratic through
// f0, slope and the overshooting value once. When a superbasic limits the step,
// the search follows the projected path past it up to alphaP (ratio), so that
// one step can put many superbasics on their bounds (an optimal control whose
// controls reach their bounds one by one otherwise takes an iteration each); the
// sufficient decrease is then measured against the path's first-order change.
func (s *solver) lineSearch(sb []int, alphaMax, alphaS, alphaP float64, limPos int, slope float64) (res lsResult, hit int, err error) {
	f0 := s.obj(s.cur)
	sum0 := 0.0
	if s.phase == 1 {
		sum0 = s.sumInf(s.cur)
	}
	alpha := math.Min(1, alphaP)
	if s.mem.k == 0 && s.bb > 0 && !s.newtonStep {
		// Steepest descent: start from the Barzilai–Borwein step of the last
		// iteration (extrapolation still reaches far bounds of a linear problem).
		alpha = math.Min(alphaP, s.bb)
	}
	hit = -1
	haveBest := false
	bestAlpha, bestF := 0.0, f0
	// A Newton step's unit length is its trust region's: no extrapolation past
	// it (trustUpdate grows the region instead).
	first, extrapolated, quad := true, false, false
	reach := math.Inf(1)
	if s.newtonStep {
		reach = 1
	}
	limit := alphaP
	// A basic variable that leaves its bounds cuts the step where the line
	// through cur and the trial meets the bound (false position, cur the fixed
	// end). Where the variable is concave towards the bound along the path (a
	// slack of x1² + x2² + x3² ≤ 48 once x2, x3 stop at their bounds on the
	// projected path) every cut lands short of the crossing on the infeasible
	// side, and the cuts creep up on it linearly until the tries run out (HS65
	// from a perturbed start: 60 cuts from 1 to 0.92758 and no trial).
	// Illinois: each further cut for the same variable halves cur's weight.
	cutK, cutW := -1, 1.0
	s.corrAlpha = 0
	defer func() { s.corrAlpha = 0 }()
	for tries := 0; tries < 60; tries++ {
		if !haveBest && alpha*maxAbs(s.d) < 1e-15*(1+maxAbs(s.cur.x)) {
			return lsFail, -1, nil
		}
		ok, err := s.tryStep(alpha, sb)
		if err != nil {
			return lsFail, -1, err
		}
		if tries == 0 {
			s.firstFailed = !ok
		}
		if ok {
			if k, th := s.violation(); k >= 0 && s.offPath(k, alpha) {
				// Restoration jumped to another branch of the rows (HS64's x3
				// through 1/x3 = 0 to a huge negative value): no interpolation
				// along the path means anything; step back as from a failure.
				alpha *= 0.25
				first = false
				continue
			} else if k >= 0 {
				s.keepCorrection(alpha)
				if haveBest {
					break
				}
				if t, ok := s.curvedCut(k, alpha); th == 0 && ok {
					th = t
				} else if k == cutK {
					cutW *= 0.5
					th = cutW * th / (cutW*th + 1 - th)
				}
				if th == 0 && !haveBest && s.onBound(s.cur, s.head[k], 1e-9) {
					// On its bound at cur and out of bounds at the trial,
					// outwards or too little of the tangent for the ratio
					// test to count: the step is blocked (run treats it as
					// degenerate).
					return lsFail, k, nil
				}
				cutK = k
				hit = k
				alpha *= th
				first = false
				continue
			}
		}
		cutK, cutW = -1, 1
		if ok {
			s.keepCorrection(alpha)
		}
		ft := s.obj(s.trial)
		armijo := ok && ft <= f0+1e-4*math.Min(s.pred, 0)+1e-14*math.Abs(f0)
		if haveBest && (!armijo || ft >= bestF) {
			if extrapolated && !quad && ok {
				if den := ft - f0 - slope*alpha; den > 0 {
					if q := -slope * alpha * alpha / (2 * den); q > bestAlpha*(1+1e-9) && q < alpha*(1-1e-9) {
						alpha, quad = q, true
						continue
					}
				}
			}
			break
		}
		if !armijo {
			hit = -1
			if ok && ft > f0 {
				// Minimiser of the quadratic through f0, slope and ft.
				q := -slope * alpha * alpha / (2 * (ft - f0 - slope*alpha))
				alpha = math.Max(0.1*alpha, math.Min(0.5*alpha, q))
			} else {
				alpha *= 0.25
			}
			first = false
			continue
		}
		if haveBest && s.phase == 1 && s.weight > 0 && s.sumInf(s.trial) > sum0*(1+1e-9) {
			// The composite phase 1 trades infeasibility for the objective
			// along this line: no extrapolation past the first trial that
			// does (HS85 from perturbed starts: 60 fourfold extrapolations
			// along a line where the weighted objective falls faster than
			// the infeasibilities rise, to f = -1e39).
			break
		}
		copyPoint(s.best, s.trial)
		haveBest, bestAlpha, bestF = true, alpha, ft
		if s.phase == 2 && ft < -s.set.UnboundedObjective {
			if ok, err := s.withDerivs(s.best); err != nil || !ok {
				return lsFail, -1, err
			}
			copyPoint(s.cur, s.best)
			return lsUnbounded, -1, nil
		}
		if hit >= 0 || !first || quad || (f0-ft) < 0.5*(-s.pred) {
			break
		}
		if alpha >= reach {
			break
		}
		if alpha >= limit {
			if limit == alphaMax && limPos >= 0 && alphaS > alphaMax && !s.onBound(s.trial, s.head[limPos], 1e-6) {
				limit = alphaS
			} else {
				break
			}
		}
		alpha = math.Min(math.Min(4*alpha, limit), reach)
		extrapolated = true
	}
	if !haveBest {
		return lsFail, -1, nil
	}
	s.lastStep = bestAlpha
	if limPos >= 0 && (bestAlpha == alphaMax || (bestAlpha > alphaMax && s.onBound(s.best, s.head[limPos], 1e-9))) {
		hit = limPos
	}
	// The accepted point's derivatives (restoration left it with values only);
	// where they are not finite the search fails and cur stays.
	if ok, err := s.withDerivs(s.best); err != nil || !ok {
		return lsFail, -1, err
	}
	copyPoint(s.cur, s.best)
	return lsOK, hit, nil
}

// onBound reports whether pt.x[j] lies within tol·(1+|b|) of a finite bound b.
func (s *solver) onBound(pt *point, j int, tol float64) bool {
	x, lo, up := pt.x[j], s.lo[j], s.up[j]
	return (!math.IsInf(lo, -1) && math.Abs(x-lo) <= tol*(1+math.Abs(lo))) ||
		(!math.IsInf(up, 1) && math.Abs(x-up) <= tol*(1+math.Abs(up)))
}

// nearBound returns the bound of x_j within tol·(1+|b|), if any.
func (s *solver) nearBound(j int, tol float64) (float64, bool) {
	x := s.cur.x[j]
	if lo := s.lo[j]; !math.IsInf(lo, -1) && math.Abs(x-lo) <= tol*(1+math.Abs(lo)) {
		return lo, true
	}
	if up := s.up[j]; !math.IsInf(up, 1) && math.Abs(x-up) <= tol*(1+math.Abs(up)) {
		return up, true
	}
	return 0, false
}

func (s *solver) logf(format string, args ...any) {
	if s.log != nil {
		fmt.Fprintf(s.log, format, args...)
	}
}

func (s *solver) run() (Result, error) {
	var res Result
	ok, err := s.eval(s.cur)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, errors.New("grg: f, c or their derivatives are not finite at the start point")
	}
	x0 := append([]float64(nil), s.cur.x...)
	if err := s.crash(); err != nil {
		return res, err
	}
	// Phase 0: Newton on the crash basis from the start point.
	s.phase = 2
	for i := 0; i < s.m; i++ {
		s.lo[s.n+i], s.up[s.n+i] = 0, 0
	}
	feasible, err := s.restore(s.cur)
	if err != nil {
		return res, err
	}
	if !feasible || !s.basicsInside(s.cur) {
		s.logf("phase 0: Newton from the start point %s; phase 1\n", map[bool]string{true: "left the bounds", false: "failed"}[feasible])
		if err := s.phase1(x0, !feasible); err != nil {
			return res, err
		}
		if err := s.startWeight(); err != nil {
			return res, err
		}
	}
	tol := s.set.OptimalityTolerance
	var sb []int
	xPrev := make([]float64, s.nt)
	rPrev := make([]float64, s.nt)
	xAcc := make([]float64, s.nt) // the point the last line search accepted
	var crawl crawlGuard
	guard := stall.Guard{Rounding: true}
	havePrev := false
	pending := false // s.d holds a negative-curvature direction for the next iteration
	skipNewton := false
	var rgHist []float64 // phase 2's RGMax per iteration, for DirectionAuto's stall test
	var fHist []float64  // and its objective
	autoSwitches := 0
	s.newton = s.set.Direction == DirectionNewtonCG
	status := NotSolved
	iter := 0
	for ; ; iter++ {
		if s.stale(s.cur.jac) {
			nsb := len(s.superbasics(sb))
			if _, err := s.factor(s.cur.jac, true); err != nil {
				return res, err
			}
			if !s.luOK {
				s.logf("the basis cannot be factored at this point\n")
				status = NumericalFailure
				break
			}
			if len(s.superbasics(sb)) != nsb { // columns were replaced
				havePrev = false
				if ok, err := s.restore(s.cur); err != nil {
					return res, err
				} else if !ok {
					s.logf("restoration after the factorization replaced basic columns failed\n")
					status = NumericalFailure
					break
				}
			}
		}
		// A slack that moves freely belongs in the basis, and so does a positive
		// artificial in phase 1 (slacksIn).
		if changed, err := s.slacksIn(); err != nil {
			return res, err
		} else if changed {
			havePrev = false
			if !s.luOK {
				s.logf("the basis cannot be factored after slacks entered it\n")
				status = NumericalFailure
				break
			}
		}
		if s.phase == 1 && s.weight > 0 && s.checkWeight(iter) {
			havePrev = false // the phase's objective changed
		}
		bland := s.degenerate > 50
		if s.degenerate == 51 {
			s.logf("cycling guard: 51 degenerate steps in a row, Bland's rule from here until a step moves\n")
		}
		rgS, jN, vN, err := s.price(bland)
		if err != nil {
			return res, err
		}
		res.RGMax = math.Max(rgS, vN)
		sb = s.superbasics(sb)
		if havePrev {
			// Barzilai–Borwein scale s·s/s·y of the last step: the first trial
			// step of steepest descent.
			ss, sy := 0.0, 0.0
			for _, j := range sb {
				dx := s.cur.x[j] - xPrev[j]
				ss += dx * dx
				sy += dx * (s.r[j] - rPrev[j])
			}
			if sy > 0 {
				s.bb = ss / sy
			}
			if s.set.Memory > 0 {
				s.mem.push(sb, s.cur.x, xPrev, s.r, rPrev)
			}
		}
		havePrev = false
		shown := s.obj(s.cur)
		if s.phase == 1 {
			shown = s.sumInf(s.cur)
		}
		pr := s.progress(s.set.FirstIteration+iter, shown, res.RGMax, len(sb))
		s.logRow(pr)
		if crawl.crawling(s.phase, shown, res.RGMax) && s.repairs < maxRepairs {
			if p, err := s.dependentBasic(); err != nil {
				return res, err
			} else if p >= 0 {
				if ok, err := s.repair(p); err != nil {
					return res, err
				} else if ok {
					crawl = crawlGuard{}
					continue
				}
			}
		}
		if s.set.Progress != nil {
			s.set.Progress(pr)
		}
		if s.phase == 2 && guard.Record(shown, res.RGMax) >= stallIterations && guard.BestRG()*math.Max(1, maxAbs(s.cur.x[:s.n])) <= 1e-6*math.Max(1, math.Abs(shown)) {
			// The stop waits (up to stallSettle iterations) for an iteration
			// whose RGmax is near the best: where it swings at round-off the
			// point the guard happened to stop at could be one whose reduced
			// gradient the optimality check refuses (HS105 with its objective
			// times 1e6 went 3.6e-7, 99, 5.1e-7, 99 at the same objective).
			if res.RGMax <= 10*guard.BestRG() || guard.Since() >= stallIterations+stallSettle {
				s.logf("stall guard: neither the objective (beyond rounding) nor RGmax improved in %d iterations: stopping\n", stallIterations)
				status = NumericalFailure
				break
			}
		}
		if s.phase == 2 && s.set.Direction == DirectionAuto && autoSwitches < 2 {
			// DirectionAuto: L-BFGS until it stalls, then Newton-CG; if that
			// stalls as well, L-BFGS for good. The superbasics' reduced gradient
			// is what the direction drives down (a nonbasic waiting to be released
			// keeps RGMax up while they converge).
			rgHist = append(rgHist, rgS)
			fHist = append(fHist, s.obj(s.cur))
			// Newton-CG counts as stalled only when the objective has stalled
			// too: its reduced gradient swings while f falls steadily (HS92,
			// 6e-4 of f in 15 iterations with the reduced gradient 1 then 0.33,
			// was sent back to L-BFGS, which crawled).
			k := len(rgHist) - 1
			stalled := k >= stallWindow && rgHist[k] > 0.1*rgHist[k-stallWindow]
			if stalled && s.newton {
				stalled = fHist[k-stallWindow]-fHist[k] <= 1e-4*math.Max(1, math.Abs(fHist[k]))
			}
			if stalled && len(sb) > 0 && (s.newton || len(sb) <= maxAutoNewton) && s.hasHessian() {
				if s.newton {
					s.logf("Newton-CG stalled as well (reduced gradient %.3g, %.3g %d iterations ago): L-BFGS steps from here\n", rgHist[k], rgHist[k-stallWindow], stallWindow)
				} else {
					s.logf("L-BFGS stalled (reduced gradient %.3g, %.3g %d iterations ago): Newton-CG steps from here\n", rgHist[k], rgHist[k-stallWindow], stallWindow)
				}
				s.newton = !s.newton
				s.mem.reset()
				autoSwitches++
				rgHist, fHist = rgHist[:0], fHist[:0]
			}
		}
		escape := pending
		pending = false
		if !escape && rgS <= tol && jN < 0 && (s.phase == 2 || maxAbs(s.cur.x[s.n:]) > 1e3*s.set.FeasibilityTolerance) {
			// Stationary along the superbasics: first-order only, unless the
			// reduced Hessian has negative curvature to move along (second.go).
			found, err := s.negativeCurvature(sb, tol)
			if err != nil {
				return res, err
			}
			if !found {
				// Flat to second order along the weakly active nonbasics too
				// (or no Hessian products): a short probe into their bounds
				// (corner.go).
				if found, err = s.cornerProbe(sb, tol); err != nil {
					return res, err
				}
			}
			if found {
				// The nonbasics released are superbasic now: the step below
				// moves them along s.d.
				sb = s.superbasics(sb)
			}
			escape = found
		}
		if rgS <= tol && jN < 0 && !escape {
			if s.phase == 1 {
				if maxAbs(s.cur.x[s.n:]) <= 1e3*s.set.FeasibilityTolerance {
					res.Phase1Iter = iter
					if ok, err := s.toPhase2(); err != nil {
						return res, err
					} else if !ok {
						status = NumericalFailure
						break
					}
					continue
				}
				if s.weight > 0 {
					s.fallWeight(iter, "stationary")
					continue
				}
				res.Phase1Iter = iter
				status = Infeasible
				break
			}
			status = Optimal
			break
		}
		if iter >= s.set.IterationLimit {
			status = IterationLimit
			break
		}
		if s.set.Stop != nil && s.set.Stop() {
			status = Stopped
			break
		}
		if jN >= 0 && rgS <= math.Max(tol, 0.2*vN) && !escape {
			if jN >= s.n && s.superArt != nil {
				s.superArt[jN-s.n] = true // released by pricing: it moves as a superbasic
			}
			s.st[jN] = super
			s.mem.reset()
			sb = s.superbasics(sb)
		}
		// Direction on the superbasics (negativeCurvature's when escaping), then
		// the basics' tangent dB = -B⁻¹·N_S·d_S.
		s.newtonStep = false
		if escape {
			s.mem.reset()
			s.bb = 0
		} else {
			if s.newton && s.phase == 2 && !skipNewton && len(sb) > 0 {
				ok, err := s.newtonDirection(sb)
				if err != nil {
					return res, err
				}
				s.newtonStep = ok
			}
			skipNewton = false
		}
		if !escape && !s.newtonStep {
			clear(s.d)
			if s.set.Memory > 0 {
				s.mem.direction(sb, s.r, s.d)
			} else {
				for _, j := range sb {
					s.d[j] = -s.r[j]
				}
			}
		}
		slope := 0.0
		for _, j := range sb {
			slope += s.r[j] * s.d[j]
		}
		if !(slope < 0) && !escape {
			s.mem.reset()
			slope = 0
			for _, j := range sb {
				s.d[j] = -s.r[j]
				slope += s.r[j] * s.d[j]
			}
		}
		clear(s.v)
		for _, j := range sb {
			rows, vals := s.col(j, s.cur.jac)
			for t, i := range rows {
				s.v[i] += vals[t] * s.d[j]
			}
		}
		if s.m > 0 {
			if err := s.lu.SolveVec(s.dB, s.v); err != nil {
				return res, err
			}
			for p := range s.dB {
				s.dB[p] = -s.dB[p]
			}
		}
		// A basis that has become nearly singular (a basic variable's column losing
		// its pivot, as x3 in x3³ near 0) shows as a tangent of the basics far larger
		// than the step on the superbasics: exchange that basic variable for a
		// superbasic and price again.
		ratio := repairRatio
		if s.phase == 2 && s.cutSteps >= cutStepsRepair {
			ratio = repairRatioCut
		}
		if p := s.illConditioned(sb, ratio); p >= 0 {
			if ok, err := s.repair(p); err != nil {
				return res, err
			} else if ok {
				havePrev = false
				continue
			}
		}
		alphaMax, alphaS, alphaP, limPos, limVar := s.ratio(sb)
		// Degenerate: a variable on (or within round-off of) its bound blocks
		// the direction. A line search failing on a step to a nearby bound is
		// treated the same way.
		degenerate := alphaMax*math.Max(maxAbs(s.d), maxAbs(s.dB)) <= 1e-9*(1+maxAbs(s.cur.x))
		for k := 0; degenerate && limPos >= 0 && k < s.m; k++ {
			// A basic variable on its bound whose tangent no superbasic
			// could take over (every pivot |(B⁻¹a_j)_p| below round-off) is
			// blocked by round-off alone: swapping it out would bring a
			// nonbasic in at its bound, and that one is released again at the
			// next iteration (HS116 by L-BFGS cycled so between two slacks).
			if ok, err := s.roundOffTangent(limPos); err != nil {
				return res, err
			} else if !ok {
				break
			}
			s.dB[limPos] = 0
			alphaMax, alphaS, alphaP, limPos, limVar = s.ratio(sb)
			degenerate = alphaMax*math.Max(maxAbs(s.d), maxAbs(s.dB)) <= 1e-9*(1+maxAbs(s.cur.x))
		}
		if degenerate && limPos < 0 && limVar >= 0 {
			// A superbasic blocks the step: degenerate only on its bound, which
			// the step below classifies it onto. Off it (the test's round-off
			// scales with the largest |x|, here an artificial of 4e7: HS109 with
			// its rows times 1e3, x4 0.12 below its bound of 252) that step
			// would change nothing, and the same iteration came back for ever.
			if _, on := s.nearBound(limVar, 1e-6); !on {
				degenerate = false
			}
		}
		var ls lsResult
		var hit int
		fBefore := s.obj(s.cur)
		if !degenerate {
			copy(xPrev, s.cur.x)
			copy(rPrev, s.r)
			ls, hit, err = s.lineSearch(sb, alphaMax, alphaS, alphaP, limPos, slope)
			if err != nil {
				return res, err
			}
			s.stepped, s.lastOK, s.lastMX = true, ls == lsOK, hit >= 0
			s.heldSlack = -1
			if ls == lsOK && s.firstFailed {
				s.cutSteps++
			} else {
				s.cutSteps = 0
			}
			if ls == lsFail && s.mem.k == 0 && hit >= 0 {
				// A basic variable on its bound at cur blocked the first trial
				// (HS85 from a perturbed start: an artificial at -2e-11 whose
				// tangent -3.2 the ratio test passed over beside others of
				// 1e11): a degenerate step that swaps it out.
				degenerate, limPos, limVar = true, hit, s.head[hit]
			} else if ls == lsFail && s.mem.k == 0 && limVar >= 0 {
				if _, on := s.nearBound(limVar, 1e-6); on {
					degenerate = true
				}
			}
		}
		if degenerate && s.phase == 1 && s.degenerate >= 50 && maxAbs(s.cur.x[s.n:]) <= s.set.FeasibilityTolerance {
			// Feasible, and 50 degenerate steps in a row: phase 1 has
			// nothing left to gain, and its pivots among artificials at zero
			// can go on without end (HS85 from a perturbed start: 4,000 of
			// them at a sum of 1.6e-10, Bland's rule from the 51st on).
			res.Phase1Iter = iter
			s.logf("phase 1 feasible at a degenerate step: phase 2\n")
			if ok, err := s.toPhase2(); err != nil {
				return res, err
			} else if !ok {
				status = NumericalFailure
				break
			}
			continue
		}
		if degenerate {
			s.degenerate++
			s.stepped, s.lastStep, s.lastMX, s.lastOK = true, 0, true, true
			if limPos >= 0 {
				// The bound the tangent runs into; the variable may stand off it by
				// up to the degeneracy test's 1e-9 of the largest |x|, and moving it
				// there moves the rows by its Jacobian column times that gap (HS85
				// from a perturbed start: 0.1 on a row whose scaled entries reach
				// 4.6e8), so the point is restored, or the variable, failing that,
				// stays where it stood as a superbasic.
				b := s.up[limVar]
				if s.dB[limPos] < 0 {
					b = s.lo[limVar]
				}
				x0 := s.cur.x[limVar]
				copy(xAcc, s.cur.x)
				if err := s.swap(limPos, b); err != nil {
					s.logf("degenerate swap: %v\n", err)
					status = NumericalFailure
					break
				}
				if x0 != b {
					ok, err := s.restoreOr(func() {
						// The point before the swap, every variable: the
						// failed Newton iterations moved the basics away
						// from it (HS116 from a perturbed start: to a
						// residual of 0.08, where the new basis was
						// singular).
						copy(s.cur.x, xAcc)
						s.classify(limVar)
					})
					if err != nil {
						return res, err
					}
					if !ok {
						s.logf("restoration after a degenerate swap failed\n")
						status = NumericalFailure
						break
					}
				}
			} else {
				if b, on := s.nearBound(limVar, 1e-6); on && s.cur.x[limVar] != b {
					s.cur.x[limVar] = b
					if ok, err := s.restore(s.cur); err != nil {
						return res, err
					} else if !ok {
						s.logf("restoration after moving a superbasic onto its bound failed\n")
						status = NumericalFailure
						break
					}
				}
				s.classify(limVar)
				s.mem.reset()
			}
			continue
		}
		if ls == lsUnbounded {
			status = Unbounded
			break
		}
		if ls == lsFail && s.newtonStep {
			// The Newton step found no decrease: a smaller trust region, or once
			// it is down to round-off, one L-BFGS step before Newton again.
			s.delta *= 0.0625
			if s.delta <= 1e-12*(1+maxAbs(s.cur.x)) {
				s.delta = 0
				skipNewton = true
			}
			continue
		}
		if ls == lsOK && s.newtonStep {
			num, den := 0.0, 0.0
			for _, j := range sb {
				num += (s.cur.x[j] - xPrev[j]) * s.d[j]
				den += s.d[j] * s.d[j]
			}
			s.trustUpdate(num/den, s.obj(s.cur)-fBefore)
		}
		if ls == lsFail && escape {
			// The curvature did not pay off along the line: stop looking for it.
			s.logf("no decrease along the negative curvature\n")
			s.escapes = maxEscapes
			continue
		}
		if ls == lsFail {
			if s.mem.k > 0 || s.bb > 0 {
				// Again from the plain gradient and its unit step: the
				// Barzilai–Borwein step of the last pair can be far too short
				// (HS109: a first trial below round-off, so no trial at all).
				s.mem.reset()
				s.bb = 0
				continue
			}
			// The step was cut short by a basic variable whose tangent dwarfs
			// the superbasics' moves, a nearly singular basis (HS109 from a
			// perturbed start: a bus voltage basic with tangent 1.3e6 for a
			// move of 1.8e3 stopped every step at 8e-9, too little to show a
			// decrease): exchange it for a superbasic and price again. An
			// artificial too (HS109 from two other starts: tangents of 4e11 and
			// 6e14); here, unlike after a step that reached a bound, the
			// search has nothing better to offer than its exchange.
			if limPos >= 0 && s.repairs < maxRepairs {
				if ok, err := s.repair(limPos); err != nil {
					return res, err
				} else if ok {
					havePrev = false
					continue
				}
			}
			// A last resort before giving up: negative curvature along the
			// superbasics (phase 1 creeping towards HS15's saddle at the origin,
			// too flat for the line search to see a decrease).
			if found, err := s.negativeCurvature(sb, math.Max(tol, 2*res.RGMax)); err != nil {
				return res, err
			} else if found {
				pending, havePrev = true, false
				continue
			}
			s.logf("line search failed (alpha max %g)\n", alphaMax)
			status = NumericalFailure
			break
		}
		s.degenerate = 0
		havePrev = true
		// Superbasics that reached their bounds leave the free set; the basis is
		// the same, so the L-BFGS pairs stay (restricted to the free set, as
		// L-BFGS-B's are) unless the basis changes too: resetting them at every
		// bound the projected path meets made each step a gradient step while
		// the controls of an optimal control reached their bounds a few at a time.
		changed, basisChanged, snapped := false, false, false
		copy(xAcc, s.cur.x)
		for _, j := range sb {
			if _, on := s.nearBound(j, 1e-9); on {
				s.classify(j)
				changed = true
			}
		}
		if hit >= 0 {
			// The step stopped where this basic variable reaches a bound. The rows'
			// curvature can leave it short of the bound after restoration: within
			// 1e-3 it goes onto the bound and out of the basis all the same; further
			// off, the restoration swung it across its bound from a point the
			// tangent put well inside, and the step was cut to a sliver for it, so
			// it leaves the basis as a superbasic (repair), or the next step would
			// stop at it again, ever shorter.
			if b, on := s.nearBound(s.head[hit], 1e-3); on {
				snapped = s.cur.x[s.head[hit]] != b
				if err := s.swap(hit, b); err != nil {
					s.logf("swap: %v\n", err)
					status = NumericalFailure
					break
				}
				changed, basisChanged = true, true
			} else if s.head[hit] >= s.n {
				// An artificial short of zero stays basic: as a superbasic it
				// would leave phase 1's objective blind to every other variable
				// (HS64, where 1/x terms keep it from reaching zero in one step).
			} else {
				leave := s.head[hit]
				ok, err := s.repair(hit)
				if err != nil {
					return res, err
				}
				if ok {
					// A slack so repaired stays out of the basis for the next
					// step: slacksIn would put it back at once, the step
					// would stop at it again and the same exchange follow
					// (HS113 four iterations in a row; HS106 with its rows
					// times 1e3 a hundred, 63,000 evaluations).
					if s.constantColumn(leave) {
						s.heldSlack = leave
					}
					havePrev = false
					continue
				}
			}
		}
		if changed {
			if basisChanged {
				havePrev = false
				s.mem.reset()
			}
			back := func() {
				copy(s.cur.x, xAcc)
				for j := 0; j < s.nt; j++ {
					if (s.st[j] == nbLower || s.st[j] == nbUpper) && s.cur.x[j] != s.lo[j] && s.cur.x[j] != s.up[j] {
						s.classify(j)
					}
				}
			}
			ok, err := s.restoreOr(func() {
				// Moving the variable that left the basis onto its bound (up
				// to 1e-3 away) put the point where the new basis cannot
				// restore it: go back to the accepted point, which is
				// feasible whatever the basis, and let that variable stand
				// there as a superbasic (HS108 with Newton-CG).
				s.logf("restoration after a basis change failed: back to the accepted point\n")
				back()
			})
			if err != nil {
				return res, err
			}
			if ok && snapped {
				why := ""
				switch {
				case s.obj(s.cur) > fBefore+stall.RoundingLevel(fBefore):
					// The move onto the bound, restored, undid the step's
					// decrease and more: from there the next step can come
					// back the same way (HS109 with its rows times 1e3: two
					// bus voltages 0.08 short of their bound 252 took turns
					// for 1,300 phase-1 iterations, the infeasibility rising
					// and falling by 8e2 of 4.1e7).
					why = "raised the objective"
				case !s.basicsInside(s.cur):
					// The restoration pushed another basic variable across
					// its bound (HS116 from a perturbed start: by 6.8e-4,
					// and the degenerate swap that moved it back made the
					// basis singular).
					why = "put a basic variable past its bound"
				}
				if why != "" {
					// Back to the accepted point, the variable there a
					// superbasic.
					s.logf("the move onto the bound %s: back to the accepted point\n", why)
					back()
					ok, err = s.restore(s.cur)
					if err != nil {
						return res, err
					}
				}
			}
			if !ok {
				s.logf("restoration after a basis change failed\n")
				status = NumericalFailure
				break
			}
		}
	}
	res.Status = status
	res.Iterations = iter
	return s.finish(res)
}

// restoreOr restores cur; where that fails, back puts cur where the basis can
// restore it (the variable that moved, back where it stood), and cur is
// restored once more.
func (s *solver) restoreOr(back func()) (bool, error) {
	if ok, err := s.restore(s.cur); err != nil || ok {
		return ok, err
	}
	back()
	return s.restore(s.cur)
}

// finish computes the multipliers at the final point.
func (s *solver) finish(res Result) (Result, error) {
	if s.stale(s.cur.jac) {
		if ok, err := s.factor(s.cur.jac, false); err != nil {
			return res, err
		} else if !ok {
			res.Evaluations = s.evals
			return res, nil
		}
	}
	s.refineY = true
	if _, _, _, err := s.price(false); err != nil {
		return res, err
	}
	res.F = s.cur.f
	res.Duals = append([]float64(nil), s.y...)
	res.ReducedCosts = append([]float64(nil), s.r[:s.n]...)
	res.MaxResidual = maxAbs(s.cur.cs)
	res.Evaluations = s.evals
	for j := 0; j < s.n; j++ {
		if s.st[j] == super {
			res.Superbasics++
		}
	}
	if res.Status == Infeasible {
		res.SumInf = s.sumInf(s.cur)
		res.Ninf = s.infeasibleRows()
	}
	return res, nil
}

// stallIterations is how many phase-2 iterations in a row may lower neither the
// objective by more than its rounding nor the smallest RGmax so far before the
// method stops (NumericalFailure, which the caller's optimality check of the
// stated problem may still call optimal), when that smallest RGmax times the
// largest |x| is within 1e-6 of |f|: stationary to the objective's precision
// (HS116 from a perturbed start, with RGmax 0.1 at best, went on to its optimum
// after such a stretch). HS99 with its objective times 1e3
// reaches RGmax 5e-5 at f = -8.3e11 (relative 3e-15) in 15 iterations, the
// absolute tolerance out of reach, and then wandered at round-off to the
// iteration limit, its steps accepted within the line search's allowance for
// rounding.
const stallIterations = 50

// stallSettle is how many iterations past stallIterations the stall guard waits
// for an RGmax within ten times the best before it stops all the same.
const stallSettle = 10

// refineDuals improves the multipliers y that price solved from Bᵀy = g_B (g_B in
// s.v) by iterative refinement, up to two steps, each kept only when it lowers
// the residual: an ill-conditioned basis leaves them inaccurate (HS85 from a
// perturbed start: a residual of 1.7e-3 with |y| up to 1e3, which the stated
// problem's optimality check saw as a reduced cost of a basic column).
func (s *solver) refineDuals() error {
	if len(s.yRes) != s.m {
		s.yRes, s.yFix, s.ySave = make([]float64, s.m), make([]float64, s.m), make([]float64, s.m)
	}
	residual := func() float64 {
		worst := 0.0
		for p, j := range s.head {
			rows, vals := s.col(j, s.cur.jac)
			r := s.v[p]
			for t, i := range rows {
				r -= vals[t] * s.y[i]
			}
			s.yRes[p] = r
			worst = math.Max(worst, math.Abs(r))
		}
		return worst
	}
	prev := residual()
	for k := 0; k < 2 && prev > 0; k++ {
		if err := s.lu.SolveTransVec(s.yFix, s.yRes); err != nil {
			return err
		}
		copy(s.ySave, s.y)
		for i, d := range s.yFix {
			s.y[i] += d
		}
		r := residual()
		if !(r < 0.5*prev) {
			copy(s.y, s.ySave)
			return nil
		}
		prev = r
	}
	return nil
}

// maxLeastSquaresColumns bounds the columns for which phase 0 tries least
// squares (dense normal equations).
const maxLeastSquaresColumns = 200

// leastSquares takes up to 30 projected Levenberg-Marquardt steps on ½‖c(x)‖²
// over the columns (structurals and slacks) within their bounds from s.cur,
// keeping each that lowers ‖c‖. s.cur holds the last point evaluated.
func (s *solver) leastSquares() error {
	n, m := s.n, s.m
	x := append([]float64(nil), s.cur.x...)
	norm := func() float64 {
		v := 0.0
		for _, c := range s.cur.cs {
			v += c * c
		}
		return v
	}
	f0 := norm()
	jtj, damped := mat.NewSymDense(n, nil), mat.NewSymDense(n, nil)
	g, col := make([]float64, n), make([]float64, m)
	d := mat.NewVecDense(n, nil)
	mu := 1e-3
	for it := 0; it < 30 && f0 > 1e-20; it++ {
		// JᵀJ and Jᵀc at x (s.cur).
		jtj.Zero()
		clear(g)
		for j := 0; j < n; j++ {
			for k := s.colPtr[j]; k < s.colPtr[j+1]; k++ {
				g[j] += s.cur.jac[k] * s.cur.cs[s.rowIdx[k]]
			}
		}
		for a := 0; a < n; a++ {
			clear(col)
			for k := s.colPtr[a]; k < s.colPtr[a+1]; k++ {
				col[s.rowIdx[k]] = s.cur.jac[k]
			}
			for b := a; b < n; b++ {
				v := 0.0
				for k := s.colPtr[b]; k < s.colPtr[b+1]; k++ {
					v += col[s.rowIdx[k]] * s.cur.jac[k]
				}
				jtj.SetSym(a, b, v)
			}
		}
		improved := false
		for try := 0; try < 8; try++ {
			damped.CopySym(jtj)
			for j := 0; j < n; j++ {
				damped.SetSym(j, j, jtj.At(j, j)*(1+mu)+mu)
			}
			var ch mat.Cholesky
			if !ch.Factorize(damped) {
				mu *= 10
				continue
			}
			if err := ch.SolveVecTo(d, mat.NewVecDense(n, g)); err != nil {
				mu *= 10
				continue
			}
			for j := 0; j < n; j++ {
				s.cur.x[j] = math.Max(s.lo[j], math.Min(s.up[j], x[j]-d.AtVec(j)))
			}
			ok, err := s.eval(s.cur)
			if err != nil {
				return err
			}
			if f := norm(); ok && f < f0 {
				copy(x, s.cur.x)
				f0, improved = f, true
				mu = math.Max(mu/3, 1e-12)
				break
			}
			mu *= 4
		}
		if !improved {
			break
		}
	}
	copy(s.cur.x, x)
	_, err := s.eval(s.cur)
	return err
}
