package nlpsolve

// Coupled-row sweeps for the external benchmarks: tangent sweeps over column groups
// or adjoint sweeps per row, forced.
const (
	CoupledTangent = coupledForward
	CoupledAdjoint = coupledReverse
)

// SetCoupledMode forces the coupled rows' sweeps until restore is called.
func SetCoupledMode(mode int) (restore func()) {
	old := coupledMode
	coupledMode = mode
	return func() { coupledMode = old }
}
