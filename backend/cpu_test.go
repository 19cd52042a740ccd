package backend_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/backend/backendtest"
	"github.com/nnopt/nnopt/openblas"
)

// The suite compares against gonum's CPU backend, so the gonum run checks the suite
// itself (every comparison of a backend with itself must pass exactly) and the
// OpenBLAS run checks the second CPU backend.
func TestConformanceCPUGonum(t *testing.T) {
	backendtest.Run(t, &backend.CPU{BLAS: gonum.Implementation{}, Label: "gonum"})
}

func TestConformanceCPUOpenBLAS(t *testing.T) {
	impl, err := openblas.Load()
	if err != nil {
		t.Skipf("OpenBLAS not installed: %v", err)
	}
	backendtest.Run(t, &backend.CPU{BLAS: impl, Label: "openblas"})
}

func TestConformanceEmulated(t *testing.T) {
	backendtest.Run(t, &backendtest.Emulated{})
}

// TestCPUGemmVectorShapes checks the CPU backend's products with one row or one
// column, which take its matrix-vector path, against plain loops: the conformance
// suite's reference is the CPU backend itself, so it cannot see that path go wrong.
func TestCPUGemmVectorShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	shapes := [][3]int{{1, 1, 1}, {1, 1, 9}, {17, 1, 33}, {1, 19, 4}, {300, 1, 16}, {1, 300, 16}}
	for _, impl := range []struct {
		name string
		cpu  *backend.CPU
	}{{"gonum", &backend.CPU{BLAS: gonum.Implementation{}}}, {"gonum-threads", &backend.CPU{BLAS: gonum.Implementation{}, Threads: 2}}} {
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {2, 0.25}} {
						a, b, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
						for _, v := range [][]float64{a, b, c} {
							for i := range v {
								v[i] = 2*rng.Float64() - 1
							}
						}
						want := make([]float64, m*n)
						for i := range m {
							for j := range n {
								var sum float64
								for l := range k {
									ail, blj := a[i*k+l], b[l*n+j]
									if ta {
										ail = a[l*m+i]
									}
									if tb {
										blj = b[j*k+l]
									}
									sum += ail * blj
								}
								want[i*n+j] = ab[0]*sum + ab[1]*c[i*n+j]
							}
						}
						if ab[1] == 0 {
							for i := range c {
								c[i] = math.NaN() // beta = 0 must not read c
							}
						}
						impl.cpu.Gemm(ta, tb, m, n, k, ab[0], &backend.HostVector{Data: a}, &backend.HostVector{Data: b}, ab[1], &backend.HostVector{Data: c})
						for i := range want {
							if d := math.Abs(c[i] - want[i]); !(d <= 1e-12) {
								t.Fatalf("%s Gemm(ta=%v, tb=%v, %d×%d×%d, alpha=%g, beta=%g): c[%d] = %v, want %v",
									impl.name, ta, tb, m, n, k, ab[0], ab[1], i, c[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}
