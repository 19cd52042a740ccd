package cuda

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/backend"
)

// openOrSkip returns the backend, skipping without a device unless
// NNOPT_REQUIRE_CUDA=1 says there must be one.
func openOrSkip(tb testing.TB) *Backend {
	tb.Helper()
	b, err := Open()
	if err != nil {
		if os.Getenv("NNOPT_REQUIRE_CUDA") == "1" {
			tb.Fatal(err)
		}
		tb.Skip("no CUDA device: " + err.Error())
	}
	return b
}

// near reports whether got agrees with want to tol relative to max(1, max |want|).
func near(got, want []float64, tol float64) (int, bool) {
	scale := 1.0
	for _, w := range want {
		if !math.IsInf(w, 0) && !math.IsNaN(w) {
			scale = math.Max(scale, math.Abs(w))
		}
	}
	for i, w := range want {
		g := got[i]
		if math.IsNaN(w) != math.IsNaN(g) || math.IsInf(w, 0) && g != w {
			return i, false
		}
		if !math.IsNaN(w) && !math.IsInf(w, 0) && math.Abs(g-w) > tol*scale {
			return i, false
		}
	}
	return 0, true
}

func TestGPUOpen(t *testing.T) {
	b := openOrSkip(t)
	t.Log(b.Name())
	if !strings.HasPrefix(b.Name(), "cuda (") || !strings.Contains(b.Name(), "sm_") {
		t.Errorf("Name() = %q", b.Name())
	}
	if again, err := Open(); again != b || err != nil {
		t.Errorf("second Open() = %p, %v; want %p, nil", again, err, b)
	}
	if err := Probe(); err != nil {
		t.Errorf("Probe() = %v after a successful Open", err)
	}
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestGPUOps checks every operation against the CPU backend: a short version of
// backendtest's suite that needs nothing outside this package.
func TestGPUOps(t *testing.T) {
	b := openOrSkip(t)
	cpu := &backend.CPU{}
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 0.1 + 1.9*rng.Float64()
		}
		return s
	}
	// pair holds the same data on both backends.
	type pair struct{ g, c backend.Vector }
	vec := func(s []float64) pair {
		g := b.NewVector(len(s))
		b.Upload(g, s)
		return pair{g, backend.Wrap(append([]float64(nil), s...))}
	}
	type ipair struct{ g, c backend.Index }
	idx := func(p []int32) ipair { return ipair{b.NewIndex(p), cpu.NewIndex(p)} }
	download := func(v backend.Vector) []float64 {
		out := make([]float64, v.Len())
		b.Download(out, v)
		return out
	}

	// Memory.
	for _, n := range []int{0, 1, 1000, 100003} {
		v := b.NewVector(n)
		if _, ok := near(download(v), make([]float64, n), 0); !ok {
			t.Errorf("NewVector(%d) is not zero", n)
		}
		s := random(n)
		b.Upload(v, s)
		if _, ok := near(download(v), s, 0); !ok {
			t.Errorf("Upload/Download of %d elements differ", n)
		}
		v.(*Vector).Free()
	}

	// Gemm, every transposition, k = 0 and beta = 0 over NaN.
	for _, s := range [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 1, 33}, {500, 20, 784}, {4, 3, 0}} {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, beta := range []float64{0, 0.5} {
					A, B, C := vec(random(m*k)), vec(random(k*n)), random(m*n)
					C[0] = math.NaN()
					Cp := vec(C)
					b.Gemm(ta, tb, m, n, k, 1.3, A.g, B.g, beta, Cp.g)
					cpu.Gemm(ta, tb, m, n, k, 1.3, A.c, B.c, beta, Cp.c)
					if i, ok := near(download(Cp.g), backend.Host(Cp.c), 1e-12); !ok {
						t.Errorf("Gemm %v %v %d×%d×%d beta %g: element %d differs", ta, tb, m, n, k, beta, i)
					}
				}
			}
		}
	}

	// Map: every code and function, plain and gathered arguments, every mode, plain
	// and scattered destinations; then Reduce of the same.
	const n = 3001
	var ops []backend.Op
	for _, c := range backend.Codes() {
		if c == backend.FuncValue || c == backend.FuncTangent || c == backend.FuncCurvature {
			for _, f := range backend.Funcs() {
				ops = append(ops, backend.Op{Code: c, Fn: f, P: 1.7})
			}
		} else {
			ops = append(ops, backend.Op{Code: c, P: -0.8})
		}
	}
	gather := make([]int32, n)
	for i := range gather {
		gather[i] = int32(rng.IntN(n / 2))
		if i%7 == 0 {
			gather[i] = -1
		}
	}
	scatterSet := make([]int32, n) // distinct positions
	for i, p := range rng.Perm(n + 10)[:n] {
		scatterSet[i] = int32(p)
		if i%11 == 0 {
			scatterSet[i] = -1
		}
	}
	scatterSum := make([]int32, n) // repeated positions
	for i := range scatterSum {
		scatterSum[i] = int32(rng.IntN(n / 3))
	}
	G, S, R := idx(gather), idx(scatterSet), idx(scatterSum)
	for _, op := range ops {
		for _, gathered := range []bool{false, true} {
			var gin, cin []backend.In
			for k := range op.Code.Arity() {
				if gathered && k%2 == 0 {
					v := vec(random(n / 2))
					gin, cin = append(gin, backend.In{V: v.g, At: G.g}), append(cin, backend.In{V: v.c, At: G.c})
				} else {
					v := vec(random(n))
					gin, cin = append(gin, backend.In{V: v.g}), append(cin, backend.In{V: v.c})
				}
			}
			for _, mode := range []backend.Mode{backend.Set, backend.Accumulate, backend.KeepMax} {
				for _, scattered := range []bool{false, true} {
					size, at := n, ipair{}
					if scattered && mode == backend.Set {
						size, at = n+10, S
					} else if scattered {
						size, at = n/3, R
					}
					out := vec(random(size))
					gout, cout := backend.Out{V: out.g, Mode: mode}, backend.Out{V: out.c, Mode: mode}
					if scattered {
						gout.At, cout.At = at.g, at.c
					}
					b.Map(op, n, gout, gin...)
					cpu.Map(op, n, cout, cin...)
					tol := 1e-14
					if scattered && mode == backend.Accumulate {
						tol = 1e-12
					}
					if i, ok := near(download(out.g), backend.Host(out.c), tol); !ok {
						t.Errorf("Map %v %v gathered %v mode %v scattered %v: element %d = %v, want %v", op.Code, op.Fn, gathered, mode, scattered, i, download(out.g)[i], backend.Host(out.c)[i])
					}
				}
			}
			for _, r := range []backend.Reduction{backend.Sum, backend.Largest} {
				got, want := b.Reduce(r, op, n, gin...), cpu.Reduce(r, op, n, cin...)
				if _, ok := near([]float64{got}, []float64{want}, 1e-12); !ok {
					t.Errorf("Reduce %v of %v %v gathered %v = %v, want %v", r, op.Code, op.Fn, gathered, got, want)
				}
			}
		}
	}
	one := vec([]float64{1, math.NaN(), 3})
	if got := b.Reduce(backend.Largest, backend.Op{Code: backend.Copy}, 3, backend.In{V: one.g}); !math.IsNaN(got) {
		t.Errorf("Largest over a NaN = %v, want NaN", got)
	}
	if got := b.Reduce(backend.Largest, backend.Op{Code: backend.Copy}, 0, backend.In{V: one.g}); !math.IsInf(got, -1) {
		t.Errorf("Largest of nothing = %v, want -Inf", got)
	}
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestGPUSticky checks that a failure is kept, reported by Err, and stops the work
// after it, on a backend of its own so that the shared one stays healthy.
func TestGPUSticky(t *testing.T) {
	openOrSkip(t)
	b, err := open()
	if err != nil {
		t.Fatal(err)
	}
	v := b.NewVector(3)
	huge := b.NewVector(1 << 50) // 8 PiB
	_ = huge
	err = b.Err()
	if err == nil || !strings.Contains(err.Error(), "cuMemAlloc") || errors.Is(err, backend.ErrUnavailable) {
		t.Fatalf("Err() after an impossible allocation = %v", err)
	}
	t.Log(err)
	out := []float64{1, 2, 3}
	b.Download(out, v)
	if !math.IsNaN(out[0]) {
		t.Errorf("Download after a failure = %v, want NaN", out)
	}
	if got := b.Reduce(backend.Sum, backend.Op{Code: backend.Copy}, 3, backend.In{V: v}); !math.IsNaN(got) {
		t.Errorf("Reduce after a failure = %v, want NaN", got)
	}
	if err2 := b.Err(); err2 != err {
		t.Errorf("Err() changed from %v to %v", err, err2)
	}
}

func TestGPUPanics(t *testing.T) {
	b := openOrSkip(t)
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("%s did not panic", name)
			} else if !strings.HasPrefix(fmt.Sprint(r), "backend:") {
				t.Errorf("%s panicked with %v, want a backend: message", name, r)
			}
		}()
		f()
	}
	v := b.NewVector(4)
	mustPanic("Upload of the wrong length", func() { b.Upload(v, make([]float64, 3)) })
	mustPanic("a CPU vector", func() { b.Upload(backend.Wrap(make([]float64, 4)), make([]float64, 4)) })
	mustPanic("Map over too many elements", func() { b.Map(backend.Op{Code: backend.Copy}, 5, backend.Out{V: v}, backend.In{V: v}) })
	mustPanic("Gemm too large", func() { b.Gemm(false, false, 2, 2, 2, 1, v, v, 0, b.NewVector(3)) })
	w := b.NewVector(2).(*Vector)
	w.Free()
	mustPanic("a freed vector", func() { b.Download(make([]float64, 2), w) })
}

func BenchmarkGPUGemm(bm *testing.B) {
	b := openOrSkip(bm)
	const m, k, n = 10000, 784, 20
	rng := rand.New(rand.NewPCG(1, 1))
	fill := func(size int) backend.Vector {
		s := make([]float64, size)
		for i := range s {
			s[i] = rng.Float64()
		}
		v := b.NewVector(size)
		b.Upload(v, s)
		return v
	}
	A, B, C := fill(m*k), fill(k*n), b.NewVector(m*n)
	if err := b.Err(); err != nil {
		bm.Fatal(err)
	}
	bm.ResetTimer()
	for range bm.N {
		b.Gemm(false, false, m, n, k, 1, A, B, 0, C)
	}
	if err := b.Err(); err != nil { // waits for the products
		bm.Fatal(err)
	}
	bm.ReportMetric(2*m*n*k*float64(bm.N)/bm.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkGPUMapTanh(bm *testing.B) {
	b := openOrSkip(bm)
	const n = 200000
	x, y := b.NewVector(n), b.NewVector(n)
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)/n*4 - 2
	}
	b.Upload(x, s)
	if err := b.Err(); err != nil {
		bm.Fatal(err)
	}
	op := backend.Op{Code: backend.FuncValue, Fn: backend.Tanh}
	bm.ResetTimer()
	for range bm.N {
		b.Map(op, n, backend.Out{V: y}, backend.In{V: x})
	}
	if err := b.Err(); err != nil {
		bm.Fatal(err)
	}
}
