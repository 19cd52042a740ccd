package refmodel

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/formulations"
)

// CNN is the reference convolutional network as a training model:
// Conv2d(1,2,5) - tanh - AvgPool2d(2) - Conv2d(2,3,5) - tanh - AvgPool2d(2) -
// Conv2d(3,10,4) - flatten - log_softmax - summed NLL, the tanh outputs unbounded.
type CNN struct {
	C                   *nnopt.Container
	Model               *nnopt.Model
	A1                  *nnopt.Parameter
	Target              *nnopt.Set       // the labels as a subset (TargetSubset), else nil
	Y                   *nnopt.Parameter // the labels one-hot (TargetOneHot), else nil
	Convs               [3]*formulations.Conv2d
	Output, LogProbs    *nnopt.Variable
	Loss                *nnopt.Variable
	Batch, Side, Labels int
}

// NewCNN builds the model for a batch of 28×28 images (batch × 784, row-major) and
// their labels. The weights are drawn from PyTorch's default initialisation with rng
// and bounded by ±bound (0 for none).
func NewCNN(inputs []float64, labels []uint8, rng *rand.Rand, bound float64) (*CNN, error) {
	return NewCNNWith(inputs, labels, rng, bound, TargetSubset)
}

// NewCNNWith is NewCNN with the labels entering the loss as targets says.
func NewCNNWith(inputs []float64, labels []uint8, rng *rand.Rand, bound float64, targets Targets) (*CNN, error) {
	const side, classes = 28, 10
	batch := len(labels)
	if len(inputs) != batch*side*side {
		return nil, fmt.Errorf("refmodel: %d inputs for %d labels of 28×28 images", len(inputs), batch)
	}
	m := &CNN{C: nnopt.NewContainer(), Batch: batch, Side: side, Labels: classes}
	c := m.C
	m.A1 = c.NewParameter("a1", append([]*nnopt.Set{batchSet(c, batch)}, c.Dims(1, side, side)...)...)
	if err := m.A1.SetValues(inputs); err != nil {
		return nil, err
	}
	shapes := [3][3]int{{1, 2, 5}, {2, 3, 5}, {3, 10, 4}}
	for i, s := range shapes {
		conv, err := formulations.NewConv2d(c, s[0], s[1], s[2], formulations.Conv2dSettings{})
		if err != nil {
			return nil, err
		}
		if err := conv.MakeVariable(rng); err != nil {
			return nil, err
		}
		if bound > 0 {
			conv.WeightVariable().SetBounds(-bound, bound)
			conv.BiasVariable().SetBounds(-bound, bound)
		}
		m.Convs[i] = conv
	}
	pool, err := formulations.NewAvgPool2d(c, 2, 0, 0)
	if err != nil {
		return nil, err
	}
	unbounded := func(o activation.Output, err error) (*nnopt.Variable, error) {
		if err != nil {
			return nil, err
		}
		o.Var.SetBounds(math.Inf(-1), math.Inf(1)) // the reference drops tanh's implied bounds
		return o.Var, nil
	}
	var x formulations.Symbol = m.A1
	for i := 0; i < 2; i++ {
		z, err := m.Convs[i].Apply(x)
		if err != nil {
			return nil, err
		}
		a, err := unbounded(activation.Tanh(c, z.Var))
		if err != nil {
			return nil, err
		}
		p, err := pool.Apply(a)
		if err != nil {
			return nil, err
		}
		x = p.Var
	}
	z6, err := m.Convs[2].Apply(x)
	if err != nil {
		return nil, err
	}
	flat, err := formulations.FlattenDims(c, z6.Var, []int{1, 2, 3})
	if err != nil {
		return nil, err
	}
	m.Output = flat.Var
	t, err := trainingModel(c, m.Output, labels, targets)
	if err != nil {
		return nil, err
	}
	m.LogProbs, m.Target, m.Y, m.Loss, m.Model = t.logProbs, t.loss.Targets, t.y, t.loss.Var, t.model
	return m, nil
}

// SetBatch is MLP.SetBatch for the CNN.
func (m *CNN) SetBatch(inputs []float64, labels []uint8) error {
	if len(labels) != m.Batch {
		return fmt.Errorf("refmodel: %d labels for a batch of %d", len(labels), m.Batch)
	}
	return setBatch(m.A1, m.Y, inputs, labels)
}
