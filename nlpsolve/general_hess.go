package nlpsolve

// hessWork is HessVec's work: the rows at x, the tangents of the variables and
// their adjoints, the rows' weights and their tangents.
type hessWork struct {
	hc          []float64
	dx, dbar    [][]float64
	dw, rw, tmp [][]float64
}

// HessVec implements grg.HessianProblem: hv = ∇²L(x)·v over the columns, with
// L = σ·sign·objective - Σ_i y_i·r_i the Lagrangian grg sees (r_i its rows),
// through the eliminated equations. It is forward-over-reverse, as the triangular
// method's reduced.hessVec: the forward sweep at x, the adjoint sweep of L (the
// rows' weights -y, then back through the eliminated equations), the tangent of
// the eliminated variables along v (one JVP per eliminated equation), and the
// tangent of the adjoint sweep (one HVP per equation, rows first, then the
// eliminated equations in reverse order). It costs about two evaluations.
func (g *general) HessVec(xc []float64, sigma float64, y, v, hv []float64) error {
	p := g.p
	if g.hw.hc == nil {
		g.hw.hc = make([]float64, g.m)
		g.hw.dx = make([][]float64, len(p.Vars))
		g.hw.dbar = make([][]float64, len(p.Vars))
		for vb := range p.Vars {
			g.hw.dx[vb] = make([]float64, p.Vars[vb].Size())
			g.hw.dbar[vb] = make([]float64, p.Vars[vb].Size())
		}
		g.hw.dw = make([][]float64, len(p.Equations))
		g.hw.rw = make([][]float64, len(p.Equations))
		g.hw.tmp = make([][]float64, len(p.Equations))
		for ei := range p.Equations {
			r := p.Equations[ei].Block.Rows()
			g.hw.dw[ei], g.hw.rw[ei], g.hw.tmp[ei] = make([]float64, r), make([]float64, r), make([]float64, r)
		}
	}
	if _, err := g.eval(xc, g.hw.hc, nil, nil); err != nil {
		return err
	}
	// The adjoint sweep of L.
	g.clearBar()
	g.bar[p.Objective][0] = sigma * g.sign
	for k := range g.gen {
		ge := &g.gen[k]
		w := g.hw.rw[ge.ei]
		for r, row := range ge.rows {
			w[r] = 0
			if row >= 0 {
				w[r] = -y[row]
			}
		}
		g.vjpRow(&p.Equations[ge.ei], w)
	}
	g.backward(g.elim)
	// The tangent of the eliminated variables along v.
	for vb := range p.Vars {
		clear(g.hw.dx[vb])
		clear(g.hw.dbar[vb])
	}
	for j, vj := range v {
		g.hw.dx[g.colVB[j]][g.colEl[j]] = vj
	}
	for _, ei := range g.elim {
		e := &p.Equations[ei]
		t := g.hw.tmp[ei]
		e.Block.JVP(g.hw.dx, t)
		d := g.hw.dx[e.Defines]
		for i, ti := range t {
			d[i] = -ti / e.Coef
		}
	}
	// The tangent of the adjoint sweep: the rows (their weights do not move), then
	// the eliminated equations, whose weights -bar/Coef move with dbar.
	for k := range g.gen {
		ge := &g.gen[k]
		e := &p.Equations[ge.ei]
		clear(g.hw.dw[ge.ei])
		e.Block.JVP(g.hw.dx, g.hw.tmp[ge.ei])
		e.Block.HVP(g.hw.rw[ge.ei], g.hw.dw[ge.ei], g.hw.dx, g.hw.dbar)
	}
	for k := len(g.elim) - 1; k >= 0; k-- {
		ei := g.elim[k]
		e := &p.Equations[ei]
		dw, db := g.hw.dw[ei], g.hw.dbar[e.Defines]
		for i := range dw {
			dw[i] = -db[i] / e.Coef
		}
		e.Block.HVP(g.w[ei], dw, g.hw.dx, g.hw.dbar)
	}
	for j := range hv {
		hv[j] = g.hw.dbar[g.colVB[j]][g.colEl[j]]
	}
	return nil
}

// HessVec implements grg.HessianProblem on the scaled point u: with x = c·u and
// rows r/d, the multipliers of the stated rows are y/d and the Hessian is C·H·C.
func (s *scaledGeneral) HessVec(u []float64, sigma float64, y, v, hv []float64) error {
	if s.hy == nil {
		s.hy, s.hv = make([]float64, len(s.rs)), make([]float64, len(s.cs))
	}
	for j, uj := range u {
		s.x[j] = uj * s.cs[j]
		s.hv[j] = v[j] * s.cs[j]
	}
	for i, yi := range y {
		s.hy[i] = yi / s.rs[i]
	}
	if err := s.g.HessVec(s.x, sigma*s.os, s.hy, s.hv, hv); err != nil {
		return err
	}
	for j := range hv {
		hv[j] *= s.cs[j]
	}
	return nil
}
