package engine

import (
	"slices"
	"sort"
)

// Sparse tensors. A tensor over axes is dense (every position stored, row-major) or
// sparse: it stores only its records, the increasing row-major positions in its
// axes' product where it may be nonzero, and is zero elsewhere. Sparse data
// (Symbol.Records) make sparse nodes, and an operation whose result is zero where
// an argument is (a product, a quotient's numerator, a negation, a condition, a sum
// over records) keeps it sparse (opInfo.records), so that an expression over a
// sparse parameter costs its records, not its domain. Every other operation reads a
// sparse argument through a gather in which a missing record is position -1, which
// the backends read as 0 and write nowhere.

// coords maps positions over out to positions over in, whose axes are among out's:
// the position over in of the element at the same index values.
type coords struct {
	outStride []int64 // per out axis
	inStride  []int64 // per out axis: the stride of that axis in in, 0 if in lacks it
	size      []int64 // per out axis
}

func newCoords(out, in []*Axis) coords {
	c := coords{outStride: make([]int64, len(out)), inStride: make([]int64, len(out)), size: make([]int64, len(out))}
	st := int64(1)
	for d := len(out) - 1; d >= 0; d-- {
		c.outStride[d], c.size[d] = st, int64(out[d].Size)
		st *= int64(out[d].Size)
	}
	ist := strides(in)
	for d, a := range out {
		for e, b := range in {
			if a == b {
				c.inStride[d] = int64(ist[e])
			}
		}
	}
	return c
}

// of is the position over in of position p over out.
func (c coords) of(p int64) int64 {
	var q int64
	for d := range c.outStride {
		q += (p / c.outStride[d] % c.size[d]) * c.inStride[d]
	}
	return q
}

// find is the index of position p in the records recs, or -1.
func find(recs []int64, p int64) int32 {
	k := sort.Search(len(recs), func(k int) bool { return recs[k] >= p })
	if k < len(recs) && recs[k] == p {
		return int32(k)
	}
	return -1
}

// gather maps each element of a tensor over out (records outRecs, nil: dense) to
// the element of the tensor over in (records inRecs) at the same index values, -1
// where in has no record there; nil when the layouts are the same.
func gather(out []*Axis, outRecs []int64, in []*Axis, inRecs []int64) []int32 {
	if outRecs == nil && inRecs == nil {
		return GatherMap(out, in)
	}
	c := newCoords(out, in)
	n := Size(out)
	if outRecs != nil {
		n = len(outRecs)
	}
	g := make([]int32, n)
	same := len(out) == len(in) && (outRecs == nil) == (inRecs == nil) && slices.Equal(outRecs, inRecs)
	for d := 0; same && d < len(out); d++ {
		same = out[d] == in[d]
	}
	if same {
		return nil
	}
	for i := range g {
		p := int64(i)
		if outRecs != nil {
			p = outRecs[i]
		}
		q := c.of(p)
		if inRecs != nil {
			g[i] = find(inRecs, q)
		} else {
			g[i] = int32(q)
		}
	}
	return g
}

// expand is the records over out of a tensor over in (axes among out's) with
// records recs, repeated along out's other axes: increasing positions over out.
func expand(out, in []*Axis, recs []int64) []int64 {
	var extra []int // out axes in lacks
	for d, a := range out {
		if !contains(in, a) {
			extra = append(extra, d)
		}
	}
	// Position over out of each record, with the extra axes at 0.
	inC := newCoords(in, in)
	outSt := strides(out)
	inToOut := make([]int64, len(in))
	for e, b := range in {
		for d, a := range out {
			if a == b {
				inToOut[e] = int64(outSt[d])
			}
		}
	}
	reps := 1
	for _, d := range extra {
		reps *= out[d].Size
	}
	res := make([]int64, 0, len(recs)*reps)
	for _, r := range recs {
		var base int64
		for e := range in {
			base += (r / inC.outStride[e] % inC.size[e]) * inToOut[e]
		}
		for k := 0; k < reps; k++ {
			p, rest := base, k
			for x := len(extra) - 1; x >= 0; x-- {
				d := extra[x]
				p += int64(rest%out[d].Size) * int64(outSt[d])
				rest /= out[d].Size
			}
			res = append(res, p)
		}
	}
	if len(extra) > 0 || !sameOrder(out, in) {
		slices.Sort(res)
	}
	return res
}

func sameOrder(a, b []*Axis) bool {
	return slices.Equal(a, b)
}

// intersect is the records in both a and b (both increasing).
func intersect(a, b []int64) []int64 {
	var out []int64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// project is the distinct positions over out (axes among in's) of the records recs
// over in, increasing; nil when they are all of out's positions.
func project(out, in []*Axis, recs []int64) []int64 {
	c := newCoords(in, out)
	res := make([]int64, len(recs))
	for i, r := range recs {
		res[i] = c.of(r)
	}
	slices.Sort(res)
	res = slices.Compact(res)
	if int64(len(res)) == int64(Size(out)) {
		return nil
	}
	return res
}

// hasSparse reports whether sparse data is referenced below t.
func hasSparse(t *Term) bool {
	if t.Op == OpRef {
		return t.Ref != nil && t.Ref.Records != nil
	}
	for _, a := range t.Args {
		if hasSparse(a) {
			return true
		}
	}
	return false
}

// The records rules of the operation table (opInfo.records): the records of an
// operation's result, nil for a dense one. An empty result has no records but is
// sparse: a non-nil empty slice.

// expanded is the records of argument a over the axes idx, nil when a is dense.
func (l *lowerer) expanded(idx []*Axis, a *Node) []int64 {
	r := l.recs[a]
	if r == nil {
		return nil
	}
	if len(l.idx[a]) == len(idx) && sameOrder(l.idx[a], idx) {
		return r
	}
	return expand(idx, l.idx[a], r)
}

func nonNil(r []int64) []int64 {
	if r == nil {
		return []int64{}
	}
	return r
}

// productRecords: a product is zero wherever one of its factors is, so it has the
// records all its sparse factors share.
func productRecords(l *lowerer, _ *Term, args []*Node, idx []*Axis) []int64 {
	var recs []int64
	sparse := false
	for _, a := range args {
		if r := l.expanded(idx, a); r != nil {
			if !sparse {
				recs, sparse = r, true
			} else {
				recs = intersect(recs, r)
			}
		}
	}
	if !sparse {
		return nil
	}
	return nonNil(recs)
}

// firstRecords: the result is zero where the first argument is (a quotient's
// numerator, a negation).
func firstRecords(l *lowerer, _ *Term, args []*Node, idx []*Axis) []int64 {
	return l.expanded(idx, args[0])
}

// sumRecords: a sum or difference of two sparse terms with the same records keeps
// them; otherwise it is dense.
func sumRecords(l *lowerer, _ *Term, args []*Node, idx []*Axis) []int64 {
	a, b := l.expanded(idx, args[0]), l.expanded(idx, args[1])
	if a == nil || b == nil || !slices.Equal(a, b) {
		return nil
	}
	return a
}

// whereRecords: a sparse argument restricted to a condition keeps its records that
// are members.
func whereRecords(l *lowerer, t *Term, args []*Node, idx []*Axis) []int64 {
	r := l.expanded(idx, args[0])
	if r == nil {
		return nil
	}
	c := newCoords(idx, t.Cond.Domain)
	out := []int64{}
	for _, p := range r {
		if t.Cond.has(c.of(p)) {
			out = append(out, p)
		}
	}
	return out
}

// reductionRecords: a sum over a sparse argument has the records its records
// project to (nil when that is every position).
func reductionRecords(l *lowerer, _ *Term, args []*Node, idx []*Axis) []int64 {
	r := l.recs[args[0]]
	if r == nil {
		return nil
	}
	if len(r) == 0 {
		return []int64{}
	}
	return project(idx, l.idx[args[0]], r)
}
