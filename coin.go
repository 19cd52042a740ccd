package nnopt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/nnopt/nnopt/solvers/coin"
)

// defaultLPSolver picks the solver of an LP that Options.Solvers does not
// name: Clp when libClp loads, else nnopt, and nnopt as well where Clp cannot
// do what was asked: a frozen model (its kept instance is nnopt's) or an option
// that only nnopt's method honours. Since the user chose neither, these fall
// back rather than fail; why is the reason, for the log line.
func (m *Model) defaultLPSolver(opt Options) (solver, why string) {
	path, version, err := coin.LoadClp()
	if err != nil {
		return SolverName, "Clp not loaded: " + firstLine(err.Error())
	}
	if m.frozen != nil {
		return SolverName, "the model is frozen, which Clp cannot solve; Unfreeze it for Clp"
	}
	for _, o := range []struct {
		name string
		set  bool
	}{
		{"Method", opt.Method != DefaultMethod},
		{"GradientTolerance", opt.GradientTolerance != 0},
		{"Memory", opt.Memory != 0},
		{"Scaling", opt.Scaling != DefaultScaling},
		{"Elimination", opt.Elimination != DefaultElimination},
		{"FeasibilityTolerance", opt.FeasibilityTolerance != 0},
		{"Phase1ObjectiveWeight", opt.Phase1ObjectiveWeight != 0},
		{"Phase1PinHeldRows", opt.Phase1PinHeldRows},
		{"OnIteration", opt.OnIteration != nil},
	} {
		if o.set {
			return SolverName, "option " + o.name + " is set, which only nnopt's method honours"
		}
	}
	return "clp", fmt.Sprintf("default; Clp %s from %s", version, path)
}

// firstLine is s up to its first newline, without a trailing "; tried:" list
// header, so that a loader's error fits one log line.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "; tried:")
}

// solveCOIN solves a linear model (LP, RMIP, MIP) with COIN-OR's Cbc or Clp
// (package solvers/coin), as Options.Solvers chooses: the model's linear program
// (LinearProgram) goes to the library, and its solution comes back as levels,
// marginals (an LP's duals and reduced costs; a MIP has none) and attributes,
// with the objective bound and the nodes of a MIP.
func (m *Model) solveCOIN(ctx context.Context, opt Options, solver string, start time.Time) error {
	fail := func(s SolveStatus, err error) error {
		m.SolveStatus, m.Status = s, StatusNoSolutionReturned
		return fmt.Errorf("nnopt: model %q: %w", m.name, err)
	}
	if err := m.CheckType(m.problem); err != nil {
		m.SolveStatus, m.Status = SolveSetupFailure, StatusNoSolutionReturned
		return err
	}
	if m.frozen != nil {
		return fail(SolveCapabilityProblems, fmt.Errorf("a frozen model is solved by %q only, not %q; Unfreeze it or choose %q in Options.Solvers: %w", SolverName, solver, SolverName, ErrUnsupported))
	}
	inst, err := m.compile()
	if err != nil {
		return fail(SolveSetupFailure, err)
	}
	prog, err := m.linearProgram(inst, LPOptions{})
	if err != nil {
		return fail(SolveSetupFailure, err)
	}
	lp, err := coin.FromProgram(prog)
	if err != nil {
		return fail(SolveSetupFailure, err)
	}
	mip := m.problem == MIP
	if !mip {
		lp.Integer, lp.SOS = nil, nil // LP, or the relaxation RMIP
	}
	gen := time.Since(start)
	if opt.Output != nil {
		inst.stats.Write(opt.Output)
		fmt.Fprintf(opt.Output, "Solver: %s\n", solver)
	}
	set := coin.Settings{TimeLimit: opt.TimeLimit, Log: opt.Output}
	if solver == "clp" {
		set.IterationLimit = opt.IterationLimit // Cbc's C interface has none
	}
	if mip {
		set.RelativeGap, set.AbsoluteGap, set.NodeLimit = opt.MIP.RelativeGap, opt.MIP.AbsoluteGap, opt.MIP.NodeLimit
		set.UseCutoff, set.Cutoff, set.SolutionLimit = opt.MIP.UseCutoff, opt.MIP.Cutoff, opt.MIP.SolutionLimit
		if opt.MIP.Start {
			for _, v := range inst.vars {
				set.Start = append(set.Start, v.L...)
			}
		}
	}
	var cutErr error
	if opt.Cuts != nil {
		if !mip {
			return fail(SolveCapabilityProblems, fmt.Errorf("Options.Cuts is for a MIP; this is %v: %w", m.problem, ErrUnsupported))
		}
		set.Cuts = m.cutGenerator(inst, opt.Cuts, &cutErr)
		levels := make([][]float64, len(inst.vars))
		for i, v := range inst.vars {
			levels[i] = append([]float64(nil), v.L...)
		}
		defer func() { // without a solution, the levels the solve started from
			if m.Status == StatusNoSolutionReturned || m.Status == StatusIntegerInfeasible {
				for i, v := range inst.vars {
					copy(v.L, levels[i])
				}
			}
		}()
	}
	var res *coin.Result
	if solver == "cbc" {
		res, err = coin.SolveMIP(ctx, lp, set)
	} else {
		res, err = coin.SolveLP(ctx, lp, set)
	}
	a := m.newAttributes(inst.stats, gen)
	a.Solver, a.SolverVersion = solver, solver
	if res != nil {
		a.SolverVersion = res.Solver
	}
	if err != nil && (res == nil || !errors.Is(err, coin.ErrNotInterruptible)) {
		a.SolveStatus, a.Status = SolveCapabilityProblems, StatusNoSolutionReturned
		a.TotalSolveTime = time.Since(start).Seconds()
		m.Attributes = a
		return fmt.Errorf("nnopt: model %q: solver %s: %w", m.name, solver, err)
	}
	if cutErr != nil {
		err = errors.Join(err, fmt.Errorf("nnopt: model %q: Options.Cuts: %w", m.name, cutErr))
	}
	a.SolveStatus, a.Status = coinStatuses(res, mip)
	a.NumIterations, a.NumNodes, a.ObjectiveEstimate = res.Iterations, res.Nodes, res.Bound
	a.SolveModelTime = res.Time.Seconds()
	if res.HasSolution {
		m.writeCOIN(inst, res, &a)
	}
	a.TotalSolveTime = time.Since(start).Seconds()
	m.Attributes = a
	return err
}

// writeCOIN writes a COIN-OR solution back: the levels of the variables (the
// program's columns, in order), the equations' levels (lhs - rhs) at them and the
// rows' infeasibilities there (as nnopt's method counts them: violations over
// 1e-6), and for an LP the marginals (the rows' duals in the order
// linearProgram writes them).
func (m *Model) writeCOIN(inst *instance, res *coin.Result, a *Attributes) {
	x := make([][]float64, len(inst.vars))
	col := 0
	for i, v := range inst.vars {
		x[i] = res.X[col : col+len(v.L)]
		copy(v.L, x[i])
		if res.ReducedCosts != nil {
			copy(v.M, res.ReducedCosts[col:col+len(v.L)])
		} else {
			clear(v.M)
		}
		col += len(v.L)
	}
	row := 0
	for q, e := range inst.eqs {
		b := inst.blocks[q]
		b.Eval(x, e.L)
		clear(e.M)
		if e.Type == NB {
			continue
		}
		active := b.Active()
		for r, v := range e.L {
			if active != nil && !active[r] {
				continue
			}
			if res.RowDuals != nil {
				e.M[r] = res.RowDuals[row]
			}
			row++
			switch e.Type { // the rows' violations, measured as nnopt's method does
			case LE:
				v = max(v, 0)
			case GE:
				v = max(-v, 0)
			default:
				v = math.Abs(v)
			}
			if math.IsNaN(v) {
				v = math.Inf(1)
			}
			a.SumInfeasibilities += v
			a.MaxInfeasibility = max(a.MaxInfeasibility, v)
			if v > 1e-6 {
				a.NumInfeasibilities++
			}
		}
	}
	if inst.stats.Constraints > 0 {
		a.MeanInfeasibility = a.SumInfeasibilities / float64(inst.stats.Constraints)
	}
	a.ObjectiveValue = res.Objective
	if m.objective == nil {
		a.ObjectiveValue = 0
	}
	a.Marginals = res.RowDuals != nil
}

// coinStatuses maps a COIN-OR result to the reference's solve and model statuses.
func coinStatuses(res *coin.Result, mip bool) (SolveStatus, ModelStatus) {
	found := StatusNoSolutionReturned
	if res.HasSolution {
		found = StatusFeasibleIntermediate
		if mip {
			found = StatusInteger
		}
	}
	switch res.Status {
	case coin.Optimal:
		return SolveNormal, StatusOptimal
	case coin.Infeasible:
		if mip {
			return SolveNormal, StatusIntegerInfeasible
		}
		return SolveNormal, StatusInfeasible
	case coin.Unbounded:
		return SolveNormal, StatusUnbounded
	case coin.SolutionLimit:
		return SolveNormal, found
	case coin.TimeLimit, coin.NodeLimit:
		return SolveResourceInterrupt, found
	case coin.IterationLimit:
		return SolveIterationInterrupt, found
	case coin.Interrupted:
		return SolveUserInterrupt, found
	}
	return SolveSolverFailure, found
}

// cutGenerator wraps a user's cut generator for Cbc: the node's LP solution
// goes into the variables' levels, and the cuts come back over the program's
// columns (every element of every variable, in the instance's order). The
// first bad cut is kept in *bad, and no cut is added after it.
func (m *Model) cutGenerator(inst *instance, gen func() []Cut, bad *error) func([]float64) []coin.Cut {
	offset := make(map[*Variable]int, len(inst.vars))
	col := 0
	for _, v := range inst.vars {
		offset[v] = col
		col += len(v.L)
	}
	return func(x []float64) []coin.Cut {
		if *bad != nil {
			return nil
		}
		col := 0
		for _, v := range inst.vars {
			copy(v.L, x[col:col+len(v.L)])
			col += len(v.L)
		}
		var out []coin.Cut
		for k, c := range gen() {
			cc := coin.Cut{RHS: c.RHS}
			switch c.Sense {
			case LE:
				cc.Sense = 'L'
			case GE:
				cc.Sense = 'G'
			case EQ:
				cc.Sense = 'E'
			default:
				*bad = fmt.Errorf("cut %d: sense %v; want LE, GE or EQ", k, c.Sense)
				return nil
			}
			for _, t := range c.Terms {
				o, ok := offset[t.Var]
				switch {
				case t.Var == nil:
					*bad = fmt.Errorf("cut %d: a term without a variable", k)
				case !ok:
					*bad = fmt.Errorf("cut %d: variable %q is not in the model", k, t.Var.Name())
				case t.Elem < 0 || t.Elem >= len(t.Var.L):
					*bad = fmt.Errorf("cut %d: element %d of %q, which has %d", k, t.Elem, t.Var.Name(), len(t.Var.L))
				case math.IsNaN(t.Coef) || math.IsInf(t.Coef, 0):
					*bad = fmt.Errorf("cut %d: coefficient %v of %s", k, t.Coef, t.Var.ElementName(t.Elem))
				}
				if *bad != nil {
					return nil
				}
				cc.Index, cc.Value = append(cc.Index, o+t.Elem), append(cc.Value, t.Coef)
			}
			if math.IsNaN(c.RHS) || math.IsInf(c.RHS, 0) {
				*bad = fmt.Errorf("cut %d: right-hand side %v", k, c.RHS)
				return nil
			}
			out = append(out, cc)
		}
		return out
	}
}
