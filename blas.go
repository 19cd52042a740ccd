package nnopt

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/nnopt/nnopt/internal/choice"
	"github.com/nnopt/nnopt/openblas"
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
	name, source := choice.Resolve(name, "-blas", EnvBLAS, "auto")
	switch strings.ToLower(name) {
	case "gonum":
		blas64.Use(gonum.Implementation{})
		return "gonum (pure Go)", nil
	case "openblas", "auto":
		impl, err := openblas.Load()
		if err == nil {
			blas64.Use(impl)
			return fmt.Sprintf("%s (%s; %d OpenBLAS thread(s) per call, large products split over %d goroutine(s))",
				impl.Config(), impl.Path(), impl.Threads(), impl.Parts()), nil
		}
		if strings.EqualFold(name, "openblas") {
			return "", err
		}
		blas64.Use(gonum.Implementation{})
		first, _, _ := strings.Cut(err.Error(), ";")
		return "gonum (pure Go; " + first + ")", nil
	default:
		return "", fmt.Errorf("%s %q: want auto, openblas or gonum", source, name)
	}
}
