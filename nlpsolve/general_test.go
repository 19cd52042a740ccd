package nlpsolve

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// col is one column of a fake block: a variable block and an element of it.
type col struct{ vb, el int }

// scalars are the columns of scalar variable blocks.
func scalars(vbs ...int) []col {
	out := make([]col, len(vbs))
	for i, vb := range vbs {
		out[i] = col{vb, 0}
	}
	return out
}

// fake is a test block that knows its columns and its Jacobian pattern, as the model
// layer does for real equations.
type fake interface {
	Block
	columns() []col
	pattern() *Pattern
}

// denseLinear is the block r = A·x - b with A dense over the columns cols. A zero
// entry of A is left out of the pattern.
type denseLinear struct {
	cols []col
	a    [][]float64
	b    []float64
}

func (l *denseLinear) Rows() int      { return len(l.a) }
func (l *denseLinear) columns() []col { return l.cols }
func (l *denseLinear) pattern() *Pattern {
	return buildPattern(l, true, func(r, j int) bool { return l.a[r][j] != 0 })
}

func (l *denseLinear) Eval(x [][]float64, r []float64) {
	l.JVP(x, r)
	for i := range r {
		r[i] -= l.b[i]
	}
}

func (l *denseLinear) JVP(v [][]float64, jv []float64) {
	for i, row := range l.a {
		jv[i] = 0
		for j, c := range l.cols {
			jv[i] += row[j] * v[c.vb][c.el]
		}
	}
}

func (l *denseLinear) VJP(w []float64, g [][]float64) {
	for i, row := range l.a {
		for j, c := range l.cols {
			g[c.vb][c.el] += row[j] * w[i]
		}
	}
}

func (l *denseLinear) HVP(w, wdot []float64, v [][]float64, hv [][]float64) { l.VJP(wdot, hv) }

// ball is the one-row block r = Σ x_c² - rhs over the columns cols: with rhs 1
// and ≤, the unit disc.
type ball struct {
	cols []col
	rhs  float64
	x    []float64 // the columns' values at the last Eval
}

func (s *ball) Rows() int      { return 1 }
func (s *ball) columns() []col { return s.cols }
func (s *ball) pattern() *Pattern {
	return buildPattern(s, false, func(int, int) bool { return true })
}

func (s *ball) Eval(x [][]float64, r []float64) {
	s.x = s.x[:0]
	r[0] = -s.rhs
	for _, c := range s.cols {
		s.x = append(s.x, x[c.vb][c.el])
		r[0] += x[c.vb][c.el] * x[c.vb][c.el]
	}
}

func (s *ball) JVP(v [][]float64, jv []float64) {
	jv[0] = 0
	for j, c := range s.cols {
		jv[0] += 2 * s.x[j] * v[c.vb][c.el]
	}
}

func (s *ball) VJP(w []float64, g [][]float64) {
	for j, c := range s.cols {
		g[c.vb][c.el] += 2 * s.x[j] * w[0]
	}
}

func (s *ball) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	for j, c := range s.cols {
		hv[c.vb][c.el] += 2*w[0]*v[c.vb][c.el] + 2*s.x[j]*wdot[0]
	}
}

// buildPattern is the pattern of f with the entries nz says are there, each column
// in a colour group of its own.
func buildPattern(f fake, linear bool, nz func(r, j int) bool) *Pattern {
	p := &Pattern{RowStart: []int{0}, Linear: linear}
	group := map[col]int{}
	for r := 0; r < f.Rows(); r++ {
		for j, c := range f.columns() {
			if !nz(r, j) {
				continue
			}
			t := int32(len(p.Row))
			p.Row = append(p.Row, int32(r))
			p.Var = append(p.Var, int32(c.vb))
			p.Elem = append(p.Elem, int32(c.el))
			g, ok := group[c]
			if !ok {
				g = len(p.GroupCols)
				group[c] = g
				p.GroupCols = append(p.GroupCols, [][2]int32{{int32(c.vb), int32(c.el)}})
				p.GroupEntries = append(p.GroupEntries, nil)
			}
			p.GroupEntries[g] = append(p.GroupEntries[g], t)
		}
		p.RowStart = append(p.RowStart, len(p.Row))
	}
	return p
}

// testModel builds a Problem from fake blocks.
type testModel struct {
	p     Problem
	x0    [][]float64
	names map[string]int // variable and equation names: their indices
}

func newTestModel() *testModel { return &testModel{names: map[string]int{}} }

// variable adds a scalar variable block.
func (m *testModel) variable(name string, lo, up, x0 float64) int {
	m.names[name] = len(m.p.Vars)
	m.p.Vars = append(m.p.Vars, Variable{Name: name, Lo: []float64{lo}, Up: []float64{up}})
	m.x0 = append(m.x0, []float64{x0})
	return len(m.p.Vars) - 1
}

// equation adds an equation block that defines no variable.
func (m *testModel) equation(name string, rel Relation, b fake) {
	m.names[name] = len(m.p.Equations)
	var vbs []int
	for _, c := range b.columns() {
		if !slices.Contains(vbs, c.vb) {
			vbs = append(vbs, c.vb)
		}
	}
	m.p.Equations = append(m.p.Equations, Equation{Name: name, Block: b, Relation: rel, Vars: vbs, Defines: -1})
}

// define adds the equation def = Σ c_j·x_j as the one-row block def - Σ c_j·x_j,
// which defines the scalar block def with the coefficient 1.
func (m *testModel) define(name string, def int, c []float64, x []int) {
	a := append([]float64{1}, c...)
	for i := 1; i < len(a); i++ {
		a[i] = -a[i]
	}
	m.equation(name, Equal, &denseLinear{cols: scalars(append([]int{def}, x...)...), a: [][]float64{a}, b: []float64{0}})
	e := &m.p.Equations[len(m.p.Equations)-1]
	e.Defines, e.Coef = def, 1
}

// objective adds the free variable name = Σ c_j·x_j and makes it the objective.
func (m *testModel) objective(name string, maximize bool, c []float64, x []int) {
	obj := m.variable(name, negInf, posInf, 0)
	m.define("def"+name, obj, c, x)
	m.p.Objective, m.p.Maximize = obj, maximize
}

func (m *testModel) pat(ei int) (*Pattern, error) {
	if ei < 0 || ei >= len(m.p.Equations) {
		return nil, errors.New("no such equation")
	}
	return m.p.Equations[ei].Block.(fake).pattern(), nil
}

// start returns a copy of the start point, so that no solve sees another's changes.
func (m *testModel) start() [][]float64 {
	out := make([][]float64, len(m.x0))
	for i, x := range m.x0 {
		out[i] = slices.Clone(x)
	}
	return out
}

// checkFakes compares every block's derivative products with central differences
// of its Eval (and of its VJP for HVP) at a random point, and its pattern with the
// Jacobian's nonzeros, so that a test's failure is the solver's and not the fake's.
func checkFakes(t *testing.T, p *Problem) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	zero := func() [][]float64 {
		out := make([][]float64, len(p.Vars))
		for i, v := range p.Vars {
			out[i] = make([]float64, v.Size())
		}
		return out
	}
	rnd := func() [][]float64 {
		out := zero()
		for i := range out {
			for k := range out[i] {
				out[i][k] = rng.NormFloat64()
			}
		}
		return out
	}
	// at is x + h·v.
	at := func(x, v [][]float64, h float64) [][]float64 {
		out := zero()
		for i := range out {
			for k := range out[i] {
				out[i][k] = x[i][k] + h*v[i][k]
			}
		}
		return out
	}
	const h, tol = 1e-5, 1e-6
	close := func(a, b float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }
	for _, e := range p.Equations {
		b := e.Block
		n := b.Rows()
		x, v := rnd(), rnd()
		w, wdot := make([]float64, n), make([]float64, n)
		for i := range w {
			w[i], wdot[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		rp, rm, jv := make([]float64, n), make([]float64, n), make([]float64, n)
		b.Eval(at(x, v, h), rp)
		b.Eval(at(x, v, -h), rm)
		b.Eval(x, make([]float64, n))
		b.JVP(v, jv)
		for i := range jv {
			if fd := (rp[i] - rm[i]) / (2 * h); !close(jv[i], fd) {
				t.Errorf("%s: JVP row %d = %g, central difference %g", e.Name, i, jv[i], fd)
			}
		}
		// wᵀ(J·v) = (Jᵀ·w)ᵀv.
		g := zero()
		b.VJP(w, g)
		var lhs, rhs float64
		for i := range w {
			lhs += w[i] * jv[i]
		}
		for i := range g {
			for k := range g[i] {
				rhs += g[i][k] * v[i][k]
			}
		}
		if !close(lhs, rhs) {
			t.Errorf("%s: wᵀ(J·v) = %g, (Jᵀ·w)ᵀv = %g", e.Name, lhs, rhs)
		}
		// HVP is the tangent of Jᵀ·w along v, plus Jᵀ·wdot.
		gp, gm, gd, hv := zero(), zero(), zero(), zero()
		b.Eval(at(x, v, h), rp)
		b.VJP(w, gp)
		b.Eval(at(x, v, -h), rm)
		b.VJP(w, gm)
		b.Eval(x, make([]float64, n))
		b.VJP(wdot, gd)
		b.JVP(v, jv)
		b.HVP(w, wdot, v, hv)
		for i := range hv {
			for k := range hv[i] {
				if fd := (gp[i][k]-gm[i][k])/(2*h) + gd[i][k]; !close(hv[i][k], fd) {
					t.Errorf("%s: HVP %s[%d] = %g, central difference %g", e.Name, p.Vars[i].Name, k, hv[i][k], fd)
				}
			}
		}
		// The pattern holds every nonzero of the Jacobian (one JVP per column).
		pt := b.(fake).pattern()
		if len(pt.RowStart) != n+1 {
			t.Fatalf("%s: pattern has %d rows, want %d", e.Name, len(pt.RowStart)-1, n)
		}
		for vb, xv := range x {
			for k := range xv {
				seed := zero()
				seed[vb][k] = 1
				b.JVP(seed, jv)
				for r, val := range jv {
					in := false
					for t := pt.RowStart[r]; t < pt.RowStart[r+1]; t++ {
						in = in || (int(pt.Row[t]) == r && int(pt.Var[t]) == vb && int(pt.Elem[t]) == k)
					}
					if val != 0 && !in {
						t.Errorf("%s: ∂row %d/∂%s[%d] = %g is not in the pattern", e.Name, r, p.Vars[vb].Name, k, val)
					}
				}
			}
		}
	}
}

// The models of the table tests, with their optima worked out by hand.
var (
	posInf = math.Inf(1)
	negInf = math.Inf(-1)
)

// lpMin: min 2x + 3y + 4z s.t. x + y ≥ 4, x + 3y + z ≥ 6, at x = 3, y = 1, z = 0
// with duals 1.5 and 0.5 (Aᵀy = c on x and y), and z's reduced cost 4 - 0.5 = 3.5.
func lpMin() *testModel {
	m := newTestModel()
	x, y, z := m.variable("x", 0, posInf, 0), m.variable("y", 0, posInf, 0), m.variable("z", 0, posInf, 0)
	m.equation("r1", GreaterEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{1, 1}}, b: []float64{4}})
	m.equation("r2", GreaterEqual, &denseLinear{cols: scalars(x, y, z), a: [][]float64{{1, 3, 1}}, b: []float64{6}})
	m.objective("obj", false, []float64{2, 3, 4}, []int{x, y, z})
	return m
}

// lpMax: max x + y s.t. x + 2y ≤ 4, 3x + y ≤ 6 (one two-row block), at x = 1.6,
// y = 1.2 with duals 0.4 and 0.2: raising a rhs raises the maximum.
func lpMax() *testModel {
	m := newTestModel()
	x, y := m.variable("x", 0, posInf, 0), m.variable("y", 0, posInf, 0)
	m.equation("rows", LessEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{1, 2}, {3, 1}}, b: []float64{4, 6}})
	m.objective("obj", true, []float64{1, 1}, []int{x, y})
	return m
}

// lpInfeasible: x + y ≤ 1 and x + y ≥ 3. Phase 1 ends at the sum of
// infeasibilities 2; its marginals are those of that sum: raising the first rhs
// lowers it, raising the second raises it.
func lpInfeasible() *testModel {
	m := newTestModel()
	x, y := m.variable("x", 0, posInf, 0), m.variable("y", 0, posInf, 0)
	m.equation("low", LessEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{1, 1}}, b: []float64{1}})
	m.equation("high", GreaterEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{1, 1}}, b: []float64{3}})
	m.objective("obj", false, []float64{1, 1}, []int{x, y})
	return m
}

// lpUnbounded: min -x s.t. x - y ≤ 1: x grows with y without end.
func lpUnbounded() *testModel {
	m := newTestModel()
	x, y := m.variable("x", 0, posInf, 0), m.variable("y", 0, posInf, 0)
	m.equation("r", LessEqual, &denseLinear{cols: scalars(x, y), a: [][]float64{{1, -1}}, b: []float64{1}})
	m.objective("obj", false, []float64{-1}, []int{x})
	return m
}

// disc: min -x - y over the unit disc x² + y² ≤ 1, at x = y = 1/√2 with the
// objective -√2. Raising the rhs to 1 + δ scales the radius by √(1+δ): the
// marginal is -√2/2. x and y are the two elements of one variable block.
func disc() *testModel {
	m := newTestModel()
	m.names["p"] = 0
	m.p.Vars = append(m.p.Vars, Variable{Name: "p", Lo: []float64{-2, -2}, Up: []float64{2, 2}})
	m.x0 = append(m.x0, []float64{0.1, -0.3})
	m.equation("disc", LessEqual, &ball{cols: []col{{0, 0}, {0, 1}}, rhs: 1})
	obj := m.variable("obj", negInf, posInf, 0)
	m.equation("defobj", Equal, &denseLinear{cols: []col{{obj, 0}, {0, 0}, {0, 1}}, a: [][]float64{{1, 1, 1}}, b: []float64{0}})
	e := &m.p.Equations[len(m.p.Equations)-1]
	e.Defines, e.Coef = obj, 1
	m.p.Objective = obj
	return m
}

// farDisc is disc with the objective 10⁶ - 1000·(x + y): its optimum, at the
// same point, is 10⁶ - 1000·√2 with the disc's marginal -500·√2.
func farDisc() *testModel {
	m := disc()
	m.p.Equations[m.names["defobj"]].Block = &denseLinear{cols: []col{{m.p.Objective, 0}, {0, 0}, {0, 1}}, a: [][]float64{{1, 1000, 1000}}, b: []float64{1e6}}
	return m
}

// eliminated: u = x + 2y defines the free u, and the row u ≥ 2 reads it: u stays
// eliminated and the row gets its Jacobian by an adjoint sweep through u's
// equation. min 3x + y is at x = 0, y = 1; the row's marginal is 1/2, u's
// equation's -1/2 (raising its rhs raises u), x's reduced cost 3 - 1/2.
func eliminated() *testModel {
	m := newTestModel()
	x, y := m.variable("x", 0, posInf, 0), m.variable("y", 0, posInf, 0)
	u := m.variable("u", negInf, posInf, 0)
	m.define("defu", u, []float64{1, 2}, []int{x, y})
	m.equation("least", GreaterEqual, &denseLinear{cols: scalars(u), a: [][]float64{{1}}, b: []float64{2}})
	m.objective("obj", false, []float64{3, 1}, []int{x, y})
	return m
}

// eliminatedBounded is eliminated with u ≤ 5, a bound that does not bind.
func eliminatedBounded() *testModel {
	m := eliminated()
	m.p.Vars[m.names["u"]].Up[0] = 5
	return m
}

// boundedDefined: y = x1 + x2 defines y ≤ 1, which binds at the optimum of
// min -x1 - 2·x2 s.t. x1 ≥ 0.2, x1, x2 ∈ [0, 10]: x1 = 0.2, x2 = 0.8. y's equation
// starts eliminated; its bound blocks the solve, which then restarts with the
// equation as a row and y as a column. Raising the row's rhs moves δ from x2 to
// x1 (+1); y's reduced cost at its upper bound is -2, and so raising y's
// equation's rhs (y = x1 + x2 + δ) costs 2δ of x2: +2.
func boundedDefined() *testModel {
	m := newTestModel()
	x1, x2 := m.variable("x1", 0, 10, 0), m.variable("x2", 0, 10, 0)
	y := m.variable("y", negInf, 1, 0)
	m.define("defy", y, []float64{1, 1}, []int{x1, x2})
	m.equation("least", GreaterEqual, &denseLinear{cols: scalars(x1), a: [][]float64{{1}}, b: []float64{0.2}})
	m.objective("obj", false, []float64{-1, -2}, []int{x1, x2})
	return m
}

func TestSolveGeneral(t *testing.T) {
	for _, tc := range []struct {
		name   string
		model  func() *testModel
		status Status
		obj    float64              // NaN: not checked
		x      map[string][]float64 // levels
		eqM    map[string][]float64 // marginals
		varM   map[string][]float64 // reduced costs
		log    []string             // in the log
		nolog  []string             // not in the log
		tol    float64
		method Method      // LBFGS keeps an LP in grg
		elim   Elimination // EliminateNone keeps the objective a column
	}{
		{
			name: "lp min", model: lpMin, status: Optimal, obj: 9,
			x:    map[string][]float64{"x": {3}, "y": {1}, "z": {0}},
			eqM:  map[string][]float64{"r1": {1.5}, "r2": {0.5}, "defobj": {1}},
			varM: map[string][]float64{"x": {0}, "y": {0}, "z": {3.5}, "obj": {0}},
			tol:  1e-9,
		},
		{
			name: "lp max", model: lpMax, status: Optimal, obj: 2.8,
			x:    map[string][]float64{"x": {1.6}, "y": {1.2}},
			eqM:  map[string][]float64{"rows": {0.4, 0.2}, "defobj": {1}},
			varM: map[string][]float64{"x": {0}, "y": {0}},
			tol:  1e-9,
		},
		{
			name: "lp infeasible", model: lpInfeasible, status: LocallyInfeasible, obj: math.NaN(),
			eqM: map[string][]float64{"low": {-1}, "high": {1}}, tol: 1e-9,
		},
		{name: "lp unbounded", model: lpUnbounded, status: Unbounded, obj: math.NaN(), tol: 1e-9, log: []string{"Simplex method"}},
		{name: "lp unbounded by grg", model: lpUnbounded, status: Unbounded, obj: math.NaN(), tol: 1e-9, method: LBFGS, nolog: []string{"Simplex method"}},
		{
			name: "disc", model: disc, status: Optimal, obj: -math.Sqrt2,
			x:    map[string][]float64{"p": {math.Sqrt2 / 2, math.Sqrt2 / 2}},
			eqM:  map[string][]float64{"disc": {-math.Sqrt2 / 2}, "defobj": {1}},
			varM: map[string][]float64{"p": {0, 0}},
			tol:  1e-7,
		},
		{
			// f = 10⁶ - 1000·(x + y) as a column: f's changes near the optimum are
			// at its round-off, so the line search fails once; the reset to a
			// steepest-descent step then reaches grg's own reduced-gradient test.
			name: "disc far from zero, objective a column", model: farDisc, status: Optimal, obj: 1e6 - 1000*math.Sqrt2,
			x:    map[string][]float64{"p": {math.Sqrt2 / 2, math.Sqrt2 / 2}},
			eqM:  map[string][]float64{"disc": {-1000 * math.Sqrt2 / 2}, "defobj": {1}},
			varM: map[string][]float64{"p": {0, 0}},
			tol:  1e-5,
			elim: EliminateNone,
		},
		{
			name: "eliminated defined variable", model: eliminated, status: Optimal, obj: 1,
			x:      map[string][]float64{"x": {0}, "y": {1}, "u": {2}},
			eqM:    map[string][]float64{"least": {0.5}, "defu": {-0.5}, "defobj": {1}},
			varM:   map[string][]float64{"x": {2.5}, "y": {0}, "u": {0}},
			log:    []string{"2 columns, 1 rows from 1 equations (1 rows through the triangular part: 0 by tangent sweeps over 0 column groups, 1 by adjoint sweeps), 2 equations eliminated"},
			nolog:  []string{"restarting"},
			tol:    1e-9,
			method: LBFGS,
		},
		{
			// The same model with u ≤ 5: a bound that does not bind leaves u's
			// equation eliminated, with no restart.
			name: "bounded defined variable stays eliminated", model: eliminatedBounded, status: Optimal, obj: 1,
			x:      map[string][]float64{"x": {0}, "y": {1}, "u": {2}},
			eqM:    map[string][]float64{"least": {0.5}, "defu": {-0.5}, "defobj": {1}},
			varM:   map[string][]float64{"x": {2.5}, "y": {0}, "u": {0}},
			log:    []string{"2 columns, 1 rows from 1 equations (1 rows through the triangular part: 0 by tangent sweeps over 0 column groups, 1 by adjoint sweeps), 2 equations eliminated"},
			nolog:  []string{"restarting"},
			tol:    1e-9,
			method: LBFGS,
		},
		{
			name: "bounded defined variable binds", model: boundedDefined, status: Optimal, obj: -1.8,
			x:    map[string][]float64{"x1": {0.2}, "x2": {0.8}, "y": {1}},
			eqM:  map[string][]float64{"least": {1}, "defy": {2}, "defobj": {1}},
			varM: map[string][]float64{"x1": {0}, "x2": {0}, "y": {-2}},
			log: []string{
				"2 columns, 1 rows from 1 equations (0 rows through the triangular part: 0 by tangent sweeps over 0 column groups, 0 by adjoint sweeps), 2 equations eliminated",
				"Bounds of defined variables got in the way; restarting with 1 more equations as rows",
				"3 columns, 2 rows from 2 equations (0 rows through the triangular part: 0 by tangent sweeps over 0 column groups, 0 by adjoint sweeps), 1 equations eliminated",
			},
			tol:    1e-9,
			method: LBFGS,
		},
		{
			// The simplex method keeps the linear equations that rows read, or whose
			// variables have bounds, as rows from the start.
			name: "linear defined variable read by a row", model: eliminated, status: Optimal, obj: 1,
			x:    map[string][]float64{"x": {0}, "y": {1}, "u": {2}},
			eqM:  map[string][]float64{"least": {0.5}, "defu": {-0.5}, "defobj": {1}},
			varM: map[string][]float64{"x": {2.5}, "y": {0}, "u": {0}},
			log:  []string{"Simplex method", "3 columns, 2 rows from 2 equations, 1 equations eliminated"},
			tol:  1e-9,
		},
		{
			name: "linear defined variable with bounds", model: boundedDefined, status: Optimal, obj: -1.8,
			x:     map[string][]float64{"x1": {0.2}, "x2": {0.8}, "y": {1}},
			eqM:   map[string][]float64{"least": {1}, "defy": {2}, "defobj": {1}},
			varM:  map[string][]float64{"x1": {0}, "x2": {0}, "y": {-2}},
			log:   []string{"Simplex method", "3 columns, 2 rows from 2 equations, 1 equations eliminated"},
			nolog: []string{"General reduced gradient"},
			tol:   1e-9,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model()
			checkFakes(t, &m.p)
			var log bytes.Buffer
			res, err := SolveGeneral(context.Background(), &m.p, m.pat, m.start(), Settings{Log: &log, Method: tc.method, Elimination: tc.elim})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || res.Algorithm != GeneralAlgorithm {
				t.Fatalf("status %v by %v, want %v by the general method\n%s", res.Status, res.Algorithm, tc.status, log.String())
			}
			if !math.IsNaN(tc.obj) && math.Abs(res.Objective-tc.obj) > tc.tol {
				t.Errorf("objective %.17g, want %g", res.Objective, tc.obj)
			}
			if res.Objective != res.X[m.p.Objective][0] {
				t.Errorf("objective %g is not the objective variable's level %g", res.Objective, res.X[m.p.Objective][0])
			}
			check := func(what string, want map[string][]float64, got [][]float64) {
				for name, w := range want {
					g := got[m.names[name]]
					if len(g) != len(w) {
						t.Errorf("%s of %s = %v, want %v", what, name, g, w)
						continue
					}
					for i := range w {
						if math.Abs(g[i]-w[i]) > tc.tol {
							t.Errorf("%s of %s[%d] = %.17g, want %g", what, name, i, g[i], w[i])
						}
					}
				}
			}
			check("level", tc.x, res.X)
			check("marginal", tc.eqM, res.EqMarginals)
			check("reduced cost", tc.varM, res.VarMarginals)
			for _, s := range tc.log {
				if !strings.Contains(log.String(), s) {
					t.Errorf("the log lacks %q:\n%s", s, log.String())
				}
			}
			for _, s := range tc.nolog {
				if strings.Contains(log.String(), s) {
					t.Errorf("the log has %q:\n%s", s, log.String())
				}
			}
			switch tc.status {
			case Optimal:
				if res.NumInfeasibilities != 0 || res.MaxInfeasibility > 1e-6 {
					t.Errorf("optimal with %d rows infeasible by up to %g", res.NumInfeasibilities, res.MaxInfeasibility)
				}
			case LocallyInfeasible:
				if res.NumInfeasibilities == 0 || math.Abs(res.SumInfeasibilities-2) > 1e-6 {
					t.Errorf("%d rows infeasible by %g in all, want the phase-1 minimum 2", res.NumInfeasibilities, res.SumInfeasibilities)
				}
			case Unbounded:
				if o := res.Objective; o > -UnboundedObjective && !math.IsInf(o, -1) {
					t.Errorf("unbounded at the objective %g, want below %g", o, -UnboundedObjective)
				}
			}
		})
	}
}

// TestGeneralElimination checks the split itself: which equations stay eliminated
// (those defining a variable with no finite bound, in forward order), and which
// become rows, with their variables as columns.
func TestGeneralElimination(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model func() *testModel
		force []string // equations kept as rows
		elim  []string // in forward order
		cols  []string
		rows  int
	}{
		{name: "free defined variable", model: eliminated, elim: []string{"defu", "defobj"}, cols: []string{"x", "y"}, rows: 1},
		{name: "bounded defined variable", model: boundedDefined, elim: []string{"defy", "defobj"}, cols: []string{"x1", "x2"}, rows: 1},
		{name: "forced", model: boundedDefined, force: []string{"defy"}, elim: []string{"defobj"}, cols: []string{"x1", "x2", "y"}, rows: 2},
		{name: "no definitions but the objective", model: lpMax, elim: []string{"defobj"}, cols: []string{"x", "y"}, rows: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model()
			force := map[int]bool{}
			for _, name := range tc.force {
				force[m.names[name]] = true
			}
			g, err := newGeneral(&m.p, m.pat, m.start(), force)
			if err != nil {
				t.Fatal(err)
			}
			var elim, cols []string
			for _, ei := range g.elim {
				elim = append(elim, m.p.Equations[ei].Name)
			}
			for j := range g.colVB {
				cols = append(cols, m.p.Vars[g.colVB[j]].Name)
			}
			if !slices.Equal(elim, tc.elim) || !slices.Equal(cols, tc.cols) || g.m != tc.rows {
				t.Errorf("eliminated %v, columns %v, %d rows; want %v, %v, %d", elim, cols, g.m, tc.elim, tc.cols, tc.rows)
			}
		})
	}
}

// TestElimination: the general method's log names every equation it eliminates and
// the variable it defines; with EliminateNone it eliminates none and reaches the
// same optimum; the triangular method refuses EliminateNone, Optimize then takes the
// general one, and Validate refuses an unknown Elimination.
func TestElimination(t *testing.T) {
	m := lpMin()
	var log bytes.Buffer
	res, err := SolveGeneral(context.Background(), &m.p, m.pat, m.start(), Settings{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "1 equations eliminated") || !strings.Contains(log.String(), "equation defobj eliminates variable obj") {
		t.Errorf("the log does not name the eliminated equation:\n%s", log.String())
	}
	log.Reset()
	none, err := SolveGeneral(context.Background(), &m.p, m.pat, m.start(), Settings{Log: &log, Elimination: EliminateNone})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "0 equations eliminated") || strings.Contains(log.String(), "eliminates variable") {
		t.Errorf("EliminateNone eliminated something:\n%s", log.String())
	}
	if none.Status != Optimal || math.Abs(none.Objective-res.Objective) > 1e-9 || math.Abs(none.Objective-9) > 1e-9 {
		t.Errorf("EliminateNone: %v, objective %g; with elimination %v, %g; want optimal 9", none.Status, none.Objective, res.Status, res.Objective)
	}

	tri := newTestModel()
	x := tri.variable("x", negInf, posInf, 3)
	tri.objective("obj", false, []float64{2}, []int{x})
	if _, err := Solve(context.Background(), &tri.p, tri.start(), Settings{Elimination: EliminateNone}); !errors.Is(err, ErrUnsupportedSetting) {
		t.Errorf("Solve with EliminateNone: %v, want ErrUnsupportedSetting", err)
	}
	opt, err := Optimize(context.Background(), &tri.p, tri.pat, tri.start(), Settings{Elimination: EliminateNone, IterationLimit: 5})
	if err != nil || opt.Algorithm != GeneralAlgorithm {
		t.Errorf("Optimize with EliminateNone: %v, %+v; want the general method", err, opt)
	}
	bad := Settings{Elimination: 7}
	var re *RangeError
	if err := bad.Validate(); !errors.As(err, &re) || re.Setting != "elimination" {
		t.Errorf("Elimination 7: %v, want a RangeError for elimination", err)
	}
}

// TestSimplexRoute: an LP goes to the simplex method, which honours the settings
// that apply to it (iteration limit, cancellation, the Recorder) and hands the
// problem to grg when Method or Memory asks for its L-BFGS directions.
func TestSimplexRoute(t *testing.T) {
	solve := func(ctx context.Context, set Settings) (*Result, string) {
		t.Helper()
		m := lpMax()
		var log bytes.Buffer
		set.Log = &log
		res, err := SolveGeneral(ctx, &m.p, m.pat, m.start(), set)
		if err != nil {
			t.Fatal(err)
		}
		return res, log.String()
	}
	var its []Iteration
	res, log := solve(context.Background(), Settings{Recorder: func(it Iteration) { its = append(its, it) }})
	if res.Status != Optimal || !strings.Contains(log, "Simplex method") || len(its) != res.Iterations || res.Iterations == 0 {
		t.Errorf("default: %v after %d iterations, %d recorded; log:\n%s", res.Status, res.Iterations, len(its), log)
	}
	if last := its[len(its)-1]; math.Abs(last.Objective-res.Objective) > 1e-9 {
		t.Errorf("last recorded objective %g, want the solution's %g", last.Objective, res.Objective)
	}
	if res, _ := solve(context.Background(), Settings{IterationLimit: 1}); res.Status != IterationLimit || res.Iterations != 1 {
		t.Errorf("iteration limit 1: %v after %d iterations", res.Status, res.Iterations)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res, _ := solve(ctx, Settings{}); res.Status != UserInterrupt {
		t.Errorf("cancelled: %v", res.Status)
	}
	for _, set := range []Settings{{Method: LBFGS}, {Memory: 5}} {
		res, log := solve(context.Background(), set)
		if res.Status != Optimal || strings.Contains(log, "Simplex method") || !strings.Contains(log, "General reduced gradient") {
			t.Errorf("%+v: %v; want grg; log:\n%s", set, res.Status, log)
		}
	}
}

// TestDefinedColumns: under EliminateNone, the objective's column is marked
// constant for grg (only its own equation reads it, with the coefficient 1); u,
// defined by defu but read by the row least as well, is not, nor are x and y.
// Eliminated, neither is a column and nothing is marked.
func TestDefinedColumns(t *testing.T) {
	m := eliminated()
	all := map[int]bool{}
	for ei := range m.p.Equations {
		all[ei] = true
	}
	for _, tc := range []struct {
		name  string
		force map[int]bool
		want  []string
	}{
		{"none eliminated", all, []string{"obj"}},
		{"default", map[int]bool{}, nil},
	} {
		g, err := newGeneral(&m.p, m.pat, m.start(), tc.force)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for c, on := range g.definedColumns() {
			if on {
				got = append(got, m.p.Vars[g.colVB[c]].Name)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: constant columns %v, want %v", tc.name, got, tc.want)
		}
	}
}
