package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// Compiling an equation to an engine block (package engine), and finding the
// variable an equation defines.

// compiler is the engine's compiler for one generation: the model's variables, in
// block order, and data read as variables (a frozen model's modifiable parameters,
// for sensitivities) become variable blocks; the memory budget is the machine's.
func (t *terms) compiler(vars []*Variable, dataAsVar map[*Parameter]int) *engine.Compiler {
	vi := make(map[*engine.Symbol]int, len(vars)+len(dataAsVar))
	for i, v := range vars {
		vi[t.variable(v)] = i
	}
	for p, vb := range dataAsVar {
		vi[t.parameter(p)] = vb
	}
	return &engine.Compiler{VarIndex: vi, Budget: engine.NewBudget()}
}

// block compiles equation e with c, on the CPU backend, and returns it with the
// equation as the engine reads it.
func (t *terms) block(c *engine.Compiler, e *Equation) (*engine.Block, engine.Equation, error) {
	spec, err := t.equation(e)
	if err != nil {
		return nil, spec, err
	}
	b, err := c.Block(spec.Name, spec.Domain, spec.Cond, spec.Body)
	return b, spec, err
}

// equation is e as the engine reads it.
func (t *terms) equation(e *Equation) (engine.Equation, error) {
	if e.def == nil {
		return engine.Equation{}, fmt.Errorf("equation %q has no definition", e.name)
	}
	body := Sub(e.def.lhs, e.def.rhs)
	if body.err != nil {
		return engine.Equation{}, fmt.Errorf("equation %q: %w", e.name, body.err)
	}
	return engine.Equation{Name: e.name, Domain: t.axesOf(e.domain), Cond: t.subset(e.cond), Body: t.term(body)}, nil
}

// cpuBackend is the backend blocks are compiled for: the CPU with the process-wide
// BLAS (UseBLAS).
var cpuBackend = backend.DefaultCPU

// definedVariable finds a variable the equation defines: referenced once, over exactly
// the equation's domain in order, entering lhs - rhs linearly with a constant
// coefficient through sums, differences, negations and constant factors only.
func definedVariable(e *Equation, taken map[*Variable]bool) (*Variable, float64, bool) {
	if e.Type != EQ || e.cond != nil || e.def == nil {
		return nil, 0, false
	}
	count := map[*Variable]int{}
	var walkCount func(x *Expr)
	walkCount = func(x *Expr) {
		if v, ok := x.sym.(*Variable); ok && x.op == engine.OpRef {
			count[v]++
		}
		for _, a := range x.args {
			walkCount(a)
		}
	}
	walkCount(e.def.lhs)
	walkCount(e.def.rhs)
	var found *Variable
	var coef float64
	var walk func(x *Expr, c float64)
	walk = func(x *Expr, c float64) {
		if found != nil {
			return
		}
		switch x.op {
		case engine.OpRef:
			v, ok := x.sym.(*Variable)
			if !ok || count[v] != 1 || taken[v] || len(x.idx) != len(e.domain) {
				return
			}
			for d := range x.idx {
				if x.idx[d] != e.domain[d] {
					return
				}
			}
			found, coef = v, c
		case engine.OpAdd:
			walk(x.args[0], c)
			walk(x.args[1], c)
		case engine.OpSub:
			walk(x.args[0], c)
			walk(x.args[1], -c)
		case engine.OpNeg:
			walk(x.args[0], -c)
		case engine.OpMul:
			if x.args[0].op == engine.OpConst {
				walk(x.args[1], c*x.args[0].val)
			} else if x.args[1].op == engine.OpConst {
				walk(x.args[0], c*x.args[1].val)
			}
		}
	}
	walk(e.def.lhs, 1)
	walk(e.def.rhs, -1)
	if found == nil || coef == 0 {
		return nil, 0, false
	}
	return found, coef, true
}
