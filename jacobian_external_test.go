package nnopt_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/formulations"
	"github.com/nnopt/nnopt/internal/refmodel"
)

// The Jacobian's structure against the statistics on models the layers write: kernels
// (convolution with stride and padding, pooling, flatten), big-M max pooling with
// binaries, and small versions of the reference MLP and CNN. Values are checked
// against central differences of Residuals on a sample of columns.

func random(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	return x
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// layerStack: conv (stride 2, padding 1, weights as variables) - tanh - avg pool -
// flatten - linear - log-softmax - NLL.
func layerStack(t *testing.T) *nnopt.Model {
	rng := rand.New(rand.NewPCG(11, 12))
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(2, 2, 6, 5)...)
	check(t, x.SetLevels(random(rng, x.Size())))
	copy(x.Lo, x.L)
	copy(x.Up, x.L)
	conv, err := formulations.NewConv2d(c, 2, 3, 3, formulations.Conv2dSettings{Stride: 2, Padding: formulations.Pad(1)})
	check(t, err)
	check(t, conv.MakeVariable(rng))
	z, err := conv.Apply(x)
	check(t, err)
	a, err := activation.Tanh(c, z.Var)
	check(t, err)
	pool, err := formulations.NewAvgPool2d(c, 2, 1, 0)
	check(t, err)
	p, err := pool.Apply(a.Var)
	check(t, err)
	f, err := formulations.FlattenDims(c, p.Var, []int{1, 2, 3})
	check(t, err)
	lin, err := formulations.NewLinear(c, f.Var.Domain()[1].Len(), 4, true)
	check(t, err)
	check(t, lin.MakeVariable(rng))
	y, err := lin.Apply(f.Var)
	check(t, err)
	ls, err := activation.LogSoftmax(c, y.Var, -1)
	check(t, err)
	loss, err := formulations.NLLLoss(c, ls.Var, []uint8{1, 3})
	check(t, err)
	m, err := c.NewModel("stack", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: loss.Var})
	check(t, err)
	return m
}

// maxPool: big-M max pooling (kernel 2, stride 1, padding 1) of a bounded input.
func maxPool(t *testing.T) *nnopt.Model {
	rng := rand.New(rand.NewPCG(13, 14))
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(1, 2, 3, 4)...)
	x.SetBounds(-1, 1)
	check(t, x.SetLevels(random(rng, x.Size())))
	p, err := formulations.NewMaxPool2d(c, 2, formulations.Pool2dSettings{Stride: 1, Padding: 1})
	check(t, err)
	out, err := p.Apply(x)
	check(t, err)
	m, err := c.NewModel("pool", nnopt.ModelSpec{Equations: out.Equations, Problem: nnopt.MIP, Sense: nnopt.Feasibility})
	check(t, err)
	return m
}

func smallMLP(t *testing.T) *nnopt.Model {
	rng := rand.New(rand.NewPCG(15, 16))
	const batch, in, hidden, classes = 4, 12, 5, 3
	m, err := refmodel.NewMLP(random(rng, batch*in), []uint8{0, 2, 1, 2}, in, hidden, classes, random(rng, in*hidden), random(rng, hidden*classes), 5)
	check(t, err)
	return m.Model
}

func smallCNN(t *testing.T) *nnopt.Model {
	rng := rand.New(rand.NewPCG(17, 18))
	m, err := refmodel.NewCNN(random(rng, 784), []uint8{7}, rng, 0)
	check(t, err)
	return m.Model
}

func TestJacobianOfFormulations(t *testing.T) {
	for _, tc := range []struct {
		name    string
		build   func(*testing.T) *nnopt.Model
		samples int
	}{
		{"layer-stack", layerStack, 0},
		{"max-pool", maxPool, 0},
		{"mlp", smallMLP, 0},
		{"cnn", smallCNN, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.build(t)
			st, err := m.Statistics()
			check(t, err)
			J, err := m.Jacobian()
			check(t, err)
			nnz, groups := 0, 0
			for _, b := range J.Blocks {
				nnz, groups = nnz+b.Nonzeros(), groups+b.Groups
			}
			t.Logf("%d blocks, %d entries, %d JVPs", len(J.Blocks), nnz, groups)
			if nnz != st.JacobianNonzeros {
				t.Errorf("%d entries, the statistics count %d Jacobian elements", nnz, st.JacobianNonzeros)
			}
			checkColumns(t, m, J, tc.samples)
		})
	}
}

// checkColumns compares columns of J (all, or samples of them chosen at random) with
// central differences of the residuals.
func checkColumns(t *testing.T, m *nnopt.Model, J *nnopt.SparseJacobian, samples int) {
	t.Helper()
	type col struct{ v, el int }
	var cols []col
	for v, x := range J.Vars {
		for el := range x.L {
			cols = append(cols, col{v, el})
		}
	}
	if samples > 0 {
		rng := rand.New(rand.NewPCG(19, 20))
		rng.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
		cols = cols[:samples]
	}
	// Column values from J, per block and row.
	value := func(b *nnopt.JacobianBlock, r int, c col) float64 {
		for k := b.RowStart[r]; k < b.RowStart[r+1]; k++ {
			if int(b.Var[k]) == c.v && int(b.Elem[k]) == c.el {
				return b.Value[k]
			}
		}
		return 0
	}
	const h = 1e-6
	for _, c := range cols {
		x := J.Vars[c.v]
		old := x.L[c.el]
		x.L[c.el] = old + h
		rp, err := m.Residuals()
		check(t, err)
		x.L[c.el] = old - h
		rm, err := m.Residuals()
		check(t, err)
		x.L[c.el] = old
		for q := range J.Blocks {
			b := &J.Blocks[q]
			if rp[b.Equation] == nil {
				continue // the objective's definition, which Residuals leaves out
			}
			for r := 0; r < b.Rows(); r++ {
				fd := (rp[b.Equation][r] - rm[b.Equation][r]) / (2 * h)
				if v := value(b, r, c); math.Abs(fd-v) > 1e-6*(1+math.Abs(v)) {
					t.Fatalf("d %s row %d / d %s[%d]: Jacobian %g, finite difference %g", b.Equation.Name(), r, x.Name(), c.el, v, fd)
				}
			}
		}
	}
}
