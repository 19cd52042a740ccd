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
	Loss          number  `json:"loss"`
	Iterations    int     `json:"iterations"`
	SolveStatus   string  `json:"solve_status"`
	DevAccuracy   number  `json:"dev_accuracy"` // null without a dev set
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
	BestBatch          int        `json:"best_batch"` // the batch whose weights were kept
	Kept               string     `json:"kept"`       // "best dev accuracy", or "last batch" without a dev set
	DevAccuracy        number     `json:"dev_accuracy"`
	TestAccuracy       number     `json:"test_accuracy"`
	Interrupted        bool       `json:"interrupted"`
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

// freeze applies the option file's dot options (symbol scales) to the model and
// freezes it: a frozen instance takes its scales as they are at Freeze.
func freeze(m *nnopt.Model, opts *optfile.File, modifiables ...nnopt.Modifiable) error {
	if opts != nil {
		if err := m.ApplyDotOptions(opts); err != nil {
			return fmt.Errorf("-optfile: %w", err)
		}
	}
	return m.Freeze(modifiables...)
}

func frozenMLP(cfg config, x []float64, labels []uint8, in int, rng *rand.Rand, opts *optfile.File) (frozenJob, error) {
	w1, w2, bound, err := mlpStart(cfg, in, rng)
	if err != nil {
		return frozenJob{}, err
	}
	m, err := refmodel.NewMLPWith(x, labels, in, cfg.hidden, 10, w1, w2, bound, refmodel.TargetOneHot)
	if err != nil {
		return frozenJob{}, err
	}
	if err := freeze(m.Model, opts, m.A1, m.Y); err != nil {
		return frozenJob{}, err
	}
	return frozenJob{
		model: m.Model, what: fmt.Sprintf("%d-%d-10 tanh network", in, cfg.hidden), setBatch: m.SetBatch,
		weights: []*nnopt.Variable{m.W1, m.W2},
		net:     func() *nn.Sequential { return network(in, cfg.hidden, m.W1.L, m.W2.L) },
	}, nil
}

func frozenCNN(cfg config, x []float64, labels []uint8, rng *rand.Rand, opts *optfile.File) (frozenJob, error) {
	m, err := refmodel.NewCNNWith(x, labels, rng, cnnBound(cfg), refmodel.TargetOneHot)
	if err != nil {
		return frozenJob{}, err
	}
	if err := freeze(m.Model, opts, m.A1, m.Y); err != nil {
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

// runBatches is run for -batches N, with the solve options of solveOptions and
// the option file's dot options.
func runBatches(ctx context.Context, cfg config, out io.Writer, mnist *datasets.MNIST, dir string, opt nnopt.Options, opts *optfile.File, use inUse) error {
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
		j, err = frozenCNN(cfg, x0, y0, rng, opts)
	} else {
		j, err = frozenMLP(cfg, x0, y0, in, rng, opts)
	}
	if err != nil {
		return err
	}
	gen := time.Since(start)
	noDev := cfg.dev == 0
	s := batchSummary{Model: cfg.model, Device: use.device.Name(), BLAS: use.blas, Method: opt.Method.String(), Batch: cfg.batch, Seed: cfg.seed,
		Batches: cfg.batches, DistinctBatches: len(batches), BatchIterationLim: opt.IterationLimit, Patience: cfg.patience, DevSize: cfg.dev,
		GenerationSeconds: gen.Seconds(), Kept: "best dev accuracy"}
	if noDev {
		s.Kept, s.Patience = "last batch", 0
	}
	if st, err := j.model.Statistics(); err == nil {
		s.Constraints, s.Variables = st.Constraints, st.Variables
	}
	fmt.Fprintf(out, "nnopt: training the %s on %d successive balanced batches of %d MNIST images from %s through one frozen model (%s)\n", j.what, cfg.batches, cfg.batch, dir, opt.Method)
	use.print(out)
	if noDev {
		fmt.Fprintf(out, "%d distinct batches from the %d training images; no dev set (-dev 0): the last batch's weights are kept, no early stopping; at most %d iterations per batch\n",
			len(batches), nTrain, opt.IterationLimit)
	} else {
		fmt.Fprintf(out, "%d distinct batches from the first %d training images, dev set the last %d; at most %d iterations per batch, patience %d\n",
			len(batches), nTrain, cfg.dev, opt.IterationLimit, cfg.patience)
	}
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
	interrupted := false
	for k := 0; k < cfg.batches; k++ {
		if ctx.Err() != nil {
			interrupted = true
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
		if a.SolveStatus == nnopt.SolveUserInterrupt {
			interrupted = true
			if a.NumIterations == 0 {
				break // this batch trained nothing
			}
		}
		acc := math.NaN()
		if !noDev {
			if acc, err = j.net().Accuracy(devX, devY, cfg.dev); err != nil {
				return err
			}
		}
		l := batchLog{Batch: k + 1, Epoch: k/len(batches) + 1, Loss: number(a.ObjectiveValue), Iterations: a.NumIterations, SolveStatus: a.SolveStatus.String(),
			DevAccuracy: number(acc), Seconds: time.Since(t0).Seconds(), UpdateSeconds: a.ModelGenerationTime}
		s.PerBatch = append(s.PerBatch, l)
		s.FrozenUpdateTotalS += a.ModelGenerationTime
		mark, devText := "", "dev accuracy    n/a"
		switch {
		case noDev:
			s.BestBatch = k + 1
			keep()
		case acc > bestAcc:
			bestAcc, since, s.BestBatch, mark = acc, 0, k+1, " *"
			keep()
		default:
			since++
		}
		if !noDev {
			devText = fmt.Sprintf("dev accuracy %6.2f%%", 100*acc)
		}
		fmt.Fprintf(out, "batch %3d/%d (epoch %d): loss %10.4f after %3d iterations (%s), %s%s, %.2f s (update %.1f ms)\n",
			k+1, cfg.batches, l.Epoch, float64(l.Loss), l.Iterations, l.SolveStatus, devText, mark, l.Seconds, 1e3*l.UpdateSeconds)
		if interrupted {
			break
		}
		if !noDev && cfg.patience > 0 && since >= cfg.patience {
			s.StoppedEarly = true
			fmt.Fprintf(out, "no better dev accuracy for %d batches: stopping\n", cfg.patience)
			break
		}
	}
	s.BatchesRun = len(s.PerBatch)
	s.Interrupted = interrupted
	if s.BatchesRun == 0 {
		return errNothingWritten // interrupted before the first batch's first iteration
	}
	j.model.Unfreeze()
	for i, v := range j.weights {
		copy(v.L, best[i])
	}
	s.DevAccuracy = number(math.NaN())
	if !noDev {
		s.DevAccuracy = number(bestAcc)
	}
	net := j.net()
	test := mnist.Test
	tx := test.Images.Batch(seq(test.Images.N), datasets.MNISTMean, datasets.MNISTStd)
	acc, err := net.Accuracy(tx, test.Labels, test.Images.N)
	if err != nil {
		return err
	}
	s.TestAccuracy = number(acc)
	// The weights first; every later failure is reported.
	var errs []error
	if cfg.out != "" {
		meta := map[string]string{"producer": "nnopt cmd/train", "model": cfg.model, "batches": fmt.Sprint(s.BatchesRun), "best_batch": fmt.Sprint(s.BestBatch), "kept": s.Kept}
		if err := nn.SaveSafetensors(cfg.out, net.StateDict(), meta); err != nil {
			errs = append(errs, fmt.Errorf("-out %s: %w", cfg.out, err))
		} else {
			s.Weights = cfg.out
		}
	}
	s.TotalSeconds = time.Since(start).Seconds()
	fmt.Fprintf(out, "\nBatches             %d of %d (%d distinct)\n", s.BatchesRun, cfg.batches, len(batches))
	if noDev {
		fmt.Fprintf(out, "Kept batch          %d (the last: no dev set)\n", s.BestBatch)
	} else {
		fmt.Fprintf(out, "Best batch          %d (dev accuracy %.2f%%, %d images)\n", s.BestBatch, 100*s.DevAccuracy, cfg.dev)
	}
	fmt.Fprintf(out, "Frozen updates      %.1f ms in all\n", 1e3*s.FrozenUpdateTotalS)
	fmt.Fprintf(out, "Total time          %.2f s\n", s.TotalSeconds)
	fmt.Fprintf(out, "Test accuracy       %.2f%% (%d images)\n", 100*s.TestAccuracy, test.Images.N)
	if s.Weights != "" {
		fmt.Fprintf(out, "Weights             %s (batch %d's, %s)\n", cfg.out, s.BestBatch, s.Kept)
	}
	if err := writeJSON(cfg.jsonOut, s); err != nil {
		errs = append(errs, fmt.Errorf("-json %s: %w", cfg.jsonOut, err))
	}
	if interrupted {
		fmt.Fprintf(out, "interrupted: batch %d's weights were kept\n", s.BestBatch)
	}
	return errors.Join(errs...)
}
