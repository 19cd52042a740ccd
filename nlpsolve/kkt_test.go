package nlpsolve

import (
	"strings"
	"testing"
)

// TestCheckKKT checks the optimality check on min x + y (max -x - y) subject to x + y ≥ 1,
// 0 ≤ x, y ≤ 10 at points and multipliers that are and are not a KKT pair.
func TestCheckKKT(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y float64
		dual float64 // of the row x + y ≥ 1, minimising sense
		want string  // part of the violation's description; "" when the pair passes
		max  bool    // maximise -x - y instead
		a    float64 // the row is a·(x + y - 1) ≥ 0; 0 means 1
		b    float64 // when not zero, the row is a·(x + y) ≥ b instead
		c    float64 // the objective's coefficients (of x and y); 0 means 1
		fs   float64 // the objective scale the method worked with; 0 means 1
	}{
		{"optimal", 0.5, 0.5, 1, "", false, 0, 0, 0, 0},
		{"optimal at a bound", 0, 1, 1, "", false, 0, 0, 0, 0},
		{"no multiplier", 0.5, 0.5, 0, "reduced cost 1 of x", false, 0, 0, 0, 0},
		{"wrong sign", 0.5, 0.5, -1, "reduced cost 2 of x", false, 0, 0, 0, 0},
		{"inactive row with a multiplier", 2, 2, 1, "multiplier 1 of c", false, 0, 0, 0, 0},
		{"interior column with a reduced cost", 0, 1, 0.5, "reduced cost 0.5 of y", false, 0, 0, 0, 0},
		{"maximising, optimal", 0.5, 0.5, 1, "", true, 0, 0, 0, 0},
		{"maximising, no multiplier", 0.5, 0.5, 0, "reduced cost 1 of x", true, 0, 0, 0, 0},
		// A row active only to within 1e-6 in its own units, 1e-4 off in x and y,
		// carrying a multiplier of 1000: |y·r| = 1e-4.
		{"huge multiplier on a nearly active row", 0.5, 0.5001, 1000, "multiplier 1000 of c", false, 1e-3, 0, 0, 0},
		// x + y ≥ -8e5 at x = y = 0: far from active, with a multiplier that is zero
		// to round-off; its product with the residual (0.056) is no violation (HS109).
		{"round-off multiplier on a far inactive row", 0, 0, 7e-8, "", false, 1, -8e5, 0, 0},
		// The row times 1e7, 3e7 from its bound at x = y = 2: a multiplier of
		// 1e-7 is small, but it carries the whole gradient of x and y (HS84
		// with its rows times 1e6).
		{"small multiplier on a far inactive row of big coefficients", 2, 2, 1e-7, "multiplier 1e-07 of c", false, 1e7, 1e7, 0, 0},
		// min -x - y on the active row times 1e7 with a multiplier of the wrong
		// sign, -1e-7: stationary, but the interior is downhill (HS118 with its
		// rows times 1e6).
		{"small multiplier of the wrong sign on a row of big coefficients", 0.5, 0.5, -1e-7, "multiplier -1e-07 of c", false, 1e7, 0, -1, 0},
		// The row times 1e-5 with a multiplier of 99940: a reduced cost of 6e-4
		// is left on x and y against a gradient of 1. Measured against |y| the
		// tolerance was 0.1 and it passed (HS89 with its row times 1e-3).
		{"big multiplier on a row of small coefficients", 0.5, 0.5, 99940, "reduced cost 0.000599", false, 1e-5, 0, 0, 0},
		{"big multiplier on a row of small coefficients, stationary", 0.5, 0.5, 1e5, "", false, 1e-5, 0, 0, 0},
		// min 1e-6·(x + y) with a reduced cost of 1e-9: stationary to 1e-3 of
		// the gradient. In the stated units the floor of 1 lets it pass; the
		// method worked on the objective times 2^20, where it is 1e-3 (HS89
		// with its objective times 1e-6).
		{"tiny objective, its reduced cost in the stated units", 0.5, 0.5, 0.999e-6, "", false, 0, 0, 1e-6, 0},
		{"tiny objective, its reduced cost in the method's units", 0.5, 0.5, 0.999e-6, "reduced cost 9.9999", false, 0, 0, 1e-6, 0x1p20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestModel()
			x := m.variable("x", 0, 10, tc.x)
			y := m.variable("y", 0, 10, tc.y)
			a := tc.a
			if a == 0 {
				a = 1
			}
			b := a
			if tc.b != 0 {
				b = tc.b
			}
			m.equation("c", GreaterEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{a, a}}, b: []float64{b}})
			c := tc.c
			if c == 0 {
				c = 1
			}
			if tc.max {
				m.objective("f", true, []float64{-c, -c}, []int{x, y})
			} else {
				m.objective("f", false, []float64{c, c}, []int{x, y})
			}
			g, err := newGeneral(&m.p, m.pat, m.start(), map[int]bool{})
			if err != nil {
				t.Fatal(err)
			}
			xc := make([]float64, len(g.colVB))
			for j := range xc {
				xc[j] = m.x0[g.colVB[j]][g.colEl[j]]
			}
			if _, err := g.eval(xc, make([]float64, g.m), make([]float64, len(xc)), nil); err != nil {
				t.Fatal(err)
			}
			duals := []float64{tc.dual}
			_, vm := g.marginals(duals, 1)
			fs := tc.fs
			if fs == 0 {
				fs = 1
			}
			v := g.checkKKT(duals, vm, nil, fs, 0, 1)
			switch {
			case tc.want == "" && v != nil:
				t.Errorf("a KKT pair fails the check: %s (%g > %g)", v.where, v.value, v.tol)
			case tc.want != "" && v == nil:
				t.Errorf("passes the check, want a violation %q", tc.want)
			case tc.want != "" && !strings.Contains(v.where, tc.want):
				t.Errorf("violation %q, want one containing %q", v.where, tc.want)
			}
		})
	}
}
