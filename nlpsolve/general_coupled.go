package nlpsolve

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MaxCoupledEntries is the largest number of Jacobian entries the general method
// stores for the rows that read eliminated variables (about 16 bytes each, and as
// much again in the dependency sets behind them). The entries are the composite
// pattern through the eliminated equations, so a row that reads a few outputs of a
// network over ten inputs has about ten of them.
const MaxCoupledEntries = 1 << 26

// ErrCoupledJacobianTooLarge is wrapped by SolveGeneral's error when the Jacobian of
// the rows that read eliminated variables, or the dependency sets that lead to it,
// would have more than MaxCoupledEntries entries.
var ErrCoupledJacobianTooLarge = errors.New("the Jacobian of the rows that read eliminated variables is too large")

// coupledMode overrides the choice between tangent and adjoint sweeps for the
// coupled rows: the derivative tests set it to check both on one structure.
var coupledMode = coupledAuto

const (
	coupledAuto = iota
	coupledForward
	coupledReverse
)

// coupledEntryLimit is MaxCoupledEntries, lowered by the test of the refusal.
var coupledEntryLimit = MaxCoupledEntries

// jacEntry is one structural entry of the general method's Jacobian.
type jacEntry struct{ col, row int }

// coupledJac computes the Jacobian rows of the equations that read eliminated
// variables ("coupled" rows). Their pattern is the composite one through the
// eliminated equations, derived from the blocks' patterns. Each coupled equation
// gets its entries one of two ways, whichever the setup estimates cheaper:
//
//   - forward: one tangent sweep through the eliminated equations per group of a
//     colouring of the coupled columns (no two columns of a group in one row), then
//     one JVP of each such equation: the cost is the number of groups, not of rows;
//   - reverse: one adjoint sweep per row, through that equation's ancestors only:
//     cheaper when a few rows read many columns (a network's input).
type coupledJac struct {
	fwd    []int   // g.gen indices of the forward equations
	jvOff  []int   // per forward equation: offset of its rows in jv
	chain  []int   // eliminated equations behind fwd, forward order
	groups [][]int // per colour group: its columns
	src    [][]int // per group, per entry: index into jv
	dst    [][]int // per group, per entry: Jacobian position
	jv     []float64
	tmp    []float64   // one eliminated equation's tangent rows
	tan    [][]float64 // tangents of every variable block
	rev    []int       // g.gen indices of the reverse equations
	nrows  [2]int      // coupled rows: forward, reverse
	colour []int32     // per column: its group (setup only)
}

// depSets interns the sorted column sets that the eliminated elements and coupled
// rows depend on: the elements of a layer of a network usually share one.
type depSets struct {
	sets   [][]int32
	byHash map[uint64][]int32
	total  int // elements stored over every set
}

func (d *depSets) intern(cols []int32) int32 {
	h := uint64(14695981039346656037)
	for _, c := range cols {
		h = (h ^ uint64(c)) * 1099511628211
	}
	h ^= uint64(len(cols))
	for _, id := range d.byHash[h] {
		if slices.Equal(d.sets[id], cols) {
			return id
		}
	}
	id := int32(len(d.sets))
	d.sets = append(d.sets, slices.Clone(cols))
	d.byHash[h] = append(d.byHash[h], id)
	d.total += len(cols)
	return id
}

// unionRow gathers the columns that row r of pattern pt depends on: its own columns
// and, through depID, the columns behind the eliminated elements it reads. The
// variable skip (the equation's own defined variable, when eliminated) is left out.
type unionRow struct {
	colStamp, setStamp []int
	stamp              int
	buf                []int32
}

func (u *unionRow) row(g *general, d *depSets, depID [][]int32, pt *Pattern, r, skip int, name string) ([]int32, error) {
	u.stamp++
	u.buf = u.buf[:0]
	p := g.p
	if pt.RowStart[r] < 0 || pt.RowStart[r+1] > len(pt.Var) || pt.RowStart[r+1] > len(pt.Elem) {
		return nil, fmt.Errorf("nlpsolve: equation %q: the Jacobian pattern's row %d holds entries %d to %d of %d", name, r, pt.RowStart[r], pt.RowStart[r+1], len(pt.Var))
	}
	for t := pt.RowStart[r]; t < pt.RowStart[r+1]; t++ {
		vb, el := int(pt.Var[t]), int(pt.Elem[t])
		if vb < 0 || vb >= len(p.Vars) || el < 0 || el >= p.Vars[vb].Size() {
			return nil, fmt.Errorf("nlpsolve: equation %q: Jacobian pattern entry %d out of range", name, t)
		}
		if vb == skip {
			continue
		}
		if g.defined[vb] >= 0 {
			if depID[vb] == nil {
				return nil, fmt.Errorf("nlpsolve: equation %q reads %q before the equation that defines it", name, p.Vars[vb].Name)
			}
			id := depID[vb][el]
			for int(id) >= len(u.setStamp) {
				u.setStamp = append(u.setStamp, 0)
			}
			if u.setStamp[id] == u.stamp {
				continue
			}
			u.setStamp[id] = u.stamp
			for _, c := range d.sets[id] {
				if u.colStamp[c] != u.stamp {
					u.colStamp[c] = u.stamp
					u.buf = append(u.buf, c)
				}
			}
			continue
		}
		if c := g.colOf[vb][el]; c >= 0 && u.colStamp[c] != u.stamp {
			u.colStamp[c] = u.stamp
			u.buf = append(u.buf, c)
		}
	}
	slices.Sort(u.buf)
	return u.buf, nil
}

// colourSets colours the columns 0..n-1 greedily so that no two columns of one set
// share a colour: colour[c] is -1 for a column in no set. The work is Σ|set|² over
// the distinct sets; past limit it gives every column a colour of its own.
func colourSets(n int, sets [][]int32, limit int) (colour []int32, ngroups int) {
	colour = make([]int32, n)
	for i := range colour {
		colour[i] = -1
	}
	work := 0
	for _, s := range sets {
		work += len(s) * len(s)
	}
	if work > limit {
		for _, s := range sets {
			for _, c := range s {
				if colour[c] < 0 {
					colour[c] = int32(ngroups)
					ngroups++
				}
			}
		}
		return colour, ngroups
	}
	// Column → the sets that hold it, compressed.
	start := make([]int, n+1)
	for _, s := range sets {
		for _, c := range s {
			start[c+1]++
		}
	}
	for c := 0; c < n; c++ {
		start[c+1] += start[c]
	}
	of := make([]int32, start[n])
	fill := append([]int(nil), start[:n]...)
	for si, s := range sets {
		for _, c := range s {
			of[fill[c]] = int32(si)
			fill[c]++
		}
	}
	var forbid []int // per colour: the last column (+1) it was forbidden for
	for c := 0; c < n; c++ {
		if start[c] == start[c+1] {
			continue
		}
		for _, si := range of[start[c]:start[c+1]] {
			for _, k := range sets[si] {
				if ck := colour[k]; ck >= 0 {
					forbid[ck] = c + 1
				}
			}
		}
		pick := 0
		for pick < len(forbid) && forbid[pick] == c+1 {
			pick++
		}
		if pick == len(forbid) {
			forbid = append(forbid, 0)
		}
		colour[c] = int32(pick)
	}
	return colour, len(forbid)
}

// coupledSetup derives the composite pattern of every coupled equation (g.gen
// entries with cpat set) through the eliminated equations, chooses forward or
// reverse sweeps for each, and returns their structural entries.
func (g *general) coupledSetup(pat PatternFunc) ([]jacEntry, error) {
	p := g.p
	var ks []int
	need := make([]bool, len(p.Equations))
	for k := range g.gen {
		if g.gen[k].cpat == nil {
			continue
		}
		ks = append(ks, k)
		for _, a := range g.gen[k].anc {
			need[a] = true
		}
	}
	if len(ks) == 0 {
		return nil, nil
	}
	n := len(g.colVB)
	d := &depSets{byHash: map[uint64][]int32{}}
	d.intern(nil) // set 0: no columns
	u := &unionRow{colStamp: make([]int, n)}
	depID := make([][]int32, len(p.Vars))
	cost := make([]int, len(p.Equations)) // per equation: nonzeros + rows, a sweep's cost
	tooLarge := func(what string, count int) error {
		return fmt.Errorf("nlpsolve: %s has %d entries through the eliminated equations (about %.3g GB with their indices); the general method stores at most %d (MaxCoupledEntries); the rows of %s read eliminated variables: %w",
			what, count, float64(count)*32/(1<<30), coupledEntryLimit, g.coupledNames(ks), ErrCoupledJacobianTooLarge)
	}
	maxRows := 0
	for _, a := range g.elim {
		if !need[a] {
			continue
		}
		e := &p.Equations[a]
		pt, err := pat(a)
		if err != nil {
			return nil, fmt.Errorf("nlpsolve: equation %q: %w", e.Name, err)
		}
		rows := e.Block.Rows()
		if pt == nil || len(pt.RowStart) != rows+1 {
			return nil, fmt.Errorf("nlpsolve: equation %q: the Jacobian pattern does not have the block's %d rows", e.Name, rows)
		}
		cost[a] = pt.RowStart[rows] + rows
		maxRows = max(maxRows, rows)
		ids := make([]int32, rows)
		for r := 0; r < rows; r++ {
			cols, err := u.row(g, d, depID, pt, r, e.Defines, e.Name)
			if err != nil {
				return nil, err
			}
			ids[r] = d.intern(cols)
			if d.total > coupledEntryLimit {
				return nil, tooLarge(fmt.Sprintf("the dependence of %q's elements on the columns", e.Name), d.total)
			}
		}
		depID[e.Defines] = ids
	}
	// The coupled rows' composite columns, and per equation its distinct sets.
	total := 0
	rowSets := make(map[int][]int32, len(ks))
	for _, k := range ks {
		ge := &g.gen[k]
		e := &p.Equations[ge.ei]
		pt := ge.cpat
		rows := e.Block.Rows()
		cost[ge.ei] = pt.RowStart[rows] + rows
		ge.rcol = make([][]int32, rows)
		seen := map[int32]bool{}
		for r, row := range ge.rows {
			if row < 0 {
				continue
			}
			cols, err := u.row(g, d, depID, pt, r, -1, e.Name)
			if err != nil {
				return nil, err
			}
			id := d.intern(cols)
			ge.rcol[r] = d.sets[id]
			total += len(cols)
			if total > coupledEntryLimit || d.total > coupledEntryLimit {
				return nil, tooLarge("the Jacobian of those rows", max(total, d.total))
			}
			if !seen[id] {
				seen[id] = true
				rowSets[k] = append(rowSets[k], id)
			}
		}
		ge.cpat = nil
	}
	// Forward or reverse: per equation, forward when its own colouring needs no more
	// groups than it has rows; then the forward ones together, against all reverse.
	const colourWork = 1 << 26
	chainCost := func(k int) int {
		c := cost[g.gen[k].ei]
		for _, a := range g.gen[k].anc {
			c += cost[a]
		}
		return c
	}
	nActive := func(k int) int {
		c := 0
		for _, row := range g.gen[k].rows {
			if row >= 0 {
				c++
			}
		}
		return c
	}
	setsOf := func(ks []int) [][]int32 {
		var out [][]int32
		seen := map[int32]bool{}
		for _, k := range ks {
			for _, id := range rowSets[k] {
				if !seen[id] {
					seen[id] = true
					out = append(out, d.sets[id])
				}
			}
		}
		return out
	}
	var fwd, rev []int
	for _, k := range ks {
		_, ng := colourSets(n, setsOf([]int{k}), colourWork)
		if (ng <= nActive(k) || coupledMode == coupledForward) && coupledMode != coupledReverse {
			fwd = append(fwd, k)
		} else {
			rev = append(rev, k)
		}
	}
	cj := &g.cj
	var colour []int32
	var ngroups int
	if len(fwd) > 0 {
		colour, ngroups = colourSets(n, setsOf(fwd), colourWork)
		inChain := make([]bool, len(p.Equations))
		fc, rc := 0, 0
		for _, k := range fwd {
			fc += cost[g.gen[k].ei]
			rc += nActive(k) * chainCost(k)
			for _, a := range g.gen[k].anc {
				if !inChain[a] {
					inChain[a] = true
					fc += cost[a]
				}
			}
		}
		if rc < ngroups*fc && coupledMode != coupledForward {
			rev, fwd = append(rev, fwd...), nil
			slices.Sort(rev)
		} else {
			for _, a := range g.elim {
				if inChain[a] {
					cj.chain = append(cj.chain, a)
				}
			}
		}
	}
	cj.fwd, cj.rev = fwd, rev
	var ents []jacEntry
	for _, k := range ks {
		ge := &g.gen[k]
		for r, cols := range ge.rcol {
			if ge.rows[r] < 0 {
				continue
			}
			for _, c := range cols {
				ents = append(ents, jacEntry{int(c), ge.rows[r]})
			}
		}
	}
	if len(fwd) > 0 {
		cj.groups = make([][]int, ngroups)
		for c, cl := range colour {
			if cl >= 0 {
				cj.groups[cl] = append(cj.groups[cl], c)
			}
		}
		cj.colour = colour
		cj.tan = make([][]float64, len(p.Vars))
		for vb, v := range p.Vars {
			cj.tan[vb] = make([]float64, v.Size())
		}
		cj.tmp = make([]float64, maxRows)
		off := 0
		for _, k := range fwd {
			cj.jvOff = append(cj.jvOff, off)
			off += p.Equations[g.gen[k].ei].Block.Rows()
			cj.nrows[0] += nActive(k)
		}
		cj.jv = make([]float64, off)
	}
	for _, k := range rev {
		ge := &g.gen[k]
		cj.nrows[1] += nActive(k)
		ge.w = make([]float64, len(ge.rows))
		// The variable blocks a row's adjoint sweep writes: cleared per row.
		touched := map[int]bool{}
		for _, vb := range p.Equations[ge.ei].Vars {
			touched[vb] = true
		}
		if dv := p.Equations[ge.ei].Defines; dv >= 0 {
			touched[dv] = true
		}
		for _, a := range ge.anc {
			touched[p.Equations[a].Defines] = true
			for _, vb := range p.Equations[a].Vars {
				touched[vb] = true
			}
		}
		for vb := range touched {
			ge.touched = append(ge.touched, vb)
		}
		slices.Sort(ge.touched)
	}
	return ents, nil
}

// coupledPositions stores where each coupled entry lands in the Jacobian.
func (g *general) coupledPositions(find func(col, row int) int) {
	cj := &g.cj
	if len(cj.fwd) > 0 {
		cj.src = make([][]int, len(cj.groups))
		cj.dst = make([][]int, len(cj.groups))
		for i, k := range cj.fwd {
			ge := &g.gen[k]
			for r, cols := range ge.rcol {
				if ge.rows[r] < 0 {
					continue
				}
				for _, c := range cols {
					grp := cj.colour[c]
					cj.src[grp] = append(cj.src[grp], cj.jvOff[i]+r)
					cj.dst[grp] = append(cj.dst[grp], find(int(c), ge.rows[r]))
				}
			}
			ge.rcol = nil // no longer needed
		}
		cj.colour = nil
	}
	for _, k := range cj.rev {
		ge := &g.gen[k]
		ge.rpos = make([][]int, len(ge.rows))
		for r, cols := range ge.rcol {
			if ge.rows[r] < 0 {
				continue
			}
			ge.rpos[r] = make([]int, len(cols))
			for i, c := range cols {
				ge.rpos[r][i] = find(int(c), ge.rows[r])
			}
		}
	}
}

// coupledNames lists the coupled equations' names for an error.
func (g *general) coupledNames(ks []int) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = g.p.Equations[g.gen[k].ei].Name
	}
	return strings.Join(names, ", ")
}

// coupledJacobian stores the coupled rows' Jacobian entries in jac, at the point of
// the last evaluation.
func (g *general) coupledJacobian(jac []float64) {
	g.forwardJacobian(jac)
	for _, k := range g.cj.rev {
		g.reverseJacobian(&g.gen[k], jac)
	}
}

// forwardJacobian runs one tangent sweep per colour group: the group's columns are
// seeded with 1, the eliminated equations' tangents follow in forward order (a
// defined variable's tangent is -J·v/Coef with its own tangent left out), and each
// forward equation's JVP holds, in each row, the entry of the group's one column in
// that row.
func (g *general) forwardJacobian(jac []float64) {
	cj := &g.cj
	if len(cj.fwd) == 0 {
		return
	}
	p := g.p
	for grp, cols := range cj.groups {
		for _, c := range cols {
			cj.tan[g.colVB[c]][g.colEl[c]] = 1
		}
		for _, a := range cj.chain {
			e := &p.Equations[a]
			t := cj.tan[e.Defines]
			clear(t)
			jv := cj.tmp[:len(t)]
			e.Block.JVP(cj.tan, jv)
			inv := -1 / e.Coef
			for i, v := range jv {
				t[i] = v * inv
			}
		}
		for i, k := range cj.fwd {
			b := p.Equations[g.gen[k].ei].Block
			b.JVP(cj.tan, cj.jv[cj.jvOff[i]:cj.jvOff[i]+b.Rows()])
		}
		for i, pos := range cj.dst[grp] {
			jac[pos] = cj.jv[cj.src[grp][i]]
		}
		for _, c := range cols {
			cj.tan[g.colVB[c]][g.colEl[c]] = 0
		}
	}
}

// reverseJacobian runs one adjoint sweep per row of ge through its ancestors.
func (g *general) reverseJacobian(ge *genEq, jac []float64) {
	e := &g.p.Equations[ge.ei]
	w := ge.w
	for r, row := range ge.rows {
		if row < 0 {
			continue
		}
		for _, vb := range ge.touched {
			clear(g.bar[vb])
		}
		w[r] = 1
		g.vjpRow(e, w)
		w[r] = 0
		g.backward(ge.anc)
		for i, c := range ge.rcol[r] {
			jac[ge.rpos[r][i]] = g.bar[g.colVB[c]][g.colEl[c]]
		}
	}
}
