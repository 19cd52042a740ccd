package nlpsolve

import (
	"fmt"

	"github.com/nnopt/nnopt/backend"
)

// DeviceBlock is a Block whose sweeps also run on a backend's vectors. When every
// equation's block is one, on one backend, the triangular method keeps the full
// point, the residuals, the adjoints and the optimizer's vectors there between
// iterations: in a typical iteration only scalars cross to the host.
type DeviceBlock interface {
	Block
	// Backend is the backend the block's vectors live on.
	Backend() backend.Backend
	EvalOn(x []backend.Vector, r backend.Vector)
	JVPOn(v []backend.Vector, jv backend.Vector)
	VJPOn(w backend.Vector, g []backend.Vector)
	HVPOn(w, wdot backend.Vector, v, hv []backend.Vector)
}

// A Definer is a DeviceBlock that can sweep the variable its equation defines
// directly: the forward sweep computes the variable's value in place, and the
// adjoint sweep starts from the variable's adjoint, with no residual or row weights
// between. That saves passes over the rows, and on a GPU kernel launches, which
// dominate at a network's sizes.
type Definer interface {
	DeviceBlock
	// Direct reports whether DefineOn and PullDefinedOn serve for the equation
	// defining variable block vb with coefficient coef.
	Direct(vb int, coef float64) bool
	// DefineOn stores in x[vb] the value that zeroes the residual at the other
	// blocks of x, as EvalOn followed by x[vb] -= r/coef would.
	DefineOn(x []backend.Vector)
	// PullDefinedOn adds Jᵀ·w to g with w = -g[vb]/coef, leaving out g[vb] itself:
	// the equation's step of the adjoint sweep.
	PullDefinedOn(g []backend.Vector)
}

// cpu runs the sweeps of plain blocks: their host slices are its vectors.
var cpu = backend.DefaultCPU

// deviceBlocks returns every equation's block as a DeviceBlock on one backend:
// plain blocks run on the CPU through hostBlock.
func deviceBlocks(p *Problem) ([]DeviceBlock, backend.Backend, error) {
	out := make([]DeviceBlock, len(p.Equations))
	var be backend.Backend
	first := ""
	for i, e := range p.Equations {
		db, ok := e.Block.(DeviceBlock)
		if !ok {
			db = &hostBlock{b: e.Block}
		}
		switch {
		case be == nil:
			be, first = db.Backend(), e.Name
		case db.Backend() != be:
			return nil, nil, fmt.Errorf("nlpsolve: equation %q runs on %s, equation %q on %s: want one backend",
				first, be.Name(), e.Name, db.Backend().Name())
		}
		out[i] = db
	}
	if be == nil {
		be = cpu
	}
	return out, be, nil
}

// hostBlock runs a plain Block on the CPU backend, whose vectors share host memory.
type hostBlock struct {
	b           Block
	x, v, g, hv [][]float64
}

func (h *hostBlock) Backend() backend.Backend { return cpu }
func (h *hostBlock) Rows() int                { return h.b.Rows() }

func (h *hostBlock) Eval(x [][]float64, r []float64)                      { h.b.Eval(x, r) }
func (h *hostBlock) JVP(v [][]float64, jv []float64)                      { h.b.JVP(v, jv) }
func (h *hostBlock) VJP(w []float64, g [][]float64)                       { h.b.VJP(w, g) }
func (h *hostBlock) HVP(w, wdot []float64, v [][]float64, hv [][]float64) { h.b.HVP(w, wdot, v, hv) }

// hostSlices returns vs's host memory in buf (nil for a nil vector). The same vs gives
// the same slice of slices, which Block.HVP's reuse of a JVP's tangents relies on.
func hostSlices(buf *[][]float64, vs []backend.Vector) [][]float64 {
	if len(*buf) != len(vs) {
		*buf = make([][]float64, len(vs))
	}
	for i, v := range vs {
		(*buf)[i] = nil
		if v != nil {
			(*buf)[i] = backend.Host(v)
		}
	}
	return *buf
}

func (h *hostBlock) EvalOn(x []backend.Vector, r backend.Vector) {
	h.b.Eval(hostSlices(&h.x, x), backend.Host(r))
}

func (h *hostBlock) JVPOn(v []backend.Vector, jv backend.Vector) {
	h.b.JVP(hostSlices(&h.v, v), backend.Host(jv))
}

func (h *hostBlock) VJPOn(w backend.Vector, g []backend.Vector) {
	h.b.VJP(backend.Host(w), hostSlices(&h.g, g))
}

func (h *hostBlock) HVPOn(w, wdot backend.Vector, v, hv []backend.Vector) {
	h.b.HVP(backend.Host(w), backend.Host(wdot), hostSlices(&h.v, v), hostSlices(&h.hv, hv))
}
