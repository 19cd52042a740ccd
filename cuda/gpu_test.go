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
