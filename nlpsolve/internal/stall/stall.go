// Package stall watches an iterative method for a stall: a run of iterations that
// lower neither the objective nor the smallest RGmax seen. The triangular method
// and the general method (grg) stop on it rather than spin where their steps
// vanish in rounding.
package stall

import "math"

// Guard counts the iterations since the objective or RGmax last improved. The
// zero value counts strict decreases of the objective; with Rounding set, a
// decrease counts only beyond 16 units in the last place of the best objective,
// so that steps accepted within a line search's allowance for rounding do not
// look like progress.
type Guard struct {
	Rounding bool
	f, rg    float64 // the best so far
	since    int     // iterations since either improved
	started  bool
}

// Record notes an iteration's objective f and RGmax rg and returns how many
// iterations in a row have improved neither.
func (g *Guard) Record(f, rg float64) int {
	if !g.started {
		g.f, g.rg, g.started = f, rg, true
		return 0
	}
	improved := false
	margin := 0.0
	if g.Rounding {
		margin = RoundingLevel(g.f)
	}
	if f < g.f-margin {
		g.f, improved = f, true
	}
	if rg < g.rg {
		g.rg, improved = rg, true
	}
	if improved {
		g.since = 0
	} else {
		g.since++
	}
	return g.since
}

// RoundingLevel is the change of an objective of size |f| below which its values
// no longer tell a decrease from rounding: 16 units in the last place.
func RoundingLevel(f float64) float64 { return 16 * 0x1p-52 * math.Abs(f) }

// Since is how many iterations in a row Record has seen improve neither.
func (g *Guard) Since() int { return g.since }

// BestRG is the smallest RGmax recorded.
func (g *Guard) BestRG() float64 { return g.rg }
