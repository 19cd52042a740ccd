// Package cpublas chooses the BLAS behind the CPU backend's tensor contractions:
// gonum's blas64 implementation, which it sets process-wide.
package cpublas

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/nnopt/nnopt/openblas"
)

// Use makes the named BLAS blas64's implementation, the name ignoring case:
// "openblas" (loaded at run time; an error when it cannot be loaded), "gonum"
// (pure Go), or "auto" (OpenBLAS when it loads, else gonum, and the description says
// why). source says where the name came from, for the error on any other name. It
// returns a one-line description of the BLAS in use for logs.
func Use(name, source string) (string, error) {
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
