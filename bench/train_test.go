// Package bench holds nnopt's benchmarks; compare_mlp.sh runs the PyTorch peer.
package bench

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/device"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

func referenceMLP(b *testing.B, bound float64) *refmodel.MLP {
	data, err := datasets.LoadSplit(testdata.MNISTDir(b), true)
	if err != nil {
		b.Fatal(err)
	}
	idx, err := datasets.BalancedBatch(data.Labels, 50, 10)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	w1, w2 := make([]float64, 784*20), make([]float64, 200)
	_ = nn.XavierUniform(rng, 784, 20, 5.0/3, w1)
	_ = nn.XavierUniform(rng, 20, 10, 1, w2)
	m, err := refmodel.NewMLP(data.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd), datasets.GatherLabels(data.Labels, idx), 784, 20, 10, w1, w2, bound)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkTrainMLP trains the reference MLP to the solver's default tolerance with
// each method and each CPU BLAS; the reported loss-1e-6-s metric is the time at which
// the loss first reached 1e-6, the mean over the runs (-1: some run never did).
func BenchmarkTrainMLP(b *testing.B) {
	for _, lib := range []string{"gonum", "openblas"} {
		b.Run(lib, func(b *testing.B) {
			desc, err := device.UseBLAS(lib)
			if err != nil {
				b.Skip(err)
			}
			defer device.UseBLAS("gonum")
			b.Log(desc)
			benchmarkTrainMLP(b)
		})
	}
}

func benchmarkTrainMLP(b *testing.B) {
	for _, run := range []struct {
		name   string
		method nlpsolve.Method
		bound  float64
	}{
		{"newton-cg", nlpsolve.NewtonCG, 5},
		{"lbfgs", nlpsolve.LBFGS, 5},
		{"lbfgs-unbounded", nlpsolve.LBFGS, math.Inf(1)},
	} {
		method := run.method
		b.Run(run.name, func(b *testing.B) {
			var reached, sum float64
			never := false
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				m := referenceMLP(b, run.bound)
				b.StartTimer()
				reached = -1
				err := m.Model.Solve(context.Background(), nnopt.Options{Method: method, IterationLimit: 2000, OnIteration: func(it nlpsolve.Iteration) {
					if reached < 0 && it.Objective <= 1e-6 {
						reached = it.Elapsed.Seconds()
					}
				}})
				if err != nil {
					b.Fatal(err)
				}
				sum += reached
				never = never || reached < 0
			}
			if never {
				sum = -float64(b.N)
			}
			b.ReportMetric(sum/float64(b.N), "loss-1e-6-s")
		})
	}
}

// BenchmarkModelGeneration measures building the model and computing its statistics.
func BenchmarkModelGeneration(b *testing.B) {
	m := referenceMLP(b, 5)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Model.Statistics(); err != nil {
			b.Fatal(err)
		}
	}
}
