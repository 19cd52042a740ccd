package nlpsolve

import "github.com/nnopt/nnopt/backend"

// vecOps is the optimizer's vector arithmetic on the backend its vectors live on.
// Without bounds on the superbasics that is the blocks' backend, so the quasi-Newton
// and line-search work stays on the device and only scalars cross to the host.
type vecOps struct{ be backend.Backend }

func in(v backend.Vector) backend.In { return backend.In{V: v} }

func (o vecOps) dot(a, b backend.Vector) float64 {
	return o.be.Reduce(backend.Sum, backend.Op{Code: backend.Mul}, a.Len(), in(a), in(b))
}

// dotOf is the reduction of dot, for ReduceAll.
func dotOf(a, b backend.Vector) backend.Reducing {
	return backend.Reducing{R: backend.Sum, Op: backend.Op{Code: backend.Mul}, N: a.Len(), In: []backend.In{in(a), in(b)}}
}

// maxAbs is the infinity norm.
func (o vecOps) maxAbs(a backend.Vector) float64 {
	if a.Len() == 0 {
		return 0
	}
	return o.be.Reduce(backend.Largest, backend.Op{Code: backend.Magnitude}, a.Len(), in(a))
}

// maxAbsOf is the reduction of maxAbs, for ReduceAll: -Inf, not 0, when a is empty.
func maxAbsOf(a backend.Vector) backend.Reducing {
	return backend.Reducing{R: backend.Largest, Op: backend.Op{Code: backend.Magnitude}, N: a.Len(), In: []backend.In{in(a)}}
}

// axpyTo sets dst = x + a·y.
func (o vecOps) axpyTo(dst, x backend.Vector, a float64, y backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Axpy, P: a}, dst.Len(), backend.Out{V: dst}, in(x), in(y))
}

// addScaled sets dst += a·y.
func (o vecOps) addScaled(dst backend.Vector, a float64, y backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Scale, P: a}, dst.Len(), backend.Out{V: dst, Mode: backend.Accumulate}, in(y))
}

// scaleTo sets dst = a·x.
func (o vecOps) scaleTo(dst backend.Vector, a float64, x backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Scale, P: a}, dst.Len(), backend.Out{V: dst}, in(x))
}

func (o vecOps) subTo(dst, a, b backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Sub}, dst.Len(), backend.Out{V: dst}, in(a), in(b))
}

func (o vecOps) mulTo(dst, a, b backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Mul}, dst.Len(), backend.Out{V: dst}, in(a), in(b))
}

func (o vecOps) divTo(dst, a, b backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Div}, dst.Len(), backend.Out{V: dst}, in(a), in(b))
}

func (o vecOps) copyTo(dst, src backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Copy}, dst.Len(), backend.Out{V: dst}, in(src))
}

func (o vecOps) zero(dst backend.Vector) {
	o.be.Map(backend.Op{Code: backend.Const}, dst.Len(), backend.Out{V: dst})
}

// upload returns a new vector holding s.
func (o vecOps) upload(s []float64) backend.Vector {
	v := o.be.NewVector(len(s))
	o.be.Upload(v, s)
	return v
}

// host returns v's values for code that runs on the host: v's own memory on the
// CPU, else a copy downloaded into *buf.
func (o vecOps) host(v backend.Vector, buf *[]float64) []float64 {
	if h, ok := v.(*backend.HostVector); ok {
		return h.Data
	}
	if cap(*buf) < v.Len() {
		*buf = make([]float64, v.Len())
	}
	*buf = (*buf)[:v.Len()]
	o.be.Download(*buf, v)
	return *buf
}

// store puts values computed on the host back into v; nothing crosses when they
// are v's own memory.
func (o vecOps) store(v backend.Vector, h []float64) {
	if hv, ok := v.(*backend.HostVector); ok && (len(h) == 0 || &hv.Data[0] == &h[0]) {
		return
	}
	o.be.Upload(v, h)
}
