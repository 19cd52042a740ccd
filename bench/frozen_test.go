package bench

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// frozenBatches are two successive balanced batches of 500 and the reference's
// initial weights.
func frozenBatches(b *testing.B) (x [2][]float64, y [2][]uint8, w1, w2 []float64) {
	data, err := datasets.LoadSplit(testdata.MNISTDir(b), true)
	if err != nil {
		b.Fatal(err)
	}
	bs, err := datasets.BalancedBatches(data.Labels, 50, 10, 2)
	if err != nil {
		b.Fatal(err)
	}
	for k := range 2 {
		x[k] = data.Images.Batch(bs[k], datasets.MNISTMean, datasets.MNISTStd)
		y[k] = datasets.GatherLabels(data.Labels, bs[k])
	}
	rng := rand.New(rand.NewPCG(7, 7))
	w1, w2 = make([]float64, 784*20), make([]float64, 200)
	_ = nn.XavierUniform(rng, 784, 20, 5.0/3, w1)
	_ = nn.XavierUniform(rng, 20, 10, 1, w2)
	return x, y, w1, w2
}

// frozenIters is the iteration limit of each solve: cmd/train -batches' default.
const frozenIters = 10

// BenchmarkMLPNewBatch solves the reference MLP on a new batch of 500 for 10
// Newton-CG iterations, either generating the model for the batch ("cold": build the
// symbols and data, compile, solve) or re-solving one frozen model whose input and
// one-hot targets are modifiable ("frozen": write the batch into the parameters,
// update the instance, solve). Metrics per solve: outside-ms is the time outside the
// solver (nlpsolve.Solve's own time subtracted: building or data change, generation
// or update, write-back, for the frozen model also the parameters' sensitivities),
// update-ms the data change plus generation or instance update, total-ms all of it.
func BenchmarkMLPNewBatch(b *testing.B) {
	desc, err := nnopt.UseBLAS("")
	if err != nil {
		b.Fatal(err)
	}
	b.Log(desc)
	x, y, w1, w2 := frozenBatches(b)
	opt := nnopt.Options{IterationLimit: frozenIters, Method: nlpsolve.NewtonCG}
	report := func(b *testing.B, outside, update, total time.Duration) {
		n := float64(b.N)
		b.ReportMetric(outside.Seconds()*1e3/n, "outside-ms")
		b.ReportMetric(update.Seconds()*1e3/n, "update-ms")
		b.ReportMetric(total.Seconds()*1e3/n, "total-ms")
	}
	b.Run("cold", func(b *testing.B) {
		var outside, update, total time.Duration
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			m, err := refmodel.NewMLPWith(x[i%2], y[i%2], 784, 20, 10, w1, w2, 5, refmodel.TargetOneHot)
			if err != nil {
				b.Fatal(err)
			}
			build := time.Since(t0)
			if err := m.Model.Solve(context.Background(), opt); err != nil {
				b.Fatal(err)
			}
			a := m.Model.Attributes
			outside += build + seconds(a.TotalSolveTime-a.SolveModelTime)
			update += build + seconds(a.ModelGenerationTime)
			total += time.Since(t0)
		}
		report(b, outside, update, total)
	})
	b.Run("frozen", func(b *testing.B) {
		m, err := refmodel.NewMLPWith(x[1], y[1], 784, 20, 10, w1, w2, 5, refmodel.TargetOneHot)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Model.Freeze(m.A1, m.Y); err != nil {
			b.Fatal(err)
		}
		fopt := opt
		fopt.Freeze.UpdateType = nnopt.UpdateZero
		var outside, update, total time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if err := m.SetBatch(x[i%2], y[i%2]); err != nil {
				b.Fatal(err)
			}
			set := time.Since(t0)
			if err := m.Model.Solve(context.Background(), fopt); err != nil {
				b.Fatal(err)
			}
			a := m.Model.Attributes
			outside += set + seconds(a.TotalSolveTime-a.SolveModelTime)
			update += set + seconds(a.ModelGenerationTime)
			total += time.Since(t0)
		}
		report(b, outside, update, total)
	})
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
