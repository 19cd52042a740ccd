package trace

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/nlpsolve"
)

func sampleSolve() Record {
	r := NewRecord(Solve)
	r.Time = time.Date(2026, 3, 14, 9, 26, 53, 0, time.Local)
	r.InputFileName, r.ModelName, r.ModelType = "mnist mlp.go", "train", "NLP"
	r.SolverName, r.SolverVersion = SolverName, "nnopt-rg 0.1"
	r.SolverStatus, r.ModelStatus, r.SolveNumber, r.Direction = 2, 7, 3, 1
	r.NumberOfEquations, r.NumberOfVariables, r.NumberOfNonZeros, r.NumberOfNonlinearNonZeros = 10, 20, 30, 25
	r.NumberOfIterations, r.Marginals = 17, 1
	r.ObjectiveValue, r.SolverTime, r.ETSolver, r.ETSolve = 0.125, 1.5, 1.5, 1.75
	r.ETInterface, r.ETAlg, r.ModelGenerationTime = 0.05, 1.5, 0.2
	r.User1 = "run one"
	return r
}

func sampleExit() Record {
	r := NewRecord(Exit)
	r.Time = time.Date(2026, 3, 14, 9, 27, 0, 0, time.Local)
	r.InputFileName, r.VersionID = "mnist mlp.go", "nnopt-rg 0.1"
	r.ReturnCode, r.StartupTime, r.ExecTime, r.TotalTime, r.ElapsedTime = 0, 0.01, 1.9, 2, 2.01
	return r
}

// same compares records by their printed form (NaN equals NaN there).
func same(a, b Record) bool {
	a.Line, b.Line = 0, 0
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

func TestRoundTripAllFormats(t *testing.T) {
	for _, f := range []Format{FormatStep, FormatExit, FormatSolve, FormatPerformance, FormatAll} {
		t.Run(fmt.Sprint(int(f)), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.trc")
			s, e := sampleSolve(), sampleExit()
			if err := Append(path, f, s, e); err != nil {
				t.Fatal(err)
			}
			if err := Append(path, f, s); err != nil {
				t.Fatal(err)
			}
			file, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := file.Header.Format(); got != f {
				t.Errorf("format read back %v, want %v", got, f)
			}
			wantN := 3
			if f == FormatSolve || f == FormatPerformance {
				wantN = 2 // no job records in solve-only formats
			}
			if len(file.Records) != wantN {
				t.Fatalf("%d records, want %d", len(file.Records), wantN)
			}
			got := file.Records[0]
			if got.Kind != Solve || got.ModelStatus != 7 || got.SolverStatus != 2 || got.ObjectiveValue != 0.125 ||
				got.NumberOfEquations != 10 || got.NumberOfIterations != 17 || got.InputFileName != "mnist mlp.go" ||
				!got.Time.Equal(s.Time) || got.SolverName != SolverName || got.ModelType != "NLP" {
				t.Errorf("solve record read back as %+v", got)
			}
			if got.Line != file.Header.Lines+1 {
				t.Errorf("first record on line %d, header has %d lines", got.Line, file.Header.Lines)
			}
			if f == FormatAll {
				if !same(got, s) {
					t.Errorf("all fields: got\n%+v\nwant\n%+v", got, s)
				}
				if !same(file.Records[1], e) {
					t.Errorf("exit record: got\n%+v\nwant\n%+v", file.Records[1], e)
				}
			}
			if wantN == 3 {
				ex := file.Records[1]
				wantKind := Exit
				if f == FormatStep {
					wantKind = Step
				}
				if ex.Kind != wantKind || ex.TotalTime != 2 || ex.VersionID != e.VersionID || !ex.Time.Equal(e.Time) {
					t.Errorf("job record read back as %+v", ex)
				}
			}
			// Writing what was read gives the same lines.
			data, _ := os.ReadFile(path)
			var again bytes.Buffer
			again.WriteString(file.Header.String())
			for _, r := range file.Records {
				d, _ := file.Header.Definition(r.Kind)
				again.WriteString(file.Header.encode(d, &r) + "\n")
			}
			if again.String() != string(data) {
				t.Errorf("rewritten file differs:\n%s\nwant\n%s", again.String(), data)
			}
		})
	}
}

func TestAppendKeepsExistingFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.trc")
	if err := Append(path, FormatPerformance, sampleSolve()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	w, err := Open(path, FormatStep)
	if err != nil {
		t.Fatal(err)
	}
	if w.Format() != FormatPerformance {
		t.Errorf("writer format %v, want the file's own 3", w.Format())
	}
	r := sampleSolve()
	r.ModelStatus, r.SolverStatus = 2, 1
	if err := w.Write(r); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleExit()); err != nil { // no exit records in format 3: skipped
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.HasPrefix(after, before) {
		t.Fatal("appending changed the existing content")
	}
	added := strings.Split(strings.TrimSpace(string(after[len(before):])), "\n")
	if len(added) != 1 || strings.Count(added[0], ",") != 21 || strings.HasPrefix(added[0], "*") {
		t.Errorf("appended %q, want one comma-separated format 3 line", added)
	}
	file, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(file.Records) != 2 || file.Records[1].ModelStatus != 2 || file.Records[0].ModelStatus != 7 {
		t.Errorf("records %+v", file.Records)
	}
	if file.Records[1].Direction != 1 || !file.Records[1].Time.Equal(r.Time) {
		t.Errorf("JulianDate/Direction: %+v", file.Records[1])
	}
	// An empty existing file gets the requested header.
	empty := filepath.Join(t.TempDir(), "empty.trc")
	os.WriteFile(empty, nil, 0o644)
	if err := Append(empty, FormatExit, sampleExit()); err != nil {
		t.Fatal(err)
	}
	if f, err := ReadFile(empty); err != nil || f.Header.Format() != FormatExit || len(f.Records) != 1 || f.Records[0].Kind != Exit {
		t.Errorf("empty file: %+v, %v", f, err)
	}
}

// The reference's example trace (format 0, two GamsStep and one GamsSolve record).
const referenceTrace = `* Trace Record Definition
* GamsStep
* JobDate JobTime InputFileName GAMS GamsVersionID GamsReturnCode GamsErrorCount GamsStartupTime GamsCompTime GamsExecTime GamsCloseDownTime GamsTotalTime "User1"
* GamsSolve
* JobDate JobTime InputFileName ModelType SolverName SolverStatus ModelStatus SolveNumber SolveLine SolverID SolverVersion NumberOfEquations NumberOfVariables NumberOfNonZeros NumberOfNonlinearNonZeros NumberOfInstructions
* NumberOfIterations ModelGenerationTime SolverReadTime SolverCalcTime SolverWriteTime ObjectiveValue "User1"
*
09/25/19 07:04:00 trnsport.gms GAMS WEX282-282 1 0 0.015 0 0 0.016 0.031 ""
09/25/19 07:04:00 trnsport.gms LP CPLEX 1 1 1 64 23 NA 6 7 19 0 0 4 0 NA NA NA 153.675 ""
09/25/19 07:04:00 trnsport.gms GAMS WEX282-282 0 0 0 0 0 0 0 ""
`

func TestReadReferenceTrace(t *testing.T) {
	f, err := Read(strings.NewReader(referenceTrace), "trc.txt")
	if err != nil {
		t.Fatal(err)
	}
	if f.Header.Format() != FormatStep || f.Comments != 7 || len(f.Records) != 3 {
		t.Fatalf("format %v, %d comments, %d records", f.Header.Format(), f.Comments, len(f.Records))
	}
	s := f.Records[1]
	if s.Kind != Solve || s.ModelType != "LP" || s.SolverName != "CPLEX" || s.ModelStatus != 1 || s.SolverStatus != 1 ||
		s.SolveLine != 64 || s.NumberOfEquations != 6 || s.NumberOfVariables != 7 || s.NumberOfNonZeros != 19 ||
		s.NumberOfIterations != 4 || s.ObjectiveValue != 153.675 || s.Line != 9 {
		t.Errorf("solve record %+v", s)
	}
	if st := f.Records[0]; st.Kind != Step || st.ReturnCode != 1 || st.TotalTime != 0.031 || st.VersionID != "WEX282-282" {
		t.Errorf("step record %+v", st)
	}
	want := time.Date(2019, 9, 25, 7, 4, 0, 0, time.Local)
	if !s.Time.Equal(want) {
		t.Errorf("time %v, want %v", s.Time, want)
	}
	var out bytes.Buffer
	marked, err := Report(&out, []*File{f}, 0)
	if err != nil || len(marked) != 0 {
		t.Fatalf("marked %v, err %v", marked, err)
	}
	for _, want := range []string{"Total SOLVE records = 1", "solvestatus     1 RC=  1 Normal Completion", "modelstatus     1 RC=  1 Optimal", "Total job records     = 2", "Total comment records = 7"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestAwkwardStrings(t *testing.T) {
	for _, f := range []Format{FormatAll, FormatPerformance} {
		path := filepath.Join(t.TempDir(), "s.trc")
		r := sampleSolve()
		r.InputFileName, r.User1 = "*star, comma", `say "hi"`+"\nthere"
		if err := Append(path, f, r); err != nil {
			t.Fatal(err)
		}
		file, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(file.Records) != 1 || file.Records[0].InputFileName != r.InputFileName || file.Records[0].User1 != "say 'hi' there" {
			t.Errorf("format %v: %+v", f, file.Records)
		}
	}
}

func TestCustomHeaderIsFollowed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.trc")
	os.WriteFile(path, []byte("* Trace Record Definition\n* GamsSolve\n* ModelName, ModelStatus, SolverStatus, ObjectiveValue\n"), 0o644)
	w, err := Open(path, FormatAll)
	if err != nil {
		t.Fatal(err)
	}
	if w.Format() != FormatCustom || !w.Header().Comma {
		t.Errorf("format %v", w.Format())
	}
	w.Write(sampleSolve())
	w.Close()
	data, _ := os.ReadFile(path)
	if !strings.HasSuffix(string(data), "\ntrain,7,2,0.125\n") {
		t.Errorf("file:\n%s", data)
	}
}

func TestHeaderAndFormatErrors(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"notrace", "hello\n", "x.trc:1: not a trace file"},
		{"title", "* Something else\n* GamsSolve\n* ModelName\n", "x.trc:1: not a trace file"},
		{"unknown", "* Trace Record Definition\n* GamsSolve\n* ModelName Bogus\n*\n", `x.trc:3: unknown trace field "Bogus"`},
		{"orphan", "* Trace Record Definition\n* ModelName\n", "x.trc:2: field list"},
		{"twice", "* Trace Record Definition\n* GamsSolve\n* ModelName\n* GamsSolve\n", "x.trc:4: record type GamsSolve defined twice"},
		{"nodefs", "* Trace Record Definition\n*\nfoo\n", "defines no record type"},
		{"nofields", "* Trace Record Definition\n* GamsSolve\n*\n", "GamsSolve has no fields"},
		{"empty", "", "x.trc: empty file"},
		{"count", "* Trace Record Definition\n* GamsSolve\n* ModelName ModelStatus\n*\na 1\nb 1 2\n", "x.trc:6: a line of 3 fields matches no record definition (GamsSolve has 2)"},
		{"number", "* Trace Record Definition\n* GamsSolve\n* ModelName ModelStatus\n*\na x\n", `x.trc:5: field 2 (ModelStatus): invalid integer "x"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.text), "x.trc")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Read: %v, want %q", err, c.want)
			}
			if c.name == "count" || c.name == "number" || c.name == "empty" {
				return // header fine (or empty file: Open writes one)
			}
			path := filepath.Join(t.TempDir(), "x.trc")
			os.WriteFile(path, []byte(c.text), 0o644)
			_, err = Open(path, FormatStep)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("Open: %v, want an error naming %s", err, path)
			}
		})
	}
	if _, err := Open(filepath.Join(t.TempDir(), "y.trc"), Format(4)); err == nil || !strings.Contains(err.Error(), "unknown trace file format 4") {
		t.Errorf("format 4: %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.trc")); err == nil || !strings.Contains(err.Error(), "missing.trc") {
		t.Errorf("missing file: %v", err)
	}
}

func TestSolveTraceSeries(t *testing.T) {
	var b bytes.Buffer
	st := NewSolveTrace(&b, SolveTraceOptions{Name: "s.mtr", Instance: "fit", NodeFrequency: 3, TimeFrequency: time.Second})
	rec := st.OnIteration()
	// Objectives fall except at iteration 5; times in tenths of a second.
	objs := []float64{10, 8, 7, 6, 6.5, 4, 3, 2.5}
	times := []int{2, 4, 6, 11, 12, 25, 27, 28}
	for i, o := range objs {
		rec(nlpsolve.Iteration{Iter: i + 1, Objective: o, Elapsed: time.Duration(times[i]) * 100 * time.Millisecond})
	}
	if err := st.End(8, 2900*time.Millisecond, 2.5); err != nil {
		t.Fatal(err)
	}
	st.End(9, 0, 0) // no second E line
	want := `* solvetrace file s.mtr: ID = nnopt Instance = fit
* fields are lineNum, seriesID, node, seconds, bestFound, bestBound
1, S, 0, 0.000, na, na
2, N, 3, 0.600, 7, na
3, T, 4, 1.100, 6, na
4, N, 6, 2.500, 4, na
5, E, 8, 2.900, 2.5, na
* solvetrace file s.mtr closed
`
	if b.String() != want {
		t.Errorf("solve trace:\n%s\nwant\n%s", b.String(), want)
	}
	// Time frequency alone, maximising, ending at the last iteration seen.
	b.Reset()
	st = NewSolveTrace(&b, SolveTraceOptions{TimeFrequency: time.Second, Maximize: true})
	for i, ms := range []int{500, 1000, 1500, 3200, 3300} {
		st.Iteration(nlpsolve.Iteration{Iter: i + 1, Objective: float64(i % 3), Elapsed: time.Duration(ms) * time.Millisecond})
	}
	st.EndLast()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	got := strings.Join(lines[2:len(lines)-1], "|")
	if got != "1, S, 0, 0.000, na, na|2, T, 2, 1.000, 1, na|3, T, 4, 3.200, 2, na|4, E, 5, 3.300, 2, na" {
		t.Errorf("time series: %s", got)
	}
	if st.Err() != nil || math.IsNaN(st.best) {
		t.Error(st.Err())
	}
}

func TestScoreMatrix(t *testing.T) {
	for _, c := range []struct{ m, s, want int }{
		{1, 1, 9}, {2, 1, 9}, {2, 2, 9}, {7, 2, 9}, {6, 2, 5}, {14, 6, 6}, {14, 12, 3}, {12, 11, 3}, {13, 9, 3},
		{11, 7, 5}, {1, 2, 0}, {6, 1, 0}, {0, 1, 0}, {20, 1, 0}, {19, 1, 9},
	} {
		if got := Score(c.m, c.s); got != c.want {
			t.Errorf("Score(%d, %d) = %d, want %d", c.m, c.s, got, c.want)
		}
	}
	r := sampleSolve()
	r.ModelStatus, r.SolverStatus = 6, 2
	if Marked(r, 4) || !Marked(r, 5) {
		t.Error("score 5 should pass TL 4 and be marked at TL 5")
	}
	var out bytes.Buffer
	marked, _ := Report(&out, []*File{{Name: "m.trc", Header: &Header{}, Records: []Record{r}}}, 5)
	if len(marked) != 1 || !strings.Contains(out.String(), "Marked trace records are listed below") || !strings.Contains(out.String(), "m.trc:0") {
		t.Errorf("report at TL 5:\n%s", out.String())
	}
	// The TL=5 matrix hides the scores of 5 and below: row 6 becomes empty, row 14 keeps its 6.
	for _, l := range strings.Split(out.String(), "\n") {
		f := strings.Fields(l)
		if len(f) == 14 && f[0] == "6" && strings.Join(f[1:], "") != strings.Repeat(".", 13) {
			t.Errorf("row 6 at TL 5: %q", l)
		}
		if len(f) == 14 && f[0] == "14" && strings.Join(f[1:], "") != ".....6......." {
			t.Errorf("row 14 at TL 5: %q", l)
		}
	}
}

// A record names the solver that ran (Attributes.Solver), also in the
// performance trace's per-type columns, and attributes that name none are
// nnopt's.
func TestRecordNamesTheSolverThatRan(t *testing.T) {
	for _, tc := range []struct {
		solver string
		typ    nnopt.Problem
		want   string            // SolverName
		cols   map[string]string // per-type columns
	}{
		{"cbc", nnopt.MIP, "cbc", map[string]string{"MIP": "cbc", "LP": "NA", "NLP": "NA"}},
		{"clp", nnopt.LP, "clp", map[string]string{"LP": "clp", "MIP": "NA"}},
		{"nnopt", nnopt.NLP, "nnopt", map[string]string{"NLP": "nnopt", "LP": "NA"}},
		{"", nnopt.LP, SolverName, map[string]string{"LP": SolverName}},
	} {
		r := FromAttributes("m", nnopt.Attributes{Solver: tc.solver, UsedModelType: tc.typ}, Info{})
		if r.SolverName != tc.want {
			t.Errorf("solver %q: SolverName %q, want %q", tc.solver, r.SolverName, tc.want)
		}
		for col, want := range tc.cols {
			if got := fields[col].get(&r); got != want {
				t.Errorf("solver %q, %v: column %s %q, want %q", tc.solver, tc.typ, col, got, want)
			}
		}
	}
}
