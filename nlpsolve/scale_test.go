package nlpsolve

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// diagonal is the block y = coef·x element-wise, a linear layer whose rows read one
// element each, so the norm of every row of its Jacobian in x is exactly |coef|.
type diagonal struct {
	coef    float64
	x, y, n int // variable blocks and rows
}

func (d *diagonal) Rows() int { return d.n }
func (d *diagonal) Eval(x [][]float64, r []float64) {
	for i := range r {
		r[i] = x[d.y][i] - d.coef*x[d.x][i]
	}
}
func (d *diagonal) JVP(v [][]float64, jv []float64) {
	for i := range jv {
		jv[i] = v[d.y][i] - d.coef*v[d.x][i]
	}
}
func (d *diagonal) VJP(w []float64, g [][]float64) {
	for i, wi := range w {
		g[d.y][i] += wi
		g[d.x][i] -= d.coef * wi
	}
}
func (d *diagonal) HVP(w, wdot []float64, v [][]float64, hv [][]float64) { d.VJP(wdot, hv) }

// sumSquares is f = Σ_b Σ_i (x_b,i - t_b,i)² over the listed blocks.
type sumSquares struct {
	blocks []int
	t      [][]float64
	f      int
}

func (q *sumSquares) Rows() int { return 1 }
func (q *sumSquares) Eval(x [][]float64, r []float64) {
	s := 0.0
	for k, b := range q.blocks {
		for i, v := range x[b] {
			s += (v - q.t[k][i]) * (v - q.t[k][i])
		}
	}
	r[0] = x[q.f][0] - s
}
func (q *sumSquares) JVP(v [][]float64, jv []float64) { panic("unused") }
func (q *sumSquares) VJP(w []float64, g [][]float64)  { panic("unused") }
func (q *sumSquares) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	panic("unused")
}

// TestBlockFactors checks ScaleAuto's factors on a model whose row norms are known
// exactly: block a moves its rows 8 times as much as block b, so a gets 1/8 and b
// keeps 1; a block no equation reads keeps 1.
func TestBlockFactors(t *testing.T) {
	const n = 6
	free := func(name string, size int) Variable {
		lo, up := make([]float64, size), make([]float64, size)
		for i := range lo {
			lo[i], up[i] = -inf, inf
		}
		return Variable{Name: name, Lo: lo, Up: up}
	}
	p := &Problem{
		Vars: []Variable{free("a", n), free("b", n), free("ya", n), free("yb", n), free("unused", 2), free("f", 1)},
		Equations: []Equation{
			{Name: "def_ya", Block: &diagonal{coef: -8, x: 0, y: 2, n: n}, Vars: []int{0, 2}, Defines: 2, Coef: 1},
			{Name: "def_yb", Block: &diagonal{coef: 1, x: 1, y: 3, n: n}, Vars: []int{1, 3}, Defines: 3, Coef: 1},
			{Name: "def_f", Block: &sumSquares{blocks: []int{2, 3}, t: [][]float64{make([]float64, n), make([]float64, n)}, f: 5}, Vars: []int{2, 3, 5}, Defines: 5, Coef: 1},
		},
		Objective: 5,
	}
	x0 := make([][]float64, len(p.Vars))
	for i, v := range p.Vars {
		x0[i] = make([]float64, v.Size())
	}
	st, err := analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	rf, err := newReduced(p, st, x0)
	if err != nil {
		t.Fatal(err)
	}
	rf.value(cpu.NewVector(st.n))
	got := rf.blockFactors()
	want := []float64{0.125, 1, 1} // segments a, b, unused
	if len(got) != len(want) {
		t.Fatalf("%d factors, want %d", len(got), len(want))
	}
	for j := range want {
		if got[j] != want[j] {
			t.Errorf("segment %q: factor %g, want %g", p.Vars[st.segs[j].vb].Name, got[j], want[j])
		}
	}
}

// TestScaledSolveSameOptimum solves the bounded quadratic of TestBoundedQuadraticKKT
// with wildly scaled variables and checks that the unscaled solution is the same.
func TestScaledSolveSameOptimum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 40
	a := randomSPD(rng, n)
	b := randomVec(rng, n)
	for i := range b {
		b[i] *= 3 * n
	}
	scales := make([]float64, n)
	for i := range scales {
		scales[i] = math.Pow(2, 4*rng.Float64()-2) // 0.25 to 4
	}
	solve := func(method Method, scale []float64, mode Scaling) []float64 {
		lo, up := make([]float64, n), make([]float64, n)
		for i := range lo {
			lo[i], up[i] = -1, 1
		}
		p := &Problem{
			Vars:      []Variable{{Name: "x", Lo: lo, Up: up, Scale: scale}, {Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}},
			Equations: []Equation{{Name: "def_f", Block: &quadratic{a: a, b: b}, Vars: []int{0, 1}, Defines: 1, Coef: 1}},
			Objective: 1,
		}
		res, err := Solve(context.Background(), p, [][]float64{make([]float64, n), {0}}, Settings{Method: method, Scaling: mode, GradientTolerance: 1e-5, IterationLimit: 2000})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != Optimal {
			t.Fatalf("%v, scaled %v: status %v after %d iterations", method, scale != nil, res.Status, res.Iterations)
		}
		for i, v := range res.X[0] {
			if v < lo[i] || v > up[i] {
				t.Fatalf("x[%d] = %g outside [-1, 1]", i, v)
			}
		}
		return res.X[0]
	}
	for _, method := range []Method{LBFGS, NewtonCG} {
		plain := solve(method, nil, ScaleUser)
		for _, mode := range []Scaling{ScaleUser, ScaleAuto} {
			scaled := solve(method, scales, mode)
			for i := range plain {
				if math.Abs(plain[i]-scaled[i]) > 1e-5 {
					t.Errorf("%v %v: x[%d] = %.9g scaled, %.9g unscaled", method, mode, i, scaled[i], plain[i])
				}
			}
		}
	}
}

func TestBadScale(t *testing.T) {
	for _, c := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		p := &Problem{
			Vars:      []Variable{{Name: "x", Lo: []float64{-1, -1}, Up: []float64{1, 1}, Scale: []float64{1, c}}, {Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}},
			Equations: []Equation{{Name: "def_f", Block: &quadratic{a: randomSPD(rand.New(rand.NewPCG(1, 2)), 2), b: []float64{1, 1}}, Vars: []int{0, 1}, Defines: 1, Coef: 1}},
			Objective: 1,
		}
		_, err := Solve(context.Background(), p, [][]float64{{0, 0}, {0}}, Settings{})
		if err == nil || !strings.Contains(err.Error(), `variable "x" element 1: scale`) {
			t.Errorf("scale %g: error %v, want it to name x element 1", c, err)
		}
	}
	p := &Problem{
		Vars:      []Variable{{Name: "x", Lo: []float64{-1, -1}, Up: []float64{1, 1}, Scale: []float64{1}}, {Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}},
		Equations: []Equation{{Name: "def_f", Block: &quadratic{a: randomSPD(rand.New(rand.NewPCG(1, 2)), 2), b: []float64{1, 1}}, Vars: []int{0, 1}, Defines: 1, Coef: 1}},
		Objective: 1,
	}
	if _, err := Solve(context.Background(), p, [][]float64{{0, 0}, {0}}, Settings{}); err == nil || !strings.Contains(err.Error(), "1 scales for 2 elements") {
		t.Errorf("short Scale: error %v", err)
	}
}
