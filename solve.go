package nnopt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/nnopt/nnopt/nlpsolve"
)

// Solving a model: Solve resolves the options, the model is generated (or a frozen
// model's instance updated), nlpsolve.Optimize picks the method (the triangular one
// when every equation defines a variable, else the general one) and the result is
// written back to the symbols and the Attributes.

// Solve generates the model and solves it with the options of the Container, the
// Model and this call (the more specific wins, see Options), writing levels and
// marginals back to the variables and equations and setting the model's
// Attributes. An error means the model could not be solved at all (bad model or
// options, unsupported feature, a point file or trace record that could not be
// written); a solve
// that stopped early is reported through Status and SolveStatus, with the current
// point written back.
func (m *Model) Solve(ctx context.Context, call Options) error {
	if ctx == nil {
		m.SolveStatus, m.Status = SolveSetupFailure, StatusNoSolutionReturned
		return fmt.Errorf("nnopt: model %q: nil context; pass context.Background() for a solve that is never cancelled", m.name)
	}
	opt := m.EffectiveOptions(call)
	if err := opt.validate(m.problem); err != nil {
		m.SolveStatus, m.Status = SolveSetupFailure, StatusNoSolutionReturned
		return err
	}
	if err := m.solve(ctx, opt); err != nil {
		return err
	}
	if opt.SavePoint != "" {
		if err := m.SavePoint(opt.SavePoint); err != nil {
			return fmt.Errorf("nnopt: model %q: option save point: %w", m.name, err)
		}
	}
	if opt.ReportSolution == ReportListing && opt.Output != nil {
		if err := m.WriteListing(opt.Output); err != nil {
			return fmt.Errorf("nnopt: model %q: option report solution: %w", m.name, err)
		}
	}
	if opt.Trace != nil {
		if err := opt.Trace.RecordSolve(m); err != nil {
			return fmt.Errorf("nnopt: model %q: option trace: %w", m.name, err)
		}
	}
	return nil
}

// solve is Solve with the options already resolved.
func (m *Model) solve(ctx context.Context, opt Options) error {
	start := time.Now()
	s, named := opt.solver(m.problem)
	if m.problem == LP && !named {
		var why string
		s, why = m.defaultLPSolver(opt)
		if opt.Output != nil {
			fmt.Fprintf(opt.Output, "LP solver: %s (%s)\n", s, why)
		}
	}
	if s != SolverName {
		return m.solveCOIN(ctx, opt, s, start)
	}
	// The model-type checks (modeltype.go), then whether nnopt solves the type: LP, QCP,
	// NLP, DNLP and the relaxed RMIP, RMIQCP, RMINLP all go to the NLP solver.
	if status, err := m.checkProblemType(); err != nil {
		m.SolveStatus, m.Status = status, StatusNoSolutionReturned
		return err
	}
	inst, err := m.solveInstance(opt) // m.compile(), or a frozen model's updated instance
	if err == nil {
		err = inst.useDevice(opt.backend())
	}
	if err != nil {
		m.SolveStatus, m.Status = SolveSetupFailure, StatusNoSolutionReturned
		return err
	}
	gen := time.Since(start)
	st := inst.stats
	if opt.Output != nil {
		st.Write(opt.Output)
	}
	res, err := nlpsolve.Optimize(ctx, inst.prob, inst.patterns(), inst.start(), opt.settings())
	a := m.newAttributes(st, gen)
	if err != nil {
		a.SolveStatus, a.Status = SolveSetupFailure, StatusNoSolutionReturned
		switch {
		case errors.Is(err, nlpsolve.ErrEvaluation):
			// Nothing was solved: the levels stay as the caller set them.
			a.SolveStatus = SolveEvaluationInterrupt
			err = fmt.Errorf("nnopt: model %q: %w", m.name, err)
		case errors.Is(err, nlpsolve.ErrCoupledJacobianTooLarge), errors.Is(err, nlpsolve.ErrUnsupportedSetting):
			a.SolveStatus = SolveCapabilityProblems
			err = fmt.Errorf("nnopt: model %q: %w (%w)", m.name, err, ErrUnsupported)
		default:
			err = fmt.Errorf("nnopt: model %q: %w", m.name, err)
		}
		a.TotalSolveTime = time.Since(start).Seconds()
		m.Attributes = a
		return err
	}
	// The triangular method's last forward sweep solved every defining equation for
	// its variable: their residuals are zero to rounding. The general method's rows
	// are evaluated.
	triangular := res.Algorithm == nlpsolve.TriangularAlgorithm
	m.writeBack(inst, res, a, func(i int) bool { return triangular && inst.prob.Equations[i].Defines >= 0 }, start)
	return nil
}

// patterns gives the general method each equation's Jacobian structure, from the
// equation's index patterns; only read when that method runs.
func (inst *instance) patterns() nlpsolve.PatternFunc {
	return func(ei int) (*nlpsolve.Pattern, error) {
		if ei < 0 || ei >= len(inst.eqs) {
			return nil, fmt.Errorf("no equation %d", ei)
		}
		bp := inst.structureOf(ei)
		return &nlpsolve.Pattern{RowStart: bp.RowStart, Row: bp.Row, Var: bp.VB, Elem: bp.Elem, Active: bp.Active,
			Linear: bp.Linear, Colour: func(p *nlpsolve.Pattern) {
				c := bp.Coloured(inst.varSize)
				p.GroupCols, p.GroupEntries = c.GroupCols, c.GroupEntries
			}}, nil
	}
}

// newAttributes are the attributes every solve sets before the solver runs.
func (m *Model) newAttributes(st Statistics, gen time.Duration) Attributes {
	return Attributes{
		NumEquations: st.Constraints, NumVariables: st.Variables, NumNonzeros: st.JacobianNonzeros,
		NumNonlinearZeros: st.NonlinearJacobianNonzeros, UsedModelType: m.problem,
		ModelGenerationTime: gen.Seconds(), Solver: SolverName, SolverVersion: SolverVersion, ObjectiveEstimate: math.NaN(),
	}
}

// writeBack stores a solver result in the model: levels and marginals of the
// variables and equations, the frozen model's sensitivities, and the attributes
// with the reference's model and solve statuses. solved[i] says that equation i was
// solved exactly for its variable by the final forward sweep, so its level (lhs −
// rhs) is zero to rounding and need not be evaluated again.
func (m *Model) writeBack(inst *instance, res *nlpsolve.Result, a Attributes, solved func(i int) bool, start time.Time) {
	for i, v := range inst.vars {
		if v.L != nil {
			copy(v.L, res.X[i])
			copy(v.M, res.VarMarginals[i])
		}
	}
	for i, e := range inst.eqs {
		copy(e.M, res.EqMarginals[i])
		if solved(i) {
			clear(e.L)
			continue
		}
		inst.blocks[i].Eval(res.X, e.L)
	}
	m.frozenSolved(inst)
	st := inst.stats
	a.ObjectiveValue = res.Objective
	if m.objective == nil {
		a.ObjectiveValue = 0
	}
	a.NumIterations = res.Iterations
	a.SolveModelTime = res.Elapsed.Seconds()
	a.SolverStartTime = res.StartElapsed.Seconds()
	a.Marginals = true
	a.MaxInfeasibility, a.SumInfeasibilities, a.NumInfeasibilities = res.MaxInfeasibility, res.SumInfeasibilities, res.NumInfeasibilities
	if st.Constraints > 0 {
		a.MeanInfeasibility = a.SumInfeasibilities / float64(st.Constraints)
	}
	a.SolveStatus, a.Status = m.statuses(res, isLinearOnly(st))
	a.TotalSolveTime = time.Since(start).Seconds()
	m.Attributes = a
}

// statuses maps the solver's status to the reference's solve and model statuses.
func (m *Model) statuses(res *nlpsolve.Result, linear bool) (SolveStatus, ModelStatus) {
	intermediate := StatusFeasibleIntermediate
	if res.NumInfeasibilities > 0 {
		intermediate = StatusInfeasibleIntermediate
	}
	switch res.Status {
	case nlpsolve.Optimal:
		if linear && (m.problem == NLP || m.problem == LP || m.problem == RMIP) {
			return SolveNormal, StatusOptimal
		}
		return SolveNormal, StatusLocallyOptimal
	case nlpsolve.LocallyInfeasible:
		// Phase 1 ended at a positive minimum of the sum of infeasibilities: a proof
		// of infeasibility for a linear model, a local one otherwise.
		if linear {
			return SolveNormal, StatusInfeasible
		}
		return SolveNormal, StatusLocallyInfeasible
	case nlpsolve.Unbounded:
		return SolveNormal, StatusUnbounded
	case nlpsolve.NoProgress:
		// The point is feasible but RGmax is above tolerance.
		return SolveTerminatedBySolver, intermediate
	case nlpsolve.IterationLimit:
		return SolveIterationInterrupt, intermediate
	case nlpsolve.TimeLimit:
		return SolveResourceInterrupt, intermediate
	case nlpsolve.UserInterrupt:
		return SolveUserInterrupt, intermediate
	case nlpsolve.EvaluationError:
		return SolveEvaluationInterrupt, StatusNoSolutionReturned
	}
	return SolveTerminatedBySolver, intermediate
}
