package trace

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/nlpsolve"
)

// SolveTraceOptions configure a SolveTrace.
type SolveTraceOptions struct {
	// Name is the file name shown in the opening and closing comments ("solvetrace"
	// when empty).
	Name string
	// ID names the solver in the opening comment (SolverName when empty).
	ID string
	// Instance is the model name in the opening comment.
	Instance string
	// NodeFrequency writes an N line every that many iterations; 0 for none.
	NodeFrequency int
	// TimeFrequency writes a T line when that much more solver time has passed; 0 for
	// none. An iteration that gets an N line gets no T line.
	TimeFrequency time.Duration
	// Maximize makes bestFound the largest objective seen rather than the smallest.
	Maximize bool
}

// SolveTrace writes a solve trace: CSV lines "lineNum, seriesID, node, seconds,
// bestFound, bestBound" with seriesID S (start), N (node frequency), T (time
// frequency) and E (end). A node is an iteration of nnopt's solver; seconds are solver
// time (nlpsolve.Iteration.Elapsed); bestFound is the best objective seen; bestBound is
// na, as a local NLP solve proves no bound. Methods are safe for concurrent use; write
// errors are kept for Err and End.
type SolveTrace struct {
	mu       sync.Mutex
	w        io.Writer
	o        SolveTraceOptions
	line     int
	started  bool
	ended    bool
	best     float64
	last     nlpsolve.Iteration
	nextTime time.Duration
	err      error
}

// NewSolveTrace returns a solve trace writing to w.
func NewSolveTrace(w io.Writer, o SolveTraceOptions) *SolveTrace {
	if o.Name == "" {
		o.Name = "solvetrace"
	}
	if o.ID == "" {
		o.ID = SolverName
	}
	return &SolveTrace{w: w, o: o, best: math.NaN(), nextTime: o.TimeFrequency}
}

func (t *SolveTrace) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func num(v float64) string {
	if math.IsNaN(v) {
		return "na"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func (t *SolveTrace) record(series string, node int, elapsed time.Duration, found float64) {
	t.line++
	t.printf("%d, %s, %d, %.3f, %s, %s\n", t.line, series, node, elapsed.Seconds(), num(found), "na")
}

// Start writes the opening comments and the S line; Iteration calls it when it has not
// been called.
func (t *SolveTrace) Start() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start()
}

func (t *SolveTrace) start() {
	if t.started {
		return
	}
	t.started = true
	t.printf("* solvetrace file %s: ID = %s Instance = %s\n", t.o.Name, t.o.ID, t.o.Instance)
	t.printf("* fields are lineNum, seriesID, node, seconds, bestFound, bestBound\n")
	t.record("S", 0, 0, math.NaN())
}

// Iteration takes one iteration record and writes an N or T line when one is due.
func (t *SolveTrace) Iteration(it nlpsolve.Iteration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start()
	if t.ended {
		return
	}
	t.improve(it.Objective)
	t.last = it
	switch {
	case t.o.NodeFrequency > 0 && it.Iter%t.o.NodeFrequency == 0:
		t.record("N", it.Iter, it.Elapsed, t.best)
	case t.o.TimeFrequency > 0 && it.Elapsed >= t.nextTime:
		t.record("T", it.Iter, it.Elapsed, t.best)
	default:
		return
	}
	if t.o.TimeFrequency > 0 && it.Elapsed >= t.nextTime {
		// The next T line is due at the first multiple of the frequency after now.
		t.nextTime = (it.Elapsed/t.o.TimeFrequency + 1) * t.o.TimeFrequency
	}
}

func (t *SolveTrace) improve(obj float64) {
	if math.IsNaN(obj) {
		return
	}
	if math.IsNaN(t.best) || (t.o.Maximize && obj > t.best) || (!t.o.Maximize && obj < t.best) {
		t.best = obj
	}
}

// OnIteration returns Iteration as a function for nnopt.Options.OnIteration (or
// nlpsolve.Settings.Recorder).
func (t *SolveTrace) OnIteration() func(nlpsolve.Iteration) { return t.Iteration }

// End writes the E line with the final iteration count, solver time and objective
// (NaN for none), then the closing comment, and returns the first write error. Later
// calls do nothing.
func (t *SolveTrace) End(iterations int, elapsed time.Duration, objective float64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start()
	if !t.ended {
		t.ended = true
		t.improve(objective)
		t.record("E", iterations, elapsed, t.best)
		t.printf("* solvetrace file %s closed\n", t.o.Name)
	}
	return t.err
}

// EndLast is End with the last iteration seen.
func (t *SolveTrace) EndLast() error {
	t.mu.Lock()
	last := t.last
	t.mu.Unlock()
	return t.End(last.Iter, last.Elapsed, math.NaN())
}

// EndModel is End with the attributes of m's last Solve.
func (t *SolveTrace) EndModel(m *nnopt.Model) error {
	a := m.Attributes
	obj := a.ObjectiveValue
	if a.Status == nnopt.StatusNoSolutionReturned || a.Status == nnopt.StatusErrorNoSolution {
		obj = math.NaN()
	}
	return t.End(a.NumIterations, time.Duration(a.SolveModelTime*float64(time.Second)), obj)
}

// Err returns the first write error.
func (t *SolveTrace) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}
