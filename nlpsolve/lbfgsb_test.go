package nlpsolve

import (
	"context"
	"github.com/nnopt/nnopt/backend"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// randomSPD is A = QᵀQ + n·I for a random Q.
func randomSPD(rng *rand.Rand, n int) *mat.SymDense {
	q := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			q.Set(i, j, rng.NormFloat64())
		}
	}
	var a mat.SymDense
	a.SymOuterK(1, q.T())
	for i := 0; i < n; i++ {
		a.SetSym(i, i, a.At(i, i)+float64(n))
	}
	return &a
}

func randomVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// quadraticStep takes a random step s from x on the quadratic with Hessian a and
// returns it with the gradient change y = a·s and the new point and gradient.
func quadraticStep(rng *rand.Rand, a *mat.SymDense, x, g []float64) (s, y, x1, g1 []float64) {
	n := len(x)
	s = randomVec(rng, n)
	var yv mat.VecDense
	yv.MulVec(a, mat.NewVecDense(n, s))
	y = yv.RawVector().Data
	x1, g1 = make([]float64, n), make([]float64, n)
	floats.AddTo(x1, x, s)
	floats.AddTo(g1, g, y)
	return s, y, x1, g1
}

// bfgsDense applies the BFGS recursion from B₀ = θI to the given pairs.
func bfgsDense(n int, theta float64, s, y [][]float64) *mat.Dense {
	b := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		b.Set(i, i, theta)
	}
	for k := range s {
		sv, yv := mat.NewVecDense(n, s[k]), mat.NewVecDense(n, y[k])
		var bs mat.VecDense
		bs.MulVec(b, sv)
		sbs := mat.Dot(sv, &bs)
		var t1, t2 mat.Dense
		t1.Outer(1/sbs, &bs, &bs)
		t2.Outer(1/mat.Dot(yv, sv), yv, yv)
		b.Sub(b, &t1)
		b.Add(b, &t2)
	}
	return b
}

// TestCompactMatchesBFGS checks θI − W·M·Wᵀ against the BFGS recursion over the pairs
// the ring keeps, through several overflows of the ring.
func TestCompactMatchesBFGS(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, size = 9, 4
	a := randomSPD(rng, n)
	q := newCompactLBFGS(vecOps{cpu}, size, n)
	var ss, ys [][]float64
	x, g := make([]float64, n), make([]float64, n)
	for step := 0; step < 7; step++ {
		s, y, x1, g1 := quadraticStep(rng, a, x, g)
		if !q.update(backend.Wrap(x), backend.Wrap(x1), backend.Wrap(g), backend.Wrap(g1)) {
			t.Fatalf("step %d: a pair with positive curvature was rejected", step)
		}
		ss, ys = append(ss, s), append(ys, y)
		if len(ss) > size {
			ss, ys = ss[1:], ys[1:]
		}
		x, g = x1, g1
		last := len(ss) - 1
		theta := floats.Dot(ys[last], ys[last]) / floats.Dot(ss[last], ys[last])
		want := bfgsDense(n, theta, ss, ys)
		v := randomVec(rng, n)
		// B·v = θv − W·M·Wᵀv.
		q.onHost()
		k2 := 2 * q.len()
		wtv, mwtv, got, row := make([]float64, k2), make([]float64, k2), make([]float64, n), make([]float64, k2)
		for i := range v {
			q.wRow(i, row)
			floats.AddScaled(wtv, v[i], row)
		}
		q.mul(wtv, mwtv)
		q.w(mwtv, 0, backend.Wrap(got))
		for i := range got {
			got[i] = q.theta*v[i] - got[i]
		}
		var bv mat.VecDense
		bv.MulVec(want, mat.NewVecDense(n, v))
		if !floats.EqualApprox(got, bv.RawVector().Data, 1e-9*floats.Norm(got, math.Inf(1))) {
			t.Fatalf("step %d: compact B·v = %v, recursion %v", step, got, bv.RawVector().Data)
		}
	}
}

// TestBoxStepWithoutBoundsIsNewton checks that with no bound in reach the step is the
// quasi-Newton step −B⁻¹g, both the box step's (on the host) and direction's (on the
// optimizer's backend, for problems without bounds).
func TestBoxStepWithoutBoundsIsNewton(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 7
	a := randomSPD(rng, n)
	q := newCompactLBFGS(vecOps{cpu}, 5, n)
	var ss, ys [][]float64
	x, g := randomVec(rng, n), randomVec(rng, n)
	for step := 0; step < 3; step++ {
		s, y, x1, g1 := quadraticStep(rng, a, x, g)
		q.update(backend.Wrap(x), backend.Wrap(x1), backend.Wrap(g), backend.Wrap(g1))
		ss, ys = append(ss, s), append(ys, y)
		x, g = x1, g1
	}
	lo, up := make([]float64, n), make([]float64, n)
	for i := range lo {
		lo[i], up[i] = math.Inf(-1), math.Inf(1)
	}
	xbar := make([]float64, n)
	q.boxStep(x, g, lo, up, xbar)
	b := bfgsDense(n, q.theta, ss, ys)
	var d mat.VecDense
	if err := d.SolveVec(b, mat.NewVecDense(n, g)); err != nil {
		t.Fatal(err)
	}
	want := make([]float64, n)
	floats.SubTo(want, x, d.RawVector().Data)
	if !floats.EqualApprox(xbar, want, 1e-8) {
		t.Errorf("box step %v, want the Newton point %v", xbar, want)
	}
	dir := make([]float64, n)
	if !q.direction(backend.Wrap(g), backend.Wrap(dir)) {
		t.Fatal("direction: singular system")
	}
	floats.Add(dir, x)
	if !floats.EqualApprox(dir, want, 1e-8) {
		t.Errorf("x + direction = %v, want the Newton point %v", dir, want)
	}
}

// quadratic is the block f = ½xᵀAx − bᵀx defining f (variable 1) from x (variable 0).
type quadratic struct {
	a    *mat.SymDense
	b    []float64
	grad []float64 // Ax − b at the last Eval
}

func (qd *quadratic) Rows() int { return 1 }
func (qd *quadratic) Eval(x [][]float64, r []float64) {
	n := len(qd.b)
	xv := mat.NewVecDense(n, x[0])
	var ax mat.VecDense
	ax.MulVec(qd.a, xv)
	qd.grad = make([]float64, n)
	floats.SubTo(qd.grad, ax.RawVector().Data, qd.b)
	r[0] = x[1][0] - (0.5*floats.Dot(x[0], ax.RawVector().Data) - floats.Dot(qd.b, x[0]))
}
func (qd *quadratic) JVP(v [][]float64, jv []float64) { jv[0] = v[1][0] - floats.Dot(qd.grad, v[0]) }
func (qd *quadratic) VJP(w []float64, g [][]float64) {
	g[1][0] += w[0]
	floats.AddScaled(g[0], -w[0], qd.grad)
}
func (qd *quadratic) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	var av mat.VecDense
	av.MulVec(qd.a, mat.NewVecDense(len(qd.b), v[0]))
	floats.AddScaled(hv[0], -w[0], av.RawVector().Data)
	qd.VJP(wdot, hv)
}

// TestBoundedQuadraticKKT solves a strictly convex quadratic over a box whose
// unconstrained minimiser lies outside it, with both methods, and checks the KKT
// conditions, which identify the unique optimum.
func TestBoundedQuadraticKKT(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 40
	a := randomSPD(rng, n)
	b := randomVec(rng, n)
	floats.Scale(3*float64(n), b) // the unconstrained minimiser is far outside [-1, 1]
	for _, method := range []Method{LBFGS, NewtonCG} {
		t.Run(method.String(), func(t *testing.T) {
			lo, up := make([]float64, n), make([]float64, n)
			for i := range lo {
				lo[i], up[i] = -1, 1
			}
			qd := &quadratic{a: a, b: b}
			p := &Problem{
				Vars:      []Variable{{Name: "x", Lo: lo, Up: up}, {Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}},
				Equations: []Equation{{Name: "def_f", Block: qd, Vars: []int{0, 1}, Defines: 1, Coef: 1}},
				Objective: 1,
			}
			res, err := Solve(context.Background(), p, [][]float64{make([]float64, n), {0}}, Settings{Method: method, GradientTolerance: 1e-6, IterationLimit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != Optimal {
				t.Fatalf("status %v after %d iterations, RGmax %g, objective %g", res.Status, res.Iterations, res.RGmax, res.Objective)
			}
			x := res.X[0]
			var ax mat.VecDense
			ax.MulVec(a, mat.NewVecDense(n, x))
			active := 0
			for i := range x {
				gi := ax.AtVec(i) - b[i]
				switch {
				case x[i] < lo[i] || x[i] > up[i]:
					t.Fatalf("x[%d] = %g outside [-1, 1]", i, x[i])
				case x[i] == lo[i]:
					active++
					if gi < -1e-6 {
						t.Errorf("x[%d] at its lower bound with gradient %g < 0", i, gi)
					}
				case x[i] == up[i]:
					active++
					if gi > 1e-6 {
						t.Errorf("x[%d] at its upper bound with gradient %g > 0", i, gi)
					}
				default:
					if math.Abs(gi) > 1e-6 {
						t.Errorf("x[%d] = %g is free with gradient %g", i, x[i], gi)
					}
				}
			}
			if active == 0 {
				t.Fatal("no bound is active: the test does not exercise bounds")
			}
			t.Logf("%d active bounds, %d iterations, %d evaluations", active, res.Iterations, res.Evaluations)
		})
	}
}
