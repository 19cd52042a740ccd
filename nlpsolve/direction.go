package nlpsolve

import (
	"math"

	"github.com/nnopt/nnopt/backend"
)

// forcing is the relative residual at which CG stops. A constant, loose forcing term
// (rather than one that tightens as the gradient shrinks) gives the reference MLP the
// same outer iterations with a third of the Hessian products.
const forcing = 0.5

// newtonCG computes truncated Newton directions with conjugate gradients.
type newtonCG struct {
	r, p, hp, free backend.Vector
	hostFree       []float64
	MaxInner       int
}

func newNewtonCG(be backend.Backend, n int) *newtonCG {
	return &newtonCG{r: be.NewVector(n), p: be.NewVector(n), hp: be.NewVector(n), free: be.NewVector(n), MaxInner: 20}
}

// direction approximately solves H·d = -pg over the elements not held at a bound and
// returns the number of Hessian products used.
func (c *newtonCG) direction(o *optimizer, s, pg, d backend.Vector) (int, error) {
	v := o.vec
	bounded := o.bounds != nil
	if bounded {
		// The mask of free elements, computed on host copies once per direction.
		sh, pgh := v.host(s, &o.hs), v.host(pg, &o.hg)
		if cap(c.hostFree) < len(sh) {
			c.hostFree = make([]float64, len(sh))
		}
		free := c.hostFree[:len(sh)]
		if h, ok := c.free.(*backend.HostVector); ok {
			free = h.Data
		}
		for i := range free {
			free[i] = 1
			if pgh[i] == 0 && (sh[i] <= o.lo[i] || sh[i] >= o.up[i]) {
				free[i] = 0
			}
		}
		v.store(c.free, free)
	}
	v.zero(d)
	v.scaleTo(c.r, -1, pg)
	v.copyTo(c.p, c.r)
	rr := v.dot(c.r, c.r)
	gnorm := math.Sqrt(rr)
	tol := forcing * gnorm
	it := 0
	for it < c.MaxInner {
		if err := o.rf.hessVec(c.p, c.hp); err != nil {
			return it, err
		}
		it++
		if bounded {
			v.mulTo(c.hp, c.hp, c.free)
		}
		curv := v.dot(c.p, c.hp)
		if curv <= 1e-12*v.dot(c.p, c.p) {
			if it == 1 {
				v.copyTo(d, c.r) // negative curvature at once: steepest descent
			}
			break
		}
		a := rr / curv
		v.addScaled(d, a, c.p)
		v.addScaled(c.r, -a, c.hp)
		rrNew := v.dot(c.r, c.r)
		if math.Sqrt(rrNew) <= tol {
			break
		}
		v.axpyTo(c.p, c.r, rrNew/rr, c.p) // p = r + (rrNew/rr)·p
		rr = rrNew
	}
	return it, nil
}
