package engine

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Statistics are the model statistics a solver reports before it starts. They are
// computed from index patterns of the equation blocks: a reference x[i,k] inside
// Σ_k of an equation over (i,j) touches |i|·|j|·|k| Jacobian elements, whatever the
// number of rows, so the cost is independent of the model's size. Only patterns that
// overlap in ways the formulas cannot count (two different references to one variable
// in one equation that neither contains) are enumerated.
type Statistics struct {
	Constraints               int
	Variables                 int
	JacobianNonzeros          int
	NonlinearJacobianNonzeros int
	HessianDiagonal           int
	HessianBelowDiagonal      int
	NonlinearVariables        int
}

// Write prints the statistics as the solver's log opens with them.
func (s Statistics) Write(w io.Writer) {
	fmt.Fprintf(w, "The model has %d constraints and %d variables\n", s.Constraints, s.Variables)
	fmt.Fprintf(w, "with %d Jacobian elements, %d of which are nonlinear.\n", s.JacobianNonzeros, s.NonlinearJacobianNonzeros)
	fmt.Fprintf(w, "The Hessian of the Lagrangian has %d elements on the diagonal,\n", s.HessianDiagonal)
	fmt.Fprintf(w, "%d elements below the diagonal, and %d nonlinear variables.\n", s.HessianBelowDiagonal, s.NonlinearVariables)
}

// slot is one index instance: a set and the binding it belongs to (0 = the
// equation's own domain, otherwise a sum or a copy made for a Hessian pair).
type slot struct {
	set *Axis
	id  int
}

// binding is an axis's index instance in the scope of a walk: its slot's id, and
// the offset at which the references below read the axis (a lag or a lead, OpShift).
type binding struct{ id, shift int }

type maskC struct {
	cond   *Subset
	slots  []slot // aligned with cond.domain
	shifts []int  // per slot, the offset read (see occ.shifts)
}

// occ is one reference to a variable inside an equation.
type occ struct {
	v         *Symbol
	slots     []slot
	masks     []maskC
	nonlinear bool
	kern      *kernelOcc // set when v is an argument of a kernel
	// shifts are, per slot, the offset from the slot's value of the element read;
	// nil for none. A shifted reference reads nothing where the offset leaves the
	// axis, which the formulas do not count: its patterns are enumerated.
	shifts []int
}

// slotVals is the value of every slot of an enumeration. An enumeration binds a
// handful of slots, so a short list searched in order beats a map, whose hashing
// of the two-word key took most of the statistics' time on LPs of thousands of
// one-row equations.
type slotVals struct {
	slots []slot
	v     []int
}

// get returns the value of s, 0 for a slot not bound.
func (sv *slotVals) get(s slot) int {
	for k, t := range sv.slots {
		if t == s {
			return sv.v[k]
		}
	}
	return 0
}

// index returns the position of s in sv.slots, or -1.
func (sv *slotVals) index(s slot) int {
	for k, t := range sv.slots {
		if t == s {
			return k
		}
	}
	return -1
}

// at is the row-major position the slots' values val give, each moved by its shift
// (shifts may be nil), and -1 where a shift leaves its axis.
func at(slots []slot, shifts []int, val *slotVals) int {
	off := 0
	for k, s := range slots {
		p := val.get(s)
		if shifts != nil {
			p += shifts[k]
			if p < 0 || p >= s.set.Size {
				return -1
			}
		}
		off = off*s.set.Size + p
	}
	return off
}

// shifted reports whether o or one of its masks reads a shifted axis.
func (o occ) shifted() bool {
	if o.shifts != nil {
		return true
	}
	for _, m := range o.masks {
		if m.shifts != nil {
			return true
		}
	}
	return false
}

// shiftsOf are the scope's offsets for axes, nil when all are 0.
func shiftsOf(axes []*Axis, scope map[*Axis]binding) []int {
	var out []int
	for k, a := range axes {
		if sh := scope[a].shift; sh != 0 {
			if out == nil {
				out = make([]int, len(axes))
			}
			out[k] = sh
		}
	}
	return out
}

// kernelOcc is a variable as argument arg of a kernel whose output runs over out
// (sets of the equation's own domain: kernels enter equations linearly, unsummed).
type kernelOcc struct {
	k   Kernel
	arg int
	out []*Axis
}

type pairPat struct {
	p, q  occ
	masks []maskC
	self  bool
	// kern is set for the pairs a kernel multiplies: elements of arguments ki and kj.
	kern   Kernel
	ki, kj int
	swap   bool // p and q were swapped after the kernel reported them
}

type statWalker struct {
	nextID int
	occs   []occ
	pairs  []pairPat
}

// walk collects the references below e (scope maps sets to their binding) and
// returns them; the introduced binding ids go to intro.
func (w *statWalker) walk(e *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, intro *[]int) []occ {
	return ops[e.Op].patterns(w, e, scope, masks, nonlin, intro)
}

// linearPatterns: a sum, difference or negation passes its arguments' references
// through.
func linearPatterns(w *statWalker, e *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, intro *[]int) []occ {
	var out []occ
	for _, a := range e.Args {
		out = append(out, w.walk(a, scope, masks, nonlin, intro)...)
	}
	return out
}

// allPairs records every pair of references below a nonlinear function; the bindings
// made below it are independent for the two members of a pair.
func (w *statWalker) allPairs(occs []occ, below []int) {
	renamed := make(map[int]int, len(below))
	for _, id := range below {
		w.nextID++
		renamed[id] = w.nextID
	}
	for i := range occs {
		for j := i; j < len(occs); j++ {
			q := occs[j]
			q.slots = renameSlots(q.slots, renamed)
			var qm []maskC
			for _, m := range q.masks {
				qm = append(qm, maskC{m.cond, renameSlots(m.slots, renamed), m.shifts})
			}
			q.masks = qm
			w.pair(occs[i], q, i == j)
		}
	}
}

func renameSlots(s []slot, ren map[int]int) []slot {
	out := make([]slot, len(s))
	for i, x := range s {
		if id, ok := ren[x.id]; ok {
			x.id = id
		}
		out[i] = x
	}
	return out
}

func (w *statWalker) pair(p, q occ, self bool) {
	pp := pairPat{p: p, q: q, self: self}
	pp.masks = dedupMasks(append(append([]maskC(nil), p.masks...), q.masks...))
	w.pairs = append(w.pairs, pp)
}

func dedupMasks(ms []maskC) []maskC {
	var out []maskC
	for _, m := range ms {
		dup := false
		for _, o := range out {
			dup = dup || (o.cond == m.cond && slotsEqual(o.slots, m.slots) && slices.Equal(o.shifts, m.shifts))
		}
		if !dup {
			out = append(out, m)
		}
	}
	return out
}

func slotsEqual(a, b []slot) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func uniqueSlots(lists ...[]slot) []slot {
	var out []slot
	for _, l := range lists {
		for _, s := range l {
			if !containsSlot(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

func containsSlot(l []slot, s slot) bool {
	for _, t := range l {
		if t == s {
			return true
		}
	}
	return false
}

// countPattern counts the assignments of used slots that satisfy masks, by formula
// when every mask lies on used slots and masks do not share slots; ok is false
// otherwise.
func countPattern(used []slot, masks []maskC) (int, bool) {
	covered := map[slot]bool{}
	n := 1
	for _, m := range masks {
		if m.shifts != nil {
			return 0, false
		}
		for _, s := range m.slots {
			if !containsSlot(used, s) || covered[s] {
				return 0, false
			}
			covered[s] = true
		}
		// A mask whose slots repeat a set position pattern differently from its domain
		// order is still a product of membership: count members.
		n *= m.cond.Count
	}
	for _, s := range used {
		if !covered[s] {
			n *= s.set.Size
		}
	}
	return n, true
}

// enumerate calls f for every assignment of slots satisfying masks. Mask slots
// outside slots (a condition on a summed index) are enumerated too, so f may see an
// assignment of slots more than once: callers collect into sets. A sparse mask
// (records) drives the enumeration of its slots, so that the cost follows its
// records rather than the product of its axes.
func enumerate(slots []slot, masks []maskC, f func(val *slotVals)) {
	for _, m := range masks {
		slots = uniqueSlots(slots, m.slots)
	}
	val := &slotVals{slots: slots, v: make([]int, len(slots))}
	var drivers []maskC
	var driverPos [][]int // per driver: the position of each of its slots in val
	driven := make([]bool, len(slots))
	for _, m := range masks {
		if m.cond.sparseMembers() != nil && m.shifts == nil {
			drivers = append(drivers, m)
			pos := make([]int, len(m.slots))
			for d, s := range m.slots {
				pos[d] = val.index(s)
				driven[pos[d]] = true
			}
			driverPos = append(driverPos, pos)
		}
	}
	var free []int // positions of the slots no driver binds
	for k := range slots {
		if !driven[k] {
			free = append(free, k)
		}
	}
	set := make([]bool, len(slots))
	var dense func(d int)
	dense = func(d int) {
		if d == len(free) {
			for _, m := range masks {
				if off := at(m.slots, m.shifts, val); off < 0 || !m.cond.has(int64(off)) {
					return
				}
			}
			f(val)
			return
		}
		k := free[d]
		for i := 0; i < slots[k].set.Size; i++ {
			val.v[k] = i
			dense(d + 1)
		}
	}
	var drive func(k int)
	drive = func(k int) {
		if k == len(drivers) {
			dense(0)
			return
		}
		m, pos := drivers[k], driverPos[k]
		var newly []int
		for _, r := range m.cond.sparseMembers() {
			ok := true
			newly = newly[:0]
			for d := len(m.slots) - 1; d >= 0; d-- {
				size := int64(m.cond.Domain[d].Size)
				v := int(r % size)
				r /= size
				p := pos[d]
				if set[p] {
					if val.v[p] != v {
						ok = false
						break
					}
					continue
				}
				val.v[p], set[p] = v, true
				newly = append(newly, p)
			}
			if ok {
				drive(k + 1)
			}
			for _, p := range newly {
				set[p] = false
			}
		}
	}
	drive(0)
}

func linear(slots []slot, val *slotVals) int {
	off := 0
	for _, s := range slots {
		off = off*s.set.Size + val.get(s)
	}
	return off
}

// covers reports whether occurrence a touches every (row, element) pair b touches.
func covers(a, b occ) bool {
	if len(a.masks) > 0 || a.shifted() || b.shifted() {
		return false
	}
	for d := range a.slots {
		if a.slots[d] == b.slots[d] {
			continue
		}
		if a.slots[d].id == 0 {
			return false
		}
		for e := range a.slots {
			if e != d && a.slots[e] == a.slots[d] {
				return false
			}
		}
	}
	return true
}

func reduceCovered(occs []occ) []occ {
	var out []occ
	for i, b := range occs {
		dominated := false
		for j, a := range occs {
			if i != j && covers(a, b) && !(covers(b, a) && j > i) {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, b)
		}
	}
	return out
}

// jacobianCount counts distinct (row, element) pairs of a variable's occurrences.
func jacobianCount(rows []slot, rowMasks []maskC, occs []occ) int {
	if n, ok := quickCount(rows, rowMasks, occs); ok {
		return n
	}
	return enumeratedCount(rows, rowMasks, occs)
}

// quickCount counts the distinct (row, element) pairs of a variable's occurrences
// by formula where it can (ok); otherwise they must be enumerated.
func quickCount(rows []slot, rowMasks []maskC, occs []occ) (n int, ok bool) {
	pats, kerns := splitOccs(occs)
	if len(pats) == 1 && len(kerns) == 0 && !pats[0].shifted() {
		o := pats[0]
		if n, ok := countPattern(uniqueSlots(rows, o.slots), dedupMasks(append(append([]maskC(nil), rowMasks...), o.masks...))); ok {
			return n, true
		}
	}
	if len(pats) == 0 && len(kerns) == 1 && len(rowMasks) == 0 {
		ko := kerns[0].kern
		if kc, ok := ko.k.(KernelCounter); ok {
			n := kc.JacobianCount(ko.arg)
			for _, s := range rows {
				if !contains(ko.out, s.set) {
					n *= s.set.Size
				}
			}
			return n, true
		}
	}
	return 0, false
}

// enumeratedCount counts the distinct (row, element) pairs of a variable's
// occurrences by enumerating them.
func enumeratedCount(rows []slot, rowMasks []maskC, occs []occ) int {
	pats, kerns := splitOccs(occs)
	// The pairs as row<<32|elem keys, sorted and counted once each: a map of the
	// pairs cost more than the enumeration on LPs of thousands of entries.
	var keys []int64
	eachJacobianEntry(rows, rowMasks, pats, kerns, func(row, elem int) { keys = append(keys, int64(row)<<32|int64(elem)) })
	slices.Sort(keys)
	return len(slices.Compact(keys))
}

// splitOccs separates a variable's occurrences into index patterns, less those another
// pattern covers, and kernel arguments.
func splitOccs(occs []occ) (pats, kerns []occ) {
	for _, o := range occs {
		if o.kern != nil {
			kerns = append(kerns, o)
		} else {
			pats = append(pats, o)
		}
	}
	return reduceCovered(pats), kerns
}

// eachJacobianEntry calls fn for every (row, element) pair at which the patterns and
// kernel arguments of one variable (from splitOccs) enter an equation over rows; a
// pair may be reported more than once (from two patterns, or from a condition on a
// summed index). The counts of statistics and the structure of Jacobian both come
// from here.
func eachJacobianEntry(rows []slot, rowMasks []maskC, pats, kerns []occ, fn func(row, elem int)) {
	for _, o := range pats {
		enumerate(uniqueSlots(rows, o.slots), dedupMasks(append(append([]maskC(nil), rowMasks...), o.masks...)), func(val *slotVals) {
			if el := at(o.slots, o.shifts, val); el >= 0 {
				fn(linear(rows, val), el)
			}
		})
	}
	for _, o := range kerns {
		eachKernelEntry(rows, rowMasks, o.kern, fn)
	}
}

// eachKernelEntry calls fn for every (row, element) pair of a kernel argument: the
// kernel's output element repeats over the equation's other domain sets.
func eachKernelEntry(rows []slot, rowMasks []maskC, ko *kernelOcc, fn func(row, elem int)) {
	sets := make([]*Axis, len(rows))
	for i, s := range rows {
		sets[i] = s.set
	}
	nrows := Size(sets)
	active := make([]bool, nrows)
	enumerate(rows, rowMasks, func(val *slotVals) { active[linear(rows, val)] = true })
	toOut := GatherMap(sets, ko.out)
	outLen, _ := ko.k.Lens()
	// Rows of each output element, by counting sort.
	start := make([]int, outLen+1)
	for r := 0; r < nrows; r++ {
		if active[r] {
			start[Pos(toOut, r)+1]++
		}
	}
	for i := 0; i < outLen; i++ {
		start[i+1] += start[i]
	}
	byOut := make([]int, start[outLen])
	fillAt := append([]int(nil), start[:outLen]...)
	for r := 0; r < nrows; r++ {
		if active[r] {
			o := Pos(toOut, r)
			byOut[fillAt[o]] = r
			fillAt[o]++
		}
	}
	ko.k.Each(ko.arg, func(out, elem int) {
		for _, r := range byOut[start[out]:start[out+1]] {
			fn(r, elem)
		}
	})
}

// occElements marks (or counts) the elements of v an occurrence touches.
func occElements(rows []slot, rowMasks []maskC, o occ) (full bool, mark func([]bool)) {
	if ko := o.kern; ko != nil {
		if kc, ok := ko.k.(KernelCounter); ok && len(rowMasks) == 0 && kc.TouchedCount(ko.arg) == Size(o.v.Domain) {
			return true, nil
		}
		return false, func(bits []bool) {
			eachKernelEntry(rows, rowMasks, ko, func(_, elem int) { bits[elem] = true })
		}
	}
	distinct := len(uniqueSlots(o.slots)) == len(o.slots)
	if distinct && len(o.masks) == 0 && len(rowMasks) == 0 && o.shifts == nil {
		return true, nil
	}
	return false, func(bits []bool) {
		enumerate(uniqueSlots(rows, o.slots), dedupMasks(append(append([]maskC(nil), rowMasks...), o.masks...)), func(val *slotVals) {
			if el := at(o.slots, o.shifts, val); el >= 0 {
				bits[el] = true
			}
		})
	}
}

// eachPair calls fn with the elements of p's and q's variables of every pair.
func eachPair(pp pairPat, fn func(i, j int)) {
	if pp.kern != nil {
		if pp.swap {
			pp.kern.EachPair(pp.ki, pp.kj, func(a, b int) { fn(b, a) })
		} else {
			pp.kern.EachPair(pp.ki, pp.kj, fn)
		}
		return
	}
	enumerate(uniqueSlots(pp.p.slots, pp.q.slots), pp.masks, func(val *slotVals) {
		if i, j := at(pp.p.slots, pp.p.shifts, val), at(pp.q.slots, pp.q.shifts, val); i >= 0 && j >= 0 {
			fn(i, j)
		}
	})
}

func patternKey(pp pairPat) string {
	if pp.kern != nil {
		// Every kernel application is its own pattern.
		return fmt.Sprintf("kernel %p %d %d", pp.p.kern, pp.ki, pp.kj)
	}
	ids := map[int]int{}
	var b strings.Builder
	name := func(s slot) {
		if _, ok := ids[s.id]; !ok {
			ids[s.id] = len(ids)
		}
		fmt.Fprintf(&b, "%p:%d,", s.set, ids[s.id])
	}
	fmt.Fprintf(&b, "%p|", pp.p.v)
	for _, s := range pp.p.slots {
		name(s)
	}
	fmt.Fprintf(&b, "%v|%p|", pp.p.shifts, pp.q.v)
	for _, s := range pp.q.slots {
		name(s)
	}
	fmt.Fprintf(&b, "%v", pp.q.shifts)
	for _, m := range pp.masks {
		fmt.Fprintf(&b, "|%p:", m.cond)
		for _, s := range m.slots {
			name(s)
		}
		fmt.Fprintf(&b, "%v", m.shifts)
	}
	fmt.Fprintf(&b, "|%v", pp.self)
	return b.String()
}

// eqPattern is the index pattern of one equation: its rows (the domain's slots and
// its condition) and the references to each variable, in order of first appearance.
type eqPattern struct {
	rows     []slot
	rowMasks []maskC
	nrows    int // rows inside the condition
	order    []*Symbol
	byVar    map[*Symbol][]occ
}

// Equation is an equation as the engine reads it: lhs - rhs over its domain,
// restricted to its condition's members when Cond is not nil.
type Equation struct {
	Name   string
	Domain []*Axis
	Cond   *Subset
	Body   *Term
}

// equation walks e's definition; the pairs it multiplies are added to w.pairs.
func (w *statWalker) equation(e *Equation) eqPattern {
	var ep eqPattern
	scope := map[*Axis]binding{}
	for _, s := range e.Domain {
		scope[s] = binding{}
		ep.rows = append(ep.rows, slot{s, 0})
	}
	ep.nrows = Size(e.Domain)
	if e.Cond != nil {
		m := maskC{cond: e.Cond}
		for _, s := range e.Cond.Domain {
			m.slots = append(m.slots, slot{s, 0})
		}
		ep.rowMasks = []maskC{m}
		ep.nrows, _ = countPattern(ep.rows, ep.rowMasks)
	}
	var intro []int
	occs := w.walk(e.Body, scope, nil, false, &intro)
	ep.byVar = map[*Symbol][]occ{}
	for _, o := range occs {
		if _, ok := ep.byVar[o.v]; !ok {
			ep.order = append(ep.order, o.v)
		}
		ep.byVar[o.v] = append(ep.byVar[o.v], o)
	}
	return ep
}

// Stats are the statistics of the equations over the variables vars (their
// elements count as variables whether the equations read them or not).
func Stats(eqs []Equation, vars []*Symbol) Statistics {
	st, _ := StatsAndStructures(eqs, vars, nil)
	return st
}

// StatsAndStructures is Stats, and with index (the variable block of each variable
// symbol, as PatternOf takes it) not nil, it also returns the Jacobian structure
// (PatternOf less the colouring; Pattern.Coloured completes it) of each equation
// whose Jacobian count has to enumerate the entries of some variable: the count
// comes from that structure, which holds the same entries, so that a caller who
// needs the pattern later does not enumerate them again. The other equations'
// structures are nil.
func StatsAndStructures(eqs []Equation, vars []*Symbol, index map[*Symbol]int) (Statistics, []*Pattern) {
	var st Statistics
	var structs []*Pattern
	if index != nil {
		structs = make([]*Pattern, len(eqs))
	}
	for _, v := range vars {
		st.Variables += Size(v.Domain)
	}
	w := &statWalker{}
	nonlinElems := map[*Symbol][]bool{}
	nonlinFull := map[*Symbol]bool{}
	for i := range eqs {
		ep := w.equation(&eqs[i])
		rows, rowMasks, byVar := ep.rows, ep.rowMasks, ep.byVar
		st.Constraints += ep.nrows
		counts, counted := make([]int, len(ep.order)), make([]bool, len(ep.order))
		quick, quickEntries := true, 0
		for k, v := range ep.order {
			n, ok := quickCount(rows, rowMasks, byVar[v])
			counts[k], counted[k], quick = n, ok, quick && ok
			if ok {
				quickEntries += n
			}
		}
		// The structure enumerates the variables counted by formula too: only
		// where they add about one entry a row at most (an LP's row with a
		// slack), not a dense block beside a sparse one.
		if !quick && index != nil && quickEntries <= ep.nrows+64 {
			sp := structureOf(&eqs[i], ep, index)
			structs[i] = &sp
			perBlock := map[int32]int{}
			for _, vb := range sp.VB {
				perBlock[vb]++
			}
			for k, v := range ep.order {
				if !counted[k] {
					counts[k] = perBlock[int32(index[v])]
					counted[k] = true
				}
			}
		}
		for k, v := range ep.order {
			if !counted[k] {
				counts[k] = enumeratedCount(rows, rowMasks, byVar[v])
			}
		}
		for k, v := range ep.order {
			st.JacobianNonzeros += counts[k]
			var nl []occ
			for _, o := range byVar[v] {
				if o.nonlinear {
					nl = append(nl, o)
				}
			}
			if len(nl) > 0 {
				st.NonlinearJacobianNonzeros += jacobianCount(rows, rowMasks, nl)
			}
			for _, o := range nl {
				if nonlinFull[v] {
					break
				}
				full, mark := occElements(rows, rowMasks, o)
				if full {
					nonlinFull[v] = true
					continue
				}
				if nonlinElems[v] == nil {
					nonlinElems[v] = make([]bool, Size(v.Domain))
				}
				mark(nonlinElems[v])
			}
		}
	}
	for _, v := range vars {
		if nonlinFull[v] {
			st.NonlinearVariables += Size(v.Domain)
		} else if bits := nonlinElems[v]; bits != nil {
			for _, b := range bits {
				if b {
					st.NonlinearVariables++
				}
			}
		}
	}
	st.HessianDiagonal, st.HessianBelowDiagonal = hessianCounts(w.pairs)
	return st, structs
}

type varPair struct{ a, b *Symbol }

// hessianCounts counts distinct diagonal and below-diagonal Hessian elements over all
// pair patterns.
func hessianCounts(pairs []pairPat) (diag, below int) {
	groups := map[varPair][]pairPat{}
	var order []varPair
	seen := map[string]bool{}
	for _, pp := range pairs {
		if k := patternKey(pp); seen[k] {
			continue
		} else {
			seen[k] = true
		}
		key := varPair{pp.p.v, pp.q.v}
		if _, ok := groups[key]; !ok {
			if rev := (varPair{pp.q.v, pp.p.v}); groups[rev] != nil {
				key = rev
				pp.p, pp.q = pp.q, pp.p
				pp.swap = !pp.swap
			} else {
				order = append(order, key)
			}
		}
		groups[key] = append(groups[key], pp)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].a.Name+order[i].b.Name < order[j].a.Name+order[j].b.Name })
	diagBits := map[*Symbol][]bool{}
	diagFull := map[*Symbol]bool{}
	for _, key := range order {
		g := groups[key]
		if key.a != key.b {
			if len(g) == 1 && g[0].kern != nil {
				if kc, ok := g[0].kern.(KernelCounter); ok {
					below += kc.PairCount(g[0].ki, g[0].kj)
					continue
				}
			}
			if len(g) == 1 && g[0].kern == nil && !g[0].p.shifted() && !g[0].q.shifted() {
				if n, ok := countPattern(uniqueSlots(g[0].p.slots, g[0].q.slots), g[0].masks); ok {
					below += n
					continue
				}
			}
			set := map[[2]int]bool{}
			for _, pp := range g {
				eachPair(pp, func(i, j int) { set[[2]int{i, j}] = true })
			}
			below += len(set)
			continue
		}
		v := key.a
		if len(g) == 1 && g[0].self && len(g[0].masks) == 0 && g[0].p.shifts == nil && g[0].q.shifts == nil {
			pp := g[0]
			total, _ := countPattern(uniqueSlots(pp.p.slots, pp.q.slots), nil)
			// Diagonal: merge each position's two slots.
			merged := map[slot]slot{}
			for d := range pp.p.slots {
				merged[pp.q.slots[d]] = pp.p.slots[d]
			}
			var dslots []slot
			for _, s := range uniqueSlots(pp.p.slots, pp.q.slots) {
				if m, ok := merged[s]; ok {
					s = m
				}
				if !containsSlot(dslots, s) {
					dslots = append(dslots, s)
				}
			}
			d, _ := countPattern(dslots, nil)
			below += (total - d) / 2
			if d == Size(v.Domain) {
				diagFull[v] = true
			} else if !diagFull[v] {
				bits := diagBits[v]
				if bits == nil {
					bits = make([]bool, Size(v.Domain))
					diagBits[v] = bits
				}
				enumerate(dslots, nil, func(val *slotVals) { bits[linear(pp.p.slots, val)] = true })
			}
			continue
		}
		set := map[[2]int]bool{}
		bits := diagBits[v]
		if bits == nil {
			bits = make([]bool, Size(v.Domain))
			diagBits[v] = bits
		}
		for _, pp := range g {
			eachPair(pp, func(i, j int) {
				if i == j {
					bits[i] = true
					return
				}
				if i < j {
					i, j = j, i
				}
				set[[2]int{i, j}] = true
			})
		}
		below += len(set)
	}
	for v, bits := range diagBits {
		if diagFull[v] {
			continue
		}
		for _, b := range bits {
			if b {
				diag++
			}
		}
	}
	for v := range diagFull {
		diag += Size(v.Domain)
	}
	return diag, below
}

// recordMask is the condition a reference to sparse data puts on what it
// multiplies: its records, at the reference's slots.
func recordMask(t *Term, scope map[*Axis]binding) (maskC, bool) {
	if t.Op != OpRef || t.Ref == nil || t.Ref.Var || t.Ref.Records == nil {
		return maskC{}, false
	}
	m := maskC{cond: t.Ref.records(), shifts: shiftsOf(t.Idx, scope)}
	for _, s := range t.Idx {
		m.slots = append(m.slots, slot{s, scope[s].id})
	}
	return m, true
}

// masked is occs with m added to each one's conditions.
func masked(occs []occ, m maskC) []occ {
	out := make([]occ, len(occs))
	for i, o := range occs {
		o.masks = append(append([]maskC(nil), o.masks...), m)
		out[i] = o
	}
	return out
}

// maskPairs adds m to the conditions of the pairs recorded from index from up to to
// (kernel pairs, which enumerate their own patterns, keep theirs).
func (w *statWalker) maskPairs(from, to int, m maskC) {
	for i := from; i < to; i++ {
		if pp := &w.pairs[i]; pp.kern == nil {
			pp.masks = dedupMasks(append(append([]maskC(nil), pp.masks...), m))
		}
	}
}
