package nn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// mlp returns the reference MNIST network
// nn.Sequential(Flatten, Linear(784,20,bias=False), Tanh,
// Linear(20,10,bias=False), LogSoftmax(dim=1)) with weights from rng, or
// with nil weights if rng is nil.
func mlp(rng *rand.Rand) *Sequential {
	l1 := &Linear{In: 784, Out: 20}
	l2 := &Linear{In: 20, Out: 10}
	if rng != nil {
		l1.Weight = make([]float64, 784*20)
		l2.Weight = make([]float64, 20*10)
		XavierUniform(rng, l1.In, l1.Out, 1, l1.Weight)
		XavierUniform(rng, l2.In, l2.Out, 1, l2.Weight)
	}
	return &Sequential{Layers: []Layer{Flatten{}, l1, Tanh{}, l2, LogSoftmax{}}}
}

func randomInput(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.Float64()
	}
	return x
}

// closeTo reports whether a and b have the same length and differ by at
// most tol everywhere (NaN is never close).
func closeTo(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= tol) {
			return false
		}
	}
	return true
}

func TestSequentialForwardHand(t *testing.T) {
	// x Wᵀ + b for W = [[1 2] [3 4]], b = [0.5 -1]:
	//   [1 1]  -> [3.5 6]    -> ReLU [3.5 6] -> [1 -1]·  = -2.5 -> tanh
	//   [0 -1] -> [-1.5 -5]  -> ReLU [0 0]   ->          =  0   -> tanh
	net := &Sequential{Layers: []Layer{
		Flatten{},
		&Linear{In: 2, Out: 2, Weight: []float64{1, 2, 3, 4}, Bias: []float64{0.5, -1}},
		ReLU{},
		&Linear{In: 2, Out: 1, Weight: []float64{1, -1}},
		Tanh{},
	}}
	got, err := net.Forward([]float64{1, 1, 0, -1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{math.Tanh(-2.5), 0}; !slices.Equal(got, want) {
		t.Errorf("Forward = %v, want %v", got, want)
	}
	if n, err := net.OutSize(2); n != 1 || err != nil {
		t.Errorf("OutSize(2) = %d, %v; want 1", n, err)
	}

	// Sigmoid and LogSoftmax on a 2-sample, 2-class output.
	net = &Sequential{Layers: []Layer{
		&Linear{In: 1, Out: 2, Weight: []float64{1, -1}, Bias: []float64{0, 0}},
		Sigmoid{},
		LogSoftmax{},
	}}
	got, err = net.Forward([]float64{0, math.Log(3)}, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Sample 0: sigmoid(0)=0.5 twice, so log(1/2) each. Sample 1:
	// sigmoid(±log 3) = 3/4 and 1/4.
	l := math.Log(math.Exp(0.75) + math.Exp(0.25))
	want := []float64{-math.Ln2, -math.Ln2, 0.75 - l, 0.25 - l}
	if !closeTo(got, want, 1e-15) {
		t.Errorf("Forward = %v, want %v", got, want)
	}
}

func TestSequentialNoLayers(t *testing.T) {
	x := []float64{1, 2, 3}
	got, err := (&Sequential{}).Forward(x, 3)
	if err != nil || !slices.Equal(got, x) {
		t.Fatalf("Forward = %v, %v; want a copy of x", got, err)
	}
	got[0] = 9
	if x[0] != 1 {
		t.Error("Forward without layers returned x itself")
	}
}

func TestSigmoid(t *testing.T) {
	x := []float64{0, 1, -1, 40, -40, 700, -700, 1000, -1000}
	dst := make([]float64, len(x))
	if err := (Sigmoid{}).Forward(dst, x, 1); err != nil {
		t.Fatal(err)
	}
	for i, v := range x {
		// exp(-700) is representable; 1/(1+exp(700)) would lose it.
		want := 1 / (1 + math.Exp(-v))
		if v < 0 {
			want = math.Exp(v) / (1 + math.Exp(v))
		}
		if math.IsNaN(dst[i]) || math.Abs(dst[i]-want) > 1e-15*want {
			t.Errorf("sigmoid(%v) = %v, want %v", v, dst[i], want)
		}
	}
	if dst[6] == 0 {
		t.Error("sigmoid(-700) underflowed to 0")
	}
}

func TestReLU(t *testing.T) {
	x := []float64{-2, -0.5, 0, 0.5, 3, math.Inf(-1), math.Inf(1)}
	if err := (ReLU{}).Forward(x, x, 7); err != nil { // In place.
		t.Fatal(err)
	}
	if want := []float64{0, 0, 0, 0.5, 3, 0, math.Inf(1)}; !slices.Equal(x, want) {
		t.Errorf("ReLU = %v, want %v", x, want)
	}
}

func TestLogSoftmax(t *testing.T) {
	for _, test := range []struct {
		name string
		row  []float64
		want []float64 // nil: only check normalisation.
	}{
		{"uniform", []float64{0, 0, 0}, []float64{-math.Log(3), -math.Log(3), -math.Log(3)}},
		{"large equal", []float64{1000, 1000}, []float64{-math.Ln2, -math.Ln2}},
		{"very negative", []float64{-1000, -1000}, []float64{-math.Ln2, -math.Ln2}},
		{"large", []float64{1000, 999, 998}, nil},
		{"spread", []float64{-1000, 0, 1000}, []float64{-2000, -1000, 0}},
		{"single", []float64{123}, []float64{0}},
		{"ordinary", []float64{0.3, -1.2, 2.5, 0.01}, nil},
	} {
		// Two copies of the row, the second shifted by 500: log-softmax
		// is shift invariant.
		n := len(test.row)
		x := append(slices.Clone(test.row), test.row...)
		for i := n; i < 2*n; i++ {
			x[i] += 500
		}
		dst := make([]float64, 2*n)
		if err := (LogSoftmax{}).Forward(dst, x, 2); err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		for r := 0; r < 2; r++ {
			row := dst[r*n : (r+1)*n]
			var sum float64
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) || v > 0 {
					t.Errorf("%s: row %d = %v, want finite values <= 0", test.name, r, row)
				}
				sum += math.Exp(v)
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("%s: row %d exp-sums to %v, want 1", test.name, r, sum)
			}
			if test.want != nil && !closeTo(row, test.want, 1e-12) {
				t.Errorf("%s: row %d = %v, want %v", test.name, r, row, test.want)
			}
			if !closeTo(row, dst[:n], 1e-12) {
				t.Errorf("%s: shifted row %v differs from %v", test.name, row, dst[:n])
			}
		}
		// In place gives the same result.
		if err := (LogSoftmax{}).Forward(x, x, 2); err != nil || !slices.Equal(x, dst) {
			t.Errorf("%s: in-place result %v, want %v", test.name, x, dst)
		}
	}
}

func TestLayerErrors(t *testing.T) {
	lin := &Linear{In: 2, Out: 3, Weight: make([]float64, 6)}
	for _, test := range []struct {
		name     string
		layer    Layer
		dst, x   []float64
		batch    int
		contains string
	}{
		{"zero batch", lin, make([]float64, 3), make([]float64, 2), 0, "batch=0 must be positive"},
		{"ragged x", lin, make([]float64, 3), make([]float64, 3), 2, "len(x)=3 is not a multiple of batch=2"},
		{"wrong in", lin, make([]float64, 3), make([]float64, 3), 1, "input has 3 values per sample, want In=2"},
		{"short dst", lin, make([]float64, 5), make([]float64, 4), 2, "len(dst)=5, want batch*out=2*3"},
		{"bad weight", &Linear{In: 2, Out: 3, Weight: make([]float64, 5)}, make([]float64, 3), make([]float64, 2), 1, "len(Weight)=5, want Out*In=3*2"},
		{"nil weight", &Linear{In: 2, Out: 3}, make([]float64, 3), make([]float64, 2), 1, "len(Weight)=0"},
		{"bad bias", &Linear{In: 2, Out: 3, Weight: make([]float64, 6), Bias: []float64{1}}, make([]float64, 3), make([]float64, 2), 1, "len(Bias)=1, want Out=3"},
		{"zero size", &Linear{}, nil, make([]float64, 2), 1, "In=0 and Out=0 must be positive"},
		{"tanh dst", Tanh{}, make([]float64, 1), make([]float64, 2), 1, "len(dst)=1"},
		{"sigmoid batch", Sigmoid{}, nil, nil, -1, "batch=-1"},
		{"relu ragged", ReLU{}, make([]float64, 3), make([]float64, 3), 2, "not a multiple"},
		{"flatten dst", Flatten{}, make([]float64, 3), make([]float64, 2), 1, "len(dst)=3"},
		{"logsoftmax dst", LogSoftmax{}, make([]float64, 3), make([]float64, 2), 1, "len(dst)=3"},
	} {
		err := test.layer.Forward(test.dst, test.x, test.batch)
		if err == nil || !strings.Contains(err.Error(), test.contains) {
			t.Errorf("%s: error = %v, want it to contain %q", test.name, err, test.contains)
		}
	}

	for _, test := range []struct {
		name     string
		net      *Sequential
		x        []float64
		batch    int
		contains string
	}{
		{"nil layer", &Sequential{Layers: []Layer{Tanh{}, nil}}, make([]float64, 2), 1, "layer 1 is nil"},
		{"size mismatch", mlp(rand.New(rand.NewPCG(1, 1))), make([]float64, 783), 1, "layer 1 (*nn.Linear): Linear: input has 783 values per sample, want In=784"},
		{"ragged", mlp(nil), make([]float64, 785), 2, "len(x)=785 is not a multiple of batch=2"},
		{"zero batch", mlp(nil), nil, 0, "batch=0 must be positive"},
		{"unloaded", mlp(nil), make([]float64, 784), 1, "layer 1 (*nn.Linear): Linear: len(Weight)=0, want Out*In=20*784"},
	} {
		if _, err := test.net.Forward(test.x, test.batch); err == nil || !strings.Contains(err.Error(), test.contains) {
			t.Errorf("%s: Forward error = %v, want it to contain %q", test.name, err, test.contains)
		}
		if _, err := test.net.Predict(test.x, test.batch); err == nil || !strings.Contains(err.Error(), test.contains) {
			t.Errorf("%s: Predict error = %v, want it to contain %q", test.name, err, test.contains)
		}
		labels := make([]uint8, max(test.batch, 0))
		if _, err := test.net.Accuracy(test.x, labels, test.batch); err == nil || !strings.Contains(err.Error(), test.contains) {
			t.Errorf("%s: Accuracy error = %v, want it to contain %q", test.name, err, test.contains)
		}
	}
}

func TestLinearBatchConsistency(t *testing.T) {
	// A batch gives the same rows as one sample at a time, and matches a
	// direct dot product.
	rng := rand.New(rand.NewPCG(5, 6))
	l := &Linear{In: 7, Out: 4, Weight: randomInput(rng, 28), Bias: randomInput(rng, 4)}
	const batch = 9
	x := randomInput(rng, batch*7)
	dst := make([]float64, batch*4)
	if err := l.Forward(dst, x, batch); err != nil {
		t.Fatal(err)
	}
	for r := 0; r < batch; r++ {
		for o := 0; o < 4; o++ {
			want := l.Bias[o]
			for i := 0; i < 7; i++ {
				want += x[r*7+i] * l.Weight[o*7+i]
			}
			if math.Abs(dst[r*4+o]-want) > 1e-14 {
				t.Errorf("row %d out %d = %v, want %v", r, o, dst[r*4+o], want)
			}
		}
	}
}

func TestPredictAccuracy(t *testing.T) {
	// With only Flatten the outputs are the inputs, so the prediction is
	// the argmax of each input row. 2500 samples span three chunks.
	const n, k = 2500, 10
	rng := rand.New(rand.NewPCG(9, 9))
	x := randomInput(rng, n*k)
	labels := make([]uint8, n)
	want := make([]int, n)
	correct := 0
	for r := range n {
		want[r] = r % k
		x[r*k+want[r]] = 2 // Larger than every other value in [0, 1).
		labels[r] = uint8(want[r])
		if r%4 == 0 { // Every fourth label is wrong.
			labels[r] = uint8((want[r] + 1) % k)
		} else {
			correct++
		}
	}
	net := &Sequential{Layers: []Layer{Flatten{}}}
	pred, err := net.Predict(x, n)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pred, want) {
		t.Error("Predict differs from the row argmax")
	}
	acc, err := net.Accuracy(x, labels, n)
	if err != nil {
		t.Fatal(err)
	}
	if wantAcc := float64(correct) / n; acc != wantAcc {
		t.Errorf("Accuracy = %v, want %v", acc, wantAcc)
	}
	if acc, err := net.Accuracy(x[:k], []uint8{0}, 1); err != nil || acc != 1 {
		t.Errorf("Accuracy of one correct sample = %v, %v; want 1", acc, err)
	}
	if acc, err := net.Accuracy(x[:k], []uint8{3}, 1); err != nil || acc != 0 {
		t.Errorf("Accuracy of one wrong sample = %v, %v; want 0", acc, err)
	}
	if _, err := net.Accuracy(x, labels[:10], n); err == nil || !strings.Contains(err.Error(), "len(labels)=10, want batch=2500") {
		t.Errorf("Accuracy with short labels: error = %v", err)
	}

	// Ties go to the first index; NaN is never preferred to a number.
	pred, err = net.Predict([]float64{1, 3, 3, math.NaN(), 2, 1, math.NaN(), math.NaN(), math.NaN()}, 3)
	if err != nil || !slices.Equal(pred, []int{1, 1, 0}) {
		t.Errorf("Predict with ties and NaN = %v, %v; want [1 1 0]", pred, err)
	}

	// The MLP's Predict agrees with the argmax of its Forward output.
	m := mlp(rand.New(rand.NewPCG(1, 2)))
	xs := randomInput(rng, 1500*784)
	out, err := m.Forward(xs, 1500)
	if err != nil {
		t.Fatal(err)
	}
	pred, err = m.Predict(xs, 1500)
	if err != nil {
		t.Fatal(err)
	}
	if want := appendArgmax(nil, out, 1500); !slices.Equal(pred, want) {
		t.Error("chunked Predict differs from argmax of Forward")
	}
}

func TestStateDictRoundTrip(t *testing.T) {
	src := mlp(rand.New(rand.NewPCG(11, 12)))
	sd := src.StateDict()
	if len(sd) != 2 {
		t.Errorf("StateDict has %d keys, want 2", len(sd))
	}
	for key, shape := range map[string][]int{"1.weight": {20, 784}, "3.weight": {10, 20}} {
		if got := sd[key]; !slices.Equal(got.Shape, shape) || got.DType != F64 {
			t.Errorf("%s: shape %v dtype %s, want %v F64", key, got.Shape, got.DType, shape)
		}
	}
	// The state dict holds copies.
	sd["1.weight"].Data[0] = 99
	if src.Layers[1].(*Linear).Weight[0] == 99 {
		t.Error("StateDict aliases the layer's weights")
	}
	sd = src.StateDict()

	// Through a safetensors file, as F64 (exact) and F32 (rounded).
	x := randomInput(rand.New(rand.NewPCG(1, 1)), 5*784)
	want, err := src.Forward(x, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, dtype := range []DType{F64, F32} {
		for k, v := range sd {
			v.DType = dtype
			sd[k] = v
		}
		var buf bytes.Buffer
		if err := WriteSafetensors(&buf, sd, nil); err != nil {
			t.Fatal(err)
		}
		read, _, err := ReadSafetensors(&buf)
		if err != nil {
			t.Fatal(err)
		}
		dst := mlp(nil)
		if err := dst.LoadStateDict(read); err != nil {
			t.Fatalf("%s: LoadStateDict: %v", dtype, err)
		}
		got, err := dst.Forward(x, 5)
		if err != nil {
			t.Fatal(err)
		}
		tol := 0.0
		if dtype == F32 {
			tol = 1e-5
		}
		if !closeTo(got, want, tol) {
			t.Errorf("%s: outputs after reload differ: %v vs %v", dtype, got[:3], want[:3])
		}
	}

	// Loading into existing weights copies in place.
	dst := mlp(rand.New(rand.NewPCG(3, 3)))
	w := dst.Layers[1].(*Linear).Weight
	if err := dst.LoadStateDict(src.StateDict()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w, src.Layers[1].(*Linear).Weight) {
		t.Error("LoadStateDict did not copy into the existing weight slice")
	}

	// Biases appear, and are loaded, when present.
	withBias := &Sequential{Layers: []Layer{&Linear{In: 2, Out: 1, Weight: []float64{1, 2}, Bias: []float64{3}}, ReLU{}}}
	sd = withBias.StateDict()
	if b, ok := sd["0.bias"]; !ok || !slices.Equal(b.Shape, []int{1}) || b.Data[0] != 3 {
		t.Errorf("StateDict bias = %v, %v", b, ok)
	}
	other := &Sequential{Layers: []Layer{&Linear{In: 2, Out: 1, Bias: []float64{0}}, ReLU{}}}
	if err := other.LoadStateDict(sd); err != nil {
		t.Fatal(err)
	}
	if l := other.Layers[0].(*Linear); !slices.Equal(l.Weight, []float64{1, 2}) || l.Bias[0] != 3 {
		t.Errorf("loaded layer = %+v", l)
	}
}

func TestLoadStateDictErrors(t *testing.T) {
	good := mlp(rand.New(rand.NewPCG(1, 2))).StateDict()
	edit := func(f func(sd map[string]Tensor)) map[string]Tensor {
		sd := make(map[string]Tensor)
		for k, v := range good {
			sd[k] = v
		}
		f(sd)
		return sd
	}
	for _, test := range []struct {
		name string
		sd   map[string]Tensor
		want []string
	}{
		{"missing", edit(func(sd map[string]Tensor) { delete(sd, "3.weight") }), []string{`missing key "3.weight" (shape [10 20])`}},
		{"unexpected", edit(func(sd map[string]Tensor) { sd["3.bias"] = Tensor{Shape: []int{10}, Data: make([]float64, 10)} }), []string{`unexpected key "3.bias"`}},
		{"transposed", edit(func(sd map[string]Tensor) {
			sd["1.weight"] = Tensor{Shape: []int{784, 20}, Data: sd["1.weight"].Data}
		}), []string{`key "1.weight": shape mismatch: want [20 784], got [784 20] (transposed: saved as [in, out] rather than PyTorch's [out, in]`}},
		{"last transposed", edit(func(sd map[string]Tensor) {
			sd["3.weight"] = Tensor{Shape: []int{20, 10}, Data: sd["3.weight"].Data}
		}), []string{`key "3.weight": shape mismatch: want [10 20], got [20 10] (transposed`}},
		{"data length", edit(func(sd map[string]Tensor) {
			sd["3.weight"] = Tensor{Shape: []int{10, 20}, Data: make([]float64, 3)}
		}), []string{`key "3.weight": shape [10 20] does not match len(Data)=3`}},
		{"several", edit(func(sd map[string]Tensor) {
			delete(sd, "1.weight")
			sd["0.weight"] = Tensor{}
			sd["fc.weight"] = Tensor{}
		}), []string{`missing key "1.weight"`, `unexpected key "0.weight"`, `unexpected key "fc.weight"`}},
		{"empty", map[string]Tensor{}, []string{`missing key "1.weight"`, `missing key "3.weight"`}},
	} {
		net := mlp(rand.New(rand.NewPCG(7, 7)))
		before := net.StateDict()
		err := net.LoadStateDict(test.sd)
		if err == nil {
			t.Errorf("%s: no error", test.name)
			continue
		}
		for _, w := range test.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", test.name, err, w)
			}
		}
		after := net.StateDict()
		for k := range before {
			if !slices.Equal(before[k].Data, after[k].Data) {
				t.Errorf("%s: failed load changed %s", test.name, k)
			}
		}
	}
}

// TestLoadStateDictSizedFromDict loads a PyTorch state dict whose 1.weight is
// stored transposed ([in, out]) into a network whose layer sizes were read from
// that same dict, as a program loading weights of unknown size does. The
// network then fits the transposed 1.weight, and only 3.weight disagrees with
// it; the error must still name 1.weight first, with its shape and the wanted
// one.
func TestLoadStateDictSizedFromDict(t *testing.T) {
	good := mlp(rand.New(rand.NewPCG(1, 2))).StateDict()
	tests := []struct {
		name  string
		edit  func(sd map[string]Tensor)
		first string // the first error line
		none  string // a key no error line blames, "" for no check
	}{
		{"1.weight transposed", func(sd map[string]Tensor) {
			sd["1.weight"] = Tensor{Shape: []int{784, 20}, Data: sd["1.weight"].Data}
		}, `key "1.weight": shape mismatch: want [20 784], got [784 20] (transposed: saved as [in, out] rather than PyTorch's [out, in]; key "3.weight" after it, of shape [10 20], takes 20 values)`, ""},
		{"3.weight transposed", func(sd map[string]Tensor) {
			sd["3.weight"] = Tensor{Shape: []int{20, 10}, Data: sd["3.weight"].Data}
		}, `key "3.weight": shape mismatch: want [10 20], got [20 10] (transposed`, `"1.weight"`},
		{"3.weight of another size", func(sd map[string]Tensor) {
			sd["3.weight"] = Tensor{Shape: []int{10, 30}, Data: make([]float64, 300)}
		}, `key "3.weight": shape mismatch: want [10 20], got [10 30]`, `"1.weight"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd := make(map[string]Tensor)
			for k, v := range good {
				sd[k] = v
			}
			tt.edit(sd)
			// Sizes from the dict, as a loader that does not know them would:
			// hidden×in from 1.weight, classes from 3.weight.
			w1, w3 := sd["1.weight"].Shape, sd["3.weight"].Shape
			net := &Sequential{Layers: []Layer{Flatten{}, &Linear{In: w1[1], Out: w1[0]}, Tanh{}, &Linear{In: w1[0], Out: w3[0]}, LogSoftmax{}}}
			err := net.LoadStateDict(sd)
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(strings.TrimPrefix(err.Error(), "nn: LoadStateDict: "), "\n")
			if lines[0] != tt.first && !strings.HasPrefix(lines[0], tt.first) {
				t.Errorf("first error %q, want %q", lines[0], tt.first)
			}
			for _, l := range lines {
				if tt.none != "" && strings.HasPrefix(l, "key "+tt.none) {
					t.Errorf("error %q blames %s", err, tt.none)
				}
			}
		})
	}
}
