package formulations

import (
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// conv2dKernel is the 2-d cross-correlation out[n,o,i,j] = Σ_c,a,b w[o,c,a,b] ·
// x[n,c, i·s+a-p, j·s+b-p] of an input x (N,C,H,W) with weights w (O,C,KH,KW), as an
// nnopt.Kernel with arguments (x, w). It runs as im2col and one GEMM per sample.
type conv2dKernel struct {
	n, c, o int
	h, w    window
	cols    colCache
	// tapOffsets caches taps().
	tapOffsets []int32
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

func (k *conv2dKernel) Apply(out []float64, args [][]float64) {
	col := k.cols.get(args[0], k.n*k.pixels()*k.patch(), k.im2col)
	P, Q := k.pixels(), k.patch()
	w := general(k.o, Q, args[1])
	for n := 0; n < k.n; n++ {
		// out_n (O×P) = w (O×Q) · col_nᵀ (Q×P)
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, w, general(P, Q, col[n*P*Q:(n+1)*P*Q]), 0, general(k.o, P, out[n*k.o*P:(n+1)*k.o*P]))
	}
}

func (k *conv2dKernel) Transpose(i int, dst, adj []float64, args [][]float64) {
	P, Q := k.pixels(), k.patch()
	if i == 1 {
		// dw (O×Q) += Σ_n adj_n (O×P) · col_n (P×Q)
		col := k.cols.get(args[0], k.n*P*Q, k.im2col)
		d := general(k.o, Q, dst)
		for n := 0; n < k.n; n++ {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(k.o, P, adj[n*k.o*P:(n+1)*k.o*P]), general(P, Q, col[n*P*Q:(n+1)*P*Q]), 1, d)
		}
		return
	}
	// dcol_n (P×Q) = adj_nᵀ (P×O) · w (O×Q), then back onto the input.
	dcol := k.cols.scratch(k.n * P * Q)
	w := general(k.o, Q, args[1])
	for n := 0; n < k.n; n++ {
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(k.o, P, adj[n*k.o*P:(n+1)*k.o*P]), w, 0, general(P, Q, dcol[n*P*Q:(n+1)*P*Q]))
	}
	k.col2imAdd(dst, dcol)
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

func (cc *colCache) scratch(size int) []float64 {
	if len(cc.tmp) != size {
		cc.tmp = make([]float64, size)
	}
	return cc.tmp
}
