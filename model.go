package nnopt

import (
	"errors"
	"fmt"
	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
	"math"
	"strings"

	"github.com/nnopt/nnopt/nlpsolve"
)

// Problem is a model type of the reference's classification.
type Problem int

// Model types.
const (
	LP Problem = iota
	NLP
	QCP
	DNLP
	MIP
	RMIP
	MINLP
	RMINLP
	MIQCP
	RMIQCP
	MCP
	CNS
	MPEC
	RMPEC
	EMP
	MPSGE
)

var problemNames = [...]string{"LP", "NLP", "QCP", "DNLP", "MIP", "RMIP", "MINLP", "RMINLP", "MIQCP", "RMIQCP", "MCP", "CNS", "MPEC", "RMPEC", "EMP", "MPSGE"}

func (p Problem) String() string { return problemNames[p] }

// ParseProblem reads a model type name such as "nlp" (case-insensitive).
func ParseProblem(s string) (Problem, error) {
	for i, n := range problemNames {
		if strings.EqualFold(n, s) {
			return Problem(i), nil
		}
	}
	return 0, fmt.Errorf("nnopt: unknown problem type %q; want one of %s", s, strings.Join(problemNames[:], ", "))
}

// Sense is the direction of optimization.
type Sense int

// Senses.
const (
	Minimize Sense = iota
	Maximize
	Feasibility
)

func (s Sense) String() string { return [...]string{"MIN", "MAX", "FEASIBILITY"}[s] }

// ModelStatus is the reference's model status code.
type ModelStatus int

// Model status codes.
const (
	StatusOptimal ModelStatus = iota + 1
	StatusLocallyOptimal
	StatusUnbounded
	StatusInfeasible
	StatusLocallyInfeasible
	StatusInfeasibleIntermediate
	StatusFeasibleIntermediate
	StatusInteger
	StatusNonIntegerIntermediate
	StatusIntegerInfeasible
	StatusLicensingProblem
	StatusErrorUnknown
	StatusErrorNoSolution
	StatusNoSolutionReturned
	StatusSolvedUnique
	StatusSolved
	StatusSolvedSingular
	StatusUnboundedNoSolution
	StatusInfeasibleNoSolution
)

var modelStatusNames = [...]string{"", "Optimal", "Locally Optimal", "Unbounded", "Infeasible", "Locally Infeasible", "Intermediate Infeasible", "Feasible Solution", "Integer Solution", "Intermediate Non-Integer", "Integer Infeasible", "Licensing Problem", "Error Unknown", "Error No Solution", "No Solution Returned", "Solved Unique", "Solved", "Solved Singular", "Unbounded - No Solution", "Infeasible - No Solution"}

func (s ModelStatus) String() string {
	if s < 1 || int(s) >= len(modelStatusNames) {
		return fmt.Sprintf("ModelStatus(%d)", int(s))
	}
	return modelStatusNames[s]
}

// SolveStatus is the reference's solver termination code.
type SolveStatus int

// Solve status codes.
const (
	SolveNormal SolveStatus = iota + 1
	SolveIterationInterrupt
	SolveResourceInterrupt
	SolveTerminatedBySolver
	SolveEvaluationInterrupt
	SolveCapabilityProblems
	SolveLicensingProblems
	SolveUserInterrupt
	SolveSetupFailure
	SolveSolverFailure
	SolveInternalSolverFailure
	SolveProcessingSkipped
	SolveSystemFailure
)

var solveStatusNames = [...]string{"", "Normal Completion", "Iteration Interrupt", "Resource Interrupt", "Terminated By Solver", "Evaluation Interrupt", "Capability Problems", "Licensing Problems", "User Interrupt", "Setup Failure", "Solver Failure", "Internal Solver Failure", "Solve Processing Skipped", "System Failure"}

func (s SolveStatus) String() string {
	if s < 1 || int(s) >= len(solveStatusNames) {
		return fmt.Sprintf("SolveStatus(%d)", int(s))
	}
	return solveStatusNames[s]
}

// SolverVersion identifies nnopt's solver in model attributes and logs.
const SolverVersion = "nnopt-rg 0.1"

// Attributes are the model attributes of the reference, set by Solve.
type Attributes struct {
	Status         ModelStatus
	SolveStatus    SolveStatus
	ObjectiveValue float64
	NumIterations  int
	// NumNodes and ObjectiveEstimate are a MIP solver's branch-and-bound nodes and
	// its best proven bound on the objective (NaN when it has none).
	NumNodes             int
	ObjectiveEstimate    float64
	NumEquations         int
	NumVariables         int
	NumNonzeros          int
	NumNonlinearZeros    int
	NumDiscreteVariables int
	NumInfeasibilities   int
	NumNonoptimalities   int
	MaxInfeasibility     float64
	SumInfeasibilities   float64
	MeanInfeasibility    float64
	Marginals            bool
	UsedModelType        Problem
	ModelGenerationTime  float64 // seconds
	SolveModelTime       float64 // seconds in the solver
	// SolverStartTime is the part of SolveModelTime before the first iteration:
	// setting up and evaluating the start point (the forward and adjoint sweeps).
	SolverStartTime float64
	TotalSolveTime  float64 // seconds for the whole Solve call
	// Solver is the solver that ran, by its Options.Solvers name (nnopt, clp or
	// cbc), and SolverVersion its version.
	Solver        string
	SolverVersion string
}

// Model is a set of equations with a problem type, a sense and an objective.
type Model struct {
	// Options are this model's options; they override the Container's, and a
	// Solve call's override them (see Options).
	Options   Options
	name      string
	c         *Container
	equations []*Equation
	problem   Problem
	sense     Sense
	objective *Expr
	frozen    *frozen // the kept instance of a frozen model (freeze.go)
	Attributes
}

// ModelSpec describes a model. Objective is a scalar variable or expression; it may
// be nil only with Sense Feasibility.
type ModelSpec struct {
	Equations []*Equation
	Problem   Problem
	Sense     Sense
	Objective Operand
}

// NewModel adds a model.
func (c *Container) NewModel(name string, spec ModelSpec) (*Model, error) {
	if _, dup := c.symbols[name]; dup || name == "" {
		return nil, fmt.Errorf("nnopt: model name %q is empty or already used by another symbol", name)
	}
	m := &Model{name: name, c: c, equations: append([]*Equation(nil), spec.Equations...), problem: spec.Problem, sense: spec.Sense}
	if spec.Problem < LP || spec.Problem > MPSGE {
		return nil, fmt.Errorf("nnopt: model %q: unknown problem type %d", name, spec.Problem)
	}
	if spec.Objective != nil {
		m.objective = spec.Objective.expr()
		if m.objective.err != nil {
			return nil, fmt.Errorf("nnopt: model %q objective: %w", name, m.objective.err)
		}
		if len(m.objective.free) > 0 {
			return nil, fmt.Errorf("nnopt: model %q: the objective varies over %s; it must be scalar (sum it)", name, domainNames(m.objective.free))
		}
	} else if spec.Sense != Feasibility {
		return nil, fmt.Errorf("nnopt: model %q: sense %s needs an objective", name, spec.Sense)
	}
	if len(m.equations) == 0 && m.objective == nil {
		return nil, fmt.Errorf("nnopt: model %q has no equations and no objective: nothing to solve", name)
	}
	c.register(name, m)
	return m, nil
}

// Name returns the model's name.
func (m *Model) Name() string { return m.name }

// Sense returns the model's direction of optimization.
func (m *Model) Sense() Sense { return m.sense }

// ErrUnsupported is wrapped by errors for features nnopt does not have yet.
var ErrUnsupported = errors.New("not supported yet")

// instance is a compiled model: variable blocks and equation blocks.
type instance struct {
	vars   []*Variable
	eqs    []*Equation
	blocks []*engine.Block
	prob   *nlpsolve.Problem
	stats  Statistics
	// specs are the equations as the engine reads them, and varIndex the variable
	// block of each variable symbol: for the Jacobian's structure.
	specs    []engine.Equation
	varIndex map[*engine.Symbol]int
	// structs are the Jacobian structures the statistics enumerated (nil for an
	// equation they counted by formula), which patternOf colours rather than
	// enumerate again.
	structs []*engine.Pattern
}

// useDevice moves the instance's blocks to be (nil: the CPU) unless they are there.
func (inst *instance) useDevice(be backend.Backend) error {
	for _, b := range inst.blocks {
		if err := b.Use(be); err != nil {
			return fmt.Errorf("nnopt: option device %s: %w", be.Name(), err)
		}
	}
	return nil
}

// compile turns the model into blocks, with no row expansion.
func (m *Model) compile() (*instance, error) {
	inst := &instance{}
	eqs := m.equations
	objVar, isVar := m.objectiveVariable()
	if m.objective != nil && !isVar {
		// An objective expression gets a variable and a defining equation, as in the
		// reference's generated models.
		objVar = &Variable{name: m.name + "_objective", Type: Free, L: []float64{0}, M: []float64{0}, Lo: []float64{math.Inf(-1)}, Up: []float64{math.Inf(1)}, Scale: []float64{1}}
		def := &Equation{name: m.name + "_objective_def", L: []float64{0}, M: []float64{0}, Scale: []float64{1}}
		if err := def.Define(Eq(objVar.At(), m.objective)); err != nil {
			return nil, err
		}
		eqs = append(append([]*Equation(nil), eqs...), def)
	}
	if m.objective == nil { // feasibility: a constant objective
		objVar = &Variable{name: m.name + "_objective", L: []float64{0}, M: []float64{0}, Lo: []float64{0}, Up: []float64{0}, Scale: []float64{1}}
	}
	index := map[*Variable]int{}
	addVar := func(v *Variable) {
		if _, ok := index[v]; !ok {
			index[v] = len(inst.vars)
			inst.vars = append(inst.vars, v)
		}
	}
	for _, e := range eqs {
		if e.def == nil {
			return nil, fmt.Errorf("nnopt: model %q: equation %q has no definition", m.name, e.name)
		}
		for _, side := range []*Expr{e.def.lhs, e.def.rhs} {
			walkRefs(side, func(v *Variable) { addVar(v) })
		}
	}
	addVar(objVar)
	taken := map[*engine.Symbol]bool{}
	prob := &nlpsolve.Problem{Objective: index[objVar], Maximize: m.sense == Maximize}
	if err := checkScales(m.name, inst.vars, eqs); err != nil {
		return nil, err
	}
	for _, v := range inst.vars {
		pv := nlpsolve.Variable{Name: v.name, Lo: v.Lo, Up: v.Up, Label: v.label}
		if !allOnes(v.Scale) {
			pv.Scale = v.Scale
		}
		prob.Vars = append(prob.Vars, pv)
	}
	t := newTerms()
	c := t.compiler(inst.vars, nil)
	inst.varIndex = c.VarIndex
	for _, e := range eqs {
		b, spec, err := t.block(c, e)
		if err != nil {
			return nil, fmt.Errorf("nnopt: model %q: %w", m.name, err)
		}
		pe := nlpsolve.Equation{Name: e.name, Block: b, Relation: nlpsolve.Relation(e.Type), Vars: b.Vars(), Defines: -1, Label: e.label}
		if !allOnes(e.Scale) {
			pe.Scale = e.Scale
		}
		if e.Type == EQ {
			if v, coef, ok := engine.DefinedVariable(&spec, taken); ok {
				taken[v] = true
				pe.Defines, pe.Coef = c.VarIndex[v], coef
				b.Defines(pe.Defines)
			}
		}
		inst.eqs = append(inst.eqs, e)
		inst.specs = append(inst.specs, spec)
		inst.blocks = append(inst.blocks, b)
		prob.Equations = append(prob.Equations, pe)
	}
	inst.prob = prob
	syms := make([]*engine.Symbol, len(inst.vars))
	for i, v := range inst.vars {
		syms[i] = t.variable(v)
	}
	inst.stats, inst.structs = engine.StatsAndStructures(inst.specs, syms, inst.varIndex)
	return inst, nil
}

func (m *Model) objectiveVariable() (*Variable, bool) {
	if m.objective == nil || m.objective.op != engine.OpRef {
		return nil, false
	}
	v, ok := m.objective.sym.(*Variable)
	return v, ok
}

// walkRefs calls f with the symbol of every reference in e that is a T (a
// *Variable, a *Parameter).
func walkRefs[T any](e *Expr, f func(T)) {
	if s, ok := e.sym.(T); ok && e.op == engine.OpRef {
		f(s)
	}
	for _, a := range e.args {
		walkRefs(a, f)
	}
}

// Statistics returns the model statistics the solver reports, computed from the
// blocks' structure without expanding rows.
func (m *Model) Statistics() (Statistics, error) {
	inst, err := m.compile()
	if err != nil {
		return Statistics{}, err
	}
	return inst.stats, nil
}

// Problem generates the model in the solver's form, without solving it: the variable
// blocks, the equation blocks with their Eval/JVP/VJP/HVP, and the starting point (the
// variables' levels, shared, not copied). It is for driving nlpsolve directly and for
// timing blocks; Solve does the same and then runs the solver.
func (m *Model) Problem() (*nlpsolve.Problem, [][]float64, error) {
	inst, err := m.compile()
	if err != nil {
		return nil, nil, err
	}
	return inst.prob, inst.start(), nil
}

// start is the starting point: the variables' levels.
func (inst *instance) start() [][]float64 {
	x0 := make([][]float64, len(inst.vars))
	for i, v := range inst.vars {
		x0[i] = v.L
	}
	return x0
}

func isLinearOnly(st Statistics) bool { return st.NonlinearJacobianNonzeros == 0 }
