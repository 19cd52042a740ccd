package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/internal/engine"
	"github.com/nnopt/nnopt/internal/sysmem"
)

// Lowering: an equation's lhs - rhs becomes engine nodes over whole tensors, in
// evaluation order, and the nodes an engine block (compileBlockWith).

type lowerer struct {
	varIndex map[*Variable]int
	// paramVar lowers the parameters it holds as references to the given variable
	// blocks (a frozen model's <name>_var, for sensitivities); nil for none.
	paramVar map[*Parameter]int
	nodes    []*engine.Node
	// idx holds each node's index sets, which the engine does not keep: the layout
	// the gather maps are made from.
	idx map[*engine.Node][]*Set
	// budget is the memory the model's blocks may still take; nil: unchecked.
	budget *memBudget
}

// memBudget is the memory a model's generation may still use: what the machine has
// available, less what the nodes lowered so far take. Go cannot recover from running
// out of memory, so a node that does not fit is an error before its buffers exist.
type memBudget struct {
	left  float64 // bytes
	known bool    // the available memory could be read
}

func newMemBudget() *memBudget {
	avail, ok := availableMemory()
	return &memBudget{left: float64(avail), known: ok}
}

// bytesPerElement is what one element of an expression node costs: its value,
// adjoint, tangent and second-order adjoint (8 bytes each) and gather positions for
// two arguments (4 bytes each).
const bytesPerElement = 4*8 + 2*4

// reserve takes a node over idx from the budget, or says why it cannot be built:
// more elements than a symbol may have (whatever the memory), or more memory than
// is left. The size is counted in floating point, which cannot wrap around.
func (l *lowerer) reserve(idx []*Set) error {
	size := 1.0
	for _, s := range idx {
		size *= float64(s.size)
	}
	if size <= 1 {
		return nil
	}
	if size > maxElements {
		return fmt.Errorf("an expression over %s has %.3g elements, more than the %d a block may hold", domainNames(idx), size, maxElements)
	}
	b := l.budget
	if b == nil || !b.known {
		return nil
	}
	need := size * bytesPerElement
	if need > b.left {
		return fmt.Errorf("an expression over %s has %.3g elements and needs about %.1f GB, more than the %.1f GB of available memory (%s) left for it", domainNames(idx), size, need/1e9, b.left/1e9, sysmem.Source)
	}
	b.left -= need
	return nil
}

func strides(idx []*Set) []int {
	st := make([]int, len(idx))
	n := 1
	for d := len(idx) - 1; d >= 0; d-- {
		st[d] = n
		n *= idx[d].size
	}
	return st
}

// gatherMap maps each position of a tensor over out to the position of the tensor
// over in (whose sets are a subset of out's) holding the same index values.
func gatherMap(out, in []*Set) []int32 {
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
	n := domainSize(out)
	m := make([]int32, n)
	pos := make([]int, len(out))
	off := 0
	for i := 0; i < n; i++ {
		m[i] = int32(off)
		for d := len(out) - 1; d >= 0; d-- {
			pos[d]++
			off += step[d]
			if pos[d] < out[d].size {
				break
			}
			off -= step[d] * pos[d]
			pos[d] = 0
		}
	}
	return m
}

func (l *lowerer) add(n *engine.Node, idx []*Set) *engine.Node {
	n.Size = domainSize(idx)
	n.Val = make([]float64, n.Size)
	l.record(n, idx)
	return n
}

// record appends n, over idx, to the nodes.
func (l *lowerer) record(n *engine.Node, idx []*Set) {
	if l.idx == nil {
		l.idx = map[*engine.Node][]*Set{}
	}
	l.idx[n] = idx
	l.nodes = append(l.nodes, n)
}

func (l *lowerer) lower(e *Expr) (*engine.Node, error) {
	if e.err != nil {
		return nil, e.err
	}
	args := make([]*engine.Node, len(e.args))
	constant := true
	for i, a := range e.args {
		if e.op == engine.OpSum && a.op == engine.OpMul {
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
	idx := e.free
	n := &engine.Node{Op: e.op, Fn: e.fn, P: e.val, Args: args, Constant: constant}
	if e.op != engine.OpRef {
		if err := l.reserve(idx); err != nil {
			return nil, err
		}
	}
	switch e.op {
	case engine.OpConst:
		n.Constant = true
		l.add(n, idx)
		n.Val[0] = e.val
		return n, nil
	case engine.OpRef:
		n.Size = domainSize(idx)
		switch s := e.sym.(type) {
		case *Variable:
			vb, ok := l.varIndex[s]
			if !ok {
				return nil, fmt.Errorf("variable %q is not part of the model", s.name)
			}
			n.VB = vb
			n.Constant = false
		case *Parameter:
			if vb, ok := l.paramVar[s]; ok {
				n.VB = vb
				n.Constant = false
				break
			}
			n.Param = s
			n.Constant = true
			n.Val = s.Values
			if s.attr != nil {
				// A variable attribute in algebra is data as of generation.
				n.Val = append([]float64(nil), s.Values...)
			}
		}
		l.record(n, idx)
		return n, nil
	case engine.OpAdd, engine.OpSub, engine.OpMul, engine.OpDiv, engine.OpNeg, engine.OpFunc, engine.OpWhere:
		n.Gather = make([][]int32, len(args))
		for i, a := range args {
			n.Gather[i] = gatherMap(idx, l.idx[a])
		}
		if e.op == engine.OpWhere {
			n.Mask = make([]float64, domainSize(idx))
			cm := gatherMap(idx, e.cond.domain)
			for i := range n.Mask {
				if e.cond.member[engine.Pos(cm, i)] {
					n.Mask[i] = 1
				}
			}
		}
	case engine.OpKernel:
		n.Kern = engine.NewKernelState(e.kern, len(args))
	case engine.OpSum, engine.OpLogSumExp:
		n.Reduce = gatherMap(l.idx[args[0]], idx)
		if n.Reduce == nil { // reducing over nothing cannot happen: bound sets are free in the argument
			return nil, fmt.Errorf("internal: empty reduction")
		}
	default:
		return nil, fmt.Errorf("internal: unknown operation %d", e.op)
	}
	l.add(n, idx)
	if e.op == engine.OpLogSumExp {
		n.Aux = make([]float64, args[0].Size)
	}
	return n, nil
}

// lowerContraction turns Σ_k a·b into one GEMM when k is the only index shared by a and
// b and it is the only index summed.
func (l *lowerer) lowerContraction(sum, mul *Expr) (*engine.Node, bool, error) {
	if len(sum.idx) != 1 {
		return nil, false, nil
	}
	k := sum.idx[0]
	a, b := mul.args[0], mul.args[1]
	if !containsSet(a.free, k) || !containsSet(b.free, k) {
		return nil, false, nil
	}
	for _, s := range a.free {
		if s != k && containsSet(b.free, s) {
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
	aOther, bOther := minus(a.free, []*Set{k}), minus(b.free, []*Set{k})
	idx := append(append([]*Set(nil), aOther...), bOther...)
	if err := l.reserve(idx); err != nil {
		return nil, true, err
	}
	var transA, transB bool
	var permA, permB []int32
	switch {
	case a.free[len(a.free)-1] == k:
	case a.free[0] == k:
		transA = true
	default:
		permA = gatherMap(append(append([]*Set(nil), aOther...), k), a.free)
	}
	switch {
	case b.free[0] == k:
	case b.free[len(b.free)-1] == k:
		transB = true
	default:
		permB = gatherMap(append([]*Set{k}, bOther...), b.free)
	}
	c := engine.NewContraction(domainSize(aOther), domainSize(bOther), k.size, transA, transB, permA, permB)
	n := &engine.Node{Op: engine.OpMul, Args: []*engine.Node{na, nb}, Ctr: c, Constant: na.Constant && nb.Constant}
	if len(idx) != len(sum.free) {
		return nil, true, fmt.Errorf("internal: contraction over %q has %d indices, want %d", k.name, len(idx), len(sum.free))
	}
	l.add(n, idx)
	// The sum's own index order may differ from the contraction's (a's then b's
	// sets): it is the same union, so only a permutation node could be needed; free
	// lists are built the same way, so check rather than permute.
	for d := range idx {
		if idx[d] != sum.free[d] {
			return nil, true, fmt.Errorf("internal: contraction index order differs from the sum's")
		}
	}
	return n, true, nil
}
