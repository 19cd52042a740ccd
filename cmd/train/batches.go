package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
	"github.com/nnopt/nnopt/optfile"
)

// Multi-batch training (-batches N): one frozen model whose input batch and one-hot
// targets are modifiable is solved on N successive balanced batches of the training
// data, each solve starting from the previous weights (the defined variables follow
// from the solver's forward sweep) and stopped by a per-batch iteration limit, so that
// no batch is fitted to the last digit. After each batch the weights are scored on a
// dev split held out of the training data; the best weights are kept, training stops
// when the dev accuracy has not improved for -patience batches, and the best weights
// are tested.

// batchLog is one batch of a multi-batch run.
type batchLog struct {
	Batch         int     `json:"batch"`
	Epoch         int     `json:"epoch"`
	Loss          float64 `json:"loss"`
	Iterations    int     `json:"iterations"`
	SolveStatus   string  `json:"solve_status"`
	DevAccuracy   float64 `json:"dev_accuracy"`
	Seconds       float64 `json:"seconds"`
	UpdateSeconds float64 `json:"update_seconds"`
}

type batchSummary struct {
	Model              string     `json:"model"`
	Device             string     `json:"device"`
	BLAS               string     `json:"blas"`
	Method             string     `json:"method"`
	Batch              int        `json:"batch"`
	Seed               uint64     `json:"seed"`
	Batches            int        `json:"batches"`
	BatchesRun         int        `json:"batches_run"`
	DistinctBatches    int        `json:"distinct_batches"`
	BatchIterationLim  int        `json:"batch_iterlim"`
	Patience           int        `json:"patience"`
	DevSize            int        `json:"dev_size"`
	StoppedEarly       bool       `json:"stopped_early"`
	BestBatch          int        `json:"best_batch"`
	DevAccuracy        float64    `json:"dev_accuracy"`
	TestAccuracy       float64    `json:"test_accuracy"`
	GenerationSeconds  float64    `json:"generation_seconds"`
	TotalSeconds       float64    `json:"total_seconds"`
	Weights            string     `json:"weights,omitempty"`
	PerBatch           []batchLog `json:"per_batch"`
	Constraints        int        `json:"constraints"`
	Variables          int        `json:"variables"`
	FrozenUpdateTotalS float64    `json:"frozen_update_seconds"`
}

// frozenJob is a reference network as a frozen training model.
type frozenJob struct {
	model    *nnopt.Model
	what     string
	setBatch func(x []float64, labels []uint8) error
	weights  []*nnopt.Variable // the trained variables, to keep and restore the best
	net      func() *nn.Sequential
}

func frozenMLP(cfg config, x []float64, labels []uint8, in int, rng *rand.Rand) (frozenJob, error) {
	w1, w2, bound, err := mlpStart(cfg, in, rng)
	if err != nil {
		return frozenJob{}, err
	}
	m, err := refmodel.NewMLPWith(x, labels, in, cfg.hidden, 10, w1, w2, bound, refmodel.TargetOneHot)
	if err != nil {
		return frozenJob{}, err
	}
	if err := m.Model.Freeze(m.A1, m.Y); err != nil {
		return frozenJob{}, err
	}
	return frozenJob{
		model: m.Model, what: fmt.Sprintf("%d-%d-10 tanh network", in, cfg.hidden), setBatch: m.SetBatch,
		weights: []*nnopt.Variable{m.W1, m.W2},
		net:     func() *nn.Sequential { return network(in, cfg.hidden, m.W1.L, m.W2.L) },
	}, nil
}

func frozenCNN(cfg config, x []float64, labels []uint8, rng *rand.Rand) (frozenJob, error) {
	m, err := refmodel.NewCNNWith(x, labels, rng, cnnBound(cfg), refmodel.TargetOneHot)
	if err != nil {
		return frozenJob{}, err
	}
	if err := m.Model.Freeze(m.A1, m.Y); err != nil {
		return frozenJob{}, err
	}
	var ws []*nnopt.Variable
	for _, c := range m.Convs {
		ws = append(ws, c.WeightVariable(), c.BiasVariable())
	}
	return frozenJob{model: m.Model, what: "reference CNN (conv 1-2-3-10, 695 weights)", setBatch: m.SetBatch, weights: ws, net: cnnNet(m.Convs)}, nil
}

// defaultBatchIterlim is -batch-iterlim's default (see the README's multi-batch
// section for how it was chosen).
const defaultBatchIterlim = 10

// batchMode builds the solve options of -batches N and runs it.
func batchMode(ctx context.Context, cfg config, out io.Writer, mnist *datasets.MNIST, dir string, method nlpsolve.Method, opts *optfile.File, use inUse) error {
	opt := nnopt.Options{IterationLimit: cfg.batchIterlim, TimeLimit: time.Duration(cfg.timelim * float64(time.Second)), Method: method, Memory: cfg.memory, Device: use.device}
	if opts != nil {
		set := nlpsolve.Settings{IterationLimit: opt.IterationLimit, TimeLimit: opt.TimeLimit, GradientTolerance: opt.GradientTolerance, Method: opt.Method, Memory: opt.Memory}
		opts.Apply(&set)
		opt.IterationLimit, opt.TimeLimit, opt.GradientTolerance, opt.Method, opt.Memory = set.IterationLimit, set.TimeLimit, set.GradientTolerance, set.Method, set.Memory
		if !cfg.quiet {
			if err := opts.Echo(out); err != nil {
				return err
			}
		}
	}
	return runBatches(ctx, cfg, out, mnist, dir, opt, use)
}

// runBatches is run for -batches N.
func runBatches(ctx context.Context, cfg config, out io.Writer, mnist *datasets.MNIST, dir string, opt nnopt.Options, use inUse) error {
	start := time.Now()
	train := mnist.Train
	nTrain := train.Images.N - cfg.dev
	if cfg.dev < 0 || nTrain < cfg.batch {
		return fmt.Errorf("-dev %d: want 0 or more, leaving at least one batch (%d) of the %d training images", cfg.dev, cfg.batch, train.Images.N)
	}
	batches, err := datasets.BalancedBatches(train.Labels[:nTrain], cfg.batch/10, 10, 0)
	if err != nil {
		return fmt.Errorf("balanced batches of %d from the first %d training images of %s: %w", cfg.batch, nTrain, dir, err)
	}
	devIdx := seq(cfg.dev)
	for i := range devIdx {
		devIdx[i] += nTrain
	}
	devX := train.Images.Batch(devIdx, datasets.MNISTMean, datasets.MNISTStd)
	devY := datasets.GatherLabels(train.Labels, devIdx)
	in := train.Images.Size()
	data := func(k int) ([]float64, []uint8) {
		b := batches[k%len(batches)]
		return train.Images.Batch(b, datasets.MNISTMean, datasets.MNISTStd), datasets.GatherLabels(train.Labels, b)
	}

	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed))
	x0, y0 := data(0)
	var j frozenJob
	if cfg.model == "cnn" {
		j, err = frozenCNN(cfg, x0, y0, rng)
	} else {
		j, err = frozenMLP(cfg, x0, y0, in, rng)
	}
	if err != nil {
		return err
	}
	gen := time.Since(start)
	s := batchSummary{Model: cfg.model, Device: use.device.Name(), BLAS: use.blas, Method: opt.Method.String(), Batch: cfg.batch, Seed: cfg.seed,
		Batches: cfg.batches, DistinctBatches: len(batches), BatchIterationLim: opt.IterationLimit, Patience: cfg.patience, DevSize: cfg.dev,
		GenerationSeconds: gen.Seconds(), BestBatch: -1}
	if st, err := j.model.Statistics(); err == nil {
		s.Constraints, s.Variables = st.Constraints, st.Variables
	}
	fmt.Fprintf(out, "nnopt: training the %s on %d successive balanced batches of %d MNIST images from %s through one frozen model (%s)\n", j.what, cfg.batches, cfg.batch, dir, opt.Method)
	use.print(out)
	fmt.Fprintf(out, "%d distinct batches from the first %d training images, dev set the last %d; at most %d iterations per batch, patience %d\n",
		len(batches), nTrain, cfg.dev, opt.IterationLimit, cfg.patience)
	best := make([][]float64, len(j.weights))
	keep := func() {
		for i, v := range j.weights {
			best[i] = slices.Clone(v.L)
		}
	}
	keep()
	bestAcc, since := math.Inf(-1), 0
	opt.Output = nil                                               // one line per batch instead of iteration logs
	opt.Freeze = nnopt.FreezeOptions{UpdateType: nnopt.UpdateZero} // one-hot zeros are data
	for k := 0; k < cfg.batches; k++ {
		if ctx.Err() != nil {
			break
		}
		t0 := time.Now()
		if k > 0 {
			x, y := data(k)
			if err := j.setBatch(x, y); err != nil {
				return err
			}
		}
		err := j.model.Solve(ctx, opt)
		if err != nil {
			return fmt.Errorf("batch %d: %w", k+1, err)
		}
		a := j.model.Attributes
		acc := 1.0
		if cfg.dev > 0 {
			if acc, err = j.net().Accuracy(devX, devY, cfg.dev); err != nil {
				return err
			}
		}
		l := batchLog{Batch: k + 1, Epoch: k/len(batches) + 1, Loss: a.ObjectiveValue, Iterations: a.NumIterations, SolveStatus: a.SolveStatus.String(),
			DevAccuracy: acc, Seconds: time.Since(t0).Seconds(), UpdateSeconds: a.ModelGenerationTime}
		s.PerBatch = append(s.PerBatch, l)
		s.FrozenUpdateTotalS += a.ModelGenerationTime
		mark := ""
		if acc > bestAcc {
			bestAcc, since, s.BestBatch, mark = acc, 0, k+1, " *"
			keep()
		} else {
			since++
		}
		fmt.Fprintf(out, "batch %3d/%d (epoch %d): loss %10.4f after %3d iterations (%s), dev accuracy %6.2f%%%s, %.2f s (update %.1f ms)\n",
			k+1, cfg.batches, l.Epoch, l.Loss, l.Iterations, l.SolveStatus, 100*acc, mark, l.Seconds, 1e3*l.UpdateSeconds)
		if cfg.patience > 0 && since >= cfg.patience {
			s.StoppedEarly = true
			fmt.Fprintf(out, "no better dev accuracy for %d batches: stopping\n", cfg.patience)
			break
		}
	}
	s.BatchesRun = len(s.PerBatch)
	j.model.Unfreeze()
	for i, v := range j.weights {
		copy(v.L, best[i])
	}
	s.DevAccuracy = bestAcc
	net := j.net()
	test := mnist.Test
	tx := test.Images.Batch(seq(test.Images.N), datasets.MNISTMean, datasets.MNISTStd)
	if s.TestAccuracy, err = net.Accuracy(tx, test.Labels, test.Images.N); err != nil {
		return err
	}
	if cfg.out != "" {
		meta := map[string]string{"producer": "nnopt cmd/train", "model": cfg.model, "batches": fmt.Sprint(s.BatchesRun), "best_batch": fmt.Sprint(s.BestBatch)}
		if err := nn.SaveSafetensors(cfg.out, net.StateDict(), meta); err != nil {
			return err
		}
		s.Weights = cfg.out
	}
	s.TotalSeconds = time.Since(start).Seconds()
	fmt.Fprintf(out, "\nBatches             %d of %d (%d distinct)\n", s.BatchesRun, cfg.batches, len(batches))
	fmt.Fprintf(out, "Best batch          %d (dev accuracy %.2f%%, %d images)\n", s.BestBatch, 100*s.DevAccuracy, cfg.dev)
	fmt.Fprintf(out, "Frozen updates      %.1f ms in all\n", 1e3*s.FrozenUpdateTotalS)
	fmt.Fprintf(out, "Total time          %.2f s\n", s.TotalSeconds)
	fmt.Fprintf(out, "Test accuracy       %.2f%% (%d images)\n", 100*s.TestAccuracy, test.Images.N)
	if cfg.out != "" {
		fmt.Fprintf(out, "Weights             %s (the best batch's)\n", cfg.out)
	}
	if err := writeJSON(cfg.jsonOut, s); err != nil {
		return err
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(out, "interrupted: the best weights so far were kept")
	}
	return nil
}
