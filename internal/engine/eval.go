package engine

import "github.com/nnopt/nnopt/backend"

// The sweeps of a compiled block, written once against backend.Backend: every loop
// over a tensor is one Map, Gemm or Reduce, so the same code runs on the CPU and on a
// GPU.

// In and Out shorthands.
func in(v backend.Vector) backend.In                     { return backend.In{V: v} }
func inAt(v backend.Vector, at backend.Index) backend.In { return backend.In{V: v, At: at} }
func set(v backend.Vector) backend.Out                   { return backend.Out{V: v} }
func accAt(v backend.Vector, at backend.Index) backend.Out {
	return backend.Out{V: v, At: at, Mode: backend.Accumulate}
}

// adjOut is where a pullback stores into buffer dst of its argument t (t's adjoint,
// or in the second-order sweep its tangent) through gather at: accumulated, or set
// when dst is t's adjoint and this its only contribution (soleAdj), which then
// needs no clearing first.
func adjOut(t *Node, dst backend.Vector, at backend.Index) backend.Out {
	if t.soleAdj && dst == t.a {
		return set(dst)
	}
	return accAt(dst, at)
}

var (
	opCopy = backend.Op{Code: backend.Copy}
	opZero = backend.Op{Code: backend.Const}
	opNegs = backend.Op{Code: backend.Scale, P: -1}
	opMuls = backend.Op{Code: backend.Mul}
)

// bind makes the node's buffers and structure on be. On the CPU backend the vectors
// share the node's host slices.
func (n *Node) bind(be backend.Backend) {
	dv := &n.dev
	dv.be = be
	_, host := be.(*backend.CPU)
	vec := func(s []float64, size int) backend.Vector {
		if host {
			if s == nil {
				s = make([]float64, size)
			}
			return backend.Wrap(s)
		}
		v := be.NewVector(size)
		if s != nil {
			be.Upload(v, s)
		}
		return v
	}
	idx := func(p []int32) backend.Index {
		if p == nil {
			return nil
		}
		return be.NewIndex(p)
	}
	switch {
	case n.Op == OpRef && n.Param != nil:
		if host {
			n.v = &dv.host
		} else {
			n.v = be.NewVector(n.Size)
		}
	case n.Op == OpRef:
	default:
		n.v = vec(n.Val, n.Size)
	}
	if !n.Constant && n.Op != OpRef {
		n.d = vec(nil, n.Size)
		n.a = vec(nil, n.Size)
		n.ad = vec(nil, n.Size)
	}
	dv.Gather = make([]backend.Index, len(n.Gather))
	for i, g := range n.Gather {
		dv.Gather[i] = idx(g)
	}
	dv.Reduce = idx(n.Reduce)
	if n.Mask != nil {
		dv.Mask = vec(n.Mask, len(n.Mask))
	}
	if n.Aux != nil {
		dv.Aux = vec(n.Aux, len(n.Aux))
		dv.sums = vec(nil, n.Size)
	}
	if c := n.Ctr; c != nil {
		dv.permA, dv.permB = idx(c.permA), idx(c.permB)
		for i := range dv.scratch {
			size := c.m * c.k // gathered A, its tangent, a product into A's layout
			if i%2 == 1 {
				size = c.k * c.n
			}
			dv.scratch[i] = vec(nil, size)
		}
	}
}

// refresh puts a parameter's current values on the backend: on the CPU it points at
// them (a frozen model may have given the node another buffer), on a device it
// uploads them.
func (n *Node) refresh() {
	if n.Op != OpRef || n.Param == nil {
		return
	}
	if n.v == &n.dev.host {
		n.dev.host.Data = n.Val
		return
	}
	n.dev.be.Upload(n.v, n.Val)
}

func (n *Node) zeros() backend.Vector {
	if n.dev.zero == nil {
		n.dev.zero = n.dev.be.NewVector(n.Size)
	}
	return n.dev.zero
}

// arg returns argument i's buffer x (its value, tangent, …) read in the node's layout.
func (n *Node) arg(i int, x backend.Vector) backend.In {
	return backend.In{V: x, At: n.dev.Gather[i]}
}

// clearVec sets v to zeros.
func clearVec(be backend.Backend, v backend.Vector) {
	mapOn(be, opZero, v.Len(), set(v))
}

// The sweeps dispatch through the operation table (ops.go). Variable references
// take the sweep's own vectors: their value is the point, their tangent the
// direction.

// forward computes the node's value from its arguments' values.
func (n *Node) forward(x []backend.Vector) {
	if n.Op == OpRef {
		if n.Param == nil {
			n.v = x[n.VB]
		}
		return
	}
	if f := ops[n.Op].forward; f != nil {
		f(n)
	}
}

// tangent computes the node's directional derivative from its arguments' tangents.
// Constant nodes have no tangent.
func (n *Node) tangent(dx []backend.Vector) {
	if n.Constant {
		return
	}
	if n.Op == OpRef {
		n.d = dx[n.VB]
		return
	}
	ops[n.Op].tangent(n)
}

// Adjoint sweeps. A node's adjoint (its tangent in the second-order sweep) is nil
// when nothing needs it: constants, and variable references the sweep does not want.
// References that are wanted share the sweep's output vector (bound by the block
// before the sweep), so their parents accumulate straight into it.

func adjOf(t *Node) backend.Vector    { return t.a }
func adjdotOf(t *Node) backend.Vector { return t.ad }

// pullback adds the node's adjoint, pulled back through the operation, to the
// adjoints of its arguments that have one.
func (n *Node) pullback() {
	if n.a == nil || n.Op == OpRef {
		return
	}
	ops[n.Op].pullback(n, n.a, adjOf)
}

// backwardTangent propagates the tangent of the adjoint (forward-over-reverse), so
// that the variable references receive ∇²(wᵀr)·v in their adjoint tangents. It needs
// the values, tangents and adjoints. A tangent of an adjoint exists wherever the
// adjoint does, except at references. A linear operation's rule is its pullback,
// applied to the adjoints' tangents.
func (n *Node) backwardTangent() {
	if n.ad == nil || n.Op == OpRef {
		return
	}
	if bt := ops[n.Op].backwardTangent; bt != nil {
		bt(n, n.a, n.ad)
		return
	}
	ops[n.Op].pullback(n, n.ad, adjdotOf)
}

// mapOn is be.Map. On the CPU the call is direct, so that the arguments' slice
// stays on the caller's stack: passed through the interface it escapes, one heap
// allocation per operation, which was most of the garbage of a small model's
// evaluation. Other backends get a copy.
func mapOn(be backend.Backend, op backend.Op, n int, out backend.Out, in ...backend.In) {
	if c, ok := be.(*backend.CPU); ok {
		c.Map(op, n, out, in...)
		return
	}
	be.Map(op, n, out, append([]backend.In(nil), in...)...)
}
