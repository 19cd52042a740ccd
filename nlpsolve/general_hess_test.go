package nlpsolve

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sqDef is the one-row block r = d - Σ a_j·x_j², which defines d (its first
// column) with the coefficient 1.
type sqDef struct {
	cols []col // d, then the x_j
	a    []float64
	x    []float64 // the x_j at the last Eval
}

func (s *sqDef) Rows() int      { return 1 }
func (s *sqDef) columns() []col { return s.cols }
func (s *sqDef) pattern() *Pattern {
	return buildPattern(s, false, func(int, int) bool { return true })
}

func (s *sqDef) Eval(x [][]float64, r []float64) {
	s.x = s.x[:0]
	d := s.cols[0]
	r[0] = x[d.vb][d.el]
	for j, c := range s.cols[1:] {
		v := x[c.vb][c.el]
		s.x = append(s.x, v)
		r[0] -= s.a[j] * v * v
	}
}

func (s *sqDef) JVP(v [][]float64, jv []float64) {
	d := s.cols[0]
	jv[0] = v[d.vb][d.el]
	for j, c := range s.cols[1:] {
		jv[0] -= 2 * s.a[j] * s.x[j] * v[c.vb][c.el]
	}
}

func (s *sqDef) VJP(w []float64, g [][]float64) {
	d := s.cols[0]
	g[d.vb][d.el] += w[0]
	for j, c := range s.cols[1:] {
		g[c.vb][c.el] -= 2 * s.a[j] * s.x[j] * w[0]
	}
}

func (s *sqDef) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	s.VJP(wdot, hv)
	for j, c := range s.cols[1:] {
		hv[c.vb][c.el] -= 2 * s.a[j] * w[0] * v[c.vb][c.el]
	}
}

// TestGeneralHessVec checks general.HessVec, through an eliminated nonlinear
// equation and a nonlinear row, against central differences of the Lagrangian's
// gradient σ∇f - Jᵀy from Eval, in phase 2 (σ = 1) and phase 1 (σ = 0), with and
// without user scales.
func TestGeneralHessVec(t *testing.T) {
	for _, scaled := range []bool{false, true} {
		m := newTestModel()
		x1 := m.variable("x1", -5, 5, 0.3)
		x2 := m.variable("x2", -5, 5, -0.7)
		x3 := m.variable("x3", -5, 5, 1.1)
		s := m.variable("s", negInf, posInf, 0)
		m.equation("sdef", Equal, &sqDef{cols: scalars(s, x1, x2), a: []float64{1, 3}})
		e := &m.p.Equations[len(m.p.Equations)-1]
		e.Defines, e.Coef = s, 1
		m.equation("disc", LessEqual, &ball{cols: scalars(x1, x2, x3), rhs: 4})
		m.equation("mix", GreaterEqual, &sqDef{cols: scalars(x3, s, x1), a: []float64{0.5, -2}})
		m.objective("f", true, []float64{1, 2, -1}, []int{s, x1, x3})
		if scaled {
			m.p.Vars[x1].Scale = []float64{2}
			m.p.Vars[x3].Scale = []float64{0.25}
			m.p.Equations[m.names["disc"]].Scale = []float64{3}
		}
		g, err := newGeneral(&m.p, m.pat, m.start(), map[int]bool{})
		if err != nil {
			t.Fatal(err)
		}
		if len(g.elim) != 2 {
			t.Fatalf("%d equations eliminated, want sdef and the objective's", len(g.elim))
		}
		type hessProblem interface {
			Eval(x, c, grad, jac []float64) (float64, error)
			HessVec(x []float64, sigma float64, y, v, hv []float64) error
		}
		var prob hessProblem = g
		if scaled {
			cs, rs := g.generalScales()
			prob = newScaledGeneral(g, cs, rs)
		}
		n := len(g.colVB)
		rng := rand.New(rand.NewPCG(1, 2))
		x := make([]float64, n)
		for j := range x {
			x[j] = m.x0[g.colVB[j]][g.colEl[j]]
		}
		lagGrad := func(x []float64, sigma float64, y []float64) []float64 {
			c, grad, jac := make([]float64, g.m), make([]float64, n), make([]float64, len(g.rowIdx))
			if _, err := prob.Eval(x, c, grad, jac); err != nil {
				t.Fatal(err)
			}
			for j := range grad {
				grad[j] *= sigma
				for k := g.colPtr[j]; k < g.colPtr[j+1]; k++ {
					grad[j] -= jac[k] * y[g.rowIdx[k]]
				}
			}
			return grad
		}
		for _, sigma := range []float64{1, 0} {
			y, v := make([]float64, g.m), make([]float64, n)
			for i := range y {
				y[i] = rng.NormFloat64()
			}
			for j := range v {
				v[j] = rng.NormFloat64()
			}
			hv := make([]float64, n)
			if err := prob.HessVec(x, sigma, y, v, hv); err != nil {
				t.Fatal(err)
			}
			const h = 1e-5
			xp, xm := make([]float64, n), make([]float64, n)
			for j := range x {
				xp[j], xm[j] = x[j]+h*v[j], x[j]-h*v[j]
			}
			gp, gm := lagGrad(xp, sigma, y), lagGrad(xm, sigma, y)
			for j := range hv {
				fd := (gp[j] - gm[j]) / (2 * h)
				if math.Abs(hv[j]-fd) > 1e-6*(1+math.Abs(fd)) {
					t.Errorf("scaled %v, σ = %g: HessVec[%d] = %g, central difference %g", scaled, sigma, j, hv[j], fd)
				}
			}
		}
	}
}
