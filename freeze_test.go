package nnopt_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

// solveOrFail solves m and fails the test on an error.
func solveOrFail(t *testing.T, m *nnopt.Model, opt nnopt.Options) {
	t.Helper()
	if err := m.Solve(context.Background(), opt); err != nil {
		t.Fatalf("solve %s: %v", m.Name(), err)
	}
}

// transport is the reference's transportation model with a demand multiplier bmult.
type transport struct {
	c      *nnopt.Container
	m      *nnopt.Model
	x      *nnopt.Variable
	bmult  *nnopt.Parameter
	i, j   *nnopt.Set
	demand *nnopt.Equation
}

func newTransport(t *testing.T) *transport {
	t.Helper()
	c := nnopt.NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a := c.NewParameter("a", i)
	b := c.NewParameter("b", j)
	d := c.NewParameter("d", i, j)
	cost := c.NewParameter("c", i, j)
	must(t, a.SetValues([]float64{350, 600}))
	must(t, b.SetValues([]float64{325, 300, 275}))
	must(t, d.SetValues([]float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4}))
	for k, v := range d.Values {
		cost.Values[k] = 90 * v / 1000
	}
	x := c.NewVariable("x", nnopt.Positive, i, j)
	bmult := c.NewParameter("bmult")
	bmult.Values[0] = 1
	supply := c.NewEquation("supply", i)
	demand := c.NewEquation("demand", j)
	must(t, supply.Define(nnopt.Le(nnopt.Sum(x, j), a)))
	must(t, demand.Define(nnopt.Ge(nnopt.Sum(x, i), nnopt.Mul(bmult, b))))
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: []*nnopt.Equation{supply, demand}, Problem: nnopt.LP, Sense: nnopt.Minimize,
		Objective: nnopt.Sum(nnopt.Mul(cost, x), i, j)})
	must(t, err)
	return &transport{c, m, x, bmult, i, j, demand}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// outcome is what the reference prints per scenario: the objective, or infeasible.
func outcome(m *nnopt.Model) string {
	if m.Status != nnopt.StatusOptimal {
		return "infeasible"
	}
	return fmt.Sprintf("%.6f", m.ObjectiveValue)
}

// The reference's demand-multiplier loop: frozen solves for bmult = 0.6 ... 1.3 give
// the unfrozen solves' objectives, and bmult_var's marginal is d(cost)/d(bmult).
func TestFrozenTransportDemandMultiplier(t *testing.T) {
	mults := []float64{0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3}
	ref := newTransport(t)
	var want []string
	for _, b := range mults {
		ref.bmult.Values[0] = b
		solveOrFail(t, ref.m, nnopt.Options{})
		want = append(want, outcome(ref.m))
	}
	fz := newTransport(t)
	must(t, fz.m.Freeze(fz.bmult))
	bv, _ := fz.c.Lookup("bmult_var").(*nnopt.Variable)
	if bv == nil {
		t.Fatal("Freeze did not add bmult_var to the container")
	}
	for k, b := range mults {
		fz.bmult.Values[0] = b
		solveOrFail(t, fz.m, nnopt.Options{})
		if got := outcome(fz.m); got != want[k] {
			t.Errorf("bmult %.1f: frozen %s, unfrozen %s", b, got, want[k])
		}
		if bv.L[0] != b {
			t.Errorf("bmult %.1f: bmult_var level %g", b, bv.L[0])
		}
		if want[k] != "infeasible" {
			// cost(b) is piecewise linear in b: a central difference of the unfrozen
			// objectives at b ± 1e-4 is its slope unless b sits on a kink.
			var f [2]float64
			for s, db := range []float64{-1e-4, 1e-4} {
				ref.bmult.Values[0] = b + db
				solveOrFail(t, ref.m, nnopt.Options{})
				f[s] = ref.m.ObjectiveValue
			}
			if slope := (f[1] - f[0]) / 2e-4; math.Abs(slope-bv.M[0]) > 1e-4*math.Max(1, math.Abs(slope)) {
				t.Errorf("bmult %.1f: bmult_var marginal %g, slope of the objective %g", b, bv.M[0], slope)
			}
		}
	}
	fz.m.Unfreeze()
	if fz.c.Lookup("bmult_var") != nil {
		t.Error("Unfreeze left bmult_var in the container")
	}
}

// The reference's route-closing loop: x.up of one route at a time set to Eps() (an
// explicit zero), solved, and restored to +Inf, which base_case takes back to the
// bound at Freeze.
func TestFrozenTransportCloseRoutes(t *testing.T) {
	ref := newTransport(t)
	fz := newTransport(t)
	must(t, fz.m.Freeze(fz.x.UpAttr()))
	for r := range ref.x.Up {
		ref.x.SetBounds(0, math.Inf(1))
		ref.x.Up[r] = 0
		solveOrFail(t, ref.m, nnopt.Options{})
		fz.x.Up[r] = nnopt.Eps()
		solveOrFail(t, fz.m, nnopt.Options{})
		fz.x.Up[r] = math.Inf(1)
		if got, want := outcome(fz.m), outcome(ref.m); got != want {
			t.Errorf("route %d closed: frozen %s, unfrozen %s", r, got, want)
		}
		if fz.x.L[r] != 0 {
			t.Errorf("route %d closed: frozen x level %g", r, fz.x.L[r])
		}
	}
}

// standardLP is the reference's no_match_limit model: e[ii] = Σ_jj a·x ≥ b over the
// active subsets ii (5 of 10) and jj (10 of 20), b modifiable.
func standardLP(t *testing.T) (*nnopt.Container, *nnopt.Model, *nnopt.Parameter) {
	t.Helper()
	c := nnopt.NewContainer()
	labels := func(n int) []string {
		l := make([]string, n)
		for k := range l {
			l[k] = fmt.Sprint(k)
		}
		return l
	}
	i, j := c.NewSet("i", labels(10)...), c.NewSet("j", labels(20)...)
	a, b, cost := c.NewParameter("a", i, j), c.NewParameter("b", i), c.NewParameter("c", j)
	x := c.NewVariable("x", nnopt.Positive, j)
	ii, jj := c.NewSubset("ii", i), c.NewSubset("jj", j)
	for k := 0; k < 5; k++ {
		must(t, ii.SetMembers(append(ii.Members(), []int{k})...))
	}
	for k := 0; k < 10; k++ {
		must(t, jj.SetMembers(append(jj.Members(), []int{k})...))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for r := 0; r < 5; r++ {
		for s := 0; s < 10; s++ {
			a.Values[r*20+s] = rng.Float64()
		}
		b.Values[r] = 1 + 9*rng.Float64()
	}
	for s := 0; s < 10; s++ {
		cost.Values[s] = 1 + 9*rng.Float64()
	}
	e := c.NewEquation("e", i)
	must(t, e.Define(nnopt.Ge(nnopt.SumIn(jj, nnopt.Mul(a, x)), b)))
	must(t, e.Where(ii))
	m, err := c.NewModel("mymodel", nnopt.ModelSpec{Equations: []*nnopt.Equation{e}, Problem: nnopt.LP, Sense: nnopt.Minimize,
		Objective: nnopt.SumIn(jj, nnopt.Mul(cost, x))})
	must(t, err)
	return c, m, b
}

func TestFrozenNoMatchLimit(t *testing.T) {
	_, m, b := standardLP(t)
	must(t, m.Freeze(b))
	for k := range b.Values { // b[i] = uniform(1, 10) over all of i, not just ii
		b.Values[k] = 1 + float64(k)/2
	}
	err := m.Solve(context.Background(), nnopt.Options{})
	if !errors.Is(err, nnopt.ErrUnmatchedRecords) {
		t.Fatalf("records of b outside ii: got %v, want ErrUnmatchedRecords", err)
	}
	for _, s := range []string{"modifiable b", "5 record", "b('5')", "NoMatchLimit"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	for _, limit := range []int{5, 6, 100} {
		err = m.Solve(context.Background(), nnopt.Options{Freeze: nnopt.FreezeOptions{NoMatchLimit: limit}})
		if err != nil {
			t.Errorf("NoMatchLimit %d: %v", limit, err)
		}
	}
	err = m.Solve(context.Background(), nnopt.Options{Freeze: nnopt.FreezeOptions{NoMatchLimit: 4}})
	if !errors.Is(err, nnopt.ErrUnmatchedRecords) {
		t.Errorf("NoMatchLimit 4: got %v, want ErrUnmatchedRecords", err)
	}
}

// The reference's update-type walk-through: freeze with b = [1,2,3,4,5] on ii, clear
// b and set records, solve with an update type, read what the instance holds.
func TestFrozenUpdateTypes(t *testing.T) {
	type step struct {
		set  map[int]float64 // b[ii] = 0, then these records
		eps  bool            // b[ii] = Eps() instead of 0
		upd  nnopt.UpdateType
		want []float64
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"zero then accumulate", []step{
			{map[int]float64{4: 100}, false, nnopt.UpdateZero, []float64{0, 0, 0, 0, 100}},
			{map[int]float64{0: 200}, false, nnopt.UpdateAccumulate, []float64{200, 0, 0, 0, 100}},
		}},
		{"zero then zero", []step{
			{map[int]float64{4: 100}, false, nnopt.UpdateZero, []float64{0, 0, 0, 0, 100}},
			{map[int]float64{0: 200}, false, nnopt.UpdateZero, []float64{200, 0, 0, 0, 0}},
		}},
		{"zero then base_case", []step{
			{map[int]float64{4: 100}, false, nnopt.UpdateZero, []float64{0, 0, 0, 0, 100}},
			{map[int]float64{0: 200}, false, nnopt.UpdateBaseCase, []float64{200, 2, 3, 4, 5}},
		}},
		{"base_case", []step{
			{map[int]float64{4: 100}, false, nnopt.UpdateBaseCase, []float64{1, 2, 3, 4, 100}},
		}},
		{"accumulate", []step{
			{map[int]float64{4: 100}, false, nnopt.UpdateAccumulate, []float64{1, 2, 3, 4, 100}},
		}},
		{"eps with base_case", []step{
			{map[int]float64{4: 100}, true, nnopt.UpdateBaseCase, []float64{0, 0, 0, 0, 100}},
		}},
		{"eps with accumulate", []step{
			{map[int]float64{4: 100}, true, nnopt.UpdateAccumulate, []float64{0, 0, 0, 0, 100}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, m, b := standardLP(t)
			for k := 0; k < 5; k++ {
				b.Values[k] = float64(k + 1)
			}
			must(t, m.Freeze(b))
			bv := c.Lookup("b_var").(*nnopt.Variable)
			solveOrFail(t, m, nnopt.Options{})
			for n, s := range tc.steps {
				for k := 0; k < 5; k++ {
					b.Values[k] = 0
					if s.eps {
						b.Values[k] = nnopt.Eps()
					}
				}
				for k, v := range s.set {
					b.Values[k] = v
				}
				solveOrFail(t, m, nnopt.Options{Freeze: nnopt.FreezeOptions{UpdateType: s.upd}})
				for k, w := range s.want {
					if bv.L[k] != w || math.Signbit(bv.L[k]) {
						t.Errorf("step %d (%s): instance b = %v, want %v", n, s.upd, bv.L[:5], s.want)
						break
					}
				}
			}
		})
	}
}

func TestParseUpdateType(t *testing.T) {
	for _, u := range []nnopt.UpdateType{nnopt.UpdateBaseCase, nnopt.UpdateZero, nnopt.UpdateAccumulate} {
		got, err := nnopt.ParseUpdateType(u.String())
		if err != nil || got != u {
			t.Errorf("ParseUpdateType(%q) = %v, %v", u.String(), got, err)
		}
	}
	if _, err := nnopt.ParseUpdateType("sometimes"); err == nil || !strings.Contains(err.Error(), "sometimes") {
		t.Errorf("ParseUpdateType(sometimes): %v", err)
	}
}
