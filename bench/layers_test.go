package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/formulations"
	"github.com/nnopt/nnopt/nn"
)

// layerBatch is the batch of the reference MLP and CNN.
const layerBatch = 500

// kernelOps runs a kernel's four block products the way a compiled equation's kernel
// node does (nnopt's kernel.go): the tangent applies the kernel once per varying
// argument with that argument replaced by its tangent, the pullback transposes once
// per varying argument, and the Hessian product transposes the adjoint's tangent and,
// for every other varying argument, the adjoint with that argument's tangent.
type kernelOps struct {
	k      nnopt.Kernel
	varies []bool
	args   [][]float64 // the point
	dots   [][]float64 // the tangents of the arguments
	subst  [][]float64
	out    []float64
	dot    []float64 // J·v
	tmp    []float64
	adj    []float64 // w of the VJP
	adjdot []float64 // wdot of the HVP
	grad   [][]float64
	hv     [][]float64
}

func newKernelOps(k nnopt.Kernel, varies []bool, rng *rand.Rand) *kernelOps {
	outLen, lens := k.Lens()
	o := &kernelOps{k: k, varies: varies, subst: make([][]float64, len(lens)),
		out: make([]float64, outLen), dot: make([]float64, outLen), tmp: make([]float64, outLen),
		adj: randVec(rng, outLen), adjdot: randVec(rng, outLen)}
	for _, n := range lens {
		o.args = append(o.args, randVec(rng, n))
		o.dots = append(o.dots, randVec(rng, n))
		o.grad = append(o.grad, make([]float64, n))
		o.hv = append(o.hv, make([]float64, n))
	}
	return o
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

func (o *kernelOps) with(i int, buf []float64) [][]float64 {
	copy(o.subst, o.args)
	o.subst[i] = buf
	return o.subst
}

func (o *kernelOps) eval() { o.k.Apply(o.out, o.args) }

func (o *kernelOps) jvp() {
	first := true
	for i, v := range o.varies {
		if !v {
			continue
		}
		if first {
			o.k.Apply(o.dot, o.with(i, o.dots[i]))
			first = false
			continue
		}
		o.k.Apply(o.tmp, o.with(i, o.dots[i]))
		for j, t := range o.tmp {
			o.dot[j] += t
		}
	}
}

func (o *kernelOps) vjp() {
	for i, v := range o.varies {
		if v {
			o.k.Transpose(i, o.grad[i], o.adj, o.args)
		}
	}
}

func (o *kernelOps) hvp() {
	for i, v := range o.varies {
		if !v {
			continue
		}
		o.k.Transpose(i, o.hv[i], o.adjdot, o.args)
		for j, u := range o.varies {
			if j != i && u {
				o.k.Transpose(i, o.hv[i], o.adj, o.with(j, o.dots[j]))
			}
		}
	}
}

// gemms is the number of kernel applications (Apply or Transpose) an op makes.
func (o *kernelOps) gemms(op string) int {
	n := 0
	for _, v := range o.varies {
		if v {
			n++
		}
	}
	switch op {
	case "eval":
		return 1
	case "hvp":
		return n * n
	}
	return n
}

// layerKernel is one kernel layer of the reference CNN at batch 500.
type layerKernel struct {
	name   string
	kernel func() (nnopt.Kernel, error)
	varies []bool
	flops  float64 // multiply-adds ×2 of one kernel application; 0: no metric
}

func convLayer(name string, in, out, side, k int, inputVaries bool) layerKernel {
	hw := side - k + 1
	return layerKernel{
		name: name,
		kernel: func() (nnopt.Kernel, error) {
			kern, _, err := formulations.Conv2dKernel(layerBatch, in, out, side, side, k, 1, formulations.Valid)
			return kern, err
		},
		varies: []bool{inputVaries, true},
		flops:  2 * float64(layerBatch*out*hw*hw*in*k*k),
	}
}

// referenceKernels: conv1 reads the images (a parameter), so only its weights vary.
var referenceKernels = []layerKernel{
	convLayer("conv1", 1, 2, 28, 5, false),
	{name: "avgpool", kernel: func() (nnopt.Kernel, error) {
		kern, _, err := formulations.AvgPool2dKernel(layerBatch, 2, 24, 24, 2, 2, 0)
		return kern, err
	}, varies: []bool{true}},
	convLayer("conv2", 2, 3, 12, 5, true),
	convLayer("conv3", 3, 10, 4, 4, true),
}

// BenchmarkLayers times the reference CNN's kernel layers (convolutions, pooling)
// through the exported nnopt.Kernel, composed into the block products as the
// compiled equation composes them (without the bias term and the residual), and the
// other layers' inference forward pass (package nn, op "nn-eval"): the compiled
// blocks themselves are not exported. Eval and JVP get a new point or direction each
// call, as in the solver, so the im2col cache of a varying input misses; VJP and HVP
// reuse those of the Eval and JVP before them. The BLAS is chosen by $NNOPT_BLAS
// (default: OpenBLAS when it loads).
func BenchmarkLayers(b *testing.B) {
	desc, err := nnopt.UseBLAS("")
	if err != nil {
		b.Fatal(err)
	}
	defer nnopt.UseBLAS("gonum")
	b.Log("BLAS: ", desc)
	for _, l := range referenceKernels {
		b.Run(l.name, func(b *testing.B) { benchmarkKernel(b, l) })
	}
	for _, l := range inferenceLayers() {
		b.Run(l.name+"/nn-eval", func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x := randVec(rng, layerBatch*l.in)
			dst := make([]float64, layerBatch*l.out)
			b.ReportAllocs()
			for b.Loop() {
				if err := l.layer.Forward(dst, x, layerBatch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchmarkKernel(b *testing.B, l layerKernel) {
	for _, op := range []string{"eval", "jvp", "vjp", "hvp"} {
		b.Run(op, func(b *testing.B) {
			k, err := l.kernel()
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			o := newKernelOps(k, l.varies, rng)
			// Fresh inputs for eval and tangents for jvp: three, as the kernel's
			// cache holds two.
			var fresh [][]float64
			var slot *[]float64
			switch {
			case op == "eval" && l.varies[0]:
				slot = &o.args[0]
			case op == "jvp" && l.varies[0]:
				slot = &o.dots[0]
			}
			if slot != nil {
				fresh = [][]float64{*slot, randVec(rng, len(*slot)), randVec(rng, len(*slot))}
			}
			run := map[string]func(){"eval": o.eval, "jvp": o.jvp, "vjp": o.vjp, "hvp": o.hvp}[op]
			o.eval()
			o.jvp()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if slot != nil {
					*slot = fresh[i%len(fresh)]
					i++
				}
				run()
			}
			if l.flops > 0 {
				sec := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(l.flops*float64(o.gemms(op))/sec/1e9, "GFLOP/s")
			}
		})
	}
}

type inferenceLayer struct {
	name    string
	layer   nn.Layer
	in, out int // values per sample
}

// inferenceLayers are the layers the benchmarks reach only through package nn.
func inferenceLayers() []inferenceLayer {
	rng := rand.New(rand.NewPCG(3, 4))
	return []inferenceLayer{
		{"tanh", nn.Tanh{}, 2 * 24 * 24, 2 * 24 * 24},
		{"flatten", nn.Flatten{}, 10, 10},
		{"log_softmax", nn.LogSoftmax{}, 10, 10},
		{"linear1", &nn.Linear{In: 784, Out: 20, Weight: randVec(rng, 784*20)}, 784, 20},
		{"linear2", &nn.Linear{In: 20, Out: 10, Weight: randVec(rng, 20*10)}, 20, 10},
	}
}

// TestKernelOps checks the composed products on a small batch: the adjoint identity
// ⟨w, J·v⟩ = ⟨Jᵀw, v⟩ and the HVP against a central difference of the VJP, which is
// exact for these (multi)linear kernels up to rounding.
func TestKernelOps(t *testing.T) {
	small := map[string]func() (nnopt.Kernel, error){
		"conv": func() (nnopt.Kernel, error) {
			k, _, err := formulations.Conv2dKernel(3, 2, 3, 7, 6, 3, 1, formulations.Valid)
			return k, err
		},
		"avgpool": func() (nnopt.Kernel, error) {
			k, _, err := formulations.AvgPool2dKernel(3, 2, 6, 6, 2, 2, 0)
			return k, err
		},
	}
	cases := []struct {
		kernel string
		varies []bool
	}{{"conv", []bool{true, true}}, {"conv", []bool{false, true}}, {"avgpool", []bool{true}}}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.kernel, c.varies), func(t *testing.T) {
			k, err := small[c.kernel]()
			if err != nil {
				t.Fatal(err)
			}
			o := newKernelOps(k, c.varies, rand.New(rand.NewPCG(5, 6)))
			o.eval()
			o.jvp()
			o.vjp()
			o.hvp()
			var lhs, rhs float64
			for j := range o.dot {
				lhs += o.adj[j] * o.dot[j]
			}
			for i, v := range c.varies {
				for j := range o.grad[i] {
					if v {
						rhs += o.grad[i][j] * o.dots[i][j]
					}
				}
			}
			if math.Abs(lhs-rhs) > 1e-10*(1+math.Abs(lhs)) {
				t.Errorf("adjoint identity: ⟨w, Jv⟩ = %g, ⟨Jᵀw, v⟩ = %g", lhs, rhs)
			}
			const h = 0.5
			vjpAt := func(s float64) [][]float64 {
				p := newKernelOps(k, c.varies, rand.New(rand.NewPCG(5, 6)))
				for i, v := range c.varies {
					for j := range p.args[i] {
						if v {
							p.args[i][j] += s * o.dots[i][j]
						}
					}
				}
				for j := range p.adj {
					p.adj[j] = o.adj[j] + s*o.adjdot[j]
				}
				p.vjp()
				return p.grad
			}
			plus, minus := vjpAt(h), vjpAt(-h)
			for i, v := range c.varies {
				if !v {
					continue
				}
				for j, got := range o.hv[i] {
					want := (plus[i][j] - minus[i][j]) / (2 * h)
					if math.Abs(got-want) > 1e-10*(1+math.Abs(want)) {
						t.Fatalf("HVP of argument %d, element %d: %g, central difference %g", i, j, got, want)
					}
				}
			}
		})
	}
}
