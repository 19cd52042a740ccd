package nlpsolve

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/nnopt/nnopt/nlpsolve/grg"
)

// User scaling in the general method. A column (variable element) with scale c is
// seen by grg as u = x/c, with bounds lo/c and up/c; a row with scale d is seen as
// r/d. The objective is scaled only by the automatic objective scale os
// (autoObjectiveScale, rescale), so grg's gradient is os·c·∂f/∂x and its Jacobian
// entry ∂(r/d)/∂u = (∂r/∂x)·c/d. grg's duals y' belong to the scaled rows and
// objective; the dual of the row as stated is y'/(d·os). The reduced costs come from the adjoint sweep at the
// unscaled point, and levels, objective and infeasibilities are measured on the
// unscaled rows, so everything reported is unscaled; only RGmax and grg's own
// tolerances refer to the scaled problem.
//
// Equations that stay eliminated (they define a variable, which the forward sweep
// computes) are not rows of grg, and their variables are not columns: their scales
// change nothing in the general method.

// MinScale and MaxScale bound the scale of a variable or equation element: a scale
// must lie in (MinScale, MaxScale]. Beyond them the scaled gradient or the steps in
// the unscaled variables vanish in rounding (a scale of 1e300 gives steps of zero
// length), so such a scale is refused rather than solved with.
const (
	MinScale = 1e-20
	MaxScale = 1e20
)

// ValidScale says whether c is an accepted scale (see MinScale).
func ValidScale(c float64) bool { return c > MinScale && c <= MaxScale }

// checkScale validates the scales of one variable or equation block.
func checkScale(kind, name string, scale []float64) error {
	for i, v := range scale {
		if !ValidScale(v) {
			return fmt.Errorf("nlpsolve: %s %q element %d: scale %g, want a number in (%g, %g]", kind, name, i, v, MinScale, MaxScale)
		}
	}
	return nil
}

func (v *Variable) elemName(i int) string {
	if v.Label != nil {
		return v.Label(i)
	}
	if v.Size() == 1 {
		return v.Name
	}
	return fmt.Sprintf("%s[%d]", v.Name, i)
}

func (e *Equation) rowName(i int) string {
	if e.Label != nil {
		return e.Label(i)
	}
	if e.Block.Rows() == 1 {
		return e.Name
	}
	return fmt.Sprintf("%s[%d]", e.Name, i)
}

// generalScales returns the scale of every column and every row of g, or nil, nil
// when all are 1.
func (g *general) generalScales() (cs, rs []float64) {
	n := len(g.colVB)
	cs, rs = make([]float64, n), make([]float64, g.m)
	any := false
	for j := range cs {
		cs[j] = 1
		if sc := g.p.Vars[g.colVB[j]].Scale; sc != nil {
			cs[j] = sc[g.colEl[j]]
		}
		any = any || cs[j] != 1
	}
	for i := range rs {
		rs[i] = 1
	}
	for _, ge := range g.gen {
		sc := g.p.Equations[ge.ei].Scale
		if sc == nil {
			continue
		}
		for r, row := range ge.rows {
			if row >= 0 {
				rs[row] = sc[r]
				any = any || sc[r] != 1
			}
		}
	}
	if !any {
		return nil, nil
	}
	return cs, rs
}

// scaledGeneral is g as grg sees it with column scales cs and row scales rs.
type scaledGeneral struct {
	g      *general
	cs, rs []float64
	os     float64   // the objective's scale (autoObjectiveScale): grg minimises os·f
	x      []float64 // the unscaled point
	col    []int     // column of every Jacobian position
	hy, hv []float64 // HessVec's stated multipliers and direction
}

func newScaledGeneral(g *general, cs, rs []float64) *scaledGeneral {
	s := &scaledGeneral{g: g, cs: cs, rs: rs, os: 1, x: make([]float64, len(cs)), col: make([]int, len(g.rowIdx))}
	for j := range cs {
		for k := g.colPtr[j]; k < g.colPtr[j+1]; k++ {
			s.col[k] = j
		}
	}
	return s
}

// Dims implements grg.Problem.
func (s *scaledGeneral) Dims() (int, int) { return s.g.Dims() }

// Pattern implements grg.Problem.
func (s *scaledGeneral) Pattern() ([]int, []int) { return s.g.Pattern() }

// Eval implements grg.Problem on the scaled point u.
func (s *scaledGeneral) Eval(u, c, grad, jac []float64) (float64, error) {
	for j, v := range u {
		s.x[j] = v * s.cs[j]
	}
	f, err := s.g.eval(s.x, c, grad, jac)
	if err != nil {
		return f, err
	}
	for i := range c {
		c[i] /= s.rs[i]
	}
	for j := range grad {
		grad[j] *= s.cs[j] * s.os
	}
	if jac != nil {
		s.scaleJacobian(jac)
	}
	return f * s.os, nil
}

// EvalValues implements grg.ValueEvaluator on the scaled point u.
func (s *scaledGeneral) EvalValues(u, c []float64) (float64, error) {
	return s.Eval(u, c, nil, nil)
}

func (s *scaledGeneral) scaleJacobian(jac []float64) {
	for k := range jac {
		jac[k] *= s.cs[s.col[k]] / s.rs[s.g.rowIdx[k]]
	}
}

// rowNames names every grg row by its equation's row label, and tells whether the
// row is linear (its Jacobian does not depend on the point).
func (g *general) rowNames() (names []string, linear []bool) {
	names, linear = make([]string, g.m), make([]bool, g.m)
	for _, ge := range g.gen {
		e := &g.p.Equations[ge.ei]
		for r, row := range ge.rows {
			if row >= 0 {
				names[row] = e.rowName(r)
				linear[row] = ge.pat != nil && ge.pat.Linear
			}
		}
	}
	return names, linear
}

func (g *general) colName(j int) string {
	return g.p.Vars[g.colVB[j]].elemName(int(g.colEl[j]))
}

// Listing limits: the scaled rows are written out in the log for models up to this
// size.
const (
	listRows = 20
	listCols = 50
)

// logScaling writes to w the range of the Jacobian's coefficients at the unscaled
// point xc before and after scaling, naming the row and column of the largest and
// smallest, and, for models of at most listRows rows and listCols columns, the rows
// and bounds as grg sees them, in the scaled variables (named as the variables).
// Rows whose Jacobian depends on the point are linearised at xc.
func (g *general) logScaling(w io.Writer, s *scaledGeneral, xc, lo, up []float64) error {
	n := len(xc)
	c := make([]float64, g.m)
	jac := make([]float64, len(g.rowIdx))
	if _, err := g.eval(xc, c, nil, jac); err != nil {
		return err
	}
	names, linear := g.rowNames()
	rng := func(jac []float64) string {
		return magnitudeRange(jac, "coefficient", func(k int) string {
			return fmt.Sprintf("row %s, column %s", names[g.rowIdx[k]], g.colName(s.col[k]))
		})
	}
	fmt.Fprintf(w, "User scaling: the solver works on x/scale for %d columns and on row/scale for %d rows\n", n, g.m)
	fmt.Fprintf(w, "  Jacobian before scaling: %s\n", rng(jac))
	s.scaleJacobian(jac)
	fmt.Fprintf(w, "  Jacobian after scaling:  %s\n", rng(jac))
	if g.m > listRows || n > listCols {
		return nil
	}
	// Row i in u: Σ_j J'_ij u_j + (c_i/d_i - Σ_j J'_ij u0_j), written with the
	// constant on the right.
	terms := make([]strings.Builder, g.m)
	rhs, mag := make([]float64, g.m), make([]float64, g.m)
	for i := range rhs {
		rhs[i] = -c[i] / s.rs[i]
		mag[i] = math.Abs(rhs[i])
	}
	for j := 0; j < n; j++ {
		u0 := xc[j] / s.cs[j]
		for k := g.colPtr[j]; k < g.colPtr[j+1]; k++ {
			a, i := jac[k], g.rowIdx[k]
			if a == 0 {
				continue
			}
			rhs[i] += a * u0
			mag[i] += math.Abs(a * u0)
			b := &terms[i]
			switch {
			case b.Len() == 0 && a < 0:
				b.WriteString("-")
			case b.Len() == 0:
			case a < 0:
				b.WriteString(" - ")
			default:
				b.WriteString(" + ")
			}
			fmt.Fprintf(b, "%s*%s", fmtCoef(math.Abs(a)), g.colName(j))
		}
	}
	rel := make([]string, g.m)
	for _, ge := range g.gen {
		sym := [...]string{Equal: "=", LessEqual: "<=", GreaterEqual: ">=", Free: "free"}[g.p.Equations[ge.ei].Relation]
		for _, row := range ge.rows {
			if row >= 0 {
				rel[row] = sym
			}
		}
	}
	fmt.Fprintln(w, "  Rows as the solver sees them (variables stand for x/scale):")
	for i := 0; i < g.m; i++ {
		t := terms[i].String()
		if t == "" {
			t = "0"
		}
		note := ""
		if !linear[i] {
			note = "   (nonlinear; linearised at the starting point)"
		}
		if math.Abs(rhs[i]) <= 1e-13*mag[i] {
			rhs[i] = 0 // cancellation noise
		}
		fmt.Fprintf(w, "    %s: %s %s %s%s\n", names[i], t, rel[i], fmtCoef(rhs[i]+0), note)
	}
	fmt.Fprintln(w, "  Bounds as the solver sees them:")
	for j := 0; j < n; j++ {
		fmt.Fprintf(w, "    %s <= %s <= %s\n", fmtCoef(lo[j]), g.colName(j), fmtCoef(up[j]))
	}
	return nil
}

// fmtCoef writes a coefficient with at most 10 significant digits, so that
// rounding in the scaling (200·0.01) does not show.
func fmtCoef(v float64) string {
	if math.IsInf(v, 1) {
		return "+inf"
	}
	if math.IsInf(v, -1) {
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}

// magnitudeRange describes the largest and smallest nonzero |v_k|, each with
// where(k), and their ratio.
func magnitudeRange(v []float64, what string, where func(k int) string) string {
	kmax, kmin := -1, -1
	for k, a := range v {
		a = math.Abs(a)
		if a == 0 || math.IsNaN(a) {
			continue
		}
		if kmax < 0 || a > math.Abs(v[kmax]) {
			kmax = k
		}
		if kmin < 0 || a < math.Abs(v[kmin]) {
			kmin = k
		}
	}
	if kmax < 0 {
		return "no nonzero " + what + "s"
	}
	at := func(k int) string {
		return fmt.Sprintf("%s in %s", fmtCoef(math.Abs(v[k])), where(k))
	}
	return fmt.Sprintf("largest |%s| %s; smallest %s; ratio %s", what, at(kmax), at(kmin),
		fmtCoef(math.Abs(v[kmax])/math.Abs(v[kmin])))
}

// Automatic scaling in the general method. With no Scale on any column or row and
// Settings.Scaling not ScaleUser, a column whose start has magnitude
// a = min(|x0|, |xc|) >= AutoScaleMin, x0 the start as given and xc its projection
// onto the column's bounds, gets the scale c, the power of two at or below a (so
// u = x/c starts in [1, 2) for a start within its bounds, and the scaling itself
// is exact in floating point); every other column keeps 1. A row whose largest
// coefficient at the start is below 1/AutoScaleMin is scaled up (autoRowScales);
// every other row keeps 1.
// grg then sees the gradient c·∂f/∂x and the Jacobian columns times c, so that
// its absolute reduced-gradient test measures the change of the objective over a
// change of the variable by its own magnitude, and its line searches and
// quasi-Newton steps work on variables of comparable size. Tolerances never get
// looser: c >= 1. A start moved onto a bound (it lay outside) states the
// magnitude it shares with the bound, the smaller of the two: HS59's x1 = 90,
// moved onto its upper bound 75, gets 64, while HS109's x5 = 0, moved onto its
// lower bound 196, gets none (scaled by 128 from the bound alone, its phase 1
// failed). Unscaled, HS59's x1 at its bound priced at 1/64 of its scaled
// weight against x2 = 10 (scale 8): phase 1 moved x2 first, reached the row
// x2 ≥ x1²/125 at x1 = 61.6, and phase 2 went from there to an interior local
// minimum (-6.7495); scaled, phase 1 moves x1 first, onto x1·x2 ≥ 700, and
// phase 2 follows that row to the published -7.8027894. Reported levels,
// marginals and the optimality check of the stated problem are unscaled, as
// with user scales.

// AutoScaleMin is the smallest start magnitude that the general method's automatic
// scaling scales (see Settings.Scaling).
const AutoScaleMin = 10

// autoScales returns the general method's automatic column scales for the start
// x0 as given and xc, x0 projected onto the columns' bounds, or nil when every
// one is 1.
func (g *general) autoScales(x0 [][]float64, xc []float64) []float64 {
	var cs []float64
	for j, x := range xc {
		a := math.Min(math.Abs(x), math.Abs(x0[g.colVB[j]][g.colEl[j]]))
		if !(a >= AutoScaleMin) || math.IsInf(a, 0) {
			continue
		}
		if cs == nil {
			cs = make([]float64, len(xc))
			for k := range cs {
				cs[k] = 1
			}
		}
		_, e := math.Frexp(a) // a = f·2^e, f in [0.5, 1)
		cs[j] = math.Min(math.Ldexp(1, e-1), MaxScale)
	}
	return cs
}

// autoRowScales returns the general method's automatic row scales at the start
// xc (under the column scales cs, nil for none), or nil when every one is 1: a row
// whose largest |coefficient| b at the start is below 1/AutoScaleMin (and not
// zero) is divided by d, the power of two at or above b, so that its largest
// coefficient lies in (0.5, 1]. Only small rows are scaled, and up: the
// feasibility test on the scaled row, |r/d| within the tolerance, is then
// stricter on the stated row, never looser. Without it the absolute tests saw a
// row written 1000 times smaller as 1000 times flatter: HS72 with its rows times
// 1e-3 ended phase 1 at a reduced gradient of 6e-8, Locally Infeasible.
func (g *general) autoRowScales(xc, cs []float64) ([]float64, error) {
	if g.m == 0 {
		return nil, nil
	}
	n := len(xc)
	c, grad := make([]float64, g.m), make([]float64, n)
	jac := make([]float64, len(g.rowIdx))
	if _, err := g.eval(xc, c, grad, jac); err != nil {
		return nil, err
	}
	big := make([]float64, g.m)
	for j := 0; j < n; j++ {
		cj := 1.0
		if cs != nil {
			cj = cs[j]
		}
		for k := g.colPtr[j]; k < g.colPtr[j+1]; k++ {
			big[g.rowIdx[k]] = math.Max(big[g.rowIdx[k]], math.Abs(jac[k])*cj)
		}
	}
	var rs []float64
	for i, b := range big {
		if !(b > 0) || b >= 1.0/AutoScaleMin {
			continue
		}
		if rs == nil {
			rs = make([]float64, g.m)
			for k := range rs {
				rs[k] = 1
			}
		}
		_, e := math.Frexp(b) // b = f·2^e, f in [0.5, 1)
		rs[i] = math.Max(math.Ldexp(1, e), 2*MinScale)
	}
	return rs, nil
}

// autoObjectiveScale returns the general method's automatic objective scale at
// the start xc, where the objective is f with gradient grad, under the column
// scales cs (nil for none): objectiveScale of f, its largest |∂f/∂u_j| over the
// scaled columns u and the largest |u_j|. Only small objectives are scaled, and
// up, as rows are (autoRowScales): grg's reduced-gradient test is absolute, and
// an objective written a million times smaller passed it at the start (HS24 so
// written: Locally Optimal after 0 iterations at -0.013, the optimum -1) and the
// optimality check, whose scale is at least 1, let it through.
func autoObjectiveScale(f float64, grad, xc, cs []float64) float64 {
	big, xmax := 0.0, 0.0
	for j, d := range grad {
		x := xc[j]
		if cs != nil {
			d *= cs[j]
			x /= cs[j]
		}
		big = math.Max(big, math.Abs(d))
		xmax = math.Max(xmax, math.Abs(x))
	}
	return objectiveScale(f, big, xmax)
}

// objectiveScale is the automatic objective scale for an objective of value f
// and largest |derivative| big at the start, whose largest |x| is xmax (in
// scaled columns): 1 unless both big and |f|/max(1, xmax), the derivative f's
// size suggests, are below 1/AutoScaleMin and one is not zero; else the power of
// two that brings the larger into [1, 2), at most MaxObjectiveScale. The value
// counts too: a start on a plateau has small derivatives and a large f (HS25:
// 2e-8 and 32.8), which no scale should blow up.
func objectiveScale(f, big, xmax float64) float64 {
	big = math.Max(big, math.Abs(f)/math.Max(1, xmax))
	if !(big > 0) || big >= 1.0/AutoScaleMin || math.IsInf(big, 0) {
		return 1
	}
	_, e := math.Frexp(big) // big = f·2^e, f in [0.5, 1)
	return math.Min(math.Ldexp(1, 1-e), MaxObjectiveScale)
}

// MaxObjectiveScale bounds the automatic objective scale (autoObjectiveScale).
const MaxObjectiveScale = 0x1p40

// logAutoScaling writes to w that the automatic scaling applies, how many columns
// it scales and the range of their scales, and the range of the Jacobian's
// coefficients and of the objective's gradient at the unscaled point xc before and
// after scaling. lo and up (the scaled bounds) are not used.
func (g *general) logAutoScaling(w io.Writer, s *scaledGeneral, xc, lo, up []float64) error {
	n := len(xc)
	c, grad := make([]float64, g.m), make([]float64, n)
	jac := make([]float64, len(g.rowIdx))
	if _, err := g.eval(xc, c, grad, jac); err != nil {
		return err
	}
	count := func(v []float64) (k int, lo, hi float64) {
		lo = math.Inf(1)
		for _, c := range v {
			if c != 1 {
				k++
				lo, hi = math.Min(lo, c), math.Max(hi, c)
			}
		}
		return k, lo, hi
	}
	if k, cmin, cmax := count(s.cs); k > 0 {
		fmt.Fprintf(w, "Automatic scaling: the solver works on x/scale for %d of %d columns, the scale the power of two at or below the start's |x| >= %g (scales %s to %s; scaling user turns this off)\n",
			k, n, float64(AutoScaleMin), fmtCoef(cmin), fmtCoef(cmax))
	}
	if k, rmin, rmax := count(s.rs); k > 0 {
		fmt.Fprintf(w, "Automatic scaling: the solver works on row/scale for %d of %d rows, those whose largest |coefficient| at the start is below %g, the scale the power of two at or above it (scales %s to %s; scaling user turns this off)\n",
			k, g.m, 1.0/AutoScaleMin, fmtCoef(rmin), fmtCoef(rmax))
	}
	if s.os != 1 {
		fmt.Fprintf(w, "Automatic scaling: the solver minimises the objective times %s, its value and derivatives at the start being small (below %g; scaling user turns this off)\n",
			fmtCoef(s.os), 1.0/AutoScaleMin)
	}
	names, _ := g.rowNames()
	jrng := func() string {
		return magnitudeRange(jac, "coefficient", func(k int) string {
			return fmt.Sprintf("row %s, column %s", names[g.rowIdx[k]], g.colName(s.col[k]))
		})
	}
	grng := func() string {
		return magnitudeRange(grad, "derivative", func(j int) string { return "column " + g.colName(j) })
	}
	fmt.Fprintf(w, "  Jacobian before scaling: %s\n", jrng())
	fmt.Fprintf(w, "  objective's gradient before scaling: %s\n", grng())
	s.scaleJacobian(jac)
	for j := range grad {
		grad[j] *= s.cs[j] * s.os
	}
	fmt.Fprintf(w, "  Jacobian after scaling:  %s\n", jrng())
	fmt.Fprintf(w, "  objective's gradient after scaling:  %s\n", grng())
	return nil
}

// rescale returns the objective scale to solve on with from the point u (in
// sg's scaled columns) that grg reached with result gr, or 0 for none: only after
// Optimal or a numerical failure at a feasible point, with sg set (the scaling
// automatic), where the objective's value and derivatives at u call for a scale
// above twice sg's (objectiveScale), and where
// the value is not small against the start's, f0 (a value near zero at the
// optimum, a residual driven down, is no sign of small units). The start's
// scale comes from derivatives that may be far larger than the optimum's: HS64
// with its objective times 1e-6 (derivatives of 0.14 at the start, 1e-5 at the
// optimum) stopped with the reduced gradient within the absolute tolerance but
// 6e-4 of the gradient's size.
func (g *general) rescale(sg *scaledGeneral, u []float64, f0 float64, gr grg.Result) float64 {
	// A stop short of the method's own test at a feasible point counts too: a
	// line search that fails on an objective in small units (HS89 times 1e-6:
	// derivatives of 1e-6 against the feasibility tolerance's round-off) is
	// no verdict on the point.
	stoppedFeasible := gr.Status == grg.NumericalFailure && gr.Ninf == 0 && gr.MaxResidual <= g.rowTol
	if sg == nil || (gr.Status != grg.Optimal && !stoppedFeasible) {
		return 0
	}
	grad := make([]float64, len(u))
	fs, err := sg.Eval(u, make([]float64, g.m), grad, nil)
	if err != nil {
		return 0
	}
	f := fs / sg.os
	big, umax := 0.0, 0.0
	for j, d := range grad {
		big = math.Max(big, math.Abs(d)/sg.os)
		umax = math.Max(umax, math.Abs(u[j]))
	}
	os2 := objectiveScale(f, big, umax)
	if !(os2 > 2*sg.os) || !(math.Abs(f) >= 1e-3*math.Abs(f0)) {
		return 0
	}
	return os2
}

// ones returns a slice of n ones.
func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
