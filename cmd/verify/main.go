// Command verify proves, or refutes with a counterexample, that a ReLU network
// classifies every image in an L∞ box around each of the first MNIST test images
// as the image's label:
//
//	go run ./cmd/verify -weights testdata/relu_mlp.safetensors -data ../shared/datasets/mnist \
//	    -images 20 -eps 0.01 -json verify.json
//
// The network (Flatten, then Linear layers with ReLU between them, under PyTorch's
// state-dict keys 1.weight, 1.bias, 3.weight, ...; bench/peers/train_relu.py
// writes one) is embedded with fixed weights by nn.Formulate; the image is a
// variable boxed to [max(0, p-eps), min(1, p+eps)] per pixel p (pixel units,
// normalised as in training), and the bounds propagate through the layers, so
// that every ReLU that can change sign gets a big-M formulation with a binary
// (or, with -formulation sos1, a special ordered set that Cbc branches on);
// bound tightening (-tighten, on by default: symbolic DeepPoly-style bounds, then
// LP for the neurons they leave unstable) then makes many of them stable and
// shrinks the others' M. For each other class t, Cbc decides whether
// out[t] - out[label] can exceed a cutoff just below 0 over the box (or, with
// -optimize, maximises it). The image is robust when every such MIP is proved
// to have no solution (or its best bound is below 0), a counterexample when a
// MIP's input, checked with nn's own float64 inference, is classified otherwise
// (a misclassified clean image is one at eps 0), and unknown otherwise, saying
// why.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/fsutil"
	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/nn"
)

type config struct {
	data, weights, jsonOut string
	images, first          int
	quiet, inputs          bool
	set                    settings
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
	// The first Ctrl-C or SIGTERM stops the current MIP and writes what is done;
	// after it the signals have their default effect again, so a second one exits.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	_, err = run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		if errors.Is(err, context.Canceled) {
			os.Exit(exitInterrupted)
		}
		os.Exit(1)
	}
}

// exitInterrupted is the exit status of an interrupted run: a shell's 128+SIGINT.
const exitInterrupted = 130

// errUsage marks a command line the flag package could not parse; it has said why.
var errUsage = errors.New("usage")

// parseFlags reads the command line (without the program name) into a config and
// checks its numbers and output path, so that a bad flag fails before any file
// is read.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{set: settings{Mean: datasets.MNISTMean, Std: datasets.MNISTStd}}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.data, "data", "", "directory with the MNIST IDX files (default $NNOPT_DATA, else the user cache)")
	fs.StringVar(&cfg.weights, "weights", "testdata/relu_mlp.safetensors", "ReLU network's weights (safetensors, PyTorch keys 1.weight, 1.bias, 3.weight, ...)")
	fs.IntVar(&cfg.images, "images", 10, "number of test images to verify; at least 1")
	fs.IntVar(&cfg.first, "first", 0, "index of the first test image (from 0)")
	fs.Float64Var(&cfg.set.Eps, "eps", 0.01, "L∞ radius in pixel units (pixels run over [0, 1]); finite, 0 or above")
	fs.DurationVar(&cfg.set.TimeLimit, "time-limit", 60*time.Second, "time limit of each MIP (0 = none)")
	fs.StringVar(&cfg.jsonOut, "json", "", "write the verdicts and a summary to this file")
	fs.BoolVar(&cfg.inputs, "inputs", false, "with -json: also write each counterexample image (784 pixels in [0, 1])")
	fs.BoolVar(&cfg.quiet, "q", false, "no line per image, only the summary")
	fs.BoolVar(&cfg.set.Tighten, "tighten", true, "narrow the ReLUs' bounds before the MIPs, beyond interval propagation: by symbolic bounds, then by LP (Clp) for the neurons still unstable (-tighten=false: intervals alone)")
	symbolic := fs.Bool("symbolic", true, "with -tighten: symbolic (DeepPoly-style) bounds before the LPs (-symbolic=false: LP alone)")
	lp := fs.Bool("tighten-lp", true, "with -tighten: LP tightening after the symbolic bounds (-tighten-lp=false: symbolic bounds alone)")
	fs.DurationVar(&cfg.set.TightenLimit, "tighten-limit", 0, "time budget of -tighten's LPs per image (0 = none); the neurons not reached keep their interval bounds")
	fs.BoolVar(&cfg.set.CheckGLPSOL, "check-glpsol", false, "check each verdict with GLPK's glpsol: the MIPs written as LP files and solved again, with -time-limit each")
	fs.Func("formulation", "the ReLUs' MIP formulation: bigm (a binary each, the default) or sos1 (a special ordered set {y, y - x} each, for Cbc)", func(v string) error {
		f, ok := formulations[v]
		if !ok {
			return fmt.Errorf("%q: want bigm or sos1", v)
		}
		cfg.set.Formulation = f
		return nil
	})
	fs.BoolVar(&cfg.set.Optimize, "optimize", false, "maximise each margin to optimality (a robust image's bound is then the largest margin); by default a MIP only decides whether a margin reaches 0, which is faster")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg.set.NoSymbolic, cfg.set.NoLP = !*symbolic, !*lp
	if cfg.set.Tighten && cfg.set.NoSymbolic && cfg.set.NoLP {
		return cfg, errors.New("-symbolic=false -tighten-lp=false leaves -tighten nothing to do; for interval bounds alone use -tighten=false")
	}
	switch {
	case cfg.images < 1:
		return cfg, fmt.Errorf("-images %d: want at least 1", cfg.images)
	case cfg.first < 0:
		return cfg, fmt.Errorf("-first %d: want an index, 0 or above", cfg.first)
	case cfg.weights == "":
		return cfg, errors.New("-weights: want a safetensors file")
	}
	if err := cfg.set.validate(); err != nil {
		return cfg, err
	}
	if cfg.set.CheckGLPSOL {
		if _, err := glpk.Path(); err != nil {
			return cfg, fmt.Errorf("-check-glpsol: %w", err)
		}
	}
	if cfg.jsonOut != "" {
		if err := fsutil.CheckWritable(cfg.jsonOut); err != nil {
			return cfg, fmt.Errorf("-json %s: %w", cfg.jsonOut, err)
		}
	}
	return cfg, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "verify:", err)
	os.Exit(1)
}

// summary is the -json output.
type summary struct {
	Weights          string    `json:"weights"`
	Data             string    `json:"data"`
	First            int       `json:"first"`
	Eps              float64   `json:"eps"`
	Formulation      string    `json:"formulation"`
	TimeLimitSeconds float64   `json:"time_limit_seconds"`
	Images           []verdict `json:"images"`
	Counts           counts    `json:"counts"`
	Seconds          float64   `json:"seconds"`
	Interrupted      bool      `json:"interrupted"`
}

type counts struct {
	Robust         int `json:"robust"`
	Counterexample int `json:"counterexample"`
	Unknown        int `json:"unknown"`
	// Misclassified clean images (counterexamples at eps 0), among Counterexample.
	Misclassified int `json:"misclassified"`
	// With -check-glpsol: the images glpsol checked and those where it agrees.
	GLPSOLChecked int `json:"glpsol_checked,omitempty"`
	GLPSOLAgrees  int `json:"glpsol_agrees,omitempty"`
}

func (c *counts) add(v verdict) {
	switch v.Verdict {
	case Robust:
		c.Robust++
	case Counterexample:
		c.Counterexample++
		if v.Found == "clean image" {
			c.Misclassified++
		}
	default:
		c.Unknown++
	}
	if v.GLPSOL != nil {
		c.GLPSOLChecked++
		if v.GLPSOL.Agrees {
			c.GLPSOLAgrees++
		}
	}
}

// run verifies the images and writes the summary; it returns the summary for
// tests. Interrupted, it writes what is done and returns the context's error.
func run(ctx context.Context, cfg config, out io.Writer) (*summary, error) {
	sd, _, err := nn.LoadSafetensors(cfg.weights)
	if err != nil {
		return nil, err
	}
	net, pixels, err := reluNetwork(sd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.weights, err)
	}
	v, err := newVerifier(net, pixels, cfg.set)
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
	if size := test.Images.Size(); size != pixels {
		return nil, fmt.Errorf("%s: the test images have %d pixels; the network in %s takes %d", dir, size, cfg.weights, pixels)
	}
	if end := cfg.first + cfg.images; end > test.Images.N {
		return nil, fmt.Errorf("-first %d -images %d: the test set in %s has %d images", cfg.first, cfg.images, dir, test.Images.N)
	}
	s := &summary{Weights: cfg.weights, Data: dir, First: cfg.first, Eps: cfg.set.Eps, Formulation: formulationName(cfg.set.Formulation), TimeLimitSeconds: cfg.set.TimeLimit.Seconds()}
	start := time.Now()
	var runErr error
	for i := cfg.first; i < cfg.first+cfg.images; i++ {
		r, err := v.verify(ctx, i, test.Images.Image(i), int(test.Labels[i]))
		if r.Verdict != "" {
			if !cfg.inputs {
				r.Input = nil
			}
			s.Images = append(s.Images, r)
			s.Counts.add(r)
			if !cfg.quiet {
				fmt.Fprintln(out, progress(r))
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				s.Interrupted = true
			}
			runErr = fmt.Errorf("test image %d: %w", i, err)
			break
		}
	}
	s.Seconds = time.Since(start).Seconds()
	c := s.Counts
	fmt.Fprintf(out, "eps %g: %d images from %d: %d robust, %d counterexample (%d misclassified clean), %d unknown in %.1f s\n",
		cfg.set.Eps, len(s.Images), cfg.first, c.Robust, c.Counterexample, c.Misclassified, c.Unknown, s.Seconds)
	if cfg.set.CheckGLPSOL {
		fmt.Fprintf(out, "glpsol agrees on %d of %d images\n", c.GLPSOLAgrees, c.GLPSOLChecked)
	}
	if cfg.jsonOut != "" && (runErr == nil || s.Interrupted) {
		if err := writeJSON(cfg.jsonOut, s); err != nil {
			return s, errors.Join(runErr, fmt.Errorf("-json %s: %w", cfg.jsonOut, err))
		}
	}
	return s, runErr
}

// progress is the line printed for one image.
func progress(r verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "image %d label %d: %s", r.Index, r.Label, r.Verdict)
	switch {
	case r.Verdict == Counterexample && r.Found == "clean image":
		fmt.Fprintf(&b, " (clean image classified %d)", *r.Class)
	case r.Verdict == Counterexample:
		fmt.Fprintf(&b, " (class %d, margin %.4g, by %s)", *r.Class, float64(r.Bound), r.Found)
	case r.Verdict == Robust:
		fmt.Fprintf(&b, " (bound %.4g)", float64(r.Bound))
	default:
		reason := r.Reason
		if len(reason) > 100 {
			cut := strings.LastIndex(reason[:100], ";")
			if cut < 0 {
				cut = 100
			}
			reason = reason[:cut] + "; ... (-json has every class)"
		}
		fmt.Fprintf(&b, " (%s)", reason)
	}
	nodes, mips := 0, 0
	for _, t := range r.Targets {
		nodes += t.Nodes
		if t.Status != symbolicStatus {
			mips++
		}
	}
	fmt.Fprintf(&b, ", %d MIPs, %d symbolic, %d unstable ReLUs, %d nodes, %.2f s", mips, len(r.Targets)-mips, r.Unstable, nodes, r.Seconds)
	if g := r.GLPSOL; g != nil {
		word := "agrees"
		if !g.Agrees {
			word = "does NOT agree"
		}
		fmt.Fprintf(&b, "; glpsol %s (", word)
		for k, c := range g.Classes {
			if k > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%d:%s", c.Class, c.Status)
		}
		fmt.Fprintf(&b, ", %.2f s)", g.Seconds)
	}
	return b.String()
}

// reluNetwork builds the network a state dict holds: Flatten, then Linear layers
// at the odd indices 1, 3, 5, ... with ReLU between them (PyTorch's
// nn.Sequential(Flatten(), Linear, ReLU(), Linear, ..., Linear) keys), sized
// from the weights' shapes. It returns the network and its input size.
func reluNetwork(sd map[string]nn.Tensor) (*nn.Sequential, int, error) {
	net := &nn.Sequential{Layers: []nn.Layer{nn.Flatten{}}}
	in := 0
	for k := 1; ; k += 2 {
		key := strconv.Itoa(k) + ".weight"
		w, ok := sd[key]
		if !ok {
			break
		}
		if len(w.Shape) != 2 || w.Shape[0] < 1 || w.Shape[1] < 1 {
			return nil, 0, fmt.Errorf("key %q: shape %v, want PyTorch's [out, in] of a Linear layer", key, w.Shape)
		}
		if k > 1 {
			if prev := net.Layers[len(net.Layers)-1].(*nn.Linear).Out; w.Shape[1] != prev {
				return nil, 0, fmt.Errorf("key %q: shape %v takes %d inputs; the layer before gives %d", key, w.Shape, w.Shape[1], prev)
			}
			net.Layers = append(net.Layers, nn.ReLU{})
		} else {
			in = w.Shape[1]
		}
		l := &nn.Linear{In: w.Shape[1], Out: w.Shape[0]}
		if _, ok := sd[strconv.Itoa(k)+".bias"]; ok {
			l.Bias = make([]float64, l.Out)
		}
		net.Layers = append(net.Layers, l)
	}
	if in == 0 {
		return nil, 0, fmt.Errorf("no key \"1.weight\" (keys %v): want a ReLU MLP saved as nn.Sequential(Flatten(), Linear, ReLU(), Linear, ...)", slices.Sorted(maps.Keys(sd)))
	}
	if err := net.LoadStateDict(sd); err != nil {
		return nil, 0, err
	}
	if err := nn.CheckFinite(sd); err != nil {
		return nil, 0, err
	}
	return net, in, nil
}

// number is a figure of the -json output: JSON has no NaN or infinity, so those
// (no bound proved) are written as null.
type number float64

func (n number) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

// writeJSON writes v to path, atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomicBytes(path, append(b, '\n'), 0o644)
}

// formulationName is -formulation's value for f (the zero value is big-M).
func formulationName(f activation.ReLUFormulation) string {
	if f == activation.ReLUAuto {
		f = activation.ReLUBigM
	}
	return f.String()
}
