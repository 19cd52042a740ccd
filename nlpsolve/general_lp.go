package nlpsolve

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/nnopt/nnopt/nlpsolve/grg"
	"github.com/nnopt/nnopt/nlpsolve/simplex"
)

// maxLinearCheckRows bounds the rows of the eliminated equations whose patterns
// linearProgram builds to see whether they are linear: beyond it (a network's
// layers) the problem is left to grg without building them.
const maxLinearCheckRows = 1 << 17

// linearProgram reports whether the problem grg would see is a linear program,
// which the simplex method solves exactly where grg would take one column per
// iteration and restore feasibility by Newton's method: every row kept is linear,
// and so is every eliminated equation that a row or the objective reads or whose
// variable has bounds. Those eliminated equations that rows read or that have
// bounds are returned in force: kept as rows they make the rows direct, and the
// caller restarts with them. An explicit Method or Memory asks for grg's L-BFGS
// directions, and the phase 1 settings for grg's phase 1, so such settings keep
// grg.
func (g *general) linearProgram(pat PatternFunc, set Settings) (ok bool, force []int, err error) {
	if set.Method != DefaultMethod || set.Memory != 0 || set.Phase1ObjectiveWeight != 0 || set.Phase1PinHeldRows || g.m == 0 || pat == nil {
		return false, nil, nil // no rows: grg's bound-constrained iterations
	}
	for k := range g.gen {
		if !g.gen[k].linear {
			return false, nil, nil
		}
	}
	need := map[int]bool{}
	for k := range g.gen {
		for _, a := range g.gen[k].anc {
			need[a] = true
		}
	}
	for _, a := range g.bounded {
		need[a] = true
	}
	for _, a := range g.objAnc {
		if _, ok := need[a]; !ok {
			need[a] = false // read, not forced
		}
	}
	rows := 0
	for ei := range need {
		rows += g.p.Equations[ei].Block.Rows()
	}
	if rows > maxLinearCheckRows {
		return false, nil, nil
	}
	for ei, f := range need {
		pt, err := pat(ei)
		if err != nil {
			return false, nil, fmt.Errorf("nlpsolve: equation %q: %w", g.p.Equations[ei].Name, err)
		}
		if !pt.Linear {
			return false, nil, nil
		}
		if f {
			force = append(force, ei)
		}
	}
	slices.Sort(force)
	return true, force, nil
}

// solveSimplex solves the linear program of g (linearProgram) by nlpsolve/simplex
// from the columns' bounds lo, up and returns the basic solution through finish.
// The rows are A·x - b with A the (constant) Jacobian and b = -c(0); the costs are
// the objective's (constant) gradient. The variables' and equations' Scale, when
// any is not 1, are the simplex's scales; otherwise it scales the rows and columns
// itself, unless Settings.Scaling is ScaleUser (the Scale attributes alone).
func (g *general) solveSimplex(ctx context.Context, set Settings, xc, lo, up []float64, start time.Time,
	finish func(Status, float64, int, []float64) (*Result, []int, error)) (*Result, []int, error) {
	n, m := len(g.colVB), g.m
	c0, grad, jac := make([]float64, m), make([]float64, n), make([]float64, len(g.rowIdx))
	f0, err := g.eval(make([]float64, n), c0, grad, jac)
	if err != nil {
		return nil, nil, err
	}
	lp := &simplex.Problem{N: n, M: m, ColPtr: g.colPtr, RowIdx: g.rowIdx, Val: jac, C: grad, ObjConstant: f0,
		Lo: lo, Up: up, RowLo: make([]float64, m), RowUp: make([]float64, m)}
	for i, r := range g.rel {
		b := -c0[i]
		lp.RowLo[i], lp.RowUp[i] = b, b
		switch r {
		case grg.LessEqual:
			lp.RowLo[i] = math.Inf(-1)
		case grg.GreaterEqual:
			lp.RowUp[i] = math.Inf(1)
		}
	}
	if err := g.checkFinite(f0, c0, grad); err != nil {
		return nil, nil, err
	}
	ss := simplex.Settings{IterationLimit: set.IterationLimit, OptimalityTolerance: set.GradientTolerance, FeasibilityTolerance: set.FeasibilityTolerance, Log: set.Log,
		UnboundedObjective: UnboundedObjective, Maximized: g.sign < 0}
	cs, rs := g.generalScales()
	// Scaling user asks for the Scale attributes alone: without any, none.
	ss.NoScaling = set.Scaling == ScaleUser
	if cs != nil {
		ss.ColScale = cs
		ss.RowScale = make([]float64, m)
		for i, d := range rs {
			ss.RowScale[i] = 1 / d
		}
	}
	ss.Stop = func() bool {
		return ctx.Err() != nil || (set.TimeLimit > 0 && time.Since(start) >= set.TimeLimit)
	}
	if set.Recorder != nil {
		ss.Progress = func(pr simplex.Progress) {
			obj, phase := pr.Objective, 1
			if pr.Phase == 2 {
				obj *= g.sign // as stated
				phase = 3     // the reference's feasible phase (Iteration.Phase)
			}
			set.Recorder(Iteration{Iter: pr.Iter, Phase: phase, Ninf: pr.Ninf, Objective: obj, RGmax: pr.RGMax, Step: pr.Step, OK: true, Elapsed: time.Since(start)})
		}
	}
	if set.Log != nil {
		fmt.Fprintf(set.Log, "Simplex method (the rows and the objective are linear): %d columns, %d rows from %d equations, %d equations eliminated\n",
			n, m, len(g.gen), len(g.elim))
		logEliminated(set.Log, g.p, g.elim)
	}
	if cs != nil && set.Log != nil {
		slo, sup := make([]float64, n), make([]float64, n)
		for j := range slo {
			slo[j], sup[j] = lo[j]/cs[j], up[j]/cs[j]
		}
		if err := g.logScaling(set.Log, newScaledGeneral(g, cs, rs), xc, slo, sup); err != nil {
			return nil, nil, err
		}
	}
	sr, err := simplex.Solve(lp, &ss)
	if err != nil {
		return nil, nil, fmt.Errorf("nlpsolve: simplex method: %w", err)
	}
	copy(xc, sr.X)
	var status Status
	switch sr.Status {
	case simplex.Optimal:
		status = Optimal
	case simplex.Infeasible:
		status = LocallyInfeasible
	case simplex.Unbounded:
		status = Unbounded
	case simplex.IterationLimit:
		status = IterationLimit
	case simplex.Stopped:
		status = TimeLimit
		if ctx.Err() != nil {
			status = UserInterrupt
		}
	case simplex.Stalled:
		status = NoProgress
	default:
		status = NumericalFailure
	}
	return finish(status, sr.RGMax, sr.Iterations, sr.Duals)
}
