package grg

import "math"

// DefaultPhase1ObjectiveWeight is the weight a zero Settings.Phase1ObjectiveWeight gives.
const DefaultPhase1ObjectiveWeight = 1e-2

// startWeight sets the weight of the composite phase 1 (min Σ a + w·f) at
// phase 1's start: Settings.Phase1ObjectiveWeight times the ratio of the largest
// phase-1 reduced gradient to the largest reduced gradient of f, both over the
// structural columns free to move, in phase 1's basis. Measuring f through the
// basis makes the weight the same whether f is a function of the columns or a
// column defined by a row (EliminateNone).
func (s *solver) startWeight() error {
	theta := s.set.Phase1ObjectiveWeight
	if theta == 0 {
		theta = DefaultPhase1ObjectiveWeight
	}
	s.weight = 0
	if theta < 0 {
		return nil
	}
	largest := func() float64 {
		r := 0.0
		for j := 0; j < s.n; j++ {
			if s.st[j] != basic && s.st[j] != nbFixed {
				r = math.Max(r, math.Abs(s.r[j]))
			}
		}
		return r
	}
	if _, _, _, err := s.price(false); err != nil {
		return err
	}
	r1 := largest()
	s.phase = 2 // f's reduced gradient: artificials at zero cost
	_, _, _, err := s.price(false)
	s.phase = 1
	if err != nil {
		return err
	}
	if rf := largest(); rf > 0 && r1 > 0 {
		s.weight = theta * r1 / rf
	}
	if !(s.weight > 0) || math.IsInf(s.weight, 0) {
		s.weight = 0
		return nil
	}
	s.weightFalls, s.weightIter = 0, 0
	s.weightSum = s.sumInf(s.cur)
	s.weightPrev = s.weightSum
	s.logf("composite phase 1: minimises the sum of infeasibilities + %.3g × objective\n", s.weight)
	return nil
}

// checkWeight watches the composite phase 1 at the start of an iteration: the
// weight goes to zero once the point is feasible (plain phase 1 then clears the
// artificials from the basis and hands over to phase 2 as it does), and falls
// when the sum of infeasibilities rises or has not fallen by a tenth in 10
// iterations. It reports whether the weight changed.
func (s *solver) checkWeight(iter int) bool {
	sum := s.sumInf(s.cur)
	if maxAbs(s.cur.x[s.n:]) <= 1e3*s.set.FeasibilityTolerance {
		s.weight = 0
		s.mem.reset()
		s.logf("composite phase 1 feasible: the objective's weight is 0\n")
		return true
	}
	prev := s.weightPrev
	s.weightPrev = sum
	switch {
	case sum > prev*(1+1e-9):
		s.fallWeight(iter, "rose")
	case iter-s.weightIter >= 10 && sum > 0.9*s.weightSum:
		s.fallWeight(iter, "stalled")
	default:
		return false
	}
	return true
}

// fallWeight divides the composite phase 1's weight by ten, or zeroes it after
// the third fall.
func (s *solver) fallWeight(iter int, why string) {
	s.weightFalls++
	s.weight *= 0.1
	if s.weightFalls >= 3 {
		s.weight = 0
	}
	sum := s.sumInf(s.cur)
	s.weightIter, s.weightSum, s.weightPrev = iter, sum, sum
	s.mem.reset()
	s.logf("composite phase 1: the sum of infeasibilities %s at %.6g: the objective's weight is %.3g\n", why, sum, s.weight)
}
