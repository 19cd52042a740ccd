package nnopt

import (
	"runtime"
	"sync/atomic"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/nnopt/nnopt/openblas"
)

// threads is the most goroutines the CPU kernels use, 0 for GOMAXPROCS.
var threads atomic.Int64

// Threads returns how many threads the CPU kernels use: SetThreads's value, else
// GOMAXPROCS.
func Threads() int {
	if n := threads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}

// SetThreads sets how many threads the CPU kernels use, process-wide: the split of
// element-wise functions and of large OpenBLAS products. n ≤ 0 restores the default,
// GOMAXPROCS. Options.Threads sets it for the duration of one Solve.
func SetThreads(n int) {
	threads.Store(int64(max(n, 0)))
	if impl, ok := blas64.Implementation().(*openblas.Implementation); ok {
		impl.SetParts(Threads())
	}
}
