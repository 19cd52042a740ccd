package nlpsolve

import (
	"context"
	"math"
	"strings"
	"testing"
)

// negProduct is the block f = -x1·x2 defining f (variable 1) from x (variable 0,
// two elements).
type negProduct struct{ x [2]float64 }

func (b *negProduct) Rows() int { return 1 }
func (b *negProduct) Eval(x [][]float64, r []float64) {
	b.x = [2]float64{x[0][0], x[0][1]}
	r[0] = x[1][0] + b.x[0]*b.x[1]
}
func (b *negProduct) JVP(v [][]float64, jv []float64) {
	jv[0] = v[1][0] + b.x[1]*v[0][0] + b.x[0]*v[0][1]
}
func (b *negProduct) VJP(w []float64, g [][]float64) {
	g[1][0] += w[0]
	g[0][0] += w[0] * b.x[1]
	g[0][1] += w[0] * b.x[0]
}
func (b *negProduct) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	hv[0][0] += w[0]*v[0][1] + wdot[0]*b.x[1]
	hv[0][1] += w[0]*v[0][0] + wdot[0]*b.x[0]
	hv[1][0] += wdot[0]
}

// TestTriangularCorner: the triangular method minimising -x1·x2 on [0, 1]² from
// the origin, a corner where both variables sit on their lower bounds with zero
// derivatives (the projected gradient is zero): the corner probe moves both up,
// and the method goes on to the minimum (1, 1), f = -1. Before it, the start was
// reported optimal after 0 iterations.
func TestTriangularCorner(t *testing.T) {
	for _, method := range []Method{LBFGS, NewtonCG} {
		t.Run(method.String(), func(t *testing.T) {
			p := &Problem{
				Vars:      []Variable{{Name: "x", Lo: []float64{0, 0}, Up: []float64{1, 1}}, {Name: "f", Lo: []float64{-inf}, Up: []float64{inf}}},
				Equations: []Equation{{Name: "def_f", Block: &negProduct{}, Vars: []int{0, 1}, Defines: 1, Coef: 1}},
				Objective: 1,
			}
			var log strings.Builder
			res, err := Solve(context.Background(), p, [][]float64{{0, 0}, {0}}, Settings{Method: method, Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			x := res.X[0]
			if res.Status != Optimal || math.Abs(res.Objective+1) > 1e-9 || x[0] != 1 || x[1] != 1 {
				t.Fatalf("%v at f = %g, x = %v after %d iterations; want optimal at (1, 1), f = -1\n%s", res.Status, res.Objective, x, res.Iterations, log.String())
			}
			if !strings.Contains(log.String(), "Corner probe: releasing 2 variable(s)") {
				t.Errorf("no corner probe moving both variables in the log\n%s", log.String())
			}
		})
	}
}
