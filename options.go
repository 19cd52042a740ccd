package nnopt

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/optfile"
)

// Options control solves. They can be set in three places, and the more specific
// wins field by field: a Solve call's options over the Model's (Model.Options) over
// the Container's (Container.Options), as the reference's model attributes take
// precedence over option statements, which take precedence over the command line.
// A zero field is "not set here" (the reference's NA): it leaves the decision to the
// less specific level, and when no level sets a field the solver's default applies.
// Setting a Model's field back to zero unsets it.
type Options struct {
	IterationLimit int           // 0: not set; unset everywhere, no limit
	TimeLimit      time.Duration // 0: not set; unset everywhere, no limit
	// Output receives the solver log (statistics and iteration lines); nil for none.
	Output io.Writer
	// Method is the search-direction method of the reduced-gradient solver: unset,
	// L-BFGS (the general method turning to Newton-CG steps when L-BFGS stalls);
	// LBFGS or NewtonCG throughout.
	Method Method
	// GradientTolerance on the reduced gradient; 0 for the solver default.
	GradientTolerance float64
	// Memory is the number of curvature pairs the quasi-Newton method keeps; 0 for
	// the solver default.
	Memory int
	// Scaling of the variables the solver moves: unset, the method's own (the
	// triangular method scales every variable block automatically on top of the
	// variables' Scale; the general method uses Scale, and where no variable or
	// equation has one, scales each variable element whose start has magnitude
	// nlpsolve.AutoScaleMin or more by a power of two of that magnitude);
	// ScaleAuto demands the triangular method's per-block scaling, which the
	// general method refuses; ScaleUser uses Scale alone.
	Scaling Scaling
	// Elimination says which equations that define a variable the solver
	// eliminates: unset, every one it can (the general method's log names them);
	// EliminateNone none, so that every equation stays rows (the general method).
	Elimination Elimination
	// FeasibilityTolerance is the largest row residual the general method accepts
	// as feasible (0: not set; unset everywhere, nlpsolve.DefaultFeasibilityTolerance,
	// 1e-9); a row violated by more than it, or than 1e-6 where it is smaller,
	// counts as infeasible in the attributes. See nlpsolve.Settings.
	FeasibilityTolerance float64
	// Phase1ObjectiveWeight sets the general method's composite phase 1, which
	// minimises the sum of infeasibilities plus a falling weight times the
	// objective (0: not set; unset everywhere, 1e-2; negative: the plain phase 1).
	// Phase1PinHeldRows holds the rows satisfied at phase 1's start as if
	// equalities (false: not set). Both choose phase 1's path, so a different
	// local optimum may follow; see nlpsolve.Settings.
	Phase1ObjectiveWeight float64
	Phase1PinHeldRows     bool
	// Solvers chooses the solver per problem type, as the reference's lp=, nlp=, ...
	// options do: "nnopt" (nnopt's own methods), "cbc" (COIN-OR Cbc: LP, RMIP and
	// MIP, the default for MIP) or "clp" (COIN-OR Clp: LP and RMIP). Cbc and Clp
	// are loaded at run time (Debian coinor-libcbc3, coinor-libclp1); a missing
	// library is an error at Solve when named here. An LP that names no solver
	// goes to Clp when libClp loads, else to nnopt, and also to nnopt when the
	// model is frozen or the options set what only nnopt's method honours (Method,
	// GradientTolerance, Memory, Scaling, Elimination, FeasibilityTolerance, the
	// phase 1 settings, OnIteration); a line of
	// Output says which and why ("LP solver: ..."). Clp scales the LP by its own
	// rules, not by the symbols' Scale, which change no solution. RMIP and the
	// nonlinear types default to nnopt. Entries merge key by key across the levels.
	Solvers map[Problem]string
	// SavePoint, when set, is the point file Solve writes after the solve: the levels
	// and marginals of the model's symbols (see Model.SavePoint, Container.LoadPoint).
	SavePoint string
	// OnIteration is called after every iteration.
	OnIteration func(Iteration)
	// Threads is how many threads the CPU kernels use during the solve (the
	// reference's threads option): the solve runs on a CPU backend of its own with
	// that many (backend.CPU.WithThreads), so concurrent solves may differ and the
	// process-wide setting (SetThreads) is left alone. 0: not set; unset
	// everywhere, the process-wide setting.
	Threads int
	// ReportSolution writes the solution listing (Model.WriteListing) to Output after
	// the solve: the reference's report_solution option.
	ReportSolution Report
	// Trace, when set, is told about every Solve that returned a result: the
	// reference's trace_file and trace_file_format options are a trace.File here.
	Trace SolveRecorder
	// Freeze says how a frozen model applies its modifiables' data (Model.Freeze);
	// a level that sets any of its fields sets all of them.
	Freeze FreezeOptions
	// MIP controls the solve of a MIP model (Cbc); other problem types have no
	// use for it. A level that sets any of its fields sets all of them.
	MIP MIPOptions
	// Cuts is a cut generator for a MIP solved by Cbc (the reference's user cut
	// call of its branch-and-cut facility): Cbc calls it at the nodes of its
	// search with the node's LP solution in the variables' levels, and adds the
	// cuts it returns, which must hold for every integer-feasible point. The
	// levels are the final solution's again after the solve. Cbc's C interface
	// offers no incumbent callback; Output's log reports each new incumbent.
	Cuts func() []Cut
	// Device is the backend the equation blocks run on (package device opens one by
	// name: cpu, cuda, auto). nil: not set; unset everywhere, the CPU.
	Device backend.Backend
}

// A SolveRecorder records finished solves, e.g. by appending a trace record to a
// file (package trace); it reads the model's Attributes.
type SolveRecorder interface {
	RecordSolve(m *Model) error
}

// solversFor are the solvers of each problem type, its default first: nnopt's
// reduced-gradient method, COIN-OR's Cbc for integer and linear models and Clp
// for linear ones (package solvers/coin, loaded at run time). An LP's listed
// default, nnopt, gives way to Clp when it loads (Model.defaultLPSolver).
var solversFor = map[Problem][]string{
	LP: {SolverName, "clp", "cbc"}, RMIP: {SolverName, "clp", "cbc"}, MIP: {"cbc"},
	QCP: {SolverName}, NLP: {SolverName}, DNLP: {SolverName}, RMIQCP: {SolverName}, RMINLP: {SolverName}, CNS: {SolverName},
	MINLP: {SolverName}, MIQCP: {SolverName}, MCP: {SolverName}, MPEC: {SolverName}, RMPEC: {SolverName}, EMP: {SolverName}, MPSGE: {SolverName},
}

// solver is the solver Solvers names for p, in lower case, else p's default;
// named says whether Solvers names it (an LP's default is decided at Solve,
// by Model.defaultLPSolver).
func (o Options) solver(p Problem) (s string, named bool) {
	if s, ok := o.Solvers[p]; ok {
		return strings.ToLower(s), true
	}
	return solversFor[p][0], false
}

// SolverName is the name of nnopt's solver in Options.Solvers.
const SolverName = "nnopt"

// over returns o with every field that top sets replaced by top's.
func (o Options) over(top Options) Options {
	if top.IterationLimit != 0 {
		o.IterationLimit = top.IterationLimit
	}
	if top.TimeLimit != 0 {
		o.TimeLimit = top.TimeLimit
	}
	if top.Output != nil {
		o.Output = top.Output
	}
	if top.Method != DefaultMethod {
		o.Method = top.Method
	}
	if top.GradientTolerance != 0 {
		o.GradientTolerance = top.GradientTolerance
	}
	if top.Memory != 0 {
		o.Memory = top.Memory
	}
	if top.Scaling != DefaultScaling {
		o.Scaling = top.Scaling
	}
	if top.Elimination != DefaultElimination {
		o.Elimination = top.Elimination
	}
	if top.FeasibilityTolerance != 0 {
		o.FeasibilityTolerance = top.FeasibilityTolerance
	}
	if top.Phase1ObjectiveWeight != 0 {
		o.Phase1ObjectiveWeight = top.Phase1ObjectiveWeight
	}
	if top.Phase1PinHeldRows {
		o.Phase1PinHeldRows = true
	}
	if len(top.Solvers) > 0 {
		merged := make(map[Problem]string, len(o.Solvers)+len(top.Solvers))
		for p, s := range o.Solvers {
			merged[p] = s
		}
		for p, s := range top.Solvers {
			merged[p] = s
		}
		o.Solvers = merged
	}
	if top.SavePoint != "" {
		o.SavePoint = top.SavePoint
	}
	if top.OnIteration != nil {
		o.OnIteration = top.OnIteration
	}
	if top.Threads != 0 {
		o.Threads = top.Threads
	}
	if top.ReportSolution != ReportUnset {
		o.ReportSolution = top.ReportSolution
	}
	if top.Trace != nil {
		o.Trace = top.Trace
	}
	if top.MIP != (MIPOptions{}) {
		o.MIP = top.MIP
	}
	if top.Freeze != (FreezeOptions{}) {
		o.Freeze = top.Freeze
	}
	if top.Device != nil {
		o.Device = top.Device
	}
	if top.Cuts != nil {
		o.Cuts = top.Cuts
	}
	return o
}

// Cut is a linear cut over variable elements, Σ Coef·Var.L[Elem] Sense RHS, for
// Options.Cuts. Sense is LE, GE or EQ.
type Cut struct {
	Terms []CutTerm
	Sense EqType
	RHS   float64
}

// CutTerm is one term of a Cut: the coefficient of element Elem (row-major over
// the variable's domain) of Var.
type CutTerm struct {
	Var  *Variable
	Elem int
	Coef float64
}

// EffectiveOptions returns the options a Solve(ctx, call) would use: the
// Container's, overridden by the Model's, overridden by call.
func (m *Model) EffectiveOptions(call Options) Options {
	return m.c.Options.over(m.Options).over(call)
}

// maxThreads bounds Options.Threads: more threads than this only add scheduling
// cost on any machine nnopt runs on.
const maxThreads = 4096

// Validate says whether every setting is in its range, with an error that wraps a
// *nlpsolve.RangeError naming the setting, its value and what is accepted. The solver settings are checked by
// nlpsolve.Settings.Validate, the same check the option files and cmd/train's flags
// go through.
func (o Options) Validate() error {
	set := o.settings()
	if err := set.Validate(); err != nil {
		var re *nlpsolve.RangeError
		if errors.As(err, &re) {
			return fmt.Errorf("nnopt: option %w", re)
		}
		return err
	}
	if o.Threads < 0 || o.Threads > maxThreads {
		return fmt.Errorf("nnopt: option %w", &nlpsolve.RangeError{Setting: "threads", Value: fmt.Sprint(o.Threads), Want: fmt.Sprintf("a count in [1, %d], or 0 for the process-wide setting", maxThreads)})
	}
	switch o.ReportSolution {
	case ReportUnset, ReportNone, ReportListing:
	default:
		return fmt.Errorf("nnopt: option report solution %d: want ReportNone or ReportListing", int(o.ReportSolution))
	}
	for _, g := range []struct {
		name string
		v    float64
	}{{"relative optimality gap", o.MIP.RelativeGap}, {"absolute optimality gap", o.MIP.AbsoluteGap}} {
		if !(g.v >= 0 && !math.IsInf(g.v, 1)) {
			return fmt.Errorf("nnopt: option %w", &nlpsolve.RangeError{Setting: g.name, Value: fmt.Sprint(g.v), Want: "a finite number ≥ 0 (0: the solver's default)"})
		}
	}
	if o.MIP.UseCutoff && (math.IsNaN(o.MIP.Cutoff) || math.IsInf(o.MIP.Cutoff, 0)) {
		return fmt.Errorf("nnopt: option %w", &nlpsolve.RangeError{Setting: "cutoff", Value: fmt.Sprint(o.MIP.Cutoff), Want: "a finite value"})
	}
	if o.MIP.SolutionLimit < 0 {
		return fmt.Errorf("nnopt: option %w", &nlpsolve.RangeError{Setting: "solution limit", Value: fmt.Sprint(o.MIP.SolutionLimit), Want: "a count ≥ 0 (0: no limit)"})
	}
	if o.MIP.NodeLimit < 0 {
		return fmt.Errorf("nnopt: option %w", &nlpsolve.RangeError{Setting: "node limit", Value: fmt.Sprint(o.MIP.NodeLimit), Want: "a count ≥ 0 (0: no limit)"})
	}
	return nil
}

// MIPOptions are the reference's options of a MIP solve: the optimality gaps at
// which branch and bound may stop, a node limit, and whether the variables'
// levels are a MIP start. The zero value is the solver's defaults and no start.
type MIPOptions struct {
	RelativeGap float64 // |bound - best| / |best| at which to stop; 0: the solver's (Cbc: 1e-4)
	AbsoluteGap float64 // |bound - best| at which to stop; 0: the solver's
	NodeLimit   int     // 0: no limit
	// UseCutoff asks for solutions better than Cutoff only (above it when
	// maximising): nodes whose bound is not better are pruned, and a model
	// without such a solution ends Integer Infeasible. With SolutionLimit 1
	// this decides whether the optimum passes Cutoff, faster than optimising.
	UseCutoff bool
	Cutoff    float64
	// SolutionLimit stops the search at this many incumbents (0: no limit).
	SolutionLimit int
	// Start offers the variables' levels (rounded by the solver where integer) as
	// a first incumbent.
	Start bool
}

// backend is the backend a solve runs on: Device, else the CPU; a CPU with the
// solve's own Threads when they are set.
func (o Options) backend() backend.Backend {
	be := o.Device
	if be == nil {
		be = cpuBackend
	}
	if cpu, ok := be.(*backend.CPU); ok && o.Threads > 0 {
		be = cpu.WithThreads(o.Threads)
	}
	return be
}

// settings is the one conversion of the options to the solver's settings.
func (o Options) settings() nlpsolve.Settings {
	return nlpsolve.Settings{
		IterationLimit: o.IterationLimit, TimeLimit: o.TimeLimit, GradientTolerance: o.GradientTolerance,
		Method: o.Method, Memory: o.Memory, Scaling: o.Scaling, Elimination: o.Elimination, Log: o.Output, Recorder: o.OnIteration,
		FeasibilityTolerance: o.FeasibilityTolerance, Phase1ObjectiveWeight: o.Phase1ObjectiveWeight, Phase1PinHeldRows: o.Phase1PinHeldRows,
	}
}

// ApplyOptionFile stores the plain options of an option file (iteration limit,
// time limit, method, gradient tolerance, memory, scaling, elimination,
// feasibility tolerance, phase1 objective weight, phase1 pin held rows) in o,
// in file order.
// Its dot options name symbols, so a model applies them: Model.ApplyDotOptions.
func (o *Options) ApplyOptionFile(f *optfile.File) {
	set := o.settings()
	f.Apply(&set)
	o.IterationLimit, o.TimeLimit, o.GradientTolerance = set.IterationLimit, set.TimeLimit, set.GradientTolerance
	o.Method, o.Memory, o.Scaling, o.Elimination = set.Method, set.Memory, set.Scaling, set.Elimination
	o.FeasibilityTolerance, o.Phase1ObjectiveWeight, o.Phase1PinHeldRows = set.FeasibilityTolerance, set.Phase1ObjectiveWeight, set.Phase1PinHeldRows
}

func (o Options) validate(p Problem) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if s, _ := o.solver(p); !slices.Contains(solversFor[p], s) {
		return fmt.Errorf("nnopt: option solver for %v: %q is not available; want one of %s (%w)", p, s, strings.Join(solversFor[p], ", "), ErrUnsupported)
	}
	return nil
}
