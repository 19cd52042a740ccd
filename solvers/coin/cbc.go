package coin

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ebitengine/purego"
)

// SolveMIP solves p with Cbc's branch and cut (p.Integer marks the integer
// columns; p.SOS are branched on as special ordered sets). A problem without
// integer columns and sets goes to Clp, as SolveLP with
// the TimeLimit and Log of s (Cbc's C interface reports an unbounded LP as
// infeasible), and gets its duals; so does one without columns. The error is for an invalid p or
// s, a missing library, or a cancellation Cbc could not act on (see the
// package documentation); a limit, infeasibility or unboundedness is the
// Result's Status.
func SolveMIP(ctx context.Context, p *LP, s Settings) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := s.validate(p, true); err != nil {
		return nil, err
	}
	if !slices.Contains(p.Integer, true) && len(p.SOS) == 0 {
		return SolveLP(ctx, p, Settings{TimeLimit: s.TimeLimit, Log: s.Log})
	}
	lib, err := cbcLoaded()
	if err != nil {
		return nil, err
	}
	cols, start := p.NumCols, s.Start // the caller's columns and start
	if !slices.Contains(p.Integer, true) {
		// Cbc 2.10's Cbc_solve stops at "no integer variables" and leaves the sets
		// unenforced; one integer column fixed at 0, in no row, makes it branch.
		p, start = withFixedInteger(p), append(slices.Clip(s.Start), 0)
		if s.Start == nil {
			start = nil
		}
	}
	solver := "Cbc " + lib.version
	limit, byDeadline, done := timeBudget(ctx, s.TimeLimit)
	if done {
		return interrupted(solver), nil
	}
	c := convert(p)

	solveMu.Lock()
	defer solveMu.Unlock()
	m, err := lib.load(p, c, "Cbc")
	if err != nil {
		return nil, err
	}
	defer lib.deleteModel(m)
	for j, isInt := range p.Integer {
		if isInt {
			lib.setInteger(m, int32(j))
		}
	}
	sos := cSOS(p.SOS)
	if len(p.SOS) > 0 {
		for _, typ := range []int{1, 2} {
			if s := sos[typ]; s != nil {
				lib.addSOS(m, int32(len(s.starts)-1), ptr(s.starts), ptr(s.cols), ptr(s.weights), int32(typ))
			}
		}
	}
	logLevel := int32(0)
	if s.Log != nil {
		logLevel = 1
		logTo.w, logTo.solver = s.Log, "Cbc"
		defer func() { logTo.w = nil }()
		lib.registerCB(m, messageCallback())
	}
	lib.setLogLevel(m, logLevel)
	lib.setParam(m, "log", strconv.Itoa(int(logLevel)))
	if limit > 0 {
		lib.setParam(m, "timeMode", "elapsed")
		lib.setParam(m, "sec", seconds(limit))
	}
	if s.RelativeGap > 0 {
		lib.setParam(m, "ratioGap", strconv.FormatFloat(s.RelativeGap, 'g', -1, 64))
	}
	if s.AbsoluteGap > 0 {
		lib.setParam(m, "allowableGap", strconv.FormatFloat(s.AbsoluteGap, 'g', -1, 64))
	}
	if s.NodeLimit > 0 {
		lib.setParam(m, "maxNodes", strconv.Itoa(s.NodeLimit))
	}
	if s.UseCutoff {
		cut := s.Cutoff - p.ObjOffset
		lib.setParam(m, "cutoff", strconv.FormatFloat(cut, 'g', -1, 64))
	}
	if s.SolutionLimit > 0 {
		lib.setParam(m, "maxSolutions", strconv.Itoa(s.SolutionLimit))
	}
	if s.Cuts != nil {
		cutsTo.gen, cutsTo.ncols, cutsTo.cols, cutsTo.lib, cutsTo.err, cutsTo.calls = s.Cuts, p.NumCols, cols, lib, nil, 0
		defer func() { cutsTo.gen, cutsTo.lib = nil, nil }()
		lib.setParam(m, "preprocess", "off")
		lib.addCutCB(m, cutCallback(), "nnopt", 0)
	}
	var startCols []int32
	if start != nil {
		startCols = make([]int32, p.NumCols)
		for j := range startCols {
			startCols[j] = int32(j)
		}
		lib.setMIPStart(m, c.ncols, ptr(startCols), ptr(start))
	}

	began := time.Now()
	restore := guardSIGINT()
	lib.solve(m)
	restore()
	res := &Result{Solver: solver, Time: time.Since(began), Objective: math.NaN(), Bound: math.NaN()}
	runtime.KeepAlive(c)
	runtime.KeepAlive(sos)
	runtime.KeepAlive(startCols)
	runtime.KeepAlive(start)

	res.SolverStatus, res.SecondaryStatus = int(lib.status(m)), int(lib.secondaryStatus(m))
	res.Nodes, res.Iterations = int(lib.nodeCount(m)), int(lib.iterationCount(m))
	if x := lib.bestSolution(m); x != nil && p.NumCols > 0 {
		res.X = cSlice(x, c.ncols)[:cols]
	}
	res.HasSolution = res.X != nil
	if res.HasSolution {
		res.Objective = objective(p, res.X)
	}
	// Cbc_getBestPossibleObjValue is in the problem's sense already.
	if b := lib.bestPossible(m); !math.IsNaN(b) && math.Abs(b) < 1e50 {
		res.Bound = b + p.ObjOffset
	}
	res.Status = cbcStatus(lib, m, res.SolverStatus, res.SecondaryStatus, res.HasSolution)
	res.CutCalls = cutsTo.calls
	if s.Cuts != nil && cutsTo.err != nil {
		return res, fmt.Errorf("coin: Cuts: %w", cutsTo.err)
	}
	if res.Status == TimeLimit && byDeadline {
		res.Status = Interrupted
	}
	if res.Status == Optimal && res.HasSolution && math.IsNaN(res.Bound) {
		res.Bound = res.Objective
	}
	return afterSolve(ctx, "Cbc", res)
}

// withFixedInteger is p with one more column: integer, fixed at 0, in no row
// and not in the objective.
func withFixedInteger(p *LP) *LP {
	q := *p
	n := p.NumCols
	q.NumCols = n + 1
	q.ColStart = append(slices.Clip(p.ColStart), p.ColStart[n])
	grow := func(s []float64, def float64) []float64 {
		if s == nil {
			s = make([]float64, n)
			for j := range s {
				s[j] = def
			}
		}
		return append(slices.Clip(s), 0)
	}
	q.ColLower, q.ColUpper, q.Obj = grow(p.ColLower, 0), grow(p.ColUpper, math.Inf(1)), grow(p.Obj, 0)
	q.Integer = make([]bool, n+1)
	copy(q.Integer, p.Integer)
	q.Integer[n] = true
	return &q
}

// sosArrays are sets of one type in the compressed form Cbc_addSOS takes:
// set k's columns and weights are cols[starts[k]:starts[k+1]] and weights'.
type sosArrays struct {
	starts, cols []int32
	weights      []float64
}

// cSOS gathers the sets by type (1 and 2); a type without sets is nil.
func cSOS(sets []SOS) map[int]*sosArrays {
	out := map[int]*sosArrays{}
	for _, s := range sets {
		a := out[s.Type]
		if a == nil {
			a = &sosArrays{starts: []int32{0}}
			out[s.Type] = a
		}
		for q, j := range s.Index {
			w := float64(q + 1)
			if s.Weight != nil {
				w = s.Weight[q]
			}
			a.cols, a.weights = append(a.cols, int32(j)), append(a.weights, w)
		}
		a.starts = append(a.starts, int32(len(a.cols)))
	}
	return out
}

// cbcStatus maps Cbc's codes (Cbc_C_Interface.h) to a Status.
func cbcStatus(lib *cbcLib, m uintptr, status, secondary int, feasible bool) Status {
	switch {
	case lib.contUnbounded(m) != 0 || secondary == 7:
		return Unbounded
	case lib.provenInfeas(m) != 0 || secondary == 1:
		return Infeasible
	case status == 2 || lib.abandoned(m) != 0:
		return Numerical
	case status == 5 || secondary == 5:
		return Interrupted
	case secondary == 3:
		return NodeLimit
	case secondary == 4:
		return TimeLimit
	case secondary == 8:
		return IterationLimit
	case secondary == 6:
		return SolutionLimit
	case lib.provenOptimal(m) != 0 || (status == 0 && feasible) || secondary == 2:
		return Optimal
	}
	return Numerical
}

// cutsTo is the cut generator of the solve in progress (guarded by solveMu):
// the callback is one C function pointer for every solve.
var cutsTo struct {
	gen   func(x []float64) []Cut
	ncols int // the loaded problem's columns
	cols  int // the caller's: the first cols of them
	lib   *cbcLib
	err   error // the first bad cut, which ends the cuts of the solve
	calls int
}

// cutCallback is the C function Cbc calls for cuts: it hands the node's LP
// solution to the generator and adds the cuts it returns.
var cutCallback = sync.OnceValue(func() uintptr {
	return purego.NewCallback(func(osi, cuts, _ uintptr) {
		lib := cutsTo.lib
		if cutsTo.gen == nil || lib == nil || cutsTo.err != nil {
			return
		}
		n := int(lib.osiNumCols(osi))
		if n != cutsTo.ncols {
			cutsTo.err = fmt.Errorf("the node's LP has %d columns, the problem %d", n, cutsTo.ncols)
			return
		}
		x := cSlice(lib.osiColSolution(osi), int32(n))
		if x == nil {
			return
		}
		x, n = x[:cutsTo.cols], cutsTo.cols
		cutsTo.calls++
		for _, c := range cutsTo.gen(x) {
			if err := c.check(n); err != nil {
				cutsTo.err = err
				return
			}
			idx := make([]int32, len(c.Index))
			for k, j := range c.Index {
				idx[k] = int32(j)
			}
			lib.addRowCut(cuts, int32(len(idx)), ptr(idx), ptr(c.Value), c.Sense, c.RHS)
			runtime.KeepAlive(idx)
			runtime.KeepAlive(c.Value)
		}
	})
})
