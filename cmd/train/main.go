// Command train trains the reference MNIST network as a nonlinear program with nnopt's
// reduced-gradient solver: one balanced batch, model statistics, an iteration log, a
// summary with batch and test accuracy, and the weights as a safetensors file that
// PyTorch's load_state_dict accepts.
package main

import (
	"bytes"
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
	"syscall"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/formulations"
	"github.com/nnopt/nnopt/internal/fsutil"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/internal/sysmem"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
	"github.com/nnopt/nnopt/optfile"
	"github.com/nnopt/nnopt/trace"
)

type config struct {
	data, mirror, model, out, initOut, jsonOut, plot, traceOut, solveTrace, optFile, method, device, blas, scale, savePoint, cpuProfile string
	download, quiet, boundSet                                                                                                           bool
	batch, hidden, iterlim, memory, threads                                                                                             int
	batches, dev, patience, batchIterlim                                                                                                int
	seed                                                                                                                                uint64
	timelim, bound                                                                                                                      float64
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
	flag.IntVar(&cfg.dev, "dev", 1000, "with -batches: the last this many training images are the dev set, not trained on (0: none; the last batch's weights are kept)")
	flag.IntVar(&cfg.patience, "patience", 30, "with -batches: stop when the dev accuracy has not improved for this many batches (0: never)")
	flag.Float64Var(&cfg.timelim, "timelim", 600, "time limit of the solve in seconds (0 = none; at most 1e9)")
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
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { cfg.boundSet = cfg.boundSet || f.Name == "bound" })
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	if cfg.cpuProfile != "" {
		if err := fsutil.CheckWritable(cfg.cpuProfile); err != nil {
			fail(fmt.Errorf("-cpuprofile %s: %w", cfg.cpuProfile, err))
		}
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			fail(fmt.Errorf("-cpuprofile: %w", err))
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(fmt.Errorf("-cpuprofile: %w", err))
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	ctx, stop := notifyInterrupt(context.Background(), os.Stderr, os.Exit)
	err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		pprof.StopCPUProfile() // deferred calls do not run on os.Exit
		if errors.Is(err, errNothingWritten) {
			os.Exit(exitInterrupted)
		}
		os.Exit(1)
	}
}

// exitInterrupted is the exit status of a run stopped by a signal before it had
// anything to write, and of a second Ctrl-C: a shell's 128+SIGINT.
const exitInterrupted = 130

// interruptSignals stop a run at its current point: Ctrl-C, and the SIGTERM that
// kill, systemd and container runtimes send, so that a stopped run keeps its
// weights rather than dying with them.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// notifyInterrupt returns a context cancelled by the first interrupt signal; the
// second calls exit(exitInterrupted) at once, for a user who does not want to
// wait for the results to be written. stop stops the watching.
func notifyInterrupt(parent context.Context, msg io.Writer, exit func(int)) (ctx context.Context, stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, interruptSignals...)
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	go watchInterrupts(sigs, done, cancel, msg, exit)
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

// watchInterrupts cancels on the first signal from sigs and exits on the second,
// until done is closed.
func watchInterrupts(sigs <-chan os.Signal, done <-chan struct{}, cancel func(), msg io.Writer, exit func(int)) {
	select {
	case s := <-sigs:
		fmt.Fprintf(msg, "\ntrain: %v: stopping at the current point and writing the results (again to exit at once)\n", s)
		cancel()
	case <-done:
		return
	}
	select {
	case s := <-sigs:
		fmt.Fprintf(msg, "train: %v again: exiting without writing\n", s)
		exit(exitInterrupted)
	case <-done:
	}
}

// errNothingWritten is the error of a run interrupted before the solver's first
// iteration: there is nothing trained to write, and existing files must not be
// replaced by the initial point.
var errNothingWritten = errors.New("interrupted before the first iteration: nothing written")

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
	Objective number  `json:"objective"`
}

type summary struct {
	Model                     string `json:"model"`
	Device                    string `json:"device"`
	BLAS                      string `json:"blas"`
	Method                    string `json:"method"`
	Batch                     int    `json:"batch"`
	Seed                      uint64 `json:"seed"`
	Constraints               int    `json:"constraints"`
	Variables                 int    `json:"variables"`
	JacobianNonzeros          int    `json:"jacobian_nonzeros"`
	NonlinearJacobianNonzeros int    `json:"nonlinear_jacobian_nonzeros"`
	HessianDiagonal           int    `json:"hessian_diagonal"`
	HessianBelowDiagonal      int    `json:"hessian_below_diagonal"`
	NonlinearVariables        int    `json:"nonlinear_variables"`
	ModelStatus               int    `json:"model_status"`
	ModelStatusText           string `json:"model_status_text"`
	SolveStatus               int    `json:"solve_status"`
	SolveStatusText           string `json:"solve_status_text"`
	Objective                 number `json:"objective"`
	Iterations                int    `json:"iterations"`
	// DataSeconds is loading the data and preparing the batch; GenerationSeconds
	// building the model's symbols and equations and compiling them to blocks;
	// StartSeconds the part of SolveSeconds before the first iteration (the
	// solver's setup and the sweeps at the start point).
	DataSeconds       float64     `json:"data_seconds"`
	GenerationSeconds float64     `json:"generation_seconds"`
	StartSeconds      float64     `json:"start_seconds"`
	SolveSeconds      float64     `json:"solve_seconds"`
	BatchAccuracy     number      `json:"batch_accuracy"`
	TestAccuracy      number      `json:"test_accuracy"`
	Interrupted       bool        `json:"interrupted"`
	Weights           string      `json:"weights,omitempty"`
	Thresholds        []threshold `json:"thresholds"`
	Trace             []point     `json:"trace"`
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
	method, scaling, err := checkFlags(cfg)
	if err != nil {
		return err
	}
	var opts *optfile.File
	if cfg.optFile != "" {
		if opts, err = optfile.ReadFile(cfg.optFile, optfile.Default()); err != nil {
			return fmt.Errorf("-optfile: %w", err)
		}
	}
	opt, err := solveOptions(cfg, method, scaling, opts)
	if err != nil {
		return err
	}
	if err := checkOutputs(cfg); err != nil {
		return err
	}
	blasInUse, err := device.UseBLAS(cfg.blas)
	if err != nil {
		return err
	}
	be, deviceLine, err := device.Open(cfg.device)
	if err != nil {
		return err
	}
	opt.Device = be
	use := inUse{blas: blasInUse, device: be, deviceLine: deviceLine}
	dataStart := time.Now()
	dir, err := dataDir(ctx, cfg, out)
	if err != nil {
		return err
	}
	mnist, err := datasets.LoadMNIST(dir)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errNothingWritten
	}
	if err := checkImages(cfg, mnist, dir); err != nil {
		return err
	}
	if err := checkMemory(cfg, mnist, opt.Memory, sysmem.Available); err != nil {
		return err
	}
	if cfg.batches > 0 {
		if opts != nil && !cfg.quiet {
			if err := opts.Echo(out); err != nil {
				return err
			}
		}
		return runBatches(ctx, cfg, out, mnist, dir, opt, opts, use)
	}
	idx, err := datasets.BalancedBatch(mnist.Train.Labels, cfg.batch/10, 10)
	if err != nil {
		return fmt.Errorf("balanced batch of %d from %s: %w", cfg.batch, dir, err)
	}
	x := mnist.Train.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd)
	labels := datasets.GatherLabels(mnist.Train.Labels, idx)
	in := mnist.Train.Images.Size()
	data := time.Since(dataStart)

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

	s := summary{Model: cfg.model, Device: be.Name(), BLAS: blasInUse, Method: opt.Method.String(), Batch: cfg.batch, Seed: cfg.seed}
	fmt.Fprintf(out, "nnopt: training the %s on a balanced batch of %d MNIST images from %s (%s)\n", j.what, cfg.batch, dir, opt.Method)
	use.print(out)
	marks := []float64{1, 1e-3, 1e-6}
	if cfg.model == "cnn" {
		marks = append([]float64{42.1}, marks...) // where the reference's CNN run was interrupted
	}
	s.Thresholds = make([]threshold, len(marks))
	for i, t := range marks {
		s.Thresholds[i].Threshold = t
	}
	// The solve trace is held until the first iteration, so that an interrupt
	// before it leaves an existing file as it was.
	var progress *trace.SolveTrace
	var progressFile *heldFile
	if cfg.solveTrace != "" {
		progressFile = &heldFile{path: cfg.solveTrace}
		defer progressFile.Close()
		progress = trace.NewSolveTrace(progressFile, trace.SolveTraceOptions{Name: cfg.solveTrace, Instance: j.Model.Name(), NodeFrequency: 10, TimeFrequency: time.Second})
	}
	opt.OnIteration = func(it nlpsolve.Iteration) {
		sec := it.Elapsed.Seconds()
		s.Trace = append(s.Trace, point{it.Iter, sec, number(it.Objective)})
		for i := range s.Thresholds {
			if s.Thresholds[i].Seconds == nil && it.Objective <= s.Thresholds[i].Threshold {
				n := it.Iter
				s.Thresholds[i].Seconds, s.Thresholds[i].Iterations = &sec, &n
			}
		}
		if progress != nil {
			if it.Iter >= 1 {
				progressFile.commit()
			}
			progress.Iteration(it)
		}
	}
	if !cfg.quiet {
		opt.Output = out
	}
	if opts != nil {
		if err := j.Model.ApplyDotOptions(opts); err != nil {
			return fmt.Errorf("-optfile: %w", err)
		}
		if !cfg.quiet {
			if err := opts.Echo(out); err != nil {
				return err
			}
		}
	}
	if ctx.Err() != nil {
		return errNothingWritten
	}
	// The point file and the trace record are written below with the other
	// results, not by Solve, so that a run with nothing trained writes none.
	solveErr := j.Model.Solve(ctx, opt)
	a := j.Model.Attributes
	if solveErr != nil {
		return solveErr
	}
	interrupted := a.SolveStatus == nnopt.SolveUserInterrupt
	if interrupted && a.NumIterations == 0 {
		return errNothingWritten
	}
	st, _ := j.Model.Statistics()
	s.Constraints, s.Variables, s.JacobianNonzeros, s.NonlinearJacobianNonzeros = st.Constraints, st.Variables, st.JacobianNonzeros, st.NonlinearJacobianNonzeros
	s.HessianDiagonal, s.HessianBelowDiagonal, s.NonlinearVariables = st.HessianDiagonal, st.HessianBelowDiagonal, st.NonlinearVariables
	s.ModelStatus, s.ModelStatusText = int(a.Status), a.Status.String()
	s.SolveStatus, s.SolveStatusText = int(a.SolveStatus), a.SolveStatus.String()
	s.Objective, s.Iterations = number(a.ObjectiveValue), a.NumIterations
	s.DataSeconds = data.Seconds()
	s.GenerationSeconds = build.Seconds() + a.ModelGenerationTime
	s.StartSeconds = a.SolverStartTime
	s.SolveSeconds = a.SolveModelTime
	s.Interrupted = interrupted

	net := j.trained()
	acc, err := net.Accuracy(x, labels, cfg.batch)
	if err != nil {
		return err
	}
	s.BatchAccuracy = number(acc)
	test := mnist.Test
	tx := test.Images.Batch(seq(test.Images.N), datasets.MNISTMean, datasets.MNISTStd)
	if acc, err = net.Accuracy(tx, test.Labels, test.Images.N); err != nil {
		return err
	}
	s.TestAccuracy = number(acc)

	// The weights first: whatever fails after them, the training is kept. Every
	// later failure is reported, not only the first.
	var errs []error
	if cfg.out != "" {
		meta := map[string]string{"producer": "nnopt cmd/train", "model": cfg.model, "objective": fmt.Sprint(a.ObjectiveValue), "model_status": a.Status.String()}
		if err := nn.SaveSafetensors(cfg.out, net.StateDict(), meta); err != nil {
			errs = append(errs, fmt.Errorf("-out %s: %w", cfg.out, err))
		} else {
			s.Weights = cfg.out
		}
	}
	if cfg.initOut != "" {
		if err := nn.SaveSafetensors(cfg.initOut, j.initial.StateDict(), map[string]string{"producer": "nnopt cmd/train", "model": cfg.model, "stage": "initial"}); err != nil {
			errs = append(errs, fmt.Errorf("-init-out %s: %w", cfg.initOut, err))
		}
	}
	if cfg.savePoint != "" {
		if err := j.Model.SavePoint(cfg.savePoint); err != nil {
			errs = append(errs, fmt.Errorf("-savepoint %s: %w", cfg.savePoint, err))
		}
	}
	if cfg.traceOut != "" {
		rec := &trace.Recorder{Path: cfg.traceOut, Format: trace.FormatStep, Info: trace.Info{InputFileName: "train-" + cfg.model}}
		if err := rec.RecordSolve(j.Model); err != nil {
			errs = append(errs, fmt.Errorf("-trace %s: %w", cfg.traceOut, err))
		}
	}
	if progress != nil {
		err := progressFile.commit()
		if err == nil {
			err = progress.EndModel(j.Model)
		}
		if err == nil {
			err = progressFile.Close()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("-solvetrace %s: %w", cfg.solveTrace, err))
		}
	}
	fmt.Fprintf(out, "\nModel status        %d %s\n", a.Status, a.Status)
	fmt.Fprintf(out, "Solve status        %d %s\n", a.SolveStatus, a.SolveStatus)
	fmt.Fprintf(out, "Objective           %.10g\n", a.ObjectiveValue)
	fmt.Fprintf(out, "Iterations          %d\n", a.NumIterations)
	fmt.Fprintf(out, "Data time           %.3f s (loading, batch)\n", s.DataSeconds)
	fmt.Fprintf(out, "Generation time     %.3f s (symbols, equations, blocks)\n", s.GenerationSeconds)
	fmt.Fprintf(out, "Solve time          %.3f s (%.3f s before the first iteration)\n", s.SolveSeconds, s.StartSeconds)
	for _, t := range s.Thresholds {
		if t.Seconds != nil {
			fmt.Fprintf(out, "Loss <= %-8g    after %.3f s (iteration %d)\n", t.Threshold, *t.Seconds, *t.Iterations)
		}
	}
	fmt.Fprintf(out, "Batch accuracy      %.2f%% (%d images)\n", 100*s.BatchAccuracy, cfg.batch)
	fmt.Fprintf(out, "Test accuracy       %.2f%% (%d images)\n", 100*s.TestAccuracy, test.Images.N)
	if s.Weights != "" {
		fmt.Fprintf(out, "Weights             %s\n", cfg.out)
	}
	if err := writeJSON(cfg.jsonOut, s); err != nil {
		errs = append(errs, fmt.Errorf("-json %s: %w", cfg.jsonOut, err))
	}
	if cfg.plot != "" {
		if n := plottable(s.Trace); n < 2 {
			fmt.Fprintf(out, "Loss plot           skipped: %d iterations with a positive loss, a line needs 2\n", n)
		} else if err := writeLossPlot(cfg.plot, "nnopt: "+j.what, s.Trace); err != nil {
			errs = append(errs, err)
		} else {
			fmt.Fprintf(out, "Loss plot           %s\n", cfg.plot)
		}
	}
	if interrupted {
		fmt.Fprintln(out, "interrupted: the weights of the current point were kept")
	}
	return errors.Join(errs...)
}

// checkFlags checks the flags that need no data, and returns the method and
// scaling they name.
func checkFlags(cfg config) (nlpsolve.Method, nlpsolve.Scaling, error) {
	if cfg.model != "mlp" && cfg.model != "cnn" {
		return 0, 0, fmt.Errorf("-model %q: want mlp or cnn", cfg.model)
	}
	method := nlpsolve.LBFGS
	switch cfg.method {
	case "lbfgs", "":
	case "newton-cg":
		method = nlpsolve.NewtonCG
	default:
		return 0, 0, fmt.Errorf("-method %q: want lbfgs or newton-cg", cfg.method)
	}
	// auto is left unset: the triangular method's automatic scaling, while a model
	// that falls back to the general method keeps the Scale attributes there
	// instead of being refused.
	scaling := nlpsolve.DefaultScaling
	switch cfg.scale {
	case "auto":
	case "user":
		scaling = nlpsolve.ScaleUser
	default:
		return 0, 0, fmt.Errorf("-scale %q: want auto or user", cfg.scale)
	}
	if cfg.batch <= 0 || cfg.batch%10 != 0 {
		return 0, 0, fmt.Errorf("-batch %d: want a positive multiple of 10 (the batch is balanced over 10 digits)", cfg.batch)
	}
	if cfg.bound < 0 || math.IsNaN(cfg.bound) {
		return 0, 0, fmt.Errorf("-bound %g: want a positive bound, or 0 for none", cfg.bound)
	}
	if cfg.plot != "" && !strings.EqualFold(filepath.Ext(cfg.plot), ".png") {
		return 0, 0, fmt.Errorf("-plot %s: the plot is a PNG; give a file name ending in .png", cfg.plot)
	}
	if cfg.batches < 0 || cfg.patience < 0 || cfg.batchIterlim < 0 {
		return 0, 0, fmt.Errorf("-batches %d, -patience %d, -batch-iterlim %d: want 0 or more", cfg.batches, cfg.patience, cfg.batchIterlim)
	}
	if cfg.batches > 0 {
		for _, f := range []struct {
			name string
			set  bool
		}{{"-plot", cfg.plot != ""}, {"-trace", cfg.traceOut != ""}, {"-solvetrace", cfg.solveTrace != ""}, {"-init-out", cfg.initOut != ""}, {"-savepoint", cfg.savePoint != ""}} {
			if f.set {
				return 0, 0, fmt.Errorf("%s is for the single-batch run; -batches writes one line per batch (and -json)", f.name)
			}
		}
	}
	if cfg.hidden <= 0 {
		return 0, 0, fmt.Errorf("-hidden %d: want a positive number of neurons", cfg.hidden)
	}
	return method, scaling, nil
}

// solveOptions is the one construction of the solve's options from the flags and
// the option file, for the single-batch run and -batches alike, checked by
// nnopt.Options.Validate before any data is loaded. An error names the flag, or
// the option file, whose value is out of range.
func solveOptions(cfg config, method nlpsolve.Method, scaling nlpsolve.Scaling, f *optfile.File) (nnopt.Options, error) {
	iterFlag, iterlim := "-iterlim", cfg.iterlim
	if cfg.batches > 0 {
		iterFlag, iterlim = "-batch-iterlim", cfg.batchIterlim
	}
	timelim, err := nlpsolve.Seconds(cfg.timelim)
	if err != nil {
		return nnopt.Options{}, fmt.Errorf("-timelim %g: want %s", cfg.timelim, wantOf(err))
	}
	// Each flag alone first, so that the error names it.
	for _, fl := range []struct {
		name string
		val  int
		opt  nnopt.Options
	}{
		{iterFlag, iterlim, nnopt.Options{IterationLimit: iterlim}},
		{"-memory", cfg.memory, nnopt.Options{Memory: cfg.memory}},
		{"-threads", cfg.threads, nnopt.Options{Threads: cfg.threads}},
	} {
		if err := fl.opt.Validate(); err != nil {
			return nnopt.Options{}, fmt.Errorf("%s %d: want %s", fl.name, fl.val, wantOf(err))
		}
	}
	opt := nnopt.Options{IterationLimit: iterlim, TimeLimit: timelim, Method: method, Memory: cfg.memory, Scaling: scaling, Threads: cfg.threads}
	if f != nil {
		opt.ApplyOptionFile(f)
	}
	if err := opt.Validate(); err != nil {
		return nnopt.Options{}, fmt.Errorf("-optfile %s: %w", cfg.optFile, err)
	}
	return opt, nil
}

// wantOf is what a range error says is accepted, for an error that names the flag
// and its value itself.
func wantOf(err error) string {
	var re *nlpsolve.RangeError
	if errors.As(err, &re) {
		return re.Want
	}
	return err.Error()
}

// checkOutputs checks every output path before any data is loaded, so that a
// missing directory fails at once instead of after the training: the directory
// exists and is writable, and the path is not a directory. All bad paths are
// reported.
func checkOutputs(cfg config) error {
	var errs []error
	for _, o := range []struct{ flag, path string }{
		{"-out", cfg.out}, {"-json", cfg.jsonOut}, {"-savepoint", cfg.savePoint}, {"-trace", cfg.traceOut},
		{"-solvetrace", cfg.solveTrace}, {"-plot", cfg.plot}, {"-init-out", cfg.initOut}, {"-cpuprofile", cfg.cpuProfile},
	} {
		if o.path == "" {
			continue
		}
		if err := fsutil.CheckWritable(o.path); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", o.flag, o.path, err))
		}
	}
	return errors.Join(errs...)
}

// cnnSide is the image side the reference CNN's layers are built for.
const cnnSide = 28

// checkImages checks the images' shape as the IDX headers state it before any
// model is generated: training and test images of one size (the network is
// tested on what it was trained on), and 28×28 for the CNN, whose convolutions
// would otherwise read a 784-pixel image of another shape as 28×28.
func checkImages(cfg config, mnist *datasets.MNIST, dir string) error {
	tr, te := mnist.Train.Images, mnist.Test.Images
	if tr.Rows <= 0 || tr.Cols <= 0 {
		return fmt.Errorf("%s: the training images are %d×%d: want images of at least one pixel", dir, tr.Rows, tr.Cols)
	}
	if tr.Rows != te.Rows || tr.Cols != te.Cols {
		return fmt.Errorf("%s: the training images are %d×%d, the test images %d×%d: want one size", dir, tr.Rows, tr.Cols, te.Rows, te.Cols)
	}
	if cfg.model == "cnn" && (tr.Rows != cnnSide || tr.Cols != cnnSide) {
		return fmt.Errorf("-model cnn: the images in %s are %d×%d: the reference CNN takes %d×%d", dir, tr.Rows, tr.Cols, cnnSide, cnnSide)
	}
	return nil
}

// checkMemory refuses a run whose estimated memory exceeds what the machine has
// available (available: sysmem.Available), before the model is generated: the
// data that is still to be made (the normalised batches, dev and test images)
// and the model's estimate (refmodel.MLPBytes, CNNBytes). Where the available
// memory cannot be read, there is no check.
func checkMemory(cfg config, mnist *datasets.MNIST, memory int, available func() (uint64, bool)) error {
	avail, ok := available()
	if !ok {
		return nil
	}
	in := float64(mnist.Train.Images.Size())
	data := 8 * in * (float64(cfg.batch) + float64(mnist.Test.Images.N)) // normalised float64 pixels
	if cfg.batches > 0 {
		data += 8 * in * (float64(cfg.batch) + float64(cfg.dev)) // the next batch, and the dev set
	}
	model := refmodel.CNNBytes(cfg.batch, memory)
	what, smaller := fmt.Sprintf("-model cnn -batch %d", cfg.batch), "-batch"
	if cfg.model == "mlp" {
		model = refmodel.MLPBytes(cfg.batch, int(in), cfg.hidden, datasets.NumClasses, memory)
		what, smaller = fmt.Sprintf("-batch %d -hidden %d", cfg.batch, cfg.hidden), "-batch or -hidden"
	}
	if memory > 0 {
		what += fmt.Sprintf(" -memory %d", memory)
	}
	if need := data + model; need > float64(avail) {
		return fmt.Errorf("%s: the run needs about %s of memory (model and solver %s, data %s), but %s is available (%s): want a smaller %s",
			what, byteSize(need), byteSize(model), byteSize(data), byteSize(float64(avail)), sysmem.Source, smaller)
	}
	return nil
}

// byteSize writes a byte count for people: 1.5 GB, 300 MB.
func byteSize(b float64) string {
	for _, u := range []struct {
		size float64
		name string
	}{{1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "kB"}} {
		if b >= u.size {
			return fmt.Sprintf("%.3g %s", b/u.size, u.name)
		}
	}
	return fmt.Sprintf("%.0f B", b)
}

// heldFile is a file that is created only when committed: until then its
// writes are held in memory. The solve trace goes through one so that a run
// interrupted before its first iteration leaves an existing file as it was.
type heldFile struct {
	path   string
	held   bytes.Buffer
	f      *os.File
	err    error
	closed bool
}

func (h *heldFile) Write(p []byte) (int, error) {
	switch {
	case h.err != nil:
		return 0, h.err
	case h.f == nil:
		return h.held.Write(p)
	}
	n, err := h.f.Write(p)
	h.err = err
	return n, err
}

// commit creates the file and writes what was held; later writes go straight
// to the file. It returns the first error of the file's writes.
func (h *heldFile) commit() error {
	if h.f != nil || h.err != nil || h.closed {
		return h.err
	}
	if h.f, h.err = os.Create(h.path); h.err != nil {
		return h.err
	}
	_, h.err = h.f.Write(h.held.Bytes())
	h.held.Reset()
	return h.err
}

// Close closes the file, if it was created.
func (h *heldFile) Close() error {
	if h.f == nil || h.closed {
		return h.err
	}
	h.closed = true
	if err := h.f.Close(); h.err == nil {
		h.err = err
	}
	return h.err
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

// number is a figure of the -json summary: JSON has no NaN or infinity, so
// those (a loss the solver could not evaluate, an accuracy not measured) are
// written as null rather than failing the summary after the training.
type number float64

func (n number) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
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
