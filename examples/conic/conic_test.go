package main

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

func Example() {
	k, err := build(newData(10, 1))
	if err != nil {
		panic(err)
	}
	for _, m := range []*nnopt.Model{k.Orig, k.CQCP, k.CPerfect} {
		if err := k.solve(m, nil); err != nil {
			panic(err)
		}
		fmt.Printf("%-8s %s: %s, objective %.6f\n", m.Name(), m.UsedModelType, m.Status, m.ObjectiveValue)
	}
	// Output:
	// orig     NLP: Locally Optimal, objective 7.592467
	// cqcp     QCP: Locally Optimal, objective 7.592467
	// cperfect QCP: Locally Optimal, objective 7.592467
}

// closedForm solves min Σ d/x s.t. a·x ≤ b, l ≤ x ≤ u from its KKT conditions,
// independently of the solver: x_i(λ) = clamp(√(d_i/(λ a_i)), l_i, u_i) with λ ≥ 0
// found by bisection so that a·x(λ) = b (λ = 0 if x = u already fits).
func closedForm(dt data) (x []float64, lambda, obj float64) {
	at := func(lam float64) ([]float64, float64) {
		x := make([]float64, len(dt.d))
		s := 0.0
		for i := range x {
			v := dt.u[i]
			if lam > 0 {
				v = math.Sqrt(dt.d[i] / (lam * dt.a[i]))
			}
			x[i] = math.Max(dt.l[i], math.Min(dt.u[i], v))
			s += dt.a[i] * x[i]
		}
		return x, s
	}
	if _, s := at(0); s <= dt.b {
		lambda = 0
	} else {
		lo, hi := 0.0, 1.0
		for _, s := at(hi); s > dt.b; _, s = at(hi) {
			hi *= 2
		}
		for it := 0; it < 200; it++ {
			mid := (lo + hi) / 2
			if _, s := at(mid); s > dt.b {
				lo = mid
			} else {
				hi = mid
			}
		}
		lambda = hi
	}
	x, _ = at(lambda)
	for i := range x {
		obj += dt.d[i] / x[i]
	}
	return x, lambda, obj
}

// TestFormulationsAgree solves the three formulations on several data sets and
// compares them with one another and with the closed-form solution: objective, x
// and the budget's marginal (-λ).
func TestFormulationsAgree(t *testing.T) {
	for _, tc := range []struct {
		n    int
		seed uint64
	}{{10, 1}, {10, 2}, {25, 3}, {3, 4}} {
		t.Run(fmt.Sprintf("n=%d/seed=%d", tc.n, tc.seed), func(t *testing.T) {
			dt := newData(tc.n, tc.seed)
			k, err := build(dt)
			if err != nil {
				t.Fatal(err)
			}
			xs, lambda, want := closedForm(dt)
			for _, m := range []*nnopt.Model{k.Orig, k.CQCP, k.CPerfect} {
				if err := k.solve(m, nil); err != nil {
					t.Fatalf("%s: %v", m.Name(), err)
				}
				if m.Status != nnopt.StatusLocallyOptimal || m.SolveStatus != nnopt.SolveNormal {
					t.Fatalf("%s: %v, %v", m.Name(), m.Status, m.SolveStatus)
				}
				if math.Abs(m.ObjectiveValue-want) > 1e-6*want {
					t.Errorf("%s: objective %.12g, closed form %.12g", m.Name(), m.ObjectiveValue, want)
				}
				for i := range xs {
					if math.Abs(k.X.L[i]-xs[i]) > 1e-4*(1+xs[i]) {
						t.Errorf("%s: x[%d] = %.8g, closed form %.8g", m.Name(), i, k.X.L[i], xs[i])
					}
				}
				if math.Abs(k.E1.M[0]+lambda) > 1e-4*(1e-3+lambda) {
					t.Errorf("%s: e1 marginal %.8g, want -λ = %.8g", m.Name(), k.E1.M[0], -lambda)
				}
				if m.MaxInfeasibility > 1e-7 {
					t.Errorf("%s: infeasibility %g", m.Name(), m.MaxInfeasibility)
				}
			}
			// The conic rows hold, and z is √2 from the eliminated definition.
			for i := range xs {
				if 2*k.X.L[i]*k.T.L[i] < k.Z.L[i]*k.Z.L[i]-1e-7 || math.Abs(k.Z.L[i]-math.Sqrt2) > 1e-12 {
					t.Errorf("cperfect row %d: 2·x·t = %g, z = %g", i, 2*k.X.L[i]*k.T.L[i], k.Z.L[i])
				}
			}
		})
	}
}

// TestScalingKeepsTheOptimum solves the three formulations again with variable and
// equation scales on the rows and columns the general method moves (x by 4, t by
// 0.25, the budget row by its right-hand side, the cone rows by 8 and 0.5) and
// compares them with the unscaled solves: the same objective, levels and budget
// marginal, all reported unscaled. In cperfect z is eliminated by its defining
// equation, whose scale then changes nothing.
func TestScalingKeepsTheOptimum(t *testing.T) {
	dt := newData(10, 1)
	plain, err := build(dt)
	if err != nil {
		t.Fatal(err)
	}
	scaled, err := build(dt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range scaled.X.Scale {
		scaled.X.Scale[i], scaled.T.Scale[i], scaled.Z.Scale[i] = 4, 0.25, 3
	}
	scaled.E1.Scale[0] = dt.b
	for i := range scaled.Cone.Scale {
		scaled.Cone.Scale[i], scaled.ConePerf.Scale[i], scaled.E2.Scale[i] = 8, 0.5, 100
	}
	models := func(k *conic) []*nnopt.Model { return []*nnopt.Model{k.Orig, k.CQCP, k.CPerfect} }
	for i, m := range models(scaled) {
		pm := models(plain)[i]
		if err := plain.solve(pm, nil); err != nil {
			t.Fatal(err)
		}
		wantObj, wantX, wantM := pm.ObjectiveValue, append([]float64(nil), plain.X.L...), plain.E1.M[0]
		var log strings.Builder
		if err := scaled.solve(m, &log); err != nil {
			t.Fatalf("%s: %v", m.Name(), err)
		}
		if m.Status != nnopt.StatusLocallyOptimal || math.Abs(m.ObjectiveValue-wantObj) > 1e-8*wantObj {
			t.Errorf("%s scaled: %v, objective %.12g, unscaled %.12g", m.Name(), m.Status, m.ObjectiveValue, wantObj)
		}
		for j := range wantX {
			if math.Abs(scaled.X.L[j]-wantX[j]) > 1e-5*(1+wantX[j]) {
				t.Errorf("%s scaled: x[%d] = %.10g, unscaled %.10g", m.Name(), j, scaled.X.L[j], wantX[j])
			}
		}
		if math.Abs(scaled.E1.M[0]-wantM) > 1e-5*math.Abs(wantM) {
			t.Errorf("%s scaled: e1 marginal %.10g, unscaled %.10g", m.Name(), scaled.E1.M[0], wantM)
		}
		if m.MaxInfeasibility > 1e-7 {
			t.Errorf("%s scaled: infeasibility %g", m.Name(), m.MaxInfeasibility)
		}
		// The log gives the coefficient ranges; the models have 11 to 21 rows and
		// 10 to 20 columns, small enough for the listing of the scaled rows.
		if !strings.Contains(log.String(), "Jacobian after scaling:") {
			t.Errorf("%s scaled: log has no scaled coefficient range:\n%s", m.Name(), log.String())
		}
		if m == scaled.CQCP && !strings.Contains(log.String(), "coneqcp(i1): ") {
			t.Errorf("%s scaled: log does not list the scaled cone rows:\n%s", m.Name(), log.String())
		}
	}
}
