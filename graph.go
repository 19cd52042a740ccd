package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/sysmem"
)

// tnode is one operation of a compiled equation block, evaluated on whole tensors.
// Every node keeps its value, tangent (for J·v), adjoint (for Jᵀ·w) and the tangent of
// the adjoint (for Hessian-vector products by forward-over-reverse differentiation).
type tnode struct {
	op       opKind
	fn       backend.Func
	p        float64
	idx      []*Set
	size     int
	args     []*tnode
	gather   [][]int32 // per argument: output position -> argument position; nil = same layout
	reduce   []int32   // opSum, opLogSumExp: argument position -> output position
	mask     []float64 // opWhere: 0/1 per output position
	vb       int       // opRef of a variable: index of the variable block
	param    *Parameter
	ctr      *contraction
	kern     *kernelState // opKernel
	constant bool
	// soleAdj says the node's adjoint gets one contribution in a sweep, which
	// writes every element once (markSoleAdjoints): it is set rather than cleared
	// and accumulated.
	soleAdj bool

	// val holds the values of constants and parameters (shared with the parameter,
	// so that a frozen model's updates reach it) and, on the CPU backend, of every
	// node; aux is opLogSumExp's softmax weights.
	val, aux []float64

	// The node's buffers on the block's backend: value, tangent, adjoint and the
	// adjoint's tangent. Variable references share the sweep's vectors; adjoints
	// are nil where nothing needs them.
	v, d, a, ad backend.Vector
	dev         nodeDevice
}

// nodeDevice is a node's structure and scratch on the block's backend, made when
// the block is bound to it.
type nodeDevice struct {
	be      backend.Backend
	host    backend.HostVector // a parameter's values on the CPU backend (v points here)
	gather  []backend.Index    // per argument, nil for the same layout
	reduce  backend.Index
	mask    backend.Vector
	aux     backend.Vector
	sums    backend.Vector // opLogSumExp's per-group sums
	zero    backend.Vector // zeros, for a formula's missing tangent
	permA   backend.Index  // contraction gathers
	permB   backend.Index
	scratch [6]backend.Vector // contraction operands and products (see operand)
}

// contraction is Σ_k A·B lowered to one matrix product.
type contraction struct {
	m, n, k      int
	transA       bool
	transB       bool
	permA, permB []int32 // gather into M×K / K×N layout when the operands are not laid out for GEMM
	bufA, bufB   []float64
}

// graph is the compiled form of one equation: nodes in evaluation order, the last one
// being lhs - rhs laid out over the equation's domain.
type graph struct {
	nodes []*tnode
	root  *tnode
}

type lowerer struct {
	varIndex map[*Variable]int
	// paramVar lowers the parameters it holds as references to the given variable
	// blocks (a frozen model's <name>_var, for sensitivities); nil for none.
	paramVar map[*Parameter]int
	nodes    []*tnode
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

func (l *lowerer) add(n *tnode) *tnode {
	n.size = domainSize(n.idx)
	n.val = make([]float64, n.size)
	l.nodes = append(l.nodes, n)
	return n
}

func (l *lowerer) lower(e *Expr) (*tnode, error) {
	if e.err != nil {
		return nil, e.err
	}
	args := make([]*tnode, len(e.args))
	constant := true
	for i, a := range e.args {
		if e.op == opSum && a.op == opMul {
			if n, ok, err := l.lowerContraction(e, a); ok || err != nil {
				return n, err
			}
		}
		n, err := l.lower(a)
		if err != nil {
			return nil, err
		}
		args[i] = n
		constant = constant && n.constant
	}
	n := &tnode{op: e.op, fn: e.fn, p: e.val, idx: e.free, args: args, constant: constant}
	if e.op != opRef {
		if err := l.reserve(n.idx); err != nil {
			return nil, err
		}
	}
	switch e.op {
	case opConst:
		n.constant = true
		l.add(n)
		n.val[0] = e.val
		return n, nil
	case opRef:
		n.size = domainSize(n.idx)
		switch s := e.sym.(type) {
		case *Variable:
			vb, ok := l.varIndex[s]
			if !ok {
				return nil, fmt.Errorf("variable %q is not part of the model", s.name)
			}
			n.vb = vb
			n.constant = false
		case *Parameter:
			if vb, ok := l.paramVar[s]; ok {
				n.vb = vb
				n.constant = false
				break
			}
			n.param = s
			n.constant = true
			n.val = s.Values
			if s.attr != nil {
				// A variable attribute in algebra is data as of generation.
				n.val = append([]float64(nil), s.Values...)
			}
		}
		l.nodes = append(l.nodes, n)
		return n, nil
	case opAdd, opSub, opMul, opDiv, opNeg, opFunc, opWhere:
		n.gather = make([][]int32, len(args))
		for i, a := range args {
			n.gather[i] = gatherMap(n.idx, a.idx)
		}
		if e.op == opWhere {
			n.mask = make([]float64, domainSize(n.idx))
			cm := gatherMap(n.idx, e.cond.domain)
			for i := range n.mask {
				j := i
				if cm != nil {
					j = int(cm[i])
				}
				if e.cond.member[j] {
					n.mask[i] = 1
				}
			}
		}
	case opKernel:
		n.kern = &kernelState{k: e.kern, vals: make([][]float64, len(args)), subst: make([][]float64, len(args))}
	case opSum, opLogSumExp:
		n.reduce = gatherMap(args[0].idx, n.idx)
		if n.reduce == nil { // reducing over nothing cannot happen: bound sets are free in the argument
			return nil, fmt.Errorf("internal: empty reduction")
		}
	default:
		return nil, fmt.Errorf("internal: unknown operation %d", e.op)
	}
	l.add(n)
	if e.op == opLogSumExp {
		n.aux = make([]float64, args[0].size)
	}
	return n, nil
}

// lowerContraction turns Σ_k a·b into one GEMM when k is the only index shared by a and
// b and it is the only index summed.
func (l *lowerer) lowerContraction(sum, mul *Expr) (*tnode, bool, error) {
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
	if err := l.reserve(append(append([]*Set(nil), aOther...), bOther...)); err != nil {
		return nil, true, err
	}
	c := &contraction{m: domainSize(aOther), n: domainSize(bOther), k: k.size}
	switch {
	case a.free[len(a.free)-1] == k:
	case a.free[0] == k:
		c.transA = true
	default:
		c.permA = gatherMap(append(append([]*Set(nil), aOther...), k), a.free)
		c.bufA = make([]float64, na.size)
	}
	switch {
	case b.free[0] == k:
	case b.free[len(b.free)-1] == k:
		c.transB = true
	default:
		c.permB = gatherMap(append([]*Set{k}, bOther...), b.free)
		c.bufB = make([]float64, nb.size)
	}
	n := &tnode{op: opMul, idx: append(append([]*Set(nil), aOther...), bOther...), args: []*tnode{na, nb}, ctr: c, constant: na.constant && nb.constant}
	if len(n.idx) != len(sum.free) {
		return nil, true, fmt.Errorf("internal: contraction over %q has %d indices, want %d", k.name, len(n.idx), len(sum.free))
	}
	l.add(n)
	// The sum's own index order may differ from the contraction's (a's then b's
	// sets): it is the same union, so only a permutation node could be needed; free
	// lists are built the same way, so check rather than permute.
	for d := range n.idx {
		if n.idx[d] != sum.free[d] {
			return nil, true, fmt.Errorf("internal: contraction index order differs from the sum's")
		}
	}
	return n, true, nil
}

func at(buf []float64, g []int32, i int) float64 {
	if g == nil {
		return buf[i]
	}
	return buf[g[i]]
}

func pos(g []int32, i int) int {
	if g == nil {
		return i
	}
	return int(g[i])
}

// markSoleAdjoints sets soleAdj on the nodes whose adjoint one pullback writes
// whole: those read by one operation, element for element (no gather), a sum or a
// log-sum-exp over them, or a matrix product that needs no permutation. A kernel's
// pullback is its own affair and a variable reference's adjoint is shared, so
// neither qualifies.
func markSoleAdjoints(nodes []*tnode) {
	uses := map[*tnode]int{}
	whole := map[*tnode]bool{}
	for _, n := range nodes {
		for k, a := range n.args {
			uses[a]++
			switch {
			case n.kern != nil:
			case n.ctr != nil:
				whole[a] = k == 0 && n.ctr.permA == nil || k == 1 && n.ctr.permB == nil
			case n.op == opSum || n.op == opLogSumExp:
				whole[a] = true
			case n.op == opAdd || n.op == opSub || n.op == opMul || n.op == opDiv || n.op == opNeg || n.op == opWhere || n.op == opFunc:
				whole[a] = n.gather[k] == nil
			}
		}
	}
	for _, n := range nodes {
		n.soleAdj = uses[n] == 1 && whole[n] && !n.constant && n.op != opRef
	}
}
