package formulations

// avgPool2dKernel is out[n,c,i,j] = Σ_a,b x[n,c, i·s+a-p, j·s+b-p] / (KH·KW), the
// padded zeros counted in the mean as in PyTorch's default.
type avgPool2dKernel struct {
	n, c int
	h, w window
	// offs[start[o]:start[o+1]] are the offsets within one input map of the values
	// output pixel o of a map averages; the same for every map, made once.
	offs, start []int32
	dev         onDevice[poolDevice]
}

func (k *avgPool2dKernel) Name() string { return "avg_pool2d" }

func (k *avgPool2dKernel) inMap() int  { return k.h.in * k.w.in }
func (k *avgPool2dKernel) outMap() int { return k.h.out * k.w.out }

func (k *avgPool2dKernel) Lens() (int, []int) {
	return k.n * k.c * k.outMap(), []int{k.n * k.c * k.inMap()}
}

// windows returns offs and start, making them on first use.
func (k *avgPool2dKernel) windows() (offs, start []int32) {
	if k.start != nil {
		return k.offs, k.start
	}
	start = make([]int32, 1, k.outMap()+1)
	for i := 0; i < k.h.out; i++ {
		for j := 0; j < k.w.out; j++ {
			for a := 0; a < k.h.k; a++ {
				r, rok := k.h.src(i, a)
				for b := 0; b < k.w.k; b++ {
					if s, sok := k.w.src(j, b); rok && sok {
						offs = append(offs, int32(r*k.w.in+s))
					}
				}
			}
			start = append(start, int32(len(offs)))
		}
	}
	k.offs, k.start = offs, start
	return offs, start
}

// eachTap calls fn for every output and input element inside its window.
func (k *avgPool2dKernel) eachTap(fn func(out, in int)) {
	offs, start := k.windows()
	in, out := k.inMap(), k.outMap()
	for m := 0; m < k.n*k.c; m++ {
		for o := 0; o < out; o++ {
			for _, off := range offs[start[o]:start[o+1]] {
				fn(m*out+o, m*in+int(off))
			}
		}
	}
}

func (k *avgPool2dKernel) scale() float64 { return 1 / float64(k.h.k*k.w.k) }

func (k *avgPool2dKernel) Apply(out []float64, args [][]float64) {
	offs, start := k.windows()
	x, f, in, om := args[0], k.scale(), k.inMap(), k.outMap()
	for m := 0; m < k.n*k.c; m++ {
		xm, ym := x[m*in:(m+1)*in], out[m*om:(m+1)*om]
		for o := range ym {
			s := 0.0
			for _, off := range offs[start[o]:start[o+1]] {
				s += xm[off]
			}
			ym[o] = f * s
		}
	}
}

func (k *avgPool2dKernel) Transpose(_ int, dst, adj []float64, _ [][]float64) {
	offs, start := k.windows()
	f, in, om := k.scale(), k.inMap(), k.outMap()
	for m := 0; m < k.n*k.c; m++ {
		dm, am := dst[m*in:(m+1)*in], adj[m*om:(m+1)*om]
		for o, a := range am {
			a *= f
			for _, off := range offs[start[o]:start[o+1]] {
				dm[off] += a
			}
		}
	}
}

func (k *avgPool2dKernel) Each(_ int, fn func(out, elem int)) { k.eachTap(fn) }

func (k *avgPool2dKernel) EachPair(int, int, func(int, int)) {}

func (k *avgPool2dKernel) JacobianCount(int) int { return k.n * k.c * k.h.taps() * k.w.taps() }
func (k *avgPool2dKernel) TouchedCount(int) int {
	return k.n * k.c * k.h.covered() * k.w.covered()
}
func (k *avgPool2dKernel) PairCount(int, int) int { return 0 }

// copyKernel is out = x element by element: a reshape (flatten) keeps the row-major
// layout, so only the index sets change.
type copyKernel struct{ size int }

func (copyKernel) Name() string { return "flatten" }

func (k copyKernel) Lens() (int, []int) { return k.size, []int{k.size} }

func (copyKernel) Apply(out []float64, args [][]float64) { copy(out, args[0]) }

func (copyKernel) Transpose(_ int, dst, adj []float64, _ [][]float64) {
	for i, v := range adj {
		dst[i] += v
	}
}

func (k copyKernel) Each(_ int, fn func(out, elem int)) {
	for i := 0; i < k.size; i++ {
		fn(i, i)
	}
}

func (copyKernel) EachPair(int, int, func(int, int)) {}
func (k copyKernel) JacobianCount(int) int           { return k.size }
func (k copyKernel) TouchedCount(int) int            { return k.size }
func (copyKernel) PairCount(int, int) int            { return 0 }
