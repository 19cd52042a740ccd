// Package formulations adds network layers to a model as equation blocks: each layer
// returns its output variable and the equations that define it from its input, so a
// network is a chain of defining equations the solver sees as triangular. Weights are
// either variables (MakeVariable: training) or parameters (LoadWeights: a trained
// network embedded in a model). Convolution, pooling and flattening run as kernels
// (nnopt.Kernel) with their own loops; Linear is an ordinary matrix product.
//
// Interval bounds: a layer whose output is a known function of its input (weights
// from LoadWeights, or no weights) bounds its output variable by the image of its
// input's box of bounds, element by element where those are finite, intersected with
// the bounds the output has. With weights as variables nothing is propagated. The box
// is computed once, when Apply runs: widen the input's bounds later and reset the
// outputs' too. MaxPool2d and MinPool2d, big-M formulations with binary variables,
// take their M from such bounds.
package formulations

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
)

// Symbol is a variable or parameter a layer reads.
type Symbol interface {
	nnopt.Operand
	Name() string
	Domain() []*nnopt.Set
	At(idx ...*nnopt.Set) *nnopt.Expr
}

// Output is a layer's output variable and its defining equations.
type Output = activation.Output

// weights holds a layer's weight and bias, as variables or as parameters.
type weights struct {
	layer        string // for errors and symbol names
	c            *nnopt.Container
	wShape       []int
	bias         bool
	fanIn        int
	weight, bvec Symbol
	wVar, bVar   *nnopt.Variable
}

var errNoWeights = errors.New("has no weights yet: call MakeVariable or LoadWeights first")

// makeVariable declares weight (and bias) variables, drawn from PyTorch's default
// U(-1/√fanIn, 1/√fanIn) when rng is not nil, else zero.
func (w *weights) makeVariable(rng *rand.Rand) error {
	if w.weight != nil {
		return fmt.Errorf("formulations: %s already has weights", w.layer)
	}
	wv := w.c.NewVariable(w.c.UniqueName(w.layer+"_weight"), nnopt.Free, w.c.Dims(w.wShape...)...)
	var bv *nnopt.Variable
	if w.bias {
		bv = w.c.NewVariable(w.c.UniqueName(w.layer+"_bias"), nnopt.Free, w.c.Dims(w.wShape[0])...)
	}
	if rng != nil {
		a := 1 / math.Sqrt(float64(w.fanIn))
		for _, x := range [][]float64{wv.L, bvLevels(bv)} {
			for i := range x {
				x[i] = a * (2*rng.Float64() - 1)
			}
		}
	}
	w.weight, w.wVar = wv, wv
	if bv != nil {
		w.bvec, w.bVar = bv, bv
	}
	return nil
}

func bvLevels(v *nnopt.Variable) []float64 {
	if v == nil {
		return nil
	}
	return v.L
}

// loadWeights declares weight (and bias) parameters holding values, laid out as
// PyTorch stores them.
func (w *weights) loadWeights(weight, bias []float64) error {
	if w.weight != nil {
		return fmt.Errorf("formulations: %s already has weights", w.layer)
	}
	n := 1
	for _, d := range w.wShape {
		n *= d
	}
	if len(weight) != n {
		return fmt.Errorf("formulations: %s: %d weights, want %d for shape %v", w.layer, len(weight), n, w.wShape)
	}
	switch {
	case w.bias && len(bias) != w.wShape[0]:
		return fmt.Errorf("formulations: %s: %d biases, want %d", w.layer, len(bias), w.wShape[0])
	case !w.bias && bias != nil:
		return fmt.Errorf("formulations: %s has no bias, but %d biases were given", w.layer, len(bias))
	}
	wp := w.c.NewParameter(w.c.UniqueName(w.layer+"_weight"), w.c.Dims(w.wShape...)...)
	if err := wp.SetValues(weight); err != nil {
		return err
	}
	w.weight = wp
	if w.bias {
		bp := w.c.NewParameter(w.c.UniqueName(w.layer+"_bias"), w.c.Dims(w.wShape[0])...)
		if err := bp.SetValues(bias); err != nil {
			return err
		}
		w.bvec = bp
	}
	return nil
}

// Weight returns the weight symbol (nil before MakeVariable or LoadWeights).
func (w *weights) Weight() Symbol { return w.weight }

// Bias returns the bias symbol (nil without bias or weights).
func (w *weights) Bias() Symbol { return w.bvec }

// WeightVariable and BiasVariable return the weights when they are variables.
func (w *weights) WeightVariable() *nnopt.Variable { return w.wVar }
func (w *weights) BiasVariable() *nnopt.Variable   { return w.bVar }

// outputSets returns the output domain: x's leading (batch) sets, then new dimensions
// of the given sizes, all distinct.
func outputSets(c *nnopt.Container, lead []*nnopt.Set, sizes ...int) ([]*nnopt.Set, error) {
	all := make([]int, 0, len(lead)+len(sizes))
	for _, s := range lead {
		all = append(all, s.Len())
	}
	dims := c.Dims(append(all, sizes...)...)
	out := append(append([]*nnopt.Set(nil), lead...), dims[len(lead):]...)
	for i, s := range out {
		for _, t := range out[:i] {
			if s == t {
				return nil, fmt.Errorf("output set %q would repeat; give the input a named batch set", s.Name())
			}
		}
	}
	return out, nil
}

// define adds the equation y == rhs over y's domain.
func define(c *nnopt.Container, y *nnopt.Variable, rhs nnopt.Operand) (*nnopt.Equation, error) {
	e := c.NewEquation(c.UniqueName("calc_"+y.Name()), y.Domain()...)
	return e, e.Define(nnopt.Eq(y, rhs))
}
