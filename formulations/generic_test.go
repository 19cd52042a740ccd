package formulations

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/nlpsolve"
)

// A small convolutional model built twice, with the Conv2d and AvgPool2d kernels and
// with the generic algebra (sums over window-membership subsets), must have the same
// statistics and take the same Newton-CG iterates.

const (
	gN, gC, gO, gH, gW, gK, gStride, gPad = 2, 2, 3, 6, 5, 3, 2, 1
	gOH                                   = (gH+2*gPad-gK)/gStride + 1
	gOW                                   = (gW+2*gPad-gK)/gStride + 1
)

// fixedInput is the input as a variable fixed at its values, so that the convolution
// is bilinear (weights times variables) as in a network's second layer.
func fixedInput(t *testing.T, c *nnopt.Container, dom ...*nnopt.Set) *nnopt.Variable {
	x := c.NewVariable("x", nnopt.Free, dom...)
	if err := x.SetLevels(inputs()); err != nil {
		t.Fatal(err)
	}
	copy(x.Lo, x.L)
	copy(x.Up, x.L)
	return x
}

func inputs() []float64 {
	rng := rand.New(rand.NewPCG(3, 3))
	return random(rng, gN*gC*gH*gW)
}

func targets() []float64 {
	rng := rand.New(rand.NewPCG(4, 4))
	return random(rng, gN*gO)
}

// tail adds a = tanh(z), p = avg_pool(a) over the whole map, loss = Σ (p - t)².
func tail(t *testing.T, c *nnopt.Container, z *nnopt.Variable, pooled func(a *nnopt.Variable) *nnopt.Variable) *nnopt.Model {
	t.Helper()
	a, err := activation.Tanh(c, z)
	if err != nil {
		t.Fatal(err)
	}
	p := pooled(a.Var)
	tp := c.NewParameter("t", p.Domain()...)
	if err := tp.SetValues(targets()); err != nil {
		t.Fatal(err)
	}
	loss := c.NewVariable("loss", nnopt.Free)
	if err := c.NewEquation("calc_loss").Define(nnopt.Eq(loss, nnopt.Sum(nnopt.Sqr(nnopt.Sub(p, tp)), p.Domain()...))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("m", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: loss})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func withKernels(t *testing.T) (*nnopt.Model, *Conv2d) {
	c := nnopt.NewContainer()
	x := fixedInput(t, c, c.Dims(gN, gC, gH, gW)...)
	conv, err := NewConv2d(c, gC, gO, gK, Conv2dSettings{Stride: gStride, Padding: Pad(gPad)})
	if err != nil {
		t.Fatal(err)
	}
	if err := conv.MakeVariable(rand.New(rand.NewPCG(5, 5))); err != nil {
		t.Fatal(err)
	}
	z, err := conv.Apply(x)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := NewAvgPool2d(c, gOH, 1, 0) // gOH == gOW: one window per map
	if err != nil {
		t.Fatal(err)
	}
	return tail(t, c, z.Var, func(a *nnopt.Variable) *nnopt.Variable {
		p, err := pool.Apply(a)
		if err != nil {
			t.Fatal(err)
		}
		// Drop the two 1-sized axes so the loss matches the generic model's.
		f, err := FlattenDims(c, p.Var, []int{1, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		return f.Var
	}), conv
}

func labelled(c *nnopt.Container, name string, n int) *nnopt.Set {
	labels := make([]string, n)
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	return c.NewSet(name, labels...)
}

// window membership: (out, offset, in) with in = out·stride + offset - pad inside.
func windowSet(t *testing.T, c *nnopt.Container, name string, out, off, in *nnopt.Set, stride, pad int) *nnopt.Set {
	s := c.NewSubset(name, out, off, in)
	var members [][]int
	for o := 0; o < out.Len(); o++ {
		for k := 0; k < off.Len(); k++ {
			if r := o*stride + k - pad; r >= 0 && r < in.Len() {
				members = append(members, []int{o, k, r})
			}
		}
	}
	if err := s.SetMembers(members...); err != nil {
		t.Fatal(err)
	}
	return s
}

func generic(t *testing.T, weight, bias []float64) *nnopt.Model {
	c := nnopt.NewContainer()
	n, ch, o := labelled(c, "n", gN), labelled(c, "c", gC), labelled(c, "o", gO)
	r, s := labelled(c, "r", gH), labelled(c, "s", gW)
	i, j := labelled(c, "i", gOH), labelled(c, "j", gOW)
	a, b := labelled(c, "a", gK), labelled(c, "b", gK)
	x := fixedInput(t, c, n, ch, r, s)
	w := c.NewVariable("w", nnopt.Free, o, ch, a, b)
	bv := c.NewVariable("bias", nnopt.Free, o)
	if err := w.SetLevels(weight); err != nil {
		t.Fatal(err)
	}
	if err := bv.SetLevels(bias); err != nil {
		t.Fatal(err)
	}
	mh := windowSet(t, c, "mh", i, a, r, gStride, gPad)
	mw := windowSet(t, c, "mw", j, b, s, gStride, gPad)
	z := c.NewVariable("z", nnopt.Free, n, o, i, j)
	prod := nnopt.Where(nnopt.Where(nnopt.Mul(w, x), mh), mw)
	if err := c.NewEquation("conv", n, o, i, j).Define(nnopt.Eq(z, nnopt.Add(nnopt.Sum(prod, ch, a, b, r, s), bv))); err != nil {
		t.Fatal(err)
	}
	return tail(t, c, z, func(act *nnopt.Variable) *nnopt.Variable {
		p := c.NewVariable("p", nnopt.Free, n, o)
		mean := nnopt.Mul(nnopt.Const(1/float64(gOH*gOW)), nnopt.Sum(act, i, j))
		if err := c.NewEquation("pool", n, o).Define(nnopt.Eq(p, mean)); err != nil {
			t.Fatal(err)
		}
		return p
	})
}

func TestKernelsMatchGenericAlgebra(t *testing.T) {
	mk, conv := withKernels(t)
	mg := generic(t, conv.WeightVariable().L, conv.BiasVariable().L)
	sk, err := mk.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	sg, err := mg.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	// The kernel model has one more equation and variable (the flatten copy), with one
	// Jacobian element each row plus its own variable.
	flat := gN * gO
	sg.Constraints += flat
	sg.Variables += flat
	sg.JacobianNonzeros += 2 * flat
	t.Logf("statistics %+v", sk)
	if sk != sg {
		t.Errorf("statistics with kernels %+v, generic (plus the flatten rows) %+v", sk, sg)
	}
	var objK, objG []float64
	opt := func(obj *[]float64) nnopt.Options {
		return nnopt.Options{IterationLimit: 6, Method: nlpsolve.NewtonCG, OnIteration: func(it nlpsolve.Iteration) { *obj = append(*obj, it.Objective) }}
	}
	if err := mk.Solve(context.Background(), opt(&objK)); err != nil {
		t.Fatal(err)
	}
	if err := mg.Solve(context.Background(), opt(&objG)); err != nil {
		t.Fatal(err)
	}
	if len(objK) != len(objG) || len(objK) < 3 {
		t.Fatalf("iterations: kernels %v, generic %v", objK, objG)
	}
	for i := range objK {
		if math.Abs(objK[i]-objG[i]) > 1e-9*math.Max(1, math.Abs(objG[i])) {
			t.Errorf("iteration %d: objective %.12g with kernels, %.12g generic", i+1, objK[i], objG[i])
		}
	}
	if objK[len(objK)-1] >= objK[0] {
		t.Errorf("no progress: %v", objK)
	}
}
