package formulations

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

type poolCase struct {
	n, c, h, w, k, stride, pad int
	min                        bool
}

func (tc poolCase) String() string {
	kind := "max"
	if tc.min {
		kind = "min"
	}
	return fmt.Sprintf("%s %dx%dx%dx%d k%d s%d p%d", kind, tc.n, tc.c, tc.h, tc.w, tc.k, tc.stride, tc.pad)
}

// pool builds x over (N, C, H, W) with levels in (-1, 1) and bounds [-1, 1], and its
// pooling, in a feasibility model of the pooling's equations.
func (tc poolCase) pool(t *testing.T, rng *rand.Rand) (*nnopt.Model, *nnopt.Variable, PoolOutput) {
	t.Helper()
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.NewSet("n", labels(tc.n)...), c.NewSet("c", labels(tc.c)...), c.NewSet("h", labels(tc.h)...), c.NewSet("w", labels(tc.w)...))
	x.SetBounds(-1, 1)
	if rng != nil {
		copy(x.L, random(rng, x.Size()))
	}
	s := Pool2dSettings{Stride: tc.stride, Padding: tc.pad}
	var out PoolOutput
	var err error
	if tc.min {
		var p *MinPool2d
		if p, err = NewMinPool2d(c, tc.k, s); err == nil {
			out, err = p.Apply(x)
		}
	} else {
		var p *MaxPool2d
		if p, err = NewMaxPool2d(c, tc.k, s); err == nil {
			out, err = p.Apply(x)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("pool", nnopt.ModelSpec{Equations: out.Equations, Problem: nnopt.MIP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	return m, x, out
}

func labels(n int) []string {
	l := make([]string, n)
	for i := range l {
		l[i] = fmt.Sprint(i)
	}
	return l
}

// The statistics, counted by hand. A map of P output pixels whose windows hold T taps
// inside the input has T rows "y against every tap" (y and x: 2 entries each), T rows
// "y against the chosen tap" (y, x and d: 3 each) and P rows "one choice per window"
// (one d per tap: T in all): rows 2T + P, Jacobian 6T, variables H·W + P + T of which
// T binary, all per map; the model adds its objective variable (constant in a
// feasibility model), one more variable.
func TestPoolStatistics(t *testing.T) {
	for _, tc := range []struct {
		poolCase
		taps                           int // T per map
		rows, vars, jacobian, discrete int
	}{
		// 4x4, kernel 2, stride 2: 4 windows of 4 taps.
		{poolCase{1, 1, 4, 4, 2, 0, 0, false}, 16, 36, 16 + 4 + 16, 96, 16},
		{poolCase{1, 1, 4, 4, 2, 0, 0, true}, 16, 36, 36, 96, 16},
		// 3x3, kernel 2, stride 1, padding 1: 4x4 windows; along an axis the outer
		// windows keep 1 of their 2 offsets, the inner ones 2: 6 per axis, 36 taps
		// (64 without padding cut off).
		{poolCase{1, 1, 3, 3, 2, 1, 1, false}, 36, 2*36 + 16, 9 + 16 + 36, 216, 36},
		// 2x3 maps of 5x5, kernel 3, stride 2, padding 1: 3x3 windows, offsets per
		// axis 2+3+2 = 7, 49 taps a map.
		{poolCase{2, 3, 5, 5, 3, 2, 1, true}, 49, 6 * (2*49 + 9), 6 * (25 + 9 + 49), 6 * 6 * 49, 6 * 49},
		// Stride larger than the kernel: some pixels are read by no window.
		{poolCase{1, 2, 5, 5, 2, 3, 0, false}, 16, 2 * (2*16 + 4), 2 * (25 + 4 + 16), 2 * 6 * 16, 2 * 16},
	} {
		t.Run(tc.String(), func(t *testing.T) {
			m, x, out := tc.pool(t, nil)
			if len(out.Taps) != tc.taps {
				t.Errorf("%d taps a map, want %d", len(out.Taps), tc.taps)
			}
			st, err := m.Statistics()
			if err != nil {
				t.Fatal(err)
			}
			want := nnopt.Statistics{Constraints: tc.rows, Variables: tc.vars + 1, JacobianNonzeros: tc.jacobian}
			if st != want {
				t.Errorf("statistics %+v, want %+v", st, want)
			}
			// Statistics has no count of discrete variables; the binaries are Choice.
			if out.Choice.Type != nnopt.Binary || out.Choice.Size() != tc.discrete {
				t.Errorf("choice: %v variable of %d elements, want %d binaries", out.Choice.Type, out.Choice.Size(), tc.discrete)
			}
			if got := x.Size() + out.Var.Size() + out.Choice.Size() + 1; got != st.Variables {
				t.Errorf("x, y and the choice hold %d elements, the model has %d variables besides the objective", got-1, st.Variables-1)
			}
		})
	}
}

// naivePool is the definition: the extreme over each window's taps inside the input,
// and the first tap that attains it.
func naivePool(tc poolCase, x []float64) (y []float64, arg [][2]int) {
	stride := stride(tc)
	oh, ow := (tc.h+2*tc.pad-tc.k)/stride+1, (tc.w+2*tc.pad-tc.k)/stride+1
	for m := 0; m < tc.n*tc.c; m++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				best, at := math.NaN(), [2]int{-1, -1}
				for a := 0; a < tc.k; a++ {
					for b := 0; b < tc.k; b++ {
						r, s := i*stride+a-tc.pad, j*stride+b-tc.pad
						if r < 0 || r >= tc.h || s < 0 || s >= tc.w {
							continue
						}
						v := x[(m*tc.h+r)*tc.w+s]
						if at[0] < 0 || (!tc.min && v > best) || (tc.min && v < best) {
							best, at = v, [2]int{r, s}
						}
					}
				}
				y = append(y, best)
				arg = append(arg, at)
			}
		}
	}
	return y, arg
}

// violations returns the rows of each equation whose residual breaks its relation by
// more than tol.
func violations(t *testing.T, m *nnopt.Model, eqs []*nnopt.Equation, tol float64) map[string][]int {
	t.Helper()
	res, err := m.Residuals()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]int{}
	for _, e := range eqs {
		for i, r := range res[e] {
			if (e.Type == nnopt.EQ && math.Abs(r) > tol) || (e.Type == nnopt.LE && r > tol) || (e.Type == nnopt.GE && r < -tol) {
				out[e.Name()] = append(out[e.Name()], i)
			}
		}
	}
	return out
}

// At y = the window's extreme and d = the indicator of a tap attaining it every row
// holds; y a little past or short of the extreme, or a second choice, breaks some.
func TestPoolFeasibility(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []poolCase{
		{1, 1, 4, 4, 2, 0, 0, false},
		{1, 1, 4, 4, 2, 0, 0, true},
		{2, 2, 5, 6, 3, 2, 1, false},
		{2, 2, 5, 6, 3, 2, 1, true},
		{1, 3, 3, 3, 2, 1, 1, false},
	} {
		t.Run(tc.String(), func(t *testing.T) {
			m, x, out := tc.pool(t, rng)
			want, arg := naivePool(tc, x.L)
			copy(out.Var.L, want)
			T, P, ow := len(out.Taps), len(want)/(tc.n*tc.c), (tc.w+2*tc.pad-tc.k)/stride(tc)+1
			for k, tap := range out.Taps {
				for mi := 0; mi < tc.n*tc.c; mi++ {
					o := mi*P + tap.Out[0]*ow + tap.Out[1]
					if arg[o] == tap.In {
						out.Choice.L[mi*T+k] = 1
					}
				}
			}
			// The output's bounds are the window's extremes of [-1, 1].
			for i := range want {
				if out.Var.Lo[i] != -1 || out.Var.Up[i] != 1 || want[i] < -1 || want[i] > 1 {
					t.Fatalf("y[%d] = %g in [%g, %g], want [-1, 1]", i, want[i], out.Var.Lo[i], out.Var.Up[i])
				}
			}
			if v := violations(t, m, out.Equations, 1e-12); len(v) > 0 {
				t.Fatalf("at the pooled point, rows violated: %v", v)
			}
			every, chosen, one := out.Equations[0].Name(), out.Equations[1].Name(), out.Equations[2].Name()
			const eps = 1e-3
			for _, step := range []struct {
				delta float64
				broke string
			}{
				// Max: above the max y leaves the chosen tap; below it falls under the
				// argmax tap. Min mirrored.
				{eps, map[bool]string{false: chosen, true: every}[tc.min]},
				{-eps, map[bool]string{false: every, true: chosen}[tc.min]},
			} {
				o := rng.IntN(len(want))
				out.Var.L[o] += step.delta
				v := violations(t, m, out.Equations, 1e-12)
				if len(v) != 1 || len(v[step.broke]) == 0 {
					t.Errorf("y[%d] moved by %g: violated %v, want rows of %s", o, step.delta, v, step.broke)
				}
				out.Var.L[o] -= step.delta
			}
			// Two choices in one window break its sum.
			k := rng.IntN(len(out.Choice.L))
			out.Choice.L[k] = 1 - out.Choice.L[k]
			if v := violations(t, m, out.Equations, 1e-12); len(v[one]) != 1 {
				t.Errorf("choice %d flipped: violated %v, want one row of %s", k, v, one)
			}
		})
	}
}

func stride(tc poolCase) int {
	if tc.stride == 0 {
		return tc.k
	}
	return tc.stride
}

// M_t is the window's largest upper bound minus x_t's lower bound (min pooling: x_t's
// upper bound minus the window's smallest lower bound).
func TestPoolBigM(t *testing.T) {
	for _, min := range []bool{false, true} {
		c := nnopt.NewContainer()
		x := c.NewVariable("x", nnopt.Free, c.Dims(1, 1, 2, 2)...)
		copy(x.Lo, []float64{0, -1, 2, -3})
		copy(x.Up, []float64{1, 4, 3, 5})
		p, err := newExtremePool(c, 2, Pool2dSettings{}, min)
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Apply(x)
		if err != nil {
			t.Fatal(err)
		}
		want, lo, up := []float64{5 - 0, 5 + 1, 5 - 2, 5 + 3}, 2.0, 5.0
		if min {
			want, lo, up = []float64{1 + 3, 4 + 3, 3 + 3, 5 + 3}, -3, 1
		}
		for i, v := range out.BigM.Values {
			if v != want[i] {
				t.Errorf("min %v: M = %v, want %v", min, out.BigM.Values, want)
				break
			}
		}
		if out.Var.Lo[0] != lo || out.Var.Up[0] != up {
			t.Errorf("min %v: y in [%g, %g], want [%g, %g]", min, out.Var.Lo[0], out.Var.Up[0], lo, up)
		}
	}
}

func TestPoolErrors(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(1, 2, 4, 4)...)
	flat := c.NewVariable("flat", nnopt.Free, c.Dims(2, 16)...)
	half := c.NewVariable("half", nnopt.Free, c.Dims(1, 2, 4, 4)...)
	half.SetBounds(-1, 1)
	half.Up[5] = math.Inf(1)
	apply := func(x Symbol, k int, s Pool2dSettings) error {
		p, err := NewMaxPool2d(c, k, s)
		if err != nil {
			return err
		}
		_, err = p.Apply(x)
		return err
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{apply(x, 0, Pool2dSettings{}), "want a positive kernel"},
		{apply(x, 2, Pool2dSettings{Stride: -1}), "want a positive kernel and stride"},
		{apply(x, 2, Pool2dSettings{Padding: -1}), "non-negative padding"},
		{apply(x, 3, Pool2dSettings{Padding: 2}), "at most half the kernel"},
		{apply(x, 2, Pool2dSettings{BigM: -1}), "big-M -1 must be positive"},
		{apply(x, 2, Pool2dSettings{BigM: math.NaN()}), "big-M NaN"},
		{apply(x, 2, Pool2dSettings{BigM: math.Inf(1)}), "must be positive and finite"},
		{apply(x, 5, Pool2dSettings{BigM: 1}), "kernel 5 is larger than the padded input 4"},
		{apply(flat, 2, Pool2dSettings{BigM: 1}), `max_pool2d of "flat"(DenseDim2_1,DenseDim16_1): want an input over (batch, channels, height, width)`},
		{apply(x, 2, Pool2dSettings{}), `max_pool2d of "x": the big-M formulation needs finite bounds on the input, and "x" has none`},
		{apply(half, 2, Pool2dSettings{}), `element 5 of "half" lies in [-1, +Inf]; set them (Variable.SetBounds), let the layers before propagate them`},
		{func() error { _, err := NewMinPool2d(c, 2, Pool2dSettings{Padding: 3}); return err }(), "min_pool2d: padding 3"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want it to mention %q", tc.err, tc.want)
		}
	}
	// An explicit M needs no bounds.
	if err := apply(x, 2, Pool2dSettings{BigM: 10}); err != nil {
		t.Errorf("explicit big-M on an unbounded input: %v", err)
	}
}

func TestTapKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	h, _ := newWindow("height", 5, 3, 2, 1, 1)
	w, _ := newWindow("width", 4, 2, 1, 0, 0)
	taps := newPoolTaps(h, w)
	const maps = 3
	for _, k := range []*tapKernel{
		{name: "in", maps: maps, size: taps.inSize, at: taps.in},
		{name: "out", maps: maps, size: taps.outSize, at: taps.out},
		{name: "sum", maps: maps, size: taps.outSize, at: taps.out, sum: true},
	} {
		_, lens := k.Lens()
		checkMultilinear(t, k, [][]float64{random(rng, lens[0])}, rng)
	}
}
