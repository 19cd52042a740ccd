package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/device"
	"github.com/nnopt/nnopt/internal/refmodel"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// layerBatch is the batch of the reference MLP and CNN.
const layerBatch = 500

// A layerSpec names the equation of a reference model that computes one layer.
type layerSpec struct {
	layer, equation string
	conv            [5]int // conv layers: in, out channels, input side, kernel side, varying kernel arguments
}

// The reference CNN's equations as nnopt names them, under the peer's layer names
// (bench/peers/torch_layers.py). The peer times one tanh and one pooling, the first;
// tanh2, avgpool2 and the loss have no peer row.
var cnnLayers = []layerSpec{
	{layer: "conv1", equation: "calc_conv2d_out", conv: [5]int{1, 2, 28, 5, 1}}, // the images are a parameter
	{layer: "tanh", equation: "calc_conv2d_out_tanh"},
	{layer: "avgpool", equation: "calc_avg_pool2d_out"},
	{layer: "conv2", equation: "calc_conv2d_out_2", conv: [5]int{2, 3, 12, 5, 2}},
	{layer: "tanh2", equation: "calc_conv2d_out_2_tanh"},
	{layer: "avgpool2", equation: "calc_avg_pool2d_out_2"},
	{layer: "conv3", equation: "calc_conv2d_out_3", conv: [5]int{3, 10, 4, 4, 2}},
	{layer: "flatten", equation: "calc_flatten_out"},
	{layer: "log_softmax", equation: "calc_flatten_out_log_softmax"},
	{layer: "loss", equation: "calc_loss"},
}

// The reference MLP's equations; only linear1 and linear2 have a peer row.
var mlpLayers = []layerSpec{
	{layer: "linear1", equation: "calc_mm_1"},
	{layer: "mlp_tanh", equation: "calc_activation"},
	{layer: "linear2", equation: "calc_mm_2"},
	{layer: "mlp_log_softmax", equation: "calc_z3_log_softmax"},
	{layer: "mlp_loss", equation: "calc_loss"},
}

// layerBlock is one compiled equation block of a reference model with the points and
// directions to drive it: three points and three directions over all variable
// blocks, so that a point or direction is new to the block at every call, as in the
// solver (a convolution keeps the im2col of the last two inputs it saw).
type layerBlock struct {
	layerSpec
	eq     nlpsolve.Equation
	vars   []nlpsolve.Variable
	points [3][][]float64 // points[0] is the model's starting point
	dirs   [3][][]float64
}

// convFlops is 2 × the multiply-adds of one application of a conv layer's kernel
// (0: not a convolution).
func (l *layerBlock) convFlops(batch int) float64 {
	in, out, side, k := l.conv[0], l.conv[1], l.conv[2], l.conv[3]
	hw := side - k + 1
	return 2 * float64(batch*out*hw*hw*in*k*k)
}

// kernelCalls is how many times a conv block's op applies or transposes its kernel,
// with n varying arguments: once for Eval, n times for a JVP or a VJP, and n + n² for
// a JVP followed by an HVP (the HVP's pullback stops at the arguments, and the tangent
// of each argument's adjoint transposes at the point and at every other argument's
// tangent).
func kernelCalls(op string, n int) int {
	switch op {
	case "eval":
		return 1
	case "hvp":
		return n + n*n
	}
	return n
}

// randomImages is a batch of random normalised 28×28 images and labels 0-9 in turn:
// the block products' cost does not depend on the data.
func randomImages(rng *rand.Rand, batch int) ([]float64, []uint8) {
	x := make([]float64, batch*784)
	for i := range x {
		x[i] = (rng.Float64() - datasets.MNISTMean) / datasets.MNISTStd
	}
	labels := make([]uint8, batch)
	for i := range labels {
		labels[i] = uint8(i % 10)
	}
	return x, labels
}

// referenceLayerBlocks builds the reference CNN and MLP on random data, compiles them
// with Model.Problem and returns their blocks in cnnLayers, mlpLayers order.
func referenceLayerBlocks(batch int) ([]*layerBlock, error) {
	rng := rand.New(rand.NewPCG(7, 7))
	x, labels := randomImages(rng, batch)
	cnn, err := refmodel.NewCNN(x, labels, rng, 0)
	if err != nil {
		return nil, err
	}
	w1, w2 := make([]float64, 784*20), make([]float64, 20*10)
	if err := nn.XavierUniform(rng, 784, 20, 5.0/3, w1); err != nil {
		return nil, err
	}
	if err := nn.XavierUniform(rng, 20, 10, 1, w2); err != nil {
		return nil, err
	}
	mlp, err := refmodel.NewMLP(x, labels, 784, 20, 10, w1, w2, 5)
	if err != nil {
		return nil, err
	}
	var out []*layerBlock
	for _, m := range []struct {
		model  *nnopt.Model
		layers []layerSpec
	}{{cnn.Model, cnnLayers}, {mlp.Model, mlpLayers}} {
		p, x0, err := m.model.Problem()
		if err != nil {
			return nil, err
		}
		var points, dirs [3][][]float64
		points[0] = x0
		for k := range 3 {
			if k > 0 {
				points[k] = perturbed(rng, x0, 0.01)
			}
			dirs[k] = make([][]float64, len(p.Vars))
			for i, v := range p.Vars {
				dirs[k][i] = randVec(rng, v.Size())
			}
		}
		byName := map[string]nlpsolve.Equation{}
		for _, e := range p.Equations {
			byName[e.Name] = e
		}
		for _, s := range m.layers {
			e, ok := byName[s.equation]
			if !ok {
				return nil, fmt.Errorf("layer %s: model %s has no equation %s", s.layer, m.model.Name(), s.equation)
			}
			out = append(out, &layerBlock{layerSpec: s, eq: e, vars: p.Vars, points: points, dirs: dirs})
		}
	}
	return out, nil
}

// perturbed is x plus uniform noise in ±scale.
func perturbed(rng *rand.Rand, x [][]float64, scale float64) [][]float64 {
	y := make([][]float64, len(x))
	for i, b := range x {
		y[i] = make([]float64, len(b))
		for j, v := range b {
			y[i][j] = v + scale*(2*rng.Float64()-1)
		}
	}
	return y
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// adjointBuffers is a zeroed buffer for each variable block the equation reads (nil for
// the others), the layout of the solver's gradient and Hessian-product sweeps.
func (l *layerBlock) adjointBuffers() [][]float64 {
	g := make([][]float64, len(l.vars))
	for _, vi := range l.eq.Vars {
		g[vi] = make([]float64, l.vars[vi].Size())
	}
	return g
}

// BenchmarkLayers times the compiled equation blocks (nlpsolve.Block, from
// Model.Problem) of the reference CNN and MLP at batch 500, one sub-benchmark per
// layer and op, called as the solver's sweeps call them (nlpsolve/reduced.go):
//
//   - eval: Eval at a new point each call;
//   - jvp: JVP along a new direction each call, at the point of one Eval;
//   - vjp: VJP of random weights into the zeroed adjoint buffers, after that Eval
//     (VJP adds, so the buffers are not cleared between calls);
//   - hvp: a JVP along a new direction followed by HVP(w, wdot, v, hv) along the same
//     v, the pair the Hessian-product sweep makes per block: the HVP reuses the
//     tangents of that JVP.
//
// Convolution blocks include the bias term and the residual (output variable minus
// convolution minus bias). Conv layers report GFLOP/s of their kernel calls. The BLAS
// is chosen by $NNOPT_BLAS (default: OpenBLAS when it loads).
func BenchmarkLayers(b *testing.B) {
	desc, err := device.UseBLAS("")
	if err != nil {
		b.Fatal(err)
	}
	defer device.UseBLAS("gonum")
	b.Log("BLAS: ", desc)
	blocks, err := referenceLayerBlocks(layerBatch)
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range blocks {
		for _, op := range []string{"eval", "jvp", "vjp", "hvp"} {
			b.Run(l.layer+"/"+op, func(b *testing.B) { benchmarkBlock(b, l, op) })
		}
	}
}

func benchmarkBlock(b *testing.B, l *layerBlock, op string) {
	blk := l.eq.Block
	rng := rand.New(rand.NewPCG(1, 2))
	r, jv := make([]float64, blk.Rows()), make([]float64, blk.Rows())
	w, wdot := randVec(rng, blk.Rows()), randVec(rng, blk.Rows())
	g, hv := l.adjointBuffers(), l.adjointBuffers()
	blk.Eval(l.points[0], r)
	if op == "hvp" {
		blk.VJP(w, g) // the gradient sweep precedes Hessian products in the solver
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		switch op {
		case "eval":
			blk.Eval(l.points[i%3], r)
		case "jvp":
			blk.JVP(l.dirs[i%3], jv)
		case "vjp":
			blk.VJP(w, g)
		case "hvp":
			v := l.dirs[i%3]
			blk.JVP(v, jv)
			blk.HVP(w, wdot, v, hv)
		}
		i++
	}
	if l.conv[4] > 0 {
		sec := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(l.convFlops(layerBatch)*float64(kernelCalls(op, l.conv[4]))/sec/1e9, "GFLOP/s")
	}
}

// TestLayerBlocks checks every timed block of the reference CNN and MLP (batch 30; at 20 the MLP's batch and hidden sets coincide):
// the adjoint identity ⟨w, J·v⟩ = ⟨Jᵀw, v⟩, and the HVP against a central difference
// of the VJP along (v, wdot). The direction is zero on the block's defined variable,
// whose adjoint VJP and HVP may leave out.
func TestLayerBlocks(t *testing.T) {
	blocks, err := referenceLayerBlocks(30)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range blocks {
		t.Run(l.layer, func(t *testing.T) {
			blk, x := l.eq.Block, l.points[0]
			rng := rand.New(rand.NewPCG(5, 6))
			v := make([][]float64, len(x))
			for _, vi := range l.eq.Vars {
				v[vi] = make([]float64, len(x[vi]))
				if vi != l.eq.Defines {
					v[vi] = randVec(rng, len(x[vi]))
				}
			}
			n := blk.Rows()
			r, jv := make([]float64, n), make([]float64, n)
			w, wdot := randVec(rng, n), randVec(rng, n)
			g, hv := l.adjointBuffers(), l.adjointBuffers()
			blk.Eval(x, r)
			blk.JVP(v, jv)
			blk.VJP(w, g)
			blk.HVP(w, wdot, v, hv)
			var lhs, rhs, scale float64
			for j := range jv {
				lhs += w[j] * jv[j]
				scale += math.Abs(w[j] * jv[j])
			}
			for _, vi := range l.eq.Vars {
				for j := range g[vi] {
					rhs += g[vi][j] * v[vi][j]
				}
			}
			if math.Abs(lhs-rhs) > 1e-10*(1+scale) {
				t.Errorf("adjoint identity: ⟨w, Jv⟩ = %g, ⟨Jᵀw, v⟩ = %g", lhs, rhs)
			}
			const h = 1e-4
			vjpAt := func(s float64) [][]float64 {
				xs := make([][]float64, len(x))
				copy(xs, x)
				for _, vi := range l.eq.Vars {
					xs[vi] = make([]float64, len(x[vi]))
					for j := range xs[vi] {
						xs[vi][j] = x[vi][j] + s*v[vi][j]
					}
				}
				ws := make([]float64, n)
				for j := range ws {
					ws[j] = w[j] + s*wdot[j]
				}
				blk.Eval(xs, r)
				gs := l.adjointBuffers()
				blk.VJP(ws, gs)
				return gs
			}
			plus, minus := vjpAt(h), vjpAt(-h)
			for _, vi := range l.eq.Vars {
				if vi == l.eq.Defines {
					continue
				}
				for j, got := range hv[vi] {
					want := (plus[vi][j] - minus[vi][j]) / (2 * h)
					if math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
						t.Fatalf("HVP of %s, element %d: %g, central difference %g", l.vars[vi].Name, j, got, want)
					}
				}
			}
		})
	}
}
