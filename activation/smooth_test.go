package activation

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
)

// TestSoftplusGELU: Softplus and GELU give PyTorch's values (from large negative
// to large positive inputs, without overflow), their Jacobians match central
// differences of the functions, and their bounds hold every sampled value.
func TestSoftplusGELU(t *testing.T) {
	xs := []float64{-800, -30, -3, -1, geluArgMin, -0.1, 0, 0.1, 1, 2.5, 30, 800}
	refSoftplus := func(v float64) float64 {
		if v > 30 {
			return v + math.Exp(-v) // log(1+e^v) = v + log1p(e^-v)
		}
		return math.Log1p(math.Exp(v))
	}
	refGELU := func(v float64) float64 { return 0.5 * v * math.Erfc(-v/math.Sqrt2) }
	for _, tc := range []struct {
		name string
		add  func(*nnopt.Container, *nnopt.Variable) (Output, error)
		ref  func(float64) float64
	}{
		{"softplus", Softplus, refSoftplus},
		{"gelu", GELU, refGELU},
	} {
		c := nnopt.NewContainer()
		labels := make([]string, len(xs))
		for k := range labels {
			labels[k] = string(rune('a' + k))
		}
		i := c.NewSet("i", labels...)
		x := c.NewVariable("x", nnopt.Free, i)
		copy(x.L, xs)
		copy(x.Lo, xs)
		copy(x.Up, xs)
		o, err := tc.add(c, x)
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.NewModel("m", nnopt.ModelSpec{Equations: o.Equations, Problem: nnopt.NLP, Sense: nnopt.Feasibility})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
			t.Fatal(err)
		}
		for k, v := range xs {
			want := tc.ref(v)
			if got := o.Var.L[k]; math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) || math.IsNaN(got) {
				t.Errorf("%s(%g) = %.17g, want %.17g", tc.name, v, got, want)
			}
		}
		// The Jacobian of y - f(x) in x is -f'(x): against central differences.
		jac, err := m.Jacobian()
		if err != nil {
			t.Fatal(err)
		}
		b := jac.Blocks[0]
		for r := range b.Rows() {
			v := xs[r]
			h := 1e-6 * math.Max(1, math.Abs(v))
			fd := (tc.ref(v+h) - tc.ref(v-h)) / (2 * h)
			found := false
			for e := b.RowStart[r]; e < b.RowStart[r+1]; e++ {
				if jac.Vars[b.Var[e]] == x {
					found = true
					if got := -b.Value[e]; math.Abs(got-fd) > 1e-7*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s'(%g) = %.12g, central difference %.12g", tc.name, v, got, fd)
					}
				}
			}
			if !found {
				t.Errorf("%s: row %d has no entry for x", tc.name, r)
			}
		}
	}
	// Bounds: y's bounds from x's hold f over the box, and are tight at its ends
	// where f is monotone there.
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		l := rng.Float64()*8 - 5
		u := l + rng.Float64()*4
		if trial%10 == 0 {
			l = math.Inf(-1)
		}
		for _, tc := range []struct {
			name string
			add  func(*nnopt.Container, *nnopt.Variable) (Output, error)
			f    func(float64) float64
		}{{"softplus", Softplus, softplus}, {"gelu", GELU, gelu}} {
			c := nnopt.NewContainer()
			x := c.NewVariable("x", nnopt.Free)
			x.Lo[0], x.Up[0] = l, u
			o, err := tc.add(c, x)
			if err != nil {
				t.Fatal(err)
			}
			lo, up := o.Var.Lo[0], o.Var.Up[0]
			for range 50 {
				v := u - rng.ExpFloat64()*(u-math.Max(l, u-40))
				if !math.IsInf(l, -1) {
					v = l + rng.Float64()*(u-l)
				}
				if y := tc.f(v); y < lo || y > up {
					t.Fatalf("%s over [%g, %g]: f(%g) = %g outside the bounds [%g, %g]", tc.name, l, u, v, y, lo, up)
				}
			}
			if tc.name == "softplus" && !math.IsInf(l, -1) && (lo != softplus(l) || up != softplus(u)) {
				t.Errorf("softplus over [%g, %g]: bounds [%g, %g], want [%g, %g]", l, u, lo, up, softplus(l), softplus(u))
			}
		}
	}
	// geluArgMin is GELU's minimum: its derivative Φ(x) + x·φ(x) vanishes there.
	d := 0.5*math.Erfc(-geluArgMin/math.Sqrt2) + geluArgMin*math.Exp(-geluArgMin*geluArgMin/2)/math.Sqrt(2*math.Pi)
	if math.Abs(d) > 1e-12 {
		t.Errorf("GELU'(%g) = %g, want 0", geluArgMin, d)
	}
}
