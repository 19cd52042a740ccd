package nnopt

import (
	"fmt"

	"github.com/nnopt/nnopt/internal/engine"
)

// A Kernel is a tensor operation with hand-written loops that an equation applies to
// whole symbols: a convolution, a pooling, a reshape (see engine.Kernel for the
// methods and the contract: multilinear, with Apply, Transpose, Each and EachPair).
type Kernel = engine.Kernel

// A DeviceKernel is a Kernel that also runs on a device backend (engine.DeviceKernel).
type DeviceKernel = engine.DeviceKernel

// A KernelCounter counts a kernel's patterns by formula (engine.KernelCounter).
type KernelCounter = engine.KernelCounter

// Apply is the kernel k applied to args, an expression over the sets out. Each
// argument must be a reference to a variable or parameter holding exactly as many
// elements as the kernel expects for it, read in the symbol's own layout. A kernel
// must enter its equation linearly (through sums, differences, negations and constant
// factors); give its output a variable to use it inside a nonlinear function.
func Apply(k Kernel, out []*Set, args ...Operand) *Expr {
	outLen, argLens := k.Lens()
	e := &Expr{op: engine.OpKernel, kern: k, free: append([]*Set(nil), out...)}
	if len(args) != len(argLens) {
		e.err = fmt.Errorf("kernel %s: %d arguments, want %d", k.Name(), len(args), len(argLens))
		return e
	}
	for _, s := range out {
		if s == nil {
			e.err = fmt.Errorf("kernel %s: nil output set", k.Name())
			return e
		}
	}
	if n := domainSize(out); n != outLen {
		e.err = fmt.Errorf("kernel %s: output sets %s hold %d elements, the kernel makes %d", k.Name(), domainNames(out), n, outLen)
		return e
	}
	for i, a := range args {
		x := a.expr()
		if x.err != nil {
			e.err = x.err
			return e
		}
		if x.op != engine.OpRef {
			e.err = fmt.Errorf("kernel %s: argument %d is an expression; want a variable or parameter", k.Name(), i)
			return e
		}
		if n := domainSize(x.idx); n != argLens[i] {
			e.err = fmt.Errorf("kernel %s: argument %d, %s%s, has %d elements, want %d", k.Name(), i, x.name, domainNames(x.idx), n, argLens[i])
			return e
		}
		e.args = append(e.args, x)
		e.hasVar = e.hasVar || x.hasVar
	}
	return e
}
