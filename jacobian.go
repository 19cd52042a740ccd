package nnopt

import "github.com/nnopt/nnopt/internal/engine"

// SparseJacobian is the Jacobian of a model's equations at a point, one block per
// equation, each in compressed-row form over the equation's domain. Its structure
// comes from the equations' index patterns (the same enumeration the statistics count:
// one entry per Jacobian element the statistics report), its values from forward
// derivatives (JVPs) along groups of columns that share no row (Curtis–Powell–Reid),
// so that a block costs one JVP per group rather than one per variable element.
type SparseJacobian struct {
	// Vars are the variable blocks the entries refer to, in the model's order; the
	// objective variable is among them.
	Vars []*Variable
	// Blocks follow the model's equations, then the objective's defining equation
	// when the objective is an expression rather than a variable.
	Blocks []JacobianBlock
}

// JacobianBlock is the Jacobian of one equation, lhs - rhs differentiated. Row r is
// position r of the equation's domain, row-major; its entries are RowStart[r] up to
// RowStart[r+1], sorted by variable block and element. Rows outside the equation's
// condition have no entries and a zero residual.
type JacobianBlock struct {
	Equation *Equation
	// Active marks the rows inside the equation's condition; nil when every row is.
	Active   []bool
	RowStart []int
	Var      []int32   // index into SparseJacobian.Vars
	Elem     []int32   // element of that variable, row-major over its domain
	Value    []float64 // the derivative at the point
	Residual []float64 // lhs - rhs at the point, per row
	// Linear is set when no variable enters the equation nonlinearly (by its
	// expression, as the statistics classify Jacobian elements): Value then does not
	// depend on the point.
	Linear bool
	// Groups is the number of column groups, and so of JVPs, Value took.
	Groups int
}

// Rows is the number of rows (the size of the equation's domain).
func (b *JacobianBlock) Rows() int { return len(b.RowStart) - 1 }

// Nonzeros is the number of entries.
func (b *JacobianBlock) Nonzeros() int { return len(b.Var) }

// Jacobian evaluates the Jacobian of the model's equations at the variables' current
// levels, with the residuals there. Generating the structure enumerates every
// Jacobian element (unlike Statistics, which counts most of them by formula) and
// colouring its columns costs the sum over rows of the squared row lengths, so it is
// meant for models of moderate size: a general solver's non-triangular part, a
// written LP, a check.
func (m *Model) Jacobian() (*SparseJacobian, error) {
	inst, err := m.compile()
	if err != nil {
		return nil, err
	}
	return inst.jacobian(inst.jacobianPattern(), inst.start()), nil
}

// jacobianPattern is every block's Jacobian structure, its columns coloured.
func (inst *instance) jacobianPattern() []engine.Pattern {
	out := make([]engine.Pattern, len(inst.eqs))
	for q := range inst.eqs {
		out[q] = inst.patternOf(q)
	}
	return out
}

func (inst *instance) patternOf(q int) engine.Pattern {
	if inst.structs != nil && inst.structs[q] != nil {
		return inst.structs[q].Coloured(inst.varSize)
	}
	return engine.PatternOf(&inst.specs[q], inst.varIndex, inst.varSize)
}

// structureOf is patternOf without the colouring (Pattern.Coloured completes it).
func (inst *instance) structureOf(q int) engine.Pattern {
	if inst.structs != nil && inst.structs[q] != nil {
		return *inst.structs[q]
	}
	return engine.StructureOf(&inst.specs[q], inst.varIndex)
}

// varSize is the number of elements of variable block vb.
func (inst *instance) varSize(vb int) int { return len(inst.vars[vb].L) }

// jacobian evaluates the blocks' Jacobians at x.
func (inst *instance) jacobian(pats []engine.Pattern, x [][]float64) *SparseJacobian {
	J := &SparseJacobian{Vars: inst.vars, Blocks: make([]JacobianBlock, len(inst.eqs))}
	seed := make([][]float64, len(inst.vars))
	for i, v := range inst.vars {
		seed[i] = make([]float64, len(v.L))
	}
	for q, b := range inst.blocks {
		p := &pats[q]
		jb := &J.Blocks[q]
		*jb = JacobianBlock{Equation: inst.eqs[q], Active: p.Active, RowStart: p.RowStart, Var: p.VB, Elem: p.Elem,
			Value: make([]float64, len(p.VB)), Residual: make([]float64, b.Rows()), Linear: p.Linear, Groups: len(p.GroupCols)}
		p.Values(b, x, seed, jb.Value, jb.Residual)
	}
	return J
}
