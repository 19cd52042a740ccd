package formulations

import (
	"fmt"
	"math/rand/v2"

	"github.com/nnopt/nnopt"
)

// Conv2dSettings are a convolution's options; the zero value is stride 1, no padding,
// with bias.
type Conv2dSettings struct {
	Stride  int
	Padding Padding
	NoBias  bool
}

// Conv2d is a 2-d convolution layer, PyTorch's nn.Conv2d: input (N, C, H, W), weight
// (O, C, K, K), bias (O), output (N, O, H', W').
type Conv2d struct {
	weights
	In, Out, Kernel int
	Settings        Conv2dSettings
}

// NewConv2d makes a convolution with in input and out output channels and a square
// kernel; give it weights with MakeVariable or LoadWeights before applying it.
func NewConv2d(c *nnopt.Container, in, out, kernel int, s Conv2dSettings) (*Conv2d, error) {
	if in <= 0 || out <= 0 || kernel <= 0 {
		return nil, fmt.Errorf("formulations: Conv2d(%d, %d, %d): channels and kernel size must be positive", in, out, kernel)
	}
	if s.Stride < 0 {
		return nil, fmt.Errorf("formulations: Conv2d stride %d is negative", s.Stride)
	}
	if s.Stride == 0 {
		s.Stride = 1
	}
	if _, _, err := s.Padding.amounts(kernel, s.Stride); err != nil {
		return nil, fmt.Errorf("formulations: Conv2d: %w", err)
	}
	l := &Conv2d{In: in, Out: out, Kernel: kernel, Settings: s}
	l.weights = weights{layer: "conv2d", c: c, wShape: []int{out, in, kernel, kernel}, bias: !s.NoBias, fanIn: in * kernel * kernel}
	return l, nil
}

// MakeVariable declares the weights as variables (training), initialised like
// PyTorch's default when rng is not nil.
func (l *Conv2d) MakeVariable(rng *rand.Rand) error { return l.makeVariable(rng) }

// LoadWeights declares the weights as parameters (a trained layer), in PyTorch's
// layout: weight (O, C, K, K) row-major, bias (O) or nil without bias.
func (l *Conv2d) LoadWeights(weight, bias []float64) error { return l.loadWeights(weight, bias) }

// Apply adds out = conv(x, weight) + bias for an input x over (N, C, H, W). With
// weights from LoadWeights, out gets bounds propagated from x's (see the package
// documentation).
func (l *Conv2d) Apply(x Symbol) (Output, error) {
	if l.weight == nil {
		return Output{}, fmt.Errorf("formulations: conv2d %s", errNoWeights)
	}
	d := x.Domain()
	if len(d) != 4 || d[1].Len() != l.In {
		return Output{}, fmt.Errorf("formulations: conv2d(%d→%d) of %q%s: want an input over (batch, %d channels, height, width)", l.In, l.Out, x.Name(), setNames(d), l.In)
	}
	k, hw, err := Conv2dKernel(d[0].Len(), l.In, l.Out, d[2].Len(), d[3].Len(), l.Kernel, l.Settings.Stride, l.Settings.Padding)
	if err != nil {
		return Output{}, fmt.Errorf("formulations: conv2d of %q: %w", x.Name(), err)
	}
	o, err := emitOutput(l.c, l.layer, x, []*nnopt.Set{d[0]}, []int{l.Out, hw[0], hw[1]}, func(out []*nnopt.Set) nnopt.Operand {
		rhs := nnopt.Apply(k, out, x, l.weight)
		if l.bvec != nil {
			rhs = nnopt.Add(rhs, l.bvec.At(out[1]))
		}
		return rhs
	})
	if err == nil {
		propagate(o.Var, x, l.bounds(k, hw[0]*hw[1]))
	}
	return o, err
}

// emitOutput declares a layer's output variable over x's lead sets and new dimensions
// of the given sizes, and the equation defining it as rhs.
func emitOutput(c *nnopt.Container, layer string, x Symbol, lead []*nnopt.Set, sizes []int, rhs func(out []*nnopt.Set) nnopt.Operand) (Output, error) {
	out, err := outputSets(c, lead, sizes...)
	if err != nil {
		return Output{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
	}
	y := c.NewVariable(c.UniqueName(layer+"_out"), nnopt.Free, out...)
	e, err := define(c, y, rhs(out))
	if err != nil {
		return Output{}, fmt.Errorf("formulations: %s of %q: %w", layer, x.Name(), err)
	}
	return Output{Var: y, Equations: []*nnopt.Equation{e}}, nil
}

// AvgPool2d is PyTorch's nn.AvgPool2d: the mean over each kernel×kernel window, the
// stride defaulting to the kernel size and padded zeros counted in the mean.
type AvgPool2d struct {
	c                       *nnopt.Container
	Kernel, Stride, Padding int
}

// NewAvgPool2d makes an average pooling; stride 0 means the kernel size.
func NewAvgPool2d(c *nnopt.Container, kernel, stride, padding int) (*AvgPool2d, error) {
	if stride == 0 {
		stride = kernel
	}
	if kernel <= 0 || stride <= 0 || padding < 0 {
		return nil, fmt.Errorf("formulations: AvgPool2d(%d, stride %d, padding %d): want a positive kernel and stride and a non-negative padding", kernel, stride, padding)
	}
	if 2*padding > kernel {
		return nil, fmt.Errorf("formulations: AvgPool2d: padding %d should be at most half the kernel %d (as in PyTorch)", padding, kernel)
	}
	return &AvgPool2d{c: c, Kernel: kernel, Stride: stride, Padding: padding}, nil
}

// Apply adds the pooled output of x over (N, C, H, W), bounded by the means of x's
// bounds (padded zeros counted as 0).
func (p *AvgPool2d) Apply(x Symbol) (Output, error) {
	d := x.Domain()
	if len(d) != 4 {
		return Output{}, fmt.Errorf("formulations: avg_pool2d of %q%s: want an input over (batch, channels, height, width)", x.Name(), setNames(d))
	}
	k, hw, err := AvgPool2dKernel(d[0].Len(), d[1].Len(), d[2].Len(), d[3].Len(), p.Kernel, p.Stride, p.Padding)
	if err != nil {
		return Output{}, fmt.Errorf("formulations: avg_pool2d of %q: %w", x.Name(), err)
	}
	o, err := emitOutput(p.c, "avg_pool2d", x, d[:2], []int{hw[0], hw[1]}, func(out []*nnopt.Set) nnopt.Operand {
		return nnopt.Apply(k, out, x)
	})
	if err == nil {
		propagate(o.Var, x, kernelBounds(k))
	}
	return o, err
}

// FlattenDims merges the consecutive dimensions dims of x into one, like
// torch.flatten(x, dims[0], dims[len(dims)-1]). The layout does not change, so the
// defining equation is a plain copy, and x's bounds carry over.
func FlattenDims(c *nnopt.Container, x Symbol, dims []int) (Output, error) {
	d := x.Domain()
	if len(dims) < 2 {
		return Output{}, fmt.Errorf("formulations: flatten_dims of %q: want at least two dimensions to merge, got %v", x.Name(), dims)
	}
	for i, v := range dims {
		if v < 0 || v >= len(d) || (i > 0 && v != dims[i-1]+1) {
			return Output{}, fmt.Errorf("formulations: flatten_dims of %q%s: dimensions %v must be consecutive and below %d", x.Name(), setNames(d), dims, len(d))
		}
	}
	first, last := dims[0], dims[len(dims)-1]
	merged := 1
	for _, s := range d[first : last+1] {
		merged *= s.Len()
	}
	var sizes []int
	sizes = append(sizes, merged)
	for _, s := range d[last+1:] {
		sizes = append(sizes, s.Len())
	}
	total := merged
	for _, s := range d {
		total *= s.Len()
	}
	for _, s := range d[first : last+1] {
		total /= s.Len()
	}
	o, err := emitOutput(c, "flatten", x, d[:first], sizes, func(out []*nnopt.Set) nnopt.Operand {
		return nnopt.Apply(copyKernel{total}, out, x)
	})
	if err == nil {
		propagate(o.Var, x, kernelBounds(copyKernel{total}))
	}
	return o, err
}

// Linear is PyTorch's nn.Linear: y = x·weightᵀ + bias over the last dimension of x,
// weight (out, in).
type Linear struct {
	weights
	In, Out int
}

// NewLinear makes a dense layer from in to out features.
func NewLinear(c *nnopt.Container, in, out int, bias bool) (*Linear, error) {
	if in <= 0 || out <= 0 {
		return nil, fmt.Errorf("formulations: Linear(%d, %d): sizes must be positive", in, out)
	}
	l := &Linear{In: in, Out: out}
	l.weights = weights{layer: "linear", c: c, wShape: []int{out, in}, bias: bias, fanIn: in}
	return l, nil
}

// MakeVariable declares the weights as variables, initialised like PyTorch's default
// when rng is not nil.
func (l *Linear) MakeVariable(rng *rand.Rand) error { return l.makeVariable(rng) }

// LoadWeights declares the weights as parameters: weight (out, in) row-major, bias
// (out) or nil without bias.
func (l *Linear) LoadWeights(weight, bias []float64) error { return l.loadWeights(weight, bias) }

// Apply adds y = x·weightᵀ + bias for x over (..., in). With weights from
// LoadWeights, y gets the bounds propagated from x's (see the package
// documentation): each output's range over the box of inputs.
func (l *Linear) Apply(x Symbol) (Output, error) {
	if l.weight == nil {
		return Output{}, fmt.Errorf("formulations: linear %s", errNoWeights)
	}
	d := x.Domain()
	if len(d) == 0 || d[len(d)-1].Len() != l.In {
		return Output{}, fmt.Errorf("formulations: linear(%d→%d) of %q%s: the last dimension must have %d elements", l.In, l.Out, x.Name(), setNames(d), l.In)
	}
	lead := d[:len(d)-1]
	res, err := emitOutput(l.c, "linear", x, lead, []int{l.Out}, func(out []*nnopt.Set) nnopt.Operand {
		in := d[len(d)-1]
		o := out[len(out)-1]
		xi := append([]*nnopt.Set(nil), d...)
		if o == in { // Out == In: the summed axis needs a name of its own
			in = l.c.NewAlias(l.c.UniqueName(in.Name()+"_in"), in)
			xi[len(xi)-1] = in
		}
		wr := l.weight.At(o, in)
		rhs := nnopt.Sum(nnopt.Mul(x.At(xi...), wr), in)
		if l.bvec != nil {
			rhs = nnopt.Add(rhs, l.bvec.At(o))
		}
		return rhs
	})
	if err == nil {
		propagate(res.Var, x, l.bounds(domainLen(lead)))
	}
	return res, err
}

func setNames(d []*nnopt.Set) string {
	s := "("
	for i, x := range d {
		if i > 0 {
			s += ","
		}
		s += x.Name()
	}
	return s + ")"
}

// Conv2dKernel is the convolution kernel alone, for batch inputs of in channels of
// height×width, out channels, a square kernel, stride and padding: arguments (x, w)
// laid out as PyTorch lays them out, output (batch, out, h', w'). nn uses it for
// inference; a model gets it through Conv2d.Apply.
func Conv2dKernel(batch, in, out, height, width, kernel, stride int, pad Padding) (nnopt.Kernel, [2]int, error) {
	if batch <= 0 || in <= 0 || out <= 0 {
		return nil, [2]int{}, fmt.Errorf("formulations: conv2d kernel: batch %d, channels %d and %d must be positive", batch, in, out)
	}
	lo, hi, err := pad.amounts(kernel, stride)
	if err != nil {
		return nil, [2]int{}, fmt.Errorf("formulations: conv2d kernel: %w", err)
	}
	h, err := newWindow("height", height, kernel, stride, lo, hi)
	if err != nil {
		return nil, [2]int{}, fmt.Errorf("formulations: conv2d kernel: %w", err)
	}
	w, err := newWindow("width", width, kernel, stride, lo, hi)
	if err != nil {
		return nil, [2]int{}, fmt.Errorf("formulations: conv2d kernel: %w", err)
	}
	return &conv2dKernel{n: batch, c: in, o: out, h: h, w: w}, [2]int{h.out, w.out}, nil
}

// AvgPool2dKernel is the average-pooling kernel alone for batch×channels maps of
// height×width: one argument, output (batch, channels, h', w').
func AvgPool2dKernel(batch, channels, height, width, kernel, stride, padding int) (nnopt.Kernel, [2]int, error) {
	if batch <= 0 || channels <= 0 {
		return nil, [2]int{}, fmt.Errorf("formulations: avg_pool2d kernel: batch %d and channels %d must be positive", batch, channels)
	}
	h, err := newWindow("height", height, kernel, stride, padding, padding)
	if err != nil {
		return nil, [2]int{}, fmt.Errorf("formulations: avg_pool2d kernel: %w", err)
	}
	w, err := newWindow("width", width, kernel, stride, padding, padding)
	if err != nil {
		return nil, [2]int{}, fmt.Errorf("formulations: avg_pool2d kernel: %w", err)
	}
	return &avgPool2dKernel{n: batch, c: channels, h: h, w: w}, [2]int{h.out, w.out}, nil
}
