package nlpsolve

import "testing"

// TestRowColouring checks the row groups of a small pattern: every row with
// entries in exactly one group, no two rows of a group sharing a column, and nil
// where the groups would be no fewer than the limit.
func TestRowColouring(t *testing.T) {
	// Rows (entries as block, element): 0: (0,0) (0,1); 1: (0,1) (1,0);
	// 2: none; 3: (0,2) (1,0); 4: (0,0) (0,2).
	rows := [][][2]int32{{{0, 0}, {0, 1}}, {{0, 1}, {1, 0}}, nil, {{0, 2}, {1, 0}}, {{0, 0}, {0, 2}}}
	pt := &Pattern{RowStart: []int{0}}
	for r, ents := range rows {
		for _, e := range ents {
			pt.Row, pt.Var, pt.Elem = append(pt.Row, int32(r)), append(pt.Var, e[0]), append(pt.Elem, e[1])
		}
		pt.RowStart = append(pt.RowStart, len(pt.Var))
	}
	size := func(vb int) int { return 3 }
	groups := rowColouring(pt, 4, size)
	if groups == nil {
		t.Fatal("no row groups under a limit of 4")
	}
	seen := map[int32]bool{}
	for _, g := range groups {
		cols := map[[2]int32]bool{}
		for _, r := range g {
			if seen[r] {
				t.Errorf("row %d in two groups", r)
			}
			seen[r] = true
			for _, e := range rows[r] {
				if cols[e] {
					t.Errorf("group %v: two rows share column %v", g, e)
				}
				cols[e] = true
			}
		}
	}
	for r, ents := range rows {
		if seen[int32(r)] != (len(ents) > 0) {
			t.Errorf("row %d (%d entries): in a group %v", r, len(ents), seen[int32(r)])
		}
	}
	// Rows 0, 1, 3, 4 share columns in a cycle (0-1, 1-3, 3-4, 4-0): two groups,
	// {0, 3} and {1, 4}.
	if len(groups) != 2 {
		t.Errorf("%d groups %v, want 2", len(groups), groups)
	}
	if g := rowColouring(pt, 2, size); g != nil {
		t.Errorf("groups %v under a limit of 2, want none", g)
	}
}
