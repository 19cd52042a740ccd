package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/trace"
)

// fitModel is a small NLP: a tanh layer fitted to two targets.
func fitModel(t *testing.T) *nnopt.Model {
	t.Helper()
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b")
	j := c.NewSet("j", "u", "v", "w")
	x := c.NewParameter("x", i, j)
	t1 := c.NewParameter("t", i)
	w := c.NewVariable("w", nnopt.Free, j)
	y := c.NewVariable("y", nnopt.Free, i)
	obj := c.NewVariable("obj", nnopt.Free)
	for _, err := range []error{
		x.SetValues([]float64{1, 0, 2, 0, 1, -1}),
		t1.SetValues([]float64{0.5, -0.25}),
		c.NewEquation("layer", i).Define(nnopt.Eq(y, nnopt.Tanh(nnopt.Sum(nnopt.Mul(x, w), j)))),
		c.NewEquation("fit").Define(nnopt.Eq(obj, nnopt.Sum(nnopt.Sqr(nnopt.Sub(y, t1)), i))),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	m, err := c.NewModel("fitting", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReportOfTwoRealSolves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.trc")
	var tr bytes.Buffer
	for run, limit := range []int{0, 1} {
		m := fitModel(t)
		st := trace.NewSolveTrace(&tr, trace.SolveTraceOptions{Instance: m.Name(), NodeFrequency: 1})
		if err := m.Solve(context.Background(), nnopt.Options{IterationLimit: limit, OnIteration: st.OnIteration()}); err != nil {
			t.Fatal(err)
		}
		if err := st.EndModel(m); err != nil {
			t.Fatal(err)
		}
		rec := trace.FromModel(m, trace.Info{InputFileName: "fit.go", Direction: nnopt.Minimize, SolveNumber: run + 1})
		exit := trace.NewRecord(trace.Exit)
		exit.InputFileName, exit.VersionID, exit.TotalTime = "fit.go", nnopt.SolverVersion, m.TotalSolveTime
		// The second run asks for format 3; the file keeps format 0.
		format := trace.FormatStep
		if run == 1 {
			format = trace.FormatPerformance
		}
		if err := trace.Append(path, format, rec, exit); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(tr.String(), ", E, "); n != 2 || !strings.Contains(tr.String(), "2, N, 1, ") {
		t.Errorf("solve traces:\n%s", tr.String())
	}

	f, err := trace.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var solves []trace.Record
	for _, r := range f.Records {
		if r.Kind == trace.Solve {
			solves = append(solves, r)
		}
	}
	if f.Header.Format() != trace.FormatStep || len(f.Records) != 4 || len(solves) != 2 {
		t.Fatalf("format %v, %d records, %d solves", f.Header.Format(), len(f.Records), len(solves))
	}
	if s := solves[0]; s.ModelStatus != int(nnopt.StatusLocallyOptimal) || s.SolverStatus != int(nnopt.SolveNormal) || s.NumberOfIterations < 2 {
		t.Errorf("first solve: %+v", s)
	}
	if s := solves[1]; s.ModelStatus != int(nnopt.StatusFeasibleIntermediate) || s.SolverStatus != int(nnopt.SolveIterationInterrupt) || s.NumberOfIterations != 1 {
		t.Errorf("iteration-limited solve: %+v", s)
	}

	var out, errs bytes.Buffer
	if rc := run([]string{path}, &out, &errs); rc != 0 {
		t.Fatalf("exit %d: %s\n%s", rc, errs.String(), out.String())
	}
	rep := out.String()
	for _, want := range []string{
		"Total SOLVE records = 2",
		"solvestatus     1 RC=  1 Normal Completion",
		"solvestatus     1 RC=  2 Iteration Interrupt",
		"modelstatus     1 RC=  2 Locally Optimal",
		"modelstatus     1 RC=  7 Feasible Solution",
		"solvers = 1 (nnopt)",
		"models  = 1 (fit.go)",
		"No marked trace records.",
		"Total job records     = 2",
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(rep)
	}
	// Both outcomes score 9: a trace level of 9 marks both and fails the report.
	out.Reset()
	errs.Reset()
	if rc := run([]string{"-tl", "9", path}, &out, &errs); rc != 1 || !strings.Contains(errs.String(), "2 marked") || !strings.Contains(out.String(), path+":7 ") || !strings.Contains(out.String(), path+":9 ") {
		t.Errorf("tl 9: exit %d, %s\n%s", rc, errs.String(), out.String())
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.trc")
	os.WriteFile(bad, []byte("* Trace Record Definition\n* GamsSolve\n* ModelName ModelStatus\n*\nm 1\nm 1 2 3\n"), 0o644)
	for _, c := range []struct {
		args []string
		rc   int
		want string
	}{
		{nil, 2, "usage"},
		{[]string{filepath.Join(dir, "missing.trc")}, 2, "missing.trc"},
		{[]string{bad}, 2, bad + ":6: a line of 4 fields"},
		{[]string{"-tl", "12", bad}, 2, "out of range"},
		{[]string{"-bogus"}, 2, "flag provided but not defined"},
	} {
		var out, errs bytes.Buffer
		if rc := run(c.args, &out, &errs); rc != c.rc || !strings.Contains(errs.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, rc, errs.String(), c.rc, c.want)
		}
	}
}

// TestTornLastRecord checks that a file whose last record was cut short by a
// killed writer is reported with a warning naming the file and line, while a
// malformed record before the end still fails the report.
func TestTornLastRecord(t *testing.T) {
	dir := t.TempDir()
	head := "* Trace Record Definition\n* GamsSolve\n* ModelName ModelStatus SolverStatus \"User1\"\n*\nm 2 1 \"\"\nm 7 2 \"\"\n"
	tests := []struct {
		name   string
		text   string
		rc     int
		stderr string
		out    string
	}{
		{"torn last", head + "m 2 1 \"a", 0, "tracereport: warning: %s:7: skipped the torn last record", "Total SOLVE records = 2"},
		{"torn last, fewer fields", head + "m 2", 0, "tracereport: warning: %s:7: skipped the torn last record", "Total SOLVE records = 2"},
		{"whole last without newline", head + "m 2 1 \"\"", 0, "", "Total SOLVE records = 3"},
		{"malformed in the middle", head + "m 2\nm 2 1 \"\"\n", 2, "tracereport: trace: %s:7: a line of 2 fields", ""},
		{"malformed last, whole line", head + "m 2\n", 2, "tracereport: trace: %s:7: a line of 2 fields", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("%d.trc", i))
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errs bytes.Buffer
			rc := run([]string{path}, &out, &errs)
			want := tt.stderr
			if want != "" {
				want = fmt.Sprintf(want, path)
			}
			if rc != tt.rc || (want == "" && errs.Len() > 0) || !strings.Contains(errs.String(), want) || !strings.Contains(out.String(), tt.out) {
				t.Errorf("exit %d, stderr %q; want %d and %q\n%s", rc, errs.String(), tt.rc, want, out.String())
			}
		})
	}
}
