package nnopt

import (
	"fmt"
	"io"

	"github.com/nnopt/nnopt/internal/lpmodel"
	"github.com/nnopt/nnopt/lpfile"
)

// Writing a linear model as an LP or MPS file, so that what the solver sees can be
// read, and solved by other solvers for a cross-check. The files themselves are
// package lpfile's; here the model becomes an lpfile.Program, whose rows and columns
// package internal/lpmodel reads off the Jacobian at x = 0. Rows are the equations'
// rows inside their conditions, named by the equation and the labels of its domain,
// supply(seattle); columns are every element of every variable of the model,
// x(seattle,new_york).
//
// The objective is the model's objective variable with coefficient 1, minimised or
// maximised, and the equation that defines it stays a row (not substituted): the
// objective value, the primal values and the duals of every row are then those of
// the model itself (a row's dual is the change of the objective per unit of its
// right-hand side, as in the equations' marginals). An objective given as an
// expression has its variable and defining equation added, as Solve does; a
// feasibility model minimises a variable fixed at 0.

// LPOptions says how LinearProgram turns a model into a linear program. The zero
// value gives the model as stated, which is what WriteLP, WriteMPS and WriteFile write.
type LPOptions struct {
	// Scaled gives the model in the scales of its variables and equations, as the
	// solver sees it (see Variable.Scale and Equation.Scale): each column is a
	// variable element divided by its scale (bounds included), each row lhs - rhs
	// divided by its equation's scale. Another solver's column values times the
	// scales are then the model's levels and its row duals divided by the
	// equations' scales the model's marginals. The objective keeps its unscaled
	// value: the objective column's coefficient is its scale. (The general method
	// leaves out the equations that define variables, which it eliminates; the
	// program keeps them.)
	Scaled bool
}

// WriteLP writes the model in CPLEX LP format (see lpfile.WriteLP; read by glpsol
// --lp, CPLEX, Gurobi, HiGHS, SCIP, CBC). The model must be linear: every equation's
// lhs - rhs of degree linear or constant by Classify; the error names the first
// equation that is not, and its term. Binary and integer variables go to the
// Binaries and Generals sections, SOS1 families (AddSOS1) to the SOS section. For the scaled model, write
// m.LinearProgram(LPOptions{Scaled: true}) with lpfile.WriteLP.
func (m *Model) WriteLP(w io.Writer) error {
	p, err := m.LinearProgram(LPOptions{})
	if err != nil {
		return err
	}
	return lpfile.WriteLP(w, p)
}

// WriteMPS writes the model in free MPS format (see lpfile.WriteMPS; read by
// glpsol --freemps and most solvers). The model must be linear, as for WriteLP,
// and hold no SOS1 sets (write the LP file).
func (m *Model) WriteMPS(w io.Writer) error {
	p, err := m.LinearProgram(LPOptions{})
	if err != nil {
		return err
	}
	return lpfile.WriteMPS(w, p)
}

// WriteFile writes the model to path, as LP if the name ends in .lp and as free MPS
// if it ends in .mps, atomically: a reader sees the old file or the whole new one
// (see lpfile.WriteFile).
func (m *Model) WriteFile(path string) error {
	p, err := m.LinearProgram(LPOptions{})
	if err != nil {
		return err
	}
	return lpfile.WriteFile(path, p)
}

// LinearProgram compiles the model and reads its rows off the Jacobian at x = 0,
// giving the linear program that WriteLP, WriteMPS and WriteFile write, to inspect
// or to write with package lpfile. The model must be linear, as for WriteLP; with
// opt.Scaled, every column is x/c and every row (lhs - rhs)/d, for the variables'
// scales c and the equations' scales d. The program's names are the model's (rows
// supply(seattle), columns x(seattle,new-york), the objective row the model's
// name); the files make them LP-safe.
func (m *Model) LinearProgram(opt LPOptions) (*lpfile.Program, error) {
	inst, err := m.compile()
	if err != nil {
		return nil, err
	}
	return m.linearProgram(inst, opt)
}

// linearProgram is LinearProgram of a compiled instance. Its columns are the
// instance's variables' elements in order; its rows the binding rows of the
// instance's equations in order, inside their conditions.
func (m *Model) linearProgram(inst *instance, opt LPOptions) (*lpfile.Program, error) {
	for _, e := range inst.eqs {
		if d, term := Classify(Sub(e.def.lhs, e.def.rhs)); d > DegreeLinear {
			return nil, fmt.Errorf("nnopt: model %q: equation %q is %s (%s); LP and MPS files hold linear models only", m.name, e.name, d, term)
		}
	}
	zero := make([][]float64, len(inst.vars))
	for i, v := range inst.vars {
		zero[i] = make([]float64, len(v.L))
	}
	J := inst.jacobian(inst.jacobianPattern(), zero)
	lm := lpmodel.Model{Name: m.name, Maximize: m.sense == Maximize, Objective: inst.prob.Objective, Scaled: opt.Scaled}
	for _, v := range inst.vars {
		lm.Vars = append(lm.Vars, lpmodel.Var{Size: len(v.L), Label: v.label, Lo: v.Lo, Up: v.Up, Scale: v.Scale,
			Binary: v.Type == Binary, Integer: v.Type == Integer})
	}
	var objDef string // the objective's defining equation, when compile added one
	for q, jb := range J.Blocks {
		e := inst.eqs[q]
		if q >= len(m.equations) {
			objDef = e.name
		}
		rel, ok := relation[e.Type]
		b := lpmodel.Block{Label: e.label, Rel: rel, Nonbinding: e.Type == NB, Scale: e.Scale,
			Active: jb.Active, RowStart: jb.RowStart, Var: jb.Var, Elem: jb.Elem, Value: jb.Value, Residual: jb.Residual}
		if !ok {
			b.Err = fmt.Errorf("equation %q has type %v", e.name, e.Type)
		}
		lm.Blocks = append(lm.Blocks, b)
	}
	objVar := inst.vars[lm.Objective].name
	sense := "minimise"
	if lm.Maximize {
		sense = "maximise"
	}
	switch {
	case m.objective == nil:
		lm.Comment = fmt.Sprintf("Objective: none (a feasibility model); %s is fixed at 0", objVar)
	case objDef != "":
		lm.Comment = fmt.Sprintf("Objective: %s %s, defined by row %s (the model's objective expression)", sense, objVar, objDef)
	default:
		lm.Comment = fmt.Sprintf("Objective: %s the variable %s; the equations that define it stay rows", sense, objVar)
	}
	p, err := lpmodel.Program(lm)
	if err != nil {
		return nil, fmt.Errorf("nnopt: model %q: %w", m.name, err)
	}
	if p.SOS, err = m.sosOfInstance(inst); err != nil {
		return nil, err
	}
	return p, nil
}

// relation is the row relation of each binding equation type.
var relation = map[EqType]lpfile.Relation{EQ: lpfile.EQ, LE: lpfile.LE, GE: lpfile.GE}
