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
	res, err := nlpsolve.SolveGeneral(ctx, inst.prob, pat, inst.start(), opt.settings())
	a := m.newAttributes(st, gen)
	if err != nil {
		a.SolveStatus, a.Status = SolveSetupFailure, StatusNoSolutionReturned
		switch {
		case errors.Is(err, nlpsolve.ErrEvaluation):
			a.SolveStatus = SolveEvaluationInterrupt
			err = fmt.Errorf("nnopt: model %q: %w", m.name, err)
		case errors.Is(err, nlpsolve.ErrTooManyCoupledRows), errors.Is(err, nlpsolve.ErrUnsupportedSetting):
			a.SolveStatus = SolveCapabilityProblems
			err = fmt.Errorf("nnopt: model %q: %w (%w)", m.name, err, ErrUnsupported)
		default:
			err = fmt.Errorf("nnopt: model %q: %w", m.name, err)
		}
		a.TotalSolveTime = time.Since(start).Seconds()
		m.Attributes = a
		return err
	}
	// Eliminated equations were solved by the last forward sweep, but the general
	// method's rows are evaluated: keep every equation level evaluated.
	m.writeBack(inst, res, a, func(int) bool { return false }, start)
	return nil
}
