// Command train trains the reference MNIST network as a nonlinear program with nnopt's
// reduced-gradient solver: one balanced batch, model statistics, an iteration log, a
// summary with batch and test accuracy, and the weights as a safetensors file that
// PyTorch's load_state_dict accepts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/device"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/formulations"
	"github.com/nnopt/nnopt/internal/fsutil"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
	"github.com/nnopt/nnopt/optfile"
	"github.com/nnopt/nnopt/trace"
)

type config struct {
	data, mirror, model, out, initOut, jsonOut, plot, traceOut, solveTrace, optFile, method, device, blas, scale, savePoint string
	download, quiet, boundSet                                                                                               bool
	batch, hidden, iterlim, memory, threads                                                                                 int
	batches, dev, patience, batchIterlim                                                                                    int
	seed                                                                                                                    uint64
	timelim, bound                                                                                                          float64
}

func main() {
	var cfg config
	flag.StringVar(&cfg.data, "data", "", "directory with the MNIST IDX files (default $NNOPT_DATA, else the user cache)")
	flag.BoolVar(&cfg.download, "download", false, "download MNIST into the user cache (checksums verified) when -data and $NNOPT_DATA are unset")
	flag.StringVar(&cfg.mirror, "mirror", datasets.DefaultMirror, "base URL for -download")
	flag.StringVar(&cfg.model, "model", "mlp", "network to train: mlp (784-20-10 tanh) or cnn (the reference convolutional network)")
	flag.IntVar(&cfg.batch, "batch", 500, "balanced training batch size (a multiple of 10)")
	flag.IntVar(&cfg.hidden, "hidden", 20, "hidden neurons of the mlp")
	flag.Uint64Var(&cfg.seed, "seed", 7, "seed of the weight initialisation")
	flag.IntVar(&cfg.iterlim, "iterlim", 10000, "iteration limit (0 = none)")
	flag.IntVar(&cfg.batches, "batches", 0, "train on this many successive balanced batches through one frozen model, keeping the weights with the best dev accuracy (0: the single-batch run)")
	flag.IntVar(&cfg.batchIterlim, "batch-iterlim", defaultBatchIterlim, "with -batches: iteration limit of each batch's solve")
	flag.IntVar(&cfg.dev, "dev", 1000, "with -batches: the last this many training images are the dev set, not trained on")
	flag.IntVar(&cfg.patience, "patience", 30, "with -batches: stop when the dev accuracy has not improved for this many batches (0: never)")
	flag.Float64Var(&cfg.timelim, "timelim", 600, "time limit of the solve in seconds (0 = none)")
	flag.Float64Var(&cfg.bound, "bound", 5, "weights are bounded to [-bound, bound]; 0 for no bounds (the cnn has none unless set)")
	flag.StringVar(&cfg.method, "method", "", "search directions: lbfgs (L-BFGS-B) or newton-cg (truncated Newton on exact reduced Hessian products)")
	flag.StringVar(&cfg.scale, "scale", "auto", "variable scaling: auto (one factor per weight block, from the Jacobian's row norms) or user (none: the variables' Scale of 1)")
	flag.IntVar(&cfg.threads, "threads", 0, "threads of the CPU kernels (0 = GOMAXPROCS)")
	flag.IntVar(&cfg.memory, "memory", 0, "curvature pairs kept by lbfgs (0 = the solver's default)")
	flag.StringVar(&cfg.device, "device", "", "auto (CUDA when it can be used, else the CPU), cpu or cuda (default $NNOPT_DEVICE, else auto)")
	flag.StringVar(&cfg.blas, "blas", "", "CPU BLAS: auto (OpenBLAS when it loads, else gonum), openblas or gonum (default $NNOPT_BLAS, else auto)")
	flag.StringVar(&cfg.out, "out", "weights.safetensors", "trained weights (PyTorch state_dict keys); empty to skip")
	flag.StringVar(&cfg.initOut, "init-out", "", "also write the initial weights here (for peers that start from the same point)")
	flag.StringVar(&cfg.jsonOut, "json", "", "write a machine-readable summary of the run to this file")
	flag.StringVar(&cfg.optFile, "optfile", "", "solver option file (e.g. nnopt.opt; keywords in docs/solver-options.md); its options override the flags'")
	flag.StringVar(&cfg.savePoint, "savepoint", "", "write the final point (levels and marginals of every variable and equation, safetensors) to this file")
	flag.StringVar(&cfg.plot, "plot", "", "draw the loss per iteration (log scale) into this PNG file")
	flag.StringVar(&cfg.traceOut, "trace", "", "append the solve's record to this trace file (created with the default format; an existing file keeps its own); cmd/tracereport summarises it")
	flag.StringVar(&cfg.solveTrace, "solvetrace", "", "write the solve's progress (lineNum, seriesID, node, seconds, bestFound, bestBound: every 10 iterations and every second) to this CSV file")
	flag.BoolVar(&cfg.quiet, "q", false, "no statistics or iteration log, only the summary")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { cfg.boundSet = cfg.boundSet || f.Name == "bound" })
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(fmt.Errorf("-cpuprofile: %w", err))
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "train:", err)
	os.Exit(1)
}

type threshold struct {
	Threshold  float64  `json:"threshold"`
	Seconds    *float64 `json:"seconds"`
	Iterations *int     `json:"iterations"`
}

type point struct {
	Iter      int     `json:"iter"`
	Seconds   float64 `json:"seconds"`
	Objective float64 `json:"objective"`
}

type summary struct {
	Model                     string      `json:"model"`
	Device                    string      `json:"device"`
	BLAS                      string      `json:"blas"`
	Method                    string      `json:"method"`
	Batch                     int         `json:"batch"`
	Seed                      uint64      `json:"seed"`
	Constraints               int         `json:"constraints"`
	Variables                 int         `json:"variables"`
	JacobianNonzeros          int         `json:"jacobian_nonzeros"`
	NonlinearJacobianNonzeros int         `json:"nonlinear_jacobian_nonzeros"`
	HessianDiagonal           int         `json:"hessian_diagonal"`
	HessianBelowDiagonal      int         `json:"hessian_below_diagonal"`
	NonlinearVariables        int         `json:"nonlinear_variables"`
	ModelStatus               int         `json:"model_status"`
	ModelStatusText           string      `json:"model_status_text"`
	SolveStatus               int         `json:"solve_status"`
	SolveStatusText           string      `json:"solve_status_text"`
	Objective                 float64     `json:"objective"`
	Iterations                int         `json:"iterations"`
	GenerationSeconds         float64     `json:"generation_seconds"`
	SolveSeconds              float64     `json:"solve_seconds"`
	BatchAccuracy             float64     `json:"batch_accuracy"`
	TestAccuracy              float64     `json:"test_accuracy"`
	Weights                   string      `json:"weights,omitempty"`
	Thresholds                []threshold `json:"thresholds"`
	Trace                     []point     `json:"trace"`
}

func dataDir(ctx context.Context, cfg config, out io.Writer) (string, error) {
	dir, err := datasets.ResolveDir(cfg.data)
	if err == nil || !cfg.download || cfg.data != "" || os.Getenv(datasets.EnvData) != "" {
		return dir, err
	}
	cache, cerr := datasets.DefaultCacheDir()
	if cerr != nil {
		return "", cerr
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintf(out, "downloading MNIST from %s into %s\n", cfg.mirror, cache)
	if err := datasets.Download(ctx, http.DefaultClient, cfg.mirror, cache, func(f string, a ...any) { fmt.Fprintf(out, f+"\n", a...) }); err != nil {
		return "", err
	}
	return cache, nil
}

// inUse is what runs the training: the BLAS and the device, with their log lines.
type inUse struct {
	blas       string
	device     backend.Backend
	deviceLine string
}

func (u inUse) print(out io.Writer) {
	fmt.Fprintln(out, u.deviceLine)
	fmt.Fprintf(out, "BLAS: %s\n", u.blas)
}

func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.model != "mlp" && cfg.model != "cnn" {
		return fmt.Errorf("-model %q: want mlp or cnn", cfg.model)
	}
	method := nlpsolve.LBFGS
	switch cfg.method {
	case "lbfgs", "":
		cfg.method = "lbfgs"
	case "newton-cg":
		method = nlpsolve.NewtonCG
	default:
		return fmt.Errorf("-method %q: want lbfgs or newton-cg", cfg.method)
	}
	scaling := nlpsolve.ScaleAuto
	switch cfg.scale {
	case "auto":
	case "user":
		scaling = nlpsolve.ScaleUser
	default:
		return fmt.Errorf("-scale %q: want auto or user", cfg.scale)
	}
	if cfg.batch <= 0 || cfg.batch%10 != 0 {
		return fmt.Errorf("-batch %d: want a positive multiple of 10 (the batch is balanced over 10 digits)", cfg.batch)
	}
	if cfg.memory < 0 {
		return fmt.Errorf("-memory %d: want a positive number of pairs, or 0 for the default", cfg.memory)
	}
	if cfg.bound < 0 || math.IsNaN(cfg.bound) {
		return fmt.Errorf("-bound %g: want a positive bound, or 0 for none", cfg.bound)
	}
	var opts *optfile.File
	if cfg.optFile != "" {
		var err error
		if opts, err = optfile.ReadFile(cfg.optFile, optfile.Default()); err != nil {
			return fmt.Errorf("-optfile: %w", err)
		}
	}
	if cfg.plot != "" && !strings.EqualFold(filepath.Ext(cfg.plot), ".png") {
		return fmt.Errorf("-plot %s: the plot is a PNG; give a file name ending in .png", cfg.plot)
	}
	if cfg.batches < 0 || cfg.patience < 0 || cfg.batchIterlim < 0 {
		return fmt.Errorf("-batches %d, -patience %d, -batch-iterlim %d: want 0 or more", cfg.batches, cfg.patience, cfg.batchIterlim)
	}
	if cfg.batches > 0 {
		for name, set := range map[string]bool{"-plot": cfg.plot != "", "-trace": cfg.traceOut != "", "-solvetrace": cfg.solveTrace != "", "-init-out": cfg.initOut != ""} {
			if set {
				return fmt.Errorf("%s is for the single-batch run; -batches writes one line per batch (and -json)", name)
			}
		}
	}
	if cfg.hidden <= 0 {
		return fmt.Errorf("-hidden %d: want a positive number of neurons", cfg.hidden)
	}
	blasInUse, err := nnopt.UseBLAS(cfg.blas)
	if err != nil {
		return err
	}
	be, deviceLine, err := device.Open(cfg.device)
	if err != nil {
		return err
	}
	use := inUse{blas: blasInUse, device: be, deviceLine: deviceLine}
	dir, err := dataDir(ctx, cfg, out)
	if err != nil {
		return err
	}
	mnist, err := datasets.LoadMNIST(dir)
	if err != nil {
		return err
	}
	if cfg.batches > 0 {
		return batchMode(ctx, cfg, out, mnist, dir, method, opts, use)
	}
	idx, err := datasets.BalancedBatch(mnist.Train.Labels, cfg.batch/10, 10)
	if err != nil {
		return fmt.Errorf("balanced batch of %d from %s: %w", cfg.batch, dir, err)
	}
	x := mnist.Train.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd)
	labels := datasets.GatherLabels(mnist.Train.Labels, idx)
	in := mnist.Train.Images.Size()

	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed))
	genStart := time.Now()
	var j job
	if cfg.model == "cnn" {
		j, err = cnnJob(cfg, x, labels, rng)
	} else {
		j, err = mlpJob(cfg, x, labels, in, rng)
	}
	if err != nil {
		return err
	}
	build := time.Since(genStart)
	if cfg.initOut != "" {
		if err := nn.SaveSafetensors(cfg.initOut, j.initial.StateDict(), map[string]string{"producer": "nnopt cmd/train", "model": cfg.model, "stage": "initial"}); err != nil {
			return err
		}
	}

	s := summary{Model: cfg.model, Device: be.Name(), BLAS: blasInUse, Method: method.String(), Batch: cfg.batch, Seed: cfg.seed}
	fmt.Fprintf(out, "nnopt: training the %s on a balanced batch of %d MNIST images from %s (%s)\n", j.what, cfg.batch, dir, method)
	use.print(out)
	marks := []float64{1, 1e-3, 1e-6}
	if cfg.model == "cnn" {
		marks = append([]float64{42.1}, marks...) // where the reference's CNN run was interrupted
	}
	s.Thresholds = make([]threshold, len(marks))
	for i, t := range marks {
		s.Thresholds[i].Threshold = t
	}
	record := func(it nlpsolve.Iteration) {
		sec := it.Elapsed.Seconds()
		s.Trace = append(s.Trace, point{it.Iter, sec, it.Objective})
		for i := range s.Thresholds {
			if s.Thresholds[i].Seconds == nil && it.Objective <= s.Thresholds[i].Threshold {
				n := it.Iter
				s.Thresholds[i].Seconds, s.Thresholds[i].Iterations = &sec, &n
			}
		}
	}
	opt := nnopt.Options{IterationLimit: cfg.iterlim, TimeLimit: time.Duration(cfg.timelim * float64(time.Second)), Method: method, Memory: cfg.memory, Scaling: scaling, SavePoint: cfg.savePoint, Threads: cfg.threads, OnIteration: record, Device: be}
	if !cfg.quiet {
		opt.Output = out
	}
	if opts != nil {
		set := nlpsolve.Settings{IterationLimit: opt.IterationLimit, TimeLimit: opt.TimeLimit, GradientTolerance: opt.GradientTolerance, Method: opt.Method, Memory: opt.Memory, Scaling: opt.Scaling}
		opts.Apply(&set)
		opt.IterationLimit, opt.TimeLimit, opt.GradientTolerance, opt.Method, opt.Memory, opt.Scaling = set.IterationLimit, set.TimeLimit, set.GradientTolerance, set.Method, set.Memory, set.Scaling
		if err := j.Model.ApplyDotOptions(opts); err != nil {
			return fmt.Errorf("-optfile: %w", err)
		}
		if !cfg.quiet {
			if err := opts.Echo(out); err != nil {
				return err
			}
		}
	}
	var progress *trace.SolveTrace
	if cfg.solveTrace != "" {
		f, err := os.Create(cfg.solveTrace)
		if err != nil {
			return fmt.Errorf("-solvetrace: %w", err)
		}
		defer f.Close()
		progress = trace.NewSolveTrace(f, trace.SolveTraceOptions{Name: cfg.solveTrace, Instance: j.Model.Name(), NodeFrequency: 10, TimeFrequency: time.Second})
		opt.OnIteration = func(it nlpsolve.Iteration) {
			record(it)
			progress.Iteration(it)
		}
	}
	if cfg.traceOut != "" {
		opt.Trace = &trace.Recorder{Path: cfg.traceOut, Format: trace.FormatStep, Info: trace.Info{InputFileName: "train-" + cfg.model}}
	}
	solveErr := j.Model.Solve(ctx, opt)
	if progress != nil {
		if err := progress.EndModel(j.Model); err != nil {
			return fmt.Errorf("-solvetrace %s: %w", cfg.solveTrace, err)
		}
	}
	a := j.Model.Attributes
	if solveErr != nil {
		return solveErr
	}
	st, _ := j.Model.Statistics()
	s.Constraints, s.Variables, s.JacobianNonzeros, s.NonlinearJacobianNonzeros = st.Constraints, st.Variables, st.JacobianNonzeros, st.NonlinearJacobianNonzeros
	s.HessianDiagonal, s.HessianBelowDiagonal, s.NonlinearVariables = st.HessianDiagonal, st.HessianBelowDiagonal, st.NonlinearVariables
	s.ModelStatus, s.ModelStatusText = int(a.Status), a.Status.String()
	s.SolveStatus, s.SolveStatusText = int(a.SolveStatus), a.SolveStatus.String()
	s.Objective, s.Iterations = a.ObjectiveValue, a.NumIterations
	s.GenerationSeconds = build.Seconds() + a.ModelGenerationTime
	s.SolveSeconds = a.SolveModelTime

	net := j.trained()
	if s.BatchAccuracy, err = net.Accuracy(x, labels, cfg.batch); err != nil {
		return err
	}
	test := mnist.Test
	tx := test.Images.Batch(seq(test.Images.N), datasets.MNISTMean, datasets.MNISTStd)
	if s.TestAccuracy, err = net.Accuracy(tx, test.Labels, test.Images.N); err != nil {
		return err
	}
	if cfg.out != "" {
		meta := map[string]string{"producer": "nnopt cmd/train", "model": cfg.model, "objective": fmt.Sprint(a.ObjectiveValue), "model_status": a.Status.String()}
		if err := nn.SaveSafetensors(cfg.out, net.StateDict(), meta); err != nil {
			return err
		}
		s.Weights = cfg.out
	}
	fmt.Fprintf(out, "\nModel status        %d %s\n", a.Status, a.Status)
	fmt.Fprintf(out, "Solve status        %d %s\n", a.SolveStatus, a.SolveStatus)
	fmt.Fprintf(out, "Objective           %.10g\n", a.ObjectiveValue)
	fmt.Fprintf(out, "Iterations          %d\n", a.NumIterations)
	fmt.Fprintf(out, "Generation time     %.3f s\n", s.GenerationSeconds)
	fmt.Fprintf(out, "Solve time          %.3f s\n", s.SolveSeconds)
	for _, t := range s.Thresholds {
		if t.Seconds != nil {
			fmt.Fprintf(out, "Loss <= %-8g    after %.3f s (iteration %d)\n", t.Threshold, *t.Seconds, *t.Iterations)
		}
	}
	fmt.Fprintf(out, "Batch accuracy      %.2f%% (%d images)\n", 100*s.BatchAccuracy, cfg.batch)
	fmt.Fprintf(out, "Test accuracy       %.2f%% (%d images)\n", 100*s.TestAccuracy, test.Images.N)
	if cfg.out != "" {
		fmt.Fprintf(out, "Weights             %s\n", cfg.out)
	}
	if err := writeJSON(cfg.jsonOut, s); err != nil {
		return err
	}
	if cfg.plot != "" {
		if err := writeLossPlot(cfg.plot, "nnopt: "+j.what, s.Trace); err != nil {
			return err
		}
		fmt.Fprintf(out, "Loss plot           %s\n", cfg.plot)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(out, "interrupted: the weights of the current point were kept")
	}
	return nil
}

// job is one reference training: its model and the PyTorch-equivalent network before
// and after the solve.
type job struct {
	Model   *nnopt.Model
	what    string
	initial *nn.Sequential
	trained func() *nn.Sequential
}

// mlpStart is the MLP's seeded Xavier-uniform initial weights (gains 5/3 and 1) and
// the weight bound (+Inf for -bound 0).
func mlpStart(cfg config, in int, rng *rand.Rand) (w1, w2 []float64, bound float64, err error) {
	w1, w2 = make([]float64, in*cfg.hidden), make([]float64, cfg.hidden*10)
	if err := nn.XavierUniform(rng, in, cfg.hidden, 5.0/3, w1); err != nil {
		return nil, nil, 0, err
	}
	if err := nn.XavierUniform(rng, cfg.hidden, 10, 1, w2); err != nil {
		return nil, nil, 0, err
	}
	bound = cfg.bound
	if bound == 0 {
		bound = math.Inf(1)
	}
	return w1, w2, bound, nil
}

// cnnBound is the CNN's weight bound: none unless -bound is given.
func cnnBound(cfg config) float64 {
	if cfg.boundSet {
		return cfg.bound
	}
	return 0
}

// cnnNet returns the reference CNN as an nn.Sequential with the current levels of
// the formulation's convolution weights.
func cnnNet(convs [3]*formulations.Conv2d) func() *nn.Sequential {
	return func() *nn.Sequential {
		var p [3][2][]float64
		for i, c := range convs {
			p[i] = [2][]float64{slices.Clone(c.WeightVariable().L), slices.Clone(c.BiasVariable().L)}
		}
		return cnnNetwork(p)
	}
}

func mlpJob(cfg config, x []float64, labels []uint8, in int, rng *rand.Rand) (job, error) {
	w1, w2, bound, err := mlpStart(cfg, in, rng)
	if err != nil {
		return job{}, err
	}
	m, err := refmodel.NewMLP(x, labels, in, cfg.hidden, 10, w1, w2, bound)
	if err != nil {
		return job{}, err
	}
	return job{
		Model:   m.Model,
		what:    fmt.Sprintf("%d-%d-10 tanh network", in, cfg.hidden),
		initial: network(in, cfg.hidden, w1, w2),
		trained: func() *nn.Sequential { return network(in, cfg.hidden, m.W1.L, m.W2.L) },
	}, nil
}

func cnnJob(cfg config, x []float64, labels []uint8, rng *rand.Rand) (job, error) {
	m, err := refmodel.NewCNN(x, labels, rng, cnnBound(cfg))
	if err != nil {
		return job{}, err
	}
	net := cnnNet(m.Convs)
	return job{Model: m.Model, what: "reference CNN (conv 1-2-3-10, 695 weights)", initial: net(), trained: net}, nil
}

// cnnNetwork is the reference CNN as an nn.Sequential, with the layer indices of the
// reference's PyTorch model (state dict keys 0.*, 3.*, 6.*); p holds weight and bias.
func cnnNetwork(p [3][2][]float64) *nn.Sequential {
	return &nn.Sequential{Layers: []nn.Layer{
		&nn.Conv2d{In: 1, Out: 2, Kernel: 5, Height: 28, Width: 28, Weight: p[0][0], Bias: p[0][1]},
		nn.Tanh{},
		&nn.AvgPool2d{Kernel: 2, Channels: 2, Height: 24, Width: 24},
		&nn.Conv2d{In: 2, Out: 3, Kernel: 5, Height: 12, Width: 12, Weight: p[1][0], Bias: p[1][1]},
		nn.Tanh{},
		&nn.AvgPool2d{Kernel: 2, Channels: 3, Height: 8, Width: 8},
		&nn.Conv2d{In: 3, Out: 10, Kernel: 4, Height: 4, Width: 4, Weight: p[2][0], Bias: p[2][1]},
		nn.Flatten{},
	}}
}

// network is the PyTorch-equivalent nn.Sequential; nnopt's w1 is (in × hidden) and
// PyTorch stores Linear weights as (out × in), hence the transposes.
func network(in, hidden int, w1, w2 []float64) *nn.Sequential {
	return &nn.Sequential{Layers: []nn.Layer{
		nn.Flatten{},
		&nn.Linear{In: in, Out: hidden, Weight: transpose(w1, in, hidden)},
		nn.Tanh{},
		&nn.Linear{In: hidden, Out: 10, Weight: transpose(w2, hidden, 10)},
		nn.LogSoftmax{},
	}}
}

func transpose(a []float64, r, c int) []float64 {
	t := make([]float64, len(a))
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			t[j*r+i] = a[i*c+j]
		}
	}
	return t
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// writeJSON writes the -json summary v to path, atomically; nothing when path is "".
func writeJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomicBytes(path, append(b, '\n'), 0o644)
}
