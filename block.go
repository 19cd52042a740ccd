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
