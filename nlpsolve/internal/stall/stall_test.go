package stall

import "testing"

// TestGuard: a run of iterations that lower neither the objective nor RGmax
// counts up; any improvement of either starts the count again; with Rounding a
// decrease within 16 ulps of the objective is no improvement.
func TestGuard(t *testing.T) {
	const window = 5
	type it struct{ f, rg float64 }
	flat := make([]it, window)
	for i := range flat {
		flat[i] = it{10, 1}
	}
	cases := []struct {
		name     string
		rounding bool
		iters    []it
		want     int // the iteration (from 1) whose count reaches window, 0 for none
	}{
		{"nothing improves", false, flat, window},
		{"the objective improves", false, append([]it{{9, 1}}, flat[1:]...), 0},
		{"RGmax improves late", false, append(append([]it{}, flat[:window-1]...), it{10, 0.5}), 0},
		{"a worse point is no progress", false, append([]it{{11, 2}}, flat[1:]...), window},
		{"a decrease in rounding counts without Rounding", false, append([]it{{10 - 1e-14, 1}}, flat[1:]...), 0},
		{"but not with it", true, append([]it{{10 - 1e-14, 1}}, flat[1:]...), window},
		{"a real decrease counts with Rounding", true, append([]it{{10 - 1e-9, 1}}, flat[1:]...), 0},
	}
	for _, tc := range cases {
		g := Guard{Rounding: tc.rounding}
		g.Record(10, 1)
		got := 0
		for i, x := range tc.iters {
			if g.Record(x.f, x.rg) >= window && got == 0 {
				got = i + 1
			}
		}
		if got != tc.want {
			t.Errorf("%s: stalled at iteration %d, want %d", tc.name, got, tc.want)
		}
	}
}
