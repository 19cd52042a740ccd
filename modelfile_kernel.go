package nnopt

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Kernels in model files. A kernel is code, which a file cannot carry: a file names
// a kind of kernel that the reading program has registered (RegisterKernel) and
// holds the parameters that kind builds its kernel from, so a reader runs only
// kernels its own program provides.

// A FileKernel is a Kernel that a model file can hold. KernelFile names its kind,
// registered with RegisterKernel, and gives its parameters as JSON.
type FileKernel interface {
	Kernel
	KernelFile() (kind string, params json.RawMessage, err error)
}

var kernelReaders = struct {
	sync.RWMutex
	m map[string]func(params json.RawMessage) (Kernel, error)
}{m: map[string]func(json.RawMessage) (Kernel, error){}}

// RegisterKernel makes the kernels of kind readable from model files: read builds
// one from the parameters its KernelFile wrote, which come from a file and must be
// checked as data (an error for what does not fit, never a panic). Packages
// register their kernels in init; registering a kind twice panics, as it is a bug.
func RegisterKernel(kind string, read func(params json.RawMessage) (Kernel, error)) {
	kernelReaders.Lock()
	defer kernelReaders.Unlock()
	if _, dup := kernelReaders.m[kind]; dup || kind == "" || read == nil {
		panic(fmt.Sprintf("nnopt: RegisterKernel(%q): the kind is empty, registered already, or has no reader", kind))
	}
	kernelReaders.m[kind] = read
}

// writeKernel writes a kernel node: its kind and parameters, and its output sets.
func writeKernel(_ *modelEncoder, e *Expr, f *fileExpr) error {
	fk, ok := e.kern.(FileKernel)
	if !ok {
		return fmt.Errorf("kernel %s (%T) has no form in a model file: it is code, and a file holds only kernels that implement FileKernel (%w)", e.kern.Name(), e.kern, ErrUnsupported)
	}
	kind, params, err := fk.KernelFile()
	if err != nil {
		return fmt.Errorf("kernel %s: %w", e.kern.Name(), err)
	}
	kernelReaders.RLock()
	_, known := kernelReaders.m[kind]
	kernelReaders.RUnlock()
	if !known {
		return fmt.Errorf("kernel %s: kind %q is not registered, so no reader could build it (RegisterKernel)", e.kern.Name(), kind)
	}
	f.Kernel, f.Params, f.Sets = kind, params, setNames(e.free)
	return nil
}

// readKernel builds a kernel node through the registered reader and Apply.
func readKernel(dec *modelDecoder, f *fileExpr, args []*Expr) (*Expr, error) {
	kernelReaders.RLock()
	read, ok := kernelReaders.m[f.Kernel]
	kernelReaders.RUnlock()
	if !ok {
		return nil, fmt.Errorf("kernel kind %q is not registered in this program (RegisterKernel)", f.Kernel)
	}
	k, err := read(f.Params)
	if err != nil {
		return nil, fmt.Errorf("kernel %q: %w", f.Kernel, err)
	}
	out, err := dec.setList(f.Sets)
	if err != nil {
		return nil, err
	}
	ops := make([]Operand, len(args))
	for i, a := range args {
		ops[i] = a
	}
	return Apply(k, out, ops...), nil
}
