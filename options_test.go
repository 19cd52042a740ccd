package nnopt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/device"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/safetensors"
)

// TestOptionPrecedence is the precedence table: the Solve call over the Model over
// the Container, field by field, a zero field leaving the decision to the level
// below, and a Model field set back to zero (NA) unset.
func TestOptionPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		container, model, call Options
		iterlim                int
		method                 nlpsolve.Method
		timelim                time.Duration
	}{
		{"nothing set: defaults", Options{}, Options{}, Options{}, 0, nlpsolve.DefaultMethod, 0},
		{"container only", Options{IterationLimit: 7, Method: nlpsolve.NewtonCG}, Options{}, Options{}, 7, nlpsolve.NewtonCG, 0},
		{"model over container", Options{IterationLimit: 7, TimeLimit: time.Second}, Options{IterationLimit: 5}, Options{}, 5, nlpsolve.DefaultMethod, time.Second},
		{"call over model over container", Options{IterationLimit: 7}, Options{IterationLimit: 5}, Options{IterationLimit: 3}, 3, nlpsolve.DefaultMethod, 0},
		{"field by field", Options{IterationLimit: 7, Method: nlpsolve.NewtonCG}, Options{TimeLimit: time.Minute}, Options{Method: nlpsolve.LBFGS}, 7, nlpsolve.LBFGS, time.Minute},
		{"explicit lbfgs overrides newton-cg", Options{Method: nlpsolve.NewtonCG}, Options{Method: nlpsolve.LBFGS}, Options{}, 0, nlpsolve.LBFGS, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, _, _, _ := quadratic(t, Minimize)
			m.c.Options, m.Options = tc.container, tc.model
			got := m.EffectiveOptions(tc.call)
			if got.IterationLimit != tc.iterlim || got.Method != tc.method || got.TimeLimit != tc.timelim {
				t.Errorf("iteration limit %d, method %v, time limit %v; want %d, %v, %v", got.IterationLimit, got.Method, got.TimeLimit, tc.iterlim, tc.method, tc.timelim)
			}
		})
	}
	// The general method's settings merge field by field too.
	m, _, _, _, _ := quadratic(t, Minimize)
	m.c.Options = Options{FeasibilityTolerance: 1e-6, Phase1PinHeldRows: true}
	m.Options = Options{FeasibilityTolerance: 1e-8, Phase1ObjectiveWeight: -1}
	if got := m.EffectiveOptions(Options{Phase1ObjectiveWeight: 0.5}); got.FeasibilityTolerance != 1e-8 || got.Phase1ObjectiveWeight != 0.5 || !got.Phase1PinHeldRows {
		t.Errorf("feasibility tolerance %g, phase 1 weight %g, pinned %v; want 1e-8, 0.5, true", got.FeasibilityTolerance, got.Phase1ObjectiveWeight, got.Phase1PinHeldRows)
	}
	// NA: the model's limit stops the solve after one iteration; unset, the
	// container's limit of 2 applies.
	for _, tc := range []struct {
		model, want int
	}{{1, 1}, {0, 2}} {
		m, _, _, _, _ := quadratic(t, Minimize)
		m.c.Options.IterationLimit, m.Options.IterationLimit = 2, tc.model
		must(m.Solve(context.Background(), Options{Method: nlpsolve.LBFGS, GradientTolerance: 1e-300}))
		if m.NumIterations != tc.want || m.SolveStatus != SolveIterationInterrupt {
			t.Errorf("model limit %d, container 2: %d iterations (%v), want %d", tc.model, m.NumIterations, m.SolveStatus, tc.want)
		}
	}
}

func TestSolverChoice(t *testing.T) {
	m, _, _, _, _ := quadratic(t, Minimize)
	m.c.Options.Solvers = map[Problem]string{NLP: "conopt", LP: "cplex"}
	err := m.Solve(context.Background(), Options{})
	if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), `solver for NLP: "conopt" is not available`) {
		t.Fatalf("error %v, want conopt named as unavailable", err)
	}
	// The model's choice overrides the container's for NLP; LP's stays.
	m.Options.Solvers = map[Problem]string{NLP: "NNOPT"}
	if err := m.Solve(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	if got := m.EffectiveOptions(Options{}).Solvers; got[LP] != "cplex" || got[NLP] != "NNOPT" {
		t.Errorf("merged solvers %v", got)
	}
}

func TestOptionValidation(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{IterationLimit: -1}, "iteration limit -1"},
		{Options{TimeLimit: -time.Second}, "time limit -1s"},
		{Options{GradientTolerance: -1}, "gradient tolerance -1"},
		{Options{Memory: -2}, "memory -2"},
		{Options{FeasibilityTolerance: -1e-9}, "feasibility tolerance -1e-09"},
		{Options{FeasibilityTolerance: 0.5}, "feasibility tolerance 0.5"},
		{Options{FeasibilityTolerance: math.NaN()}, "feasibility tolerance NaN"},
		{Options{Phase1ObjectiveWeight: math.Inf(1)}, "phase 1 objective weight +Inf"},
	} {
		m, _, _, _, _ := quadratic(t, Minimize)
		if err := m.Solve(context.Background(), tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// TestSavePointRoundTrip saves the optimum through the SavePoint option, loads it
// into a fresh container with the same model, and checks that the levels and
// marginals come back and that the solve from there needs no iteration.
func TestSavePointRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quad.point")
	m, x, _, _, def := quadratic(t, Minimize)
	x.SetBounds(-1, 1)
	if err := m.Solve(context.Background(), Options{SavePoint: path}); err != nil {
		t.Fatal(err)
	}
	m2, x2, _, _, def2 := quadratic(t, Minimize)
	x2.SetBounds(-1, 1)
	rep, err := m2.c.LoadPoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Loaded, []string{"def", "obj", "x"}) || len(rep.Skipped) != 0 {
		t.Errorf("report %+v", rep)
	}
	if !slices.Equal(x2.L, x.L) || !slices.Equal(x2.M, x.M) || !slices.Equal(def2.M, def.M) || !slices.Equal(def2.L, def.L) {
		t.Errorf("loaded x.l %v x.m %v def.m %v, saved %v %v %v", x2.L, x2.M, def2.M, x.L, x.M, def.M)
	}
	if err := m2.Solve(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	if m2.NumIterations != 0 || math.Abs(m2.ObjectiveValue-m.ObjectiveValue) > 1e-12 {
		t.Errorf("from the saved point: %d iterations, objective %g (saved %g)", m2.NumIterations, m2.ObjectiveValue, m.ObjectiveValue)
	}
	// A container with other symbols skips what it lacks and loads the rest.
	c3 := NewContainer()
	x3 := c3.NewVariable("x", Free, c3.NewSet("i", "a", "b", "c"))
	if rep, err := c3.LoadPoint(path); err != nil || !slices.Equal(rep.Skipped, []string{"def", "obj"}) || !slices.Equal(x3.L, x.L) {
		t.Errorf("partial load: %+v, %v, x %v", rep, err, x3.L)
	}
}

func TestLoadPointErrors(t *testing.T) {
	dir := t.TempDir()
	m, _, _, _, _ := quadratic(t, Minimize)
	good := filepath.Join(dir, "good.point")
	must(m.SavePoint(good))
	c := NewContainer()
	c.NewVariable("x", Free, c.NewSet("i", "a", "b")) // 2 elements, the file has 3
	y := c.NewVariable("obj", Free)
	y.L[0] = 42
	if _, err := c.LoadPoint(good); err == nil || !strings.Contains(err.Error(), `"x.l" has shape [3] in the file, but "x" is over (i) with shape [2]`) {
		t.Errorf("shape mismatch: %v", err)
	}
	if y.L[0] != 42 {
		t.Errorf("a failed load changed obj to %g", y.L[0])
	}
	weights := filepath.Join(dir, "weights.safetensors")
	must(safetensors.Save(weights, map[string]safetensors.Tensor{"1.weight": {DType: safetensors.F64, Shape: []int{1}, Data: []float64{1}}}, nil))
	if _, err := c.LoadPoint(weights); err == nil || !strings.Contains(err.Error(), "is not a point file") {
		t.Errorf("weights file: %v", err)
	}
	if _, err := c.LoadPoint(filepath.Join(dir, "none")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestReportSolution writes the listing after the solve when a level asks for it,
// and not when a more specific level says ReportNone.
func TestReportSolution(t *testing.T) {
	m, x, _, _, _ := quadratic(t, Minimize)
	x.SetBounds(-1, 1)
	var out strings.Builder
	m.c.Options.ReportSolution = ReportListing
	if err := m.Solve(context.Background(), Options{Output: &out}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"---- VAR x", "(a)", "(b)", "---- EQU def", "LOWER", "MARGINAL", "Locally Optimal"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, out.String())
		}
	}
	// x(b) sits at its lower bound -1 with a positive reduced cost.
	if !strings.Contains(out.String(), fmt.Sprintf("%-24s %14.6g %14.6g %14.6g %14.6g", "(b)", -1.0, -1.0, 1.0, x.M[1])) {
		t.Errorf("listing lacks x(b)'s row:\n%s", out.String())
	}
	out.Reset()
	m.Options.ReportSolution = ReportNone
	if err := m.Solve(context.Background(), Options{Output: &out}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "---- VAR") {
		t.Errorf("ReportNone on the model still wrote a listing")
	}
}

// TestThreadsOption: a solve with its own Threads runs on a CPU backend with that
// many and leaves the process-wide setting alone, also while solves with other
// settings run at the same time (go test -race checks the rest).
func TestThreadsOption(t *testing.T) {
	device.SetThreads(3)
	defer device.SetThreads(0)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, n := range []int{1, 2, 0, 4} {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			m, x, _, _, _ := quadratic(t, Minimize)
			if err := m.Freeze(); err != nil {
				errs <- err
				return
			}
			m.Options.Threads = n
			var during []int
			if err := m.Solve(context.Background(), Options{OnIteration: func(nlpsolve.Iteration) { during = append(during, device.Threads()) }}); err != nil {
				errs <- err
				return
			}
			for _, d := range during {
				if d != 3 {
					errs <- fmt.Errorf("threads %d: the process-wide setting read %d during the solve, want 3", n, d)
					return
				}
			}
			be, ok := m.frozen.inst.blocks[0].Backend().(*backend.CPU)
			if want := max(n, 0); !ok || be.Threads != want {
				errs <- fmt.Errorf("threads %d: the blocks ran on %v, want a CPU with Threads %d", n, m.frozen.inst.blocks[0].Backend(), want)
			}
			if x.L[0] == 0 && x.L[1] == 0 {
				errs <- fmt.Errorf("threads %d: no solution written back", n)
			}
		}(n)
	}
	wg.Wait()
	for len(errs) > 0 {
		t.Error(<-errs)
	}
	if device.Threads() != 3 {
		t.Errorf("process-wide threads %d after the solves, want 3", device.Threads())
	}
	m, _, _, _, _ := quadratic(t, Minimize)
	if err := m.Solve(context.Background(), Options{Threads: -2}); err == nil || !strings.Contains(err.Error(), "option threads -2") {
		t.Errorf("threads -2: error %v", err)
	}
}
