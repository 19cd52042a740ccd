package formulations

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/nnopt/nnopt"
)

// The kernels in model files (nnopt.FileKernel): each kind's parameters as JSON, and
// its reader, which checks them as data from a file before building the kernel.

func init() {
	nnopt.RegisterKernel("conv2d", readConv2d)
	nnopt.RegisterKernel("avg_pool2d", readAvgPool2d)
	nnopt.RegisterKernel("flatten", readFlatten)
	nnopt.RegisterKernel("taps", readTaps)
}

// maxKernelCount bounds every count of a kernel read from a file, and the products
// of its counts are checked against maxKernelElems, so that a damaged file cannot
// make a kernel whose sizes overflow or whose caches exhaust memory.
const (
	maxKernelCount = 1 << 30
	maxKernelElems = 1 << 40
)

// fileWindow is a window (window.go) in a file.
type fileWindow struct {
	In, Out, K, Stride, PadLo int
}

func (w window) file() fileWindow { return fileWindow{w.in, w.out, w.k, w.stride, w.padLo} }

// window rebuilds the window through newWindow, with the padding after that gives
// its output size.
func (f fileWindow) window(axis string) (window, error) {
	for _, v := range []int{f.In, f.Out, f.K, f.Stride, f.PadLo + 1} {
		if v <= 0 || v > maxKernelCount {
			return window{}, fmt.Errorf("%s window %+v: counts must be positive (padding non-negative) and at most %d", axis, f, maxKernelCount)
		}
	}
	hi := max(0, (f.Out-1)*f.Stride+f.K-f.In-f.PadLo)
	w, err := newWindow(axis, f.In, f.K, f.Stride, f.PadLo, hi)
	if err != nil {
		return window{}, err
	}
	if w.out != f.Out {
		return window{}, fmt.Errorf("%s window %+v: the input, kernel, stride and padding give %d outputs", axis, f, w.out)
	}
	return w, nil
}

// readParams reads a kernel's parameters, refusing fields it does not have.
func readParams(params json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(params))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("parameters: %w", err)
	}
	return nil
}

// checkCounts checks that each count is in [1, maxKernelCount] and that the
// product of all of them is at most maxKernelElems.
func checkCounts(what string, counts ...int) error {
	p := 1
	for _, c := range counts {
		if c <= 0 || c > maxKernelCount {
			return fmt.Errorf("%s: count %d; want 1 to %d", what, c, maxKernelCount)
		}
		if p > maxKernelElems/c {
			return fmt.Errorf("%s: counts %v make more than %d elements", what, counts, maxKernelElems)
		}
		p *= c
	}
	return nil
}

type conv2dFile struct {
	N, C, O int
	H, W    fileWindow
}

// KernelFile is the kernel's kind and parameters in a model file.
func (k *conv2dKernel) KernelFile() (string, json.RawMessage, error) {
	b, err := json.Marshal(conv2dFile{k.n, k.c, k.o, k.h.file(), k.w.file()})
	return "conv2d", b, err
}

func readConv2d(params json.RawMessage) (nnopt.Kernel, error) {
	var f conv2dFile
	if err := readParams(params, &f); err != nil {
		return nil, err
	}
	h, err := f.H.window("height")
	if err != nil {
		return nil, err
	}
	w, err := f.W.window("width")
	if err != nil {
		return nil, err
	}
	// The output, the input, the weights and the im2col columns of one example.
	for _, c := range [][]int{{f.N, f.O, h.out, w.out}, {f.N, f.C, h.in, w.in}, {f.O, f.C, h.k, w.k}, {f.C, h.k, w.k, h.out, w.out}} {
		if err := checkCounts("conv2d", c...); err != nil {
			return nil, err
		}
	}
	return &conv2dKernel{n: f.N, c: f.C, o: f.O, h: h, w: w}, nil
}

type avgPool2dFile struct {
	N, C int
	H, W fileWindow
}

// KernelFile is the kernel's kind and parameters in a model file.
func (k *avgPool2dKernel) KernelFile() (string, json.RawMessage, error) {
	b, err := json.Marshal(avgPool2dFile{k.n, k.c, k.h.file(), k.w.file()})
	return "avg_pool2d", b, err
}

func readAvgPool2d(params json.RawMessage) (nnopt.Kernel, error) {
	var f avgPool2dFile
	if err := readParams(params, &f); err != nil {
		return nil, err
	}
	h, err := f.H.window("height")
	if err != nil {
		return nil, err
	}
	w, err := f.W.window("width")
	if err != nil {
		return nil, err
	}
	for _, c := range [][]int{{f.N, f.C, h.in, w.in}, {h.out, w.out, h.k, w.k}} {
		if err := checkCounts("avg_pool2d", c...); err != nil {
			return nil, err
		}
	}
	return &avgPool2dKernel{n: f.N, c: f.C, h: h, w: w}, nil
}

type flattenFile struct{ Size int }

// KernelFile is the kernel's kind and parameters in a model file.
func (k copyKernel) KernelFile() (string, json.RawMessage, error) {
	b, err := json.Marshal(flattenFile{k.size})
	return "flatten", b, err
}

func readFlatten(params json.RawMessage) (nnopt.Kernel, error) {
	var f flattenFile
	if err := readParams(params, &f); err != nil {
		return nil, err
	}
	if err := checkCounts("flatten", f.Size); err != nil {
		return nil, err
	}
	return copyKernel{f.Size}, nil
}

type tapsFile struct {
	Name       string
	Maps, Size int
	At         []int32
	Sum        bool
}

// KernelFile is the kernel's kind and parameters in a model file.
func (k *tapKernel) KernelFile() (string, json.RawMessage, error) {
	b, err := json.Marshal(tapsFile{k.name, k.maps, k.size, k.at, k.sum})
	return "taps", b, err
}

func readTaps(params json.RawMessage) (nnopt.Kernel, error) {
	var f tapsFile
	if err := readParams(params, &f); err != nil {
		return nil, err
	}
	if err := checkCounts("taps", f.Maps, f.Size); err != nil {
		return nil, err
	}
	if err := checkCounts("taps", f.Maps, max(1, len(f.At))); err != nil {
		return nil, err
	}
	for t, p := range f.At {
		if p < 0 || int(p) >= f.Size {
			return nil, fmt.Errorf("taps %q: tap %d reads pixel %d of a map of %d", f.Name, t, p, f.Size)
		}
	}
	if f.Name == "" {
		return nil, fmt.Errorf("taps: no name")
	}
	return &tapKernel{name: f.Name, maps: f.Maps, size: f.Size, at: f.At, sum: f.Sum}, nil
}

var (
	_ nnopt.FileKernel = (*conv2dKernel)(nil)
	_ nnopt.FileKernel = (*avgPool2dKernel)(nil)
	_ nnopt.FileKernel = copyKernel{}
	_ nnopt.FileKernel = (*tapKernel)(nil)
)
