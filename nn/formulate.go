package nn

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/formulations"
)

// WeightMode says how Formulate declares a network's weights.
type WeightMode int

const (
	// FixedWeights declares the weights as parameters holding the network's
	// values: a trained network embedded in a model (verification, adversarial
	// inputs), where only the input or variables outside the network move.
	FixedWeights WeightMode = iota
	// TrainableWeights declares the weights as free variables whose levels
	// start at the network's values, so a training solve starts where the
	// network is. Bound them through Formulation.Weights if wanted.
	TrainableWeights
)

func (m WeightMode) String() string {
	switch m {
	case FixedWeights:
		return "fixed"
	case TrainableWeights:
		return "trainable"
	}
	return "WeightMode(" + strconv.Itoa(int(m)) + ")"
}

// FormulateSettings are Formulate's options; the zero value embeds the network
// with fixed weights.
type FormulateSettings struct {
	Weights WeightMode
	// PoolBigM, when positive, is the big-M of every MaxPool2d tap. Without it the
	// M come from the pooling input's bounds, which FixedWeights and a bounded input
	// provide (bounds propagate through the layers) and TrainableWeights do not.
	PoolBigM float64
	// ReLU is the formulation of every ReLU layer (activation.ReLU): the zero value
	// takes big-M with binaries where the pre-activations' bounds are finite (fixed
	// weights and a bounded input) and y = max(x, 0) otherwise; ReLUSOS1 takes
	// special ordered sets for Cbc instead of binaries.
	ReLU activation.ReLUFormulation
	// ReLULayers overrides ReLU for single layers, by their index in
	// Sequential.Layers; an index that is not a ReLU layer is an error.
	ReLULayers map[int]activation.ReLUFormulation
}

// Weight is one network parameter inside a model: Var when trainable, Param
// when fixed.
type Weight struct {
	Key   string // the state-dict key, such as "1.weight"
	Shape []int  // PyTorch's shape, which is also the symbol's domain
	Var   *nnopt.Variable
	Param *nnopt.Parameter
}

// values returns the weight's current levels or values.
func (w Weight) values() []float64 {
	if w.Var != nil {
		return w.Var.L
	}
	return w.Param.Values
}

// Formulation is a Sequential written into a model by Formulate.
type Formulation struct {
	// Output is the last layer's output variable.
	Output *nnopt.Variable
	// Equations define every layer output from its input, in layer order; a
	// model over them (plus a loss or objective) is triangular.
	Equations []*nnopt.Equation
	// Layers[i] is the variable holding layer i's output; a layer that adds no
	// equation (Flatten of an already flat input) shares its input's symbol,
	// and is nil when that input is a parameter.
	Layers []*nnopt.Variable
	// Weights are the network's parameters in state-dict order: by layer, the
	// weight before the bias.
	Weights []Weight
	// Binaries are the big-M ReLU layers' binaries (activation.ReLUOutput.Binary)
	// and Sets the SOS1 ReLU layers' sets (activation.ReLUOutput.Sets), in layer
	// order, and Unstable counts their neurons that can change sign.
	Binaries []*nnopt.Variable
	Sets     []*nnopt.SOS1
	Unstable int

	relus []reluLayer     // the big-M and SOS1 ReLU layers, for TightenBounds
	input *nnopt.Variable // the network's input, when a variable (symbolic bounds)

	net *Sequential
}

// StateDict returns the weights as a state dict keyed and shaped like
// Sequential.StateDict: the variables' levels (the solution, after a solve)
// or the parameters' values.
func (f *Formulation) StateDict() map[string]Tensor {
	sd := make(map[string]Tensor, len(f.Weights))
	for _, w := range f.Weights {
		sd[w.Key] = Tensor{DType: F64, Shape: slices.Clone(w.Shape), Data: slices.Clone(w.values())}
	}
	return sd
}

// WriteBack copies the weights' levels into the Sequential that was
// formulated, so that inference (Forward, Predict) runs the solved network.
// Like LoadStateDict it checks everything first and changes nothing on error.
func (f *Formulation) WriteBack() error {
	if f == nil || f.net == nil {
		return errors.New("nn: WriteBack: not a formulation made by Formulate")
	}
	if err := f.net.LoadStateDict(f.StateDict()); err != nil {
		return fmt.Errorf("nn: WriteBack: the network changed since Formulate: %w", err)
	}
	return nil
}

// Formulate writes net into c as defining equations applied to x, a variable
// or parameter over (batch, features) or (batch, channels, height, width)
// holding the samples in the network's row-major layout. It supports Linear,
// Conv2d, AvgPool2d, MaxPool2d, Flatten, Tanh, Sigmoid, ReLU and LogSoftmax;
// other layers are an error wrapping nnopt.ErrUnsupported. MaxPool2d is a
// big-M formulation with binaries and inequalities (formulations.MaxPool2d), and
// ReLU is one where its bounds allow (FormulateSettings.ReLU): with fixed
// weights the model is then a MIP, which nnopt writes as an LP or MPS file for a
// MIP solver but does not solve itself yet; otherwise ReLU is y = max(x, 0), a
// DNLP the reduced-gradient method solves locally.
//
// Bounds: with TrainableWeights, Tanh and Sigmoid outputs are unbounded, as in
// the reference models (their implied bounds carry no information for
// training). With FixedWeights they keep their implied bounds, narrowed to the
// image of their input's bounds, so that bounds propagate through the whole
// network from a bounded input (verification, big-M pooling); they hold at every
// forward-swept point, as the solver requires of defined variables. LogSoftmax
// keeps y ≤ 0, as the reference MLP does. A Linear needs a (batch, features)
// input (put a Flatten before it) and LogSoftmax too, since over (C, H, W)
// PyTorch would normalise channels only where this package normalises the
// whole sample.
//
// Every output variable starts at the network's forward pass of x's current
// levels (or values), so the model starts at the network's point, feasible. On
// error, symbols already added stay in c; use a fresh container to retry.
func Formulate(c *nnopt.Container, net *Sequential, x formulations.Symbol, s FormulateSettings) (*Formulation, error) {
	switch {
	case c == nil:
		return nil, errors.New("nn: Formulate: nil container")
	case net == nil:
		return nil, errors.New("nn: Formulate: nil network")
	case x == nil:
		return nil, errors.New("nn: Formulate: nil input symbol")
	case s.Weights != FixedWeights && s.Weights != TrainableWeights:
		return nil, fmt.Errorf("nn: Formulate: unknown weight mode %d", s.Weights)
	}
	d := x.Domain()
	if len(d) < 2 {
		return nil, fmt.Errorf("nn: Formulate: input %q over %s: want (batch, features...) or (batch, channels, height, width)", x.Name(), domainString(d))
	}
	batch, features := d[0].Len(), 1
	for _, s := range d[1:] {
		features *= s.Len()
	}
	if _, err := net.OutSize(features); err != nil {
		return nil, fmt.Errorf("nn: Formulate: input %q over %s (%d values per sample): %w", x.Name(), domainString(d), features, err)
	}
	if !(s.PoolBigM >= 0) || math.IsInf(s.PoolBigM, 1) {
		return nil, fmt.Errorf("nn: Formulate: PoolBigM %g must be finite and non-negative (0: from bounds)", s.PoolBigM)
	}
	for i := range s.ReLULayers {
		if i < 0 || i >= len(net.Layers) {
			return nil, fmt.Errorf("nn: Formulate: ReLULayers names layer %d of %d", i, len(net.Layers))
		}
		switch net.Layers[i].(type) {
		case ReLU, *ReLU:
		default:
			return nil, fmt.Errorf("nn: Formulate: ReLULayers names layer %d, a %s; want a ReLU layer", i, layerName(net.Layers[i]))
		}
	}
	b := &builder{c: c, mode: s.Weights, bigM: s.PoolBigM, relu: s.ReLU, reluLayers: s.ReLULayers, batch: batch, f: &Formulation{net: net, Layers: make([]*nnopt.Variable, len(net.Layers))}}
	b.cur = x
	b.f.input, _ = x.(*nnopt.Variable)
	b.vals = symbolValues(x)
	for i, l := range net.Layers {
		relus := len(b.f.relus)
		if err := b.layer(i, l); err != nil {
			return nil, fmt.Errorf("nn: Formulate: layer %d (%s): %w", i, layerName(l), err)
		}
		if len(b.f.relus) > relus {
			b.f.relus[relus].layer = i
		}
		b.f.Layers[i], _ = b.cur.(*nnopt.Variable)
	}
	out, ok := b.cur.(*nnopt.Variable)
	if !ok {
		return nil, fmt.Errorf("nn: Formulate: the network adds no equations to input %q; its output would be the input itself", x.Name())
	}
	b.f.Output = out
	return b.f, nil
}

// builder carries the current symbol and its values from layer to layer.
type builder struct {
	c     *nnopt.Container
	mode  WeightMode
	bigM  float64
	relu  activation.ReLUFormulation
	batch int
	f     *Formulation
	cur   formulations.Symbol
	vals  []float64 // levels of cur, nil when unknown

	reluLayers map[int]activation.ReLUFormulation // FormulateSettings.ReLULayers
}

func (b *builder) layer(i int, l Layer) error {
	d := b.cur.Domain()
	switch l := l.(type) {
	case *Linear:
		if len(d) != 2 {
			return fmt.Errorf("input %q is over %s; want (batch, %d): put a Flatten before it", b.cur.Name(), domainString(d), l.In)
		}
		fl, err := formulations.NewLinear(b.c, l.In, l.Out, l.Bias != nil)
		if err != nil {
			return err
		}
		if err := b.weights(i, fl, l.params()); err != nil {
			return err
		}
		return b.emit(l, func() (activation.Output, error) { return fl.Apply(b.cur) })
	case *Conv2d:
		if err := wantMaps(b.cur, l.In, l.Height, l.Width); err != nil {
			return err
		}
		fl, err := formulations.NewConv2d(b.c, l.In, l.Out, l.Kernel, formulations.Conv2dSettings{Stride: l.stride(), Padding: formulations.Pad(l.Padding), NoBias: l.Bias == nil})
		if err != nil {
			return err
		}
		if err := b.weights(i, fl, l.params()); err != nil {
			return err
		}
		return b.emit(l, func() (activation.Output, error) { return fl.Apply(b.cur) })
	case *AvgPool2d:
		if err := wantMaps(b.cur, l.Channels, l.Height, l.Width); err != nil {
			return err
		}
		p, err := formulations.NewAvgPool2d(b.c, l.Kernel, l.Stride, l.Padding)
		if err != nil {
			return err
		}
		return b.emit(l, func() (activation.Output, error) { return p.Apply(b.cur) })
	case *MaxPool2d:
		return b.maxPool(l)
	case Flatten, *Flatten:
		if len(d) == 2 {
			return nil // already one feature axis: nothing to add
		}
		dims := make([]int, len(d)-1)
		for k := range dims {
			dims[k] = k + 1
		}
		return b.emit(l, func() (activation.Output, error) { return formulations.FlattenDims(b.c, b.cur, dims) })
	case Tanh, *Tanh:
		return b.activation(l, activation.Tanh, activation.TanhBounds)
	case Sigmoid, *Sigmoid:
		return b.activation(l, activation.Sigmoid, activation.SigmoidBounds)
	case ReLU, *ReLU:
		return b.activation(l, func(c *nnopt.Container, v *nnopt.Variable) (activation.Output, error) {
			f, ok := b.reluLayers[i]
			if !ok {
				f = b.relu
			}
			o, err := activation.ReLU(c, v, f)
			if o.Binary != nil {
				b.f.Binaries = append(b.f.Binaries, o.Binary)
				b.f.Unstable += o.Unstable
				b.f.relus = append(b.f.relus, reluLayer{in: v, out: o, before: len(b.f.Equations)})
			}
			if o.Sets != nil {
				b.f.Sets = append(b.f.Sets, o.Sets)
				b.f.Unstable += o.Unstable
				b.f.relus = append(b.f.relus, reluLayer{in: v, out: o, before: len(b.f.Equations)})
			}
			return o.Output, err
		}, nil)
	case LogSoftmax, *LogSoftmax:
		if len(d) != 2 {
			return fmt.Errorf("input %q is over %s; want (batch, features): put a Flatten before it", b.cur.Name(), domainString(d))
		}
		return b.activation(l, func(c *nnopt.Container, v *nnopt.Variable) (activation.Output, error) {
			return activation.LogSoftmax(c, v, -1)
		}, nil)
	case nil:
		return errors.New("layer is nil")
	}
	return fmt.Errorf("no formulation for this layer: %w", nnopt.ErrUnsupported)
}

// layerWeights is what Formulate needs of formulations.Linear and Conv2d.
type layerWeights interface {
	LoadWeights(weight, bias []float64) error
	Weight() formulations.Symbol
	Bias() formulations.Symbol
	WeightVariable() *nnopt.Variable
	BiasVariable() *nnopt.Variable
}

// weights declares l's weights as parameters or variables at the network's
// values and records them under their state-dict keys.
func (b *builder) weights(i int, l layerWeights, ps []param) error {
	var bias []float64
	if len(ps) > 1 {
		bias = *ps[1].data
	}
	if b.mode == TrainableWeights {
		var err error
		switch fl := l.(type) {
		case *formulations.Linear:
			err = fl.MakeVariable(nil)
		case *formulations.Conv2d:
			err = fl.MakeVariable(nil)
		}
		if err != nil {
			return err
		}
		if err := l.WeightVariable().SetLevels(*ps[0].data); err != nil {
			return err
		}
		if bias != nil {
			if err := l.BiasVariable().SetLevels(bias); err != nil {
				return err
			}
		}
	} else if err := l.LoadWeights(*ps[0].data, bias); err != nil {
		return err
	}
	syms := []formulations.Symbol{l.Weight(), l.Bias()}
	for k, p := range ps {
		w := Weight{Key: strconv.Itoa(i) + "." + p.name, Shape: slices.Clone(p.shape)}
		switch v := syms[k].(type) {
		case *nnopt.Variable:
			w.Var = v
		case *nnopt.Parameter:
			w.Param = v
		default:
			return fmt.Errorf("weight %q is a %T, want a variable or parameter", w.Key, v)
		}
		b.f.Weights = append(b.f.Weights, w)
	}
	return nil
}

// emit adds a layer's formulation and starts its output at the network's
// forward pass.
func (b *builder) emit(l Layer, apply func() (activation.Output, error)) error {
	o, err := apply()
	if err != nil {
		return err
	}
	b.f.Equations = append(b.f.Equations, o.Equations...)
	if b.vals != nil {
		if err := l.Forward(o.Var.L, b.vals, b.batch); err != nil {
			return err
		}
		b.vals = o.Var.L
	}
	b.cur = o.Var
	return nil
}

// activation adds an activation, which needs a variable input; narrow, when
// not nil, is how its implied bounds follow its input's (see Formulate).
func (b *builder) activation(l Layer, f func(*nnopt.Container, *nnopt.Variable) (activation.Output, error), narrow func(y, x *nnopt.Variable) error) error {
	v, ok := b.cur.(*nnopt.Variable)
	if !ok {
		return fmt.Errorf("input %q is a %T; an activation needs a variable input", b.cur.Name(), b.cur)
	}
	return b.emit(l, func() (activation.Output, error) {
		o, err := f(b.c, v)
		switch {
		case err != nil || narrow == nil:
		case b.mode == TrainableWeights:
			o.Var.SetBounds(math.Inf(-1), math.Inf(1))
		default:
			err = narrow(o.Var, v)
		}
		return o, err
	})
}

// maxPool adds a big-M max pooling and starts its binaries at a choice of each
// window's maximum, so the start point satisfies its equations.
func (b *builder) maxPool(l *MaxPool2d) error {
	if err := wantMaps(b.cur, l.Channels, l.Height, l.Width); err != nil {
		return err
	}
	p, err := formulations.NewMaxPool2d(b.c, l.Kernel, formulations.Pool2dSettings{Stride: l.stride(), Padding: l.Padding, BigM: b.bigM})
	if err != nil {
		return err
	}
	in := b.vals
	var po formulations.PoolOutput
	err = b.emit(l, func() (activation.Output, error) {
		var err error
		if po, err = p.Apply(b.cur); err != nil && b.bigM == 0 {
			err = fmt.Errorf("%w (or set FormulateSettings.PoolBigM)", err)
		}
		return po.Output, err
	})
	if err != nil || in == nil {
		return err
	}
	y, taps := po.Var.L, po.Taps
	mapIn, mapOut := l.Height*l.Width, len(y)/(b.batch*l.Channels)
	ow := mapOut / ((l.Height+2*l.Padding-l.Kernel)/l.stride() + 1)
	picked := make([]bool, mapOut)
	for m := 0; m < b.batch*l.Channels; m++ {
		clear(picked)
		for k, t := range taps {
			o := t.Out[0]*ow + t.Out[1]
			if !picked[o] && in[m*mapIn+t.In[0]*l.Width+t.In[1]] == y[m*mapOut+o] {
				picked[o] = true
				po.Choice.L[m*len(taps)+k] = 1
			}
		}
	}
	return nil
}

// wantMaps checks that x is over (batch, channels, height, width).
func wantMaps(x formulations.Symbol, channels, height, width int) error {
	d := x.Domain()
	if len(d) != 4 || d[1].Len() != channels || d[2].Len() != height || d[3].Len() != width {
		return fmt.Errorf("input %q is over %s; want (batch, %d, %d, %d)", x.Name(), domainString(d), channels, height, width)
	}
	return nil
}

// symbolValues returns the current values of a variable or parameter.
func symbolValues(x formulations.Symbol) []float64 {
	switch x := x.(type) {
	case *nnopt.Variable:
		return x.L
	case *nnopt.Parameter:
		return x.Values
	}
	return nil
}

func layerName(l Layer) string {
	if l == nil {
		return "nil"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", l), "*")
}

func domainString(d []*nnopt.Set) string {
	parts := make([]string, len(d))
	for i, s := range d {
		parts[i] = s.Name() + "=" + strconv.Itoa(s.Len())
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
