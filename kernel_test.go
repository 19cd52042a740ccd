package nnopt

import (
	"github.com/nnopt/nnopt/internal/engine"
	"strings"
	"testing"
)

// matMulKernel is C = A·B for row-major A (m×k) and B (k×n): a bilinear kernel whose
// results and statistics must equal those of the generic MatMul expression.
type matMulKernel struct{ m, k, n int }

func (matMulKernel) Name() string { return "matmul" }

func (q matMulKernel) Lens() (int, []int) { return q.m * q.n, []int{q.m * q.k, q.k * q.n} }

func (q matMulKernel) Apply(out []float64, args [][]float64) {
	a, b := args[0], args[1]
	for i := 0; i < q.m; i++ {
		for j := 0; j < q.n; j++ {
			var s float64
			for p := 0; p < q.k; p++ {
				s += a[i*q.k+p] * b[p*q.n+j]
			}
			out[i*q.n+j] = s
		}
	}
}

func (q matMulKernel) Transpose(arg int, dst, w []float64, args [][]float64) {
	for i := 0; i < q.m; i++ {
		for j := 0; j < q.n; j++ {
			for p := 0; p < q.k; p++ {
				if arg == 0 {
					dst[i*q.k+p] += w[i*q.n+j] * args[1][p*q.n+j]
				} else {
					dst[p*q.n+j] += w[i*q.n+j] * args[0][i*q.k+p]
				}
			}
		}
	}
}

func (q matMulKernel) Each(arg int, fn func(out, elem int)) {
	for i := 0; i < q.m; i++ {
		for j := 0; j < q.n; j++ {
			for p := 0; p < q.k; p++ {
				if arg == 0 {
					fn(i*q.n+j, i*q.k+p)
				} else {
					fn(i*q.n+j, p*q.n+j)
				}
			}
		}
	}
}

func (q matMulKernel) EachPair(_, _ int, fn func(a, b int)) {
	for i := 0; i < q.m; i++ {
		for j := 0; j < q.n; j++ {
			for p := 0; p < q.k; p++ {
				fn(i*q.k+p, p*q.n+j)
			}
		}
	}
}

// countedMatMul adds the formulas.
type countedMatMul struct{ matMulKernel }

func (q countedMatMul) JacobianCount(int) int { return q.m * q.n * q.k }
func (q countedMatMul) TouchedCount(arg int) int {
	_, l := q.Lens()
	return l[arg]
}
func (q countedMatMul) PairCount(int, int) int { return q.m * q.n * q.k }

// transposeKernel is Y = Xᵀ for row-major X (r×c): a linear kernel with one argument.
type transposeKernel struct{ r, c int }

func (transposeKernel) Name() string { return "transpose" }

func (t transposeKernel) Lens() (int, []int) { return t.r * t.c, []int{t.r * t.c} }

func (t transposeKernel) Apply(out []float64, args [][]float64) {
	for i := 0; i < t.r; i++ {
		for j := 0; j < t.c; j++ {
			out[j*t.r+i] = args[0][i*t.c+j]
		}
	}
}

func (t transposeKernel) Transpose(_ int, dst, w []float64, _ [][]float64) {
	for i := 0; i < t.r; i++ {
		for j := 0; j < t.c; j++ {
			dst[i*t.c+j] += w[j*t.r+i]
		}
	}
}

func (t transposeKernel) Each(_ int, fn func(out, elem int)) {
	for i := 0; i < t.r; i++ {
		for j := 0; j < t.c; j++ {
			fn(j*t.r+i, i*t.c+j)
		}
	}
}

func (transposeKernel) EachPair(int, int, func(int, int)) {}

// kernelPair builds one model twice: with kernels (kernel = true) and with the generic
// expressions they stand for.
type kernelPair struct {
	name  string
	build func(c *Container, kernel bool) []*Equation
}

func kernelPairs() []kernelPair {
	return []kernelPair{
		{"bilinear", func(c *Container, kernel bool) []*Equation {
			i, k, j := c.NewSet("i", "1", "2", "3"), c.NewSet("k", "a", "b"), c.NewSet("j", "x", "y", "z", "w")
			a, b := c.NewVariable("a", Free, i, k), c.NewVariable("b", Free, k, j)
			z := c.NewVariable("z", Free, i, j)
			e := c.NewEquation("e", i, j)
			rhs := MatMul(a, b)
			if kernel {
				rhs = Apply(countedMatMul{matMulKernel{3, 2, 4}}, []*Set{i, j}, a, b)
			}
			must(e.Define(Eq(z, Sub(Mul(Const(2), rhs), Const(1)))))
			return []*Equation{e}
		}},
		{"parameter-broadcast-uncounted", func(c *Container, kernel bool) []*Equation {
			i, k, j, l := c.NewSet("i", "1", "2", "3"), c.NewSet("k", "a", "b"), c.NewSet("j", "x", "y"), c.NewSet("l", "p", "q")
			a := c.NewParameter("a", i, k)
			for n := range a.Values {
				a.Values[n] = 0.3*float64(n) - 0.7
			}
			b := c.NewVariable("b", Free, k, j)
			y := c.NewVariable("y", Free, l)
			e := c.NewEquation("e", i, l, j)
			rhs := MatMul(a, b)
			if kernel {
				rhs = Apply(matMulKernel{3, 2, 2}, []*Set{i, j}, a, b)
			}
			must(e.Define(Eq(Mul(y, y), rhs)))
			return []*Equation{e}
		}},
		{"mixed-occurrences", func(c *Container, kernel bool) []*Equation {
			i, k, j := c.NewSet("i", "1", "2", "3"), c.NewSet("k", "a", "b", "c"), c.NewSet("j", "x", "y")
			a, b := c.NewVariable("a", Free, i, k), c.NewVariable("b", Free, k, j)
			e := c.NewEquation("e", i, j)
			e2 := c.NewEquation("e2", k, j)
			rhs := MatMul(a, b)
			if kernel {
				rhs = Apply(countedMatMul{matMulKernel{3, 3, 2}}, []*Set{i, j}, a, b)
			}
			must(e.Define(Eq(Sum(Sqr(a), k), Neg(rhs))))
			// b·b from another equation shares the pair pattern with the kernel's a·b
			// only through b: counted by enumeration.
			must(e2.Define(Eq(Mul(b, Sum(a, i)), Const(0))))
			return []*Equation{e, e2}
		}},
		{"linear-one-argument", func(c *Container, kernel bool) []*Equation {
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b")
			x := c.NewVariable("x", Free, i, j)
			y := c.NewVariable("y", Free, j, i)
			e := c.NewEquation("e", j, i)
			rhs := x.At(i, j)
			if kernel {
				rhs = Apply(transposeKernel{3, 2}, []*Set{j, i}, x)
			}
			must(e.Define(Eq(y, Add(rhs, Tanh(y)))))
			return []*Equation{e}
		}},
	}
}

func compileAll(eqs []*Equation) ([]*engine.Block, [][]float64, []*Variable) {
	index := map[*Variable]int{}
	var vars []*Variable
	for _, e := range eqs {
		walkRefs(Sub(e.def.lhs, e.def.rhs), func(v *Variable) {
			if _, ok := index[v]; !ok {
				index[v] = len(vars)
				vars = append(vars, v)
			}
		})
	}
	var blocks []*engine.Block
	tm := newTerms()
	c := tm.compiler(vars, nil)
	for _, e := range eqs {
		b, _, err := tm.block(c, e)
		must(err)
		blocks = append(blocks, b)
	}
	x := make([][]float64, len(vars))
	for i, v := range vars {
		x[i] = make([]float64, v.Size())
	}
	return blocks, x, vars
}

// TestKernelMatchesGenericExpression checks a kernel's Eval, JVP, VJP, HVP and model
// statistics against the generic expression it stands for.
func TestKernelMatchesGenericExpression(t *testing.T) {
	for _, tc := range kernelPairs() {
		t.Run(tc.name, func(t *testing.T) {
			ck, cg := NewContainer(), NewContainer()
			ek := tc.build(ck, true)
			eg := tc.build(cg, false)
			bk, x, vk := compileAll(ek)
			bg, _, vg := compileAll(eg)
			if sk, sg := testStats(ek, vk), testStats(eg, vg); sk != sg {
				t.Errorf("statistics with kernels %+v, generic %+v", sk, sg)
			}
			v := zeros(x)
			for i := range x {
				fillRand(x[i], 1)
				fillRand(v[i], 1)
			}
			for q := range bk {
				rows := bk[q].Rows()
				w, wdot := make([]float64, rows), make([]float64, rows)
				fillRand(w, 1)
				fillRand(wdot, 1)
				results := func(b *engine.Block) [][]float64 {
					r, jv := make([]float64, rows), make([]float64, rows)
					b.Eval(x, r)
					b.JVP(v, jv)
					g, hv := zeros(x), zeros(x)
					b.VJP(w, g)
					b.HVP(w, wdot, v, hv)
					return append([][]float64{r, jv}, append(g, hv...)...)
				}
				got, want := results(bk[q]), results(bg[q])
				for i := range want {
					for j := range want[i] {
						if !close(got[i][j], want[i][j], 1e-12) {
							t.Fatalf("equation %d, result %d[%d]: kernel %g, generic %g", q, i, j, got[i][j], want[i][j])
						}
					}
				}
			}
		})
	}
}

func TestKernelErrors(t *testing.T) {
	c := NewContainer()
	i, k, j := c.NewSet("i", "1", "2"), c.NewSet("k", "a", "b"), c.NewSet("j", "x", "y")
	a, b := c.NewVariable("a", Free, i, k), c.NewVariable("b", Free, k, j)
	kern := matMulKernel{2, 2, 2}
	for _, tc := range []struct {
		rel  *Relation
		want string
	}{
		{Eq(a.At(i, k), Tanh(Apply(kern, []*Set{i, k}, a, b))), "kernel matmul must enter the equation linearly"},
		{Eq(a.At(i, k), Apply(kern, []*Set{i, k}, a)), "1 arguments, want 2"},
		{Eq(a.At(i, k), Apply(kern, []*Set{i}, a, b)), "hold 2 elements, the kernel makes 4"},
		{Eq(a.At(i, k), Apply(kern, []*Set{i, k}, Sqr(a), b)), "argument 0 is an expression"},
		{Eq(a.At(i, k), Apply(matMulKernel{2, 2, 3}, []*Set{i, c.NewSet("m", "1", "2", "3")}, a, b)), "argument 1, b(k,j), has 4 elements, want 6"},
	} {
		err := c.NewEquation(c.UniqueName("e"), i, k).Define(tc.rel)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to mention %q", err, tc.want)
		}
	}
}

// testStats are the statistics of eqs over vars, as a model's generation counts them.
func testStats(eqs []*Equation, vars []*Variable) Statistics {
	t := newTerms()
	specs := make([]engine.Equation, len(eqs))
	for i, e := range eqs {
		spec, err := t.equation(e)
		must(err)
		specs[i] = spec
	}
	syms := make([]*engine.Symbol, len(vars))
	for i, v := range vars {
		syms[i] = t.variable(v)
	}
	return engine.Stats(specs, syms)
}
