package simplex

import "math"

// Primal pricing is projected steepest edge (Goldfarb and Reid; the reference
// framework of devex): the weight of nonbasic j is γ_j = ‖η_j‖² over the
// variables of a reference set R, η_j being the edge direction along which x_j
// rises (1 at j, -α_pj at the basic of position p, α_j = B⁻¹a_j). R is the set of
// nonbasics when the phase starts, so every weight starts at exactly 1; a basis
// change (q enters at position r, ratio_j = α_rj/α_rq) gives
//
//	η_j' = η_j - ratio_j·η_q,  γ_j' = γ_j - 2·ratio_j·(η_j·η_q)_R + ratio_j²·γ_q,
//	η_leave' = -η_q/α_rq,      γ_leave' = γ_q/α_rq²,
//
// with (η_j·η_q)_R = a_jᵀB⁻ᵀα_q^R (α_q with the entries of basics outside R
// zeroed), one more BTRAN per iteration. γ_q itself is recomputed from α_q.

// resetReference makes the current nonbasics the reference framework and sets
// every weight to 1.
func (s *solver) resetReference() {
	if s.ref == nil {
		s.ref = make([]bool, s.nt)
		s.v = make([]float64, s.m)
	}
	for k, st := range s.st {
		s.ref[k] = st != isBasic
		s.w[k] = 1
	}
}

// updatePrimalWeights updates the weights for the basis change in which q
// enters at position r and leave leaves, with s.alpha = B⁻¹a_q and s.prow the
// pivot row, before the basis changes.
func (s *solver) updatePrimalWeights(q, r, leave int) {
	aq := s.alpha[r]
	gq := 0.0
	if s.ref[q] {
		gq = 1
	}
	for p, a := range s.alpha {
		if a != 0 && s.ref[s.head[p]] {
			s.v[p] = a
			gq += a * a
		} else {
			s.v[p] = 0
		}
	}
	s.lu.SolveTransVec(s.v, s.v)
	for k, st := range s.st {
		if st == isBasic || st == isFixed || k == q {
			continue
		}
		pr := s.prow[k]
		if pr == 0 {
			continue
		}
		ratio := pr / aq
		dot := 0.0
		rows, vals := s.column(k)
		for t, i := range rows {
			dot += vals[t] * s.v[i]
		}
		// γ_k' is at least the entries of η_k' at k and at q (-ratio).
		w := s.w[k] + ratio*(ratio*gq-2*dot)
		lb := 1e-12
		if s.ref[k] {
			lb++
		}
		if s.ref[q] {
			lb += ratio * ratio
		}
		s.w[k] = math.Max(w, lb)
	}
	s.w[leave] = math.Max(gq/(aq*aq), 1e-12)
}
