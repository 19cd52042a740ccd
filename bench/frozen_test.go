package bench

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/device"
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
	desc, err := device.UseBLAS("")
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

// transportModel is the reference's transport LP with a demand multiplier.
func transportModel(b *testing.B) (*nnopt.Model, *nnopt.Parameter) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a, dem, cost, bmult := c.NewParameter("a", i), c.NewParameter("b", j), c.NewParameter("c", i, j), c.NewParameter("bmult")
	for _, err := range []error{a.SetValues([]float64{350, 600}), dem.SetValues([]float64{325, 300, 275}),
		cost.SetValues([]float64{0.225, 0.153, 0.162, 0.225, 0.162, 0.126}), bmult.SetValues([]float64{1})} {
		if err != nil {
			b.Fatal(err)
		}
	}
	x := c.NewVariable("x", nnopt.Positive, i, j)
	supply, demand := c.NewEquation("supply", i), c.NewEquation("demand", j)
	if err := supply.Define(nnopt.Le(nnopt.Sum(x, j), a)); err != nil {
		b.Fatal(err)
	}
	if err := demand.Define(nnopt.Ge(nnopt.Sum(x, i), nnopt.Mul(bmult, dem))); err != nil {
		b.Fatal(err)
	}
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: []*nnopt.Equation{supply, demand}, Problem: nnopt.LP, Sense: nnopt.Minimize,
		Objective: nnopt.Sum(nnopt.Mul(cost, x), i, j)})
	if err != nil {
		b.Fatal(err)
	}
	return m, bmult
}

// BenchmarkTransportNewScenario solves the transport LP for the demand multipliers
// 0.6 ... 1.3 of the reference's loop, either generating the model per scenario
// ("cold") or re-solving one frozen model with bmult modifiable ("frozen"). Metrics
// per solve as in BenchmarkMLPNewBatch; checks the statuses (infeasible from 1.1 on)
// and the objective 153.675 at 1 on the way.
func BenchmarkTransportNewScenario(b *testing.B) {
	mults := []float64{0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3}
	report := func(b *testing.B, outside, update, total time.Duration) {
		n := float64(b.N)
		b.ReportMetric(outside.Seconds()*1e3/n, "outside-ms")
		b.ReportMetric(update.Seconds()*1e3/n, "update-ms")
		b.ReportMetric(total.Seconds()*1e3/n, "total-ms")
	}
	// Supply is 950: from bmult 1.1 on (demand 990) the model is infeasible.
	check := func(b *testing.B, m *nnopt.Model, mult float64) {
		switch {
		case mult > 1.05 && m.Status != nnopt.StatusInfeasible,
			mult <= 1.05 && m.Status != nnopt.StatusOptimal,
			mult == 1 && math.Abs(m.ObjectiveValue-153.675) > 1e-6*153.675:
			b.Fatalf("bmult %g: status %v objective %.6f", mult, m.Status, m.ObjectiveValue)
		}
	}
	b.Run("cold", func(b *testing.B) {
		var outside, update, total time.Duration
		for k := 0; k < b.N; k++ {
			mult := mults[k%len(mults)]
			t0 := time.Now()
			m, bmult := transportModel(b)
			bmult.Values[0] = mult
			build := time.Since(t0)
			if err := m.Solve(context.Background(), nnoptLP); err != nil {
				b.Fatal(err)
			}
			total += time.Since(t0)
			check(b, m, mult)
			a := m.Attributes
			outside += build + seconds(a.TotalSolveTime-a.SolveModelTime)
			update += build + seconds(a.ModelGenerationTime)
		}
		report(b, outside, update, total)
	})
	b.Run("frozen", func(b *testing.B) {
		m, bmult := transportModel(b)
		if err := m.Freeze(bmult); err != nil {
			b.Fatal(err)
		}
		var outside, update, total time.Duration
		b.ResetTimer()
		for k := 0; k < b.N; k++ {
			mult := mults[k%len(mults)]
			t0 := time.Now()
			bmult.Values[0] = mult
			set := time.Since(t0)
			if err := m.Solve(context.Background(), nnoptLP); err != nil {
				b.Fatal(err)
			}
			total += time.Since(t0)
			check(b, m, mult)
			a := m.Attributes
			outside += set + seconds(a.TotalSolveTime-a.SolveModelTime)
			update += set + seconds(a.ModelGenerationTime)
		}
		report(b, outside, update, total)
	})
}
