package engine

import "github.com/nnopt/nnopt/backend"

// The engine's view of an expression. The modelling layer builds Terms from its own
// expressions when it generates a model; the engine lowers them to nodes, counts
// their patterns and finds the variables equations define.

// Axis is one index of a tensor: a set's elements, told apart by identity (two sets
// of one size are different axes).
type Axis struct {
	Name string
	Size int
}

// Subset is a condition: its members over the product of its domain, row-major,
// as a mask (Member) or, for a sparse one, as the increasing positions of its
// members (Records, with Member nil).
type Subset struct {
	Name    string
	Domain  []*Axis
	Member  []bool
	Records []int64
	Count   int // members
	// members caches Member's true positions for a mask with few members, which
	// then drives the statistics' enumeration as records do.
	members []int64
}

// sparseMembers is the increasing positions of the members when the subset is
// sparse or has few members (under a quarter of its domain), else nil.
func (s *Subset) sparseMembers() []int64 {
	if s.Records != nil {
		return s.Records
	}
	if s.members == nil && s.Count*4 < len(s.Member) {
		s.members = make([]int64, 0, s.Count)
		for p, on := range s.Member {
			if on {
				s.members = append(s.members, int64(p))
			}
		}
	}
	return s.members
}

// has reports whether position p of the domain's product is a member.
func (s *Subset) has(p int64) bool {
	if s.Member != nil {
		return s.Member[p]
	}
	return find(s.Records, p) >= 0
}

// Symbol is a variable or data as a Term references it.
type Symbol struct {
	Name   string
	Domain []*Axis
	Var    bool      // a variable, whose levels the solver moves; else data
	Values []float64 // data: the values, shared with the modelling layer's symbol
	// Snapshot says the data are read as of generation (a variable attribute in
	// algebra), so a node copies them rather than sharing them.
	Snapshot bool
	// Handle is the modelling layer's symbol, which Block.Reach reports for data.
	Handle any
	// Records, for sparse data, are the increasing positions (row-major over
	// Domain) of the elements stored, Values holding one value per record; nil for
	// dense data and variables.
	Records []int64
	// recordSet is Records as a condition, made once: the statistics mask what sparse
	// data multiplies with it.
	recordSet *Subset
}

// records is the symbol's records as a condition (nil for dense data).
func (s *Symbol) records() *Subset {
	if s.Records == nil {
		return nil
	}
	if s.recordSet == nil {
		s.recordSet = &Subset{Name: s.Name, Domain: s.Domain, Records: s.Records, Count: len(s.Records)}
	}
	return s.recordSet
}

// Term is an expression over axes.
type Term struct {
	Op   Op
	Fn   backend.Func // OpFunc
	Val  float64      // OpConst: the value; OpFunc: the function's parameter
	Args []*Term
	Ref  *Symbol // OpRef
	// Idx is, for OpRef, the axis of each dimension of the symbol; for OpSum and
	// OpLogSumExp, the axes summed over; for OpShift, the axis shifted.
	Idx []*Axis
	// Shift is OpShift's offset: the term at position p of Idx[0] is the argument at
	// p + Shift (a lead for Shift > 0, a lag below), absent (0) off the axis.
	Shift int
	Cond  *Subset // OpWhere
	Kern  Kernel  // OpKernel
	// Free are the axes the term varies over, in order.
	Free []*Axis
	// HasVar says a variable is referenced somewhere below.
	HasVar bool
	// Origin is what the modelling layer made the term of, for its messages.
	Origin any
}

// Size is the number of elements of a tensor over axes.
func Size(axes []*Axis) int {
	n := 1
	for _, a := range axes {
		n *= a.Size
	}
	return n
}

// Names lists the axes' names: (i,j).
func Names(axes []*Axis) string {
	s := "("
	for i, a := range axes {
		if i > 0 {
			s += ","
		}
		s += a.Name
	}
	return s + ")"
}

func contains(list []*Axis, a *Axis) bool {
	for _, b := range list {
		if a == b {
			return true
		}
	}
	return false
}

func minus(a, b []*Axis) []*Axis {
	var out []*Axis
	for _, x := range a {
		if !contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func strides(idx []*Axis) []int {
	st := make([]int, len(idx))
	n := 1
	for d := len(idx) - 1; d >= 0; d-- {
		st[d] = n
		n *= idx[d].Size
	}
	return st
}

// GatherMap maps each position of a tensor over out to the position of the tensor
// over in (whose axes are a subset of out's) holding the same index values; nil
// when the layouts are the same.
func GatherMap(out, in []*Axis) []int32 {
	if len(out) == len(in) {
		same := true
		for d := range out {
			same = same && out[d] == in[d]
		}
		if same {
			return nil
		}
	}
	inStride := strides(in)
	step := make([]int, len(out))
	for d, s := range out {
		for e, t := range in {
			if t == s {
				step[d] = inStride[e]
			}
		}
	}
	n := Size(out)
	m := make([]int32, n)
	pos := make([]int, len(out))
	off := 0
	for i := 0; i < n; i++ {
		m[i] = int32(off)
		for d := len(out) - 1; d >= 0; d-- {
			pos[d]++
			off += step[d]
			if pos[d] < out[d].Size {
				break
			}
			off -= step[d] * pos[d]
			pos[d] = 0
		}
	}
	return m
}
