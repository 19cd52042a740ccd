package grg

import (
	"errors"
	"math"
	"slices"

	"github.com/nnopt/nnopt/nlpsolve/sparselu"
)

// setBasic puts variable j at basis position p.
func (s *solver) setBasic(p, j int) {
	s.head[p] = j
	s.pos[j] = p
	s.st[j] = basic
}

// crash chooses a starting basis: singleton columns (slacks) first, interior
// ones before the others and, among each, those with a constant entry
// (constantColumn) first; then for each uncovered row the free or interior
// column with the largest entry in it; then the row's artificial. Variables
// strictly between bounds are preferred, since a basic variable must be able
// to move both ways, and constant entries, since such a pivot cannot be lost
// (in a one-row model z - f(x) = 0 every column is a singleton, and z's is the
// basis of the unconstrained problem).
func (s *solver) crash() error {
	n, m := s.n, s.m
	for j := 0; j < n; j++ {
		s.classify(j)
	}
	for i := 0; i < m; i++ {
		a := n + i
		s.cur.x[a] = 0
		s.classify(a)
	}
	if m == 0 {
		return nil
	}
	covered := make([]bool, m)
	used := 0
	jac := s.cur.jac
	inObjective := func(j int) bool { return j < len(s.set.ObjectiveColumns) && s.set.ObjectiveColumns[j] }
	for pass := 0; pass < 4; pass++ { // interior (constant first), then any (constant first)
		for j := 0; j < n; j++ {
			a, b := s.colPtr[j], s.colPtr[j+1]
			if b-a != 1 || s.st[j] == nbFixed || s.st[j] == basic || jac[a] == 0 || covered[s.rowIdx[a]] || inObjective(j) {
				continue
			}
			if (pass < 2 && s.st[j] != super) || (pass%2 == 0 && !s.constantColumn(j)) {
				continue
			}
			covered[s.rowIdx[a]] = true
			s.setBasic(used, j)
			used++
		}
	}
	// Rows to columns.
	rowPtr := make([]int, m+1)
	for _, i := range s.rowIdx {
		rowPtr[i+1]++
	}
	for i := 0; i < m; i++ {
		rowPtr[i+1] += rowPtr[i]
	}
	fill := append([]int(nil), rowPtr[:m]...)
	rowCol := make([]int, len(s.rowIdx))
	rowPos := make([]int, len(s.rowIdx))
	for j := 0; j < n; j++ {
		for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
			i := s.rowIdx[t]
			rowCol[fill[i]], rowPos[fill[i]] = j, t
			fill[i]++
		}
	}
	for i := 0; i < m; i++ {
		if covered[i] {
			continue
		}
		best, bestScore := -1, 0.0
		for t := rowPtr[i]; t < rowPtr[i+1]; t++ {
			j := rowCol[t]
			if s.st[j] == basic || s.st[j] == nbFixed {
				continue
			}
			score := math.Abs(jac[rowPos[t]])
			if s.st[j] != super {
				score *= 1e-3
			}
			if inObjective(j) {
				score *= 1e-3
			}
			if score > bestScore {
				best, bestScore = j, score
			}
		}
		if best >= 0 {
			covered[i] = true
			s.setBasic(used, best)
			used++
		}
	}
	for i := 0; i < m; i++ {
		if !covered[i] {
			s.setBasic(used, n+i)
			used++
		}
	}
	// A greedy choice can cover one row twice and leave another row's column
	// out; the factorization replaces dependent columns by artificials.
	_, err := s.factor(jac, true)
	return err
}

// factor factors the basis columns at jac. With replace, columns that make it
// singular are swapped for the artificials of the unpivoted rows (and the
// factorization redone); without, a singular basis returns ok = false.
func (s *solver) factor(jac []float64, replace bool) (ok bool, err error) {
	s.luOK = false
	if s.m == 0 {
		s.luOK = true
		return true, nil
	}
	// Three attempts as the columns are; where those leave it singular, as
	// many with the columns scaled (basisLU.Scaled) as the rows allow: each
	// singular attempt puts artificials in place of at least one column, and a
	// basis of artificials alone factors.
	s.lu.Scaled = false
	for attempt := 0; attempt < 3+s.m+1; attempt++ {
		if attempt == 3 {
			s.lu.Scaled = true
		}
		a := sparselu.Matrix{N: s.m, ColPtr: make([]int, s.m+1)}
		for p, j := range s.head {
			rows, vals := s.col(j, jac)
			a.RowIdx = append(a.RowIdx, rows...)
			a.Val = append(a.Val, vals...)
			a.ColPtr[p+1] = len(a.RowIdx)
		}
		err := s.lu.Factorize(a, s.set.LU)
		var se *sparselu.SingularError
		if errors.As(err, &se) {
			if !replace {
				return false, nil
			}
			for k, p := range se.Columns {
				old := s.head[p]
				s.classify(old)
				s.setBasic(p, s.n+se.Rows[k])
			}
			s.mem.reset()
			continue
		}
		if err != nil {
			return false, err
		}
		copy(s.luJac, jac)
		s.luOK = true
		return true, nil
	}
	return false, nil
}

// stale reports whether the factorization must be redone at jac: it is
// missing, its eta file is long, or a basis column's values have changed.
func (s *solver) stale(jac []float64) bool {
	if !s.luOK {
		return true
	}
	if s.m == 0 {
		return false
	}
	if s.lu.NeedsRefactor() {
		return true
	}
	for _, j := range s.head {
		if j >= s.n {
			continue
		}
		for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
			if jac[t] != s.luJac[t] {
				return true
			}
		}
	}
	return false
}

// restore brings pt back onto c = 0 by Newton iterations on the basic
// variables, the other variables held. The basis matrix is kept from its last
// factorization (a chord method) while the residual falls at least fourfold an
// iteration, and refactored at the current point whenever it falls less: on a
// long chain of nonlinear rows (NonlinearChain) a single refresh left the chord
// iteration contracting by only 0.4 an iteration, and the Newton iterations per
// restoration grew with the chain's length. After a refresh a residual that
// grows ends the restoration. ok is false when Newton fails within NewtonLimit
// iterations or a value becomes non-finite. The Newton iterations need the
// values only, and a line search's trial point (s.trial) stays so: its
// derivatives are evaluated once it is accepted (lineSearch); any other point
// leaves with them.
//
// Once Newton has stopped contracting after a refresh, a point whose every
// residual is within the rounding of its row's terms (atRounding) is restored:
// no iteration can do better there. A row of terms near 1e9 (HS106's with its
// rows times 1e3) computes to no closer than 1e-7, a hundred times
// FeasibilityTolerance, and every restoration failed at that floor after
// NewtonLimit refreshes.
func (s *solver) restore(pt *point) (ok bool, err error) {
	feas := s.set.FeasibilityTolerance
	prev := math.Inf(1)
	refreshed := false
	for it := 0; ; it++ {
		ok, err := s.evalValues(pt)
		if err != nil || !ok {
			return false, err
		}
		// Residuals of a point with huge values carry round-off of about
		// eps·|x|; allow for it so that rays can be followed.
		rn := maxAbs(pt.c)
		restored := rn <= feas+1e-13*maxAbs(pt.x)
		if !restored && refreshed && rn > 0.25*prev && s.atRounding(pt) {
			restored = true
		}
		if restored {
			if err := s.polish(pt, rn); err != nil {
				return false, err
			}
			if pt == s.trial {
				return true, nil
			}
			return s.withDerivs(pt)
		}
		if it >= s.set.NewtonLimit {
			return false, nil
		}
		if !s.luOK || rn > 0.25*prev {
			if refreshed && rn > prev {
				return false, nil
			}
			if ok, err := s.withDerivs(pt); !ok {
				return false, err
			}
			if ok, err := s.factor(pt.jac, false); !ok {
				return false, err
			}
			refreshed = true
		}
		prev = rn
		if err := s.lu.SolveVec(s.w, pt.c); err != nil {
			return false, err
		}
		for p, j := range s.head {
			pt.x[j] -= s.w[p]
			if math.IsNaN(pt.x[j]) || math.IsInf(pt.x[j], 0) {
				return false, nil
			}
		}
	}
}

// roundingUlps is how many units of round-off of a row's terms atRounding allows
// its residual: at the floor where HS106's restorations stalled (rows times 1e3)
// the residuals were 0.14 to 0.95 of eps·Σ|J_ij·x_j|.
const roundingUlps = 4

// atRounding reports whether every row's residual at pt is within FeasibilityTolerance
// plus roundingUlps·eps times the magnitude of its terms, measured as
// Σ_j |J_ij·x_j| (and the artificial's value) with the Jacobian pt.jac holds, that
// of a point of the same restoration.
func (s *solver) atRounding(pt *point) bool {
	mag := s.rowMag
	if mag == nil {
		mag = make([]float64, s.m)
		s.rowMag = mag
	}
	for i := range mag {
		mag[i] = math.Abs(pt.x[s.n+i])
	}
	for j := 0; j < s.n; j++ {
		for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
			mag[s.rowIdx[t]] += math.Abs(pt.jac[t] * pt.x[j])
		}
	}
	feas := s.set.FeasibilityTolerance
	for i, c := range pt.c {
		if !(math.Abs(c) <= feas+roundingUlps*0x1p-52*mag[i]) {
			return false
		}
	}
	return true
}

// swap replaces the basic variable at position p, which has reached its bound
// b, by the superbasic (failing that, nonbasic or artificial) variable with the
// largest pivot |(B⁻¹a_q)_p|, updating the factorization.
func (s *solver) swap(p int, b float64) error {
	leave := s.head[p]
	if err := s.pivotRow(p); err != nil {
		return err
	}
	wmax := maxAbs(s.w)
	best, bestPiv := -1, 0.0
	for pass := 0; pass < 2 && best < 0; pass++ {
		best, bestPiv = s.bestPivot(s.nt, bestPiv, func(st vstate) bool { return st != basic && (pass == 0) == (st == super) })
		if bestPiv <= 1e-9*wmax {
			best = -1
		}
	}
	if best < 0 {
		return errors.New("grg: no variable can replace a basic variable at its bound")
	}
	s.cur.x[leave] = b
	s.st[leave] = nbFixed
	if s.lo[leave] != s.up[leave] {
		if b == s.lo[leave] {
			s.st[leave] = nbLower
		} else {
			s.st[leave] = nbUpper
		}
	}
	s.pos[leave] = -1
	s.setBasic(p, best)
	s.mem.reset()
	rows, vals := s.col(best, s.cur.jac)
	if s.stale(s.cur.jac) || s.lu.Update(p, rows, vals) != nil {
		_, err := s.factor(s.cur.jac, true)
		return err
	}
	return nil
}

// roundOffTangent reports whether no superbasic has a pivot |(B⁻¹a_j)_p| above
// round-off (1e-9 of row p of B⁻¹) at basis position p, the test swap applies to
// the superbasics: the tangent of the basic variable there is then round-off.
func (s *solver) roundOffTangent(p int) (bool, error) {
	if err := s.pivotRow(p); err != nil {
		return false, err
	}
	best, _ := s.bestPivot(s.nt, 1e-9*maxAbs(s.w), func(st vstate) bool { return st == super })
	return best < 0, nil
}

// maxRepairs bounds the basis repairs of one solve, so that a basis that is
// ill-conditioned whichever columns it holds cannot make the method cycle.
const maxRepairs = 100

// repairRatio is how much larger than the step on the superbasics the tangent of
// a basic variable must be before the basis counts as nearly singular.
const repairRatio = 1e4

// After cutStepsRepair line searches in a row whose first trial restoration could
// not bring back to the rows, the basis counts as nearly singular from a tangent
// repairRatioCut times the superbasics' step. A basic variable that approaches a
// fold of its row (HS56's x7 in 7.2 sin²x7, whose derivative vanishes at the
// optimum's π/2) leaves Newton nothing to solve for beyond it, and every step was
// cut back by restoration failures (to 1.5e-8, 190 evaluations an iteration)
// long before its tangent reached repairRatio. Phase 2 only: in phase 1 the
// same rule sent HS109 from two perturbed starts (of 1,070) to infeasible ends.
const (
	cutStepsRepair = 3
	repairRatioCut = 1
)

// illConditioned returns the basis position whose variable's tangent dB exceeds
// ratio (repairRatio, or repairRatioCut) times the largest superbasic step, or -1. The test is relative: a
// column losing its pivot as the steps shrink (HS15's phase 1, x2 basic in
// x1 + x2² = 0 as both go to 0) shows only in the ratio.
//
// A column singleton is measured against the moves of its row's other variables
// instead: its tangent is theirs over its own pivot, so it is out of proportion
// only when that pivot is small. A large move it inherits from another basic
// variable points at that variable, which the test then finds (HS72 under
// EliminateNone, where the objective column summed x1's move and was swapped out
// of a sound basis). A singleton with a constant entry (a slack,
// Settings.ConstantColumns) cannot lose its pivot at all and is passed over: its
// tangent is large only in its own units (HS38 under EliminateNone, where the
// objective column moves by |∇f|² = 1e8 for a steepest-descent step of 1e4).
func (s *solver) illConditioned(sb []int, ratio float64) int {
	if s.m == 0 || s.repairs >= maxRepairs || len(sb) == 0 {
		return -1
	}
	dmax := 0.0
	for _, j := range sb {
		dmax = math.Max(dmax, math.Abs(s.d[j]))
	}
	p, worst := -1, ratio*dmax
	for q, v := range s.dB {
		j := s.head[q]
		if j >= s.n || !(math.Abs(v) > worst) {
			continue
		}
		if a := s.colPtr[j]; s.colPtr[j+1]-a == 1 && (s.constantColumn(j) || !(math.Abs(v) > ratio*s.rowMove(s.rowIdx[a], j))) {
			continue
		}
		p, worst = q, math.Abs(v)
	}
	return p
}

// constantColumn reports whether column j's Jacobian entries are constant: a
// slack, or a column Settings.ConstantColumns marks.
func (s *solver) constantColumn(j int) bool {
	if sl, ok := s.p.(*Slacked); ok && j >= s.n-len(sl.SlackRow) && j < s.n {
		return true
	}
	return j < len(s.set.ConstantColumns) && s.set.ConstantColumns[j]
}

// rowMove is the largest move along the current direction (s.d on the
// superbasics, s.dB on the basics) of a variable other than skip with an entry
// in row i.
func (s *solver) rowMove(i, skip int) float64 {
	move := 0.0
	for j := 0; j < s.nt; j++ {
		var m float64
		switch {
		case j == skip:
			continue
		case s.st[j] == super:
			m = s.d[j]
		case s.pos[j] >= 0:
			m = s.dB[s.pos[j]]
		default:
			continue
		}
		if m == 0 {
			continue
		}
		rows, _ := s.col(j, s.cur.jac)
		for _, r := range rows {
			if r == i {
				move = math.Max(move, math.Abs(m))
				break
			}
		}
	}
	return move
}

// repair exchanges the basic variable at position p for the superbasic with the
// largest pivot |(B⁻¹a_q)_p| when that pivot is at least 1: the leaving variable
// becomes superbasic where it stands. It reports whether it exchanged, and brings
// the point back onto the rows.
func (s *solver) repair(p int) (bool, error) {
	if err := s.pivotRow(p); err != nil {
		return false, err
	}
	// A repair at the point of the last one may not bring in the same column: no
	// step was taken since, so the step after it was blocked, and the same
	// exchange would follow again (HS89, whose row's coefficients are near 0.01:
	// a slack released at its bound entered with pivot 75, blocked the next step
	// at once, left for the structural it had replaced, and the pair cycled).
	again := s.repairIn >= 0 && len(s.repairAt) == s.nt && slices.Equal(s.repairAt, s.cur.x)
	best, bestPiv := s.bestPivotOf(s.n, 1, func(j int) bool {
		return s.st[j] == super && !(again && j == s.repairIn)
	})
	if best < 0 {
		return false, nil
	}
	s.repairIn = best
	s.repairAt = append(s.repairAt[:0], s.cur.x...)
	leave := s.head[p]
	if leave >= s.n && s.superArt != nil {
		s.superArt[leave-s.n] = true
	}
	s.repairs++
	s.logf("basis repair: %d leaves the basis for %d (pivot %.3g)\n", leave, best, bestPiv)
	if s.repairs == maxRepairs {
		s.logf("stall guard: %d basis repairs, no more this solve\n", maxRepairs)
	}
	s.setBasic(p, best)
	s.pos[leave], s.st[leave] = -1, super
	s.mem.reset()
	if _, err := s.factor(s.cur.jac, true); err != nil {
		return false, err
	}
	if !s.luOK {
		return false, nil
	}
	ok, err := s.restore(s.cur)
	return ok, err
}

// polish takes up to two more Newton steps on a feasible point whose residual rn
// is above round-off (1e-14 relative), keeping each only while it cuts the residual
// tenfold. Near an optimum the objective's decrease along a step is about RGmax²,
// far below the feasibility tolerance; a residual of that size would drown it and
// stall the line search (HS39 stalled with RGmax 2e-5), while Newton's quadratic
// convergence makes the extra steps cheap.
func (s *solver) polish(pt *point, rn float64) error {
	if !s.luOK || s.m == 0 {
		return nil
	}
	if s.spare == nil {
		s.spare = s.newPoint()
	}
	xmax := maxAbs(pt.x)
	for k := 0; k < 2 && rn > 1e-14*(1+xmax); k++ {
		copyPoint(s.spare, pt)
		if err := s.lu.SolveVec(s.w, pt.c); err != nil {
			return err
		}
		for p, j := range s.head {
			pt.x[j] -= s.w[p]
		}
		ok, err := s.evalValues(pt)
		if err != nil {
			return err
		}
		if r := maxAbs(pt.c); !ok || !(r < 0.1*rn) {
			copyPoint(pt, s.spare)
			return nil
		} else {
			rn = r
		}
	}
	return nil
}

// pivotRow stores row p of B⁻¹ in s.w: the pivots |(B⁻¹a_q)_p| of the columns that
// could take basis position p are w·a_q.
func (s *solver) pivotRow(p int) error {
	clear(s.v)
	s.v[p] = 1
	return s.lu.SolveTransVec(s.w, s.v)
}

// bestPivot returns the column among the first n whose state ok accepts with the
// largest pivot |w·a_j| (s.w from pivotRow) above min, or -1.
func (s *solver) bestPivot(n int, min float64, ok func(vstate) bool) (int, float64) {
	return s.bestPivotOf(n, min, func(j int) bool { return ok(s.st[j]) })
}

// bestPivotOf is bestPivot over the columns j < n that ok accepts.
func (s *solver) bestPivotOf(n int, min float64, ok func(j int) bool) (int, float64) {
	best, bestPiv := -1, min
	for j := 0; j < n; j++ {
		if !ok(j) {
			continue
		}
		rows, vals := s.col(j, s.cur.jac)
		piv := 0.0
		for t, i := range rows {
			piv += s.w[i] * vals[t]
		}
		if math.Abs(piv) > bestPiv {
			best, bestPiv = j, math.Abs(piv)
		}
	}
	return best, bestPiv
}

// slacksIn makes every superbasic column singleton with a constant entry (a
// slack, or a column Settings.ConstantColumns marks) that stands off its bounds
// basic, in place of the structural basic variable with the largest
// |(B⁻¹a_j)_p|, which becomes superbasic where it stands (nonbasic on a bound).
// The superbasics span the same subspace; only its coordinates change. A
// superbasic slack makes its row's activity a coordinate of the reduced problem:
// where the row bounds the objective itself (f ≤ 3000 in HS101-HS103), f is the
// slack plus a constant, every other superbasic's reduced gradient is zero, and
// the minimum lies where the basis turns singular (∇f in the span of the active
// rows), which restoration can only creep towards. A slack just released from
// its bound stays superbasic until a step has moved it off (by more than 1e-6
// relative: one that a degenerate swap's failed restoration left 1.5e-8 off its
// bound went back into the basis and the swap repeated, HS106 with its rows
// times 1e3 to the iteration limit), and so does one a basis repair took out,
// for one step (heldSlack). It is called at every iteration; it reports whether
// the basis changed (it is then refactored).
//
// In phase 1 a positive superbasic artificial enters the same way. Phase 1's
// objective is the artificials' sum; with a structural basic in a row whose
// artificial is superbasic, a step that lowers the artificial must move the
// structural along the row, and near a fold of the row that took fifty Newton
// iterations for steps of 1e-11 (HS88: 200 iterations, then a numerical
// failure; with the artificial basic the structurals descend on the row's
// infeasibility directly). An artificial a repair took out, or pricing
// released, stays out for the phase (superArt).
func (s *solver) slacksIn() (bool, error) {
	if s.m == 0 {
		return false, nil
	}
	changed := false
	for j := 0; j < s.nt; j++ {
		if s.st[j] != super {
			continue
		}
		if j < s.n {
			if a := s.colPtr[j]; s.phase != 2 || s.colPtr[j+1]-a != 1 || !s.constantColumn(j) {
				continue
			}
		} else if s.phase != 1 || s.superArt == nil || s.superArt[j-s.n] {
			continue
		}
		if _, on := s.nearBound(j, 1e-6); on {
			continue // just released: it enters once it has moved off
		}
		if j == s.heldSlack {
			continue // a repair took it out for one step (iterate.go)
		}
		if s.stale(s.cur.jac) {
			if ok, err := s.factor(s.cur.jac, false); err != nil || !ok {
				return changed, err
			}
		}
		clear(s.v)
		rows, vals := s.col(j, s.cur.jac)
		s.v[rows[0]] = vals[0]
		if err := s.lu.SolveVec(s.w, s.v); err != nil {
			return changed, err
		}
		wmax := maxAbs(s.w)
		best, bestPiv := -1, 1e-9*wmax
		for p, k := range s.head {
			if k >= s.n || (s.colPtr[k+1]-s.colPtr[k] == 1 && s.constantColumn(k)) {
				continue
			}
			if v := math.Abs(s.w[p]); v > bestPiv {
				best, bestPiv = p, v
			}
		}
		if best < 0 {
			continue
		}
		leave := s.head[best]
		s.setBasic(best, j)
		s.classify(leave)
		changed = true
		s.luOK = false
	}
	if !changed {
		return false, nil
	}
	s.mem.reset()
	_, err := s.factor(s.cur.jac, true)
	return true, err
}

// crawlGuard watches for a crawl: over crawlWindow iterations of one phase the
// objective hardly moves while the reduced gradient grows a hundredfold, the
// mark of a basis drifting towards singularity along the path (HS101 and HS109
// from perturbed starts: 900 phase-1 iterations with the reduced gradient
// growing to 1e8 and the sum of infeasibilities falling by 1e-4 each), which
// the tangent test of illConditioned does not see when the superbasics hardly
// move.
type crawlGuard struct {
	n     int
	phase int
	obj   [crawlWindow]float64
	rg    [crawlWindow]float64
}

const crawlWindow = 10

// crawling records an iteration and reports whether the last crawlWindow of
// them crawl.
func (c *crawlGuard) crawling(phase int, obj, rg float64) bool {
	if phase != c.phase {
		*c = crawlGuard{phase: phase}
	}
	k := c.n % crawlWindow
	oldObj, oldRG := c.obj[k], c.rg[k]
	c.obj[k], c.rg[k] = obj, rg
	c.n++
	if c.n <= crawlWindow {
		return false
	}
	return rg > 100*oldRG && math.Abs(oldObj-obj) <= 1e-3*(1+math.Abs(obj))
}

// dependentBasic is the basis position of the structural basic variable that
// carries most of the basis's near dependence: with B nearly singular, y =
// B⁻ᵀc_B is large along the left singular vector of its least singular value,
// and B⁻¹y points along the right one, whose largest entry is that column's.
// -1 when no structural variable is basic.
func (s *solver) dependentBasic() (int, error) {
	if s.m == 0 || !s.luOK {
		return -1, nil
	}
	if err := s.lu.SolveVec(s.w, s.y); err != nil {
		return -1, err
	}
	p, worst := -1, 0.0
	for q, j := range s.head {
		if j >= s.n || (s.colPtr[j+1]-s.colPtr[j] == 1 && s.constantColumn(j)) {
			continue
		}
		if v := math.Abs(s.w[q]); v > worst {
			p, worst = q, v
		}
	}
	return p, nil
}
