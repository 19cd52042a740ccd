package nnopt

import (
	"fmt"
	"github.com/nnopt/nnopt/internal/engine"
	"strconv"
	"strings"
)

// Degree classifies an expression by how it depends on the variables, in increasing
// order: a model type allows equations up to some degree.
type Degree int

// Degrees of an expression.
const (
	// DegreeConstant: no variable (parameters and constants only).
	DegreeConstant Degree = iota
	// DegreeLinear: a sum of variables times constants.
	DegreeLinear
	// DegreeQuadratic: products of at most two linear terms (x*y, Sqr(x), Power(x, 2),
	// a kernel with two variable arguments).
	DegreeQuadratic
	// DegreeNonlinear: smooth nonlinear functions (Tanh, Exp, Log, Sqrt, Sigmoid,
	// other powers, division by a variable, LogSumExp) and products beyond degree 2.
	DegreeNonlinear
	// DegreeNonSmooth: functions that need a DNLP. None of nnopt's current functions
	// is non-smooth; the class is there for abs, min and max when they come.
	DegreeNonSmooth
)

var degreeNames = [...]string{"constant", "linear", "quadratic", "nonlinear", "non-smooth"}

func (d Degree) String() string {
	if d < 0 || int(d) >= len(degreeNames) {
		return fmt.Sprintf("Degree(%d)", int(d))
	}
	return degreeNames[d]
}

// Classify returns the degree of e with respect to the variables, and the term that
// gives it that degree: the innermost subexpression of that degree whose operands are
// all of lower degree (exp(x) in y + exp(x), x * y in 2 * (x * y)). The term is nil
// for constant and linear expressions made of references alone.
func Classify(e Operand) (Degree, *Expr) {
	d, term := classify(e.expr())
	return d, term
}

// polyDegree is the degree of a product or power of polynomial degrees: beyond 2 it is
// nonlinear.
func polyDegree(n int) Degree {
	if n > int(DegreeQuadratic) {
		return DegreeNonlinear
	}
	return Degree(n)
}

// classify folds the degree up the tree. The model's other walkers do not fit: walkRefs
// only visits references, and the statistics walker collects index patterns, not
// degrees.
func classify(e *Expr) (Degree, *Expr) {
	if e.err != nil {
		return DegreeConstant, nil
	}
	switch e.op {
	case engine.OpConst:
		return DegreeConstant, nil
	case engine.OpRef:
		if _, ok := e.sym.(*Variable); ok {
			return DegreeLinear, nil
		}
		return DegreeConstant, nil
	case engine.OpKernel:
		// Multilinear: the degree is the number of variable arguments.
		n := 0
		for _, a := range e.args {
			if _, ok := a.sym.(*Variable); ok {
				n++
			}
		}
		return polyDegree(n), termIf(n > 1, e)
	case engine.OpAdd, engine.OpSub, engine.OpNeg, engine.OpSum, engine.OpWhere:
		// Linear in the operands; a Where condition is data.
		var d Degree
		var term *Expr
		for _, a := range e.args {
			if da, ta := classify(a); da > d {
				d, term = da, ta
			}
		}
		return d, term
	case engine.OpMul:
		da, ta := classify(e.args[0])
		db, tb := classify(e.args[1])
		switch {
		case da == DegreeConstant:
			return db, tb
		case db == DegreeConstant:
			return da, ta
		case da >= DegreeNonlinear || db >= DegreeNonlinear:
			return maxTerm(da, ta, db, tb)
		}
		return polyDegree(int(da) + int(db)), e
	case engine.OpDiv:
		da, ta := classify(e.args[0])
		db, tb := classify(e.args[1])
		if db == DegreeConstant {
			return da, ta
		}
		if da >= DegreeNonlinear || db >= DegreeNonlinear {
			return maxTerm(da, ta, db, tb)
		}
		return DegreeNonlinear, e
	case engine.OpFunc:
		da, ta := classify(e.args[0])
		if da == DegreeConstant {
			return DegreeConstant, nil
		}
		if da >= DegreeNonlinear {
			return da, ta
		}
		if rule := functions[e.fn].degree; rule != nil {
			if deg, ok := rule(int(da), e.val); ok {
				if deg == int(da) {
					return da, ta
				}
				return polyDegree(deg), termIf(deg > 0, e)
			}
		}
		return DegreeNonlinear, e
	case engine.OpLogSumExp:
		da, ta := classify(e.args[0])
		if da == DegreeConstant {
			return DegreeConstant, nil
		}
		if da >= DegreeNonlinear {
			return da, ta
		}
		return DegreeNonlinear, e
	}
	return DegreeNonlinear, e
}

func termIf(ok bool, e *Expr) *Expr {
	if ok {
		return e
	}
	return nil
}

// maxTerm returns the higher degree with its term (the first on a tie).
func maxTerm(da Degree, ta *Expr, db Degree, tb *Expr) (Degree, *Expr) {
	if db > da {
		return db, tb
	}
	return da, ta
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

func rulesOf(p Problem) (typeRules, bool) {
	switch p {
	case LP:
		return typeRules{DegreeLinear, false, false, map[Degree]string{DegreeQuadratic: "QCP or NLP", DegreeNonlinear: "NLP", DegreeNonSmooth: "DNLP", discreteKey: "MIP, or RMIP to relax integrality"}}, true
	case QCP:
		return typeRules{DegreeQuadratic, false, false, map[Degree]string{DegreeNonlinear: "NLP", DegreeNonSmooth: "DNLP", discreteKey: "MIQCP, or RMIQCP to relax integrality"}}, true
	case NLP:
		return typeRules{DegreeNonlinear, false, false, map[Degree]string{DegreeNonSmooth: "DNLP", discreteKey: "MINLP, or RMINLP to relax integrality"}}, true
	case DNLP:
		return typeRules{DegreeNonSmooth, false, false, map[Degree]string{discreteKey: "MINLP, or RMINLP to relax integrality"}}, true
	case CNS:
		return typeRules{DegreeNonlinear, false, true, nil}, true
	case MIP:
		return typeRules{DegreeLinear, true, false, map[Degree]string{DegreeQuadratic: "MIQCP or MINLP", DegreeNonlinear: "MINLP"}}, true
	case RMIP:
		return typeRules{DegreeLinear, true, false, map[Degree]string{DegreeQuadratic: "RMIQCP or RMINLP", DegreeNonlinear: "RMINLP"}}, true
	case MIQCP:
		return typeRules{DegreeQuadratic, true, false, map[Degree]string{DegreeNonlinear: "MINLP"}}, true
	case RMIQCP:
		return typeRules{DegreeQuadratic, true, false, map[Degree]string{DegreeNonlinear: "RMINLP"}}, true
	case MINLP, RMINLP:
		return typeRules{DegreeNonlinear, true, false, nil}, true
	}
	return typeRules{}, false
}

func (r typeRules) hint(p Problem, key Degree, allows string) string {
	if fix := r.instead[key]; fix != "" {
		return fmt.Sprintf(" (%s allows %s; use %s)", p, allows, fix)
	}
	return fmt.Sprintf(" (%s allows %s)", p, allows)
}

func article(p Problem) string {
	if strings.ContainsRune("AEFHILMNORSX", rune(p.String()[0])) {
		return "an " + p.String()
	}
	return "a " + p.String()
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
	r, ok := rulesOf(p)
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
		d, term := classify(e)
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
		return fail("", "", "has an objective; %s is a square system without one (give Sense Feasibility and no Objective)", article(p))
	}
	rows, unfixed := 0, 0
	seen := map[*Variable]bool{}
	for _, e := range m.equations {
		if e.def == nil {
			continue // compile reports it
		}
		if r.square && e.Type != EQ {
			return fail(e.name, "", "equation %q is %s; %s has =E= equations only", e.name, e.Type, article(p))
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
	if r.square && rows != unfixed {
		return fail("", "", "is not square: %d equation rows but %d variable elements that are not fixed (%s needs as many of each)", rows, unfixed, article(p))
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
	if typeErr != nil {
		return SolveCapabilityProblems, fmt.Errorf("%w; besides, problem type %s is %w (%s)", typeErr, m.problem, ErrUnsupported, types)
	}
	return SolveCapabilityProblems, fmt.Errorf("nnopt: model %q: problem type %s is %w (%s)", m.name, m.problem, ErrUnsupported, types)
}

// String prints the expression readably: x * y, tanh(z2), sum(i, a * x). A reference
// shows its indices only where they differ from the symbol's domain (an alias).
func (e *Expr) String() string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

// precedence of the printed form: sums 1, products 2, negation 3, atoms 4.
func precedence(e *Expr) int {
	switch {
	case e.err != nil:
		return 4
	case e.op == engine.OpAdd || e.op == engine.OpSub:
		return 1
	case e.op == engine.OpMul || e.op == engine.OpDiv:
		return 2
	case e.op == engine.OpNeg || e.op == engine.OpConst && e.val < 0:
		return 3
	}
	return 4
}

func writeOperand(b *strings.Builder, e *Expr, min int) {
	if precedence(e) < min {
		b.WriteByte('(')
		writeExpr(b, e)
		b.WriteByte(')')
		return
	}
	writeExpr(b, e)
}

func writeSets(b *strings.Builder, sets []*Set) {
	if len(sets) == 1 {
		b.WriteString(sets[0].name)
		return
	}
	b.WriteByte('(')
	for i, s := range sets {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s.name)
	}
	b.WriteByte(')')
}

func writeExpr(b *strings.Builder, e *Expr) {
	if e.err != nil {
		fmt.Fprintf(b, "<invalid: %v>", e.err)
		return
	}
	switch e.op {
	case engine.OpConst:
		b.WriteString(strconv.FormatFloat(e.val, 'g', -1, 64))
	case engine.OpRef:
		b.WriteString(e.name)
		var dom []*Set
		switch s := e.sym.(type) {
		case *Variable:
			dom = s.domain
		case *Parameter:
			dom = s.domain
		}
		same := len(dom) == len(e.idx)
		for k := 0; same && k < len(dom); k++ {
			same = dom[k] == e.idx[k]
		}
		if !same {
			b.WriteByte('[')
			for k, s := range e.idx {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteString(s.name)
			}
			b.WriteByte(']')
		}
	case engine.OpAdd:
		writeOperand(b, e.args[0], 1)
		b.WriteString(" + ")
		writeOperand(b, e.args[1], 1)
	case engine.OpSub:
		writeOperand(b, e.args[0], 1)
		b.WriteString(" - ")
		writeOperand(b, e.args[1], 2)
	case engine.OpMul:
		writeOperand(b, e.args[0], 2)
		b.WriteString(" * ")
		writeOperand(b, e.args[1], 2)
	case engine.OpDiv:
		writeOperand(b, e.args[0], 2)
		b.WriteString(" / ")
		writeOperand(b, e.args[1], 3)
	case engine.OpNeg:
		b.WriteByte('-')
		writeOperand(b, e.args[0], 3)
	case engine.OpFunc:
		f := functions[e.fn]
		b.WriteString(f.name)
		b.WriteByte('(')
		writeExpr(b, e.args[0])
		if f.param {
			b.WriteString(", " + strconv.FormatFloat(e.val, 'g', -1, 64))
		}
		b.WriteByte(')')
	case engine.OpSum, engine.OpLogSumExp:
		if e.op == engine.OpSum {
			b.WriteString("sum(")
		} else {
			b.WriteString("logsumexp(")
		}
		writeSets(b, e.idx)
		b.WriteString(", ")
		writeExpr(b, e.args[0])
		b.WriteByte(')')
	case engine.OpWhere:
		writeOperand(b, e.args[0], 4)
		b.WriteString("$" + e.cond.name)
	case engine.OpKernel:
		b.WriteString(e.kern.Name())
		b.WriteByte('(')
		for k, a := range e.args {
			if k > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, a)
		}
		b.WriteByte(')')
	default:
		b.WriteString("?")
	}
}
