package engine

import "github.com/nnopt/nnopt/backend"

// Node is one operation of a compiled equation block, evaluated on whole tensors.
// Every node keeps its value, tangent (for J·v), adjoint (for Jᵀ·w) and the tangent of
// the adjoint (for Hessian-vector products by forward-over-reverse differentiation).
//
// A compiler (the modelling layer's lowering of expressions) fills the exported
// fields, in evaluation order, and hands the nodes to NewBlock; the buffers are the
// block's.
type Node struct {
	Op   Op
	Fn   backend.Func // OpFunc
	P    float64      // OpFunc: the function's parameter (Power's exponent)
	Size int          // elements
	Args []*Node
	// Gather maps, per argument, an output position to the argument's position; nil
	// for the same layout.
	Gather [][]int32
	Reduce []int32   // OpSum, OpLogSumExp: argument position -> output position
	Mask   []float64 // OpWhere: 0/1 per output position
	VB     int       // OpRef of a variable: index of the variable block
	// Param is, for a reference to data, the compiler's handle of the symbol (what
	// Block.Reach reports); nil for a variable reference.
	Param    any
	Ctr      *Contraction // Σ_k A·B lowered to one matrix product
	Kern     *KernelState // OpKernel
	Constant bool         // no variable below: no tangent or adjoint
	// Val holds the values of constants and parameters (shared with the parameter,
	// so that a frozen model's updates reach it) and, on the CPU backend, of every
	// node; Aux is OpLogSumExp's softmax weights.
	Val, Aux []float64

	// soleAdj says the node's adjoint gets one contribution in a sweep, which
	// writes every element once (markSoleAdjoints): it is set rather than cleared
	// and accumulated.
	soleAdj bool
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
	Gather  []backend.Index    // per argument, nil for the same layout
	Reduce  backend.Index
	Mask    backend.Vector
	Aux     backend.Vector
	sums    backend.Vector // OpLogSumExp's per-group sums
	zero    backend.Vector // zeros, for a formula's missing tangent
	permA   backend.Index  // contraction gathers
	permB   backend.Index
	scratch [6]backend.Vector // contraction operands and products (see operand)
}

// Contraction is Σ_k A·B over logical m×k and k×n matrices, lowered to one GEMM.
type Contraction struct {
	m, n, k      int
	transA       bool
	transB       bool
	permA, permB []int32 // gather into M×K / K×N layout when the operands are not laid out for GEMM
}

// NewContraction describes C (m×n) = A (m×k) · B (k×n): A stored as is, transposed
// (transA), or through permA (position of each logical element in A's storage,
// row-major m×k), and B likewise.
func NewContraction(m, n, k int, transA, transB bool, permA, permB []int32) *Contraction {
	return &Contraction{m: m, n: n, k: k, transA: transA, transB: transB, permA: permA, permB: permB}
}

// Pos is position i read through the gather map g (i itself for nil).
func Pos(g []int32, i int) int {
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
func markSoleAdjoints(nodes []*Node) {
	uses := map[*Node]int{}
	whole := map[*Node]bool{}
	for _, n := range nodes {
		for k, a := range n.Args {
			uses[a]++
			switch ops[n.Op].layout {
			case contraction:
				whole[a] = k == 0 && n.Ctr.permA == nil || k == 1 && n.Ctr.permB == nil
			case reduction:
				whole[a] = true
			case elementwise:
				whole[a] = n.Gather[k] == nil
			}
		}
	}
	for _, n := range nodes {
		n.soleAdj = uses[n] == 1 && whole[n] && !n.Constant && n.Op != OpRef
	}
}
