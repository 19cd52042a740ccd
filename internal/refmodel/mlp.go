// Package refmodel builds the reference experiments as nnopt models, written the way
// the reference writes them, so cmd/train, the tests and the benchmarks share one copy.
package refmodel

import (
	"fmt"
	"strconv"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/formulations"
)

// MLP is the reference feed-forward network as a training model:
// z2 = a1·w1, a2 = tanh(z2), z3 = a2·w2, a3 = log_softmax(z3), loss = Σ_target -a3.
type MLP struct {
	C                 *nnopt.Container
	Model             *nnopt.Model
	A1                *nnopt.Parameter
	Target            *nnopt.Set
	W1, W2            *nnopt.Variable // (in, hidden), (hidden, classes)
	Z2, A2, Z3, A3    *nnopt.Variable
	Loss              *nnopt.Variable
	Batch, In, Hidden int
	Classes           int
}

// NewMLP builds the model for a batch of inputs (batch × in, row-major), their labels,
// and initial weights w1 (in × hidden) and w2 (hidden × classes), row-major. Weights
// are bounded by ±bound, and every defined variable starts at its forward-pass value.
func NewMLP(inputs []float64, labels []uint8, in, hidden, classes int, w1, w2 []float64, bound float64) (*MLP, error) {
	batch := len(labels)
	if len(inputs) != batch*in {
		return nil, fmt.Errorf("refmodel: %d inputs for %d labels of size %d", len(inputs), batch, in)
	}
	m := &MLP{C: nnopt.NewContainer(), Batch: batch, In: in, Hidden: hidden, Classes: classes}
	c := m.C
	dW1, dW2 := c.Dims(in, hidden), c.Dims(hidden, classes)
	m.W1 = c.NewVariable("w1", nnopt.Free, dW1...)
	m.W2 = c.NewVariable("w2", nnopt.Free, dW2...)
	if err := m.W1.SetLevels(w1); err != nil {
		return nil, err
	}
	if err := m.W2.SetLevels(w2); err != nil {
		return nil, err
	}
	m.W1.SetBounds(-bound, bound)
	m.W2.SetBounds(-bound, bound)

	n := batchSet(c, batch)
	m.A1 = c.NewParameter("a1", n, c.Dims(in)[0])
	if err := m.A1.SetValues(inputs); err != nil {
		return nil, err
	}
	m.Z2 = c.NewVariable("z2", nnopt.Free, n, c.Dims(hidden)[0])
	m.A2 = c.NewVariable("a2", nnopt.Free, n, c.Dims(hidden)[0])
	m.Z3 = c.NewVariable("z3", nnopt.Free, n, c.Dims(classes)[0])

	def := func(name string, dom []*nnopt.Set, r *nnopt.Relation) error {
		return c.NewEquation(name, dom...).Define(r)
	}
	if err := def("calc_mm_1", []*nnopt.Set{n, c.Dims(hidden)[0]}, nnopt.Eq(m.Z2, nnopt.MatMul(m.A1, m.W1))); err != nil {
		return nil, err
	}
	if err := def("calc_activation", []*nnopt.Set{n, c.Dims(hidden)[0]}, nnopt.Eq(m.A2, nnopt.Tanh(m.Z2))); err != nil {
		return nil, err
	}
	if err := def("calc_mm_2", []*nnopt.Set{n, c.Dims(classes)[0]}, nnopt.Eq(m.Z3, nnopt.MatMul(m.A2, m.W2))); err != nil {
		return nil, err
	}
	t, err := trainingModel(c, m.Z3, labels)
	if err != nil {
		return nil, err
	}
	m.A3, m.Target, m.Loss, m.Model = t.logProbs, t.loss.Targets, t.loss.Var, t.model
	m.ForwardLevels()
	return m, nil
}

// ForwardLevels sets the levels of z2, a2, z3, a3 and loss from the current weights
// (the reference's initial point for every defined variable).
func (m *MLP) ForwardLevels() {
	b, in, h, k := m.Batch, m.In, m.Hidden, m.Classes
	a1, w1, w2 := m.A1.Values, m.W1.L, m.W2.L
	for i := 0; i < b; i++ {
		for j := 0; j < h; j++ {
			var s float64
			for p := 0; p < in; p++ {
				s += a1[i*in+p] * w1[p*h+j]
			}
			m.Z2.L[i*h+j] = s
			m.A2.L[i*h+j] = tanh(s)
		}
	}
	loss := 0.0
	for i := 0; i < b; i++ {
		for j := 0; j < k; j++ {
			var s float64
			for p := 0; p < h; p++ {
				s += m.A2.L[i*h+p] * w2[p*k+j]
			}
			m.Z3.L[i*k+j] = s
		}
		logSoftmax(m.Z3.L[i*k:(i+1)*k], m.A3.L[i*k:(i+1)*k])
	}
	for _, t := range m.Target.Members() {
		loss -= m.A3.L[t[0]*k+t[1]]
	}
	m.Loss.L[0] = loss
}

// batchSet is the examples' index set. It is named rather than an anonymous dimension:
// Dims shares sets by size, so a batch as large as a layer (say 20 examples and 20
// hidden units) would otherwise index both axes of a product with one set.
func batchSet(c *nnopt.Container, n int) *nnopt.Set {
	labels := make([]string, n)
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	return c.NewSet("batch", labels...)
}

// training is the common tail of the reference models: log_softmax of the logits, the
// summed NLL at the labels, and the NLP minimising it over every equation so far.
type training struct {
	logProbs *nnopt.Variable
	loss     formulations.Loss
	model    *nnopt.Model
}

func trainingModel(c *nnopt.Container, logits *nnopt.Variable, labels []uint8) (training, error) {
	ls, err := activation.LogSoftmax(c, logits, -1)
	if err != nil {
		return training{}, err
	}
	loss, err := formulations.NLLLoss(c, ls.Var, labels)
	if err != nil {
		return training{}, err
	}
	m, err := c.NewModel("train", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Min, Objective: loss.Var})
	return training{ls.Var, loss, m}, err
}
