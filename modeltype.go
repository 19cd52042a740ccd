package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/internal/engine"
)

// Degree classifies an expression by how it depends on the variables, in increasing
// order: a model type allows equations up to some degree. Its rule for each
// operation is in the engine's operation table.
type Degree = engine.Degree

// Degrees of an expression: constant (no variable), linear, quadratic (products of
// at most two linear terms, Sqr, Power(x, 2), a kernel with two variable arguments),
// nonlinear (smooth functions, other powers, division by a variable, LogSumExp,
// products beyond degree 2), and non-smooth (functions that need a DNLP).
const (
	DegreeConstant  = engine.DegreeConstant
	DegreeLinear    = engine.DegreeLinear
	DegreeQuadratic = engine.DegreeQuadratic
	DegreeNonlinear = engine.DegreeNonlinear
	DegreeNonSmooth = engine.DegreeNonSmooth
)

// Classify returns the degree of e with respect to the variables, and the term that
// gives it that degree: the innermost subexpression of that degree whose operands are
// all of lower degree (exp(x) in y + exp(x), x * y in 2 * (x * y)). The term is nil
// for constant and linear expressions made of references alone.
func Classify(e Operand) (Degree, *Expr) {
	x := e.expr()
	if x.err != nil {
		return DegreeConstant, nil
	}
	d, term := engine.Classify(newTerms().term(x))
	if term == nil {
		return d, nil
	}
	return d, term.Origin.(*Expr)
}

// ModelTypeError reports a model that is not of the problem type it was given: a
// nonlinear term in an LP, a discrete variable in an NLP, a CNS that is not square.
type ModelTypeError struct {
	Model    string
	Problem  Problem
	Equation string // the equation at fault; "" for the objective or the whole model
	Term     string // the offending term, printed; "" when the fault is no one term
	Reason   string // what is wrong, with the way out
}

func (e *ModelTypeError) Error() string {
	return fmt.Sprintf("nnopt: model %q (%s): %s", e.Model, e.Problem, e.Reason)
}

// typeRules are what a problem type allows.
type typeRules struct {
	maxDegree Degree
	discrete  bool // integer and binary variables allowed (relaxed types: as continuous)
	square    bool // CNS: a square system of equalities, no objective
	// instead names the types to use for a term of a higher degree or for a discrete
	// variable (key -1).
	instead map[Degree]string
}

const discreteKey Degree = -1

// problemRules are what each problem type allows; the types without rules (MCP,
// MPEC, RMPEC, EMP, MPSGE) pass CheckType.
var problemRules = map[Problem]typeRules{
	LP:     {DegreeLinear, false, false, map[Degree]string{DegreeQuadratic: "QCP or NLP", DegreeNonlinear: "NLP", DegreeNonSmooth: "DNLP", discreteKey: "MIP, or RMIP to relax integrality"}},
	QCP:    {DegreeQuadratic, false, false, map[Degree]string{DegreeNonlinear: "NLP", DegreeNonSmooth: "DNLP", discreteKey: "MIQCP, or RMIQCP to relax integrality"}},
	NLP:    {DegreeNonlinear, false, false, map[Degree]string{DegreeNonSmooth: "DNLP", discreteKey: "MINLP, or RMINLP to relax integrality"}},
	DNLP:   {DegreeNonSmooth, false, false, map[Degree]string{discreteKey: "MINLP, or RMINLP to relax integrality"}},
	CNS:    {DegreeNonlinear, false, true, nil},
	MIP:    {DegreeLinear, true, false, map[Degree]string{DegreeQuadratic: "MIQCP or MINLP", DegreeNonlinear: "MINLP"}},
	RMIP:   {DegreeLinear, true, false, map[Degree]string{DegreeQuadratic: "RMIQCP or RMINLP", DegreeNonlinear: "RMINLP"}},
	MIQCP:  {DegreeQuadratic, true, false, map[Degree]string{DegreeNonlinear: "MINLP"}},
	RMIQCP: {DegreeQuadratic, true, false, map[Degree]string{DegreeNonlinear: "RMINLP"}},
	MINLP:  {DegreeNonlinear, true, false, nil},
	RMINLP: {DegreeNonlinear, true, false, nil},
}

func (r typeRules) hint(p Problem, key Degree, allows string) string {
	if fix := r.instead[key]; fix != "" {
		return fmt.Sprintf(" (%s allows %s; use %s)", p, allows, fix)
	}
	return fmt.Sprintf(" (%s allows %s)", p, allows)
}

const maxTermLen = 160

func termString(e *Expr) string {
	if e == nil {
		return "?"
	}
	s := e.String()
	if len(s) > maxTermLen {
		s = s[:maxTermLen] + "..."
	}
	return s
}

func isDiscrete(v *Variable) bool { return v.Type == Binary || v.Type == Integer }

// CheckType checks the model against problem type p (the model's own, or another, to
// ask whether the model is, say, an LP): the degree of every equation and of the
// objective, integer and binary variables, and for CNS a square system of equalities
// without an objective. It returns nil or a *ModelTypeError naming the equation and
// the term at fault. The relaxed types (RMIP, RMINLP, RMIQCP) accept integer and binary
// variables and treat them as continuous within their bounds. Types without rules
// here (MCP, MPEC, RMPEC, EMP, MPSGE) pass. Solve calls it with the model's type.
func (m *Model) CheckType(p Problem) error {
	r, ok := problemRules[p]
	if !ok {
		return nil
	}
	fail := func(eq, term, reason string, args ...any) error {
		return &ModelTypeError{Model: m.name, Problem: p, Equation: eq, Term: term, Reason: fmt.Sprintf(reason, args...)}
	}
	// subject is what the message is about: an equation, or the objective (eq "").
	subject := func(eq string) string {
		if eq == "" {
			return "the objective"
		}
		return fmt.Sprintf("equation %q", eq)
	}
	degree := func(eq string, e *Expr) error {
		d, term := Classify(e)
		if d <= r.maxDegree {
			return nil
		}
		allows := r.maxDegree.String() + " terms only"
		if r.maxDegree == DegreeNonlinear {
			allows = "smooth functions only"
		}
		ts := termString(term)
		return fail(eq, ts, "%s is %s: %s%s", subject(eq), d, ts, r.hint(p, d, allows))
	}
	discrete := func(eq string, v *Variable) error {
		return fail(eq, v.name, "%s uses %s variable %q%s", subject(eq), v.Type, v.name, r.hint(p, discreteKey, "continuous variables only"))
	}
	if r.square && m.objective != nil {
		return fail("", "", "has an objective; %s is a square system without one (give Sense Feasibility and no Objective)", "a "+p.String())
	}
	rows, unfixed := 0, 0
	seen := map[*Variable]bool{}
	for _, e := range m.equations {
		if e.def == nil {
			continue // compile reports it
		}
		if r.square && e.Type != EQ {
			return fail(e.name, "", "equation %q is %s; %s has =E= equations only", e.name, e.Type, "a "+p.String())
		}
		body := Sub(e.def.lhs, e.def.rhs)
		if err := degree(e.name, body); err != nil {
			return err
		}
		var bad *Variable
		walkRefs(body, func(v *Variable) {
			if bad == nil && !r.discrete && isDiscrete(v) {
				bad = v
			}
			if !seen[v] {
				seen[v] = true
				for k := range v.Lo {
					if v.Lo[k] != v.Up[k] {
						unfixed++
					}
				}
			}
		})
		if bad != nil {
			return discrete(e.name, bad)
		}
		n := domainSize(e.domain)
		if e.cond != nil {
			n = n / domainSize(e.cond.domain) * e.cond.count
		}
		rows += n
	}
	if m.objective != nil {
		if err := degree("", m.objective); err != nil {
			return err
		}
		var bad *Variable
		walkRefs(m.objective, func(v *Variable) {
			if bad == nil && !r.discrete && isDiscrete(v) {
				bad = v
			}
		})
		if bad != nil {
			return discrete("", bad)
		}
	}
	if s, err := m.heldSOS1(); err != nil {
		return fail("", "", "%v", err)
	} else if s != nil && !r.discrete {
		return fail("", s.name, "holds SOS1 sets %q%s", s.name, r.hint(p, discreteKey, "no special ordered sets"))
	}
	if r.square && rows != unfixed {
		return fail("", "", "is not square: %d equation rows but %d variable elements that are not fixed (%s needs as many of each)", rows, unfixed, "a "+p.String())
	}
	return nil
}

// solvable reports the problem types Solve hands to the reduced-gradient solver, all
// as NLPs; the relaxed types drop integrality and keep the variables' bounds.
func solvable(p Problem) bool {
	switch p {
	case NLP, DNLP, RMINLP, LP, QCP, RMIP, RMIQCP:
		return true
	}
	return false
}

// checkProblemType is Solve's first step: the model-type checks, then whether nnopt
// solves the type at all. A type error comes first; for a type nnopt cannot solve yet
// the error says both, and wraps ErrUnsupported.
func (m *Model) checkProblemType() (SolveStatus, error) {
	typeErr := m.CheckType(m.problem)
	if solvable(m.problem) {
		if typeErr != nil {
			return SolveSetupFailure, typeErr
		}
		return 0, nil
	}
	const types = "nnopt solves LP, QCP, NLP, DNLP, RMIP, RMIQCP and RMINLP models"
	if s, _ := m.heldSOS1(); s != nil && typeErr == nil {
		return SolveCapabilityProblems, fmt.Errorf("nnopt: model %q: problem type %s with SOS1 sets %q is %w by nnopt's solver, which does not branch (%s); choose \"cbc\" in Options.Solvers", m.name, m.problem, s.name, ErrUnsupported, types)
	}
	if typeErr != nil {
		return SolveCapabilityProblems, fmt.Errorf("%w; besides, problem type %s is %w (%s)", typeErr, m.problem, ErrUnsupported, types)
	}
	return SolveCapabilityProblems, fmt.Errorf("nnopt: model %q: problem type %s is %w (%s)", m.name, m.problem, ErrUnsupported, types)
}

// String prints the expression readably: x * y, tanh(z2), sum(i, a * x). A reference
// shows its indices only where they differ from the symbol's domain (an alias).
func (e *Expr) String() string {
	if e.err != nil {
		return fmt.Sprintf("<invalid: %v>", e.err)
	}
	return newTerms().term(e).String()
}
