package formulations

import (
	"math"

	"github.com/nnopt/nnopt"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Interval bound propagation (see the package documentation): each layer maps its
// input's box through a boundsFunc, and propagate writes the result into the output
// variable. Propagating inside Apply means a later layer that needs finite bounds,
// such as the big-M of a max pooling, finds them without a separate pass.

// boundsFunc maps an input box, row-major like the input, to a box that contains
// every output of the layer, row-major like its output.
type boundsFunc func(lo, up []float64) (olo, oup []float64)

// propagate intersects y's bounds with f's image of x's bounds. f nil means the
// layer's output is not known from its input (weights are variables).
func propagate(y *nnopt.Variable, x Symbol, f boundsFunc) {
	if f == nil {
		return
	}
	lo, up, ok := symbolBounds(x)
	if !ok {
		return
	}
	olo, oup := f(lo, up)
	for i := range y.Lo {
		y.Lo[i] = math.Max(y.Lo[i], olo[i])
		y.Up[i] = math.Min(y.Up[i], oup[i])
	}
}

// symbolBounds returns x's elementwise bounds: a variable's Lo and Up, a parameter's
// values as both. ok is false when no element has a finite bound (nothing to
// propagate) or a bound is invalid (NaN, lo > up, lo = +∞, up = -∞).
func symbolBounds(x Symbol) (lo, up []float64, ok bool) {
	switch s := x.(type) {
	case *nnopt.Variable:
		lo, up = s.Lo, s.Up
	case *nnopt.Parameter:
		lo, up = s.Values, s.Values
	default:
		return nil, nil, false
	}
	finite := false
	for i := range lo {
		if !(lo[i] <= up[i]) || math.IsInf(lo[i], 1) || math.IsInf(up[i], -1) {
			return nil, nil, false
		}
		finite = finite || !math.IsInf(lo[i], 0) || !math.IsInf(up[i], 0)
	}
	return lo, up, finite
}

// image applies g, linear with non-negative coefficients, to v, whose infinite
// entries all have the sign s: the finite entries go through g, and an output that a
// positive coefficient ties to an infinite entry is s·∞. Applying g to the
// infinities themselves could make 0·∞ = NaN where the map multiplies by a zero.
func image(g func(out, x []float64), outLen int, v []float64, s float64) []float64 {
	out := make([]float64, outLen)
	var fin, ind []float64
	for i, x := range v {
		if !math.IsInf(x, 0) {
			continue
		}
		if fin == nil {
			fin, ind = append([]float64(nil), v...), make([]float64, len(v))
		}
		fin[i], ind[i] = 0, 1
	}
	if fin == nil {
		g(out, v)
		return out
	}
	g(out, fin)
	tied := make([]float64, outLen)
	g(tied, ind)
	for i, t := range tied {
		if t > 0 {
			out[i] = math.Inf(int(s))
		}
	}
	return out
}

// monotoneBounds bounds a linear map g with non-negative coefficients (a mean, a
// copy): it is increasing in every input, so the box maps to [g(lo), g(up)].
func monotoneBounds(g func(out, x []float64), outLen int) boundsFunc {
	return func(lo, up []float64) ([]float64, []float64) {
		return image(g, outLen, lo, -1), image(g, outLen, up, 1)
	}
}

// weightedBounds bounds out = f(x, w) + bias[o] for f linear in x and in the known
// weights w (a dense layer, a convolution), bias over the last outputs axis, length
// nb (0 for none). With w = w⁺ - w⁻ both parts non-negative, each output is largest
// at x = up where w⁺ multiplies and x = lo where w⁻ does:
//
//	up' = f(up, w⁺) - f(lo, w⁻),  lo' = f(lo, w⁺) - f(up, w⁻),
//
// the tightest box for a single layer, attained at corners of the input box.
func weightedBounds(f func(out, x, w []float64), outLen int, w, bias []float64) boundsFunc {
	pos, neg := make([]float64, len(w)), make([]float64, len(w))
	for i, v := range w {
		pos[i], neg[i] = math.Max(v, 0), math.Max(-v, 0)
	}
	gp := func(out, x []float64) { f(out, x, pos) }
	gn := func(out, x []float64) { f(out, x, neg) }
	return func(lo, up []float64) ([]float64, []float64) {
		olo, oup := image(gp, outLen, lo, -1), image(gp, outLen, up, 1)
		nlo, nup := image(gn, outLen, lo, -1), image(gn, outLen, up, 1)
		for i := range olo {
			olo[i] -= nup[i]
			oup[i] -= nlo[i]
			if len(bias) > 0 {
				olo[i] += bias[i%len(bias)]
				oup[i] += bias[i%len(bias)]
			}
		}
		return olo, oup
	}
}

// known returns the weight and bias values when they are parameters, else ok false.
func (w *weights) known() (weight, bias []float64, ok bool) {
	wp, ok := w.weight.(*nnopt.Parameter)
	if !ok {
		return nil, nil, false
	}
	if bp, isParam := w.bvec.(*nnopt.Parameter); isParam {
		bias = bp.Values
	}
	return wp.Values, bias, true
}

// bounds of a dense layer over rows input rows: out (rows×out) = x (rows×in)·wᵀ.
func (l *Linear) bounds(rows int) boundsFunc {
	w, b, ok := l.known()
	if !ok {
		return nil
	}
	return weightedBounds(func(out, x, w []float64) {
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(rows, l.In, x), general(l.Out, l.In, w), 0, general(rows, l.Out, out))
	}, rows*l.Out, w, b)
}

// bounds of a convolution, through its own kernel k (the same taps as the equation),
// with pixels output pixels a map. The bias runs over the channel axis, which is not
// the last: it is added per output element here.
func (l *Conv2d) bounds(k nnopt.Kernel, pixels int) boundsFunc {
	w, b, ok := l.known()
	if !ok {
		return nil
	}
	outLen, _ := k.Lens()
	f := weightedBounds(func(out, x, w []float64) { k.Apply(out, [][]float64{x, w}) }, outLen, w, nil)
	if b == nil {
		return f
	}
	return func(lo, up []float64) ([]float64, []float64) {
		olo, oup := f(lo, up)
		for i := range olo {
			c := i / pixels % l.Out
			olo[i] += b[c]
			oup[i] += b[c]
		}
		return olo, oup
	}
}

// kernelBounds bounds a kernel of one argument with non-negative coefficients (an
// average pooling, a copy).
func kernelBounds(k nnopt.Kernel) boundsFunc {
	outLen, _ := k.Lens()
	return monotoneBounds(func(out, x []float64) { k.Apply(out, [][]float64{x}) }, outLen)
}

// bounds of a max pooling: the max of values each in [lo, up] lies in [max lo, max
// up] over the window; a min pooling mirrors it. Padded taps do not exist, so they
// take no part.
func (t *poolTaps) bounds(maps int, min bool) boundsFunc {
	ext, s := math.Max, -1.0
	if min {
		ext, s = math.Min, 1
	}
	return func(lo, up []float64) ([]float64, []float64) {
		olo, oup := make([]float64, maps*t.outSize), make([]float64, maps*t.outSize)
		for i := range olo {
			olo[i], oup[i] = math.Inf(int(s)), math.Inf(int(s))
		}
		for m := 0; m < maps; m++ {
			for k := range t.in {
				o, i := m*t.outSize+int(t.out[k]), m*t.inSize+int(t.in[k])
				olo[o], oup[o] = ext(olo[o], lo[i]), ext(oup[o], up[i])
			}
		}
		return olo, oup
	}
}

// domainLen is the number of elements over the sets d.
func domainLen(d []*nnopt.Set) int {
	n := 1
	for _, s := range d {
		n *= s.Len()
	}
	return n
}
