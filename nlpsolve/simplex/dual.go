package simplex

import (
	"cmp"
	"math"
	"slices"
)

// The dual simplex method runs first when the starting basis is dual feasible
// (every nonbasic reduced cost has the sign of an optimum, after boxed columns
// are moved to the bound their cost prefers), as the slack basis of an LP with
// non-negative costs and lower bounds is: it keeps that dual feasibility and
// removes the primal infeasibilities one leaving row at a time, so no phase 1
// is needed. It hands over to the primal method (which then only confirms
// optimality, or continues) when the basis is primal feasible, and gives up to it
// when the dual ratio test finds no entering column (the primal method's phase 1
// then decides infeasibility) or the dual objective stalls.

// dualStart reports whether the current basis is dual feasible for the phase-2
// costs, flipping boxed nonbasics whose reduced cost prefers their other bound.
// It leaves the reduced costs in s.d (s.dValid).
func (s *solver) dualStart() bool {
	for p, k := range s.head {
		s.cb[p] = s.c[k]
	}
	s.dValid = false
	s.price(s.c)
	// First whether every wrong-signed reduced cost can be mended by a flip, then
	// the flips. A start that puts many boxed columns on their far bound (a
	// knapsack-like LP flips them all) is fine: the bound-flipping ratio test
	// brings them back many at a time.
	var flips []int
	for k, st := range s.st {
		d := s.d[k]
		switch {
		case st == atLo && d < -s.optTol:
			if math.IsInf(s.up[k], 1) {
				return false
			}
			flips = append(flips, k)
		case st == atUp && d > s.optTol:
			if math.IsInf(s.lo[k], -1) {
				return false
			}
			flips = append(flips, k)
		case st == atZero && math.Abs(d) > s.optTol:
			return false
		}
	}
	for _, k := range flips {
		if s.st[k] == atLo {
			s.st[k], s.x[k] = atUp, s.up[k]
		} else {
			s.st[k], s.x[k] = atLo, s.lo[k]
		}
	}
	flipped := len(flips) > 0
	if flipped {
		s.computeBasics()
	}
	return true
}

// runDual iterates the dual simplex method from a dual feasible basis. It
// returns done with a final status (a limit or a failure), or not done when the
// primal method is to take over.
func (s *solver) runDual() (st Status, done bool) {
	if !s.dualStart() {
		return NotSolved, false
	}
	tol := s.feasTol
	best, bestInf, since, retries := math.Inf(-1), math.Inf(1), 0, 0
	// Dual steepest-edge weights ‖e_pᵀB⁻¹‖², exact (1) for the slack basis B = -I
	// the dual method starts from; other starts begin with 1 as an estimate.
	s.dw = make([]float64, s.m)
	for p := range s.dw {
		s.dw[p] = 1
	}
	s.tau = make([]float64, s.m)
	for {
		if s.iter >= s.set.IterationLimit {
			return IterationLimit, true
		}
		if s.set.Stop != nil && s.set.Stop() {
			return Stopped, true
		}
		if s.lu.NeedsRefactor() {
			if !s.refactor() {
				return NumericalFailure, true
			}
			if !s.dualStart() {
				return NotSolved, false
			}
		}
		// Leaving row: dual steepest edge, the largest violation² / weight.
		r, score, toUp, sum := -1, 0.0, false, 0.0
		for p, k := range s.head {
			v := s.x[k]
			if d := s.lo[k] - v; d > tol {
				sum += d
				if sc := d * d / s.dw[p]; sc > score {
					r, score, toUp = p, sc, false
				}
			} else if d := v - s.up[k]; d > tol {
				sum += d
				if sc := d * d / s.dw[p]; sc > score {
					r, score, toUp = p, sc, true
				}
			}
		}
		if r < 0 {
			return NotSolved, false // primal feasible: the primal method confirms
		}
		// Stall guard: the objective rises, or (across dual degenerate
		// iterations) the primal infeasibility falls, now and then.
		obj := s.objective()
		if math.IsInf(best, -1) || obj > best+1e-12*(1+math.Abs(best)) || sum < bestInf-1e-12*(1+bestInf) {
			best, bestInf, since = math.Max(best, obj), math.Min(bestInf, sum), 0
		} else if since++; since > 200+s.m || (stallOverride > 0 && since > stallOverride) {
			s.logf("** Dual simplex: no progress in %d iterations; the primal method continues\n", since)
			return NotSolved, false
		}
		leave := s.head[r]
		s.pivotRow(r)
		// sgn: the leaving variable rises to its lower bound (+1) or falls to its
		// upper bound (-1); x_r changes by -prow_k per unit of x_k.
		sgn := 1.0
		if toUp {
			sgn = -1
		}
		// The candidates to enter: nonbasics whose reduced cost moves towards
		// zero as the dual step grows, with their breakpoints |d_k|/|a_k|. The
		// step never passes the Harris bound (|d_k| + tolerance)/|a_k| of a
		// candidate that cannot flip (without two finite bounds): tcap, the
		// smallest of those.
		dtol := s.optTol
		cands := s.cands[:0]
		tcap := math.Inf(1)
		for k, st := range s.st {
			a := s.prow[k] * sgn
			var ok bool
			switch st {
			case atLo:
				ok = a < -1e-9
			case atUp:
				ok = a > 1e-9
			case atZero:
				ok = a > 1e-9 || a < -1e-9
			}
			if !ok {
				continue
			}
			a = math.Abs(a)
			cands = append(cands, candidate{k: k, t: math.Abs(s.d[k]) / a, a: a})
			if !s.flippable(k) {
				tcap = math.Min(tcap, (math.Abs(s.d[k])+dtol)/a)
			}
		}
		s.cands = cands
		if len(cands) == 0 {
			return NotSolved, false // dual unbounded: the primal phase 1 decides
		}
		// Bound flipping (Maros; Koberstein): the dual objective rises along the
		// step with slope δ, the leaving row's infeasibility, less |a_k|·(u_k -
		// l_k) for each boxed candidate whose breakpoint it passes. While that
		// stays positive the candidate flips to its other bound instead of
		// entering, and the step goes on; the first candidate past which it would
		// not (or one that cannot flip) is where the step stops. Only the
		// candidates within tcap are sorted, and none when no flippable one is
		// among them (a transport LP has none: sorting them all every iteration
		// made its 300x300 instance 1.6 times slower).
		front := cands[:0:0]
		for _, c := range cands {
			if c.t <= tcap && s.flippable(c.k) {
				front = cands
				break
			}
		}
		flips := s.flips[:0]
		stop := 0
		if front != nil {
			front = s.front[:0]
			for _, c := range cands {
				if c.t <= tcap {
					front = append(front, c)
				}
			}
			s.front = front
			slices.SortFunc(front, func(x, y candidate) int { return cmp.Compare(x.t, y.t) })
			slope := s.lo[leave] - s.x[leave]
			if toUp {
				slope = s.x[leave] - s.up[leave]
			}
			for i, c := range front {
				stop = i
				if i == len(front)-1 || !s.flippable(c.k) {
					break
				}
				if slope -= c.a * (s.up[c.k] - s.lo[c.k]); slope <= 0 {
					break
				}
				flips = append(flips, c.k)
			}
			cands = front
		}
		s.flips = flips
		// Harris's two passes over the candidates from there on: the largest step
		// that leaves no reduced cost beyond the tolerance, then the largest
		// pivot among the breakpoints within it.
		tmax := math.Inf(1)
		for _, c := range cands[stop:] {
			tmax = math.Min(tmax, (math.Abs(s.d[c.k])+dtol)/c.a)
		}
		q, big := -1, 0.0
		for _, c := range cands[stop:] {
			if c.t <= tmax && c.a > big {
				q, big = c.k, c.a
			}
		}
		if len(flips) > 0 {
			s.flip(flips)
		}
		rows, vals := s.column(q)
		clear(s.alpha)
		for t, i := range rows {
			s.alpha[i] = vals[t]
		}
		s.lu.SolveVec(s.alpha, s.alpha)
		aq := s.alpha[r]
		if math.Abs(aq) < 1e-9 || math.Abs(aq-s.prow[q]) > 1e-7*(1+math.Abs(aq)) {
			// The row and the column disagree on the pivot: refactor and retry,
			// twice at most, then leave it to the primal method.
			if retries++; retries > 2 {
				s.logf("** Dual simplex: unstable pivot %.3g (row %.3g); the primal method continues\n", aq, s.prow[q])
				return NotSolved, false
			}
			if !s.refactor() {
				return NumericalFailure, true
			}
			if !s.dualStart() {
				return NotSolved, false
			}
			continue
		}
		retries = 0
		s.updateDualWeights(r, leave, aq)
		target := s.lo[leave]
		if toUp {
			target = s.up[leave]
		}
		dq := (s.x[leave] - target) / aq // change of x_q
		s.x[q] += dq
		for p, a := range s.alpha {
			if a != 0 {
				s.x[s.head[p]] -= dq * a
			}
		}
		theta := s.d[q] / aq
		for k, st := range s.st {
			if st != isBasic && st != isFixed {
				s.d[k] -= theta * s.prow[k]
			}
		}
		s.d[leave], s.d[q] = -theta, 0
		if toUp {
			s.st[leave], s.x[leave] = atUp, target
		} else {
			s.st[leave], s.x[leave] = atLo, target
		}
		if s.lo[leave] == s.up[leave] {
			s.st[leave] = isFixed
		}
		s.pos[leave] = -1
		s.head[r], s.pos[q], s.st[q] = q, r, isBasic
		if err := s.lu.UpdateSolved(r, s.alpha); err != nil {
			if !s.refactor() {
				return NumericalFailure, true
			}
			s.dValid = false
		}
		s.iter++
		s.report(2, 0, math.Abs(dq)) // dual feasible: no reduced cost has the wrong sign
	}
}

// updateDualWeights updates the dual steepest-edge weights w_p = ‖ρ_p‖², ρ_p =
// B⁻ᵀe_p, for the basis change at position r (pivot aq = α_r, s.alpha = B⁻¹a_q,
// s.rho = ρ_r from pivotRow), before the basis changes: with τ = B⁻¹ρ_r, the new
// rows are ρ_p' = ρ_p - (α_p/α_r)·ρ_r, so
//
//	w_p' = w_p - 2(α_p/α_r)·τ_p + (α_p/α_r)²·w_r,   w_r' = w_r/α_r²,
//
// each kept at least (α_p/α_r)²/‖a_leave‖² (ρ_p'·a_leave = -α_p/α_r), which
// round-off could otherwise take below. w_r is recomputed exactly from ρ_r.
func (s *solver) updateDualWeights(r, leave int, aq float64) {
	wr := 0.0
	for _, v := range s.rho {
		wr += v * v
	}
	copy(s.tau, s.rho)
	s.lu.SolveVec(s.tau, s.tau)
	_, vals := s.column(leave)
	an := 0.0
	for _, v := range vals {
		an += v * v
	}
	for p, a := range s.alpha {
		if p == r || a == 0 {
			continue
		}
		ratio := a / aq
		w := s.dw[p] + ratio*(ratio*wr-2*s.tau[p])
		s.dw[p] = math.Max(w, ratio*ratio/an)
	}
	s.dw[r] = math.Max(wr/(aq*aq), 1/an)
}

// flippable reports whether nonbasic column k can flip to another bound: it has
// two finite bounds.
func (s *solver) flippable(k int) bool {
	return s.st[k] != atZero && !math.IsInf(s.lo[k], -1) && !math.IsInf(s.up[k], 1)
}

// candidate is a nonbasic column of the dual ratio test: its breakpoint t and
// |pivot-row entry| a.
type candidate struct {
	k    int
	t, a float64
}

// flip moves the nonbasic columns ks to their other bounds and the basic
// variables with them: x_B -= B⁻¹·Σ a_k·Δx_k.
func (s *solver) flip(ks []int) {
	if len(s.flipv) < s.m {
		s.flipv = make([]float64, s.m)
	}
	v := s.flipv[:s.m]
	clear(v)
	for _, k := range ks {
		dx := s.up[k] - s.lo[k]
		if s.st[k] == atLo {
			s.st[k], s.x[k] = atUp, s.up[k]
		} else {
			s.st[k], s.x[k], dx = atLo, s.lo[k], -dx
		}
		rows, vals := s.column(k)
		for t, i := range rows {
			v[i] += vals[t] * dx
		}
	}
	s.lu.SolveVec(v, v)
	for p, k := range s.head {
		s.x[k] -= v[p]
	}
}
