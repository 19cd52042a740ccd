package openblas

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is a blas.Float64 whose Dgemm and Dgemv run in OpenBLAS;
// every other routine is gonum's pure-Go implementation, embedded, so it can
// replace gonum's wherever a blas.Float64 is accepted (blas64.Use).
// Obtain it from Load; the zero value has no library to call.
type Implementation struct {
	gonum.Implementation

	path, config string
	// parts is how many goroutines a large Dgemm is split over (see SetParts);
	// atomic, since SetParts may run while products are computed.
	parts atomic.Int64

	// Integer arguments are C ints: Debian's libopenblas0 is built with
	// 32-bit indices (64-bit index builds suffix their symbols and are not
	// looked for).
	dgemm      func(order, tA, tB, m, n, k int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32)
	dgemv      func(order, tA, m, n int32, alpha float64, a *float64, lda int32, x *float64, incX int32, beta float64, y *float64, incY int32)
	getThreads func() int32
	setThreads func(int32)
}

// CBLAS enum values (cblas.h); gonum's blas.Transpose uses different ones.
const (
	cblasRowMajor  = 101 // gonum's matrices are row-major.
	cblasNoTrans   = 111
	cblasTrans     = 112
	cblasConjTrans = 113
)

func cblasTranspose(t blas.Transpose) int32 {
	switch t {
	case blas.NoTrans:
		return cblasNoTrans
	case blas.Trans:
		return cblasTrans
	default:
		return cblasConjTrans
	}
}

// Below these sizes gonum is as fast or faster: a call into OpenBLAS costs
// about 0.6µs before any work, and its Dgemv hands off to threads early.
// Measured with BenchmarkDgemmThreshold and BenchmarkDgemvThreshold
// (OpenBLAS 0.3.21, 2 vCPUs): Dgemm breaks even around 12×12×12 and is 2×
// faster at 16×16×16; Dgemv is up to 3× slower at 128×128, varies between
// runs at 192×192, and is 1.6-2.4× faster at 256×256 to 512×512.
const (
	minGemmWork = 12 * 12 * 12 // m*n*k
	minGemvWork = 256 * 256    // m*n
)

var loaded = sync.OnceValues(load)

// Load loads OpenBLAS on first use and returns the same result afterwards.
// The error lists the files that were tried and how to install the library.
func Load() (*Implementation, error) { return loaded() }

// Path returns the name the library was opened by: NNOPT_OPENBLAS's value, a
// soname resolved by the dynamic loader, or an absolute path.
func (impl *Implementation) Path() string { return impl.path }

// Config returns openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH
// NO_AFFINITY Haswell MAX_THREADS=64", which tells the version and the kernel
// chosen for this CPU.
func (impl *Implementation) Config() string { return impl.config }

// Parts returns the number of goroutines a large Dgemm is split over.
func (impl *Implementation) Parts() int { return int(impl.parts.Load()) }

// SetParts splits every large Dgemm over n goroutines, each a single call into
// OpenBLAS on its own block of rows (or columns) of C. With OpenBLAS itself on one
// thread this is how Load sets things up: for the tall, narrow products of network
// training (500×784 by 784×20) OpenBLAS's own threads were 2× slower than one thread
// on a 2-vCPU machine, while two single-threaded halves are 1.5× faster (measured
// with BenchmarkDgemm). n < 1 means 1.
func (impl *Implementation) SetParts(n int) { impl.parts.Store(int64(max(n, 1))) }

// WithParts returns a copy of impl, calling the same library, whose large products
// are split over n goroutines (see SetParts), leaving impl's own setting alone: a
// solve with its own thread count uses one while other solves use impl.
func (impl *Implementation) WithParts(n int) blas.Float64 {
	c := &Implementation{path: impl.path, config: impl.config, dgemm: impl.dgemm, dgemv: impl.dgemv, getThreads: impl.getThreads, setThreads: impl.setThreads}
	c.SetParts(n)
	return c
}

// Threads returns the number of threads OpenBLAS uses for one call.
func (impl *Implementation) Threads() int { return int(impl.getThreads()) }

// SetThreads sets the number of threads OpenBLAS uses for one call, e.g. 1
// when the caller already runs one BLAS call per core.
func (impl *Implementation) SetThreads(n int) { impl.setThreads(int32(n)) }

// Dgemm performs one of the matrix-matrix operations
//
//	C = alpha * op(A) * op(B) + beta * C
//
// where op(X) is X or Xᵀ, exactly as gonum.Implementation.Dgemm does, with
// the same argument checks and panics. Empty, k == 0, alpha == 0 and small
// products (m*n*k < 12³) run in gonum, where they are cheaper, and so that
// OpenBLAS is never handed an empty slice.
func (impl *Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 || alpha == 0 || m*n*k < minGemmWork || !fitInt32(m, n, k, lda, ldb, ldc) {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkDgemm(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	if parts := impl.split(m, n, k); parts > 1 {
		impl.dgemmParts(parts, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	impl.dgemm(cblasRowMajor, cblasTranspose(tA), cblasTranspose(tB), int32(m), int32(n), int32(k),
		alpha, &a[0], int32(lda), &b[0], int32(ldb), beta, &c[0], int32(ldc))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
}

// minPartWork is the least m·n·k of one part of a split Dgemm: below it the cost of
// a goroutine hand-off is no longer small against the product.
const minPartWork = 64 * 64 * 64

// split returns how many parts a product is split over.
func (impl *Implementation) split(m, n, k int) int {
	parts := min(impl.Parts(), m*n*k/minPartWork, max(m, n)/8)
	return max(parts, 1)
}

// dgemmParts computes C in parts along its longer side, one goroutine each. Every part
// is an ordinary row-major product on a sub-block: rows of op(A) and C, or columns of
// op(B) and C.
func (impl *Implementation) dgemmParts(parts int, tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	var wg sync.WaitGroup
	byRows := m >= n
	size := m
	if !byRows {
		size = n
	}
	for p := 0; p < parts; p++ {
		lo, hi := p*size/parts, (p+1)*size/parts
		pa, pb, pc, pm, pn := a, b, c, m, n
		if byRows {
			pm, pc = hi-lo, c[lo*ldc:]
			if tA == blas.NoTrans {
				pa = a[lo*lda:]
			} else {
				pa = a[lo:]
			}
		} else {
			pn, pc = hi-lo, c[lo:]
			if tB == blas.NoTrans {
				pb = b[lo:]
			} else {
				pb = b[lo*ldb:]
			}
		}
		call := func() {
			impl.dgemm(cblasRowMajor, cblasTranspose(tA), cblasTranspose(tB), int32(pm), int32(pn), int32(k),
				alpha, &pa[0], int32(lda), &pb[0], int32(ldb), beta, &pc[0], int32(ldc))
		}
		if p == parts-1 {
			call()
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			call()
		}()
	}
	wg.Wait()
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
}

// Dgemv performs one of the matrix-vector operations
//
//	y = alpha * A * x + beta * y   if tA == blas.NoTrans
//	y = alpha * Aᵀ * x + beta * y  otherwise
//
// exactly as gonum.Implementation.Dgemv does, with the same argument checks
// and panics. Empty, alpha == 0 and small (m*n < 256²) cases run in gonum.
func (impl *Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if m == 0 || n == 0 || alpha == 0 || m*n < minGemvWork || !fitInt32(m, n, lda, incX, incY) {
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	checkDgemv(tA, m, n, a, lda, x, incX, y, incY)
	impl.dgemv(cblasRowMajor, cblasTranspose(tA), int32(m), int32(n),
		alpha, &a[0], int32(lda), &x[0], int32(incX), beta, &y[0], int32(incY))
	runtime.KeepAlive(a)
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
}

func fitInt32(v ...int) bool {
	for _, x := range v {
		if x < math.MinInt32 || x > math.MaxInt32 {
			return false
		}
	}
	return true
}
