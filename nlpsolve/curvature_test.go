package nlpsolve

import (
	"context"
	"math"
	"strings"
	"testing"
)

// saddleQuartic is the block f = a² - b² + b⁴ defining f (variable 1) from
// x = (a, b) (variable 0): a saddle at the origin, minima at a = 0, b = ±1/√2
// with f = -1/4.
type saddleQuartic struct{ a, b float64 }

func (q *saddleQuartic) Rows() int { return 1 }
func (q *saddleQuartic) Eval(x [][]float64, r []float64) {
	q.a, q.b = x[0][0], x[0][1]
	r[0] = x[1][0] - (q.a*q.a - q.b*q.b + q.b*q.b*q.b*q.b)
}
func (q *saddleQuartic) grad() (float64, float64) {
	return -2 * q.a, 2*q.b - 4*q.b*q.b*q.b
}
func (q *saddleQuartic) JVP(v [][]float64, jv []float64) {
	ga, gb := q.grad()
	jv[0] = v[1][0] + ga*v[0][0] + gb*v[0][1]
}
func (q *saddleQuartic) VJP(w []float64, g [][]float64) {
	ga, gb := q.grad()
	g[1][0] += w[0]
	g[0][0] += w[0] * ga
	g[0][1] += w[0] * gb
}
func (q *saddleQuartic) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	ga, gb := q.grad()
	hv[0][0] += w[0]*-2*v[0][0] + wdot[0]*ga
	hv[0][1] += w[0]*(2-12*q.b*q.b)*v[0][1] + wdot[0]*gb
	hv[1][0] += wdot[0]
}

// TestTriangularSaddle: the triangular method minimising a² - b² + b⁴ from
// (1, 0). Both directions' first step lands on the saddle (0, 0) exactly, where
// the gradient is zero; the curvature check finds -2 along b and moves off, and
// the method goes on to a minimum, f = -1/4. Before it, the saddle was reported
// optimal.
func TestTriangularSaddle(t *testing.T) {
	for _, method := range []Method{LBFGS, NewtonCG} {
		t.Run(method.String(), func(t *testing.T) {
			p := &Problem{
				Vars:      []Variable{{Name: "x", Lo: []float64{-inf, -inf}, Up: []float64{inf, inf}}, {Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}},
				Equations: []Equation{{Name: "def_f", Block: &saddleQuartic{}, Vars: []int{0, 1}, Defines: 1, Coef: 1}},
				Objective: 1,
			}
			var log strings.Builder
			res, err := Solve(context.Background(), p, [][]float64{{1, 0}, {0}}, Settings{Method: method, Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			x := res.X[0]
			if res.Status != Optimal || math.Abs(res.Objective+0.25) > 1e-9 || math.Abs(math.Abs(x[1])-math.Sqrt(0.5)) > 1e-4 {
				t.Fatalf("%v at f = %g, x = %v after %d iterations; want optimal at (0, ±1/√2), f = -1/4\n%s", res.Status, res.Objective, x, res.Iterations, log.String())
			}
			if !strings.Contains(log.String(), "Negative curvature -2 ") {
				t.Errorf("no negative curvature move in the log\n%s", log.String())
			}
		})
	}
}
