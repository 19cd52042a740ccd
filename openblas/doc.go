// Package openblas provides a blas.Float64 implementation whose Dgemm and
// Dgemv run in the OpenBLAS shared library, loaded at run time without cgo
// (through github.com/ebitengine/purego), so binaries built with
// CGO_ENABLED=0 still use an optimised BLAS where one is installed and stay
// runnable where it is not.
//
// A program opts in after a successful Load and keeps gonum's pure-Go BLAS
// otherwise:
//
//	if impl, err := openblas.Load(); err == nil {
//		blas64.Use(impl)
//	} else {
//		log.Printf("using gonum's Go BLAS: %v", err)
//	}
//
// Load looks for the library in this order:
//   - the file named by the environment variable NNOPT_OPENBLAS, if set
//     (and nothing else: a failure to load it is the error);
//   - the sonames libopenblas.so.0, libopenblas.so and libopenblasp.so.0 (on
//     macOS libopenblas.dylib), through the dynamic loader's search path;
//   - well-known install locations: Debian/Ubuntu's multiarch directories,
//     including the openblas-pthread/-openmp/-serial variants that are not on
//     the search path, and Homebrew's prefixes on macOS.
//
// On Debian or Ubuntu, "apt-get install libopenblas0" installs it.
package openblas
