package openblas

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BenchmarkDgemm times the products of the reference network's training
// (784 inputs, 20 hidden units, 10 classes, batches of 500, 10000 samples)
// in gonum, in OpenBLAS as Load sets it up (single-threaded calls, large products
// split over goroutines), in one single-threaded call, and with OpenBLAS's own
// threads (one per CPU, no split); compare with benchstat -col /impl.
func BenchmarkDgemm(b *testing.B) {
	impl := loadOrSkip(b)
	for _, s := range []struct {
		name    string
		tA, tB  blas.Transpose
		m, n, k int
	}{
		{"NN_m500_n20_k784", blas.NoTrans, blas.NoTrans, 500, 20, 784},   // X(500×784)·W(784×20)
		{"NT_m500_n20_k784", blas.NoTrans, blas.Trans, 500, 20, 784},     // X(500×784)·Wᵀ, W 20×784
		{"TN_m20_n784_k500", blas.Trans, blas.NoTrans, 20, 784, 500},     // Gᵀ·X, G 500×20: weight gradient
		{"NT_m10000_n20_k784", blas.NoTrans, blas.Trans, 10000, 20, 784}, // whole data set forward
		{"NN_m500_n10_k20", blas.NoTrans, blas.NoTrans, 500, 10, 20},     // H(500×20)·V(20×10): tiny
	} {
		for _, bi := range []struct {
			name           string
			impl           blas.Float64
			threads, parts int // 0: as Load set them
		}{{"gonum", gonum.Implementation{}, 0, 0}, {"openblas", impl, 0, 0}, {"openblas-1call", impl, 1, 1},
			{"openblas-threads", impl, runtime.NumCPU(), 1}} {
			b.Run(fmt.Sprintf("shape=%s/impl=%s", s.name, bi.name), func(b *testing.B) {
				if bi.threads > 0 {
					defer impl.SetThreads(impl.Threads())
					defer impl.SetParts(impl.Parts())
					impl.SetThreads(bi.threads)
					impl.SetParts(bi.parts)
				}
				benchDgemm(b, s.tA, s.tB, s.m, s.n, s.k, bi.impl.Dgemm)
			})
		}
	}
}

// BenchmarkDgemmThreshold compares gonum with a direct OpenBLAS call, which
// bypasses minGemmWork, on products around that threshold.
func BenchmarkDgemmThreshold(b *testing.B) {
	impl := loadOrSkip(b)
	direct := func(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
		impl.dgemm(cblasRowMajor, cblasTranspose(tA), cblasTranspose(tB), int32(m), int32(n), int32(k),
			alpha, &a[0], int32(lda), &b[0], int32(ldb), beta, &c[0], int32(ldc))
	}
	for _, size := range [][3]int{{8, 8, 8}, {10, 10, 10}, {12, 12, 12}, {14, 14, 14}, {16, 16, 16}, {32, 32, 32}, {4, 100, 4}, {100, 4, 4}, {20, 10, 10}} {
		m, n, k := size[0], size[1], size[2]
		for _, bi := range []struct {
			name string
			f    dgemmFunc
		}{{"gonum", gonum.Implementation{}.Dgemm}, {"openblas", direct}} {
			b.Run(fmt.Sprintf("m=%d,n=%d,k=%d/impl=%s", m, n, k, bi.name), func(b *testing.B) {
				benchDgemm(b, blas.NoTrans, blas.NoTrans, m, n, k, bi.f)
			})
		}
	}
}

// BenchmarkDgemvThreshold compares gonum with a direct OpenBLAS call, which
// bypasses minGemvWork, on square matrices around that threshold.
func BenchmarkDgemvThreshold(b *testing.B) {
	impl := loadOrSkip(b)
	direct := func(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
		impl.dgemv(cblasRowMajor, cblasTranspose(tA), int32(m), int32(n),
			alpha, &a[0], int32(lda), &x[0], int32(incX), beta, &y[0], int32(incY))
	}
	for _, n := range []int{64, 128, 192, 256, 384, 512, 1024} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, bi := range []struct {
				name string
				f    dgemvFunc
			}{{"gonum", gonum.Implementation{}.Dgemv}, {"openblas", direct}} {
				b.Run(fmt.Sprintf("%c/n=%d/impl=%s", tA, n, bi.name), func(b *testing.B) {
					rnd := rand.New(rand.NewPCG(1, 2))
					a, x, y := randomSlice(rnd, n*n), randomSlice(rnd, n), randomSlice(rnd, n)
					b.SetBytes(int64(8 * n * n))
					for b.Loop() {
						bi.f(tA, n, n, 1, a, n, x, 1, 0, y, 1)
					}
				})
			}
		}
	}
}

type (
	dgemmFunc func(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
	dgemvFunc func(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int)
)

func benchDgemm(b *testing.B, tA, tB blas.Transpose, m, n, k int, dgemm dgemmFunc) {
	rnd := rand.New(rand.NewPCG(1, 2))
	lda, ldb := k, n
	if tA != blas.NoTrans {
		lda = m
	}
	if tB != blas.NoTrans {
		ldb = k
	}
	a, bm, c := randomSlice(rnd, m*k), randomSlice(rnd, k*n), make([]float64, m*n)
	for b.Loop() {
		dgemm(tA, tB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
