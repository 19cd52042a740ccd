package nn

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt/formulations"
)

// convChunk bounds the samples one convolution call unrolls at a time (im2col needs
// output pixels × patch values per sample).
const convChunk = 64

// Conv2d is PyTorch's nn.Conv2d with a square kernel and zero padding. A Sequential
// passes flat samples, so the layer also records the input map size, Height×Width
// (PyTorch's state dict has no such entry; loading weights ignores it). Weight is
// Out×In×Kernel×Kernel row-major, as PyTorch stores it; Bias has Out entries or is
// nil.
type Conv2d struct {
	In, Out, Kernel int
	Stride, Padding int // Stride 0 means 1
	Height, Width   int
	Weight, Bias    []float64
}

func (l *Conv2d) stride() int { return max(l.Stride, 1) }

func (l *Conv2d) kernel(batch int) (kernelOut, error) {
	k, hw, err := formulations.Conv2dKernel(batch, l.In, l.Out, l.Height, l.Width, l.Kernel, l.stride(), formulations.Pad(l.Padding))
	return kernelOut{k, hw}, err
}

// OutSize returns Out·H'·W' if in equals In·Height·Width and the layer is well formed.
func (l *Conv2d) OutSize(in int) (int, error) {
	if l.In <= 0 || l.Out <= 0 || l.Kernel <= 0 || l.Height <= 0 || l.Width <= 0 {
		return 0, fmt.Errorf("Conv2d: In=%d, Out=%d, Kernel=%d, Height=%d and Width=%d must be positive", l.In, l.Out, l.Kernel, l.Height, l.Width)
	}
	if want := l.In * l.Kernel * l.Kernel * l.Out; len(l.Weight) != want {
		return 0, fmt.Errorf("Conv2d: len(Weight)=%d, want Out*In*Kernel*Kernel=%d", len(l.Weight), want)
	}
	if l.Bias != nil && len(l.Bias) != l.Out {
		return 0, fmt.Errorf("Conv2d: len(Bias)=%d, want Out=%d", len(l.Bias), l.Out)
	}
	if in != l.In*l.Height*l.Width {
		return 0, fmt.Errorf("Conv2d: input has %d values per sample, want In*Height*Width=%d*%d*%d", in, l.In, l.Height, l.Width)
	}
	k, err := l.kernel(1)
	if err != nil {
		return 0, fmt.Errorf("Conv2d: %w", err)
	}
	return l.Out * k.hw[0] * k.hw[1], nil
}

// Forward convolves the batch, convChunk samples at a time.
func (l *Conv2d) Forward(dst, x []float64, batch int) error {
	in, out, err := checkBatch(l, dst, x, batch)
	if err != nil {
		return err
	}
	maps := out / l.Out
	return chunked(batch, in, out, dst, x, l.kernel, func(d, s []float64, k kernelOut) {
		k.k.Apply(d, [][]float64{s, l.Weight})
		if l.Bias != nil {
			for i := 0; i < len(d); i += maps {
				b := l.Bias[(i/maps)%l.Out]
				for j := i; j < i+maps; j++ {
					d[j] += b
				}
			}
		}
	})
}

func (l *Conv2d) params() []param {
	p := []param{{name: "weight", shape: []int{l.Out, l.In, l.Kernel, l.Kernel}, data: &l.Weight}}
	if l.Bias != nil {
		p = append(p, param{name: "bias", shape: []int{l.Out}, data: &l.Bias})
	}
	return p
}

// AvgPool2d is PyTorch's nn.AvgPool2d (padded zeros counted in the mean) on
// Channels maps of Height×Width per sample; Stride 0 means Kernel.
type AvgPool2d struct {
	Kernel, Stride, Padding int
	Channels, Height, Width int
}

func (p *AvgPool2d) kernel(batch int) (kernelOut, error) {
	stride := p.Stride
	if stride == 0 {
		stride = p.Kernel
	}
	k, hw, err := formulations.AvgPool2dKernel(batch, p.Channels, p.Height, p.Width, p.Kernel, stride, p.Padding)
	return kernelOut{k, hw}, err
}

// OutSize returns Channels·H'·W' if in equals Channels·Height·Width.
func (p *AvgPool2d) OutSize(in int) (int, error) {
	if p.Channels <= 0 || p.Height <= 0 || p.Width <= 0 {
		return 0, fmt.Errorf("AvgPool2d: Channels=%d, Height=%d and Width=%d must be positive", p.Channels, p.Height, p.Width)
	}
	if in != p.Channels*p.Height*p.Width {
		return 0, fmt.Errorf("AvgPool2d: input has %d values per sample, want Channels*Height*Width=%d*%d*%d", in, p.Channels, p.Height, p.Width)
	}
	k, err := p.kernel(1)
	if err != nil {
		return 0, fmt.Errorf("AvgPool2d: %w", err)
	}
	return p.Channels * k.hw[0] * k.hw[1], nil
}

// Forward pools the batch.
func (p *AvgPool2d) Forward(dst, x []float64, batch int) error {
	in, out, err := checkBatch(p, dst, x, batch)
	if err != nil {
		return err
	}
	return chunked(batch, in, out, dst, x, p.kernel, func(d, s []float64, k kernelOut) {
		k.k.Apply(d, [][]float64{s})
	})
}

type kernelOut struct {
	k interface {
		Apply(out []float64, args [][]float64)
	}
	hw [2]int
}

// chunked applies fn to the batch convChunk samples at a time, with a kernel made
// for each chunk size.
func chunked(batch, in, out int, dst, x []float64, kernel func(int) (kernelOut, error), fn func(d, s []float64, k kernelOut)) error {
	if out > 0 && batch > math.MaxInt/out {
		return fmt.Errorf("output of %d*%d values is too large", batch, out)
	}
	var k kernelOut
	size := 0
	for start := 0; start < batch; start += convChunk {
		n := min(convChunk, batch-start)
		if n != size {
			var err error
			if k, err = kernel(n); err != nil {
				return err
			}
			size = n
		}
		fn(dst[start*out:(start+n)*out], x[start*in:(start+n)*in], k)
	}
	return nil
}
