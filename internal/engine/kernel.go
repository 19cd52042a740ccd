package engine

import "github.com/nnopt/nnopt/backend"

// A Kernel is a tensor operation with hand-written loops that an equation applies to
// whole symbols: a convolution, a pooling, a reshape. Writing these with sums over
// shifted indices would build huge intermediate tensors; a kernel runs them directly.
//
// A kernel must be linear in each argument separately (multilinear): every output
// element is a sum of products of one element from each argument. Then all the
// derivatives the solver needs follow from Apply and Transpose (a tangent applies the
// kernel with one argument replaced by its tangent), and the model statistics follow
// from the patterns Each and EachPair report.
type Kernel interface {
	// Name names the operation in errors and logs.
	Name() string
	// Lens returns the number of elements of the output and of each argument.
	Lens() (out int, args []int)
	// Apply sets out = f(args...).
	Apply(out []float64, args [][]float64)
	// Transpose adds (∂f/∂args[i])ᵀ·w to dst. The derivative is taken at args, whose
	// element i it does not read.
	Transpose(i int, dst, w []float64, args [][]float64)
	// Each calls fn for every output element and element of argument i it depends on.
	Each(i int, fn func(out, elem int))
	// EachPair calls fn for every pair of elements of arguments i and j (i < j) that
	// are multiplied together in some output element.
	EachPair(i, j int, fn func(ei, ej int))
}

// A DeviceKernel is a Kernel that also runs on a device backend: Apply and
// Transpose over the backend's vectors. A kernel without these methods runs on the
// CPU backend only, and a Solve on another device says so.
type DeviceKernel interface {
	Kernel
	// ApplyOn sets out = f(args...) on be.
	ApplyOn(be backend.Backend, out backend.Vector, args []backend.Vector)
	// TransposeOn adds (∂f/∂args[i])ᵀ·w to dst on be.
	TransposeOn(be backend.Backend, i int, dst, w backend.Vector, args []backend.Vector)
}

// A KernelCounter counts a kernel's patterns by formula, so that the statistics of a
// model with millions of rows cost no enumeration.
type KernelCounter interface {
	Kernel
	// JacobianCount is the number of distinct (output, element) pairs Each(i) reports.
	JacobianCount(i int) int
	// TouchedCount is the number of distinct elements of argument i Each(i) reports.
	TouchedCount(i int) int
	// PairCount is the number of distinct pairs EachPair(i, j) reports.
	PairCount(i, j int) int
}

// NewKernelState is the state of a node applying k to nargs arguments.
func NewKernelState(k Kernel, nargs int) *KernelState {
	return &KernelState{k: k, vals: make([][]float64, nargs), subst: make([][]float64, nargs)}
}

// KernelState is what a kernel node keeps between sweeps. On the CPU backend the
// kernel's own Apply and Transpose run on the nodes' host memory; on a device its
// DeviceKernel methods run on the vectors.
type KernelState struct {
	k       Kernel
	vals    [][]float64 // the arguments' values
	subst   [][]float64 // vals with one argument replaced by its tangent
	scratch []float64

	dev        DeviceKernel // set when the block runs on a device
	vecs, with []backend.Vector
	sum        backend.Vector
}

// hostOf returns a CPU backend vector's memory, nil for nil.
func hostOf(v backend.Vector) []float64 {
	if v == nil {
		return nil
	}
	return backend.Host(v)
}

func (n *Node) kernelVals() [][]float64 {
	ks := n.Kern
	for i, a := range n.Args {
		ks.vals[i] = hostOf(a.v)
	}
	return ks.vals
}

// with returns the arguments' values with argument i replaced by buf.
func (n *Node) with(i int, buf []float64) [][]float64 {
	ks := n.Kern
	copy(ks.subst, n.kernelVals())
	ks.subst[i] = buf
	return ks.subst
}

// kernelVecs returns the arguments' value vectors, with argument i replaced by sub
// when i ≥ 0.
func (n *Node) kernelVecs(i int, sub backend.Vector) []backend.Vector {
	ks := n.Kern
	if ks.vecs == nil {
		ks.vecs = make([]backend.Vector, len(n.Args))
		ks.with = make([]backend.Vector, len(n.Args))
	}
	for j, a := range n.Args {
		ks.vecs[j] = a.v
	}
	if i < 0 {
		return ks.vecs
	}
	copy(ks.with, ks.vecs)
	ks.with[i] = sub
	return ks.with
}

func (n *Node) kernelForward() {
	if d := n.Kern.dev; d != nil {
		d.ApplyOn(n.dev.be, n.v, n.kernelVecs(-1, nil))
		return
	}
	n.Kern.k.Apply(hostOf(n.v), n.kernelVals())
}

// kernelTangent: f is linear in each argument, so its tangent is the sum over the
// varying arguments of f with that argument replaced by its tangent.
func (n *Node) kernelTangent() {
	ks := n.Kern
	if ks.dev != nil {
		be := n.dev.be
		first := true
		for i, a := range n.Args {
			if a.Constant {
				continue
			}
			if first {
				ks.dev.ApplyOn(be, n.d, n.kernelVecs(i, a.d))
				first = false
				continue
			}
			if ks.sum == nil {
				ks.sum = be.NewVector(n.Size)
			}
			ks.dev.ApplyOn(be, ks.sum, n.kernelVecs(i, a.d))
			mapOn(be, opCopy, n.Size, accAt(n.d, nil), in(ks.sum))
		}
		if first {
			clearVec(be, n.d)
		}
		return
	}
	dot := hostOf(n.d)
	first := true
	for i, a := range n.Args {
		if a.Constant {
			continue
		}
		if first {
			ks.k.Apply(dot, n.with(i, hostOf(a.d)))
			first = false
			continue
		}
		if ks.scratch == nil {
			ks.scratch = make([]float64, n.Size)
		}
		ks.k.Apply(ks.scratch, n.with(i, hostOf(a.d)))
		for j, v := range ks.scratch {
			dot[j] += v
		}
	}
	if first {
		clear(dot)
	}
}

func (n *Node) kernelPullback(w backend.Vector) {
	if d := n.Kern.dev; d != nil {
		for i, a := range n.Args {
			if a.a != nil {
				d.TransposeOn(n.dev.be, i, a.a, w, n.kernelVecs(-1, nil))
			}
		}
		return
	}
	vals := n.kernelVals()
	for i, a := range n.Args {
		if a.a != nil {
			n.Kern.k.Transpose(i, hostOf(a.a), hostOf(w), vals)
		}
	}
}

// kernelBackwardTangent differentiates Transpose(i, ·, w, args) along the tangents:
// the adjoint's tangent through the same map, plus w through the map whose argument j
// is replaced by its tangent, for every other varying argument j.
func (n *Node) kernelBackwardTangent() {
	if d := n.Kern.dev; d != nil {
		be := n.dev.be
		for i, a := range n.Args {
			if a.ad == nil {
				continue
			}
			d.TransposeOn(be, i, a.ad, n.ad, n.kernelVecs(-1, nil))
			for j, b := range n.Args {
				if j != i && !b.Constant {
					d.TransposeOn(be, i, a.ad, n.a, n.kernelVecs(j, b.d))
				}
			}
		}
		return
	}
	k := n.Kern.k
	adj, adjdot := hostOf(n.a), hostOf(n.ad)
	for i, a := range n.Args {
		if a.ad == nil {
			continue
		}
		k.Transpose(i, hostOf(a.ad), adjdot, n.kernelVals())
		for j, b := range n.Args {
			if j != i && !b.Constant {
				k.Transpose(i, hostOf(a.ad), adj, n.with(j, hostOf(b.d)))
			}
		}
	}
}
