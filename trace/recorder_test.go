package trace_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/trace"
)

// quadratic is min Σ (x - t)² + y with y = Σ x·p: a small triangular NLP.
func quadratic(t *testing.T) *nnopt.Model {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	x := c.NewVariable("x", nnopt.Free, i)
	tgt, p := c.NewParameter("t", i), c.NewParameter("p", i)
	if err := tgt.SetValues([]float64{1, -2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := p.SetValues([]float64{0.5, 1, -1}); err != nil {
		t.Fatal(err)
	}
	obj := c.NewVariable("obj", nnopt.Free)
	def := c.NewEquation("def")
	if err := def.Define(nnopt.Eq(obj, nnopt.Add(nnopt.Sum(nnopt.Sqr(nnopt.Sub(x, tgt)), i), nnopt.Sum(nnopt.Mul(x, p), i)))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("quad", nnopt.ModelSpec{Equations: []*nnopt.Equation{def}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRecorderOption sets the trace file on the Container (the reference's
// trace_file and trace_file_format options), solves twice, once stopped by the
// iteration limit, and reads both records back with their statuses.
func TestRecorderOption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.trc")
	m := quadratic(t)
	m2 := quadratic(t)
	rec := &trace.Recorder{Path: path, Format: trace.FormatSolve, Info: trace.Info{InputFileName: "recorder test"}}
	for _, run := range []struct {
		m   *nnopt.Model
		opt nnopt.Options
	}{
		{m, nnopt.Options{}},
		{m2, nnopt.Options{IterationLimit: 1, Method: nlpsolve.LBFGS, GradientTolerance: 1e-300}},
	} {
		run.m.Options.Trace = rec // model level; the container's would do as well
		if err := run.m.Solve(context.Background(), run.opt); err != nil {
			t.Fatal(err)
		}
	}
	f, err := trace.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 2 {
		t.Fatalf("%d records, want 2", len(f.Records))
	}
	first, second := f.Records[0], f.Records[1]
	if first.ModelStatus != int(nnopt.StatusLocallyOptimal) || first.SolverStatus != int(nnopt.SolveNormal) || first.InputFileName != "recorder test" {
		t.Errorf("first record %+v, want locally optimal, normal completion", first)
	}
	if second.ModelStatus != int(nnopt.StatusFeasibleIntermediate) || second.SolverStatus != int(nnopt.SolveIterationInterrupt) || second.NumberOfIterations != 1 {
		t.Errorf("second record %+v, want feasible intermediate, iteration interrupt after 1 iteration", second)
	}
	if f.Header == nil || f.Header.Format() != trace.FormatSolve {
		t.Errorf("header %+v, want format 2", f.Header)
	}
}

// TestConcurrentRecordersOneNewFile has recorders of concurrent solves append to
// one trace file that does not exist yet: exactly one header must be written, and
// every record must be read back.
func TestConcurrentRecordersOneNewFile(t *testing.T) {
	m := quadratic(t)
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	const rounds, writers = 20, 8
	for round := range rounds {
		path := filepath.Join(t.TempDir(), "runs.trc")
		rec := &trace.Recorder{Path: path, Format: trace.FormatAll}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				<-start
				errs[i] = rec.RecordSolve(m)
			})
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "* Trace Record Definition"); n != 1 {
			t.Fatalf("round %d: %d headers, want 1:\n%s", round, n, data)
		}
		f, err := trace.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Records) != writers || f.Torn != nil {
			t.Fatalf("round %d: %d records (torn: %v), want %d", round, len(f.Records), f.Torn, writers)
		}
	}
}
