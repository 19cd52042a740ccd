package nnopt

import (
	"github.com/nnopt/nnopt/internal/engine"
	"math"
	"math/rand/v2"
	"testing"
)

// derivCase builds an equation over random data; the block's JVP, VJP and HVP are
// checked against central finite differences of Eval.
type derivCase struct {
	name  string
	build func(c *Container) *Equation
}

func derivCases() []derivCase {
	return []derivCase{
		{"matmul-param", func(c *Container) *Equation {
			d := c.Dims(4, 3, 2)
			a := c.NewParameter("a", d[0], d[1])
			w := c.NewVariable("w", Free, d[1], d[2])
			z := c.NewVariable("z", Free, d[0], d[2])
			e := c.NewEquation("e", d[0], d[2])
			fillRand(a.Values, 1)
			must(e.Define(Eq(z, MatMul(a, w))))
			return e
		}},
		{"matmul-vars-transposed", func(c *Container) *Equation {
			i, k, j := c.NewSet("i", "1", "2", "3"), c.NewSet("k", "a", "b"), c.NewSet("j", "x", "y", "z", "w")
			a := c.NewVariable("a", Free, k, i) // k first: transposed operand
			b := c.NewVariable("b", Free, j, k) // k last: transposed operand
			e := c.NewEquation("e", i, j)
			must(e.Define(Eq(Sum(Mul(a, b), k), Const(0))))
			return e
		}},
		{"matmul-permuted", func(c *Container) *Equation {
			i, k, j, l := c.NewSet("i", "1", "2"), c.NewSet("k", "a", "b", "c"), c.NewSet("j", "x", "y"), c.NewSet("l", "p", "q")
			a := c.NewVariable("a", Free, i, k, l) // k in the middle: gathered
			b := c.NewVariable("b", Free, j, k, l)
			e := c.NewEquation("e", i, l, j)
			_ = b
			must(e.Define(Eq(Sum(Mul(a.At(i, k, l), Sqr(b.At(j, k, l))), k), Const(1))))
			return e
		}},
		{"tanh-sigmoid-exp-log-sqrt-power-sin", func(c *Container) *Equation {
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b")
			x := c.NewVariable("x", Free, i, j)
			y := c.NewVariable("y", Free, j)
			e := c.NewEquation("e", i, j)
			body := Add(Mul(Tanh(x), Sigmoid(y)), Div(Exp(Mul(Const(0.3), x)), Add(Const(3), Sqr(y))))
			body = Add(body, Log(Add(Const(4), Sqr(x))))
			body = Add(body, Sqrt(Add(Const(2), Sqr(y))))
			body = Add(body, Power(Add(Const(3), Sqr(x)), 1.5))
			body = Add(body, Sin(Mul(x, y)))
			must(e.Define(Eq(body, Neg(y))))
			return e
		}},
		{"cos-abs-max-min-pow", func(c *Container) *Equation {
			// Random points in (-1, 1) keep away from the kinks: Abs(x + 2) and
			// Abs(x - 3) have none, and Max/Min compare terms that differ by at least 1
			// (each picks its first operand once and its second once).
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b")
			x := c.NewVariable("x", Free, i, j)
			y := c.NewVariable("y", Free, j)
			e := c.NewEquation("e", i, j)
			body := Add(Mul(Cos(x), Abs(Add(x, Const(2)))), Mul(y, Abs(Sub(x, Const(3)))))
			body = Add(body, Mul(Max(Sqr(x), Add(y, Const(3))), Min(Mul(x, y), Sub(Const(-2), x))))
			body = Add(body, Mul(Max(Add(Const(4), Sqr(y)), Mul(x, x)), Min(Sub(Const(-3), Sqr(y)), x)))
			body = Add(body, Pow(Add(Const(2), Sqr(x)), y))
			body = Add(body, Mul(Erf(Mul(x, y)), Const(0.5)))
			body = Add(body, Mul(Softplus(Sub(Mul(x, y), Const(1))), Const(0.25)))
			must(e.Define(Eq(body, Neg(y))))
			return e
		}},
		{"lag-lead", func(c *Container) *Equation {
			t, j := c.NewSet("t", "1", "2", "3", "4"), c.NewSet("j", "a", "b")
			x := c.NewVariable("x", Free, t, j)
			u := c.NewVariable("u", Free, t)
			e := c.NewEquation("e", t, j)
			body := Add(Mul(x, Lag(x, t, 1)), Lead(Sqr(Add(u, x)), t, 2))
			body = Add(body, Lag(Sum(Mul(x, Lead(u, t, 1)), j), t, 3))
			must(e.Define(Eq(body, Lag(Tanh(u), t, -1))))
			return e
		}},
		{"sparse-data", func(c *Container) *Equation {
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b", "c", "d")
			a := c.NewSparseParameter("a", i, j)
			must(a.SetRecords([][]string{{"1", "b"}, {"2", "a"}, {"2", "d"}, {"3", "c"}}, []float64{0.5, -1.5, 2, 0.75}))
			x := c.NewVariable("x", Free, j)
			y := c.NewVariable("y", Free, i, j)
			e := c.NewEquation("e", i, j)
			body := Add(Mul(a, Sqr(Mul(x, y))), Div(Neg(a), Add(Const(2), Sqr(y))))
			body = Add(body, Mul(Exp(a), Sum(Mul(a, Tanh(y)), j)))
			must(e.Define(Eq(body, Lag(Mul(a, x), i, 1))))
			return e
		}},
		{"logsumexp-where-sum", func(c *Container) *Equation {
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b", "c", "d")
			k := c.NewAlias("k", j)
			sub := c.NewSubset("sub", i, j)
			must(sub.SetMembers([]int{0, 1}, []int{1, 3}, []int{2, 0}, []int{2, 2}))
			z := c.NewVariable("z", Free, i, j)
			loss := c.NewVariable("loss", Free)
			e := c.NewEquation("e")
			must(e.Define(Eq(loss, SumIn(sub, Sub(z, LogSumExp(Mul(Const(3), z.At(i, k)), k))))))
			return e
		}},
		{"kernels", func(c *Container) *Equation {
			i, k, j := c.NewSet("i", "1", "2", "3"), c.NewSet("k", "a", "b"), c.NewSet("j", "x", "y")
			a, b := c.NewVariable("a", Free, i, k), c.NewVariable("b", Free, k, j)
			x := c.NewVariable("x", Free, j, i)
			e := c.NewEquation("e", i, j)
			must(e.Define(Eq(Mul(x.At(j, i), x.At(j, i)), Sub(Apply(matMulKernel{3, 2, 2}, []*Set{i, j}, a, b), Mul(Const(0.5), Apply(transposeKernel{2, 3}, []*Set{i, j}, x))))))
			return e
		}},
		{"broadcast-division", func(c *Container) *Equation {
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b")
			x := c.NewVariable("x", Free, i)
			y := c.NewVariable("y", Free, j)
			e := c.NewEquation("e", j, i)
			must(e.Define(Eq(Div(Mul(x, y), Add(Const(2), Sqr(Sub(x, y)))), Sum(Mul(x, x), i))))
			return e
		}},
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

var testRng = rand.New(rand.NewPCG(1, 2))

func fillRand(x []float64, scale float64) {
	for i := range x {
		x[i] = scale * (2*testRng.Float64() - 1)
	}
}

func TestBlockDerivativesMatchFiniteDifferences(t *testing.T) {
	for _, tc := range derivCases() {
		t.Run(tc.name, func(t *testing.T) {
			b, vars, _ := compileAlone(t, tc.build(NewContainer()))
			x, v := make([][]float64, len(vars)), make([][]float64, len(vars))
			for i, vr := range vars {
				x[i], v[i] = make([]float64, vr.Size()), make([]float64, vr.Size())
				fillRand(x[i], 1)
				fillRand(v[i], 1)
			}
			rows := b.Rows()
			w, wdot := make([]float64, rows), make([]float64, rows)
			fillRand(w, 1)
			fillRand(wdot, 1)
			r := make([]float64, rows)
			eval := func(h float64) []float64 {
				xp := make([][]float64, len(x))
				for i := range x {
					xp[i] = make([]float64, len(x[i]))
					for j := range x[i] {
						xp[i][j] = x[i][j] + h*v[i][j]
					}
				}
				out := make([]float64, rows)
				b.Eval(xp, out)
				return out
			}
			const h = 1e-5
			rp, rm := eval(h), eval(-h)
			b.Eval(x, r)
			jv := make([]float64, rows)
			b.JVP(v, jv)
			for i := range jv {
				fd := (rp[i] - rm[i]) / (2 * h)
				if !close(jv[i], fd, 1e-6) {
					t.Fatalf("JVP row %d: %g, finite difference %g", i, jv[i], fd)
				}
			}
			// VJP: wᵀ(J v) must equal (Jᵀw)·v.
			g := zeros(x)
			b.VJP(w, g)
			var lhs, rhs float64
			for i := range w {
				lhs += w[i] * jv[i]
			}
			for i := range g {
				for j := range g[i] {
					rhs += g[i][j] * v[i][j]
				}
			}
			if !close(lhs, rhs, 1e-9) {
				t.Fatalf("VJP: wᵀJv = %g, (Jᵀw)ᵀv = %g", lhs, rhs)
			}
			// HVP: ∇²(wᵀr)v + Jᵀwdot against the difference of VJPs along v.
			gp, gm := zeros(x), zeros(x)
			eval(h)
			shift := func(s float64) [][]float64 {
				xp := zeros(x)
				for i := range x {
					for j := range x[i] {
						xp[i][j] = x[i][j] + s*v[i][j]
					}
				}
				return xp
			}
			b.Eval(shift(h), r)
			b.VJP(w, gp)
			b.Eval(shift(-h), r)
			b.VJP(w, gm)
			gw := zeros(x)
			b.Eval(x, r)
			b.VJP(wdot, gw)
			hv := zeros(x)
			b.HVP(w, wdot, v, hv)
			for i := range hv {
				for j := range hv[i] {
					fd := (gp[i][j]-gm[i][j])/(2*h) + gw[i][j]
					if !close(hv[i][j], fd, 1e-6) {
						t.Fatalf("HVP %s[%d]: %g, finite difference %g", vars[i].name, j, hv[i][j], fd)
					}
				}
			}
			// In a Hessian sweep HVP follows a JVP along the same v and reuses its
			// tangents; along another v it must not.
			b.Eval(x, r)
			b.JVP(v, jv)
			swept := zeros(x)
			b.HVP(w, wdot, v, swept)
			b.JVP(shift(1), jv)
			other := zeros(x)
			b.HVP(w, wdot, v, other)
			for i := range hv {
				for j := range hv[i] {
					if !close(swept[i][j], hv[i][j], 1e-12) || !close(other[i][j], hv[i][j], 1e-12) {
						t.Fatalf("HVP %s[%d]: %g after a JVP along v, %g after one along another direction, %g alone", vars[i].name, j, swept[i][j], other[i][j], hv[i][j])
					}
				}
			}
			// A block may leave out the variable it defines: the others' adjoints
			// stay the same and the skipped block is not touched.
			for skip := range vars {
				b.Defines(skip)
				b.Eval(x, r)
				gs, hs := zeros(x), zeros(x)
				b.VJP(w, gs)
				b.HVP(w, wdot, v, hs)
				for i := range gs {
					for j := range gs[i] {
						wantG, wantH := g[i][j], hv[i][j]
						if i == skip {
							wantG, wantH = 0, 0
						}
						if !close(gs[i][j], wantG, 1e-12) || !close(hs[i][j], wantH, 1e-12) {
							t.Fatalf("skipping %s: %s[%d] VJP %g HVP %g, want %g and %g", vars[skip].name, vars[i].name, j, gs[i][j], hs[i][j], wantG, wantH)
						}
					}
				}
			}
			b.Defines(-1)
		})
	}
}

// compileAlone compiles e as a block of its own, its variables numbered in the
// order they appear.
func compileAlone(t *testing.T, e *Equation) (*engine.Block, []*Variable, map[*Variable]int) {
	t.Helper()
	var vars []*Variable
	index := map[*Variable]int{}
	walkRefs(Sub(e.def.lhs, e.def.rhs), func(v *Variable) {
		if _, ok := index[v]; !ok {
			index[v] = len(vars)
			vars = append(vars, v)
		}
	})
	tm := newTerms()
	b, _, err := tm.block(tm.compiler(vars, nil), e)
	if err != nil {
		t.Fatal(err)
	}
	return b, vars, index
}

func zeros(x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for i := range x {
		out[i] = make([]float64, len(x[i]))
	}
	return out
}

func close(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
