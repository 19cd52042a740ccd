package formulations

// avgPool2dKernel is out[n,c,i,j] = Σ_a,b x[n,c, i·s+a-p, j·s+b-p] / (KH·KW), the
// padded zeros counted in the mean as in PyTorch's default.
type avgPool2dKernel struct {
	n, c int
	h, w window
}

func (k *avgPool2dKernel) Name() string { return "avg_pool2d" }

func (k *avgPool2dKernel) Lens() (int, []int) {
	return k.n * k.c * k.h.out * k.w.out, []int{k.n * k.c * k.h.in * k.w.in}
}

// eachTap calls fn for every output and input element inside its window.
func (k *avgPool2dKernel) eachTap(fn func(out, in int)) {
	for m := 0; m < k.n*k.c; m++ {
		for i := 0; i < k.h.out; i++ {
			for j := 0; j < k.w.out; j++ {
				out := (m*k.h.out+i)*k.w.out + j
				for a := 0; a < k.h.k; a++ {
					r, rok := k.h.src(i, a)
					if !rok {
						continue
					}
					for b := 0; b < k.w.k; b++ {
						if s, ok := k.w.src(j, b); ok {
							fn(out, (m*k.h.in+r)*k.w.in+s)
						}
					}
				}
			}
		}
	}
}

func (k *avgPool2dKernel) scale() float64 { return 1 / float64(k.h.k*k.w.k) }

func (k *avgPool2dKernel) Apply(out []float64, args [][]float64) {
	x, f := args[0], k.scale()
	clear(out)
	k.eachTap(func(o, i int) { out[o] += x[i] })
	for i := range out {
		out[i] *= f
	}
}

func (k *avgPool2dKernel) Transpose(_ int, dst, adj []float64, _ [][]float64) {
	f := k.scale()
	k.eachTap(func(o, i int) { dst[i] += f * adj[o] })
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
