package bench

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/cuda"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/device"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// firstImages returns the first n training images, normalised, and their labels (a
// batch of 10,000 cannot be balanced from the shared subset).
func firstImages(b *testing.B, n int) ([]float64, []uint8) {
	data, err := datasets.LoadSplit(testdata.MNISTDir(b), true)
	if err != nil {
		b.Fatal(err)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return data.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd), datasets.GatherLabels(data.Labels, idx)
}

// solveModel is a model and how many iterations to time on it.
type solveModel struct {
	name  string
	build func(b *testing.B) *nnopt.Model
}

func deviceModels() []solveModel {
	mlp := func(batch int) func(b *testing.B) *nnopt.Model {
		return func(b *testing.B) *nnopt.Model {
			x, y := firstImages(b, batch)
			rng := rand.New(rand.NewPCG(7, 7))
			w1, w2 := make([]float64, 784*20), make([]float64, 200)
			_ = nn.XavierUniform(rng, 784, 20, 5.0/3, w1)
			_ = nn.XavierUniform(rng, 20, 10, 1, w2)
			m, err := refmodel.NewMLP(x, y, 784, 20, 10, w1, w2, 5)
			if err != nil {
				b.Fatal(err)
			}
			return m.Model
		}
	}
	return []solveModel{
		{"mlp-500", mlp(500)},
		{"mlp-10000", mlp(10000)},
		{"cnn-500", func(b *testing.B) *nnopt.Model {
			x, y := firstImages(b, 500)
			m, err := refmodel.NewCNN(x, y, rand.New(rand.NewPCG(7, 7)), 0)
			if err != nil {
				b.Fatal(err)
			}
			return m.Model
		}},
	}
}

// BenchmarkIteration times L-BFGS-B iterations of the reference networks on each
// device: the s/iter metric is the mean time of iterations 2 to 11 of a solve (the
// first carries the setup: uploads, kernel compilation), over b.N solves. The CPU
// runs OpenBLAS (else gonum) on every core; cuda skips without a GPU.
func BenchmarkIteration(b *testing.B) {
	desc, err := device.UseBLAS("auto")
	if err != nil {
		b.Fatal(err)
	}
	defer device.UseBLAS("gonum")
	b.Log("CPU BLAS: ", desc)
	devices := []struct {
		name string
		open func() (backend.Backend, error)
	}{
		{"cpu", func() (backend.Backend, error) { return backend.DefaultCPU, nil }},
		{"cuda", func() (backend.Backend, error) { return cuda.Open() }},
	}
	for _, sm := range deviceModels() {
		for _, dev := range devices {
			b.Run(sm.name+"/"+dev.name, func(b *testing.B) {
				be, err := dev.open()
				if err != nil {
					b.Skip(err)
				}
				b.Log(be.Name())
				var total float64
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					m := sm.build(b)
					b.StartTimer()
					var first, last float64
					err := m.Solve(context.Background(), nnopt.Options{Method: nlpsolve.LBFGS, IterationLimit: 11, Device: be,
						OnIteration: func(it nlpsolve.Iteration) {
							switch it.Iter {
							case 1:
								first = it.Elapsed.Seconds()
							case 11:
								last = it.Elapsed.Seconds()
							}
						}})
					if err != nil {
						b.Fatal(err)
					}
					if last == 0 {
						b.Fatalf("the solve stopped before iteration 11 (%v)", m.Status)
					}
					total += (last - first) / 10
				}
				b.ReportMetric(total/float64(b.N), "s/iter")
			})
		}
	}
}
