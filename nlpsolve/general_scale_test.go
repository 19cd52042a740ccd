package nlpsolve

import (
	"context"
	"math"
	"strings"
	"testing"
)

// badlyScaled: min f = 1e-16·x² + y² subject to x + 1e8·y ≥ 2e8, 0 ≤ x ≤ 1e9,
// 0 ≤ y ≤ 10, from x = 3e8, y = 1.5. In u = x/1e8 it is min u² + y² subject to
// u + y ≥ 2: the optimum is x = 1e8, y = 1, f = 2, with the row's marginal
// ∂f/∂rhs = 2e-8. At the start ∂f/∂x = 6e-8, below the default gradient tolerance
// 1e-7 in absolute terms, though a change of x by its own magnitude changes f by 18.
func badlyScaled() *testModel {
	m := newTestModel()
	x, y := m.variable("x", 0, 1e9, 3e8), m.variable("y", 0, 10, 1.5)
	m.equation("r", GreaterEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{1, 1e8}}, b: []float64{2e8}})
	f := m.variable("f", negInf, posInf, 0)
	m.equation("deff", Equal, &sqDef{cols: scalars(f, x, y), a: []float64{1e-16, 1}})
	e := &m.p.Equations[len(m.p.Equations)-1]
	e.Defines, e.Coef = f, 1
	m.p.Objective = f
	return m
}

// TestGeneralAutoScaling solves badlyScaled with the default Scaling, which scales
// x by 2^28 (the power of two at or below its start 3e8) and reaches the optimum,
// and checks that ScaleUser, or any user Scale, turns the automatic scaling off.
func TestGeneralAutoScaling(t *testing.T) {
	checkFakes(t, &badlyScaled().p)
	solve := func(m *testModel, set Settings) (*Result, string) {
		t.Helper()
		var log strings.Builder
		set.Log = &log
		res, err := SolveGeneral(context.Background(), &m.p, m.pat, m.start(), set)
		if err != nil {
			t.Fatal(err)
		}
		return res, log.String()
	}
	const line = "Automatic scaling: the solver works on x/scale for 1 of 2 columns"

	m := badlyScaled()
	x, y, r := m.names["x"], m.names["y"], m.names["r"]
	res, log := solve(m, Settings{})
	if !strings.Contains(log, line) || !strings.Contains(log, "scales 268435456 to 268435456") {
		t.Errorf("default scaling: the log lacks %q with the scale 2^28:\n%s", line, log)
	}
	close := func(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Abs(want) }
	if res.Status != Optimal || !close(res.Objective, 2, 1e-7) || !close(res.X[x][0], 1e8, 1e-4) || !close(res.X[y][0], 1, 1e-4) ||
		!close(res.EqMarginals[r][0], 2e-8, 1e-4) {
		t.Errorf("default scaling: %v, f = %.10g at x = %.8g, y = %.8g, marginal %.6g; want Optimal, f = 2 at x = 1e8, y = 1, marginal 2e-8\n%s",
			res.Status, res.Objective, res.X[x][0], res.X[y][0], res.EqMarginals[r][0], log)
	}

	t.Logf("default scaling: %v after %d iterations, f = %.10g", res.Status, res.Iterations, res.Objective)

	// Without the scaling the absolute test stops with x far from 1e8: the model
	// is one that needs it.
	res, log = solve(badlyScaled(), Settings{Scaling: ScaleUser})
	if strings.Contains(log, "Automatic scaling") {
		t.Errorf("scaling user: the log says it scaled automatically:\n%s", log)
	}
	t.Logf("scaling user: %v after %d iterations, f = %.10g at x = %.8g", res.Status, res.Iterations, res.Objective, res.X[x][0])
	if res.Objective < 3 {
		t.Errorf("scaling user: f = %.10g (%v), want the unscaled method's stop short of the optimum 2 (f > 3)", res.Objective, res.Status)
	}

	// A user Scale anywhere: those scales alone.
	m = badlyScaled()
	m.p.Vars[m.names["y"]].Scale = []float64{2}
	_, log = solve(m, Settings{})
	if strings.Contains(log, "Automatic scaling") || !strings.Contains(log, "User scaling") {
		t.Errorf("user Scale: want the user scaling alone in the log:\n%s", log)
	}
}

// TestAutoScales checks the automatic scales: the power of two at or below a start
// of magnitude AutoScaleMin or more, 1 below it; for a start outside the bounds
// (moved onto one) the smaller of its magnitude and the bound's; nil when every
// scale is 1.
func TestAutoScales(t *testing.T) {
	m := newTestModel()
	starts := []float64{12, -40, 9.99, 1e8, 5000, 0, 5000}
	want := []float64{8, 32, 1, 67108864, 64, 1, 1}
	for i, x := range starts {
		lo, up := -1e9, 1e9
		switch i {
		case 4:
			up = 100 // 5000 lies outside: moved onto 100, of magnitude 100
		case 5:
			lo = 196 // 0 lies outside: moved onto 196, the start states no magnitude
		case 6:
			up = 9 // moved onto 9, below AutoScaleMin
		}
		m.variable(string(rune('a'+i)), lo, up, x)
	}
	m.equation("r", GreaterEqual, &denseLinear{cols: scalars(0, 1, 2, 3, 4, 5, 6), a: [][]float64{{1, 1, 1, 1, 1, 1, 1}}, b: []float64{0}})
	x0 := m.start()
	g, err := newGeneral(&m.p, m.pat, x0, map[int]bool{})
	if err != nil {
		t.Fatal(err)
	}
	xc := make([]float64, len(g.colVB))
	for j := range xc {
		v := &m.p.Vars[g.colVB[j]]
		xc[j] = clamp(x0[g.colVB[j]][g.colEl[j]], v.Lo[g.colEl[j]], v.Up[g.colEl[j]])
	}
	cs := g.autoScales(x0, xc)
	if len(cs) != len(want) {
		t.Fatalf("autoScales: %v, want %v", cs, want)
	}
	for j, c := range cs {
		if vb := g.colVB[j]; c != want[vb] {
			t.Errorf("column %s (start %g): scale %g, want %g", m.p.Vars[vb].Name, starts[vb], c, want[vb])
		}
	}
	for j := range xc {
		xc[j] = 1
		x0[g.colVB[j]][g.colEl[j]] = 1
	}
	if cs := g.autoScales(x0, xc); cs != nil {
		t.Errorf("autoScales at a start of ones: %v, want nil", cs)
	}
}

// smallObjective: min f = 1e-8·(x² + y²) from x = 3, y = 0.5, subject to
// x + y ≥ 2 (withRow, the optimum x = y = 1, f = 2e-8) or to the bound x ≥ 1
// alone (the optimum x = 1, y = 0, f = 1e-8). At the start the largest
// derivative, 6e-8, is below the default gradient tolerance 1e-7: the start
// passes the absolute test though f is 4.6 (9) times its optimum.
func smallObjective(withRow bool) *testModel {
	m := newTestModel()
	lo := 1.0
	if withRow {
		lo = negInf
	}
	x, y := m.variable("x", lo, 10, 3), m.variable("y", negInf, posInf, 0.5)
	if withRow {
		m.equation("r", GreaterEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{1, 1}}, b: []float64{2}})
	}
	f := m.variable("f", negInf, posInf, 0)
	m.equation("deff", Equal, &sqDef{cols: scalars(f, x, y), a: []float64{1e-8, 1e-8}})
	e := &m.p.Equations[len(m.p.Equations)-1]
	e.Defines, e.Coef = f, 1
	m.p.Objective = f
	return m
}

// TestAutoObjectiveScale: both methods hold an objective whose value and
// derivatives at the start are small to the gradient tolerance as if multiplied
// up to derivatives of about 1, and reach the optimum; ScaleUser turns that off
// and the start passes for optimal.
func TestAutoObjectiveScale(t *testing.T) {
	checkFakes(t, &smallObjective(true).p)
	for _, tc := range []struct {
		name    string
		withRow bool
		solve   func(ctx context.Context, p *Problem, pat PatternFunc, x0 [][]float64, set Settings) (*Result, error)
		x, y, f float64
	}{
		{"general", true, SolveGeneral, 1, 1, 2e-8},
		{"triangular", false, func(ctx context.Context, p *Problem, _ PatternFunc, x0 [][]float64, set Settings) (*Result, error) {
			return Solve(ctx, p, x0, set)
		}, 1, 0, 1e-8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := smallObjective(tc.withRow)
			var log strings.Builder
			res, err := tc.solve(context.Background(), &m.p, m.pat, m.start(), Settings{Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			x, y := res.X[m.names["x"]][0], res.X[m.names["y"]][0]
			if res.Status != Optimal || math.Abs(res.Objective-tc.f) > 1e-6*tc.f || math.Abs(x-tc.x) > 1e-3 || math.Abs(y-tc.y) > 1e-3 {
				t.Errorf("%v, f = %.10g at x = %.6g, y = %.6g after %d iterations; want Optimal, f = %g at (%g, %g)\n%s",
					res.Status, res.Objective, x, y, res.Iterations, tc.f, tc.x, tc.y, log.String())
			}
			if !strings.Contains(log.String(), "Automatic scaling: the") || !strings.Contains(log.String(), "objective") {
				t.Errorf("the log does not say the objective is scaled:\n%s", log.String())
			}
			m = smallObjective(tc.withRow)
			res, err = tc.solve(context.Background(), &m.p, m.pat, m.start(), Settings{Scaling: ScaleUser})
			if err != nil {
				t.Fatal(err)
			}
			if res.Iterations != 0 || math.Abs(res.Objective-9.25e-8) > 1e-15 {
				t.Errorf("ScaleUser: f = %.10g after %d iterations; want the start, 9.25e-8, after 0 (the absolute test passes there)", res.Objective, res.Iterations)
			}
		})
	}
}

// TestObjectiveScaleInfeasibleStart: from a start that violates the rows, the
// objective's value there says nothing of its size once they hold (the nonlinear
// chain's states start at 0, f = 0.04, and are 30 once its steps are solved: the
// scale taken there cost it 62 -> 83 iterations), so no scale is taken from it;
// the rescale where the method stops still applies.
func TestObjectiveScaleInfeasibleStart(t *testing.T) {
	m := smallObjective(true)
	m.x0[m.names["x"]][0], m.x0[m.names["y"]][0] = 0.5, 0.5 // x + y = 1 < 2
	var log strings.Builder
	res, err := SolveGeneral(context.Background(), &m.p, m.pat, m.start(), Settings{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "at the start being small") {
		t.Errorf("an objective scale taken at a start that violates the rows:\n%s", log.String())
	}
	if res.Status != Optimal || math.Abs(res.Objective-2e-8) > 1e-6*2e-8 {
		t.Errorf("%v, f = %.10g; want Optimal at 2e-8\n%s", res.Status, res.Objective, log.String())
	}
}

func TestObjectiveScale(t *testing.T) {
	for _, tc := range []struct {
		f, big, xmax, want float64
	}{
		{1, 1, 1, 1},             // derivatives of about 1
		{1e-9, 0.05, 1, 32},      // 0.05·32 = 1.6
		{6e-8, 6e-8, 3, 1 << 24}, // smallObjective's start
		{32.8, 2e-8, 100, 1},     // HS25's plateau: the value is not small
		{0, 0, 1, 1},             // nothing to scale by
		{1e-300, 0, 1, MaxObjectiveScale},
		{math.NaN(), 1e-3, 1, 1}, // no scale from a value that is not one
	} {
		if got := objectiveScale(tc.f, tc.big, tc.xmax); got != tc.want {
			t.Errorf("objectiveScale(%g, %g, %g) = %g, want %g", tc.f, tc.big, tc.xmax, got, tc.want)
		}
	}
}
