// Package backendtest is the conformance suite of nnopt's backends: it runs every
// operation of a backend.Backend on seeded data and compares the results with the CPU
// reference backend (gonum's BLAS), so that a device backend is checked op by op.
//
// Tolerances are relative to the size of the reference values (max |ref|, at least
// 1): exact data movement (copies, gathers, scatters into distinct positions, Const)
// must agree to the bit; arithmetic and transcendental formulas to 1e-14, which leaves
// room for a fused multiply-add and a device math library; sums whose order differs
// (Gemm, scatter-accumulation, Reduce) to 1e-12.
package backendtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"

	"github.com/nnopt/nnopt/backend"
)

// Tolerances, relative to max(1, max |reference|).
const (
	TolExact   = 0
	TolFormula = 1e-14
	TolSum     = 1e-12
)

// Run checks be against the CPU reference. Each operation is its own subtest.
func Run(t *testing.T, be backend.Backend) {
	ref := &backend.CPU{BLAS: gonum.Implementation{}, Label: "gonum"}
	t.Run("Memory", func(t *testing.T) { testMemory(t, be) })
	t.Run("Gemm", func(t *testing.T) { testGemm(t, be, ref) })
	t.Run("Formula", func(t *testing.T) { testFormula(t, be) })
	t.Run("Map", func(t *testing.T) { testMap(t, be, ref) })
	t.Run("Reduce", func(t *testing.T) { testReduce(t, be, ref) })
	t.Run("ReduceAll", func(t *testing.T) { testReduceAll(t, be) })
	if err := be.Err(); err != nil {
		t.Errorf("%s: Err after the suite: %v", be.Name(), err)
	}
}

// reporter is the part of testing.T the checks use, so that the suite's own tests
// can watch it fail.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// compare reports the first element of got that differs from want by more than tol
// relative to max(1, max |want|) over the finite wants; infinities must match.
func compare(t reporter, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := 1.0
	for _, w := range want {
		if !math.IsInf(w, 0) {
			scale = math.Max(scale, math.Abs(w))
		}
	}
	for i := range want {
		g, w := got[i], want[i]
		if math.IsNaN(w) != math.IsNaN(g) || math.IsInf(w, 0) && g != w {
			t.Errorf("%s: element %d = %v, want %v", what, i, g, w)
			return
		}
		if math.IsNaN(w) || math.IsInf(w, 0) {
			continue
		}
		if d := math.Abs(g - w); d > tol*scale {
			t.Errorf("%s: element %d = %.17g, want %.17g (difference %.3g, tolerance %.3g)", what, i, g, w, d, tol*scale)
			return
		}
	}
}

func download(be backend.Backend, v backend.Vector) []float64 {
	out := make([]float64, v.Len())
	be.Download(out, v)
	return out
}

func upload(be backend.Backend, s []float64) backend.Vector {
	v := be.NewVector(len(s))
	be.Upload(v, s)
	return v
}

// pick returns n values drawn from vals.
func pick(rng *rand.Rand, n int, vals ...float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = vals[rng.IntN(len(vals))]
	}
	return s
}

func random(rng *rand.Rand, n int, lo, hi float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = lo + (hi-lo)*rng.Float64()
	}
	return s
}

func testMemory(t reporter, be backend.Backend) {
	for _, n := range []int{0, 1, 7, backend.SmallUpload, backend.SmallUpload + 1, 1000, 100003} {
		v := be.NewVector(n)
		if v.Len() != n {
			t.Fatalf("NewVector(%d).Len() = %d", n, v.Len())
		}
		compare(t, fmt.Sprintf("NewVector(%d)", n), download(be, v), make([]float64, n), TolExact)
		s := random(rand.New(rand.NewPCG(1, uint64(n))), n, -1e3, 1e3)
		be.Upload(v, s)
		compare(t, fmt.Sprintf("Upload/Download of %d", n), download(be, v), s, TolExact)
	}
	// An upload, small or not, lands between the operations around it.
	for _, n := range []int{5, backend.SmallUpload + 5} {
		v := be.NewVector(n)
		s := random(rand.New(rand.NewPCG(3, uint64(n))), n, -1, 1)
		be.Map(backend.Op{Code: backend.Const, P: 7}, n, backend.Out{V: v})
		be.Upload(v, s)
		be.Map(backend.Op{Code: backend.Scale, P: 2}, n, backend.Out{V: v}, backend.In{V: v})
		want := make([]float64, n)
		for i := range want {
			want[i] = 2 * s[i]
		}
		compare(t, fmt.Sprintf("Map, Upload of %d, Map", n), download(be, v), want, TolExact)
	}
	x := be.NewIndex([]int32{3, -1, 0})
	if x.Len() != 3 {
		t.Errorf("NewIndex of 3 positions: Len() = %d", x.Len())
	}
	testSlice(t, be)
}

// testSlice checks that a slice reads and writes its parent's memory in place, by
// Upload, Map and Gemm, and that a slice of a slice does too.
func testSlice(t reporter, be backend.Backend) {
	s := random(rand.New(rand.NewPCG(2, 3)), 12, -1, 1)
	v := upload(be, s)
	w := be.Slice(v, 3, 9)
	if w.Len() != 6 {
		t.Fatalf("Slice(v, 3, 9).Len() = %d", w.Len())
	}
	compare(t, "Download of Slice(v, 3, 9)", download(be, w), s[3:9], TolExact)
	want := slices.Clone(s)
	be.Upload(be.Slice(w, 1, 3), []float64{7, 8}) // v[4:6]
	want[4], want[5] = 7, 8
	be.Map(backend.Op{Code: backend.Scale, P: 2}, 2, backend.Out{V: be.Slice(v, 10, 12)}, backend.In{V: be.Slice(v, 0, 2)})
	want[10], want[11] = 2*s[0], 2*s[1]
	// The product of rows 0-1 and 2-3 of v viewed as 6×2, into row 4 of the same view.
	be.Gemm(false, true, 1, 2, 2, 1, be.Slice(v, 0, 2), be.Slice(v, 4, 8), 0, be.Slice(v, 8, 10))
	want[8] = want[0]*want[4] + want[1]*want[5]
	want[9] = want[0]*want[6] + want[1]*want[7]
	compare(t, "writes through slices", download(be, v), want, TolFormula)
	if e := be.Slice(v, 12, 12); e.Len() != 0 {
		t.Errorf("Slice(v, 12, 12).Len() = %d", e.Len())
	}
}

func testGemm(t reporter, be, ref backend.Backend) {
	rng := rand.New(rand.NewPCG(2, 2))
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 1, 33}, {1, 19, 4}, {64, 64, 64}, {500, 20, 784}, {500, 10, 20}, {20, 784, 500}, {4, 3, 0}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {2, 0.25}} {
					a, b := random(rng, m*k, -1, 1), random(rng, k*n, -1, 1)
					c := random(rng, m*n, -1, 1)
					if ab[1] == 0 {
						for i := range c {
							c[i] = math.NaN() // beta = 0 must not read c
						}
					}
					want := run(ref, func(be backend.Backend) backend.Vector {
						cv := upload(be, c)
						be.Gemm(ta, tb, m, n, k, ab[0], upload(be, a), upload(be, b), ab[1], cv)
						return cv
					})
					got := run(be, func(be backend.Backend) backend.Vector {
						cv := upload(be, c)
						be.Gemm(ta, tb, m, n, k, ab[0], upload(be, a), upload(be, b), ab[1], cv)
						return cv
					})
					compare(t, fmt.Sprintf("Gemm(ta=%v, tb=%v, %d×%d×%d, alpha=%g, beta=%g)", ta, tb, m, n, k, ab[0], ab[1]), got, want, TolSum)
				}
			}
		}
	}
}

func run(be backend.Backend, f func(backend.Backend) backend.Vector) []float64 {
	return download(be, f(be))
}

// domain returns arguments for which code is defined and well conditioned: positive
// where a logarithm, root, power or quotient needs it.
func domain(rng *rand.Rand, op backend.Op, arg, n int) []float64 {
	switch op.Code {
	case backend.Div:
		if arg == 1 {
			return random(rng, n, 0.5, 2)
		}
	case backend.DivTangent, backend.DivAdjoint:
		if arg == 2 {
			return random(rng, n, 0.5, 2)
		}
	case backend.DivCurvature:
		if arg == 4 {
			return random(rng, n, 0.5, 2)
		}
	case backend.AddLog:
		if arg == 1 {
			return random(rng, n, 0.1, 10)
		}
	case backend.FuncValue, backend.FuncTangent, backend.FuncCurvature:
		if arg == 0 && (op.Fn == backend.Log || op.Fn == backend.Sqrt || op.Fn == backend.Power) {
			return random(rng, n, 0.1, 4)
		}
	case backend.ProjGrad, backend.HoldAtBound, backend.BoundStep:
		// Few distinct values, so that points sit at their bounds, directions are
		// zero and bounds infinite often enough to take every branch.
		inf := math.Inf(1)
		lo, up := 2, 3 // the bounds' arguments
		switch op.Code {
		case backend.HoldAtBound:
			lo, up = 3, 4
			if arg == 1 {
				return pick(rng, n, 0, 0, 0.5)
			}
		}
		switch arg {
		case lo:
			return pick(rng, n, -1, 0, -inf)
		case up:
			return pick(rng, n, 1, 0, inf)
		case lo - 1:
			if op.Code != backend.BoundStep {
				return pick(rng, n, -1, 0, 1, 0.5) // the point
			}
			return pick(rng, n, -0.75, 0, 0.5) // BoundStep's direction
		}
		if op.Code == backend.BoundStep {
			return pick(rng, n, -1, 0, 1, 0.5) // its point
		}
		return pick(rng, n, -0.75, 0, 0.5) // the gradient or direction
	}
	return random(rng, n, -3, 3)
}

// testFormula checks Map element by element against backend.Formula, the
// definition of every code, so that the reference's own fast paths are checked too.
func testFormula(t reporter, be backend.Backend) {
	rng := rand.New(rand.NewPCG(5, 5))
	const n = 2049
	for _, oc := range ops() {
		args := make([][]float64, oc.op.Code.Arity())
		ins := make([]backend.In, len(args))
		for k := range args {
			args[k] = domain(rng, oc.op, k, n)
			ins[k] = backend.In{V: upload(be, args[k])}
		}
		want := make([]float64, n)
		x := make([]float64, len(args))
		for i := range want {
			for k := range args {
				x[k] = args[k][i]
			}
			want[i] = backend.Formula(oc.op, x)
		}
		out := be.NewVector(n)
		be.Map(oc.op, n, backend.Out{V: out}, ins...)
		compare(t, fmt.Sprintf("Map(%v/%v) against Formula", oc.op.Code, oc.op.Fn), download(be, out), want, oc.tol)
	}
}

// ops lists every code, once per function for the function codes, with the
// tolerance its results get.
func ops() []struct {
	op  backend.Op
	tol float64
} {
	var out []struct {
		op  backend.Op
		tol float64
	}
	add := func(op backend.Op, tol float64) {
		out = append(out, struct {
			op  backend.Op
			tol float64
		}{op, tol})
	}
	for _, c := range backend.Codes() {
		switch c {
		case backend.Const, backend.Copy:
			add(backend.Op{Code: c, P: 2.5}, TolExact)
		case backend.FuncValue, backend.FuncTangent, backend.FuncCurvature:
			for _, f := range backend.Funcs() {
				add(backend.Op{Code: c, Fn: f, P: 1.5}, TolFormula)
			}
		default:
			add(backend.Op{Code: c, P: -1.25}, TolFormula)
		}
	}
	return out
}

// arguments makes op's inputs in both backends: values from domain, and for the
// gathered case an index with repeats and negative positions.
func arguments(rng *rand.Rand, op backend.Op, n int, gathered bool, bes ...backend.Backend) [][]backend.In {
	ins := make([][]backend.In, len(bes))
	for k := range op.Code.Arity() {
		size := n
		var pos []int32
		if gathered && k%2 == 0 {
			size = n/3 + 1
			pos = make([]int32, n)
			for i := range pos {
				pos[i] = int32(rng.IntN(size))
				if i%11 == 5 {
					pos[i] = -1
				}
			}
		}
		vals := domain(rng, op, k, size)
		if pos != nil && vals[0] > 0 && slices.Min(vals) > 0 {
			// A padding position reads 0, outside this argument's domain.
			for i := range pos {
				pos[i] = max(pos[i], 0)
			}
		}
		for b, be := range bes {
			in := backend.In{V: upload(be, vals)}
			if pos != nil {
				in.At = be.NewIndex(pos)
			}
			ins[b] = append(ins[b], in)
		}
	}
	return ins
}

func testMap(t reporter, be, ref backend.Backend) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, oc := range ops() {
		for _, n := range []int{0, 1, 1000, 20001} {
			for _, gathered := range []bool{false, true} {
				for _, mode := range []backend.Mode{backend.Set, backend.Accumulate, backend.KeepMax} {
					for _, scattered := range []bool{false, true} {
						ins := arguments(rng, oc.op, n, gathered, ref, be)
						size := n
						var pos []int32
						if scattered {
							// Set needs distinct positions: a permutation with holes;
							// the others get repeats.
							size = n + n/7 + 1
							pos = make([]int32, n)
							perm := rng.Perm(size)
							for i := range pos {
								pos[i] = int32(perm[i])
								if mode != backend.Set {
									pos[i] = int32(rng.IntN(n/5 + 1))
								}
								if i%13 == 7 {
									pos[i] = -1
								}
							}
						}
						start := random(rng, size, -1, 1)
						results := make([][]float64, 2)
						for b, bk := range []backend.Backend{ref, be} {
							out := backend.Out{V: upload(bk, start), Mode: mode}
							if pos != nil {
								out.At = bk.NewIndex(pos)
							}
							bk.Map(oc.op, n, out, ins[b]...)
							results[b] = download(bk, out.V)
						}
						tol := oc.tol
						if scattered && mode == backend.Accumulate {
							tol = max(tol, TolSum)
						}
						what := fmt.Sprintf("Map(%v/%v, n=%d, gathered=%v, mode=%d, scattered=%v)", oc.op.Code, oc.op.Fn, n, gathered, mode, scattered)
						compare(t, what, results[1], results[0], tol)
					}
				}
			}
		}
	}
}

func testReduce(t reporter, be, ref backend.Backend) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, oc := range ops() {
		for _, n := range []int{0, 1, 999, 100000} {
			for _, gathered := range []bool{false, true} {
				ins := arguments(rng, oc.op, n, gathered, ref, be)
				for _, r := range backend.Reductions() {
					want := ref.Reduce(r, oc.op, n, ins[0]...)
					got := be.Reduce(r, oc.op, n, ins[1]...)
					what := fmt.Sprintf("Reduce(%d, %v/%v, n=%d, gathered=%v)", r, oc.op.Code, oc.op.Fn, n, gathered)
					if r != backend.Sum {
						compare(t, what, []float64{got}, []float64{want}, oc.tol)
						continue
					}
					// A sum's rounding depends on its order: measure it against the
					// sum of the magnitudes.
					vals := ref.NewVector(n)
					ref.Map(oc.op, n, backend.Out{V: vals}, ins[0]...)
					scale := 1.0
					for _, v := range download(ref, vals) {
						scale += math.Abs(v)
					}
					if d := math.Abs(got - want); d > TolSum*scale || math.IsNaN(got) != math.IsNaN(want) {
						t.Errorf("%s = %.17g, want %.17g (difference %.3g, tolerance %.3g)", what, got, want, d, TolSum*scale)
					}
				}
			}
		}
	}
}

// testReduceAll checks that ReduceAll gives, reduction for reduction, what Reduce
// gives on the same backend, for more reductions than one batch may hold, the
// empty ones among them.
func testReduceAll(t reporter, be backend.Backend) {
	rng := rand.New(rand.NewPCG(5, 5))
	x := upload(be, random(rng, 5000, -1, 1))
	y := upload(be, random(rng, 5000, -1, 1))
	var rs []backend.Reducing
	for k := 0; k < 70; k++ {
		n := []int{0, 1, 17, 5000}[k%4]
		op := backend.Op{Code: backend.Mul}
		in := []backend.In{{V: x}, {V: y}}
		if k%3 == 1 {
			op, in = backend.Op{Code: backend.Magnitude}, []backend.In{{V: y}}
		}
		rs = append(rs, backend.Reducing{R: backend.Reductions()[k%3], Op: op, N: n - k%5, In: in})
		if rs[k].N < 0 {
			rs[k].N = 0
		}
	}
	got := make([]float64, len(rs))
	be.ReduceAll(got, rs...)
	want := make([]float64, len(rs))
	for i, r := range rs {
		want[i] = be.Reduce(r.R, r.Op, r.N, r.In...)
	}
	compare(t, fmt.Sprintf("ReduceAll of %d reductions", len(rs)), got, want, TolExact)
}
