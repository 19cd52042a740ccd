package nlpsolve

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestSettingsValidate(t *testing.T) {
	cases := []struct {
		set  Settings
		want string // in the error; "" for valid settings
	}{
		{Settings{}, ""},
		{Settings{IterationLimit: MaxIterationLimit, TimeLimit: MaxTimeLimit, GradientTolerance: 1e-300, Memory: MaxMemory, Method: NewtonCG, Scaling: ScaleUser}, ""},
		{Settings{IterationLimit: -1}, "iteration limit -1"},
		{Settings{TimeLimit: -time.Second}, "time limit -1s"},
		{Settings{TimeLimit: MaxTimeLimit + 1}, "time limit"},
		{Settings{GradientTolerance: math.NaN()}, "gradient tolerance NaN"},
		{Settings{GradientTolerance: math.Inf(1)}, "gradient tolerance +Inf"},
		{Settings{GradientTolerance: -1e-9}, "gradient tolerance -1e-09"},
		{Settings{Memory: 100000000}, "memory 100000000"},
		{Settings{Memory: -1}, "memory -1"},
		{Settings{Method: Method(9)}, "method 9"},
		{Settings{Scaling: Scaling(9)}, "scaling 9"},
		{Settings{FeasibilityTolerance: MaxFeasibilityTolerance, Phase1ObjectiveWeight: -1, Phase1PinHeldRows: true}, ""},
		{Settings{FeasibilityTolerance: -1e-9}, "feasibility tolerance -1e-09"},
		{Settings{FeasibilityTolerance: 2 * MaxFeasibilityTolerance}, "feasibility tolerance 0.2"},
		{Settings{FeasibilityTolerance: math.NaN()}, "feasibility tolerance NaN"},
		{Settings{Phase1ObjectiveWeight: math.NaN()}, "phase 1 objective weight NaN"},
		{Settings{Phase1ObjectiveWeight: math.Inf(-1)}, "phase 1 objective weight -Inf"},
	}
	for _, tc := range cases {
		err := tc.set.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc.set, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: error %v, want one with %q", tc.set, err, tc.want)
		}
	}
}

func TestSeconds(t *testing.T) {
	for _, s := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1, 2e9} {
		if d, err := Seconds(s); err == nil {
			t.Errorf("Seconds(%g) = %v, want an error", s, d)
		}
	}
	if d, err := Seconds(1.5); err != nil || d != 1500*time.Millisecond {
		t.Errorf("Seconds(1.5) = %v, %v", d, err)
	}
}

// squares is f = Σ y² for y block 1 and f block 2.
type squares struct{}

func (squares) Rows() int { return 1 }
func (squares) Eval(x [][]float64, r []float64) {
	r[0] = x[2][0]
	for _, y := range x[1] {
		r[0] -= y * y
	}
}
func (squares) JVP(v [][]float64, jv []float64) { panic("unused") }
func (squares) VJP(w []float64, g [][]float64) {
	g[2][0] += w[0]
	// The y part needs the point, which these tests never reach past the start
	// checks; the general method's start evaluation only uses the f part.
}
func (squares) HVP(w, wdot []float64, v [][]float64, hv [][]float64) { panic("unused") }

// TestNonFiniteStartNamed: the start checks name the variable or equation row.
func TestNonFiniteStartNamed(t *testing.T) {
	label := func(name string) func(int) string {
		return func(i int) string { return name + "(" + string(rune('a'+i)) + ")" }
	}
	build := func(x0 []float64, lo, up float64, c float64) (*Problem, [][]float64) {
		lov, upv := []float64{lo, lo}, []float64{up, up}
		return &Problem{
			Vars: []Variable{{Name: "x", Lo: lov, Up: upv, Label: label("x")},
				{Name: "y", Lo: []float64{-inf, -inf}, Up: []float64{inf, inf}, Label: label("y")},
				{Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}},
			Equations: []Equation{
				{Name: "def_y", Block: &diagonal{coef: c, x: 0, y: 1, n: 2}, Vars: []int{0, 1}, Defines: 1, Coef: 1, Label: label("def_y")},
				{Name: "def_f", Block: squares{}, Vars: []int{1, 2}, Defines: 2, Coef: 1},
			},
			Objective: 2,
		}, [][]float64{x0, {0, 0}, {0}}
	}
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		x0         []float64
		lo, up, c  float64
		want       string
		evaluation bool
	}{
		{[]float64{1, nan}, -inf, inf, 1, "x(b): level NaN", true},
		{[]float64{inf, 1}, -inf, inf, 1, "x(a): level +Inf", true},
		{[]float64{1, 1}, nan, inf, 1, "x(a): lower bound NaN", false},
		{[]float64{1, 1}, -inf, nan, 1, "x(a): upper bound NaN", false},
		{[]float64{1, 1}, 2, 1, 1, "x(a): lower bound 2 above the upper bound 1", false},
		{[]float64{1, 1}, inf, inf, 1, "x(a): lower bound +Inf", false},
		{[]float64{1, 1}, -inf, inf, nan, "def_y(a) gives y(a) = NaN", true},
		{[]float64{0, 1e300}, -inf, inf, 1e10, "def_y(b) gives y(b) = +Inf", true},
	}
	for _, tc := range cases {
		p, x0 := build(tc.x0, tc.lo, tc.up, tc.c)
		for name, solve := range map[string]func() (*Result, error){
			"Solve":        func() (*Result, error) { return Solve(context.Background(), p, x0, Settings{}) },
			"SolveGeneral": func() (*Result, error) { return SolveGeneral(context.Background(), p, nil, x0, Settings{}) },
		} {
			_, err := solve()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s %q: error %v", name, tc.want, err)
				continue
			}
			if errors.Is(err, ErrEvaluation) != tc.evaluation {
				t.Errorf("%s %q: errors.Is(err, ErrEvaluation) = %v", name, tc.want, !tc.evaluation)
			}
		}
	}
}

func TestNilContext(t *testing.T) {
	p := &Problem{Vars: []Variable{{Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}}}
	//lint:ignore SA1012 the nil context is the case under test
	if _, err := Solve(nil, p, [][]float64{{0}}, Settings{}); err == nil || !strings.Contains(err.Error(), "nil context") { //nolint:staticcheck
		t.Errorf("Solve(nil): %v", err)
	}
	//lint:ignore SA1012 the nil context is the case under test
	if _, err := SolveGeneral(nil, p, nil, [][]float64{{0}}, Settings{}); err == nil || !strings.Contains(err.Error(), "nil context") { //nolint:staticcheck
		t.Errorf("SolveGeneral(nil): %v", err)
	}
}
