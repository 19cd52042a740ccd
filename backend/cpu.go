package backend

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// HostVector is a Vector in the process's own memory: the CPU backend's vectors, and
// host slices handed to it without a copy (Wrap).
type HostVector struct{ Data []float64 }

// Len is the number of elements.
func (v *HostVector) Len() int { return len(v.Data) }

// Wrap returns s as a HostVector, sharing its memory.
func Wrap(s []float64) *HostVector { return &HostVector{s} }

// HostIndex is an Index in the process's own memory.
type HostIndex struct{ Pos []int32 }

// Len is the number of positions.
func (x *HostIndex) Len() int { return len(x.Pos) }

// Host returns the memory of a CPU backend vector. It panics for another backend's.
func Host(v Vector) []float64 {
	h, ok := v.(*HostVector)
	if !ok {
		panic(fmt.Sprintf("backend: a %T is not a host vector", v))
	}
	return h.Data
}

func hostIndex(x Index) []int32 {
	if x == nil {
		return nil
	}
	h, ok := x.(*HostIndex)
	if !ok {
		panic(fmt.Sprintf("backend: a %T is not a host index", x))
	}
	return h.Pos
}

// threads is the most goroutines the CPU backend's element-wise work uses, 0 for
// GOMAXPROCS.
var threads atomic.Int64

// Threads returns how many goroutines the CPU backend splits element-wise work over:
// SetThreads's value, else GOMAXPROCS.
func Threads() int {
	if n := threads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}

// SetThreads sets Threads process-wide; n ≤ 0 restores GOMAXPROCS. It returns the
// previous setting, for restoring it.
func SetThreads(n int) (previous int) { return int(threads.Swap(int64(max(n, 0)))) }

// DefaultCPU is the CPU backend with gonum's process-wide BLAS (blas64.Use): the backend
// of blocks and solves that name none.
var DefaultCPU = &CPU{}

// CPU is the reference backend: plain Go loops, and a BLAS for Gemm.
type CPU struct {
	// BLAS runs Gemm; nil: gonum's process-wide blas64 implementation at call time.
	BLAS blas.Float64
	// Label names the BLAS in Name; empty: "blas64".
	Label string
	// Threads is the most goroutines element-wise work and a large product are split
	// over; 0: the process-wide Threads(). A solve that asks for its own thread
	// count gets a CPU with this set (WithThreads), so concurrent solves never
	// change each other's, or the process's, setting.
	Threads int
	scratch sync.Pool

	derived sync.Map               // thread count → *CPU, for WithThreads
	parted  atomic.Pointer[parted] // the BLAS split over Threads, for Gemm
}

// PartedBLAS is a BLAS that can give a copy of itself whose large products are split
// over n goroutines (openblas.Implementation).
type PartedBLAS interface {
	WithParts(n int) blas.Float64
}

// parted is a BLAS and its copy split over a CPU's Threads.
type parted struct{ base, split blas.Float64 }

// WithThreads returns a CPU like c whose work is split over n goroutines (0: the
// process-wide setting, c itself when c's own is 0). The same n gives the same
// backend, so blocks bound to it need not be bound again.
func (c *CPU) WithThreads(n int) *CPU {
	if n == c.Threads {
		return c
	}
	if d, ok := c.derived.Load(n); ok {
		return d.(*CPU)
	}
	d, _ := c.derived.LoadOrStore(n, &CPU{BLAS: c.BLAS, Label: c.Label, Threads: n})
	return d.(*CPU)
}

// parts is how many goroutines c splits work over.
func (c *CPU) parts() int {
	if c.Threads > 0 {
		return c.Threads
	}
	return Threads()
}

// Name names the backend.
func (c *CPU) Name() string {
	if c.Label == "" {
		return "cpu (blas64)"
	}
	return "cpu (" + c.Label + ")"
}

// Err is always nil: the CPU backend fails only by panicking on a programming error.
func (c *CPU) Err() error { return nil }

// NewVector returns n zeros.
func (c *CPU) NewVector(n int) Vector { return &HostVector{make([]float64, n)} }

// NewIndex copies positions.
func (c *CPU) NewIndex(positions []int32) Index {
	return &HostIndex{append([]int32(nil), positions...)}
}

// Slice returns v's elements [from, to), sharing its memory.
func (c *CPU) Slice(v Vector, from, to int) Vector {
	h := Host(v)
	CheckSlice(len(h), from, to)
	return &HostVector{h[from:to:to]}
}

// Upload copies src into dst.
func (c *CPU) Upload(dst Vector, src []float64) {
	d := Host(dst)
	if len(d) != len(src) {
		panic(fmt.Sprintf("backend: Upload of %d elements into %d", len(src), len(d)))
	}
	copy(d, src)
}

// Download copies src into dst.
func (c *CPU) Download(dst []float64, src Vector) {
	s := Host(src)
	if len(s) != len(dst) {
		panic(fmt.Sprintf("backend: Download of %d elements into %d", len(s), len(dst)))
	}
	copy(dst, s)
}

// splitBLAS returns impl split over c.Threads when it can be, made once per impl.
func (c *CPU) splitBLAS(impl blas.Float64) blas.Float64 {
	pb, ok := impl.(PartedBLAS)
	if !ok {
		return impl
	}
	if p := c.parted.Load(); p != nil && p.base == impl {
		return p.split
	}
	p := &parted{base: impl, split: pb.WithParts(c.Threads)}
	c.parted.Store(p)
	return p.split
}

// Gemm sets c = alpha·op(a)·op(b) + beta·c.
func (c *CPU) Gemm(ta, tb bool, m, n, k int, alpha float64, a, b Vector, beta float64, cv Vector) {
	CheckGemm(m, n, k, a, b, cv)
	if m == 0 || n == 0 {
		return
	}
	impl := c.BLAS
	if impl == nil {
		impl = blas64.Implementation()
	}
	if c.Threads > 0 {
		impl = c.splitBLAS(impl)
	}
	A, B, C := Host(a), Host(b), Host(cv)
	if k == 0 {
		for i := range C[:m*n] {
			C[i] *= beta
			if beta == 0 {
				C[i] = 0
			}
		}
		return
	}
	opA, lda := blas.NoTrans, k
	if ta {
		opA, lda = blas.Trans, m
	}
	opB, ldb := blas.NoTrans, n
	if tb {
		opB, ldb = blas.Trans, k
	}
	// A product with one column or one row is a matrix-vector product. Dgemm's
	// loops then run over vectors of length one (gonum's kernel makes a call per
	// element), which made a tangent sweep through a wide layer 10x slower than
	// Dgemv; a vector's layout is the same transposed or not.
	switch {
	case n == 1:
		rows, cols := m, k
		if ta {
			rows, cols = k, m
		}
		impl.Dgemv(opA, rows, cols, alpha, A, lda, B, 1, beta, C, 1)
		return
	case m == 1:
		// c = a·op(b) is cᵀ = op(b)ᵀ·aᵀ: b's rows and columns as stored.
		rows, cols, opBT := k, n, blas.Trans
		if tb {
			rows, cols, opBT = n, k, blas.NoTrans
		}
		impl.Dgemv(opBT, rows, cols, alpha, B, ldb, A, 1, beta, C, 1)
		return
	}
	impl.Dgemm(opA, opB, m, n, k, alpha, A, lda, B, ldb, beta, C, n)
}

// args is Map's arguments resolved to host memory.
type args struct {
	v [6][]float64
	g [6][]int32
	n int // how many
}

func ld(s []float64, g []int32, i int) float64 {
	if g == nil {
		return s[i]
	}
	if p := g[i]; p >= 0 {
		return s[p]
	}
	return 0
}

// resolve fills a with in's host memory (in place: a is large enough that a copy
// out of a returned value shows in a small model's profile).
func (a *args) resolve(in []In) {
	a.n = len(in)
	for k, x := range in {
		a.v[k] = Host(x.V)
		a.g[k] = hostIndex(x.At)
	}
}

// costly reports whether a code costs enough per element (a transcendental
// function) to split over the CPUs from parallelMin elements.
func costly(c Code) bool {
	switch c {
	case FuncValue, FuncTangent, FuncCurvature, ExpDiff, AddLog:
		return true
	}
	return false
}

const (
	parallelMin      = 1 << 12 // transcendental codes
	parallelMinCheap = 1 << 17 // the rest: memory-bound, so only very long loops gain
)

// parallelParts is how many ranges inParallel splits n elements into.
func parallelParts(threads, n, least int) int { return min(threads, 4, n/least) }

// inParallel runs fn over [0, n) in one contiguous range per thread (at most 4) when n
// is large enough, else in one call.
func inParallel(threads, n, least int, fn func(lo, hi int)) {
	parts := parallelParts(threads, n, least)
	if parts <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(p*n/parts, (p+1)*n/parts)
	}
	fn(0, n/parts)
	wg.Wait()
}

// values sets dst[i-lo] = op(args at i) for i in [lo, hi).
func values(op Op, a *args, dst []float64, lo, hi int) {
	v, g := &a.v, &a.g
	switch op.Code {
	case Const:
		if op.P == 0 {
			clear(dst[:hi-lo])
			return
		}
		for i := range dst[:hi-lo] {
			dst[i] = op.P
		}
	case Copy:
		if g[0] == nil {
			copy(dst[:hi-lo], v[0][lo:hi])
			return
		}
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i)
		}
	case Scale:
		if g[0] == nil {
			for i, x := range v[0][lo:hi] {
				dst[i] = op.P * x
			}
			return
		}
		for i := lo; i < hi; i++ {
			dst[i-lo] = op.P * ld(v[0], g[0], i)
		}
	case Add:
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i) + ld(v[1], g[1], i)
		}
	case Sub:
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i) - ld(v[1], g[1], i)
		}
	case Mul:
		if g[0] == nil && g[1] == nil {
			b := v[1][lo:hi]
			for i, x := range v[0][lo:hi] {
				dst[i] = x * b[i]
			}
			return
		}
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i) * ld(v[1], g[1], i)
		}
	case Div:
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i) / ld(v[1], g[1], i)
		}
	case Magnitude:
		for i := lo; i < hi; i++ {
			dst[i-lo] = math.Abs(ld(v[0], g[0], i))
		}
	// The bound codes, written out (as Formula has them) because the solver runs
	// them over the superbasics every iteration.
	case Violation:
		for i := lo; i < hi; i++ {
			x := ld(v[0], g[0], i)
			dst[i-lo] = math.Max(ld(v[1], g[1], i)-x, x-ld(v[2], g[2], i))
		}
	case ProjGrad:
		for i := lo; i < hi; i++ {
			y, x := ld(v[0], g[0], i), ld(v[1], g[1], i)
			if (x <= ld(v[2], g[2], i) && y > 0) || (x >= ld(v[3], g[3], i) && y < 0) {
				y = 0
			}
			dst[i-lo] = y
		}
	case HoldAtBound:
		for i := lo; i < hi; i++ {
			d, x := ld(v[0], g[0], i), ld(v[2], g[2], i)
			if ld(v[1], g[1], i) == 0 && ((x <= ld(v[3], g[3], i) && d < 0) || (x >= ld(v[4], g[4], i) && d > 0)) {
				d = 0
			}
			dst[i-lo] = d
		}
	case BoundStep:
		inf := math.Inf(1)
		for i := lo; i < hi; i++ {
			x, d := ld(v[0], g[0], i), op.P*ld(v[1], g[1], i)
			t := inf
			if lb, ub := ld(v[2], g[2], i), ld(v[3], g[3], i); d > 0 && ub < inf {
				t = (ub - x) / d
			} else if d < 0 && lb > -inf {
				t = (lb - x) / d
			}
			dst[i-lo] = t
		}
	case Axpy:
		if g[0] == nil && g[1] == nil {
			b := v[1][lo:hi]
			for i, x := range v[0][lo:hi] {
				dst[i] = x + op.P*b[i]
			}
			return
		}
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i) + op.P*ld(v[1], g[1], i)
		}
	case MulPair:
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i)*ld(v[1], g[1], i) + ld(v[2], g[2], i)*ld(v[3], g[3], i)
		}
	case FuncValue:
		if op.Fn == Tanh && g[0] == nil {
			for i, x := range v[0][lo:hi] {
				dst[i] = math.Tanh(x)
			}
			return
		}
		for i := lo; i < hi; i++ {
			dst[i-lo], _, _ = FuncEval(op.Fn, op.P, ld(v[0], g[0], i))
		}
	case FuncTangent:
		if op.Fn == Tanh {
			for i := lo; i < hi; i++ {
				f := ld(v[1], g[1], i)
				dst[i-lo] = (1 - f*f) * ld(v[2], g[2], i)
			}
			return
		}
		for i := lo; i < hi; i++ {
			d1, _ := FuncDerivs(op.Fn, op.P, ld(v[0], g[0], i), ld(v[1], g[1], i))
			dst[i-lo] = d1 * ld(v[2], g[2], i)
		}
	case ExpDiff:
		for i := lo; i < hi; i++ {
			dst[i-lo] = math.Exp(ld(v[0], g[0], i) - ld(v[1], g[1], i))
		}
	case AddLog:
		for i := lo; i < hi; i++ {
			dst[i-lo] = ld(v[0], g[0], i) + math.Log(ld(v[1], g[1], i))
		}
	default:
		var x [6]float64
		for i := lo; i < hi; i++ {
			for k := range a.n {
				x[k] = ld(v[k], g[k], i)
			}
			dst[i-lo] = Formula(op, x[:a.n])
		}
	}
}

func (c *CPU) buffer(n int) *[]float64 {
	if p, ok := c.scratch.Get().(*[]float64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]float64, n)
	return &s
}

// compute fills dst[:n] with op's values, split over c's threads when worth it.
func (c *CPU) compute(op Op, n int, a *args, dst []float64) {
	least := parallelMinCheap
	if costly(op.Code) {
		least = parallelMin
	}
	// n first: c.parts may ask runtime.GOMAXPROCS, which takes a lock.
	if n < 2*least || parallelParts(c.parts(), n, least) <= 1 {
		// No closure on this path, so the caller's args stay on its stack: most
		// calls of a small model's evaluation are short, and a heap copy each was
		// a third of its time.
		values(op, a, dst[:n], 0, n)
		return
	}
	shared := *a // the goroutines' copy
	inParallel(c.parts(), n, least, func(lo, hi int) { values(op, &shared, dst[lo:hi], lo, hi) })
}

// accumulate adds the commonest linear codes on ungathered arguments straight into
// dst, without a scratch pass, and reports whether it did.
func accumulate(op Op, n int, a *args, dst []float64) bool {
	for k := range a.n {
		if a.g[k] != nil {
			return false
		}
	}
	switch op.Code {
	case Copy:
		for i, x := range a.v[0][:n] {
			dst[i] += x
		}
	case Scale:
		for i, x := range a.v[0][:n] {
			dst[i] += op.P * x
		}
	case Mul:
		b := a.v[1][:n]
		for i, x := range a.v[0][:n] {
			dst[i] += x * b[i]
		}
	default:
		return false
	}
	return true
}

// Map computes op for i in [0, n) and stores the results in out.
func (c *CPU) Map(op Op, n int, out Out, in ...In) {
	check(op, n, out, in)
	if out.V == nil {
		panic("backend: Map without a destination")
	}
	var a args
	a.resolve(in)
	dst, at := Host(out.V), hostIndex(out.At)
	if at == nil && out.Mode == Set {
		c.compute(op, n, &a, dst[:n])
		return
	}
	if at == nil && out.Mode == Accumulate && accumulate(op, n, &a, dst[:n]) {
		return
	}
	buf := c.buffer(n)
	defer c.scratch.Put(buf)
	tmp := *buf
	c.compute(op, n, &a, tmp)
	switch {
	case at == nil && out.Mode == Accumulate:
		d := dst[:n]
		for i, y := range tmp {
			d[i] += y
		}
	case at == nil: // KeepMax
		d := dst[:n]
		for i, y := range tmp {
			if y > d[i] {
				d[i] = y
			}
		}
	case out.Mode == Set:
		for i, y := range tmp {
			if p := at[i]; p >= 0 {
				dst[p] = y
			}
		}
	case out.Mode == Accumulate:
		for i, y := range tmp {
			if p := at[i]; p >= 0 {
				dst[p] += y
			}
		}
	default:
		for i, y := range tmp {
			if p := at[i]; p >= 0 && y > dst[p] {
				dst[p] = y
			}
		}
	}
}

// Reduce returns the sum, the largest or the smallest of op's values over [0, n).
// ReduceAll stores the result of rs[i] in dst[i].
func (c *CPU) ReduceAll(dst []float64, rs ...Reducing) {
	CheckReduceAll(dst, rs)
	for i, r := range rs {
		dst[i] = c.Reduce(r.R, r.Op, r.N, r.In...)
	}
}

func (c *CPU) Reduce(r Reduction, op Op, n int, in ...In) float64 {
	check(op, n, Out{}, in)
	if r > Smallest {
		panic(fmt.Sprintf("backend: unknown reduction %d", r))
	}
	var a args
	a.resolve(in)
	if r == Sum && op.Code == Mul && a.g[0] == nil && a.g[1] == nil {
		// A dot product, summed in the same order as below, without the scratch pass.
		s, b := 0.0, a.v[1][:n]
		for i, x := range a.v[0][:n] {
			s += x * b[i]
		}
		return s
	}
	buf := c.buffer(n)
	defer c.scratch.Put(buf)
	tmp := *buf
	c.compute(op, n, &a, tmp)
	switch r {
	case Largest:
		m := math.Inf(-1)
		for _, y := range tmp {
			if y > m || math.IsNaN(y) {
				m = y
				if math.IsNaN(y) {
					return y
				}
			}
		}
		return m
	case Smallest:
		m := math.Inf(1)
		for _, y := range tmp {
			if y < m || math.IsNaN(y) {
				m = y
				if math.IsNaN(y) {
					return y
				}
			}
		}
		return m
	}
	s := 0.0
	for _, y := range tmp {
		s += y
	}
	return s
}
