package coin

import (
	"strconv"
	"time"
)

// Status says why a solve stopped.
type Status int

// Termination statuses. Whether a limit or an interruption left a feasible
// point is Result.HasSolution.
const (
	NotSolved      Status = iota // the solver did not run (the zero value)
	Optimal                      // optimal: for a MIP, within Settings' gaps
	Infeasible                   // proven infeasible (a MIP: no integer point, or its relaxation is infeasible)
	Unbounded                    // the (relaxed) problem is unbounded
	TimeLimit                    // stopped by Settings.TimeLimit
	NodeLimit                    // stopped by Settings.NodeLimit
	IterationLimit               // stopped by the solver's own iteration limit
	Interrupted                  // stopped by the context's deadline or cancellation, or by SIGINT (Ctrl-C)
	Numerical                    // abandoned on numerical difficulties
	SolutionLimit                // stopped by Settings.SolutionLimit
)

func (s Status) String() string {
	names := [...]string{"not solved", "optimal", "infeasible", "unbounded", "time limit", "node limit",
		"iteration limit", "interrupted", "numerical difficulties", "solution limit"}
	if s < 0 || int(s) >= len(names) {
		return "Status(" + strconv.Itoa(int(s)) + ")"
	}
	return names[s]
}

// Result is the outcome of SolveLP or SolveMIP.
type Result struct {
	Status Status
	// HasSolution says X is a feasible point: the optimum, or the best
	// integer point found (the incumbent) when a limit or an interruption
	// stopped the solve. Without one, X is nil and Objective is NaN.
	HasSolution bool
	X           []float64
	// Objective is Obj'X + ObjOffset in the problem's sense.
	Objective float64
	// Bound is the best possible objective the solver proved (SolveMIP;
	// ObjOffset included), a lower bound when minimising and an upper bound
	// when maximising; NaN when there is none. SolveLP sets it to Objective
	// when the LP is optimal.
	Bound float64
	// Nodes is the number of branch-and-cut nodes (SolveMIP); Iterations the
	// simplex iterations.
	Nodes, Iterations int
	// RowActivity is A X; RowDuals and ReducedCosts the marginals of the rows
	// and columns with GAMS's signs (see the package documentation). SolveLP
	// only, when the LP is optimal.
	RowActivity, RowDuals, ReducedCosts []float64
	// CutCalls counts the calls of Settings.Cuts (SolveMIP).
	CutCalls int
	// Solver names the library and its version, e.g. "Cbc 2.10.8".
	Solver string
	// Time is the wall-clock time of the solve.
	Time time.Duration
	// SolverStatus and SecondaryStatus are the library's own codes
	// (Cbc_status/Cbc_secondaryStatus, Clp_status/Clp_secondaryStatus).
	SolverStatus, SecondaryStatus int
}
