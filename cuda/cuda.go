package cuda

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"

	"github.com/nnopt/nnopt/backend"
)

// Backend runs backend.Backend's operations on the first CUDA device. All its CUDA
// calls run on one OS thread, where its context is current; Map and Gemm are queued
// to that thread without waiting, the other operations wait for their turn.
type Backend struct {
	drv   driverAPI
	nvrtc nvrtcAPI
	blas  blasAPI

	nvrtcPath string
	name      string
	calls     chan func() // served by the CUDA thread
	mapBlocks int         // the most blocks a Map launches

	// Set up on the CUDA thread before any operation, then only read.
	k       kernels
	handle  uintptr // cuBLAS
	partial uint64  // reduceBlocks partial results of Reduce, then resultSlots results

	err error // the first failure; read and written on the CUDA thread only
}

var _ backend.Backend = (*Backend)(nil)

var opened = sync.OnceValues(open)

// Open loads the CUDA libraries and sets up the first device on the first call, and
// returns the same backend, or the same error, afterwards. The error wraps
// backend.ErrUnavailable when a library or a device is missing, naming what was
// tried.
func Open() (*Backend, error) { return opened() }

// Probe returns nil when CUDA can be used, else why not: Open's error. On a machine
// without CUDA it costs a few failed dlopen calls; with CUDA it opens the backend,
// which Open then returns at no cost.
func Probe() error {
	_, err := Open()
	return err
}

// open starts the CUDA thread and sets everything up on it; on failure the thread
// ends.
func open() (*Backend, error) {
	b := &Backend{calls: make(chan func(), 1024)}
	go b.serve()
	var err error
	b.do(func() { err = b.setUp() })
	if err != nil {
		close(b.calls)
		return nil, err
	}
	return b, nil
}

// serve runs the queued calls on a thread of their own: a CUDA context is current
// per thread.
func (b *Backend) serve() {
	runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
	for f := range b.calls {
		f()
	}
}

// do runs f on the CUDA thread and waits for it.
func (b *Backend) do(f func()) {
	done := make(chan struct{})
	b.calls <- func() {
		f()
		close(done)
	}
	<-done
}

// post queues f to the CUDA thread.
func (b *Backend) post(f func()) { b.calls <- f }

// setUp loads the libraries, makes the first device's primary context current and
// compiles the kernels. It runs on the CUDA thread.
func (b *Backend) setUp() error {
	cudaPath, _, err := libCUDA.open(0, b.drv.symbols())
	if err != nil {
		return err
	}
	unavailable := func(call string, r int32) error {
		return fmt.Errorf("cuda: %w: %s (%s): %s", backend.ErrUnavailable, call, cudaPath, b.drv.describe(r))
	}
	if r := b.drv.cuInit(0); r != 0 {
		return unavailable("cuInit", r)
	}
	var version, count int32
	if r := b.drv.cuDriverGetVersion(&version); r != 0 {
		return unavailable("cuDriverGetVersion", r)
	}
	if r := b.drv.cuDeviceGetCount(&count); r != 0 {
		return unavailable("cuDeviceGetCount", r)
	}
	if count == 0 {
		return fmt.Errorf("cuda: %w: no CUDA device (%s, driver %s)", backend.ErrUnavailable, cudaPath, versionString(version))
	}
	var dev int32
	if r := b.drv.cuDeviceGet(&dev, 0); r != 0 {
		return unavailable("cuDeviceGet", r)
	}
	var major, minor, sms int32
	nameBuf := make([]byte, 256)
	for _, q := range []struct {
		call string
		r    int32
	}{
		{"cuDeviceGetAttribute", b.drv.cuDeviceGetAttribute(&major, attrComputeMajor, dev)},
		{"cuDeviceGetAttribute", b.drv.cuDeviceGetAttribute(&minor, attrComputeMinor, dev)},
		{"cuDeviceGetAttribute", b.drv.cuDeviceGetAttribute(&sms, attrMultiprocessorCount, dev)},
		{"cuDeviceGetName", b.drv.cuDeviceGetName(&nameBuf[0], int32(len(nameBuf)-1), dev)},
	} {
		if q.r != 0 {
			return unavailable(q.call, q.r)
		}
	}
	var ctx uintptr
	if r := b.drv.cuDevicePrimaryCtxRetain(&ctx, dev); r != 0 {
		return unavailable("cuDevicePrimaryCtxRetain", r)
	}
	if r := b.drv.cuCtxSetCurrent(ctx); r != 0 {
		return unavailable("cuCtxSetCurrent", r)
	}
	arch := int(10*major + minor)
	b.mapBlocks = 16 * max(int(sms), 1)
	b.name = fmt.Sprintf("cuda (%s, sm_%d, driver %s)", goString(&nameBuf[0]), arch, versionString(version))

	driverMajor := int(version / 1000)
	var nvrtc uintptr
	if b.nvrtcPath, nvrtc, err = libNVRTC.open(driverMajor, b.nvrtc.symbols()); err != nil {
		return err
	}
	for _, s := range b.nvrtc.optional() {
		bind(nvrtc, s) // left nil where this NVRTC is too old
	}
	blasPath, _, err := libCUBLAS.open(driverMajor, b.blas.symbols())
	if err != nil {
		return err
	}
	if r := b.blas.cublasCreate(&b.handle); r != 0 {
		return fmt.Errorf("cuda: %w: cublasCreate (%s, driver %s): %s", backend.ErrUnavailable, blasPath, versionString(version), blasStatus(r))
	}
	if r := b.drv.cuMemAlloc(&b.partial, 8*(reduceBlocks+resultSlots)); r != 0 {
		return fmt.Errorf("cuda: cuMemAlloc: %s", b.drv.describe(r))
	}
	b.k, err = b.loadKernels(arch)
	return err
}

// versionString turns cuDriverGetVersion's 13000 into "13.0".
func versionString(v int32) string { return fmt.Sprintf("%d.%d", v/1000, v%1000/10) }

// Name names the backend and its device: "cuda (NVIDIA H100 80GB HBM3, sm_90, driver 13.0)".
func (b *Backend) Name() string { return b.name }

// Err waits for the operations queued before it and returns the first failure, nil
// when none. After a failure the backend does nothing more: Map, Gemm and Upload are
// skipped, Download fills its destination with NaN and Reduce returns NaN.
func (b *Backend) Err() error {
	var err error
	b.do(func() {
		if b.err == nil {
			b.check("waiting for the queued kernels and GEMMs (cuCtxSynchronize)", b.drv.cuCtxSynchronize())
		}
		err = b.err
	})
	return err
}

// check keeps the first failure; it runs on the CUDA thread.
func (b *Backend) check(call string, r int32) bool {
	if r == 0 {
		return true
	}
	if b.err == nil {
		b.err = fmt.Errorf("cuda: %s: %s", call, b.drv.describe(r))
	}
	return false
}

// Vector is a vector in the device's memory. Its memory is freed by Free or, failing
// that, once the Vector is garbage.
type Vector struct {
	b       *Backend
	ptr     uint64 // 0 for an empty vector
	n       int
	freed   bool
	cleanup runtime.Cleanup
	// parent is the vector whose memory a slice shares, kept alive by the slice.
	parent *Vector
}

// Len is the number of elements.
func (v *Vector) Len() int { return v.n }

// Free releases the vector's device memory now, after the operations queued before
// it; the vector must not be used afterwards. Freeing a slice only retires the slice:
// its memory is its parent's.
func (v *Vector) Free() {
	if v.freed {
		return
	}
	v.freed = true
	if v.parent != nil {
		return
	}
	v.cleanup.Stop()
	v.b.free(v.ptr)
}

// live reports whether the vector and the one whose memory it shares are unfreed.
func (v *Vector) live() bool {
	return !v.freed && (v.parent == nil || !v.parent.freed)
}

// Index is an array of int32 positions in the device's memory.
type Index struct {
	b       *Backend
	ptr     uint64
	n       int
	freed   bool
	cleanup runtime.Cleanup
}

// Len is the number of positions.
func (x *Index) Len() int { return x.n }

// Free releases the index's device memory now; it must not be used afterwards.
func (x *Index) Free() {
	if x.freed {
		return
	}
	x.freed = true
	x.cleanup.Stop()
	x.b.free(x.ptr)
}

// free queues the release of device memory.
func (b *Backend) free(ptr uint64) {
	if ptr == 0 {
		return
	}
	b.post(func() {
		// A failure here only matters if the context is lost, which the
		// operations will report.
		b.drv.cuMemFree(ptr)
	})
}

// alloc returns size bytes of device memory, 0 after a failure (kept for Err).
// It runs on the CUDA thread.
func (b *Backend) alloc(size uintptr) uint64 {
	if size == 0 || b.err != nil {
		return 0
	}
	var ptr uint64
	if r := b.drv.cuMemAlloc(&ptr, size); r != 0 {
		b.err = fmt.Errorf("cuda: cuMemAlloc of %d bytes: %s", size, b.drv.describe(r))
		return 0
	}
	return ptr
}

// NewVector returns n zeros in device memory.
func (b *Backend) NewVector(n int) backend.Vector {
	if n < 0 {
		panic(fmt.Sprintf("backend: NewVector(%d)", n))
	}
	v := &Vector{b: b, n: n}
	b.do(func() {
		v.ptr = b.alloc(8 * uintptr(n))
		if v.ptr != 0 {
			b.check("cuMemsetD8", b.drv.cuMemsetD8(v.ptr, 0, 8*uintptr(n)))
		}
	})
	if v.ptr != 0 {
		v.cleanup = runtime.AddCleanup(v, b.free, v.ptr)
	}
	return v
}

// NewIndex copies positions to device memory.
func (b *Backend) NewIndex(positions []int32) backend.Index {
	x := &Index{b: b, n: len(positions)}
	if len(positions) == 0 {
		return x
	}
	b.do(func() {
		x.ptr = b.alloc(4 * uintptr(len(positions)))
		if x.ptr != 0 {
			b.check("cuMemcpyHtoD", b.drv.cuMemcpyHtoD(x.ptr, unsafe.Pointer(&positions[0]), 4*uintptr(len(positions))))
		}
	})
	if x.ptr != 0 {
		x.cleanup = runtime.AddCleanup(x, b.free, x.ptr)
	}
	return x
}

// vec returns v as this backend's live vector, panicking otherwise.
func (b *Backend) vec(v backend.Vector) *Vector {
	d, ok := v.(*Vector)
	if !ok || d.b != b {
		panic(fmt.Sprintf("backend: a %T is not a vector of this cuda backend", v))
	}
	if !d.live() {
		panic("backend: use of a freed cuda vector")
	}
	return d
}

// Slice returns v's elements [from, to), sharing its device memory.
func (b *Backend) Slice(v backend.Vector, from, to int) backend.Vector {
	d := b.vec(v)
	backend.CheckSlice(d.n, from, to)
	root := d
	if d.parent != nil {
		root = d.parent
	}
	s := &Vector{b: b, n: to - from, parent: root}
	if to > from {
		s.ptr = d.ptr + 8*uint64(from)
	}
	return s
}

// index returns x's device pointer, 0 for nil, panicking for another backend's.
func (b *Backend) index(x backend.Index) uint64 {
	if x == nil {
		return 0
	}
	d, ok := x.(*Index)
	if !ok || d.b != b {
		panic(fmt.Sprintf("backend: a %T is not an index of this cuda backend", x))
	}
	if d.freed {
		panic("backend: use of a freed cuda index")
	}
	return d.ptr
}

// Upload copies src into dst. Up to backend.SmallUpload elements travel with a
// kernel launch, queued like an operation; more are copied once the operations
// before them are done.
func (b *Backend) Upload(dst backend.Vector, src []float64) {
	d := b.vec(dst)
	if d.n != len(src) {
		panic(fmt.Sprintf("backend: Upload of %d elements into %d", len(src), d.n))
	}
	if len(src) == 0 {
		return
	}
	if len(src) <= backend.SmallUpload {
		f := &fillArgs{out: d.ptr, n: int64(len(src))}
		copy(f.values[:], src)
		b.post(func() {
			if b.err == nil {
				b.launch("cuLaunchKernel nnopt_fill", b.k.fill, 1, unsafe.Pointer(f))
			}
			runtime.KeepAlive(f)
			runtime.KeepAlive(d)
		})
		return
	}
	b.do(func() {
		if b.err == nil {
			// From pageable memory the copy returns once src has been read.
			b.check("cuMemcpyHtoD", b.drv.cuMemcpyHtoD(d.ptr, unsafe.Pointer(&src[0]), 8*uintptr(len(src))))
		}
	})
	runtime.KeepAlive(d)
}

// Download copies src into dst once the operations before it are done. After a
// failure it fills dst with NaN.
func (b *Backend) Download(dst []float64, src backend.Vector) {
	s := b.vec(src)
	if s.n != len(dst) {
		panic(fmt.Sprintf("backend: Download of %d elements into %d", s.n, len(dst)))
	}
	if len(dst) == 0 {
		return
	}
	ok := false
	b.do(func() {
		if b.err == nil {
			// The copy runs on the default stream, after everything queued.
			ok = b.check("cuMemcpyDtoH", b.drv.cuMemcpyDtoH(unsafe.Pointer(&dst[0]), s.ptr, 8*uintptr(len(dst))))
		}
	})
	runtime.KeepAlive(s)
	if !ok {
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
}

// Gemm sets c = alpha·op(a)·op(b) + beta·c for row-major matrices through cuBLAS.
// cuBLAS is column-major, where the row-major c is cᵀ: so it computes
// cᵀ = op(b)ᵀ·op(a)ᵀ, with b and a swapped and each read as its own transpose.
func (b *Backend) Gemm(ta, tb bool, m, n, k int, alpha float64, av, bv backend.Vector, beta float64, cv backend.Vector) {
	A, B, C := b.vec(av), b.vec(bv), b.vec(cv)
	backend.CheckGemm(m, n, k, A, B, C)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		// cuBLAS may skip the product entirely; c = beta·c, 0 when beta is (even for NaN).
		if beta == 0 {
			b.Map(backend.Op{Code: backend.Const}, m*n, backend.Out{V: C})
		} else {
			b.Map(backend.Op{Code: backend.Scale, P: beta}, m*n, backend.Out{V: C}, backend.In{V: C})
		}
		return
	}
	if max(m, n, k) > math.MaxInt32 {
		panic(fmt.Sprintf("backend: Gemm %d×%d×%d exceeds cuBLAS's 32-bit sizes", m, n, k))
	}
	opA, lda := int32(cublasOpN), k
	if ta {
		opA, lda = cublasOpT, m
	}
	opB, ldb := int32(cublasOpN), n
	if tb {
		opB, ldb = cublasOpT, k
	}
	scalars := &[2]float64{alpha, beta}
	b.post(func() {
		if b.err != nil {
			return
		}
		if s := b.blas.cublasDgemm(b.handle, opB, opA, int32(n), int32(m), int32(k),
			&scalars[0], B.ptr, int32(ldb), A.ptr, int32(lda), &scalars[1], C.ptr, int32(n)); s != 0 && b.err == nil {
			b.err = fmt.Errorf("cuda: cublasDgemm %d×%d×%d: %s", m, n, k, blasStatus(s))
		}
		runtime.KeepAlive(A)
		runtime.KeepAlive(B)
		runtime.KeepAlive(C)
	})
}

// args resolves Map's arguments to device pointers. The Go values stay referenced by
// the queued call, so that a cleanup cannot free them before it runs.
func (b *Backend) args(op backend.Op, n int, in []backend.In) *mapArgs {
	a := &mapArgs{p: op.P, n: int64(n), code: int32(op.Code), fn: int32(op.Fn)}
	for k, x := range in {
		a.v[k] = b.vec(x.V).ptr
		a.g[k] = b.index(x.At)
	}
	return a
}

// blocks is the grid of a launch over n elements, at most limit blocks.
func blocks(n, limit int) uint32 { return uint32(min((n+block-1)/block, limit)) }

// launch runs a kernel whose only parameter is the struct at arg. cuLaunchKernel
// takes an array of pointers to the parameters' values and copies them before it
// returns.
func (b *Backend) launch(call string, fn uintptr, grid uint32, arg unsafe.Pointer) bool {
	params := &[1]unsafe.Pointer{arg}
	r := b.drv.cuLaunchKernel(fn, grid, 1, 1, block, 1, 1, 0, 0, &params[0], nil)
	runtime.KeepAlive(params)
	return b.check(call, r)
}

// Map computes op for i in [0, n) and stores the results in out. Each element is
// computed and stored by its own device thread, so a destination that is also an
// argument must be read only where it is written (an in-place element-wise update);
// the CPU backend computes every value before storing any.
func (b *Backend) Map(op backend.Op, n int, out backend.Out, in ...backend.In) {
	backend.CheckMap(op, n, out, in)
	if out.V == nil {
		panic("backend: Map without a destination")
	}
	if out.Mode > backend.KeepMax {
		panic(fmt.Sprintf("backend: unknown mode %d", out.Mode))
	}
	a := b.args(op, n, in)
	a.out, a.at, a.mode = b.vec(out.V).ptr, b.index(out.At), int32(out.Mode)
	if n == 0 {
		return
	}
	in = append([]backend.In(nil), in...) // the caller may reuse its slice
	b.post(func() {
		if b.err == nil {
			b.launch("cuLaunchKernel nnopt_map", b.k.mapFn, blocks(n, b.mapBlocks), unsafe.Pointer(a))
		}
		runtime.KeepAlive(a)
		runtime.KeepAlive(in)
		runtime.KeepAlive(out)
	})
}

// Reduce returns the sum, the largest or the smallest of op's values over [0, n),
// through ReduceAll. After a failure it returns NaN.
func (b *Backend) Reduce(r backend.Reduction, op backend.Op, n int, in ...backend.In) float64 {
	var y [1]float64
	b.ReduceAll(y[:], backend.Reducing{R: r, Op: op, N: n, In: in})
	return y[0]
}

// ReduceAll stores the result of rs[i] in dst[i]: per reduction, each block of a
// first launch reduces its share and a second launch of one block reduces theirs
// into a result slot; one copy brings up to resultSlots results back. After a
// failure it stores NaN.
func (b *Backend) ReduceAll(dst []float64, rs ...backend.Reducing) {
	backend.CheckReduceAll(dst, rs)
	for len(rs) > resultSlots {
		b.ReduceAll(dst[:resultSlots], rs[:resultSlots]...)
		dst, rs = dst[resultSlots:], rs[resultSlots:]
	}
	type launch struct {
		a    *mapArgs
		f    *finishArgs
		grid uint32
	}
	var launches []launch
	for i, r := range rs {
		dst[i] = math.NaN()
		if r.N == 0 {
			continue // the identity, set below
		}
		a := b.args(r.Op, r.N, r.In)
		grid := blocks(r.N, reduceBlocks)
		a.out, a.mode = b.partial, int32(r.R)
		f := &finishArgs{partial: b.partial, result: b.partial + 8*uint64(reduceBlocks+i), count: int32(grid), reduction: int32(r.R)}
		launches = append(launches, launch{a, f, grid})
	}
	if len(launches) > 0 {
		b.do(func() {
			if b.err != nil {
				return
			}
			for _, l := range launches {
				if !b.launch("cuLaunchKernel nnopt_reduce", b.k.reduceFn, l.grid, unsafe.Pointer(l.a)) ||
					!b.launch("cuLaunchKernel nnopt_finish", b.k.finish, 1, unsafe.Pointer(l.f)) {
					return
				}
			}
			b.check("cuMemcpyDtoH", b.drv.cuMemcpyDtoH(unsafe.Pointer(&dst[0]), b.partial+8*reduceBlocks, 8*uintptr(len(rs))))
			runtime.KeepAlive(launches)
		})
	}
	for i, r := range rs {
		if r.N == 0 {
			switch r.R {
			case backend.Sum:
				dst[i] = 0
			case backend.Largest:
				dst[i] = math.Inf(-1)
			case backend.Smallest:
				dst[i] = math.Inf(1)
			}
		}
	}
	runtime.KeepAlive(rs)
}
