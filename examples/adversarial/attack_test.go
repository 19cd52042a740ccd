package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/formulations"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// trainMLP trains cmd/train's 784-hidden-10 tanh network on a balanced batch of
// MNIST through nn.Formulate (a short L-BFGS run: enough for a network that
// classifies most test digits) and writes its weights as cmd/train does.
func trainMLP(t *testing.T, dir string, batch, hidden, iters int) string {
	t.Helper()
	train, err := datasets.LoadSplit(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := datasets.BalancedBatch(train.Labels, batch/10, 10)
	if err != nil {
		t.Fatal(err)
	}
	x := train.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd)
	labels := datasets.GatherLabels(train.Labels, idx)
	rng := rand.New(rand.NewPCG(7, 7))
	l1 := &nn.Linear{In: 784, Out: hidden, Weight: make([]float64, 784*hidden)}
	l2 := &nn.Linear{In: hidden, Out: 10, Weight: make([]float64, hidden*10)}
	if err := nn.XavierUniform(rng, 784, hidden, 5.0/3, l1.Weight); err != nil {
		t.Fatal(err)
	}
	if err := nn.XavierUniform(rng, hidden, 10, 1, l2.Weight); err != nil {
		t.Fatal(err)
	}
	net := &nn.Sequential{Layers: []nn.Layer{nn.Flatten{}, l1, nn.Tanh{}, l2, nn.LogSoftmax{}}}

	c := nnopt.NewContainer()
	a1 := c.NewParameter("a1", c.Dims(batch, 784)...)
	if err := a1.SetValues(x); err != nil {
		t.Fatal(err)
	}
	f, err := nn.Formulate(c, net, a1, nn.FormulateSettings{Weights: nn.TrainableWeights})
	if err != nil {
		t.Fatal(err)
	}
	loss, err := formulations.NLLLoss(c, f.Output, labels)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("train", nnopt.ModelSpec{Equations: append(slices.Clone(f.Equations), loss.Equation), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: loss.Var})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range f.Weights {
		w.Var.SetBounds(-5, 5) // as cmd/train: bounded weights keep tanh from saturating
	}
	if err := m.Solve(context.Background(), nnopt.Options{IterationLimit: iters, Method: nlpsolve.LBFGS}); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteBack(); err != nil {
		t.Fatal(err)
	}
	acc, err := net.Accuracy(x, labels, batch)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained: loss %.4g after %d iterations (%.2fs), batch accuracy %.1f%%", m.ObjectiveValue, m.NumIterations, m.SolveModelTime, 100*acc)
	path := filepath.Join(t.TempDir(), "weights.safetensors")
	if err := nn.SaveSafetensors(path, net.StateDict(), map[string]string{"model": "mlp"}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAttackFlipsATrainedMLP(t *testing.T) {
	dir := testdata.MNISTDir(t)
	start := time.Now()
	weights := trainMLP(t, dir, 200, 20, 60)
	cfg := config{data: dir, weights: weights, image: -1,
		set: settings{EpsMax: 1, Tol: 1e-3, IterLimit: 300, GradTol: 0, Mean: datasets.MNISTMean, Std: datasets.MNISTStd}}
	var out bytes.Buffer
	res, err := run(context.Background(), cfg, &out)
	t.Logf("%.2fs in all\n%s", time.Since(start).Seconds(), out.String())
	if err != nil {
		t.Fatal(err)
	}
	if res.Perturbed == nil {
		t.Fatal("no flip found")
	}
	if res.Digit == res.Pred {
		t.Errorf("new digit %d equals the original", res.Digit)
	}
	sd, _, err := nn.LoadSafetensors(weights)
	if err != nil {
		t.Fatal(err)
	}
	net, _, err := network(sd)
	if err != nil {
		t.Fatal(err)
	}
	// nn's own inference, on a network read back from the file, confirms the flip.
	p, err := net.Predict(res.Perturbed, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p[0] != res.Digit || p[0] == res.Pred {
		t.Errorf("Predict(perturbed) = %d, want the reported new digit %d, not the original %d", p[0], res.Digit, res.Pred)
	}
	if !(res.Eps > 0 && res.Eps <= cfg.set.EpsMax) || res.LInf > res.Eps+1e-12 {
		t.Errorf("eps %g, ‖δ‖∞ %g: want 0 < ‖δ‖∞ ≤ eps ≤ %g", res.Eps, res.LInf, cfg.set.EpsMax)
	}
	lo, up := -datasets.MNISTMean/datasets.MNISTStd, (1-datasets.MNISTMean)/datasets.MNISTStd
	for i, v := range res.Perturbed {
		if v < lo-1e-12 || v > up+1e-12 {
			t.Fatalf("pixel %d = %g outside the normalised range [%g, %g]", i, v, lo, up)
		}
	}
	// The bisection brackets eps: a solve a little below it found no flip.
	var below bool
	for _, s := range res.Solves {
		below = below || (!s.Flipped && s.Eps < res.Eps && s.Eps >= res.Eps-2*cfg.set.Tol)
	}
	if !below {
		t.Errorf("no solve without a flip within 2·tol below eps %g: %+v", res.Eps, res.Solves)
	}
	for _, w := range []string{"original digit", "new digit", "smallest eps found", "Normal Completion"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output does not mention %q", w)
		}
	}
}

func TestAttackSolvesAreConsistent(t *testing.T) {
	// A random network is enough to check that the model's solved outputs are
	// the network's outputs on the solved inputs, within the box.
	rng := rand.New(rand.NewPCG(1, 1))
	w := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	net := &nn.Sequential{Layers: []nn.Layer{nn.Flatten{}, &nn.Linear{In: 16, Out: 6, Weight: w(96), Bias: w(6)}, nn.Tanh{}, &nn.Linear{In: 6, Out: 4, Weight: w(24)}, nn.LogSoftmax{}}}
	image := make([]float64, 16)
	for i := range image {
		image[i] = rng.Float64()
	}
	set := settings{EpsMax: 0.5, Tol: 1e-2, IterLimit: 200, Mean: 0, Std: 1}
	a, err := newAttacker(net, []int{16}, image, set)
	if err != nil {
		t.Fatal(err)
	}
	for _, eps := range []float64{0.05, 0.2, 0.5} {
		s, x, err := a.solveAt(context.Background(), eps)
		if err != nil {
			t.Fatal(err)
		}
		got, err := net.Forward(a.x.L, len(a.targets))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range a.out.L {
			if math.Abs(got[i]-v) > 1e-9 {
				t.Fatalf("eps %g: output %d: model %g, network %g", eps, i, v, got[i])
			}
		}
		for i, v := range a.x.L {
			if d := math.Abs(v - image[i%16]); d > eps+1e-12 || v < -1e-12 || v > 1+1e-12 {
				t.Fatalf("eps %g: x[%d] = %g leaves the box around %g", eps, i, v, image[i%16])
			}
		}
		if s.Flipped != (x != nil) {
			t.Errorf("eps %g: flipped %v but image %v", eps, s.Flipped, x != nil)
		}
		t.Logf("eps %g: %v/%v, %d iterations, min margin %.4g, digit %d", eps, s.Status, s.Solve, s.Iters, s.Margin, s.Digit)
	}
}

func TestAttackRejectsBadInput(t *testing.T) {
	net := &nn.Sequential{Layers: []nn.Layer{&nn.Linear{In: 4, Out: 3, Weight: make([]float64, 12)}}}
	ok := settings{EpsMax: 1, Tol: 1e-3, Std: 1}
	for _, tc := range []struct {
		name  string
		net   *nn.Sequential
		image []float64
		set   settings
		want  string
	}{
		{"zero eps", net, make([]float64, 4), settings{Tol: 1e-3, Std: 1}, "-eps-max 0: want a finite radius above 0"},
		{"wrong image size", net, make([]float64, 5), ok, "image has 5 values, want 4"},
		{"one class", &nn.Sequential{Layers: []nn.Layer{&nn.Linear{In: 4, Out: 1, Weight: make([]float64, 4)}}}, make([]float64, 4), ok, "at least 2 classes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := attack(context.Background(), tc.net, []int{4}, tc.image, tc.set)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNetworkFromWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.Float64()
		}
		return x
	}
	for _, tc := range []struct {
		name  string
		sd    map[string]nn.Tensor
		shape []int
		err   string
	}{
		{"mlp", map[string]nn.Tensor{"1.weight": {Shape: []int{20, 784}, Data: fill(20 * 784)}, "3.weight": {Shape: []int{10, 20}, Data: fill(200)}}, []int{784}, ""},
		{"mlp with bias", map[string]nn.Tensor{"1.weight": {Shape: []int{5, 784}, Data: fill(5 * 784)}, "1.bias": {Shape: []int{5}, Data: fill(5)},
			"3.weight": {Shape: []int{10, 5}, Data: fill(50)}, "3.bias": {Shape: []int{10}, Data: fill(10)}}, []int{784}, ""},
		{"cnn", map[string]nn.Tensor{
			"0.weight": {Shape: []int{2, 1, 5, 5}, Data: fill(50)}, "0.bias": {Shape: []int{2}, Data: fill(2)},
			"3.weight": {Shape: []int{3, 2, 5, 5}, Data: fill(150)}, "3.bias": {Shape: []int{3}, Data: fill(3)},
			"6.weight": {Shape: []int{10, 3, 4, 4}, Data: fill(480)}, "6.bias": {Shape: []int{10}, Data: fill(10)}}, []int{1, 28, 28}, ""},
		{"unknown", map[string]nn.Tensor{"w": {Shape: []int{3}, Data: fill(3)}}, nil, "neither cmd/train's mlp"},
		{"mlp weight transposed", map[string]nn.Tensor{"1.weight": {Shape: []int{784, 20}, Data: fill(20 * 784)}, "3.weight": {Shape: []int{10, 20}, Data: fill(200)}}, nil, `key "1.weight": shape [784 20], want [hidden 784]`},
		{"mlp missing layer", map[string]nn.Tensor{"1.weight": {Shape: []int{20, 784}, Data: fill(20 * 784)}}, nil, `missing key "3.weight"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, shape, err := network(tc.sd)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(shape, tc.shape) {
				t.Errorf("shape %v, want %v", shape, tc.shape)
			}
			if out, err := net.OutSize(784); err != nil || out != 10 {
				t.Errorf("OutSize(784) = %d, %v; want 10 classes", out, err)
			}
		})
	}
}
