package backend_test

import (
	"testing"

	"gonum.org/v1/gonum/blas/gonum"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/backend/backendtest"
	"github.com/nnopt/nnopt/openblas"
)

// The suite compares against gonum's CPU backend, so the gonum run checks the suite
// itself (every comparison of a backend with itself must pass exactly) and the
// OpenBLAS run checks the second CPU backend.
func TestConformanceCPUGonum(t *testing.T) {
	backendtest.Run(t, &backend.CPU{BLAS: gonum.Implementation{}, Label: "gonum"})
}

func TestConformanceCPUOpenBLAS(t *testing.T) {
	impl, err := openblas.Load()
	if err != nil {
		t.Skipf("OpenBLAS not installed: %v", err)
	}
	backendtest.Run(t, &backend.CPU{BLAS: impl, Label: "openblas"})
}

func TestConformanceEmulated(t *testing.T) {
	backendtest.Run(t, &backendtest.Emulated{})
}
