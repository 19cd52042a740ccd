package formulations

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt"
)

// Pool2dSettings are a max or min pooling's options; the zero value is a stride equal
// to the kernel, no padding, and big-M values taken from the input's bounds.
type Pool2dSettings struct {
	Stride  int // 0: the kernel size
	Padding int // on every side, at most half the kernel (as in PyTorch)
	// BigM, when positive, is the M of every tap instead of one from the input's
	// bounds. It must be at least the spread of every window (largest value minus
	// smallest) over the points that matter, or it cuts off feasible points.
	BigM float64
}

// MaxPool2d is PyTorch's nn.MaxPool2d (square kernel, dilation 1, floor mode) as a
// mixed-integer formulation. For each output y of a window and each tap x_t of it,
// with one binary d_t per (output, tap):
//
//	y ≥ x_t,   y ≤ x_t + M_t·(1 - d_t),   Σ_t d_t = 1,
//
// so y is at least every tap and equal to the one d picks: y = max_t x_t. Padded taps
// do not exist (PyTorch pads with -∞). M_t = max over the window of the upper bounds
// minus the lower bound of x_t, the smallest M valid for every point in the input's
// box; the input therefore needs finite bounds on every element a window reads, set
// on it or propagated by the layers before (see Linear.Apply), unless
// Pool2dSettings.BigM gives M.
type MaxPool2d struct{ extremePool }

// MinPool2d is MaxPool2d mirrored: y ≤ x_t, y ≥ x_t - M_t·(1 - d_t), Σ_t d_t = 1,
// with M_t = the upper bound of x_t minus the smallest lower bound of the window.
type MinPool2d struct{ extremePool }

type extremePool struct {
	c                       *nnopt.Container
	min                     bool
	Kernel, Stride, Padding int
	BigM                    float64
}

// NewMaxPool2d makes a max pooling with a square kernel.
func NewMaxPool2d(c *nnopt.Container, kernel int, s Pool2dSettings) (*MaxPool2d, error) {
	p, err := newExtremePool(c, kernel, s, false)
	if err != nil {
		return nil, err
	}
	return &MaxPool2d{p}, nil
}

// NewMinPool2d makes a min pooling with a square kernel.
func NewMinPool2d(c *nnopt.Container, kernel int, s Pool2dSettings) (*MinPool2d, error) {
	p, err := newExtremePool(c, kernel, s, true)
	if err != nil {
		return nil, err
	}
	return &MinPool2d{p}, nil
}

func newExtremePool(c *nnopt.Container, kernel int, s Pool2dSettings, min bool) (extremePool, error) {
	p := extremePool{c: c, min: min, Kernel: kernel, Stride: s.Stride, Padding: s.Padding, BigM: s.BigM}
	if p.Stride == 0 {
		p.Stride = kernel
	}
	switch {
	case kernel <= 0 || p.Stride <= 0 || p.Padding < 0:
		return extremePool{}, fmt.Errorf("formulations: %s(%d, stride %d, padding %d): want a positive kernel and stride and a non-negative padding", p.name(), kernel, s.Stride, s.Padding)
	case 2*p.Padding > kernel:
		return extremePool{}, fmt.Errorf("formulations: %s: padding %d should be at most half the kernel %d (as in PyTorch)", p.name(), p.Padding, kernel)
	case !(p.BigM >= 0) || math.IsInf(p.BigM, 1):
		return extremePool{}, fmt.Errorf("formulations: %s: big-M %g must be positive and finite (0: from the input's bounds)", p.name(), p.BigM)
	}
	return p, nil
}

func (p *extremePool) name() string {
	if p.min {
		return "min_pool2d"
	}
	return "max_pool2d"
}

// PoolTap is one tap of a pooling window that lies inside the input: output pixel
// Out reads input pixel In, each (row, column).
type PoolTap struct{ Out, In [2]int }

// PoolOutput is a max or min pooling's output variable and equations, with the
// binary variable that picks, in each window, the tap the output equals.
type PoolOutput struct {
	Output
	// Choice is binary over (batch, channel, tap); the tap axis follows Taps.
	Choice *nnopt.Variable
	// BigM holds M_t over Choice's domain.
	BigM *nnopt.Parameter
	// Taps are one map's taps inside the input: output pixels in row-major order and,
	// within each, kernel offsets in row-major order.
	Taps []PoolTap
}

// Apply adds the pooled output of x over (N, C, H, W): y over (N, C, H', W'), the
// binary choice over (N, C, taps) and three equations (y against every tap, y
// against the chosen tap, one choice per window). The output gets the bounds
// [max lo, max up] of its window (min pooling: [min lo, min up]).
func (p *extremePool) Apply(x Symbol) (PoolOutput, error) {
	layer := p.name()
	d := x.Domain()
	if len(d) != 4 {
		return PoolOutput{}, fmt.Errorf("formulations: %s of %q%s: want an input over (batch, channels, height, width)", layer, x.Name(), setNames(d))
	}
	hw, err := newWindow("height", d[2].Len(), p.Kernel, p.Stride, p.Padding, p.Padding)
	if err != nil {
		return PoolOutput{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
	}
	ww, err := newWindow("width", d[3].Len(), p.Kernel, p.Stride, p.Padding, p.Padding)
	if err != nil {
		return PoolOutput{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
	}
	taps := newPoolTaps(hw, ww)
	maps := d[0].Len() * d[1].Len()
	bigM, err := p.bigM(x, &taps, maps)
	if err != nil {
		return PoolOutput{}, err
	}
	c := p.c
	outSets, err := outputSets(c, d[:2], hw.out, ww.out)
	if err != nil {
		return PoolOutput{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
	}
	tapSets, err := outputSets(c, d[:2], len(taps.in))
	if err != nil {
		return PoolOutput{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
	}
	y := c.NewVariable(c.UniqueName(layer+"_out"), nnopt.Free, outSets...)
	choice := c.NewVariable(c.UniqueName(layer+"_choice"), nnopt.Binary, tapSets...)
	mp := c.NewParameter(c.UniqueName(layer+"_bigM"), tapSets...)
	if err := mp.SetValues(bigM); err != nil {
		return PoolOutput{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
	}
	yt := nnopt.Apply(&tapKernel{name: layer + "_out_taps", maps: maps, size: taps.outSize, at: taps.out}, tapSets, y)
	xt := nnopt.Apply(&tapKernel{name: layer + "_in_taps", maps: maps, size: taps.inSize, at: taps.in}, tapSets, x)
	slack := nnopt.Mul(mp, nnopt.Sub(nnopt.Const(1), choice))
	picked := nnopt.Eq(nnopt.Apply(&tapKernel{name: layer + "_choices", maps: maps, size: taps.outSize, at: taps.out, sum: true}, outSets, choice), nnopt.Const(1))
	var every, chosen *nnopt.Relation
	if p.min {
		every, chosen = nnopt.Le(yt, xt), nnopt.Ge(yt, nnopt.Sub(xt, slack))
	} else {
		every, chosen = nnopt.Ge(yt, xt), nnopt.Le(yt, nnopt.Add(xt, slack))
	}
	var eqs []*nnopt.Equation
	for _, def := range []struct {
		name string
		sets []*nnopt.Set
		rel  *nnopt.Relation
	}{{"_every", tapSets, every}, {"_chosen", tapSets, chosen}, {"_one", outSets, picked}} {
		e := c.NewEquation(c.UniqueName(layer+def.name), def.sets...)
		if err := e.Define(def.rel); err != nil {
			return PoolOutput{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
		}
		eqs = append(eqs, e)
	}
	propagate(y, x, taps.bounds(maps, p.min))
	return PoolOutput{Output: Output{Var: y, Equations: eqs}, Choice: choice, BigM: mp, Taps: taps.list}, nil
}

// bigM returns M_t for every (map, tap): the given BigM, or the spread from the
// input's bounds, which must then be finite wherever a window reads.
func (p *extremePool) bigM(x Symbol, t *poolTaps, maps int) ([]float64, error) {
	m := make([]float64, maps*len(t.in))
	if p.BigM > 0 {
		for i := range m {
			m[i] = p.BigM
		}
		return m, nil
	}
	const fix = "set them (Variable.SetBounds), let the layers before propagate them (weights from LoadWeights and a bounded input), or give Pool2dSettings.BigM"
	lo, up, ok := symbolBounds(x)
	if !ok {
		return nil, fmt.Errorf("formulations: %s of %q: the big-M formulation needs finite bounds on the input, and %q has none (or invalid ones); %s", p.name(), x.Name(), x.Name(), fix)
	}
	for mi := 0; mi < maps; mi++ {
		for _, i := range t.in {
			if e := mi*t.inSize + int(i); math.IsInf(lo[e], 0) || math.IsInf(up[e], 0) {
				return nil, fmt.Errorf("formulations: %s of %q: the big-M formulation needs finite bounds on the input, and element %d of %q lies in [%g, %g]; %s", p.name(), x.Name(), e, x.Name(), lo[e], up[e], fix)
			}
		}
	}
	// The window's extreme bounds: y lies in [max lo, max up] (max pooling), and the
	// chosen-tap row must be slack for every other tap: M_t = max up - lo_t.
	wlo, wup := t.bounds(maps, p.min)(lo, up)
	for mi := 0; mi < maps; mi++ {
		for k := range t.in {
			o, i := mi*t.outSize+int(t.out[k]), mi*t.inSize+int(t.in[k])
			if p.min {
				m[mi*len(t.in)+k] = up[i] - wlo[o]
			} else {
				m[mi*len(t.in)+k] = wup[o] - lo[i]
			}
		}
	}
	return m, nil
}

// poolTaps lists one (batch, channel) map's window taps inside the input: tap k joins
// output pixel out[k] to input pixel in[k], row-major positions within their maps of
// outSize and inSize elements.
type poolTaps struct {
	out, in         []int32
	outSize, inSize int
	list            []PoolTap
}

func newPoolTaps(h, w window) poolTaps {
	t := poolTaps{outSize: h.out * w.out, inSize: h.in * w.in}
	for i := 0; i < h.out; i++ {
		for j := 0; j < w.out; j++ {
			for a := 0; a < h.k; a++ {
				r, rok := h.src(i, a)
				for b := 0; b < w.k; b++ {
					if s, sok := w.src(j, b); rok && sok {
						t.out = append(t.out, int32(i*w.out+j))
						t.in = append(t.in, int32(r*w.in+s))
						t.list = append(t.list, PoolTap{Out: [2]int{i, j}, In: [2]int{r, s}})
					}
				}
			}
		}
	}
	return t
}

// tapKernel is a pooling's window structure as a linear map over maps (batch ×
// channel) of size elements. Gathering (sum false), output (map, k) is the argument's
// element at[k] of that map: a tap's input pixel, or its window's output pixel.
// Summing (sum true) is the transpose: each map's tap values added onto the pixels
// at[k] they belong to.
type tapKernel struct {
	name       string
	maps, size int
	at         []int32
	sum        bool
	dev        onDevice[tapDevice]
}

func (k *tapKernel) Name() string { return k.name }

func (k *tapKernel) Lens() (int, []int) {
	taps, pixels := k.maps*len(k.at), k.maps*k.size
	if k.sum {
		return pixels, []int{taps}
	}
	return taps, []int{pixels}
}

// each calls fn with every (map, tap) position and the pixel position it names.
func (k *tapKernel) each(fn func(tap, pixel int)) {
	for m := 0; m < k.maps; m++ {
		for t, p := range k.at {
			fn(m*len(k.at)+t, m*k.size+int(p))
		}
	}
}

func (k *tapKernel) Apply(out []float64, args [][]float64) {
	x := args[0]
	if k.sum {
		clear(out)
		k.each(func(t, p int) { out[p] += x[t] })
		return
	}
	k.each(func(t, p int) { out[t] = x[p] })
}

func (k *tapKernel) Transpose(_ int, dst, w []float64, _ [][]float64) {
	if k.sum {
		k.each(func(t, p int) { dst[t] += w[p] })
		return
	}
	k.each(func(t, p int) { dst[p] += w[t] })
}

func (k *tapKernel) Each(_ int, fn func(out, elem int)) {
	if k.sum {
		k.each(func(t, p int) { fn(p, t) })
		return
	}
	k.each(fn)
}

func (k *tapKernel) EachPair(int, int, func(int, int)) {}

// Every tap is one (output, element) pair, whichever way the map runs.
func (k *tapKernel) JacobianCount(int) int { return k.maps * len(k.at) }
func (k *tapKernel) TouchedCount(int) int {
	if k.sum {
		return k.maps * len(k.at)
	}
	seen := make(map[int32]bool, len(k.at))
	for _, p := range k.at {
		seen[p] = true
	}
	return k.maps * len(seen)
}
func (k *tapKernel) PairCount(int, int) int { return 0 }
