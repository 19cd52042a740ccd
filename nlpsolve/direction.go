package nlpsolve

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// forcing is the relative residual at which CG stops. A constant, loose forcing term
// (rather than one that tightens as the gradient shrinks) gives the reference MLP the
// same outer iterations with a third of the Hessian products.
const forcing = 0.5

// newtonCG computes truncated Newton directions with conjugate gradients.
type newtonCG struct {
	r, p, hp, free []float64
	MaxInner       int
}

func newNewtonCG(n int) *newtonCG {
	return &newtonCG{r: make([]float64, n), p: make([]float64, n), hp: make([]float64, n), free: make([]float64, n), MaxInner: 20}
}

// direction approximately solves H·d = -pg over the elements not held at a bound and
// returns the number of Hessian products used.
func (c *newtonCG) direction(o *optimizer, s, pg, d []float64) (int, error) {
	for i := range s {
		c.free[i] = 1
		if pg[i] == 0 && (s[i] <= o.lo[i] || s[i] >= o.up[i]) {
			c.free[i] = 0
		}
	}
	clear(d)
	for i := range c.r {
		c.r[i] = -pg[i]
	}
	copy(c.p, c.r)
	rr := floats.Dot(c.r, c.r)
	gnorm := math.Sqrt(rr)
	tol := forcing * gnorm
	it := 0
	for it < c.MaxInner {
		if err := o.rf.hessVec(c.p, c.hp); err != nil {
			return it, err
		}
		it++
		floats.Mul(c.hp, c.free)
		curv := floats.Dot(c.p, c.hp)
		if curv <= 1e-12*floats.Dot(c.p, c.p) {
			if it == 1 {
				copy(d, c.r) // negative curvature at once: steepest descent
			}
			break
		}
		a := rr / curv
		floats.AddScaled(d, a, c.p)
		floats.AddScaled(c.r, -a, c.hp)
		rrNew := floats.Dot(c.r, c.r)
		if math.Sqrt(rrNew) <= tol {
			break
		}
		floats.Scale(rrNew/rr, c.p)
		floats.Add(c.p, c.r)
		rr = rrNew
	}
	return it, nil
}
