package nlpsolve

import (
	"fmt"
	"io"
	"math"
)

// KKTTolerance is the relative tolerance of the optimality check SolveGeneral
// makes before it reports Optimal: a stationarity, sign or complementarity
// violation is measured against KKTTolerance·max(1, ‖∇f‖∞, max_i |y_i|·‖∇r_i‖∞), so
// that the check means the same for objectives and rows in any units. (A
// GradientTolerance above KKTTolerance/10 widens it to 10·GradientTolerance.)
const KKTTolerance = 1e-6

// activeTolerance is how close to a bound (relative to 1+|bound|) a variable must
// be to count as on it; a row counts as active with a residual within g.rowTol,
// the threshold of NumInfeasibilities.
const activeTolerance = 1e-7

// kktViolation is the worst violation of the first-order conditions found by
// checkKKT, in the units of the stated problem, and what it is.
type kktViolation struct {
	value, tol float64
	where      string
}

// checkKKT checks the first-order conditions of the stated problem at the current
// point (after eval) with the multipliers duals (grg's, in the minimising sense, per
// row, in stated units) and the marginals eqm, vm that finish computed from them:
//
//   - stationarity: the reduced cost d_j = ∂f/∂x_j - Σ y_i ∂r_i/∂x_j of a column
//     strictly between its bounds is zero; at a lower bound it is ≥ 0, at an upper
//     bound ≤ 0 (the sense of minimisation);
//   - multiplier signs: y ≤ 0 for a ≤ row, y ≥ 0 for a ≥ row (a violation
//     measured as y times the row's largest coefficient, at least |y|);
//   - complementarity: an inequality whose residual is not zero has y = 0 (to
//     the stationarity tolerance, y times the row's largest coefficient: what it
//     adds to the reduced costs), and the products |y_i·r_i| of rows and
//     |d_j|·gap_j of columns counted active are at most KKTTolerance·max(1, |f|):
//     a huge multiplier on a row that is active only to within round-off (HS13's
//     cusp) does not pass.
//
// fs is the objective's scale the method worked with (1 for none): the floors
// are in the units of fs·f. Feasibility is the caller's (the rows'
// infeasibility is measured apart). cs are
// the columns' user or automatic scales (those are >= 1), or nil: a column scaled
// by c < 1 has its reduced gradient tested in units of c, as grg saw it. It
// returns nil when the point passes.
func (g *general) checkKKT(duals []float64, vm [][]float64, cs []float64, fs, gradTol, f float64) *kktViolation {
	p := g.p
	// ∇f alone, for the scale: marginals with zero duals. The floor of 1 is in
	// the units of the objective the method minimised, fs·f: in the stated
	// units of an objective times 1e-6 (HS89 so written) any reduced cost below
	// 1e-6 passed, while the method's own reduced gradient was 2e-3.
	_, grad := g.marginals(make([]float64, g.m), 1)
	floor := 1 / fs
	scale := floor
	for j := range g.colVB {
		scale = math.Max(scale, math.Abs(grad[g.colVB[j]][g.colEl[j]]))
	}
	// A multiplier counts by what it adds to the reduced costs, |y| times its
	// row's largest coefficient: a row written in small units has a large y
	// that says nothing of the gradient's size (HS89 with its row times 1e-3,
	// y = 1.7e5 on coefficients of 1e-5, had let a reduced cost of 6e-4 pass
	// against ‖∇f‖ = 2).
	rowNorm := g.rowNorms()
	for i, y := range duals {
		scale = math.Max(scale, math.Abs(y)*rowNorm[i])
	}
	tol := math.Max(KKTTolerance, 10*gradTol) * scale
	ctol := math.Max(KKTTolerance, 10*gradTol) * math.Max(floor, math.Abs(f))
	var worst *kktViolation
	note := func(v, t float64, where func() string) {
		if !(v <= t) && (worst == nil || v/t > worst.value/worst.tol || math.IsNaN(v)) {
			worst = &kktViolation{value: v, tol: t, where: where()}
		}
	}
	for j := range g.colVB {
		vb, el := g.colVB[j], g.colEl[j]
		v := &p.Vars[vb]
		x, lo, up := g.x[vb][el], v.Lo[el], v.Up[el]
		d := g.sign * vm[vb][el] // the minimising sense
		t := tol
		if cs != nil && cs[j] < 1 {
			t /= cs[j]
		}
		atLo := !math.IsInf(lo, -1) && x-lo <= activeTolerance*(1+math.Abs(lo))
		atUp := !math.IsInf(up, 1) && up-x <= activeTolerance*(1+math.Abs(up))
		var viol, gap float64
		switch {
		case atLo && atUp:
			continue
		case atLo:
			viol, gap = -d, x-lo
		case atUp:
			viol, gap = d, up-x
		default:
			viol = math.Abs(d)
		}
		where := func() string {
			return fmt.Sprintf("reduced cost %s of %s = %s (bounds [%s, %s])", fmtValue(d), v.elemName(int(el)), fmtValue(x), fmtValue(lo), fmtValue(up))
		}
		note(viol, t, where)
		note(math.Abs(d)*gap, ctol, where)
	}
	for k := range g.gen {
		ge := &g.gen[k]
		e := &p.Equations[ge.ei]
		for r, row := range ge.rows {
			if row < 0 {
				continue
			}
			y, res := duals[row], ge.r[r]
			active := math.Abs(res) <= g.rowTol
			var viol float64
			switch e.Relation {
			case LessEqual:
				viol = y
			case GreaterEqual:
				viol = -y
			default:
				continue
			}
			if !active {
				viol = math.Abs(y)
			}
			// Measured by what the multiplier adds to the reduced costs, at
			// least |y|: a multiplier of 1.9e-5 on a row with coefficients of
			// 6e10 (HS84 with its rows times 1e6) carried the whole gradient
			// of a column through a row 9e10 from its bound; HS118 so written
			// ended with multipliers of the wrong sign, 6e-8 on rows of 8e6.
			viol *= math.Max(1, rowNorm[row])
			where := func() string {
				return fmt.Sprintf("multiplier %s of %s (residual %s)", fmtValue(y), e.rowName(r), fmtValue(res))
			}
			note(viol, tol, where)
			if active {
				// An inactive row's multiplier is tested against zero above; the
				// product would fail a multiplier that is zero to round-off times a
				// large residual (HS109: 7e-8 times 8e5).
				note(math.Abs(y*res), ctol, where)
			}
		}
	}
	return worst
}

// rowNorms returns each row's largest |coefficient| over the columns at the
// current point (g.x), or ones where the Jacobian cannot be evaluated.
func (g *general) rowNorms() []float64 {
	norm := make([]float64, g.m)
	xc := make([]float64, len(g.colVB))
	for j := range xc {
		xc[j] = g.x[g.colVB[j]][g.colEl[j]]
	}
	jac := make([]float64, len(g.rowIdx))
	if _, err := g.eval(xc, make([]float64, g.m), make([]float64, len(xc)), jac); err != nil {
		for i := range norm {
			norm[i] = 1
		}
		return norm
	}
	for k, v := range jac {
		norm[g.rowIdx[k]] = math.Max(norm[g.rowIdx[k]], math.Abs(v))
	}
	return norm
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// logf writes to w when it is set.
func (g *general) logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format, args...)
	}
}
