package nlpsolve

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// lbfgsMemory holds the most recent curvature pairs (s, y) in a ring.
type lbfgsMemory struct {
	s, y  [][]float64
	rho   []float64
	head  int
	count int
	alpha []float64
}

func (m *lbfgsMemory) init(size, n int) {
	m.s, m.y = make([][]float64, size), make([][]float64, size)
	for i := range m.s {
		m.s[i], m.y[i] = make([]float64, n), make([]float64, n)
	}
	m.rho, m.alpha = make([]float64, size), make([]float64, size)
}

func (m *lbfgsMemory) len() int { return m.count }
func (m *lbfgsMemory) reset()   { m.count, m.head = 0, 0 }

// update stores the pair from x0 to x1 when it has positive curvature; held elements
// (fixed at a bound throughout) are left out of y.
func (m *lbfgsMemory) update(x0, x1, g0, g1 []float64, held []bool) {
	k := m.head
	s, y := m.s[k], m.y[k]
	floats.SubTo(s, x1, x0)
	floats.SubTo(y, g1, g0)
	for i, h := range held {
		if h {
			y[i] = 0
		}
	}
	sy := floats.Dot(s, y)
	if sy <= 1e-12*floats.Dot(y, y) || sy <= 0 {
		return
	}
	m.rho[k] = 1 / sy
	m.head = (m.head + 1) % len(m.s)
	if m.count < len(m.s) {
		m.count++
	}
}

// direction stores -H·g in d by the two-loop recursion.
func (m *lbfgsMemory) direction(g, d []float64) {
	copy(d, g)
	n := len(m.s)
	for j := 0; j < m.count; j++ {
		k := (m.head - 1 - j + n) % n
		m.alpha[k] = m.rho[k] * floats.Dot(m.s[k], d)
		floats.AddScaled(d, -m.alpha[k], m.y[k])
	}
	if m.count > 0 {
		k := (m.head - 1 + n) % n
		floats.Scale(1/(m.rho[k]*floats.Dot(m.y[k], m.y[k])), d)
	}
	for j := m.count - 1; j >= 0; j-- {
		k := (m.head - 1 - j + n) % n
		beta := m.rho[k] * floats.Dot(m.y[k], d)
		floats.AddScaled(d, m.alpha[k]-beta, m.s[k])
	}
	floats.Scale(-1, d)
}

// newtonCG computes truncated Newton directions with conjugate gradients.
type newtonCG struct {
	r, p, hp, free []float64
	MaxInner       int
}

func newNewtonCG(n int) *newtonCG {
	return &newtonCG{r: make([]float64, n), p: make([]float64, n), hp: make([]float64, n), free: make([]float64, n), MaxInner: 250}
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
	tol := math.Min(0.5, math.Sqrt(gnorm)) * gnorm
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
