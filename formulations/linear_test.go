package formulations

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/nlpsolve"
)

// TestLinearRecoversWeights fits y = x·Wᵀ + b to data made by known weights: the
// least-squares optimum is those weights, in PyTorch's (out, in) layout.
func TestLinearRecoversWeights(t *testing.T) {
	for _, size := range [][2]int{{4, 3}, {3, 3}} {
		t.Run(fmt.Sprintf("in=%d,out=%d", size[0], size[1]), func(t *testing.T) { testLinearRecoversWeights(t, size[0], size[1]) })
	}
}

func testLinearRecoversWeights(t *testing.T, in, out int) {
	const n = 12
	rng := rand.New(rand.NewPCG(9, 9))
	x, wTrue, bTrue := random(rng, n*in), random(rng, out*in), random(rng, out)
	y := make([]float64, n*out)
	for s := 0; s < n; s++ {
		for o := 0; o < out; o++ {
			v := bTrue[o]
			for i := 0; i < in; i++ {
				v += x[s*in+i] * wTrue[o*in+i]
			}
			y[s*out+o] = v
		}
	}
	c := nnopt.NewContainer()
	xp := c.NewParameter("x", c.Dims(n, in)...)
	if err := xp.SetValues(x); err != nil {
		t.Fatal(err)
	}
	l, err := NewLinear(c, in, out, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Apply(xp); err == nil || !strings.Contains(err.Error(), "no weights yet") {
		t.Errorf("Apply before MakeVariable: error %v", err)
	}
	if err := l.MakeVariable(rng); err != nil {
		t.Fatal(err)
	}
	z, err := l.Apply(xp)
	if err != nil {
		t.Fatal(err)
	}
	yp := c.NewParameter("y", z.Var.Domain()...)
	if err := yp.SetValues(y); err != nil {
		t.Fatal(err)
	}
	loss := c.NewVariable("loss", nnopt.Free)
	if err := c.NewEquation("fit").Define(nnopt.Eq(loss, nnopt.Sum(nnopt.Sqr(nnopt.Sub(z.Var, yp)), z.Var.Domain()...))); err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("regression", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: loss})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{Method: nlpsolve.NewtonCG}); err != nil {
		t.Fatal(err)
	}
	for i, w := range l.WeightVariable().L {
		if math.Abs(w-wTrue[i]) > 1e-6 {
			t.Fatalf("weight %d = %g, want %g", i, w, wTrue[i])
		}
	}
	for i, b := range l.BiasVariable().L {
		if math.Abs(b-bTrue[i]) > 1e-6 {
			t.Fatalf("bias %d = %g, want %g", i, b, bTrue[i])
		}
	}
	if err := l.MakeVariable(nil); err == nil {
		t.Error("a second MakeVariable succeeded")
	}
}

func TestLayerErrors(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewParameter("x", c.Dims(2, 3, 5, 5)...)
	for _, tc := range []struct {
		err  func() error
		want string
	}{
		{func() error { _, err := NewConv2d(c, 0, 2, 3, Conv2dSettings{}); return err }, "must be positive"},
		{func() error { _, err := NewConv2d(c, 3, 2, 3, Conv2dSettings{Stride: 2, Padding: Same}); return err }, `"same" needs stride 1`},
		{func() error {
			l, _ := NewConv2d(c, 2, 2, 3, Conv2dSettings{})
			_ = l.MakeVariable(nil)
			_, err := l.Apply(x)
			return err
		}, "want an input over (batch, 2 channels"},
		{func() error {
			l, _ := NewConv2d(c, 3, 2, 7, Conv2dSettings{})
			_ = l.MakeVariable(nil)
			_, err := l.Apply(x)
			return err
		}, "kernel 7 is larger than the padded input 5"},
		{func() error {
			l, _ := NewConv2d(c, 3, 2, 3, Conv2dSettings{})
			return l.LoadWeights(make([]float64, 5), make([]float64, 2))
		}, "5 weights, want 54"},
		{func() error { _, err := NewAvgPool2d(c, 2, 0, 2); return err }, "at most half the kernel"},
		{func() error { _, err := FlattenDims(c, x, []int{1, 3}); return err }, "must be consecutive"},
		{func() error { _, err := FlattenDims(c, x, []int{2}); return err }, "at least two dimensions"},
	} {
		if err := tc.err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to mention %q", err, tc.want)
		}
	}
}
