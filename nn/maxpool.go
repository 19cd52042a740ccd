package nn

import (
	"fmt"
	"math"
)

// MaxPool2d is PyTorch's nn.MaxPool2d (square kernel, dilation 1, floor mode) on
// Channels maps of Height×Width per sample; Stride 0 means Kernel. Padding counts
// as -∞, as in PyTorch: a window's maximum is over its taps inside the map.
type MaxPool2d struct {
	Kernel, Stride, Padding int
	Channels, Height, Width int
}

func (p *MaxPool2d) stride() int {
	if p.Stride == 0 {
		return p.Kernel
	}
	return p.Stride
}

// outHW returns the output map size, checking the layer.
func (p *MaxPool2d) outHW() (int, int, error) {
	s := p.stride()
	switch {
	case p.Channels <= 0 || p.Height <= 0 || p.Width <= 0:
		return 0, 0, fmt.Errorf("MaxPool2d: Channels=%d, Height=%d and Width=%d must be positive", p.Channels, p.Height, p.Width)
	case p.Kernel <= 0 || s <= 0 || p.Padding < 0:
		return 0, 0, fmt.Errorf("MaxPool2d: Kernel=%d and Stride=%d must be positive and Padding=%d non-negative", p.Kernel, p.Stride, p.Padding)
	case 2*p.Padding > p.Kernel:
		return 0, 0, fmt.Errorf("MaxPool2d: Padding=%d should be at most half the Kernel=%d (as in PyTorch)", p.Padding, p.Kernel)
	case p.Height+2*p.Padding < p.Kernel || p.Width+2*p.Padding < p.Kernel:
		return 0, 0, fmt.Errorf("MaxPool2d: Kernel=%d is larger than the padded %d×%d map", p.Kernel, p.Height+2*p.Padding, p.Width+2*p.Padding)
	}
	return (p.Height+2*p.Padding-p.Kernel)/s + 1, (p.Width+2*p.Padding-p.Kernel)/s + 1, nil
}

// OutSize returns Channels·H'·W' if in equals Channels·Height·Width.
func (p *MaxPool2d) OutSize(in int) (int, error) {
	h, w, err := p.outHW()
	if err != nil {
		return 0, err
	}
	if in != p.Channels*p.Height*p.Width {
		return 0, fmt.Errorf("MaxPool2d: input has %d values per sample, want Channels*Height*Width=%d*%d*%d", in, p.Channels, p.Height, p.Width)
	}
	return p.Channels * h * w, nil
}

// Forward takes each window's maximum; a NaN in a window gives NaN, as in PyTorch.
func (p *MaxPool2d) Forward(dst, x []float64, batch int) error {
	if _, _, err := checkBatch(p, dst, x, batch); err != nil {
		return err
	}
	oh, ow, _ := p.outHW()
	s, H, W := p.stride(), p.Height, p.Width
	k := 0
	for m := 0; m < batch*p.Channels; m++ {
		src := x[m*H*W : (m+1)*H*W]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				v := math.Inf(-1)
				for a := 0; a < p.Kernel; a++ {
					r := i*s + a - p.Padding
					if r < 0 || r >= H {
						continue
					}
					for b := 0; b < p.Kernel; b++ {
						c := j*s + b - p.Padding
						if c >= 0 && c < W && (src[r*W+c] > v || math.IsNaN(src[r*W+c])) && !math.IsNaN(v) {
							v = src[r*W+c]
						}
					}
				}
				dst[k] = v
				k++
			}
		}
	}
	return nil
}
