package device

import (
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/choice"
	"github.com/nnopt/nnopt/internal/cpublas"
	"github.com/nnopt/nnopt/openblas"
)

// The CPU's own choices, beside the choice of device: which BLAS the CPU backend's
// products use, and how many threads its kernels take.

// EnvBLAS names the environment variable that chooses the CPU BLAS when UseBLAS is
// given "" (the default of cmd/train's -blas flag).
const EnvBLAS = "NNOPT_BLAS"

// UseBLAS chooses the BLAS behind every tensor contraction of the CPU backend (and
// gonum's blas64, which it sets process-wide):
//
//   - "openblas": OpenBLAS loaded at run time (package openblas); an error when it
//     cannot be loaded;
//   - "gonum": gonum's pure-Go BLAS;
//   - "auto": OpenBLAS when it loads, else gonum, and the description says why;
//   - "": the value of $NNOPT_BLAS, else "auto".
//
// It returns a one-line description of the BLAS in use for logs.
func UseBLAS(name string) (string, error) {
	return cpublas.Use(choice.Resolve(name, "-blas", EnvBLAS, "auto"))
}

// Threads returns how many threads the CPU kernels use: SetThreads's value, else
// GOMAXPROCS.
func Threads() int { return backend.Threads() }

// SetThreads sets how many threads the CPU kernels use, process-wide: the split of
// element-wise functions and of large OpenBLAS products. n ≤ 0 restores the default,
// GOMAXPROCS. nnopt.Options.Threads sets a solve's own count without changing this
// one.
func SetThreads(n int) {
	backend.SetThreads(n)
	if impl, ok := blas64.Implementation().(*openblas.Implementation); ok {
		impl.SetParts(Threads())
	}
}
