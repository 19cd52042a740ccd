package formulations

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
)

var inf = math.Inf(1)

// One dense layer, counted by hand: y0 = 1 + x0 - 2·x1, y1 = -1 + x0/2 + 3·x1 (and a
// zero weight on x2, whose infinite bounds must not leak into y as 0·∞).
func TestLinearBoundsByHand(t *testing.T) {
	w := []float64{1, -2, 0, 0.5, 3, 0}
	for _, tc := range []struct {
		name           string
		lo, up         []float64 // two rows of three inputs
		bias           []float64
		wantLo, wantUp []float64
	}{
		{"box", []float64{-1, 0, -inf, 2, 2, -inf}, []float64{2, 1, inf, 2, 2, inf}, []float64{1, -1},
			// row 0: y0 ∈ [1-1-2, 1+2-0], y1 ∈ [-1-0.5+0, -1+1+3]; row 1: a point.
			[]float64{-2, -1.5, -1, 6}, []float64{3, 3, -1, 6}},
		{"no bias", []float64{-1, 0, 0, 0, 0, 0}, []float64{2, 1, 0, 0, 0, 0}, nil,
			[]float64{-3, -0.5, 0, 0}, []float64{2, 4, 0, 0}},
		{"half-infinite", []float64{-1, 0, 0, -inf, -inf, 0}, []float64{2, inf, 0, 1, 1, 0}, []float64{1, -1},
			// Row 0, x1 ≤ ∞: y0 has no lower bound, y1 no upper. Row 1, x0, x1 ≤ 1
			// only: y1 ≤ -1 + 1/2 + 3, the rest unbounded (-2·x1 included).
			[]float64{-inf, -1.5, -inf, -inf}, []float64{3, inf, inf, -1 + 0.5 + 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := nnopt.NewContainer()
			x := c.NewVariable("x", nnopt.Free, c.NewSet("row", "a", "b"), c.Dims(3)[0])
			copy(x.Lo, tc.lo)
			copy(x.Up, tc.up)
			l, err := NewLinear(c, 3, 2, tc.bias != nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.LoadWeights(w, tc.bias); err != nil {
				t.Fatal(err)
			}
			y, err := l.Apply(x)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.wantLo {
				if y.Var.Lo[i] != tc.wantLo[i] || y.Var.Up[i] != tc.wantUp[i] {
					t.Errorf("y bounds [%v, %v], want [%v, %v]", y.Var.Lo, y.Var.Up, tc.wantLo, tc.wantUp)
					break
				}
			}
		})
	}
}

// box draws bounds for n elements: lo in (-1, 1), widths in [0, 1) with some points
// (zero width), optionally one element unbounded above.
func box(rng *rand.Rand, n int, unbounded bool) (lo, up []float64) {
	lo, up = random(rng, n), make([]float64, n)
	for i := range up {
		up[i] = lo[i]
		if rng.IntN(5) > 0 {
			up[i] += rng.Float64()
		}
	}
	if unbounded {
		up[rng.IntN(n)] = inf
	}
	return lo, up
}

// draw samples a point of the box (an unbounded element up to 10 above its lower
// bound), corners half of the time, where the extremes of a layer lie.
func draw(rng *rand.Rand, lo, up []float64) []float64 {
	x := make([]float64, len(lo))
	corner := rng.IntN(2) == 0
	for i := range x {
		hi := math.Min(up[i], lo[i]+10)
		switch {
		case corner && rng.IntN(2) == 0:
			x[i] = lo[i]
		case corner:
			x[i] = hi
		default:
			x[i] = lo[i] + rng.Float64()*(hi-lo[i])
		}
	}
	return x
}

func naiveLinear(x, w, b []float64, in, out int) []float64 {
	y := make([]float64, len(x)/in*out)
	for r := 0; r < len(x)/in; r++ {
		for o := 0; o < out; o++ {
			if b != nil {
				y[r*out+o] = b[o]
			}
			for i := 0; i < in; i++ {
				y[r*out+o] += w[o*in+i] * x[r*in+i]
			}
		}
	}
	return y
}

// layerCase applies a layer to x and returns its output variable and the layer as a
// plain function, computed without the model.
type layerCase struct {
	name  string
	shape []int
	apply func(t *testing.T, c *nnopt.Container, x *nnopt.Variable, rng *rand.Rand) (*nnopt.Variable, func([]float64) []float64)
}

// must(f())(t) is f's value, or t fails with f's error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func convLayer(tc convCase, bias bool) func(*testing.T, *nnopt.Container, *nnopt.Variable, *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
	return func(t *testing.T, c *nnopt.Container, x *nnopt.Variable, rng *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
		l := must(NewConv2d(c, tc.c, tc.o, tc.k, Conv2dSettings{Stride: tc.stride, Padding: tc.pad, NoBias: !bias}))(t)
		w := random(rng, tc.o*tc.c*tc.k*tc.k)
		w[0] = 0 // a zero weight next to infinite bounds
		var b []float64
		if bias {
			b = random(rng, tc.o)
		}
		if err := l.LoadWeights(w, b); err != nil {
			t.Fatal(err)
		}
		y := must(l.Apply(x))(t)
		return y.Var, func(x []float64) []float64 {
			out, oh, ow := naiveConv(tc, x, w)
			for i := range out {
				if b != nil {
					out[i] += b[i/(oh*ow)%tc.o]
				}
			}
			return out
		}
	}
}

// Every layer's propagated box holds its outputs at many points of the input box.
func TestPropagatedBoundsContainOutputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	cases := []layerCase{
		{"linear", []int{2, 3, 5}, func(t *testing.T, c *nnopt.Container, x *nnopt.Variable, rng *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
			l := must(NewLinear(c, 5, 4, true))(t)
			w, b := random(rng, 20), random(rng, 4)
			if err := l.LoadWeights(w, b); err != nil {
				t.Fatal(err)
			}
			return must(l.Apply(x))(t).Var, func(x []float64) []float64 { return naiveLinear(x, w, b, 5, 4) }
		}},
		{"conv2d padded", []int{2, 2, 5, 6}, convLayer(convCase{2, 2, 3, 5, 6, 3, 2, Pad(1)}, true)},
		{"conv2d same, no bias", []int{1, 2, 5, 5}, convLayer(convCase{1, 2, 2, 5, 5, 4, 1, Same}, false)},
		{"avg_pool2d", []int{2, 2, 5, 5}, func(t *testing.T, c *nnopt.Container, x *nnopt.Variable, _ *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
			k, hw, err := AvgPool2dKernel(2, 2, 5, 5, 3, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			p := must(NewAvgPool2d(c, 3, 2, 1))(t)
			return must(p.Apply(x))(t).Var, func(x []float64) []float64 {
				out := make([]float64, 4*hw[0]*hw[1])
				k.Apply(out, [][]float64{x})
				return out
			}
		}},
		{"flatten", []int{2, 3, 4}, func(t *testing.T, c *nnopt.Container, x *nnopt.Variable, _ *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
			return must(FlattenDims(c, x, []int{1, 2}))(t).Var, func(x []float64) []float64 { return x }
		}},
		{"max_pool2d", []int{2, 2, 5, 6}, poolLayer(poolCase{2, 2, 5, 6, 3, 2, 1, false})},
		{"min_pool2d", []int{1, 3, 4, 4}, poolLayer(poolCase{1, 3, 4, 4, 2, 1, 1, true})},
		{"tanh", []int{3, 4}, activationLayer(activation.Tanh, activation.TanhBounds, math.Tanh)},
		{"sigmoid", []int{3, 4}, activationLayer(activation.Sigmoid, activation.SigmoidBounds, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) })},
	}
	for _, tc := range cases {
		for _, unbounded := range []bool{false, true} {
			if unbounded && strings.HasSuffix(tc.name, "pool2d") && !strings.HasPrefix(tc.name, "avg") {
				continue // a big-M needs finite bounds
			}
			name := tc.name
			if unbounded {
				name += " unbounded element"
			}
			t.Run(name, func(t *testing.T) {
				c := nnopt.NewContainer()
				names := []string{"n", "c", "h", "w"}
				var dom []*nnopt.Set
				for i, n := range tc.shape[:len(tc.shape)-1] {
					dom = append(dom, c.NewSet(names[i], labels(n)...))
				}
				// The last axis anonymous, as a dense layer's weights expect it.
				dom = append(dom, c.Dims(tc.shape[len(tc.shape)-1])...)
				x := c.NewVariable("x", nnopt.Free, dom...)
				lo, up := box(rng, x.Size(), unbounded)
				copy(x.Lo, lo)
				copy(x.Up, up)
				y, f := tc.apply(t, c, x, rng)
				finite := 0
				for i := range y.Lo {
					if math.IsNaN(y.Lo[i]) || math.IsNaN(y.Up[i]) || y.Lo[i] > y.Up[i] {
						t.Fatalf("y[%d] in [%g, %g]", i, y.Lo[i], y.Up[i])
					}
					if !math.IsInf(y.Lo[i], 0) && !math.IsInf(y.Up[i], 0) {
						finite++
					}
				}
				if finite == 0 {
					t.Fatal("no output got finite bounds")
				}
				for s := 0; s < 300; s++ {
					out := f(draw(rng, lo, up))
					for i, v := range out {
						if tol := 1e-12 * math.Max(1, math.Abs(v)); v < y.Lo[i]-tol || v > y.Up[i]+tol {
							t.Fatalf("sample %d: y[%d] = %g outside [%g, %g]", s, i, v, y.Lo[i], y.Up[i])
						}
					}
				}
			})
		}
	}
}

func poolLayer(tc poolCase) func(*testing.T, *nnopt.Container, *nnopt.Variable, *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
	return func(t *testing.T, c *nnopt.Container, x *nnopt.Variable, _ *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
		p := must(newExtremePool(c, tc.k, Pool2dSettings{Stride: tc.stride, Padding: tc.pad}, tc.min))(t)
		return must(p.Apply(x))(t).Var, func(x []float64) []float64 {
			y, _ := naivePool(tc, x)
			return y
		}
	}
}

func activationLayer(act func(*nnopt.Container, *nnopt.Variable) (activation.Output, error), bounds func(y, x *nnopt.Variable) error, f func(float64) float64) func(*testing.T, *nnopt.Container, *nnopt.Variable, *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
	return func(t *testing.T, c *nnopt.Container, x *nnopt.Variable, _ *rand.Rand) (*nnopt.Variable, func([]float64) []float64) {
		y := must(act(c, x))(t).Var
		if err := bounds(y, x); err != nil {
			t.Fatal(err)
		}
		for i := range y.Lo {
			if y.Lo[i] != f(x.Lo[i]) || y.Up[i] != f(x.Up[i]) {
				t.Fatalf("y[%d] in [%g, %g], want f of [%g, %g]", i, y.Lo[i], y.Up[i], x.Lo[i], x.Up[i])
			}
		}
		return y, func(x []float64) []float64 {
			out := make([]float64, len(x))
			for i, v := range x {
				out[i] = f(v)
			}
			return out
		}
	}
}

// A bounded input through a trained convolution, tanh and max pooling: the pooling
// takes a finite M from the propagated bounds. With the convolution's weights as
// variables nothing is propagated and the pooling asks for bounds.
func TestMaxPoolAfterPropagatedBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for _, trained := range []bool{true, false} {
		c := nnopt.NewContainer()
		x := c.NewVariable("x", nnopt.Free, c.NewSet("n", "0"), c.NewSet("c", "0"), c.NewSet("h", labels(6)...), c.NewSet("w", labels(6)...))
		x.SetBounds(0, 1)
		conv := must(NewConv2d(c, 1, 2, 3, Conv2dSettings{Padding: Pad(1)}))(t)
		if trained {
			if err := conv.LoadWeights(random(rng, 18), random(rng, 2)); err != nil {
				t.Fatal(err)
			}
		} else if err := conv.MakeVariable(rng); err != nil {
			t.Fatal(err)
		}
		z := must(conv.Apply(x))(t).Var
		pool := must(NewMaxPool2d(c, 2, Pool2dSettings{}))(t)
		p, err := pool.Apply(z)
		if !trained {
			if err == nil || !strings.Contains(err.Error(), "set them (Variable.SetBounds)") || !math.IsInf(z.Up[0], 1) {
				t.Errorf("untrained: z in [%g, %g], pooling error %v", z.Lo[0], z.Up[0], err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range p.BigM.Values {
			if math.IsInf(m, 0) || math.IsNaN(m) || m < 0 {
				t.Fatalf("M[%d] = %g", i, m)
			}
		}
		// Through tanh, with its bounds tightened, a second pooling works too.
		a := must(activation.Tanh(c, z))(t).Var
		if err := activation.TanhBounds(a, z); err != nil {
			t.Fatal(err)
		}
		if a.Up[0] >= 1 || a.Up[0] != math.Tanh(z.Up[0]) {
			t.Errorf("tanh bounds [%g, %g] from z in [%g, %g]", a.Lo[0], a.Up[0], z.Lo[0], z.Up[0])
		}
		if _, err := pool.Apply(a); err != nil {
			t.Error(err)
		}
	}
}

func TestActivationBoundsErrors(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(3)...)
	y := c.NewVariable("y", nnopt.Free, c.Dims(4)...)
	if err := activation.TanhBounds(y, x); err == nil || !strings.Contains(err.Error(), `"y" has 4 elements and "x" 3`) {
		t.Errorf("error %v", err)
	}
}
