package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// Compiling an equation to an engine block (package engine), and finding the
// variable an equation defines.

func compileBlock(e *Equation, varIndex map[*Variable]int, budget *memBudget) (*engine.Block, error) {
	return compileBlockWith(e, &lowerer{varIndex: varIndex, budget: budget})
}

// compileBlockWith compiles e with the given (fresh) lowerer, on the CPU backend.
func compileBlockWith(e *Equation, l *lowerer) (*engine.Block, error) {
	if e.def == nil {
		return nil, fmt.Errorf("equation %q has no definition", e.name)
	}
	root, err := l.lower(Sub(e.def.lhs, e.def.rhs))
	if err != nil {
		return nil, fmt.Errorf("equation %q: %w", e.name, err)
	}
	var rowOn []float64
	if e.cond != nil {
		rowOn = make([]float64, domainSize(e.domain))
		cm := gatherMap(e.domain, e.cond.domain)
		for i := range rowOn {
			if e.cond.member[engine.Pos(cm, i)] {
				rowOn[i] = 1
			}
		}
	}
	return engine.NewBlock(e.name, domainSize(e.domain), l.nodes, root, gatherMap(e.domain, l.idx[root]), rowOn)
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
