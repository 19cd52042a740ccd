package nlpsolve

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotTriangular is wrapped by Solve's error when a constraint does not define a
// variable, or the definitions form a cycle, or the forward sweep puts a defined
// variable outside its bounds at the start: such problems need the general
// method, SolveGeneral. Optimize makes that choice itself.
var ErrNotTriangular = errors.New("general (non-triangular) constraints are not supported yet")

// structure is the triangular form of a problem: equations in the order of a forward
// sweep and the superbasic (free) elements as one packed vector.
type structure struct {
	order   []int // equation indices, definitions first
	defined []int // per variable block: defining equation, or -1
	segs    []segment
	n       int // number of superbasic elements
}

// segment maps a run of packed superbasic elements to a variable block.
type segment struct {
	vb   int
	elem []int // elements of the block that are superbasic (not fixed)
	all  bool  // every element is superbasic: elem is 0..size-1
}

func analyze(p *Problem) (*structure, error) {
	st := &structure{defined: make([]int, len(p.Vars))}
	for i := range st.defined {
		st.defined[i] = -1
	}
	for ei, e := range p.Equations {
		if e.Defines < 0 || e.Relation != Equal {
			return nil, fmt.Errorf("nlpsolve: equation %q does not define a variable: %w", e.Name, ErrNotTriangular)
		}
		if st.defined[e.Defines] >= 0 {
			return nil, fmt.Errorf("nlpsolve: variable %q is defined by both %q and %q: %w", p.Vars[e.Defines].Name, p.Equations[st.defined[e.Defines]].Name, e.Name, ErrNotTriangular)
		}
		if e.Block.Rows() != p.Vars[e.Defines].Size() {
			return nil, fmt.Errorf("nlpsolve: equation %q has %d rows but defines %q of size %d", e.Name, e.Block.Rows(), p.Vars[e.Defines].Name, p.Vars[e.Defines].Size())
		}
		st.defined[e.Defines] = ei
	}
	order, blocked := sweepOrder(p, st.defined, nil)
	st.order = order
	if len(st.order) != len(p.Equations) {
		var cyc []string
		for _, ei := range blocked {
			cyc = append(cyc, p.Equations[ei].Name)
		}
		return nil, fmt.Errorf("nlpsolve: equations %v define each other in a cycle: %w", cyc, ErrNotTriangular)
	}
	for vb, v := range p.Vars {
		if st.defined[vb] >= 0 {
			continue
		}
		s := segment{vb: vb, all: true}
		for i := range v.Lo {
			if v.Lo[i] == v.Up[i] {
				s.all = false
				continue
			}
			s.elem = append(s.elem, i)
		}
		if len(s.elem) > 0 {
			st.segs = append(st.segs, s)
			st.n += len(s.elem)
		}
	}
	return st, nil
}

// sweepOrder orders equations for a forward sweep by Kahn's algorithm over
// "equation b reads the variable that equation a defines": each equation comes
// after the ones whose variables it reads. defined maps a variable block to its
// defining equation, or -1, and names only equations that keep admits; keep says
// which equations take part (nil: all), the others are left out of both results.
//
// Ties are broken first come, first served: the ready equations in index order,
// then each equation as the last of its inputs is placed. Solve and SolveGeneral
// share this order, and their iterates depend on it bit for bit (the order of the
// sweeps' sums), so it must not change. blocked lists, in index order, the
// equations left out of order: those on a cycle of definitions and those that read
// a variable defined on or after one.
func sweepOrder(p *Problem, defined []int, keep func(ei int) bool) (order, blocked []int) {
	in := func(ei int) bool { return keep == nil || keep(ei) }
	indeg := make([]int, len(p.Equations))
	users := make([][]int, len(p.Equations))
	for b, e := range p.Equations {
		if !in(b) {
			continue
		}
		for _, vb := range e.Vars {
			if a := defined[vb]; a >= 0 && a != b {
				indeg[b]++
				users[a] = append(users[a], b)
			}
		}
	}
	var queue []int
	for ei, d := range indeg {
		if d == 0 && in(ei) {
			queue = append(queue, ei)
		}
	}
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		order = append(order, a)
		for _, b := range users[a] {
			if indeg[b]--; indeg[b] == 0 {
				queue = append(queue, b)
			}
		}
	}
	for ei, d := range indeg {
		if d > 0 {
			blocked = append(blocked, ei)
		}
	}
	return order, blocked
}

func (st *structure) pack(x [][]float64, s []float64) {
	k := 0
	for _, sg := range st.segs {
		if sg.all {
			k += copy(s[k:], x[sg.vb])
			continue
		}
		for _, i := range sg.elem {
			s[k] = x[sg.vb][i]
			k++
		}
	}
}

func (st *structure) unpack(s []float64, x [][]float64) {
	k := 0
	for _, sg := range st.segs {
		if sg.all {
			k += copy(x[sg.vb], s[k:k+len(sg.elem)])
			continue
		}
		for _, i := range sg.elem {
			x[sg.vb][i] = s[k]
			k++
		}
	}
}

func (st *structure) bounds(p *Problem) (lo, up []float64) {
	lo, up = make([]float64, st.n), make([]float64, st.n)
	k := 0
	for _, sg := range st.segs {
		for _, i := range sg.elem {
			lo[k], up[k] = p.Vars[sg.vb].Lo[i], p.Vars[sg.vb].Up[i]
			k++
		}
	}
	return lo, up
}

var inf = math.Inf(1)
