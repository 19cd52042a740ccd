package engine

import (
	"fmt"

	"github.com/nnopt/nnopt/internal/sysmem"
)

// Compiler lowers a model's equations to blocks: each equation's lhs - rhs becomes
// nodes over whole tensors in evaluation order. One Compiler serves one model, so
// that its memory budget covers all of the model's blocks.
type Compiler struct {
	// VarIndex gives the variable block of every variable symbol the equations
	// reference, and of data symbols to be read as variables (a frozen model's
	// modifiable data, for sensitivities); other data are constants.
	VarIndex map[*Symbol]int
	// Budget is the memory the blocks may still take; nil: unchecked.
	Budget *Budget
}

// MaxElements bounds the elements of one tensor: the product of its axes' sizes.
const MaxElements = 1 << 40

// Budget is the memory a model's generation may still use: what the machine has
// available, less what the nodes lowered so far take. Go cannot recover from running
// out of memory, so a node that does not fit is an error before its buffers exist.
type Budget struct {
	left  float64 // bytes
	known bool    // the available memory could be read
}

// NewBudget is the machine's available memory (unchecked where it cannot be read).
func NewBudget() *Budget {
	avail, ok := sysmem.Available()
	return &Budget{left: float64(avail), known: ok}
}

// bytesPerElement is what one element of an expression node costs: its value,
// adjoint, tangent and second-order adjoint (8 bytes each) and gather positions for
// two arguments (4 bytes each).
const bytesPerElement = 4*8 + 2*4

// reserve takes a node over idx from the budget, or says why it cannot be built:
// more elements than a tensor may have (whatever the memory), or more memory than
// is left. The size is counted in floating point, which cannot wrap around.
func (b *Budget) reserve(idx []*Axis, recs []int64) error {
	size := 1.0
	for _, a := range idx {
		size *= float64(a.Size)
	}
	if recs != nil {
		size = float64(len(recs))
	}
	if size <= 1 {
		return nil
	}
	if size > MaxElements {
		return fmt.Errorf("an expression over %s has %.3g elements, more than the %d a block may hold", Names(idx), size, MaxElements)
	}
	if b == nil || !b.known {
		return nil
	}
	need := size * bytesPerElement
	if need > b.left {
		return fmt.Errorf("an expression over %s has %.3g elements and needs about %.1f GB, more than the %.1f GB of available memory (%s) left for it", Names(idx), size, need/1e9, b.left/1e9, sysmem.Source)
	}
	b.left -= need
	return nil
}

// Block compiles the equation name over domain (restricted to cond's members when
// cond is not nil) whose lhs - rhs is body, on the CPU backend.
func (c *Compiler) Block(name string, domain []*Axis, cond *Subset, body *Term) (*Block, error) {
	l := &lowerer{c: c, idx: map[*Node][]*Axis{}, recs: map[*Node][]int64{}}
	root, err := l.lower(body)
	if err != nil {
		return nil, fmt.Errorf("equation %q: %w", name, err)
	}
	var rowOn []float64
	if cond != nil {
		rowOn = make([]float64, Size(domain))
		cm := GatherMap(domain, cond.Domain)
		for i := range rowOn {
			if cond.Member[Pos(cm, i)] {
				rowOn[i] = 1
			}
		}
	}
	return NewBlock(name, Size(domain), l.nodes, root, gather(domain, nil, l.idx[root], l.recs[root]), rowOn)
}

// lowerer lowers one equation.
type lowerer struct {
	c     *Compiler
	nodes []*Node
	// idx holds each node's axes, which the node does not keep: the layout the
	// gather maps are made from; recs the records of the sparse nodes (sparse.go).
	idx  map[*Node][]*Axis
	recs map[*Node][]int64
}

// add appends n, over idx (and its records, when lowering made it sparse), with a
// value buffer.
func (l *lowerer) add(n *Node, idx []*Axis) *Node {
	n.Size = Size(idx)
	if r, ok := l.recs[n]; ok {
		n.Size = len(r)
	}
	n.Val = make([]float64, n.Size)
	l.record(n, idx)
	return n
}

// record appends n, over idx.
func (l *lowerer) record(n *Node, idx []*Axis) {
	l.idx[n] = idx
	l.nodes = append(l.nodes, n)
}

func (l *lowerer) lower(e *Term) (*Node, error) {
	args := make([]*Node, len(e.Args))
	constant := true
	for i, a := range e.Args {
		if e.Op == OpSum && a.Op == OpMul {
			if n, ok, err := l.lowerContraction(e, a); ok || err != nil {
				return n, err
			}
		}
		n, err := l.lower(a)
		if err != nil {
			return nil, err
		}
		args[i] = n
		constant = constant && n.Constant
	}
	idx := e.Free
	n := &Node{Op: e.Op, Fn: e.Fn, P: e.Val, Args: args, Constant: constant}
	if e.Op < numOps && ops[e.Op].records != nil {
		if recs := ops[e.Op].records(l, e, args, idx); recs != nil {
			l.recs[n] = recs
		}
	}
	if e.Op != OpRef {
		if err := l.c.Budget.reserve(idx, l.recs[n]); err != nil {
			return nil, err
		}
	}
	lower := ops[e.Op].lower
	if e.Op >= numOps || lower == nil {
		return nil, fmt.Errorf("internal: operation %d cannot be lowered", e.Op)
	}
	if err := lower(l, n, e, idx); err != nil {
		return nil, err
	}
	return n, nil
}

// lowerElementwise gives the node a gather map per argument from its layout to
// the argument's.
func lowerElementwise(l *lowerer, n *Node, _ *Term, idx []*Axis) error {
	n.Gather = make([][]int32, len(n.Args))
	for i, a := range n.Args {
		n.Gather[i] = gather(idx, l.recs[n], l.idx[a], l.recs[a])
	}
	l.add(n, idx)
	return nil
}

// lowerContraction turns Σ_k a·b into one GEMM when k is the only axis shared by a
// and b and it is the only axis summed.
func (l *lowerer) lowerContraction(sum, mul *Term) (*Node, bool, error) {
	if len(sum.Idx) != 1 {
		return nil, false, nil
	}
	k := sum.Idx[0]
	a, b := mul.Args[0], mul.Args[1]
	if hasSparse(a) || hasSparse(b) { // a product over records, not a GEMM
		return nil, false, nil
	}
	if !contains(a.Free, k) || !contains(b.Free, k) {
		return nil, false, nil
	}
	for _, s := range a.Free {
		if s != k && contains(b.Free, s) {
			return nil, false, nil
		}
	}
	na, err := l.lower(a)
	if err != nil {
		return nil, true, err
	}
	nb, err := l.lower(b)
	if err != nil {
		return nil, true, err
	}
	aOther, bOther := minus(a.Free, []*Axis{k}), minus(b.Free, []*Axis{k})
	idx := append(append([]*Axis(nil), aOther...), bOther...)
	if err := l.c.Budget.reserve(idx, nil); err != nil {
		return nil, true, err
	}
	var transA, transB bool
	var permA, permB []int32
	switch {
	case a.Free[len(a.Free)-1] == k:
	case a.Free[0] == k:
		transA = true
	default:
		permA = GatherMap(append(append([]*Axis(nil), aOther...), k), a.Free)
	}
	switch {
	case b.Free[0] == k:
	case b.Free[len(b.Free)-1] == k:
		transB = true
	default:
		permB = GatherMap(append([]*Axis{k}, bOther...), b.Free)
	}
	n := &Node{Op: OpContract, Args: []*Node{na, nb}, Ctr: NewContraction(Size(aOther), Size(bOther), k.Size, transA, transB, permA, permB), Constant: na.Constant && nb.Constant}
	if len(idx) != len(sum.Free) {
		return nil, true, fmt.Errorf("internal: contraction over %q has %d indices, want %d", k.Name, len(idx), len(sum.Free))
	}
	l.add(n, idx)
	// The sum's own axis order may differ from the contraction's (a's then b's
	// axes): it is the same union, so only a permutation node could be needed; free
	// lists are built the same way, so check rather than permute.
	for d := range idx {
		if idx[d] != sum.Free[d] {
			return nil, true, fmt.Errorf("internal: contraction index order differs from the sum's")
		}
	}
	return n, true, nil
}
