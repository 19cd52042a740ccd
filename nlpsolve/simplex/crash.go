package simplex

import (
	"cmp"
	"math"
	"slices"
)

// crash replaces logicals of the slack basis by structural columns, keeping the
// basis triangular (Bixby's crash, "Implementing the simplex method: the initial
// basis", 1992, in outline): the columns are taken in order of preference (free,
// then bounded on one side, then boxed; sparser first within each class), and a
// column enters in place of the logical of a row that no column taken so far has
// an entry in, where its entry is within crashPivot of its largest (a stable
// pivot). Only the logicals of equality rows are replaced: they are fixed, and
// would have to leave the basis at some point anyway. It reports the number of
// columns put into the basis; the caller refactors.
func (s *solver) crash() int {
	n, m := s.n, s.m
	touched := make([]bool, m)
	eligible := make([]bool, m)
	any := false
	for i := 0; i < m; i++ {
		k := n + i
		eligible[i] = s.lo[k] == s.up[k] && s.st[k] == isBasic
		any = any || eligible[i]
	}
	if !any {
		return 0
	}
	class := func(j int) int {
		lo, up := math.IsInf(s.lo[j], -1), math.IsInf(s.up[j], 1)
		switch {
		case lo && up:
			return 0
		case lo || up:
			return 1
		}
		return 2
	}
	var cols []int
	for j := 0; j < n; j++ {
		if s.lo[j] != s.up[j] && s.st[j] != isBasic && s.colPtr[j+1] > s.colPtr[j] {
			cols = append(cols, j)
		}
	}
	slices.SortStableFunc(cols, func(a, b int) int {
		if c := cmp.Compare(class(a), class(b)); c != 0 {
			return c
		}
		return cmp.Compare(s.colPtr[a+1]-s.colPtr[a], s.colPtr[b+1]-s.colPtr[b])
	})
	added := 0
	for _, j := range cols {
		rows, vals := s.column(j)
		big := 0.0
		for _, v := range vals {
			big = math.Max(big, math.Abs(v))
		}
		r, piv := -1, 0.0
		for t, i := range rows {
			if touched[i] {
				// A row an earlier column has an entry in: taking j would break
				// the triangular form only if j pivoted there; it may still
				// pivot elsewhere.
				continue
			}
			if a := math.Abs(vals[t]); eligible[i] && a >= crashPivot*big && a > piv {
				r, piv = i, a
			}
		}
		if r < 0 {
			continue
		}
		for _, i := range rows {
			touched[i] = true
		}
		p := s.pos[n+r]
		s.pos[n+r] = -1
		s.setNonbasic(n+r, true)
		s.head[p], s.pos[j], s.st[j] = j, p, isBasic
		eligible[r] = false
		added++
	}
	return added
}

// crashPivot is the smallest entry, relative to the column's largest, that the
// crash takes as a pivot.
const crashPivot = 0.5

// dualCrash tries the crash basis for the dual method when the slack basis is
// dual feasible (otherwise the dual method does not run): the crash basis is
// kept if it is dual feasible too (after the flips dualStart makes), as it is
// when the columns it takes in have zero costs or costs that the rows' duals
// balance (tuff: 145 iterations from it, 259 from the slack basis), and the
// slack basis is restored otherwise. It reports whether the crash basis was kept.
func (s *solver) dualCrash() bool {
	if !s.dualStart() {
		return false
	}
	head := append([]int(nil), s.head...)
	pos := append([]int(nil), s.pos...)
	st := append([]int8(nil), s.st...)
	x := append([]float64(nil), s.x...)
	k := s.crash()
	if k == 0 {
		return false
	}
	if s.refactor() && s.dualStart() {
		s.logf("Crash basis: %d structural columns (dual feasible)\n", k)
		return true
	}
	copy(s.head, head)
	copy(s.pos, pos)
	copy(s.st, st)
	copy(s.x, x)
	s.refactor()
	return false
}
