package nnopt_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/testmodels"
)

// TestGeneralCoupledRows is issue 21's bar: a network (weights as parameters) with
// 1,200 rows that read its outputs solves, by tangent sweeps over its 10 input
// columns, to the point scipy's SLSQP finds from the same data
// (bench/peers/coupled_mlp.py 1200), where caps 190 and 971 bind with multipliers
// 0.757 and 0.133 (KKT residual 1e-10).
func TestGeneralCoupledRows(t *testing.T) {
	const obj = 10.002046328519953
	xRef := []float64{0.45348785990347507, -0.43103700963846947, -0.7222579383322856, -0.47943539574113053, -0.16008228293821092,
		-0.14497855616624972, -0.3845836969095498, -0.46520346992487294, -0.03135075897468021, 0.8067323575041639}
	m, x, lim, err := testmodels.CoupledMLP(1200)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := m.Solve(context.Background(), nnopt.Options{Output: &log}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusLocallyOptimal || math.Abs(m.ObjectiveValue-obj) > 1e-8*obj || m.MaxInfeasibility > 1e-9 {
		t.Fatalf("%v, objective %.12g, infeasibility %g; want locally optimal at %.12g, feasible", m.Status, m.ObjectiveValue, m.MaxInfeasibility, obj)
	}
	for q, v := range x.L {
		if math.Abs(v-xRef[q]) > 1e-6 {
			t.Errorf("x(i%d) = %.9g, scipy %.9g", q+1, v, xRef[q])
		}
		if math.Abs(x.M[q]) > 1e-6 {
			t.Errorf("x(i%d)'s reduced cost %g: want 0 inside its bounds", q+1, x.M[q])
		}
	}
	binding := map[int]float64{}
	for k, y := range lim.M {
		if math.Abs(y) > 1e-6 {
			binding[k] = y
		}
	}
	// A cap's marginal is ∂objective/∂cap: minus scipy's multiplier.
	if len(binding) != 2 || math.Abs(binding[189]+0.7571060247224239) > 1e-5 || math.Abs(binding[970]+0.13312202352080074) > 1e-5 {
		t.Errorf("binding caps %v; want lim(k190) -0.75711 and lim(k971) -0.13312", binding)
	}
	if s := "1200 rows through the triangular part: 1200 by tangent sweeps over 10 column groups"; !strings.Contains(log.String(), s) {
		t.Errorf("the log lacks %q:\n%s", s, log.String())
	}
}

// TestGeneralCoupledLagRows: with 1,500 caps and 1,499 rows that read the outputs
// through a lag under a condition (some of them binding), the solve by tangent sweeps
// through the network reaches the point of the solve that keeps every equation as
// rows (EliminateNone: no row reads an eliminated variable, each Jacobian comes from
// its own block).
func TestGeneralCoupledLagRows(t *testing.T) {
	var obj [2]float64
	var xs [2][]float64
	for k, elim := range []nnopt.Elimination{nnopt.DefaultElimination, nnopt.EliminateNone} {
		m, x, step, err := testmodels.CoupledMLPLag(1500)
		if err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		if err := m.Solve(context.Background(), nnopt.Options{Output: &log, Elimination: elim}); err != nil {
			t.Fatal(err)
		}
		if m.Status != nnopt.StatusLocallyOptimal || m.MaxInfeasibility > 1e-9 {
			t.Fatalf("elimination %v: %v, infeasibility %g; want locally optimal, feasible\n%s", elim, m.Status, m.MaxInfeasibility, log.String())
		}
		obj[k], xs[k] = m.ObjectiveValue, append([]float64(nil), x.L...)
		binding := 0
		for _, y := range step.M {
			if math.Abs(y) > 1e-9 {
				binding++
			}
		}
		if binding == 0 {
			t.Errorf("elimination %v: no step row binds; the test wants the lagged rows to matter", elim)
		}
		if s := "2999 rows through the triangular part: 2999 by tangent sweeps over 10 column groups"; k == 0 && !strings.Contains(log.String(), s) {
			t.Errorf("the log lacks %q:\n%s", s, log.String())
		}
	}
	if math.Abs(obj[0]-obj[1]) > 1e-8*obj[1] {
		t.Errorf("objective %.12g with the network eliminated, %.12g without", obj[0], obj[1])
	}
	for q := range xs[0] {
		if math.Abs(xs[0][q]-xs[1][q]) > 1e-6 {
			t.Errorf("x(i%d) = %.9g with the network eliminated, %.9g without", q+1, xs[0][q], xs[1][q])
		}
	}
}
