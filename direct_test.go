package nnopt

import (
	"testing"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// The direct sweeps of a defining equation (DefineOn, PullDefinedOn) must give what
// the residual sweeps give: the defined variable's value x[v] - r/coef, and the
// adjoint Jᵀ·w with w = -ḡ/coef. Equations of other forms must not claim them.
func TestDirectSweepsMatchResidualSweeps(t *testing.T) {
	for _, tc := range []struct {
		name   string
		build  func(c *Container) *Equation
		direct bool
	}{
		{"variable-first", func(c *Container) *Equation {
			d := c.Dims(4, 3, 2)
			a, w := c.NewParameter("a", d[0], d[1]), c.NewVariable("w", Free, d[1], d[2])
			b, z := c.NewVariable("b", Free, d[2]), c.NewVariable("z", Free, d[0], d[2])
			fillRand(a.Values, 1)
			e := c.NewEquation("e", d[0], d[2])
			must(e.Define(Eq(z, Add(MatMul(a, w), b))))
			return e
		}, true},
		{"variable-second", func(c *Container) *Equation {
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b")
			x, y := c.NewVariable("x", Free, i, j), c.NewVariable("y", Free, i, j)
			e := c.NewEquation("e", i, j)
			must(e.Define(Eq(Mul(Tanh(x), Sigmoid(x)), y)))
			return e
		}, true},
		{"scalar-sum", func(c *Container) *Equation {
			i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b", "c", "d")
			k := c.NewAlias("k", j)
			z, loss := c.NewVariable("z", Free, i, j), c.NewVariable("loss", Free)
			y := c.NewParameter("y", i, j)
			fillRand(y.Values, 1)
			e := c.NewEquation("e")
			must(e.Define(Eq(loss, Sum(Mul(y, Neg(Sub(z, LogSumExp(z.At(i, k), k)))), i, j))))
			return e
		}, true},
		{"scaled-variable", overI(func(x, y *Variable) *Relation { return Eq(Mul(Const(2), y), Exp(x)) }), false},
		{"copy-of-a-variable", overI(func(x, y *Variable) *Relation { return Eq(y, x) }), false},
		{"variable-inside-a-sum", overI(func(x, y *Variable) *Relation { return Eq(Add(y, Exp(x)), Const(1)) }), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.build(NewContainer())
			b, vars, index := compileAlone(t, e)
			tm := newTerms()
			spec, err := tm.equation(e)
			if err != nil {
				t.Fatal(err)
			}
			v, coef, ok := engine.DefinedVariable(&spec, map[*engine.Symbol]bool{})
			if !ok {
				t.Fatal("no defined variable")
			}
			vb := index[v.Handle.(*Variable)]
			b.Defines(vb)
			if got := b.Direct(vb, coef); got != tc.direct {
				t.Fatalf("Direct(%d, %g) = %v, want %v", vb, coef, got, tc.direct)
			}
			if !tc.direct {
				return
			}
			if b.Direct(vb, -coef) || b.Direct((vb+1)%len(vars), coef) {
				t.Error("Direct holds for another coefficient or variable")
			}
			x := make([][]float64, len(vars))
			for i, vr := range vars {
				x[i] = make([]float64, vr.Size())
				fillRand(x[i], 1)
			}
			wrap := func(s [][]float64) []backend.Vector {
				out := make([]backend.Vector, len(s))
				for i := range s {
					out[i] = backend.Wrap(s[i])
				}
				return out
			}
			// The residual sweep's value of v, then the direct one.
			r := make([]float64, b.Rows())
			b.EvalOn(wrap(x), backend.Wrap(r))
			want := append([]float64(nil), x[vb]...)
			for k := range want {
				want[k] -= r[k] / coef
			}
			xd := zeros(x)
			for i := range x {
				copy(xd[i], x[i])
			}
			b.DefineOn(wrap(xd))
			for i := range x {
				for k := range x[i] {
					w := x[i][k]
					if i == vb {
						w = want[k]
					}
					if !close(xd[i][k], w, 1e-13) {
						t.Fatalf("DefineOn: block %d element %d = %g, want %g", i, k, xd[i][k], w)
					}
				}
			}
			// A residual sweep after it still reads v: its residual is v - e, not 0.
			xd[vb][0] += 1
			moved := xd[vb][0]
			b.EvalOn(wrap(xd), backend.Wrap(r))
			if !close(r[0], coef, 1e-12) || xd[vb][0] != moved {
				t.Errorf("residual after DefineOn with v moved by 1: %g, want %g (v %g, was %g)", r[0], coef, xd[vb][0], moved)
			}
			b.EvalOn(wrap(x), backend.Wrap(r))

			// Adjoints: VJP with w = -ḡ/coef against the direct pullback of ḡ.
			gbar := make([]float64, vars[vb].Size())
			fillRand(gbar, 1)
			w := make([]float64, b.Rows())
			for k := range w {
				w[k] = -gbar[k] / coef
			}
			gRes, gDir := zeros(x), zeros(x)
			copy(gDir[vb], gbar)
			for i := range x {
				if i != vb {
					fillRand(gRes[i], 1) // accumulates onto what is there
					copy(gDir[i], gRes[i])
				}
			}
			b.VJPOn(backend.Wrap(w), wrap(gRes))
			b.PullDefinedOn(wrap(gDir))
			for i := range x {
				for k := range x[i] {
					want := gRes[i][k]
					if i == vb {
						want = gbar[k] // read, never cleared or changed
					}
					if !close(gDir[i][k], want, 1e-13) {
						t.Fatalf("PullDefinedOn: block %d element %d = %g, want %g", i, k, gDir[i][k], want)
					}
				}
			}
			// The residual sweeps work as before after the direct ones.
			g2 := zeros(x)
			b.VJPOn(backend.Wrap(w), wrap(g2))
			for i := range x {
				for k := range x[i] {
					if i != vb && !close(gRes[i][k]-g2[i][k], gDir[i][k]-g2[i][k], 1e-12) {
						t.Fatalf("VJPOn after PullDefinedOn: block %d element %d differs", i, k)
					}
				}
			}
		})
	}
}

// overI builds the equation rel(x, y) over one set i, for variables x and y over i.
func overI(rel func(x, y *Variable) *Relation) func(c *Container) *Equation {
	return func(c *Container) *Equation {
		i := c.NewSet("i", "1", "2", "3")
		x, y := c.NewVariable("x", Free, i), c.NewVariable("y", Free, i)
		e := c.NewEquation("e", i)
		must(e.Define(rel(x, y)))
		return e
	}
}
