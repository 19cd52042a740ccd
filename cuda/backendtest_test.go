package cuda

import (
	"testing"

	"github.com/nnopt/nnopt/backend/backendtest"
)

// TestGPUConformance runs the backend conformance suite on the device.
func TestGPUConformance(t *testing.T) {
	backendtest.Run(t, openOrSkip(t))
}
