package nnopt

import (
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/openblas"
)

// Threads returns how many threads the CPU kernels use: SetThreads's value, else
// GOMAXPROCS.
func Threads() int { return backend.Threads() }

// SetThreads sets how many threads the CPU kernels use, process-wide: the split of
// element-wise functions and of large OpenBLAS products. n ≤ 0 restores the default,
// GOMAXPROCS. Options.Threads sets a solve's own count without changing this one.
func SetThreads(n int) {
	backend.SetThreads(n)
	if impl, ok := blas64.Implementation().(*openblas.Implementation); ok {
		impl.SetParts(Threads())
	}
}
