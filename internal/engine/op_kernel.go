package engine

import (
	"fmt"
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// A kernel's entry in the operation table; its sweeps are in kernel.go.

func printKernel(b *strings.Builder, t *Term) { writeCall(b, t.Kern.Name(), t.Args) }

// kernelDegree: a kernel is multilinear, so its degree is the number of variable
// arguments.
func kernelDegree(t *Term) (Degree, *Term) {
	n := 0
	for _, a := range t.Args {
		if a.Ref != nil && a.Ref.Var {
			n++
		}
	}
	return polyDegree(n), termIf(n > 1, t)
}

func kernelPatterns(w *statWalker, e *Term, _ map[*Axis]binding, _ []maskC, nonlin bool, _ *[]int) []occ {
	var occs []occ
	var vars []int
	for i, a := range e.Args {
		if a.Ref != nil && a.Ref.Var {
			vars = append(vars, i)
			occs = append(occs, occ{v: a.Ref, kern: &kernelOcc{e.Kern, i, e.Free}})
		}
	}
	// Multilinear: an argument's entries vary with the other variable arguments.
	for i := range occs {
		occs[i].nonlinear = nonlin || len(vars) > 1
	}
	for a := 0; a < len(vars); a++ {
		for b := a + 1; b < len(vars); b++ {
			w.pairs = append(w.pairs, pairPat{p: occs[a], q: occs[b], kern: e.Kern, ki: vars[a], kj: vars[b]})
		}
	}
	return occs
}

func lowerKernel(l *lowerer, n *Node, t *Term, idx []*Axis) error {
	for i, a := range n.Args {
		if l.recs[a] != nil {
			return fmt.Errorf("kernel %s: argument %d, %s, is sparse data; kernels read their arguments dense", t.Kern.Name(), i, t.Args[i].Ref.Name)
		}
	}
	n.Kern = NewKernelState(t.Kern, len(n.Args))
	l.add(n, idx)
	return nil
}

func kernelPullback(n *Node, w backend.Vector, _ func(*Node) backend.Vector) { n.kernelPullback(w) }

func kernelBackwardTangent(n *Node, _, _ backend.Vector) { n.kernelBackwardTangent() }

// CheckKernels reports a kernel that does not enter t linearly (through operations
// whose argument enters with a constant coefficient): its derivatives are only
// written for that case.
func CheckKernels(t *Term) error { return checkKernels(t, true) }

func checkKernels(t *Term, linear bool) error {
	if t.Op == OpKernel {
		if !linear {
			return fmt.Errorf("kernel %s must enter the equation linearly (sums, differences, negations, constant factors); define its output as a variable first", t.Kern.Name())
		}
		return nil
	}
	for i, a := range t.Args {
		_, ok := affineIn(t, i)
		if err := checkKernels(a, linear && ok); err != nil {
			return err
		}
	}
	return nil
}

// affineIn is the constant coefficient with which argument i enters t, and whether
// it enters so (see opInfo.affine).
func affineIn(t *Term, i int) (float64, bool) {
	if f := ops[t.Op].affine; f != nil {
		return f(t, i)
	}
	return 0, false
}
