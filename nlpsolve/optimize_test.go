package nlpsolve

import (
	"bytes"
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// boxed: max 2x over x ∈ [-3, 4], with obj = 2x its one defining equation. It is
// triangular: Solve's.
func boxed() *testModel {
	m := newTestModel()
	x := m.variable("x", -3, 4, 1)
	m.objective("obj", true, []float64{2}, []int{x})
	return m
}

// sweptOut: min -x over x ∈ [0, 10] with y = x ≤ 1, from x = 5. It is triangular,
// but the forward sweep puts y at 5, outside its bounds, so Solve refuses it with
// Status Infeasible; the general method keeps y's equation as a row and ends at
// x = y = 1.
func sweptOut() *testModel {
	m := newTestModel()
	x := m.variable("x", 0, 10, 5)
	y := m.variable("y", negInf, 1, 0)
	m.define("defy", y, []float64{1}, []int{x})
	m.objective("obj", false, []float64{-1}, []int{x})
	return m
}

// lpMinNaN is lpMin from a NaN start.
func lpMinNaN() *testModel {
	m := lpMin()
	m.x0[m.names["x"]][0] = math.NaN()
	return m
}

// TestOptimizeChooses checks that Optimize runs the method the problem needs, and
// gives exactly what that method gives when called directly.
func TestOptimizeChooses(t *testing.T) {
	solve := func(m *testModel, set Settings) (*Result, error) {
		return Solve(context.Background(), &m.p, m.start(), set)
	}
	general := func(m *testModel, set Settings) (*Result, error) {
		return SolveGeneral(context.Background(), &m.p, m.pat, m.start(), set)
	}
	auto := Settings{Scaling: ScaleAuto} // accepted by Solve, refused by SolveGeneral
	for _, tc := range []struct {
		name   string
		model  func() *testModel
		set    Settings
		direct func(*testModel, Settings) (*Result, error)
		want   Algorithm
		err    error
	}{
		{name: "triangular", model: boxed, direct: solve, want: TriangularAlgorithm},
		{name: "triangular with auto scaling", model: boxed, set: auto, direct: solve, want: TriangularAlgorithm},
		{name: "inequalities", model: lpMin, direct: general, want: GeneralAlgorithm},
		{name: "free defined variable and a row", model: eliminated, direct: general, want: GeneralAlgorithm},
		{name: "inequalities with auto scaling", model: lpMin, set: auto, direct: general, err: ErrUnsupportedSetting},
		// The general method's checks, not Solve's: its refusal of auto scaling
		// comes before the start is read.
		{name: "inequalities with auto scaling from NaN", model: lpMinNaN, set: auto, direct: general, err: ErrUnsupportedSetting},
		{name: "inequalities with newton-cg", model: lpMin, set: Settings{Method: NewtonCG}, direct: general, want: GeneralAlgorithm},
		{name: "defined variable swept out of bounds", model: sweptOut, direct: general, want: GeneralAlgorithm},
		{name: "swept out with auto scaling", model: sweptOut, set: auto, direct: general, err: ErrUnsupportedSetting},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model()
			res, err := Optimize(context.Background(), &m.p, m.pat, m.start(), tc.set)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || res != nil {
					t.Fatalf("got %v and %+v, want an error wrapping %v and no result", err, res, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Algorithm != tc.want {
				t.Errorf("ran the %v method, want the %v one", res.Algorithm, tc.want)
			}
			want, err := tc.direct(tc.model(), tc.set)
			if err != nil {
				t.Fatal(err)
			}
			if res.StartElapsed <= 0 || res.StartElapsed > res.Elapsed {
				t.Errorf("StartElapsed %v, want a part of Elapsed %v", res.StartElapsed, res.Elapsed)
			}
			// Bit for bit: the same method from the same start.
			res.Elapsed, want.Elapsed = 0, 0
			res.StartElapsed, want.StartElapsed = 0, 0
			if !reflect.DeepEqual(res, want) {
				t.Errorf("Optimize gave\n%+v\nthe method called directly\n%+v", res, want)
			}
		})
	}
}

// TestOptimizeFallsBack: a triangular problem whose forward sweep leaves a defined
// variable's bounds at the start goes to the general method, and the caller sees
// its optimum, not Solve's Infeasible.
func TestOptimizeFallsBack(t *testing.T) {
	m := sweptOut()
	if err := Triangular(&m.p); err != nil {
		t.Fatalf("the problem is not triangular: %v", err)
	}
	res, err := Solve(context.Background(), &m.p, m.start(), Settings{})
	if !errors.Is(err, ErrNotTriangular) || res == nil || res.Status != Infeasible || math.Abs(res.MaxInfeasibility-4) > 1e-12 {
		t.Fatalf("Solve: %v, %+v; want Status Infeasible by 4 and an error wrapping ErrNotTriangular", err, res)
	}
	var log bytes.Buffer
	res, err = Optimize(context.Background(), &m.p, m.pat, m.start(), Settings{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	x, y := res.X[m.names["x"]][0], res.X[m.names["y"]][0]
	if res.Algorithm != GeneralAlgorithm || res.Status != Optimal || math.Abs(res.Objective+1) > 1e-9 || math.Abs(x-1) > 1e-9 || math.Abs(y-1) > 1e-9 {
		t.Errorf("%v by the %v method at x = %g, y = %g, objective %g; want optimal by the general method at 1, 1, -1", res.Status, res.Algorithm, x, y, res.Objective)
	}
	// The log has the triangular attempt, then the general method's two: with y's
	// equation eliminated (its bound is hit at the start), and as a row of the
	// simplex method.
	for _, s := range []string{
		"The triangular part of the model has 2 constraints",
		"1 columns, 0 rows from 0 equations (0 rows through the triangular part: 0 by tangent sweeps over 0 column groups, 0 by adjoint sweeps), 2 equations eliminated",
		"Simplex method (the rows and the objective are linear): 2 columns, 1 rows from 1 equations, 1 equations eliminated",
	} {
		if !strings.Contains(log.String(), s) {
			t.Errorf("the log lacks %q:\n%s", s, log.String())
		}
	}
}

func TestAlgorithmString(t *testing.T) {
	for a, want := range map[Algorithm]string{NoAlgorithm: "none", TriangularAlgorithm: "triangular", GeneralAlgorithm: "general", 7: "Algorithm(7)"} {
		if got := a.String(); got != want {
			t.Errorf("Algorithm(%d).String() = %q, want %q", int(a), got, want)
		}
	}
}
