// Command adversarial embeds a trained MNIST network in an optimization model and
// looks for the smallest L∞ change of a test image that changes the predicted digit:
//
//	go run ./cmd/train -data ../shared/datasets/mnist        # writes weights.safetensors
//	go run ./examples/adversarial -data ../shared/datasets/mnist -weights weights.safetensors
//
// The weights (cmd/train's MLP or CNN) become parameters through nn.Formulate; the
// image is a variable boxed to |δ| ≤ eps and to the valid pixel range, and the model
// minimises, for every other digit t, the margin logit_pred - logit_t. The radius is
// bisected, a local solve of the triangular model at each radius (a constraint
// "logit_t ≥ logit_pred" would now go to the general method, whose Jacobian rows
// through the network cost one adjoint sweep each). The eps
// reported is the smallest radius at which a solve found a flip, so it is an upper
// bound on the true minimum, and every flip is confirmed by nn's own inference
// (Sequential.Predict on the perturbed image).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"

	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/nn"
)

type config struct {
	data, weights string
	image         int
	set           settings
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2) // the flag package has printed the error and the usage
	case err != nil:
		fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := run(ctx, cfg, os.Stdout); err != nil {
		fail(err)
	}
}

// errUsage marks a command line the flag package could not parse; it has said why.
var errUsage = errors.New("usage")

// parseFlags reads the command line (without the program name) into a config and
// validates its numbers (settings.validate), so that a bad flag fails before any
// file is read.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{set: settings{Mean: datasets.MNISTMean, Std: datasets.MNISTStd}}
	fs := flag.NewFlagSet("adversarial", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.data, "data", "", "directory with the MNIST IDX files (default $NNOPT_DATA, else the user cache)")
	fs.StringVar(&cfg.weights, "weights", "weights.safetensors", "trained weights written by cmd/train (mlp or cnn)")
	fs.IntVar(&cfg.image, "image", -1, "test image index; -1 for the first one the network classifies correctly")
	fs.Float64Var(&cfg.set.EpsMax, "eps-max", 1, "largest L∞ radius tried, in pixel units (pixels run over [0, 1]); finite, above 0")
	fs.Float64Var(&cfg.set.Tol, "tol", 1e-3, "bisection tolerance on the radius, in pixel units; finite, above 0")
	fs.IntVar(&cfg.set.IterLimit, "iterlim", 300, "iteration limit of each solve (0 = none)")
	fs.Float64Var(&cfg.set.GradTol, "gradtol", 0, "reduced-gradient tolerance of each solve (0 = the solver's default)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return cfg, cfg.set.validate()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "adversarial:", err)
	os.Exit(1)
}

// run attacks one test image and prints the solves and the flip; it returns the
// attack's result (nil before the attack) for tests.
func run(ctx context.Context, cfg config, out io.Writer) (*result, error) {
	sd, _, err := nn.LoadSafetensors(cfg.weights)
	if err != nil {
		return nil, err
	}
	if err := nn.CheckFinite(sd); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.weights, err)
	}
	net, shape, err := network(sd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.weights, err)
	}
	dir, err := datasets.ResolveDir(cfg.data)
	if err != nil {
		return nil, err
	}
	test, err := datasets.LoadSplit(dir, false)
	if err != nil {
		return nil, err
	}
	idx, image, err := pick(net, test, cfg.image, cfg.set)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "test image %d, label %d, classified correctly\n", idx, test.Labels[idx])
	res, err := attack(ctx, net, shape, image, cfg.set)
	if err != nil {
		return nil, err
	}
	// min margin: the smallest logit_pred - logit_t over the targets t at the solution;
	// digit: nn's prediction for the flipped row, which may be a third digit.
	fmt.Fprintf(out, "%10s %-22s %-26s %6s %11s %6s %8s\n", "eps", "model status", "solve status", "iters", "min margin", "digit", "seconds")
	for _, s := range res.Solves {
		fmt.Fprintf(out, "%10.6f %-22s %-26s %6d %11.4g %6d %8.3f\n", s.Eps, s.Status, s.Solve, s.Iters, s.Margin, s.Digit, s.Elapsed.Seconds())
	}
	if res.Perturbed == nil {
		fmt.Fprintf(out, "no flip found up to eps %g: digit %d stays\n", cfg.set.EpsMax, res.Pred)
		return res, ctx.Err()
	}
	check, err := net.Predict(res.Perturbed, 1)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "original digit %d, new digit %d (confirmed by Sequential.Predict: %d)\n", res.Pred, res.Digit, check[0])
	fmt.Fprintf(out, "smallest eps found %.6f (pixel units; bisection with local NLP solves, an upper bound on the true minimum), ‖δ‖∞ = %.6f\n", res.Eps, res.LInf)
	if res.Stopped != "" {
		fmt.Fprintf(out, "bisection %s\n", res.Stopped)
	}
	return res, nil
}

// pick returns test image i (or the first one net classifies correctly when i < 0)
// normalised, checking that net classifies it correctly.
func pick(net *nn.Sequential, test *datasets.Split, i int, set settings) (int, []float64, error) {
	n := test.Images.N
	if i >= n {
		return 0, nil, fmt.Errorf("-image %d: the test set has %d images", i, n)
	}
	for k := max(i, 0); k < n; k++ {
		x := test.Images.Batch([]int{k}, set.Mean, set.Std)
		p, err := net.Predict(x, 1)
		if err != nil {
			return 0, nil, err
		}
		if p[0] == int(test.Labels[k]) {
			return k, x, nil
		}
		if i >= 0 {
			return 0, nil, fmt.Errorf("-image %d: the network predicts %d for label %d; pick a correctly classified image", i, p[0], test.Labels[k])
		}
	}
	return 0, nil, fmt.Errorf("the network classifies no test image correctly")
}

// mnistPixels is the input size of cmd/train's MLP: one 28×28 image.
const mnistPixels = 28 * 28

// network rebuilds cmd/train's network from its weights: the MLP (keys 1.weight,
// 3.weight) or the reference CNN (keys 0.*, 3.*, 6.*), and the per-sample input
// shape its formulation takes.
func network(sd map[string]nn.Tensor) (*nn.Sequential, []int, error) {
	var net *nn.Sequential
	var shape []int
	switch w := sd["1.weight"]; {
	case len(w.Shape) == 2:
		hidden, in := w.Shape[0], w.Shape[1]
		if in != mnistPixels {
			// Sized from this tensor alone, a transposed 1.weight would build a
			// network that fits it, and 3.weight would be blamed.
			return nil, nil, fmt.Errorf("key \"1.weight\": shape %v, want [hidden %d] (PyTorch's [out, in] for %d-pixel images)", w.Shape, mnistPixels, mnistPixels)
		}
		l1 := &nn.Linear{In: in, Out: hidden}
		l2 := &nn.Linear{In: hidden, Out: 10}
		for _, l := range []struct {
			key string
			lin *nn.Linear
		}{{"1.bias", l1}, {"3.bias", l2}} {
			if _, ok := sd[l.key]; ok {
				l.lin.Bias = make([]float64, l.lin.Out)
			}
		}
		if w3 := sd["3.weight"]; len(w3.Shape) == 2 {
			l2.Out = w3.Shape[0]
		}
		net = &nn.Sequential{Layers: []nn.Layer{nn.Flatten{}, l1, nn.Tanh{}, l2, nn.LogSoftmax{}}}
		shape = []int{in}
	case len(sd["0.weight"].Shape) == 4:
		conv := func(in, out, k, side int) *nn.Conv2d {
			return &nn.Conv2d{In: in, Out: out, Kernel: k, Height: side, Width: side, Bias: make([]float64, out)}
		}
		net = &nn.Sequential{Layers: []nn.Layer{
			conv(1, 2, 5, 28), nn.Tanh{}, &nn.AvgPool2d{Kernel: 2, Channels: 2, Height: 24, Width: 24},
			conv(2, 3, 5, 12), nn.Tanh{}, &nn.AvgPool2d{Kernel: 2, Channels: 3, Height: 8, Width: 8},
			conv(3, 10, 4, 4), nn.Flatten{}, nn.LogSoftmax{},
		}}
		shape = []int{1, 28, 28}
	default:
		keys := make([]string, 0, len(sd))
		for k := range sd {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return nil, nil, fmt.Errorf("keys %v are neither cmd/train's mlp (1.weight: hidden×784) nor its cnn (0.weight: 2×1×5×5)", keys)
	}
	if err := net.LoadStateDict(sd); err != nil {
		return nil, nil, err
	}
	return net, shape, nil
}
