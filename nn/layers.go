package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Layer is one stage of a Sequential network. It works on a whole batch at
// once so that the matrix layers can use a single matrix product.
type Layer interface {
	// OutSize returns the number of values per sample that the layer
	// produces from in values per sample, or an error if the layer cannot
	// take in values per sample or is itself malformed.
	OutSize(in int) (int, error)

	// Forward applies the layer to a batch of batch > 0 samples. x holds
	// the samples as batch rows of len(x)/batch values each, and dst
	// receives batch rows of OutSize(len(x)/batch) values each. dst must
	// not overlap x unless the layer documents otherwise. Forward returns
	// an error, and leaves dst in an unspecified state, if the sizes do
	// not fit.
	Forward(dst, x []float64, batch int) error
}

// parametrized is implemented by layers that have parameters, which
// appear in Sequential.StateDict under "<layer index>.<name>".
type parametrized interface {
	params() []param
}

// param is one named parameter of a layer. data points at the layer's
// field so that LoadStateDict can allocate it when it is nil.
type param struct {
	name  string
	shape []int
	data  *[]float64
}

// checkBatch checks the sizes of a Forward call for l and returns the
// number of values per sample of x and of dst.
func checkBatch(l Layer, dst, x []float64, batch int) (in, out int, err error) {
	if batch <= 0 {
		return 0, 0, fmt.Errorf("batch=%d must be positive", batch)
	}
	if len(x)%batch != 0 {
		return 0, 0, fmt.Errorf("len(x)=%d is not a multiple of batch=%d", len(x), batch)
	}
	in = len(x) / batch
	out, err = l.OutSize(in)
	if err != nil {
		return 0, 0, err
	}
	if out > 0 && batch > math.MaxInt/out || len(dst) != batch*out {
		return 0, 0, fmt.Errorf("len(dst)=%d, want batch*out=%d*%d", len(dst), batch, out)
	}
	return in, out, nil
}

// Linear is a fully connected layer, y = x Wᵀ + b, matching PyTorch's
// nn.Linear. Weight is stored as PyTorch stores it, Out×In in row-major
// order (entry (o, i) at Weight[o*In+i]), so the state dict needs no
// transposition.
type Linear struct {
	In, Out int
	Weight  []float64 // Out×In, row-major.
	Bias    []float64 // Length Out, or nil for a layer without bias.
}

// OutSize returns l.Out if in equals l.In and the layer is well formed.
func (l *Linear) OutSize(in int) (int, error) {
	if l.In <= 0 || l.Out <= 0 {
		return 0, fmt.Errorf("Linear: In=%d and Out=%d must be positive", l.In, l.Out)
	}
	if l.In > math.MaxInt/l.Out || len(l.Weight) != l.Out*l.In {
		return 0, fmt.Errorf("Linear: len(Weight)=%d, want Out*In=%d*%d", len(l.Weight), l.Out, l.In)
	}
	if l.Bias != nil && len(l.Bias) != l.Out {
		return 0, fmt.Errorf("Linear: len(Bias)=%d, want Out=%d", len(l.Bias), l.Out)
	}
	if in != l.In {
		return 0, fmt.Errorf("Linear: input has %d values per sample, want In=%d", in, l.In)
	}
	return l.Out, nil
}

// Forward computes dst = x Wᵀ + b for batch rows with one matrix product.
func (l *Linear) Forward(dst, x []float64, batch int) error {
	if _, _, err := checkBatch(l, dst, x, batch); err != nil {
		return err
	}
	beta := 0.0
	if l.Bias != nil {
		for r := 0; r < batch; r++ {
			copy(dst[r*l.Out:(r+1)*l.Out], l.Bias)
		}
		beta = 1
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1,
		blas64.General{Rows: batch, Cols: l.In, Stride: l.In, Data: x},
		blas64.General{Rows: l.Out, Cols: l.In, Stride: l.In, Data: l.Weight},
		beta,
		blas64.General{Rows: batch, Cols: l.Out, Stride: l.Out, Data: dst})
	return nil
}

func (l *Linear) params() []param {
	p := []param{{name: "weight", shape: []int{l.Out, l.In}, data: &l.Weight}}
	if l.Bias != nil {
		p = append(p, param{name: "bias", shape: []int{l.Out}, data: &l.Bias})
	}
	return p
}

// elementwise applies f to every value; dst may be x itself.
func elementwise(l Layer, dst, x []float64, batch int, f func(float64) float64) error {
	if _, _, err := checkBatch(l, dst, x, batch); err != nil {
		return err
	}
	for i, v := range x {
		dst[i] = f(v)
	}
	return nil
}

// Tanh applies the hyperbolic tangent to every value, like nn.Tanh.
// dst may be x itself.
type Tanh struct{}

// OutSize returns in.
func (Tanh) OutSize(in int) (int, error) { return in, nil }

// Forward sets dst[i] = tanh(x[i]).
func (t Tanh) Forward(dst, x []float64, batch int) error {
	return elementwise(t, dst, x, batch, math.Tanh)
}

// Sigmoid applies the logistic function 1/(1+exp(-x)) to every value, like
// nn.Sigmoid. dst may be x itself.
type Sigmoid struct{}

// OutSize returns in.
func (Sigmoid) OutSize(in int) (int, error) { return in, nil }

// Forward sets dst[i] = 1/(1+exp(-x[i])), evaluated so that large
// negative inputs neither overflow nor lose relative precision.
func (s Sigmoid) Forward(dst, x []float64, batch int) error {
	return elementwise(s, dst, x, batch, sigmoid)
}

func sigmoid(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

// ReLU sets negative values to zero, like nn.ReLU. NaN passes through.
// dst may be x itself.
type ReLU struct{}

// OutSize returns in.
func (ReLU) OutSize(in int) (int, error) { return in, nil }

// Forward sets dst[i] = max(0, x[i]).
func (r ReLU) Forward(dst, x []float64, batch int) error {
	return elementwise(r, dst, x, batch, func(v float64) float64 {
		if v < 0 {
			return 0
		}
		return v
	})
}

// Flatten turns each sample into a flat vector, like nn.Flatten. Samples
// are already flat in this package's representation, so it copies x to
// dst; it exists so that layer indices, and so state dict keys, match
// the PyTorch model. dst may be x itself.
type Flatten struct{}

// OutSize returns in.
func (Flatten) OutSize(in int) (int, error) { return in, nil }

// Forward copies x to dst.
func (f Flatten) Forward(dst, x []float64, batch int) error {
	if _, _, err := checkBatch(f, dst, x, batch); err != nil {
		return err
	}
	copy(dst, x)
	return nil
}

// LogSoftmax replaces each sample's values by their log-probabilities
// under the softmax, like nn.LogSoftmax(dim=1):
// dst[j] = x[j] - log(Σₖ exp(x[k])). dst may be x itself.
type LogSoftmax struct{}

// OutSize returns in.
func (LogSoftmax) OutSize(in int) (int, error) { return in, nil }

// Forward computes the log-softmax of each row. The row maximum is
// subtracted before exponentiating, so large inputs such as 1000 do not
// overflow and the largest entry contributes exactly exp(0) = 1.
func (s LogSoftmax) Forward(dst, x []float64, batch int) error {
	in, _, err := checkBatch(s, dst, x, batch)
	if err != nil {
		return err
	}
	if in == 0 {
		return nil
	}
	for r := 0; r < batch; r++ {
		row := x[r*in : (r+1)*in]
		m := row[0]
		for _, v := range row[1:] {
			m = math.Max(m, v)
		}
		var sum float64
		for _, v := range row {
			sum += math.Exp(v - m)
		}
		logSum := math.Log(sum)
		out := dst[r*in : (r+1)*in]
		for j, v := range row {
			out[j] = (v - m) - logSum
		}
	}
	return nil
}
