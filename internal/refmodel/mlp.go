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
	Target            *nnopt.Set       // the labels as a subset (TargetSubset), else nil
	Y                 *nnopt.Parameter // the labels one-hot (TargetOneHot), else nil
	W1, W2            *nnopt.Variable  // (in, hidden), (hidden, classes)
	Z2, A2, Z3, A3    *nnopt.Variable
	Loss              *nnopt.Variable
	Batch, In, Hidden int
	Classes           int
}

// NewMLP builds the model for a batch of inputs (batch × in, row-major), their labels,
// and initial weights w1 (in × hidden) and w2 (hidden × classes), row-major. Weights
// are bounded by ±bound, and every defined variable starts at its forward-pass value.
func NewMLP(inputs []float64, labels []uint8, in, hidden, classes int, w1, w2 []float64, bound float64) (*MLP, error) {
	return NewMLPWith(inputs, labels, in, hidden, classes, w1, w2, bound, TargetSubset)
}

// NewMLPWith is NewMLP with the labels entering the loss as targets says.
func NewMLPWith(inputs []float64, labels []uint8, in, hidden, classes int, w1, w2 []float64, bound float64, targets Targets) (*MLP, error) {
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
	t, err := trainingModel(c, m.Z3, labels, targets)
	if err != nil {
		return nil, err
	}
	m.A3, m.Target, m.Y, m.Loss, m.Model = t.logProbs, t.loss.Targets, t.y, t.loss.Var, t.model
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
	if m.Y != nil {
		for q, y := range m.Y.Values {
			loss -= y * m.A3.L[q]
		}
	} else {
		for _, t := range m.Target.Members() {
			loss -= m.A3.L[t[0]*k+t[1]]
		}
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
	y        *nnopt.Parameter
	model    *nnopt.Model
}

// Targets chooses how the labels enter the loss.
type Targets int

const (
	// TargetSubset is the reference's: the (example, label) pairs are a subset the
	// loss sums over, data fixed when the model is generated.
	TargetSubset Targets = iota
	// TargetOneHot makes them a one-hot parameter y over (batch, classes) and the loss
	// Σ -y·log_softmax: data a frozen model can change (a new batch is new a1 and y),
	// at the price of a dense loss row (batch·classes Jacobian elements, not batch).
	TargetOneHot
)

func trainingModel(c *nnopt.Container, logits *nnopt.Variable, labels []uint8, targets Targets) (training, error) {
	ls, err := activation.LogSoftmax(c, logits, -1)
	if err != nil {
		return training{}, err
	}
	var t training
	t.logProbs = ls.Var
	if targets == TargetOneHot {
		d := ls.Var.Domain()
		t.y = c.NewParameter("y", d...)
		if err := oneHot(t.y.Values, labels, d[1].Len()); err != nil {
			return training{}, err
		}
		lv := c.NewVariable(c.UniqueName("loss"), nnopt.Free)
		e := c.NewEquation(c.UniqueName("calc_loss"))
		if err := e.Define(nnopt.Eq(lv, nnopt.Sum(nnopt.Mul(t.y, nnopt.Neg(ls.Var)), d...))); err != nil {
			return training{}, err
		}
		t.loss = formulations.Loss{Var: lv, Equation: e}
	} else if t.loss, err = formulations.NLLLoss(c, ls.Var, labels); err != nil {
		return training{}, err
	}
	t.model, err = c.NewModel("train", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: t.loss.Var})
	return t, err
}

// oneHot sets y (len(labels) × classes) to the labels' indicator rows.
func oneHot(y []float64, labels []uint8, classes int) error {
	if len(y) != len(labels)*classes {
		return fmt.Errorf("refmodel: %d labels for one-hot targets of %d values", len(labels), len(y))
	}
	clear(y)
	for i, l := range labels {
		if int(l) >= classes {
			return fmt.Errorf("refmodel: label %d of example %d is not below %d classes", l, i, classes)
		}
		y[i*classes+int(l)] = 1
	}
	return nil
}

// setBatch writes a new batch into the input parameter and the one-hot targets.
func setBatch(a1, y *nnopt.Parameter, inputs []float64, labels []uint8) error {
	if y == nil {
		return fmt.Errorf("refmodel: the model was built with TargetSubset; a new batch needs TargetOneHot")
	}
	if err := a1.SetValues(inputs); err != nil {
		return err
	}
	return oneHot(y.Values, labels, len(y.Values)/max(1, len(labels)))
}

// SetBatch puts a new batch (inputs and labels of the built batch size) into the
// model's data, for a model built with TargetOneHot. Zeros of the one-hot targets are
// data: a frozen model must apply them with nnopt.UpdateZero.
func (m *MLP) SetBatch(inputs []float64, labels []uint8) error {
	if len(labels) != m.Batch {
		return fmt.Errorf("refmodel: %d labels for a batch of %d", len(labels), m.Batch)
	}
	return setBatch(m.A1, m.Y, inputs, labels)
}
