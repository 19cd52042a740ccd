package backendtest

import (
	"fmt"

	"github.com/nnopt/nnopt/backend"
)

// Emulated is a device backend in host memory: its vectors are its own type, apart
// from the process's slices, so code that runs on it takes every path a GPU backend
// takes (uploads, downloads, no shared memory with the host) and can be tested on a
// machine without one. The arithmetic is the CPU backend's, so its results must
// equal the CPU's to the bit.
type Emulated struct {
	CPU backend.CPU
	// Transfers counts Upload and Download calls, Moved the elements they copied.
	Transfers, Moved int
	// Launches counts Map, Gemm and Reduce calls and ReduceAll's reductions (a GPU's
	// kernel launches), Waits the calls that wait for the device: Download, Reduce,
	// ReduceAll, and an Upload of more than backend.SmallUpload elements, since a
	// copy from pageable host memory waits for the work queued before it.
	Launches, Waits int
}

type emulatedVector struct{ data []float64 }

func (v *emulatedVector) Len() int { return len(v.data) }

type emulatedIndex struct{ pos []int32 }

func (x *emulatedIndex) Len() int { return len(x.pos) }

func (e *Emulated) vec(v backend.Vector) backend.Vector {
	if v == nil {
		return nil
	}
	ev, ok := v.(*emulatedVector)
	if !ok {
		panic(fmt.Sprintf("backendtest: a %T is not an emulated device vector", v))
	}
	return backend.Wrap(ev.data)
}

func (e *Emulated) index(x backend.Index) backend.Index {
	if x == nil {
		return nil
	}
	ex, ok := x.(*emulatedIndex)
	if !ok {
		panic(fmt.Sprintf("backendtest: a %T is not an emulated device index", x))
	}
	return &backend.HostIndex{Pos: ex.pos}
}

// Name names the backend.
func (e *Emulated) Name() string { return "emulated device" }

// Err is always nil.
func (e *Emulated) Err() error { return nil }

// NewVector returns n zeros.
func (e *Emulated) NewVector(n int) backend.Vector { return &emulatedVector{make([]float64, n)} }

// NewIndex copies positions.
func (e *Emulated) NewIndex(positions []int32) backend.Index {
	return &emulatedIndex{append([]int32(nil), positions...)}
}

// Slice returns v's elements [from, to), sharing its memory.
func (e *Emulated) Slice(v backend.Vector, from, to int) backend.Vector {
	d := backend.Host(e.vec(v))
	backend.CheckSlice(len(d), from, to)
	return &emulatedVector{d[from:to:to]}
}

// Upload copies src into dst.
func (e *Emulated) Upload(dst backend.Vector, src []float64) {
	e.Transfers++
	if len(src) > backend.SmallUpload {
		e.Waits++
	}
	e.Moved += len(src)
	e.CPU.Upload(e.vec(dst), src)
}

// Download copies src into dst.
func (e *Emulated) Download(dst []float64, src backend.Vector) {
	e.Transfers++
	e.Waits++
	e.Moved += len(dst)
	e.CPU.Download(dst, e.vec(src))
}

// Gemm runs the CPU backend's.
func (e *Emulated) Gemm(ta, tb bool, m, n, k int, alpha float64, a, b backend.Vector, beta float64, c backend.Vector) {
	e.Launches++
	e.CPU.Gemm(ta, tb, m, n, k, alpha, e.vec(a), e.vec(b), beta, e.vec(c))
}

func (e *Emulated) ins(in []backend.In) []backend.In {
	out := make([]backend.In, len(in))
	for i, x := range in {
		out[i] = backend.In{V: e.vec(x.V), At: e.index(x.At)}
	}
	return out
}

// Map runs the CPU backend's.
func (e *Emulated) Map(op backend.Op, n int, out backend.Out, in ...backend.In) {
	e.Launches++
	e.CPU.Map(op, n, backend.Out{V: e.vec(out.V), At: e.index(out.At), Mode: out.Mode}, e.ins(in)...)
}

// Reduce runs the CPU backend's.
func (e *Emulated) Reduce(r backend.Reduction, op backend.Op, n int, in ...backend.In) float64 {
	e.Launches++
	e.Waits++
	return e.CPU.Reduce(r, op, n, e.ins(in)...)
}

// ReduceAll runs the CPU backend's.
func (e *Emulated) ReduceAll(dst []float64, rs ...backend.Reducing) {
	host := make([]backend.Reducing, len(rs))
	for i, r := range rs {
		host[i] = backend.Reducing{R: r.R, Op: r.Op, N: r.N, In: e.ins(r.In)}
	}
	e.Launches += len(rs)
	if len(rs) > 0 {
		e.Waits++
	}
	e.CPU.ReduceAll(dst, host...)
}
