package nnopt

import (
	"time"

	"github.com/nnopt/nnopt/nlpsolve"
)

// newAttributes are the attributes every solve sets before the solver runs.
func (m *Model) newAttributes(st Statistics, gen time.Duration) Attributes {
	return Attributes{
		NumEquations: st.Constraints, NumVariables: st.Variables, NumNonzeros: st.JacobianNonzeros,
		NumNonlinearZeros: st.NonlinearJacobianNonzeros, UsedModelType: m.problem,
		ModelGenerationTime: gen.Seconds(), SolverVersion: SolverVersion,
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
