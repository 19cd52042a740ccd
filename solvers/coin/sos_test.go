package coin

import (
	"context"
	"math"
	"strings"
	"testing"
)

// sosProblem is, with columns x1 x2 x3 y1 y2,
//
//	maximise 3x1 + 2x2 + x3 + 2y1 + 3y2
//	s.t.     x1 + x2 + x3 + y1 + y2 <= 10
//	         x1 <= 2, x2 <= 5, x3 <= 8, y1 <= 6, y2 <= 4
//	         SOS1{x1, x2, x3}, SOS1{y1, y2}
//
// By hand: the x set is worth at most 10 alone (x2 = 5), the y set 12 (y1 = 6
// or y2 = 4); x2 = 5 with y2 = 4 fits the row, 22, and nothing beats it. The
// LP relaxation takes x1 = 2, y2 = 4, y1 = 4: 26.
func sosProblem() *LP {
	p := dense([][]float64{{1, 1, 1, 1, 1}}, []float64{3, 2, 1, 2, 3}, []float64{-inf}, []float64{10})
	p.ColUpper = []float64{2, 5, 8, 6, 4}
	p.Maximize = true
	p.SOS = []SOS{{Name: "x", Type: 1, Index: []int{0, 1, 2}}, {Name: "y", Type: 1, Index: []int{3, 4}, Weight: []float64{10, 20}}}
	return p
}

// bruteSOS1 solves every choice of one nonzero member (or none) per SOS1 set
// as an LP with the other members fixed at 0, and returns the best objective.
func bruteSOS1(t *testing.T, p *LP) float64 {
	t.Helper()
	best := math.Inf(-1)
	if !p.Maximize {
		best = math.Inf(1)
	}
	choice := make([]int, len(p.SOS)) // -1: none
	var walk func(k int)
	walk = func(k int) {
		if k < len(p.SOS) {
			for c := -1; c < len(p.SOS[k].Index); c++ {
				choice[k] = c
				walk(k + 1)
			}
			return
		}
		q := *p
		q.SOS = nil
		q.ColUpper = append([]float64(nil), p.ColUpper...)
		for s, set := range p.SOS {
			for m, j := range set.Index {
				if m != choice[s] {
					q.ColUpper[j] = 0
				}
			}
		}
		res, err := SolveLP(context.Background(), &q, Settings{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status == Optimal && (p.Maximize && res.Objective > best || !p.Maximize && res.Objective < best) {
			best = res.Objective
		}
	}
	walk(0)
	return best
}

func TestSOS1(t *testing.T) {
	requireLib(t, LoadCbc)
	requireLib(t, LoadClp)
	p := sosProblem()
	if got := bruteSOS1(t, p); !near(got, 22, 1e-9) {
		t.Fatalf("enumeration: %v, want 22 (worked by hand)", got)
	}
	relaxed := *sosProblem()
	relaxed.SOS = nil
	res, err := SolveLP(context.Background(), &relaxed, Settings{})
	if err != nil || !near(res.Objective, 26, 1e-9) {
		t.Fatalf("relaxation: %v %v, want 26", res, err)
	}
	res, err = SolveMIP(context.Background(), p, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || !res.HasSolution || !near(res.Objective, 22, 1e-9) {
		t.Fatalf("status %v, objective %v, want optimal 22", res.Status, res.Objective)
	}
	checkFeasible(t, p, res.X, 1e-9)
	if len(res.X) != p.NumCols {
		t.Errorf("%d columns in the solution, want %d", len(res.X), p.NumCols)
	}
	// From a start (a feasible choice of members), and with the integer column
	// Cbc needs besides the sets given by the caller.
	q := sosProblem()
	q.Integer = []bool{false, false, false, true, false}
	if r, err := SolveMIP(context.Background(), q, Settings{Start: []float64{2, 0, 0, 6, 0}}); err != nil || r.Status != Optimal || !near(r.Objective, 22, 1e-9) {
		t.Errorf("integer y1, with a start: %+v %v; want optimal 22", r, err)
	}
	for _, s := range p.SOS {
		nonzero := 0
		for _, j := range s.Index {
			if math.Abs(res.X[j]) > 1e-9 {
				nonzero++
			}
		}
		if nonzero > 1 {
			t.Errorf("set %s: %d nonzero members in %v", s.Name, nonzero, res.X)
		}
	}
}

func TestSOSRefused(t *testing.T) {
	requireLib(t, LoadClp)
	if _, err := SolveLP(context.Background(), sosProblem(), Settings{}); err == nil || !strings.Contains(err.Error(), `SOS "x"`) {
		t.Errorf("SolveLP with sets: %v; want a refusal naming set x", err)
	}
	for _, tc := range []struct {
		sos  SOS
		want string
	}{
		{SOS{Name: "t", Type: 3, Index: []int{0}}, "type 3"},
		{SOS{Name: "e", Type: 1}, "no columns"},
		{SOS{Name: "r", Type: 1, Index: []int{0, 5}}, "column 5 out of range"},
		{SOS{Name: "d", Type: 1, Index: []int{1, 1}}, "column 1 appears twice"},
		{SOS{Name: "w", Type: 1, Index: []int{0, 1}, Weight: []float64{1}}, "1 weights for 2 columns"},
		{SOS{Name: "s", Type: 2, Index: []int{0, 1}, Weight: []float64{1, 1}}, "want finite weights that differ"},
	} {
		p := sosProblem()
		p.SOS = []SOS{tc.sos}
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.sos.Name) {
			t.Errorf("%+v: %v; want an error with %q", tc.sos, err, tc.want)
		}
	}
}
