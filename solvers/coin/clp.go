package coin

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"time"
)

// SolveLP solves p with Clp (Clp_initialSolve: presolve, then the dual or
// primal simplex as Clp chooses) and returns, when it is optimal, the row
// activities, row duals and reduced costs. p must have no integer columns
// (clear p.Integer to solve the relaxation); RelativeGap, AbsoluteGap,
// NodeLimit and Start are errors wrapping ErrUnsupportedSetting.
func SolveLP(ctx context.Context, p *LP, s Settings) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	for j, isInt := range p.Integer {
		if isInt {
			return nil, fmt.Errorf("coin: SolveLP: column %d is integer; use SolveMIP, or clear Integer to solve the relaxation", j)
		}
	}
	if len(p.SOS) > 0 {
		return nil, fmt.Errorf("coin: SolveLP: Clp cannot enforce special ordered sets (SOS %q and %d more); use SolveMIP, or clear SOS to solve the relaxation", p.SOS[0].Name, len(p.SOS)-1)
	}
	if err := s.validate(p, false); err != nil {
		return nil, err
	}
	lib, err := clpLoaded()
	if err != nil {
		return nil, err
	}
	solver := "Clp " + lib.version
	limit, byDeadline, done := timeBudget(ctx, s.TimeLimit)
	if done {
		return interrupted(solver), nil
	}
	c := convert(p)

	solveMu.Lock()
	defer solveMu.Unlock()
	m, err := lib.load(p, c, "Clp")
	if err != nil {
		return nil, err
	}
	defer lib.deleteModel(m)
	if s.Log != nil {
		logTo.w, logTo.solver = s.Log, "Clp"
		defer func() { logTo.w = nil }()
		lib.registerCB(m, messageCallback())
		lib.setLogLevel(m, 1)
	} else {
		lib.setLogLevel(m, 0)
	}
	if limit > 0 {
		lib.setMaxSeconds(m, max(limit.Seconds(), 1e-3))
	}
	if s.IterationLimit > 0 {
		lib.setMaxIters(m, int32(s.IterationLimit))
	}

	began := time.Now()
	restore := guardSIGINT()
	lib.initialSolve(m)
	restore()
	res := &Result{Solver: solver, Time: time.Since(began), Objective: math.NaN(), Bound: math.NaN()}
	runtime.KeepAlive(c)

	res.SolverStatus, res.SecondaryStatus = int(lib.status(m)), int(lib.secondary(m))
	res.Iterations = int(lib.iterationCount(m))
	switch res.SolverStatus {
	case 0:
		res.Status = Optimal
	case 1:
		res.Status = Infeasible
	case 2:
		res.Status = Unbounded
	case 3:
		res.Status = IterationLimit
		if limit > 0 && res.Time >= limit*9/10 {
			res.Status = TimeLimit
			if byDeadline {
				res.Status = Interrupted
			}
		}
	case 4:
		res.Status = Numerical
	default:
		res.Status = Numerical
	}
	if res.Status == Optimal || (res.Status != Infeasible && res.Status != Unbounded && lib.primalFeasible(m) != 0) {
		res.HasSolution = true
		res.X = cSlice(lib.colSolution(m), c.ncols)
		if res.X == nil {
			res.X = []float64{}
		}
		res.Objective = objective(p, res.X)
		res.RowActivity = cSlice(lib.rowActivity(m), c.nrows)
	}
	if res.Status == Optimal {
		res.Bound = res.Objective
		res.RowDuals = cSlice(lib.rowPrice(m), c.nrows)
		res.ReducedCosts = cSlice(lib.reducedCost(m), c.ncols)
	}
	return afterSolve(ctx, "Clp", res)
}
