package refmodel

import (
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/backend/backendtest"
	"github.com/nnopt/nnopt/cuda"
	"github.com/nnopt/nnopt/internal/cudaemu"
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

// With weight bounds that bind, the steps that meet a bound run on host copies (the
// breakpoint search, the projected line search) and the rest on the device: the
// iterates must still be the CPU's exactly, and stay in the box.
func TestBoundStepsOnEmulatedDeviceMatchCPU(t *testing.T) {
	const bound = 0.1
	train := func(opt nnopt.Options) (objectives []float64, w1 []float64, limited int) {
		m := referenceMLP(t, 100, 20)
		m.W1.SetBounds(-bound, bound)
		m.W2.SetBounds(-bound, bound)
		opt.IterationLimit = 10
		opt.OnIteration = func(it nlpsolve.Iteration) {
			objectives = append(objectives, it.Objective)
			if it.MX {
				limited++
			}
		}
		if err := m.Model.Solve(context.Background(), opt); err != nil {
			t.Fatal(err)
		}
		return objectives, slices.Clone(m.W1.L), limited
	}
	cpuObj, cpuW1, limited := train(nnopt.Options{})
	devObj, devW1, _ := train(nnopt.Options{Device: &backendtest.Emulated{}})
	if len(cpuObj) < 10 || !slices.Equal(cpuObj, devObj) || !slices.Equal(cpuW1, devW1) {
		t.Errorf("the device's iterates differ from the CPU's:\n cpu    %v\n device %v", cpuObj, devObj)
	}
	if limited == 0 {
		t.Errorf("no step met a bound: the test does not reach the host steps")
	}
	for i, w := range devW1 {
		if math.Abs(w) > bound {
			t.Fatalf("w1[%d] = %g outside [-%g, %g]", i, w, bound, bound)
		}
	}
	t.Logf("%d of %d steps met a bound; objectives %v", limited, len(cpuObj), cpuObj)
}

// The convolutions, poolings and flatten run on the device through their device
// forms. Their GEMMs there span the whole batch where the CPU's run over chunks of
// samples, and the pooling sums in another order, so the iterates need only agree
// closely.
func TestCNNOnEmulatedDeviceMatchesCPU(t *testing.T) {
	train := func(opt nnopt.Options) []float64 {
		m := referenceCNN(t, 20)
		var objectives []float64
		opt.IterationLimit = 5
		opt.OnIteration = func(it nlpsolve.Iteration) { objectives = append(objectives, it.Objective) }
		if err := m.Model.Solve(context.Background(), opt); err != nil {
			t.Fatal(err)
		}
		return objectives
	}
	dev := &backendtest.Emulated{}
	cpu := train(nnopt.Options{})
	onDev := train(nnopt.Options{Device: dev})
	if len(cpu) < 5 || len(onDev) != len(cpu) {
		t.Fatalf("%d iterations on the CPU, %d on the device", len(cpu), len(onDev))
	}
	worst := 0.0
	for i := range cpu {
		worst = math.Max(worst, math.Abs(cpu[i]-onDev[i])/math.Abs(cpu[i]))
		if math.Abs(cpu[i]-onDev[i]) > 1e-10*math.Abs(cpu[i]) {
			t.Errorf("iteration %d: objective %.17g on the CPU, %.17g on the device", i, cpu[i], onDev[i])
		}
	}
	t.Logf("objectives %v; largest relative difference %.3g", cpu, worst)
	if dev.Transfers == 0 {
		t.Errorf("no transfers: the blocks did not run on the device")
	}
}

// hostCopy is out = x with no device form: a model using it runs on the CPU only.
type hostCopy struct{ n int }

func (hostCopy) Name() string                          { return "host_copy" }
func (k hostCopy) Lens() (int, []int)                  { return k.n, []int{k.n} }
func (hostCopy) Apply(out []float64, args [][]float64) { copy(out, args[0]) }
func (hostCopy) EachPair(int, int, func(int, int))     {}
func (hostCopy) Transpose(_ int, dst, w []float64, _ [][]float64) {
	for i, v := range w {
		dst[i] += v
	}
}
func (k hostCopy) Each(_ int, fn func(out, elem int)) {
	for i := 0; i < k.n; i++ {
		fn(i, i)
	}
}

// A kernel without a device form is not run on the CPU behind the caller's back: a
// solve on a device names the kernel and the option.
func TestKernelWithoutDeviceFormNamesIt(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.Dims(3)[0]
	x := c.NewVariable("x", nnopt.Free, i)
	y := c.NewVariable("y", nnopt.Free, i)
	obj := c.NewVariable("obj", nnopt.Free)
	e := c.NewEquation("copy", i)
	if err := e.Define(nnopt.Eq(y, nnopt.Apply(hostCopy{3}, []*nnopt.Set{i}, x))); err != nil {
		t.Fatal(err)
	}
	o := c.NewEquation("objective")
	if err := o.Define(nnopt.Eq(obj, nnopt.Sum(nnopt.Sqr(nnopt.Sub(y.At(i), nnopt.Const(1))), i))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("fit", nnopt.ModelSpec{Equations: []*nnopt.Equation{e, o}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatalf("on the CPU: %v", err)
	}
	err = m.Solve(context.Background(), nnopt.Options{IterationLimit: 1, Device: &backendtest.Emulated{}})
	if err == nil || !strings.Contains(err.Error(), "host_copy") || !strings.Contains(err.Error(), "runs on the CPU only") || !strings.Contains(err.Error(), "option device") {
		t.Fatalf("err = %v, want the kernel and the option device named", err)
	}
}

// Between iterations the batch, the activations, the adjoints and the quasi-Newton
// pairs stay on the device: in a typical iteration only scalars cross (the
// objective, inner products, the 2k coefficients of the compact L-BFGS form). An
// iteration whose step meets a weight bound copies the pairs to the host once.
func TestMLPDataStaysOnDevice(t *testing.T) {
	m := referenceMLP(t, 500, 20)
	dev := &backendtest.Emulated{}
	var moved, launches, waits []int
	record := func(nlpsolve.Iteration) {
		moved, launches, waits = append(moved, dev.Moved), append(launches, dev.Launches), append(waits, dev.Waits)
	}
	if err := m.Model.Solve(context.Background(), nnopt.Options{IterationLimit: 15, Device: dev, OnIteration: record}); err != nil {
		t.Fatal(err)
	}
	median := func(cum []int) int {
		var d []int
		for i := 1; i < len(cum); i++ {
			d = append(d, cum[i]-cum[i-1])
		}
		slices.Sort(d)
		return d[len(d)/2]
	}
	n := len(m.W1.L) + len(m.W2.L)
	perIteration := median(moved)
	t.Logf("per iteration (median): %d elements cross, %d launches, %d waits; %d superbasics", perIteration, median(launches), median(waits), n)
	if len(moved) < 15 || perIteration > 200 {
		t.Errorf("%d elements cross in a typical iteration (%d superbasics): the solver's vectors do not stay on the device", perIteration, n)
	}
	// Launches, not arithmetic, bound a GPU iteration at these sizes.
	if l := median(launches); l > 60 {
		t.Errorf("%d launches in a typical iteration, want at most 60: the direct sweeps of the defining equations are not used", l)
	}
	if w := median(waits); w > 6 {
		t.Errorf("%d waits for the device in a typical iteration, want at most 6: the scalars are not brought back together", w)
	}
}

// TestEmulatedCUDAIteratesMatchCPU runs TestCUDAIteratesMatchCPU on cudaemu's
// device: package cuda's whole path, its kernels compiled for the CPU.
func TestEmulatedCUDAIteratesMatchCPU(t *testing.T) {
	cudaemu.RerunOnDevice(t, "^TestCUDAIteratesMatchCPU$")
}

// On a GPU the reference networks must give the CPU's iterates to 1e-8 relative for
// their first 10 iterations: objectives and final weights. It skips without CUDA,
// unless NNOPT_REQUIRE_CUDA=1.
func TestCUDAIteratesMatchCPU(t *testing.T) {
	gpu, err := cuda.Open()
	if err != nil {
		if os.Getenv("NNOPT_REQUIRE_CUDA") == "1" {
			t.Fatal(err)
		}
		t.Skip("no CUDA device: ", err)
	}
	t.Log(gpu.Name())
	type run struct {
		objectives []float64
		weights    []float64
	}
	for _, tc := range []struct {
		name  string
		train func(opt nnopt.Options) run
	}{
		{"mlp-500", func(opt nnopt.Options) run {
			m := referenceMLP(t, 500, 20)
			var r run
			opt.OnIteration = func(it nlpsolve.Iteration) { r.objectives = append(r.objectives, it.Objective) }
			if err := m.Model.Solve(context.Background(), opt); err != nil {
				t.Fatal(err)
			}
			r.weights = append(slices.Clone(m.W1.L), m.W2.L...)
			return r
		}},
		{"cnn-500", func(opt nnopt.Options) run {
			m := referenceCNN(t, 500)
			var r run
			opt.OnIteration = func(it nlpsolve.Iteration) { r.objectives = append(r.objectives, it.Objective) }
			if err := m.Model.Solve(context.Background(), opt); err != nil {
				t.Fatal(err)
			}
			for _, conv := range m.Convs {
				r.weights = append(r.weights, conv.WeightVariable().L...)
				if b := conv.BiasVariable(); b != nil {
					r.weights = append(r.weights, b.L...)
				}
			}
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cpu := tc.train(nnopt.Options{IterationLimit: 10})
			dev := tc.train(nnopt.Options{IterationLimit: 10, Device: gpu})
			if len(cpu.objectives) < 10 || len(dev.objectives) != len(cpu.objectives) {
				t.Fatalf("%d iterations on the CPU, %d on the GPU", len(cpu.objectives), len(dev.objectives))
			}
			worst := 0.0
			for i := range cpu.objectives {
				worst = math.Max(worst, math.Abs(cpu.objectives[i]-dev.objectives[i])/math.Abs(cpu.objectives[i]))
			}
			for i := range cpu.weights {
				worst = math.Max(worst, math.Abs(cpu.weights[i]-dev.weights[i])/math.Max(1e-3, math.Abs(cpu.weights[i])))
			}
			t.Logf("largest relative difference over 10 iterations: %.3g", worst)
			if worst > 1e-8 {
				t.Errorf("the GPU's iterates differ from the CPU's by %.3g relative, want at most 1e-8", worst)
			}
		})
	}
}
