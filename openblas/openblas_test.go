package openblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// loadOrSkip skips the test when OpenBLAS is not installed, unless
// NNOPT_REQUIRE_OPENBLAS=1 says it must be (as in CI).
func loadOrSkip(tb testing.TB) *Implementation {
	tb.Helper()
	impl, err := Load()
	if err != nil {
		if os.Getenv("NNOPT_REQUIRE_OPENBLAS") == "1" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	return impl
}

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans}

func TestLoad(t *testing.T) {
	impl := loadOrSkip(t)
	t.Logf("path %s, threads %d, config %q", impl.Path(), impl.Threads(), impl.Config())
	if again, err := Load(); again != impl || err != nil {
		t.Errorf("second Load() = %p, %v; want %p, nil", again, err, impl)
	}
	n := impl.Threads()
	impl.SetThreads(1)
	if got := impl.Threads(); got != 1 {
		t.Errorf("Threads() after SetThreads(1) = %d", got)
	}
	impl.SetThreads(n)
}

func TestDgemm(t *testing.T) {
	impl := loadOrSkip(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, tA := range transposes {
		for _, tB := range transposes {
			for _, size := range [][3]int{{0, 5, 7}, {5, 0, 7}, {5, 7, 0}, {1, 1, 1}, {3, 4, 5}, {40, 50, 60}, {64, 33, 70}, {1, 100, 500}, {150, 130, 170}} {
				for _, pad := range []int{0, 3} {
					for _, alpha := range []float64{0, 1, -0.7} {
						for _, beta := range []float64{0, 1, 0.5} {
							m, n, k := size[0], size[1], size[2]
							name := fmt.Sprintf("%c%c/m=%d,n=%d,k=%d/pad=%d/alpha=%g,beta=%g", tA, tB, m, n, k, pad, alpha, beta)
							testDgemm(t, impl, rnd, name, tA, tB, m, n, k, pad, alpha, beta)
						}
					}
				}
			}
		}
	}
}

// TestDgemmParts checks products split over goroutines along rows and along columns
// of C, with part counts that do not divide the sides.
func TestDgemmParts(t *testing.T) {
	impl := loadOrSkip(t)
	defer impl.SetParts(impl.Parts())
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, parts := range []int{2, 3} {
		impl.SetParts(parts)
		for _, tA := range transposes {
			for _, tB := range transposes {
				for _, size := range [][3]int{{150, 70, 130}, {70, 151, 130}, {500, 20, 90}, {20, 301, 200}} {
					m, n, k := size[0], size[1], size[2]
					if impl.split(m, n, k) != parts {
						t.Fatalf("%dx%dx%d is not split into %d parts", m, n, k, parts)
					}
					name := fmt.Sprintf("parts=%d/%c%c/m=%d,n=%d,k=%d", parts, tA, tB, m, n, k)
					testDgemm(t, impl, rnd, name, tA, tB, m, n, k, 3, -0.7, 0.5)
				}
			}
		}
	}
}

func testDgemm(t *testing.T, impl *Implementation, rnd *rand.Rand, name string, tA, tB blas.Transpose, m, n, k, pad int, alpha, beta float64) {
	rowsA, colsA := m, k
	if tA != blas.NoTrans {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tB != blas.NoTrans {
		rowsB, colsB = n, k
	}
	lda, ldb, ldc := max(1, colsA)+pad, max(1, colsB)+pad, max(1, n)+pad
	a := randomSlice(rnd, max(0, (rowsA-1)*lda+colsA))
	b := randomSlice(rnd, max(0, (rowsB-1)*ldb+colsB))
	c := make([]float64, max(0, (m-1)*ldc+n))
	for i := range c {
		switch {
		case i%ldc >= n:
			c[i] = 1234.5 // padding, must stay untouched
		case beta == 0:
			c[i] = math.NaN() // must be overwritten, not scaled
		default:
			c[i] = rnd.Float64()*2 - 1
		}
	}
	want := append([]float64(nil), c...)
	gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	impl.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	checkClose(t, name, c, want)
}

func TestDgemv(t *testing.T) {
	impl := loadOrSkip(t)
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tA := range transposes {
		for _, size := range [][2]int{{0, 5}, {5, 0}, {1, 1}, {3, 5}, {70, 90}, {300, 250}, {1, 70000}} {
			for _, pad := range []int{0, 3} {
				for _, inc := range [][2]int{{1, 1}, {2, -1}, {-3, 2}} {
					for _, alpha := range []float64{0, 1, -0.7} {
						for _, beta := range []float64{0, 1, 0.5} {
							m, n := size[0], size[1]
							name := fmt.Sprintf("%c/m=%d,n=%d/pad=%d/incX=%d,incY=%d/alpha=%g,beta=%g", tA, m, n, pad, inc[0], inc[1], alpha, beta)
							testDgemv(t, impl, rnd, name, tA, m, n, pad, inc[0], inc[1], alpha, beta)
						}
					}
				}
			}
		}
	}
}

func testDgemv(t *testing.T, impl *Implementation, rnd *rand.Rand, name string, tA blas.Transpose, m, n, pad, incX, incY int, alpha, beta float64) {
	lenX, lenY := n, m
	if tA != blas.NoTrans {
		lenX, lenY = m, n
	}
	lda := max(1, n) + pad
	absY := max(incY, -incY)
	a := randomSlice(rnd, max(0, (m-1)*lda+n))
	x := randomSlice(rnd, max(0, 1+(lenX-1)*max(incX, -incX)))
	y := make([]float64, max(0, 1+(lenY-1)*absY))
	for i := range y {
		switch {
		case i%absY != 0:
			y[i] = 1234.5 // between strided elements, must stay untouched
		case beta == 0 && m > 0 && n > 0:
			y[i] = math.NaN() // must be overwritten, not scaled
		default:
			y[i] = rnd.Float64()*2 - 1
		}
	}
	want := append([]float64(nil), y...)
	gonum.Implementation{}.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, want, incY)
	impl.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
	checkClose(t, name, y, want)
}

// TestPanics checks that invalid arguments, on sizes that would run in
// OpenBLAS, panic with gonum's message instead of reaching C.
func TestPanics(t *testing.T) {
	impl := loadOrSkip(t)
	const s = 256 // s*s*s >= minGemmWork, s*s >= minGemvWork: OpenBLAS sizes
	buf := make([]float64, s*s)
	short := buf[:s*s-1]
	gemm := func(f func(blas.Transpose, blas.Transpose, int, int, int, float64, []float64, int, []float64, int, float64, []float64, int)) map[string]func() {
		return map[string]func(){
			"badTransA": func() { f('X', blas.NoTrans, s, s, s, 1, buf, s, buf, s, 0, buf, s) },
			"badTransB": func() { f(blas.NoTrans, 'X', s, s, s, 1, buf, s, buf, s, 0, buf, s) },
			"m<0":       func() { f(blas.NoTrans, blas.NoTrans, -s, -s, s, 1, buf, s, buf, s, 0, buf, s) },
			"n<0":       func() { f(blas.NoTrans, blas.NoTrans, s, -s, -s, 1, buf, s, buf, s, 0, buf, s) },
			"k<0":       func() { f(blas.NoTrans, blas.NoTrans, s, s, -s, 1, buf, s, buf, s, 0, buf, s) },
			"lda":       func() { f(blas.NoTrans, blas.NoTrans, s, s, s, 1, buf, s-1, buf, s, 0, buf, s) },
			"ldaTrans":  func() { f(blas.Trans, blas.NoTrans, s, s, s/2, 1, buf, s-1, buf, s, 0, buf, s) },
			"ldb":       func() { f(blas.NoTrans, blas.NoTrans, s, s, s, 1, buf, s, buf, s-1, 0, buf, s) },
			"ldc":       func() { f(blas.NoTrans, blas.NoTrans, s, s, s, 1, buf, s, buf, s, 0, buf, s-1) },
			"shortA":    func() { f(blas.NoTrans, blas.NoTrans, s, s, s, 1, short, s, buf, s, 0, buf, s) },
			"shortB":    func() { f(blas.NoTrans, blas.Trans, s, s, s, 1, buf, s, short, s, 0, buf, s) },
			"shortC":    func() { f(blas.NoTrans, blas.NoTrans, s, s, s, 1, buf, s, buf, s, 0, short, s) },
		}
	}
	gemv := func(f func(blas.Transpose, int, int, float64, []float64, int, []float64, int, float64, []float64, int)) map[string]func() {
		return map[string]func(){
			"badTrans": func() { f('X', s, s, 1, buf, s, buf, 1, 0, buf, 1) },
			"m<0":      func() { f(blas.NoTrans, -s, -s, 1, buf, s, buf, 1, 0, buf, 1) },
			"lda":      func() { f(blas.NoTrans, s, s, 1, buf, s-1, buf, 1, 0, buf, 1) },
			"incX":     func() { f(blas.NoTrans, s, s, 1, buf, s, buf, 0, 0, buf, 1) },
			"incY":     func() { f(blas.NoTrans, s, s, 1, buf, s, buf, 1, 0, buf, 0) },
			"shortX":   func() { f(blas.NoTrans, s, s, 1, buf, s, buf[:s-1], 1, 0, buf, 1) },
			"shortY":   func() { f(blas.Trans, s, s, 1, buf, s, buf, 1, 0, buf, 2*s) },
			"shortA":   func() { f(blas.NoTrans, s, s, 1, short, s, buf, 1, 0, buf, 1) },
		}
	}
	var ref gonum.Implementation
	for _, test := range []struct {
		routine   string
		got, want map[string]func()
	}{
		{"Dgemm", gemm(impl.Dgemm), gemm(ref.Dgemm)},
		{"Dgemv", gemv(impl.Dgemv), gemv(ref.Dgemv)},
	} {
		for name, call := range test.got {
			got, want := panicValue(call), panicValue(test.want[name])
			if want == nil || got != want {
				t.Errorf("%s %s: panic %v, want %v", test.routine, name, got, want)
			}
		}
	}
}

func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func randomSlice(rnd *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rnd.Float64()*2 - 1
	}
	return s
}

// checkClose reports elements that differ by more than 1e-12 relative to
// max(1, |want|); a NaN in got never matches.
func checkClose(t *testing.T, name string, got, want []float64) {
	t.Helper()
	for i := range want {
		if !(math.Abs(got[i]-want[i]) <= 1e-12*math.Max(1, math.Abs(want[i]))) {
			t.Errorf("%s: element %d = %v, want %v", name, i, got[i], want[i])
			return
		}
	}
}
