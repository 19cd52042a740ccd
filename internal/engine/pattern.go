package engine

import "slices"

// Pattern is the structure of one block's Jacobian and the colouring of its
// columns, computed once and reused at every point: row r's entries are
// RowStart[r] up to RowStart[r+1], sorted by variable block and element.
type Pattern struct {
	RowStart []int
	Row      []int32 // row of each entry
	VB, Elem []int32
	Active   []bool // rows inside the condition; nil when every row is
	Linear   bool   // no variable enters nonlinearly
	// GroupCols lists, per column group, the columns to seed (vb, elem), and
	// GroupEntries the entries whose values the group's JVP delivers.
	GroupCols    [][][2]int32
	GroupEntries [][]int32
}

// PatternOf enumerates equation e's Jacobian structure and colours its columns;
// index gives the variable block of each variable symbol, varSize the elements of
// each block.
func PatternOf(e *Equation, index map[*Symbol]int, varSize func(vb int) int) Pattern {
	w := &statWalker{}
	out := structureOf(e, w.equation(e), index)
	out.colour(varSize)
	return out
}

// Coloured returns the structure s (from StatsAndStructures) with its columns
// coloured, as PatternOf returns it; s is not changed.
func (s *Pattern) Coloured(varSize func(vb int) int) Pattern {
	out := *s
	out.colour(varSize)
	return out
}

// StructureOf is PatternOf without the colouring (Pattern.Coloured completes it).
func StructureOf(e *Equation, index map[*Symbol]int) Pattern {
	w := &statWalker{}
	return structureOf(e, w.equation(e), index)
}

// structureOf enumerates the Jacobian structure of equation e, whose walk is ep:
// PatternOf without the colouring.
func structureOf(e *Equation, ep eqPattern, index map[*Symbol]int) Pattern {
	var out Pattern
	p := &out
	nrows := Size(e.Domain)
	p.Linear = true
	var rows []int32
	var keys []int64
	for _, v := range ep.order {
		vb := int64(index[v])
		pats, kerns := splitOccs(ep.byVar[v])
		for _, o := range ep.byVar[v] {
			p.Linear = p.Linear && !o.nonlinear
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
	p.RowStart = make([]int, nrows+1)
	n := 0
	for r := 0; r < nrows; r++ {
		seg := sorted[start[r]:start[r+1]]
		slices.Sort(seg)
		seg = slices.Compact(seg)
		for _, key := range seg {
			p.VB = append(p.VB, int32(key>>32))
			p.Elem = append(p.Elem, int32(key&(1<<32-1)))
			p.Row = append(p.Row, int32(r))
		}
		n += len(seg)
		p.RowStart[r+1] = n
	}
	if e.Cond != nil {
		p.Active = make([]bool, nrows)
		enumerate(ep.rows, ep.rowMasks, func(val *slotVals) { p.Active[linear(ep.rows, val)] = true })
	}
	return out
}

// colour groups the block's columns greedily, in order of variable block and element,
// so that no two columns of a group have an entry in the same row.
func (p *Pattern) colour(varSize func(vb int) int) {
	// Columns: the distinct (vb, elem) of the block, numbered through per-variable
	// tables.
	colOf := map[int32][]int32{}
	var cols [][2]int32
	entCol := make([]int32, len(p.VB))
	for k := range p.VB {
		tab := colOf[p.VB[k]]
		if tab == nil {
			tab = make([]int32, varSize(int(p.VB[k])))
			for i := range tab {
				tab[i] = -1
			}
			colOf[p.VB[k]] = tab
		}
		c := tab[p.Elem[k]]
		if c < 0 {
			c = int32(len(cols))
			tab[p.Elem[k]] = c
			cols = append(cols, [2]int32{p.VB[k], p.Elem[k]})
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
		colRows[fill[c]] = p.Row[k]
		fill[c]++
	}
	colour := make([]int32, len(cols))
	for i := range colour {
		colour[i] = -1
	}
	var forbidden []int32 // forbidden[g] == c+1: a neighbour of column c has colour g
	ngroups := 0
	greedy := order
	if len(p.RowStart) == 2 {
		// One row (a scalar equation, an objective): every column conflicts with
		// every other, so each is its own group, as the greedy pass below would
		// find at the cost of the row's length squared.
		for i, c := range order {
			colour[c] = int32(i)
		}
		ngroups, greedy = len(order), nil
	}
	for _, c := range greedy {
		for _, r := range colRows[colStart[c]:colStart[c+1]] {
			for k := p.RowStart[r]; k < p.RowStart[r+1]; k++ {
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
	p.GroupCols = make([][][2]int32, ngroups)
	p.GroupEntries = make([][]int32, ngroups)
	for _, c := range order {
		g := colour[c]
		p.GroupCols[g] = append(p.GroupCols[g], cols[c])
	}
	for k, c := range entCol {
		g := colour[c]
		p.GroupEntries[g] = append(p.GroupEntries[g], int32(k))
	}
}

// Values evaluates the block whose structure p is at x: its residuals, and the value
// of every entry of p with one JVP per column group (Curtis-Powell-Reid). seed is
// scratch shaped like x, all zeros, and left so.
func (p *Pattern) Values(b *Block, x, seed [][]float64, value, residual []float64) {
	b.Eval(x, residual)
	jv := make([]float64, b.Rows())
	for g, cols := range p.GroupCols {
		for _, c := range cols {
			seed[c[0]][c[1]] = 1
		}
		b.JVP(seed, jv)
		for _, k := range p.GroupEntries[g] {
			value[k] = jv[p.Row[k]]
		}
		for _, c := range cols {
			seed[c[0]][c[1]] = 0
		}
	}
}
