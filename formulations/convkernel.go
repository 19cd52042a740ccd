package formulations

import (
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// conv2dKernel is the 2-d cross-correlation out[n,o,i,j] = Σ_c,a,b w[o,c,a,b] ·
// x[n,c, i·s+a-p, j·s+b-p] of an input x (N,C,H,W) with weights w (O,C,KH,KW), as an
// nnopt.Kernel with arguments (x, w). It runs as im2col and one GEMM over the batch.
type conv2dKernel struct {
	n, c, o int
	h, w    window
	cols    colCache
	// tapOffsets caches taps().
	tapOffsets []int32
	dev        onDevice[convDevice]
}

func (k *conv2dKernel) Name() string { return "conv2d" }

func (k *conv2dKernel) outLen() int    { return k.n * k.o * k.h.out * k.w.out }
func (k *conv2dKernel) inLen() int     { return k.n * k.c * k.h.in * k.w.in }
func (k *conv2dKernel) patch() int     { return k.c * k.h.k * k.w.k } // one row of im2col
func (k *conv2dKernel) pixels() int    { return k.h.out * k.w.out }   // output pixels per map
func (k *conv2dKernel) weightLen() int { return k.o * k.patch() }

func (k *conv2dKernel) Lens() (int, []int) {
	return k.outLen(), []int{k.inLen(), k.weightLen()}
}

// taps returns, for each (output pixel, patch entry) of one sample, the offset of
// the input value it reads within the sample, or -1 where the window leaves the
// input. It is the same for every sample and is made once.
func (k *conv2dKernel) taps() []int32 {
	if k.tapOffsets != nil {
		return k.tapOffsets
	}
	t := make([]int32, 0, k.pixels()*k.patch())
	for i := 0; i < k.h.out; i++ {
		for j := 0; j < k.w.out; j++ {
			for c := 0; c < k.c; c++ {
				for a := 0; a < k.h.k; a++ {
					r, rok := k.h.src(i, a)
					for b := 0; b < k.w.k; b++ {
						s, sok := k.w.src(j, b)
						off := int32(-1)
						if rok && sok {
							off = int32((c*k.h.in+r)*k.w.in + s)
						}
						t = append(t, off)
					}
				}
			}
		}
	}
	k.tapOffsets = t
	return t
}

// im2col writes, for each sample, one row per output pixel holding the input values
// the kernel multiplies there (zero where the window leaves the input).
func (k *conv2dKernel) im2col(col, x []float64) {
	taps, PQ, in := k.taps(), k.pixels()*k.patch(), k.c*k.h.in*k.w.in
	for n := 0; n < k.n; n++ {
		xn, cn := x[n*in:(n+1)*in], col[n*PQ:(n+1)*PQ]
		for t, off := range taps {
			if off >= 0 {
				cn[t] = xn[off]
			} else {
				cn[t] = 0
			}
		}
	}
}

// col2imAdd adds the rows of col back onto the input positions they came from.
func (k *conv2dKernel) col2imAdd(dst, col []float64) {
	taps, PQ, in := k.taps(), k.pixels()*k.patch(), k.c*k.h.in*k.w.in
	for n := 0; n < k.n; n++ {
		dn, cn := dst[n*in:(n+1)*in], col[n*PQ:(n+1)*PQ]
		for t, off := range taps {
			if off >= 0 {
				dn[off] += cn[t]
			}
		}
	}
}

func general(rows, cols int, d []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: d}
}

// The products below run over chunks of samples, with the im2col rows of a chunk
// stacked (samples·P rows of Q): few GEMMs instead of one per sample, each on a slice
// of the unrolled input small enough to stay in cache. Output and adjoint maps are
// laid out (N, O, P); the GEMMs want (N·P, O), so they pass through a transposed copy
// (N·O·P values, small next to the GEMM).

// chunkValues is the size of the im2col slice one GEMM reads: 256 KiB.
const chunkValues = 1 << 15

func (k *conv2dKernel) chunk() int { return max(1, chunkValues/(k.pixels()*k.patch())) }

func (k *conv2dKernel) Apply(out []float64, args [][]float64) {
	P, Q := k.pixels(), k.patch()
	col := k.cols.get(args[0], k.n*P*Q, k.im2col)
	// t (N·P × O) = col (N·P × Q) · wᵀ (Q × O)
	t := k.cols.mapScratch(k.n * P * k.o)
	for n0, step := 0, k.chunk(); n0 < k.n; n0 += step {
		n1 := min(n0+step, k.n)
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, general((n1-n0)*P, Q, col[n0*P*Q:n1*P*Q]), general(k.o, Q, args[1]), 0, general((n1-n0)*P, k.o, t[n0*P*k.o:n1*P*k.o]))
	}
	transposeSamples(out, t, k.n, P, k.o)
}

func (k *conv2dKernel) Transpose(i int, dst, adj []float64, args [][]float64) {
	P, Q := k.pixels(), k.patch()
	t := k.cols.mapScratch(k.n * P * k.o)
	transposeSamples(t, adj, k.n, k.o, P)
	if i == 1 {
		// dw (O×Q) += tᵀ (O × N·P) · col (N·P × Q)
		col := k.cols.get(args[0], k.n*P*Q, k.im2col)
		for n0, step := 0, k.chunk(); n0 < k.n; n0 += step {
			n1 := min(n0+step, k.n)
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, general((n1-n0)*P, k.o, t[n0*P*k.o:n1*P*k.o]), general((n1-n0)*P, Q, col[n0*P*Q:n1*P*Q]), 1, general(k.o, Q, dst))
		}
		return
	}
	// dcol (N·P × Q) = t (N·P × O) · w (O × Q), then back onto the input.
	dcol := k.cols.scratch(k.n * P * Q)
	for n0, step := 0, k.chunk(); n0 < k.n; n0 += step {
		n1 := min(n0+step, k.n)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general((n1-n0)*P, k.o, t[n0*P*k.o:n1*P*k.o]), general(k.o, Q, args[1]), 0, general((n1-n0)*P, Q, dcol[n0*P*Q:n1*P*Q]))
	}
	k.col2imAdd(dst, dcol)
}

// transposeSamples stores, for each of n samples, the transpose of src's r×c block
// in dst's c×r block: maps (O, P) to GEMM rows (P, O) and back.
func transposeSamples(dst, src []float64, n, r, c int) {
	for s := 0; s < n; s++ {
		d, m := dst[s*r*c:(s+1)*r*c], src[s*r*c:(s+1)*r*c]
		for i := 0; i < r; i++ {
			for j, v := range m[i*c : (i+1)*c] {
				d[j*r+i] = v
			}
		}
	}
}

// Each: output (n,o,i,j) depends on x[n,c,r,s] and w[o,c,a,b] for every tap inside.
func (k *conv2dKernel) Each(arg int, fn func(out, elem int)) {
	k.eachTap(func(out, xe, we int) {
		if arg == 0 {
			fn(out, xe)
		} else {
			fn(out, we)
		}
	})
}

func (k *conv2dKernel) EachPair(_, _ int, fn func(xe, we int)) {
	k.eachTap(func(_, xe, we int) { fn(xe, we) })
}

func (k *conv2dKernel) eachTap(fn func(out, xe, we int)) {
	for n := 0; n < k.n; n++ {
		for o := 0; o < k.o; o++ {
			for i := 0; i < k.h.out; i++ {
				for j := 0; j < k.w.out; j++ {
					out := ((n*k.o+o)*k.h.out+i)*k.w.out + j
					for c := 0; c < k.c; c++ {
						for a := 0; a < k.h.k; a++ {
							r, rok := k.h.src(i, a)
							for b := 0; b < k.w.k; b++ {
								if s, sok := k.w.src(j, b); rok && sok {
									fn(out, ((n*k.c+c)*k.h.in+r)*k.w.in+s, ((o*k.c+c)*k.h.k+a)*k.w.k+b)
								}
							}
						}
					}
				}
			}
		}
	}
}

// Every (output, tap) pair names one input and one weight element, and a weight meets
// each input element through at most one output: the three counts agree.
func (k *conv2dKernel) JacobianCount(int) int  { return k.n * k.o * k.c * k.h.taps() * k.w.taps() }
func (k *conv2dKernel) PairCount(int, int) int { return k.JacobianCount(0) }
func (k *conv2dKernel) TouchedCount(arg int) int {
	if arg == 0 {
		return k.n * k.c * k.h.covered() * k.w.covered()
	}
	return k.o * k.c * k.h.usedOffsets() * k.w.usedOffsets()
}

// colCache keeps the im2col of the last two inputs (the point and a tangent in a
// Hessian sweep), recognised by content, so a constant input is unrolled once.
type colCache struct {
	keys [2][]float64
	cols [2][]float64
	next int
	tmp  []float64
	maps []float64
}

func (cc *colCache) get(x []float64, size int, unroll func(col, x []float64)) []float64 {
	for s := range cc.keys {
		if cc.keys[s] != nil && slices.Equal(cc.keys[s], x) {
			return cc.cols[s]
		}
	}
	s := cc.next
	cc.next = 1 - cc.next
	if cc.cols[s] == nil {
		cc.cols[s] = make([]float64, size)
	}
	cc.keys[s] = append(cc.keys[s][:0], x...)
	unroll(cc.cols[s], x)
	return cc.cols[s]
}

// mapScratch is a second scratch buffer, for output maps in GEMM layout.
func (cc *colCache) mapScratch(size int) []float64 {
	if len(cc.maps) != size {
		cc.maps = make([]float64, size)
	}
	return cc.maps
}

func (cc *colCache) scratch(size int) []float64 {
	if len(cc.tmp) != size {
		cc.tmp = make([]float64, size)
	}
	return cc.tmp
}
