package trace

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/nnopt/nnopt"
)

// Numbers of model and solve status codes.
const (
	NumModelStatus = 19
	NumSolveStatus = 13
)

// modelSolveStat scores each model status (row) and solve status (column) pair from 0
// (not an accepted outcome) to 9, as the reference's ModelSolveStat matrix.
var modelSolveStat = [NumModelStatus][NumSolveStatus]int8{
	{9},                             // 1 optimal
	{9, 9, 9, 9, 9, 0, 0, 9},        // 2 locally optimal
	{9},                             // 3 unbounded
	{9},                             // 4 infeasible
	{9},                             // 5 locally infeasible
	{0, 5, 5, 5, 5, 0, 0, 5},        // 6 intermediate infeasible
	{9, 9, 9, 9, 9, 0, 0, 9},        // 7 feasible solution
	{9, 9, 9, 9, 9, 0, 0, 9},        // 8 integer solution
	{0, 5, 5, 5, 5, 0, 0, 5},        // 9 intermediate non-integer
	{9},                             // 10 integer infeasible
	{0, 0, 0, 0, 0, 0, 5},           // 11 licensing problem
	{10: 3, 12: 3},                  // 12 error unknown
	{8: 3, 9: 3, 11: 3},             // 13 error no solution
	{4, 4, 4, 4, 4, 6, 0, 4, 11: 3}, // 14 no solution returned
	{9},                             // 15 solved unique
	{9},                             // 16 solved
	{9},                             // 17 solved singular
	{9},                             // 18 unbounded, no solution
	{9},                             // 19 infeasible, no solution
}

// Score returns the ModelSolveStat score of a model status and solve status pair: 1
// to 9 for accepted outcomes, higher for better, and 0 for a pair that is not accepted
// or codes out of range.
func Score(modelStatus, solveStatus int) int {
	if modelStatus < 1 || modelStatus > NumModelStatus || solveStatus < 1 || solveStatus > NumSolveStatus {
		return 0
	}
	return int(modelSolveStat[modelStatus-1][solveStatus-1])
}

// Marked reports whether a Solve record fails trace level tl: its score is not above
// tl. Other records are never marked.
func Marked(r Record, tl int) bool {
	return r.Kind == Solve && Score(r.ModelStatus, r.SolverStatus) <= tl
}

// Report writes a trace report of the files at trace level tl: the ModelSolveStat
// matrix with the scores above tl, the marked Solve records (score at most tl), counts
// and timing of the job records, and for the Solve records the counts of models,
// solvers and types, status counts, size and timing totals and means, and cross tables
// of model type by solve status, model type by model status and model status by solve
// status. It returns the marked records.
func Report(w io.Writer, files []*File, tl int) ([]Record, error) {
	ew := &errWriter{w: w}
	var names []string
	var all, solves, jobs []Record
	comments := 0
	for _, f := range files {
		names = append(names, f.Name)
		comments += f.Comments
		for _, r := range f.Records {
			all = append(all, r)
			if r.Kind == Solve {
				solves = append(solves, r)
			} else {
				jobs = append(jobs, r)
			}
		}
	}
	var marked []Record
	var markedFile []string
	for _, f := range files {
		for _, r := range f.Records {
			if Marked(r, tl) {
				marked = append(marked, r)
				markedFile = append(markedFile, f.Name)
			}
		}
	}

	ew.printf("Trace Report for File(s): %s\n", strings.Join(names, ", "))
	for _, f := range files {
		ew.printf("  %s: format %s, %d records, %d comment lines\n", f.Name, f.Header.Format(), len(f.Records), f.Comments)
	}
	ew.printf("Trace Summary with TL=%d: Trace Records = %d, Marked Records = %d", tl, len(all), len(marked))
	if len(all) > 0 {
		ew.printf(", First Date = %s", first(all).Time.Format("01/02/06 15:04:05"))
	}
	ew.printf("\n\nUsing ModelSolveStat for TL=%d (rows: model status, columns: solve status)\n", tl)
	tw := tabwriter.NewWriter(ew, 3, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for s := 1; s <= NumSolveStatus; s++ {
		fmt.Fprintf(tw, "%d\t", s)
	}
	fmt.Fprintln(tw)
	for m := 1; m <= NumModelStatus; m++ {
		fmt.Fprintf(tw, "%d\t", m)
		for s := 1; s <= NumSolveStatus; s++ {
			if sc := Score(m, s); sc > tl {
				fmt.Fprintf(tw, "%d\t", sc)
			} else {
				fmt.Fprint(tw, ".\t")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()

	if len(marked) == 0 {
		ew.printf("\nNo marked trace records.\n")
	} else {
		ew.printf("\nMarked trace records are listed below:\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "Record\tDate\tTime\tFilename\tModel\tType\tSolver\tMessage")
		for i, r := range marked {
			fmt.Fprintf(tw, "%s:%d\t%s\t%s\t%s\t%s\t%s\t%s\tscore %d: model status %d %s, solve status %d %s\n",
				markedFile[i], r.Line, r.Time.Format("01/02/06"), r.Time.Format("15:04:05"), orNA(r.InputFileName), orNA(r.ModelName),
				orNA(r.ModelType), orNA(r.SolverName), Score(r.ModelStatus, r.SolverStatus),
				r.ModelStatus, nnopt.ModelStatus(r.ModelStatus), r.SolverStatus, nnopt.SolveStatus(r.SolverStatus))
		}
		tw.Flush()
	}

	ew.printf("\n")
	if len(all) > 0 {
		ew.printf("First time stamp = %s\nLast time stamp  = %s\n", first(all).Time.Format("01/02/06 15:04:05"), last(all).Time.Format("01/02/06 15:04:05"))
	}
	ew.printf("Total trace records   = %d\nTotal comment records = %d\nTotal job records     = %d\n", len(all), comments, len(jobs))
	if len(jobs) > 0 {
		ew.printf("  all return codes\n")
		for _, c := range countBy(jobs, func(r Record) int { return r.ReturnCode }) {
			ew.printf("  %5d RC= %d\n", c.n, c.key)
		}
		timings(ew, jobs, []timing{
			{"start", func(r Record) float64 { return r.StartupTime }},
			{"compile", func(r Record) float64 { return r.CompTime }},
			{"execute", func(r Record) float64 { return r.ExecTime }},
			{"closedown", func(r Record) float64 { return r.CloseDownTime }},
			{"total", func(r Record) float64 { return r.TotalTime }},
		})
	}

	ew.printf("\nTotal SOLVE records = %d\n", len(solves))
	if len(solves) == 0 {
		return marked, ew.err
	}
	ew.printf("  models  = %s\n", distinct(solves, modelName))
	ew.printf("  solvers = %s\n", distinct(solves, func(r Record) string { return orNA(r.SolverName) }))
	ew.printf("  types   = %s\n", distinct(solves, func(r Record) string { return orNA(r.ModelType) }))
	ew.printf("  all return codes\n")
	for _, c := range countBy(solves, func(r Record) int { return r.SolverStatus }) {
		ew.printf("  solvestatus %5d RC= %2d %s\n", c.n, c.key, nnopt.SolveStatus(c.key))
	}
	for _, c := range countBy(solves, func(r Record) int { return r.ModelStatus }) {
		ew.printf("  modelstatus %5d RC= %2d %s\n", c.n, c.key, nnopt.ModelStatus(c.key))
	}
	ew.printf("\n")
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Numbers\ttotal\tmean\t")
	for _, n := range []struct {
		name string
		f    func(Record) int
	}{
		{"equations", func(r Record) int { return r.NumberOfEquations }},
		{"variables", func(r Record) int { return r.NumberOfVariables }},
		{"discrete", func(r Record) int { return r.NumberOfDiscreteVariables }},
		{"nonzeros", func(r Record) int { return r.NumberOfNonZeros }},
		{"nonlinear", func(r Record) int { return r.NumberOfNonlinearNonZeros }},
		{"iterations", func(r Record) int { return r.NumberOfIterations }},
		{"nodes", func(r Record) int { return r.NumberOfNodes }},
	} {
		total := 0
		for _, r := range solves {
			total += n.f(r)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t\n", n.name, total, float64(total)/float64(len(solves)))
	}
	tw.Flush()
	timings(ew, solves, []timing{
		{"generation", func(r Record) float64 { return r.ModelGenerationTime }},
		{"solver", func(r Record) float64 { return r.SolverTime }},
		{"ETSolver", func(r Record) float64 { return r.ETSolver }},
		{"interface", func(r Record) float64 { return r.ETInterface }},
		{"total solve", func(r Record) float64 { return r.ETSolve }},
	})

	types := distinctList(solves, func(r Record) string { return orNA(r.ModelType) })
	crossTable(ew, "SOLVESTAT Cross Tabulation (rows: model type)", types, NumSolveStatus, solves,
		func(r Record) string { return orNA(r.ModelType) }, func(r Record) int { return r.SolverStatus })
	crossTable(ew, "MODELSTAT Cross Tabulation (rows: model type)", types, NumModelStatus, solves,
		func(r Record) string { return orNA(r.ModelType) }, func(r Record) int { return r.ModelStatus })
	var rows []string
	for m := 1; m <= NumModelStatus; m++ {
		rows = append(rows, fmt.Sprint(m))
	}
	rows = append(rows, "other")
	crossTable(ew, "MODELSTAT x SOLVESTAT Cross Tabulation (rows: model status)", rows, NumSolveStatus, solves,
		func(r Record) string {
			if r.ModelStatus < 1 || r.ModelStatus > NumModelStatus {
				return "other"
			}
			return fmt.Sprint(r.ModelStatus)
		}, func(r Record) int { return r.SolverStatus })
	return marked, ew.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func orNA(s string) string {
	if s == "" {
		return "NA"
	}
	return s
}

// modelName is the model name, or the input file name where the format has none.
func modelName(r Record) string {
	if r.ModelName != "" {
		return r.ModelName
	}
	return orNA(r.InputFileName)
}

func first(rs []Record) Record {
	return slices.MinFunc(rs, func(a, b Record) int { return a.Time.Compare(b.Time) })
}

func last(rs []Record) Record {
	return slices.MaxFunc(rs, func(a, b Record) int { return a.Time.Compare(b.Time) })
}

type count struct{ key, n int }

func countBy(rs []Record, key func(Record) int) []count {
	m := map[int]int{}
	for _, r := range rs {
		m[key(r)]++
	}
	var out []count
	for k, n := range m {
		out = append(out, count{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

func distinctList(rs []Record, key func(Record) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		if k := key(r); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func distinct(rs []Record, key func(Record) string) string {
	l := distinctList(rs, key)
	return fmt.Sprintf("%d (%s)", len(l), strings.Join(l, ", "))
}

type timing struct {
	name string
	f    func(Record) float64
}

// timings prints totals and means of the known values (NA values are left out of both).
func timings(ew *errWriter, rs []Record, ts []timing) {
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Time (sec)\ttotal\tmean\t")
	for _, t := range ts {
		total, n := 0.0, 0
		for _, r := range rs {
			if v := t.f(r); !math.IsNaN(v) {
				total += v
				n++
			}
		}
		if n == 0 {
			fmt.Fprintf(tw, "%s\tNA\tNA\t\n", t.name)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t\n", t.name, total, total/float64(n))
	}
	tw.Flush()
}

// crossTable prints counts of records by row label and by column code 1..cols, with
// codes out of range in an "other" column when there are any.
func crossTable(ew *errWriter, title string, rows []string, cols int, rs []Record, row func(Record) string, col func(Record) int) {
	counts := map[string][]int{}
	other := false
	for _, r := range rs {
		c := col(r)
		if c < 1 || c > cols {
			c, other = cols+1, true
		}
		k := row(r)
		if counts[k] == nil {
			counts[k] = make([]int, cols+2)
		}
		counts[k][c]++
	}
	ew.printf("\n%s\n", title)
	tw := tabwriter.NewWriter(ew, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	last := cols
	if other {
		last = cols + 1
	}
	for c := 1; c <= last; c++ {
		if c > cols {
			fmt.Fprint(tw, "other\t")
		} else {
			fmt.Fprintf(tw, "%d\t", c)
		}
	}
	fmt.Fprintln(tw, "tot\t")
	totals := make([]int, cols+2)
	for _, k := range rows {
		cs := counts[k]
		if cs == nil {
			continue
		}
		fmt.Fprintf(tw, "%s\t", k)
		tot := 0
		for c := 1; c <= last; c++ {
			if cs[c] == 0 {
				fmt.Fprint(tw, ".\t")
			} else {
				fmt.Fprintf(tw, "%d\t", cs[c])
			}
			tot += cs[c]
			totals[c] += cs[c]
		}
		fmt.Fprintf(tw, "%d\t\n", tot)
	}
	fmt.Fprint(tw, "total\t")
	tot := 0
	for c := 1; c <= last; c++ {
		fmt.Fprintf(tw, "%d\t", totals[c])
		tot += totals[c]
	}
	fmt.Fprintf(tw, "%d\t\n", tot)
	tw.Flush()
}
