package formulations

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
)

type convCase struct {
	n, c, o, h, w, k, stride int
	pad                      Padding
}

var convCases = []convCase{
	{2, 1, 2, 6, 6, 3, 1, Valid},
	{2, 2, 3, 7, 5, 3, 2, Pad(1)},
	{1, 2, 2, 5, 6, 4, 1, Same}, // even kernel: one more zero after than before
	{3, 3, 1, 4, 4, 2, 3, Pad(2)},
}

// naiveConv is the definition, one multiply-add at a time.
func naiveConv(tc convCase, x, w []float64) ([]float64, int, int) {
	lo, hi, _ := tc.pad.amounts(tc.k, tc.stride)
	oh := (tc.h+lo+hi-tc.k)/tc.stride + 1
	ow := (tc.w+lo+hi-tc.k)/tc.stride + 1
	out := make([]float64, tc.n*tc.o*oh*ow)
	for n := 0; n < tc.n; n++ {
		for o := 0; o < tc.o; o++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					var s float64
					for c := 0; c < tc.c; c++ {
						for a := 0; a < tc.k; a++ {
							for b := 0; b < tc.k; b++ {
								r, q := i*tc.stride+a-lo, j*tc.stride+b-lo
								if r >= 0 && r < tc.h && q >= 0 && q < tc.w {
									s += w[((o*tc.c+c)*tc.k+a)*tc.k+b] * x[((n*tc.c+c)*tc.h+r)*tc.w+q]
								}
							}
						}
					}
					out[((n*tc.o+o)*oh+i)*ow+j] = s
				}
			}
		}
	}
	return out, oh, ow
}

func random(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	return x
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestConv2dKernelMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range convCases {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			k, hw, err := Conv2dKernel(tc.n, tc.c, tc.o, tc.h, tc.w, tc.k, tc.stride, tc.pad)
			if err != nil {
				t.Fatal(err)
			}
			x, w := random(rng, tc.n*tc.c*tc.h*tc.w), random(rng, tc.o*tc.c*tc.k*tc.k)
			want, oh, ow := naiveConv(tc, x, w)
			if hw != [2]int{oh, ow} {
				t.Fatalf("output size %v, want %dx%d", hw, oh, ow)
			}
			got := make([]float64, len(want))
			k.Apply(got, [][]float64{x, w})
			// Twice: the second call reuses the unrolled input.
			k.Apply(got, [][]float64{x, w})
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Fatalf("out[%d] = %g, want %g", i, got[i], want[i])
				}
			}
			checkMultilinear(t, k, [][]float64{x, w}, rng)
		})
	}
}

func TestAvgPool2dKernelMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, tc := range []struct{ n, c, h, w, k, s, p int }{{2, 3, 6, 6, 2, 2, 0}, {1, 2, 7, 5, 3, 2, 1}, {2, 1, 5, 5, 3, 1, 0}} {
		k, hw, err := AvgPool2dKernel(tc.n, tc.c, tc.h, tc.w, tc.k, tc.s, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		// A pooling is a convolution of each channel with a constant kernel.
		x := random(rng, tc.n*tc.c*tc.h*tc.w)
		want, _, _ := naiveConv(convCase{tc.n * tc.c, 1, 1, tc.h, tc.w, tc.k, tc.s, Pad(tc.p)}, x, constant(tc.k*tc.k, 1/float64(tc.k*tc.k)))
		got := make([]float64, tc.n*tc.c*hw[0]*hw[1])
		k.Apply(got, [][]float64{x})
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("%+v: out[%d] = %g, want %g", tc, i, got[i], want[i])
			}
		}
		checkMultilinear(t, k, [][]float64{x}, rng)
	}
}

func constant(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// checkMultilinear checks Transpose as the adjoint of Apply in each argument, and the
// patterns and counts against the structure Apply shows on unit inputs.
func checkMultilinear(t *testing.T, k nnopt.Kernel, args [][]float64, rng *rand.Rand) {
	t.Helper()
	outLen, lens := k.Lens()
	w := random(rng, outLen)
	out := make([]float64, outLen)
	for i := range args {
		k.Apply(out, args)
		// Linear in argument i: f = J_i·args[i], so wᵀf = (J_iᵀw)·args[i].
		g := make([]float64, lens[i])
		k.Transpose(i, g, w, args)
		if lhs, rhs := dot(w, out), dot(g, args[i]); math.Abs(lhs-rhs) > 1e-10*math.Max(1, math.Abs(lhs)) {
			t.Errorf("argument %d: wᵀf = %g, (Jᵀw)ᵀx = %g", i, lhs, rhs)
		}
		// Pattern: with all other arguments at ones, unit element e reaches the
		// outputs it may change.
		want := map[[2]int]bool{}
		touched := map[int]bool{}
		probe := make([][]float64, len(args))
		for j := range args {
			probe[j] = constant(lens[j], 1)
		}
		for e := 0; e < lens[i]; e++ {
			probe[i] = make([]float64, lens[i])
			probe[i][e] = 1
			k.Apply(out, probe)
			for o, v := range out {
				if v != 0 {
					want[[2]int{o, e}] = true
					touched[e] = true
				}
			}
		}
		got := map[[2]int]bool{}
		k.Each(i, func(o, e int) { got[[2]int{o, e}] = true })
		if len(got) != len(want) {
			t.Errorf("argument %d: Each reports %d pairs, Apply shows %d", i, len(got), len(want))
		}
		for p := range want {
			if !got[p] {
				t.Errorf("argument %d: Each misses output %d, element %d", i, p[0], p[1])
				break
			}
		}
		if kc, ok := k.(nnopt.KernelCounter); ok {
			if kc.JacobianCount(i) != len(want) || kc.TouchedCount(i) != len(touched) {
				t.Errorf("argument %d: counts %d and %d, patterns %d and %d", i, kc.JacobianCount(i), kc.TouchedCount(i), len(want), len(touched))
			}
		}
	}
	if len(args) == 2 {
		pairs := map[[2]int]bool{}
		k.EachPair(0, 1, func(a, b int) { pairs[[2]int{a, b}] = true })
		// A pair multiplies: with both units in place some output is nonzero.
		n := 0
		for p := range pairs {
			u, v := make([]float64, lens[0]), make([]float64, lens[1])
			u[p[0]], v[p[1]] = 1, 1
			k.Apply(out, [][]float64{u, v})
			if dot(out, constant(outLen, 1)) == 0 {
				t.Fatalf("pair %v does not multiply", p)
			}
			n++
		}
		if kc, ok := k.(nnopt.KernelCounter); ok && kc.PairCount(0, 1) != n {
			t.Errorf("PairCount %d, EachPair reports %d", kc.PairCount(0, 1), n)
		}
	}
}
