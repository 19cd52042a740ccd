package nnopt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nnopt/nnopt/nlpsolve"
)

// solveGeneral solves a model whose constraints are not all triangular with the
// general reduced-gradient method (nlpsolve.SolveGeneral): the equations that define
// an unbounded variable stay eliminated and keep their forward and adjoint sweeps,
// every other equation becomes constraint rows over the remaining variables, with
// its Jacobian structure from the equation's index patterns (patternOf).
func (m *Model) solveGeneral(ctx context.Context, opt Options, inst *instance, start time.Time, gen time.Duration) error {
	st := inst.stats
	index := make(map[*Variable]int, len(inst.vars))
	for i, v := range inst.vars {
		index[v] = i
	}
	pat := func(ei int) (*nlpsolve.Pattern, error) {
		if ei < 0 || ei >= len(inst.eqs) {
			return nil, fmt.Errorf("no equation %d", ei)
		}
		bp := inst.patternOf(ei, index)
		return &nlpsolve.Pattern{RowStart: bp.rowStart, Row: bp.row, Var: bp.vb, Elem: bp.elem, Active: bp.active,
			Linear: bp.linear, GroupCols: bp.groupCols, GroupEntries: bp.groupEntries}, nil
	}
	res, err := nlpsolve.SolveGeneral(ctx, inst.prob, pat, inst.start(), nlpsolve.Settings{
		IterationLimit: opt.IterationLimit, TimeLimit: opt.TimeLimit, Log: opt.Output,
		GradientTolerance: opt.GradientTolerance, Memory: opt.Memory,
	})
	a := Attributes{
		NumEquations: st.Constraints, NumVariables: st.Variables, NumNonzeros: st.JacobianNonzeros,
		NumNonlinearZeros: st.NonlinearJacobianNonzeros, UsedModelType: m.problem,
		ModelGenerationTime: gen.Seconds(), SolverVersion: SolverVersion,
	}
	if err != nil {
		a.SolveStatus, a.Status = SolveSetupFailure, StatusNoSolutionReturned
		if errors.Is(err, nlpsolve.ErrTooManyCoupledRows) {
			a.SolveStatus = SolveCapabilityProblems
			err = fmt.Errorf("nnopt: model %q: %w (%w)", m.name, err, ErrUnsupported)
		} else {
			err = fmt.Errorf("nnopt: model %q: %w", m.name, err)
		}
		a.TotalSolveTime = time.Since(start).Seconds()
		m.Attributes = a
		return err
	}
	for i, v := range inst.vars {
		if v.L != nil {
			copy(v.L, res.X[i])
			copy(v.M, res.VarMarginals[i])
		}
	}
	for i, e := range inst.eqs {
		copy(e.M, res.EqMarginals[i])
		inst.blocks[i].Eval(res.X, e.L)
	}
	m.frozenSolved(inst)
	a.ObjectiveValue = res.Objective
	if m.objective == nil {
		a.ObjectiveValue = 0
	}
	a.NumIterations = res.Iterations
	a.SolveModelTime = res.Elapsed.Seconds()
	a.Marginals = true
	a.MaxInfeasibility, a.SumInfeasibilities, a.NumInfeasibilities = res.MaxInfeasibility, res.SumInfeasibilities, res.NumInfeasibilities
	if st.Constraints > 0 {
		a.MeanInfeasibility = a.SumInfeasibilities / float64(st.Constraints)
	}
	linear := isLinearOnly(st)
	intermediate := StatusFeasibleIntermediate
	if res.NumInfeasibilities > 0 {
		intermediate = StatusInfeasibleIntermediate
	}
	switch res.Status {
	case nlpsolve.Optimal:
		a.SolveStatus, a.Status = SolveNormal, StatusLocallyOptimal
		if linear && (m.problem == NLP || m.problem == LP || m.problem == RMIP) {
			a.Status = StatusOptimal
		}
	case nlpsolve.LocallyInfeasible:
		// Phase 1 ended at a positive minimum of the sum of infeasibilities: a proof
		// of infeasibility for a linear model, a local one otherwise.
		a.SolveStatus, a.Status = SolveNormal, StatusLocallyInfeasible
		if linear {
			a.Status = StatusInfeasible
		}
	case nlpsolve.Unbounded:
		a.SolveStatus, a.Status = SolveNormal, StatusUnbounded
	case nlpsolve.IterationLimit:
		a.SolveStatus, a.Status = SolveIterationInterrupt, intermediate
	case nlpsolve.TimeLimit:
		a.SolveStatus, a.Status = SolveResourceInterrupt, intermediate
	case nlpsolve.UserInterrupt:
		a.SolveStatus, a.Status = SolveUserInterrupt, intermediate
	default:
		a.SolveStatus, a.Status = SolveTerminatedBySolver, intermediate
	}
	a.TotalSolveTime = time.Since(start).Seconds()
	m.Attributes = a
	return nil
}
