package nn_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/formulations"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

func uniform(rng *rand.Rand, n int, a float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = a * (2*rng.Float64() - 1)
	}
	return x
}

// refMLP is cmd/train's network: Flatten, Linear(in, hidden), Tanh, Linear(hidden,
// 10), LogSoftmax, no biases.
func refMLP(rng *rand.Rand, in, hidden int) *nn.Sequential {
	return &nn.Sequential{Layers: []nn.Layer{
		nn.Flatten{},
		&nn.Linear{In: in, Out: hidden, Weight: uniform(rng, in*hidden, 0.1)},
		nn.Tanh{},
		&nn.Linear{In: hidden, Out: 10, Weight: uniform(rng, hidden*10, 0.5)},
		nn.LogSoftmax{},
	}}
}

// refCNN is the reference CNN (cmd/train's layer indices) followed by LogSoftmax.
func refCNN(rng *rand.Rand) *nn.Sequential {
	conv := func(in, out, k, side int) *nn.Conv2d {
		a := 1 / math.Sqrt(float64(in*k*k))
		return &nn.Conv2d{In: in, Out: out, Kernel: k, Height: side, Width: side, Weight: uniform(rng, out*in*k*k, a), Bias: uniform(rng, out, a)}
	}
	return &nn.Sequential{Layers: []nn.Layer{
		conv(1, 2, 5, 28), nn.Tanh{}, &nn.AvgPool2d{Kernel: 2, Channels: 2, Height: 24, Width: 24},
		conv(2, 3, 5, 12), nn.Tanh{}, &nn.AvgPool2d{Kernel: 2, Channels: 3, Height: 8, Width: 8},
		conv(3, 10, 4, 4), nn.Flatten{}, nn.LogSoftmax{},
	}}
}

// smallCNN has every supported layer kind, biases and a stride.
func smallCNN(rng *rand.Rand) *nn.Sequential {
	return &nn.Sequential{Layers: []nn.Layer{
		&nn.Conv2d{In: 2, Out: 3, Kernel: 3, Padding: 1, Height: 8, Width: 8, Weight: uniform(rng, 3*2*9, 0.4), Bias: uniform(rng, 3, 0.4)},
		nn.Sigmoid{},
		&nn.AvgPool2d{Kernel: 2, Channels: 3, Height: 8, Width: 8},
		&nn.Conv2d{In: 3, Out: 4, Kernel: 2, Stride: 2, Height: 4, Width: 4, Weight: uniform(rng, 4*3*4, 0.4), Bias: uniform(rng, 4, 0.4)},
		nn.Tanh{},
		nn.Flatten{},
		&nn.Linear{In: 16, Out: 3, Weight: uniform(rng, 48, 0.5), Bias: uniform(rng, 3, 0.5)},
		nn.LogSoftmax{},
	}}
}

// withLoss adds the summed NLL of out (batch, classes) at labels and the model.
func withLoss(t *testing.T, c *nnopt.Container, f *nn.Formulation, labels []uint8) (*nnopt.Model, *nnopt.Variable) {
	t.Helper()
	loss, err := formulations.NLLLoss(c, f.Output, labels)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("train", nnopt.ModelSpec{Equations: append(slices.Clone(f.Equations), loss.Equation), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: loss.Var})
	if err != nil {
		t.Fatal(err)
	}
	return m, loss.Var
}

func labelsOf(rng *rand.Rand, n, classes int) []uint8 {
	l := make([]uint8, n)
	for i := range l {
		l[i] = uint8(rng.IntN(classes))
	}
	return l
}

func TestFormulateStatisticsMatchReference(t *testing.T) {
	const batch = 500
	rng := rand.New(rand.NewPCG(1, 2))
	x := uniform(rng, batch*784, 1)
	labels := labelsOf(rng, batch, 10)
	mlp, err := refmodel.NewMLP(x, labels, 784, 20, 10, make([]float64, 784*20), make([]float64, 200), 5)
	if err != nil {
		t.Fatal(err)
	}
	cnn, err := refmodel.NewCNN(x, labels, rng, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		net   *nn.Sequential
		shape []int
		ref   *nnopt.Model
		rows  int // the reference's equation count
	}{
		{"mlp 784-20-10", refMLP(rng, 784, 20), []int{batch, 784}, mlp.Model, 30001},
		{"reference cnn", refCNN(rng), []int{batch, 1, 28, 28}, cnn.Model, 1527001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := nnopt.NewContainer()
			a1 := c.NewParameter("a1", c.Dims(tc.shape...)...)
			if err := a1.SetValues(x); err != nil {
				t.Fatal(err)
			}
			f, err := nn.Formulate(c, tc.net, a1, nn.FormulateSettings{Weights: nn.TrainableWeights})
			if err != nil {
				t.Fatal(err)
			}
			m, _ := withLoss(t, c, f, labels)
			got, err := m.Statistics()
			if err != nil {
				t.Fatal(err)
			}
			want, err := tc.ref.Statistics()
			if err != nil {
				t.Fatal(err)
			}
			if got != want || got.Constraints != tc.rows {
				t.Errorf("statistics:\n got %+v\nwant %+v (%d rows)", got, want, tc.rows)
			}
		})
	}
}

// forwardByModel runs the solver's forward sweep alone (a solve cancelled before its
// first iteration) from zeroed layer levels, and returns the output levels.
func forwardByModel(t *testing.T, c *nnopt.Container, f *nn.Formulation) []float64 {
	t.Helper()
	for _, v := range f.Layers {
		if v != nil && v.Name() != "x" { // the input keeps its levels
			clear(v.L)
		}
	}
	m, err := c.NewModel("forward", nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.NLP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Solve(ctx, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	return f.Output.L
}

func TestFormulateForwardMatchesSequential(t *testing.T) {
	for _, tc := range []struct {
		name     string
		net      func(*rand.Rand) *nn.Sequential
		shape    []int
		mode     nn.WeightMode
		variable bool // the input is a variable (as for adversarial inputs)
	}{
		{"mlp trainable", func(r *rand.Rand) *nn.Sequential { return refMLP(r, 784, 20) }, []int{7, 784}, nn.TrainableWeights, false},
		{"mlp fixed, variable input", func(r *rand.Rand) *nn.Sequential { return refMLP(r, 784, 20) }, []int{7, 784}, nn.FixedWeights, true},
		{"mlp fixed, image input", func(r *rand.Rand) *nn.Sequential { return refMLP(r, 784, 20) }, []int{3, 1, 28, 28}, nn.FixedWeights, true},
		{"reference cnn trainable", refCNN, []int{5, 1, 28, 28}, nn.TrainableWeights, false},
		{"reference cnn fixed", refCNN, []int{5, 1, 28, 28}, nn.FixedWeights, true},
		{"small cnn", smallCNN, []int{6, 2, 8, 8}, nn.TrainableWeights, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			net := tc.net(rng)
			n := 1
			for _, s := range tc.shape {
				n *= s
			}
			x := uniform(rng, n, 2)
			c := nnopt.NewContainer()
			var in interface {
				Name() string
			}
			var f *nn.Formulation
			var err error
			if tc.variable {
				v := c.NewVariable("x", nnopt.Free, c.Dims(tc.shape...)...)
				if err := v.SetLevels(x); err != nil {
					t.Fatal(err)
				}
				copy(v.Lo, x) // fixed: only the sweep runs
				copy(v.Up, x)
				in = v
				f, err = nn.Formulate(c, net, v, nn.FormulateSettings{Weights: tc.mode})
			} else {
				p := c.NewParameter("x", c.Dims(tc.shape...)...)
				if err := p.SetValues(x); err != nil {
					t.Fatal(err)
				}
				in = p
				f, err = nn.Formulate(c, net, p, nn.FormulateSettings{Weights: tc.mode})
			}
			if err != nil {
				t.Fatalf("Formulate(%s): %v", in.Name(), err)
			}
			want, err := net.Forward(x, tc.shape[0])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.Output.L, want) {
				t.Errorf("initial output levels are not the network's forward pass")
			}
			got := forwardByModel(t, c, f)
			for i := range want {
				if d := math.Abs(got[i] - want[i]); d > 1e-12*math.Max(1, math.Abs(want[i])) {
					t.Fatalf("output %d: model %.17g, Sequential.Forward %.17g (diff %.3g)", i, got[i], want[i], d)
				}
			}
			sd := net.StateDict()
			if len(f.Weights) != len(sd) {
				t.Fatalf("%d weights, state dict has %d", len(f.Weights), len(sd))
			}
			for _, w := range f.Weights {
				if (w.Var != nil) != (tc.mode == nn.TrainableWeights) || (w.Param != nil) == (tc.mode == nn.TrainableWeights) {
					t.Errorf("%s: Var %v, Param %v in mode %v", w.Key, w.Var != nil, w.Param != nil, tc.mode)
				}
			}
			for k, w := range f.StateDict() {
				if !slices.Equal(w.Shape, sd[k].Shape) || !slices.Equal(w.Data, sd[k].Data) {
					t.Errorf("%s: formulation shape %v differs from the network's %v, or its values do", k, w.Shape, sd[k].Shape)
				}
			}
		})
	}
}

func TestFormulateTrainsAndWritesBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		net    func(*rand.Rand) *nn.Sequential
		shape  []int
		method nlpsolve.Method
	}{
		{"small cnn lbfgs", smallCNN, []int{40, 2, 8, 8}, nlpsolve.LBFGS},
		{"mlp newton-cg", func(r *rand.Rand) *nn.Sequential { return refMLP(r, 64, 8) }, []int{30, 64}, nlpsolve.NewtonCG},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			net := tc.net(rng)
			n := 1
			for _, s := range tc.shape {
				n *= s
			}
			x := uniform(rng, n, 1)
			out, _ := net.OutSize(n / tc.shape[0])
			labels := labelsOf(rng, tc.shape[0], out)
			c := nnopt.NewContainer()
			a := c.NewParameter("x", c.Dims(tc.shape...)...)
			if err := a.SetValues(x); err != nil {
				t.Fatal(err)
			}
			f, err := nn.Formulate(c, net, a, nn.FormulateSettings{Weights: nn.TrainableWeights})
			if err != nil {
				t.Fatal(err)
			}
			m, _ := withLoss(t, c, f, labels)
			before := nll(t, net, x, labels)
			if err := m.Solve(context.Background(), nnopt.Options{IterationLimit: 10, Method: tc.method}); err != nil {
				t.Fatal(err)
			}
			t.Logf("loss %.6g -> %.6g in %d iterations (%v)", before, m.ObjectiveValue, m.NumIterations, m.Status)
			if !(m.ObjectiveValue < 0.9*before) {
				t.Errorf("loss %g after %d iterations, want below 0.9 × the initial %g", m.ObjectiveValue, m.NumIterations, before)
			}
			if err := f.WriteBack(); err != nil {
				t.Fatal(err)
			}
			got, err := net.Forward(x, tc.shape[0])
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range f.Output.L {
				if d := math.Abs(got[i] - v); d > 1e-10*math.Max(1, math.Abs(v)) {
					t.Fatalf("output %d: written-back network %.17g, solved level %.17g", i, got[i], v)
				}
			}
			if l := nll(t, net, x, labels); math.Abs(l-m.ObjectiveValue) > 1e-9*math.Max(1, l) {
				t.Errorf("written-back network's loss %.17g, solved objective %.17g", l, m.ObjectiveValue)
			}
		})
	}
}

func nll(t *testing.T, net *nn.Sequential, x []float64, labels []uint8) float64 {
	t.Helper()
	out, err := net.Forward(x, len(labels))
	if err != nil {
		t.Fatal(err)
	}
	k := len(out) / len(labels)
	var s float64
	for i, l := range labels {
		s -= out[i*k+int(l)]
	}
	return s
}

type custom struct{ nn.Flatten }

func TestFormulateErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	mlp := refMLP(rng, 16, 4)
	c := nnopt.NewContainer()
	flat := c.NewParameter("flat", c.Dims(2, 16)...)
	maps := c.NewParameter("maps", c.Dims(2, 1, 4, 4)...)
	flatVar := c.NewVariable("flat_var", nnopt.Free, c.Dims(2, 16)...)
	scalarBatch := c.NewParameter("rows", c.Dims(2)...)
	for _, tc := range []struct {
		name string
		c    *nnopt.Container
		net  *nn.Sequential
		x    interface{}
		mode nn.WeightMode
		want []string
	}{
		{"nil container", nil, mlp, flat, 0, []string{"nil container"}},
		{"nil network", c, nil, flat, 0, []string{"nil network"}},
		{"nil input", c, mlp, nil, 0, []string{"nil input"}},
		{"unknown mode", c, mlp, flat, 7, []string{"unknown weight mode 7"}},
		{"input without features", c, mlp, scalarBatch, 0, []string{`input "rows"`, "want (batch, features...)"}},
		{"wrong feature count", c, refMLP(rng, 10, 4), flat, 0, []string{`input "flat"`, "16 values per sample", "layer 1", "want In=10"}},
		{"unknown layer type", c, &nn.Sequential{Layers: []nn.Layer{custom{}}}, flatVar, 0, []string{"layer 0 (nn_test.custom)", "not supported yet"}},
		{"nil layer", c, &nn.Sequential{Layers: []nn.Layer{nil}}, flat, 0, []string{"layer 0 is nil"}},
		{"linear needs flatten", c, &nn.Sequential{Layers: []nn.Layer{&nn.Linear{In: 16, Out: 3, Weight: make([]float64, 48)}}}, maps, 0,
			[]string{"layer 0 (nn.Linear)", `"maps"`, "put a Flatten before it"}},
		{"conv needs maps", c, &nn.Sequential{Layers: []nn.Layer{&nn.Conv2d{In: 1, Out: 1, Kernel: 2, Height: 4, Width: 4, Weight: make([]float64, 4)}}}, flat, 0,
			[]string{"layer 0 (nn.Conv2d)", "want (batch, 1, 4, 4)"}},
		{"pool shape", c, &nn.Sequential{Layers: []nn.Layer{&nn.AvgPool2d{Kernel: 2, Channels: 1, Height: 2, Width: 8}}}, maps, 0,
			[]string{"layer 0 (nn.AvgPool2d)", "want (batch, 1, 2, 8)"}},
		{"log_softmax over maps", c, &nn.Sequential{Layers: []nn.Layer{&nn.AvgPool2d{Kernel: 2, Channels: 1, Height: 4, Width: 4}, nn.LogSoftmax{}}}, maps, 0,
			[]string{"layer 1 (nn.LogSoftmax)", "put a Flatten before it"}},
		{"activation of a parameter", c, &nn.Sequential{Layers: []nn.Layer{nn.Tanh{}}}, flat, 0, []string{"layer 0 (nn.Tanh)", "needs a variable input"}},
		{"nothing to formulate", c, &nn.Sequential{Layers: []nn.Layer{nn.Flatten{}}}, flat, 0, []string{"adds no equations", `"flat"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			switch x := tc.x.(type) {
			case *nnopt.Parameter:
				_, err = nn.Formulate(tc.c, tc.net, x, nn.FormulateSettings{Weights: tc.mode})
			case *nnopt.Variable:
				_, err = nn.Formulate(tc.c, tc.net, x, nn.FormulateSettings{Weights: tc.mode})
			default:
				_, err = nn.Formulate(tc.c, tc.net, nil, nn.FormulateSettings{Weights: tc.mode})
			}
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(tc.name, "not supported") && !errors.Is(err, nnopt.ErrUnsupported) {
				t.Errorf("error %q does not wrap nnopt.ErrUnsupported", err)
			}
		})
	}
}

func TestWriteBackChecksTheNetwork(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	net := refMLP(rng, 16, 4)
	c := nnopt.NewContainer()
	x := c.NewParameter("x", c.Dims(2, 16)...)
	f, err := nn.Formulate(c, net, x, nn.FormulateSettings{Weights: nn.TrainableWeights})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range f.Weights {
		w.Var.Fix(0.25)
	}
	before := net.StateDict()
	net.Layers[3] = &nn.Linear{In: 4, Out: 10, Weight: make([]float64, 40), Bias: make([]float64, 10)}
	if err := f.WriteBack(); err == nil || !strings.Contains(err.Error(), `missing key "3.bias"`) {
		t.Errorf("WriteBack into a changed network: error %v, want one naming the missing key", err)
	}
	if got := net.StateDict()["1.weight"].Data; !slices.Equal(got, before["1.weight"].Data) {
		t.Error("a failed WriteBack changed the network")
	}
	if err := (&nn.Formulation{}).WriteBack(); err == nil {
		t.Error("WriteBack of a zero Formulation: no error")
	}
}

func ExampleFormulate() {
	// Embed a tiny trained network with fixed weights; x is the input batch.
	net := &nn.Sequential{Layers: []nn.Layer{
		nn.Flatten{},
		&nn.Linear{In: 3, Out: 2, Weight: []float64{1, 2, 3, 4, 5, 6}, Bias: []float64{0.5, -0.5}},
		nn.Tanh{},
		&nn.Linear{In: 2, Out: 3, Weight: []float64{1, -1, -1, 1, 0, 2}},
		nn.LogSoftmax{},
	}}
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(4, 3)...)
	f, err := nn.Formulate(c, net, x, nn.FormulateSettings{Weights: nn.FixedWeights})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(f.Equations), "equations, output", f.Output.Name())
	for _, w := range f.Weights {
		fmt.Println(w.Key, w.Shape, w.Param.Name())
	}
	// Output:
	// 4 equations, output linear_out_2_log_softmax
	// 1.weight [2 3] linear_weight
	// 1.bias [2] linear_bias
	// 3.weight [3 2] linear_weight_2
}

func TestMaxPool2dForward(t *testing.T) {
	nan := math.NaN()
	x := []float64{
		1, 2, 3, 4,
		5, 6, 7, 8,
		-1, -2, -3, -4,
		-5, 0, nan, -8,
	}
	for _, tc := range []struct {
		name string
		p    nn.MaxPool2d
		want []float64
		err  string
	}{
		{"kernel 2", nn.MaxPool2d{Kernel: 2, Channels: 1, Height: 4, Width: 4}, []float64{6, 8, 0, nan}, ""},
		{"kernel 3 stride 1 padding 1", nn.MaxPool2d{Kernel: 3, Stride: 1, Padding: 1, Channels: 1, Height: 4, Width: 4},
			[]float64{6, 7, 8, 8, 6, 7, 8, 8, 6, nan, nan, nan, 0, nan, nan, nan}, ""},
		{"kernel 3 stride 2 floor", nn.MaxPool2d{Kernel: 3, Stride: 2, Channels: 1, Height: 4, Width: 4}, []float64{7}, ""},
		{"padding over half the kernel", nn.MaxPool2d{Kernel: 2, Padding: 2, Channels: 1, Height: 4, Width: 4}, nil, "at most half"},
		{"kernel too large", nn.MaxPool2d{Kernel: 5, Channels: 1, Height: 4, Width: 4}, nil, "larger than"},
		{"wrong input size", nn.MaxPool2d{Kernel: 2, Channels: 2, Height: 4, Width: 4}, nil, "want Channels*Height*Width"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := &nn.Sequential{Layers: []nn.Layer{&tc.p}}
			got, err := net.Forward(x, 1)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] && !(math.IsNaN(got[i]) && math.IsNaN(tc.want[i])) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func poolNet(rng *rand.Rand) *nn.Sequential {
	return &nn.Sequential{Layers: []nn.Layer{
		&nn.Conv2d{In: 1, Out: 2, Kernel: 3, Height: 6, Width: 6, Weight: uniform(rng, 18, 0.5), Bias: uniform(rng, 2, 0.5)},
		nn.Tanh{},
		&nn.MaxPool2d{Kernel: 2, Channels: 2, Height: 4, Width: 4},
		nn.Flatten{},
		&nn.Linear{In: 8, Out: 3, Weight: uniform(rng, 24, 0.5)},
		nn.LogSoftmax{},
	}}
}

// A fixed network over a bounded input gets bounds on every layer (big-M pooling
// needs them); the start point lies within them and satisfies every row.
func TestFormulateMaxPoolStartsFeasible(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	net := poolNet(rng)
	for _, tc := range []struct {
		name string
		set  nn.FormulateSettings
		err  string
	}{
		{"fixed, bounds propagated", nn.FormulateSettings{}, ""},
		{"trainable with big-M", nn.FormulateSettings{Weights: nn.TrainableWeights, PoolBigM: 10}, ""},
		{"trainable without big-M", nn.FormulateSettings{Weights: nn.TrainableWeights}, "PoolBigM"},
		{"negative big-M", nn.FormulateSettings{PoolBigM: -1}, "PoolBigM -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := nnopt.NewContainer()
			x := c.NewVariable("x", nnopt.Free, c.Dims(3, 1, 6, 6)...)
			x.SetBounds(-1, 1)
			copy(x.L, uniform(rng, len(x.L), 1))
			f, err := nn.Formulate(c, net, x, tc.set)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := net.Forward(x.L, 3)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.Output.L, want) {
				t.Errorf("output levels %v, want the forward pass %v", f.Output.L, want)
			}
			for i, v := range f.Layers {
				for k := range v.L {
					if v.L[k] < v.Lo[k]-1e-12 || v.L[k] > v.Up[k]+1e-12 {
						t.Fatalf("layer %d %q[%d] = %g outside its bounds [%g, %g]", i, v.Name(), k, v.L[k], v.Lo[k], v.Up[k])
					}
				}
			}
			if logits := f.Layers[4]; tc.set.Weights == nn.FixedWeights && (math.IsInf(logits.Lo[0], 0) || math.IsInf(logits.Up[0], 0)) {
				t.Errorf("fixed weights and a bounded input: logit bounds [%g, %g], want finite", logits.Lo[0], logits.Up[0])
			}
			m, err := c.NewModel("pool", nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.MINLP, Sense: nnopt.Feasibility})
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Residuals()
			if err != nil {
				t.Fatal(err)
			}
			for e, r := range res {
				for k, v := range r {
					if e.Type == nnopt.EQ && math.Abs(v) > 1e-12 || e.Type == nnopt.GE && v < -1e-12 || e.Type == nnopt.LE && v > 1e-12 {
						t.Fatalf("%s row %d (%v): residual %g at the start point", e.Name(), k, e.Type, v)
					}
				}
			}
		})
	}
}
