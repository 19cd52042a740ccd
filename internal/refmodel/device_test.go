package refmodel

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/backend/backendtest"
	"github.com/nnopt/nnopt/nlpsolve"
)

// On a device backend the blocks take every path a GPU's take: their buffers apart
// from the host's, parameters uploaded, outputs downloaded. The emulated device does
// the CPU's arithmetic, so training on it must give the CPU's iterates exactly.
func TestMLPOnEmulatedDeviceMatchesCPU(t *testing.T) {
	for _, method := range []nlpsolve.Method{nlpsolve.LBFGS, nlpsolve.NewtonCG} {
		t.Run(method.String(), func(t *testing.T) {
			train := func(opt nnopt.Options) ([]float64, []float64) {
				m := referenceMLP(t, 100, 20)
				var objectives []float64
				opt.IterationLimit = 10
				opt.Method = method
				opt.OnIteration = func(it nlpsolve.Iteration) { objectives = append(objectives, it.Objective) }
				if err := m.Model.Solve(context.Background(), opt); err != nil {
					t.Fatal(err)
				}
				return objectives, slices.Clone(m.W1.L)
			}
			dev := &backendtest.Emulated{}
			cpuObj, cpuW1 := train(nnopt.Options{})
			devObj, devW1 := train(nnopt.Options{Device: dev})
			if len(cpuObj) < 10 || !slices.Equal(cpuObj, devObj) {
				t.Errorf("objectives per iteration differ:\n cpu    %v\n device %v", cpuObj, devObj)
			}
			if !slices.Equal(cpuW1, devW1) {
				t.Errorf("final w1 differs between the CPU and the device")
			}
			if dev.Transfers == 0 {
				t.Errorf("no transfers: the blocks did not run on the device")
			}
		})
	}
}

// Kernels (convolution, pooling) have no device form yet: a solve on a device says
// so instead of running them on the CPU behind the caller's back.
func TestCNNOnDeviceNamesTheKernel(t *testing.T) {
	m := referenceCNN(t, 20)
	err := m.Model.Solve(context.Background(), nnopt.Options{IterationLimit: 1, Device: &backendtest.Emulated{}})
	if err == nil || !strings.Contains(err.Error(), "runs on the CPU only") || !strings.Contains(err.Error(), "option device") {
		t.Fatalf("err = %v, want the kernel and the option device named", err)
	}
}

// Between iterations the batch, the activations and the adjoints stay on the
// device: what crosses per iteration is the weights and their gradient (a few times
// the superbasics per evaluation), never the batch.
func TestMLPDataStaysOnDevice(t *testing.T) {
	moved := func(iterations int) (elements, superbasics int) {
		m := referenceMLP(t, 500, 20)
		dev := &backendtest.Emulated{}
		if err := m.Model.Solve(context.Background(), nnopt.Options{IterationLimit: iterations, Device: dev}); err != nil {
			t.Fatal(err)
		}
		return dev.Moved, len(m.W1.L) + len(m.W2.L)
	}
	five, n := moved(5)
	fifteen, _ := moved(15)
	perIteration := (fifteen - five) / 10
	batch := 500 * 784
	t.Logf("%d elements cross per iteration (%d superbasics)", perIteration, n)
	if perIteration > 6*n || perIteration > batch {
		t.Errorf("%d elements cross per iteration for %d superbasics and a batch of %d: the sweeps do not keep their data on the device", perIteration, n, batch)
	}
}
