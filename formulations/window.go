package formulations

import (
	"fmt"
	"strconv"
)

// window is one spatial axis of a sliding window (convolution or pooling): output
// position o with kernel offset k reads input position o·stride + k - padLo, when
// that lies inside [0, in).
type window struct {
	in, out, k, stride, padLo int
}

func newWindow(axis string, in, k, stride, padLo, padHi int) (window, error) {
	if k <= 0 || stride <= 0 || padLo < 0 || padHi < 0 {
		return window{}, fmt.Errorf("%s: kernel %d, stride %d and padding %d+%d must be positive (padding non-negative)", axis, k, stride, padLo, padHi)
	}
	span := in + padLo + padHi - k
	if span < 0 {
		return window{}, fmt.Errorf("%s: kernel %d is larger than the padded input %d", axis, k, in+padLo+padHi)
	}
	return window{in: in, out: span/stride + 1, k: k, stride: stride, padLo: padLo}, nil
}

// src is the input position of output o and offset k, and whether it is inside.
func (w window) src(o, k int) (int, bool) {
	i := o*w.stride + k - w.padLo
	return i, i >= 0 && i < w.in
}

// valid is the number of output positions whose offset k falls inside the input.
func (w window) valid(k int) int {
	n := 0
	for o := 0; o < w.out; o++ {
		if _, ok := w.src(o, k); ok {
			n++
		}
	}
	return n
}

// taps is the number of (output, offset) pairs inside the input.
func (w window) taps() int {
	n := 0
	for k := 0; k < w.k; k++ {
		n += w.valid(k)
	}
	return n
}

// usedOffsets is the number of offsets inside the input for some output.
func (w window) usedOffsets() int {
	n := 0
	for k := 0; k < w.k; k++ {
		if w.valid(k) > 0 {
			n++
		}
	}
	return n
}

// covered is the number of input positions some (output, offset) reads.
func (w window) covered() int {
	seen := make([]bool, w.in)
	n := 0
	for o := 0; o < w.out; o++ {
		for k := 0; k < w.k; k++ {
			if i, ok := w.src(o, k); ok && !seen[i] {
				seen[i] = true
				n++
			}
		}
	}
	return n
}

// Padding is a convolution's or pooling's zero padding: Pad(n) pads n on every side,
// Same keeps the spatial size (stride 1), Valid pads nothing.
type Padding struct {
	mode string // "", "same" or "valid"
	n    int
}

// Pad pads n zeros on each side of both spatial axes.
func Pad(n int) Padding { return Padding{n: n} }

var (
	// Same pads so that the output has the input's spatial size (stride 1 only); an
	// odd total goes to the end, as in PyTorch.
	Same = Padding{mode: "same"}
	// Valid pads nothing.
	Valid = Padding{mode: "valid"}
)

func (p Padding) String() string {
	if p.mode != "" {
		return p.mode
	}
	return strconv.Itoa(p.n)
}

// amounts returns the padding before and after an axis with kernel k and stride s.
func (p Padding) amounts(k, stride int) (lo, hi int, err error) {
	switch p.mode {
	case "valid":
		return 0, 0, nil
	case "same":
		if stride != 1 {
			return 0, 0, fmt.Errorf("padding \"same\" needs stride 1, not %d", stride)
		}
		return (k - 1) / 2, k - 1 - (k-1)/2, nil
	}
	if p.n < 0 {
		return 0, 0, fmt.Errorf("padding %d is negative", p.n)
	}
	return p.n, p.n, nil
}
