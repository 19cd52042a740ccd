package nnopt

import (
	"github.com/nnopt/nnopt/internal/choice"
	"github.com/nnopt/nnopt/internal/cpublas"
)

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
