package nnopt

import "slices"

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

// blockPattern is the structure of one block's Jacobian and the colouring of its
// columns, computed once and reused at every point.
type blockPattern struct {
	rowStart []int
	row      []int32 // row of each entry
	vb, elem []int32
	active   []bool
	linear   bool
	// groups lists, per column group, the columns to seed (vb, elem) and the entries
	// whose values the group's JVP delivers.
	groupCols    [][][2]int32
	groupEntries [][]int32
}

// jacobianPattern enumerates every block's Jacobian structure from the equations'
// index patterns and colours its columns.
func (inst *instance) jacobianPattern() []blockPattern {
	index := make(map[*Variable]int, len(inst.vars))
	for i, v := range inst.vars {
		index[v] = i
	}
	out := make([]blockPattern, len(inst.eqs))
	for q := range inst.eqs {
		out[q] = inst.patternOf(q, index)
	}
	return out
}

// patternOf enumerates equation q's Jacobian structure and colours its columns.
func (inst *instance) patternOf(q int, index map[*Variable]int) blockPattern {
	var out blockPattern
	e := inst.eqs[q]
	p := &out
	w := &statWalker{}
	ep := w.equation(e)
	nrows := domainSize(e.domain)
	p.linear = true
	var rows []int32
	var keys []int64
	for _, v := range ep.order {
		vb := int64(index[v])
		pats, kerns := splitOccs(ep.byVar[v])
		for _, o := range ep.byVar[v] {
			p.linear = p.linear && !o.nonlinear
		}
		eachJacobianEntry(ep.rows, ep.rowMasks, pats, kerns, func(r, el int) {
			rows = append(rows, int32(r))
			keys = append(keys, vb<<32|int64(el))
		})
	}
	// Counting sort by row, then sort and deduplicate within rows.
	start := make([]int, nrows+1)
	for _, r := range rows {
		start[r+1]++
	}
	for r := 0; r < nrows; r++ {
		start[r+1] += start[r]
	}
	sorted := make([]int64, len(keys))
	fill := append([]int(nil), start[:nrows]...)
	for k, r := range rows {
		sorted[fill[r]] = keys[k]
		fill[r]++
	}
	p.rowStart = make([]int, nrows+1)
	n := 0
	for r := 0; r < nrows; r++ {
		seg := sorted[start[r]:start[r+1]]
		slices.Sort(seg)
		seg = slices.Compact(seg)
		for _, key := range seg {
			p.vb = append(p.vb, int32(key>>32))
			p.elem = append(p.elem, int32(key&(1<<32-1)))
			p.row = append(p.row, int32(r))
		}
		n += len(seg)
		p.rowStart[r+1] = n
	}
	if e.cond != nil {
		p.active = make([]bool, nrows)
		enumerate(ep.rows, ep.rowMasks, func(val map[slot]int) { p.active[linear(ep.rows, val)] = true })
	}
	p.colour(inst.vars)
	return out
}

// colour groups the block's columns greedily, in order of variable block and element,
// so that no two columns of a group have an entry in the same row.
func (p *blockPattern) colour(vars []*Variable) {
	// Columns: the distinct (vb, elem) of the block, numbered through per-variable
	// tables.
	colOf := map[int32][]int32{}
	var cols [][2]int32
	entCol := make([]int32, len(p.vb))
	for k := range p.vb {
		tab := colOf[p.vb[k]]
		if tab == nil {
			tab = make([]int32, len(vars[p.vb[k]].L))
			for i := range tab {
				tab[i] = -1
			}
			colOf[p.vb[k]] = tab
		}
		c := tab[p.elem[k]]
		if c < 0 {
			c = int32(len(cols))
			tab[p.elem[k]] = c
			cols = append(cols, [2]int32{p.vb[k], p.elem[k]})
		}
		entCol[k] = c
	}
	// Rows of each column, columns in (vb, elem) order.
	order := make([]int32, len(cols))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if cols[a][0] != cols[b][0] {
			return int(cols[a][0] - cols[b][0])
		}
		return int(cols[a][1] - cols[b][1])
	})
	colStart := make([]int, len(cols)+1)
	for _, c := range entCol {
		colStart[c+1]++
	}
	for c := range cols {
		colStart[c+1] += colStart[c]
	}
	colRows := make([]int32, len(entCol))
	fill := append([]int(nil), colStart[:len(cols)]...)
	for k, c := range entCol {
		colRows[fill[c]] = p.row[k]
		fill[c]++
	}
	colour := make([]int32, len(cols))
	for i := range colour {
		colour[i] = -1
	}
	var forbidden []int32 // forbidden[g] == c+1: a neighbour of column c has colour g
	ngroups := 0
	for _, c := range order {
		for _, r := range colRows[colStart[c]:colStart[c+1]] {
			for k := p.rowStart[r]; k < p.rowStart[r+1]; k++ {
				if g := colour[entCol[k]]; g >= 0 {
					forbidden[g] = c + 1
				}
			}
		}
		g := int32(0)
		for int(g) < ngroups && forbidden[g] == c+1 {
			g++
		}
		if int(g) == ngroups {
			ngroups++
			forbidden = append(forbidden, 0)
		}
		colour[c] = g
	}
	p.groupCols = make([][][2]int32, ngroups)
	p.groupEntries = make([][]int32, ngroups)
	for _, c := range order {
		g := colour[c]
		p.groupCols[g] = append(p.groupCols[g], cols[c])
	}
	for k, c := range entCol {
		g := colour[c]
		p.groupEntries[g] = append(p.groupEntries[g], int32(k))
	}
}

// jacobian evaluates the blocks' Jacobians at x with one JVP per column group.
func (inst *instance) jacobian(pats []blockPattern, x [][]float64) *SparseJacobian {
	J := &SparseJacobian{Vars: inst.vars, Blocks: make([]JacobianBlock, len(inst.eqs))}
	seed := make([][]float64, len(inst.vars))
	for i, v := range inst.vars {
		seed[i] = make([]float64, len(v.L))
	}
	for q, b := range inst.blocks {
		p := &pats[q]
		jb := &J.Blocks[q]
		*jb = JacobianBlock{Equation: inst.eqs[q], Active: p.active, RowStart: p.rowStart, Var: p.vb, Elem: p.elem,
			Value: make([]float64, len(p.vb)), Residual: make([]float64, b.Rows()), Linear: p.linear, Groups: len(p.groupCols)}
		b.Eval(x, jb.Residual)
		jv := make([]float64, b.Rows())
		for g, cols := range p.groupCols {
			for _, c := range cols {
				seed[c[0]][c[1]] = 1
			}
			b.JVP(seed, jv)
			for _, k := range p.groupEntries[g] {
				jb.Value[k] = jv[p.row[k]]
			}
			for _, c := range cols {
				seed[c[0]][c[1]] = 0
			}
		}
	}
	return J
}
