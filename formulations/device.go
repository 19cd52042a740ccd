package formulations

import (
	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/backend"
)

// The kernels' device forms. Each kernel's structure (which input element an output
// reads) is fixed, so it goes to the device once, as backend Indexes; a kernel then
// runs as a few backend Maps through them, plus a Gemm for the convolution. The
// kernel value is shared by every node of a block that uses it, so the state lives in
// the kernel, made on first use on a backend and kept for the last one.

var (
	_ nnopt.DeviceKernel = (*conv2dKernel)(nil)
	_ nnopt.DeviceKernel = (*avgPool2dKernel)(nil)
	_ nnopt.DeviceKernel = (*tapKernel)(nil)
	_ nnopt.DeviceKernel = copyKernel{}
)

// onDevice is a kernel's state on the last backend it ran on. A solve moves its
// blocks to one backend, so one pair suffices; another backend rebuilds it.
type onDevice[S any] struct {
	be backend.Backend
	s  *S
}

// on returns the state on be, made by build when be is not the last backend.
func (d *onDevice[S]) on(be backend.Backend, build func() *S) *S {
	if d.s == nil || d.be != be {
		d.be, d.s = be, build()
	}
	return d.s
}

var (
	opCopy  = backend.Op{Code: backend.Copy}
	opClear = backend.Op{Code: backend.Const}
)

// convDevice is a convolution's structure and scratch on a backend.
type convDevice struct {
	im2col backend.Index // col[n·P·Q + t] reads x[n·in + taps[t]]
	toMaps backend.Index // out[n,o,p] reads t[n,p,o]
	toRows backend.Index // t[n,p,o] reads w[n,o,p]
	col    backend.Vector
	t      backend.Vector
}

func (k *conv2dKernel) device(be backend.Backend) *convDevice {
	return k.dev.on(be, func() *convDevice {
		P, Q, O := k.pixels(), k.patch(), k.o
		taps, in := k.taps(), int32(k.c*k.h.in*k.w.in)
		im := make([]int32, 0, k.n*len(taps))
		for n := range int32(k.n) {
			for _, off := range taps {
				if off < 0 {
					im = append(im, -1)
				} else {
					im = append(im, n*in+off)
				}
			}
		}
		toMaps, toRows := make([]int32, k.n*P*O), make([]int32, k.n*P*O)
		for n := 0; n < k.n; n++ {
			for o := 0; o < O; o++ {
				for p := 0; p < P; p++ {
					m, r := (n*O+o)*P+p, (n*P+p)*O+o
					toMaps[m], toRows[r] = int32(r), int32(m)
				}
			}
		}
		return &convDevice{
			im2col: be.NewIndex(im),
			toMaps: be.NewIndex(toMaps),
			toRows: be.NewIndex(toRows),
			col:    be.NewVector(k.n * P * Q),
			t:      be.NewVector(k.n * P * O),
		}
	})
}

// ApplyOn unrolls the whole batch at once (im2col), multiplies it by the weights in
// one Gemm and permutes the (N·P × O) product to the (N, O, P) maps.
func (k *conv2dKernel) ApplyOn(be backend.Backend, out backend.Vector, args []backend.Vector) {
	d := k.device(be)
	NP, Q := k.n*k.pixels(), k.patch()
	be.Map(opCopy, NP*Q, backend.Out{V: d.col}, backend.In{V: args[0], At: d.im2col})
	// t (N·P × O) = col (N·P × Q) · wᵀ (Q × O)
	be.Gemm(false, true, NP, k.o, Q, 1, d.col, args[1], 0, d.t)
	be.Map(opCopy, NP*k.o, backend.Out{V: out}, backend.In{V: d.t, At: d.toMaps})
}

// TransposeOn permutes w to GEMM rows; for the input it multiplies them by the
// weights and scatters the patches back through im2col (overlapping windows
// accumulate), for the weights it multiplies them by the unrolled input.
func (k *conv2dKernel) TransposeOn(be backend.Backend, i int, dst, w backend.Vector, args []backend.Vector) {
	d := k.device(be)
	NP, Q := k.n*k.pixels(), k.patch()
	be.Map(opCopy, NP*k.o, backend.Out{V: d.t}, backend.In{V: w, At: d.toRows})
	if i == 1 {
		// dW (O × Q) += tᵀ (O × N·P) · col (N·P × Q)
		be.Map(opCopy, NP*Q, backend.Out{V: d.col}, backend.In{V: args[0], At: d.im2col})
		be.Gemm(true, false, k.o, Q, NP, 1, d.t, d.col, 1, dst)
		return
	}
	// dcol (N·P × Q) = t (N·P × O) · W (O × Q), in col's place.
	be.Gemm(false, false, NP, Q, k.o, 1, d.t, args[1], 0, d.col)
	be.Map(opCopy, NP*Q, backend.Out{V: dst, At: d.im2col, Mode: backend.Accumulate}, backend.In{V: d.col})
}

// poolDevice is an average pooling as a gather and a segment sum: entry e of every
// (map, output pixel, tap) reads input in[e] and adds onto output out[e].
type poolDevice struct {
	in, out backend.Index
	entries int
}

func (k *avgPool2dKernel) device(be backend.Backend) *poolDevice {
	return k.dev.on(be, func() *poolDevice {
		offs, start := k.windows()
		inMap, outMap := k.inMap(), k.outMap()
		maps := k.n * k.c
		in, out := make([]int32, 0, maps*len(offs)), make([]int32, 0, maps*len(offs))
		for m := 0; m < maps; m++ {
			for o := 0; o < outMap; o++ {
				for _, off := range offs[start[o]:start[o+1]] {
					in = append(in, int32(m*inMap)+off)
					out = append(out, int32(m*outMap+o))
				}
			}
		}
		return &poolDevice{in: be.NewIndex(in), out: be.NewIndex(out), entries: len(in)}
	})
}

func (k *avgPool2dKernel) ApplyOn(be backend.Backend, out backend.Vector, args []backend.Vector) {
	d := k.device(be)
	be.Map(opClear, out.Len(), backend.Out{V: out})
	be.Map(backend.Op{Code: backend.Scale, P: k.scale()}, d.entries,
		backend.Out{V: out, At: d.out, Mode: backend.Accumulate}, backend.In{V: args[0], At: d.in})
}

func (k *avgPool2dKernel) TransposeOn(be backend.Backend, _ int, dst, w backend.Vector, _ []backend.Vector) {
	d := k.device(be)
	be.Map(backend.Op{Code: backend.Scale, P: k.scale()}, d.entries,
		backend.Out{V: dst, At: d.in, Mode: backend.Accumulate}, backend.In{V: w, At: d.out})
}

// tapDevice is a tapKernel's pixel position of every (map, tap).
type tapDevice struct{ pixels backend.Index }

func (k *tapKernel) device(be backend.Backend) *tapDevice {
	return k.dev.on(be, func() *tapDevice {
		pos := make([]int32, 0, k.maps*len(k.at))
		k.each(func(_, p int) { pos = append(pos, int32(p)) })
		return &tapDevice{be.NewIndex(pos)}
	})
}

func (k *tapKernel) taps() int { return k.maps * len(k.at) }

func (k *tapKernel) ApplyOn(be backend.Backend, out backend.Vector, args []backend.Vector) {
	d := k.device(be)
	if k.sum {
		be.Map(opClear, out.Len(), backend.Out{V: out})
		be.Map(opCopy, k.taps(), backend.Out{V: out, At: d.pixels, Mode: backend.Accumulate}, backend.In{V: args[0]})
		return
	}
	be.Map(opCopy, k.taps(), backend.Out{V: out}, backend.In{V: args[0], At: d.pixels})
}

func (k *tapKernel) TransposeOn(be backend.Backend, _ int, dst, w backend.Vector, _ []backend.Vector) {
	d := k.device(be)
	if k.sum {
		be.Map(opCopy, k.taps(), backend.Out{V: dst, Mode: backend.Accumulate}, backend.In{V: w, At: d.pixels})
		return
	}
	be.Map(opCopy, k.taps(), backend.Out{V: dst, At: d.pixels, Mode: backend.Accumulate}, backend.In{V: w})
}

func (k copyKernel) ApplyOn(be backend.Backend, out backend.Vector, args []backend.Vector) {
	be.Map(opCopy, k.size, backend.Out{V: out}, backend.In{V: args[0]})
}

func (k copyKernel) TransposeOn(be backend.Backend, _ int, dst, w backend.Vector, _ []backend.Vector) {
	be.Map(opCopy, k.size, backend.Out{V: dst, Mode: backend.Accumulate}, backend.In{V: w})
}
