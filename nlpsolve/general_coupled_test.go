package nlpsolve

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// layer is the block r_i = k·y_i - f(Σ_j a_ij·x_{c_ij}) - rhs_i with its own columns
// per row: with def ≥ 0 it defines the vector block def (coefficient k), a network
// layer; with def < 0 it is a family of constraint rows. f is tanh, or the identity
// when lin is set. Rows outside active (nil: every row) are zero, as the engine
// leaves rows outside an equation's condition.
type layer struct {
	def    int
	cols   [][]col
	a      [][]float64
	rhs    []float64
	active []bool
	lin    bool
	k      float64   // the defined variable's coefficient; 0 means 1
	s      []float64 // pre-activations at the last Eval
}

func (l *layer) Rows() int         { return len(l.cols) }
func (l *layer) on(i int) bool     { return l.active == nil || l.active[i] }
func (l *layer) defines(i int) col { return col{l.def, i} }

func (l *layer) coef() float64 {
	if l.k == 0 {
		return 1
	}
	return l.k
}

func (l *layer) f(s float64) (f, d1, d2 float64) {
	if l.lin {
		return s, 1, 0
	}
	t := math.Tanh(s)
	return t, 1 - t*t, -2 * t * (1 - t*t)
}

func (l *layer) columns() []col {
	var out []col
	seen := map[col]bool{}
	add := func(c col) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for i, cs := range l.cols {
		if l.def >= 0 {
			add(l.defines(i))
		}
		for _, c := range cs {
			add(c)
		}
	}
	return out
}

func (l *layer) pattern() *Pattern {
	p := &Pattern{RowStart: []int{0}, Active: l.active}
	group := map[col]int{}
	add := func(r int, c col) {
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
	for i, cs := range l.cols {
		if l.on(i) {
			if l.def >= 0 {
				add(i, l.defines(i))
			}
			for _, c := range cs {
				add(i, c)
			}
		}
		p.RowStart = append(p.RowStart, len(p.Row))
	}
	return p
}

func (l *layer) Eval(x [][]float64, r []float64) {
	l.s = l.s[:0]
	for i, cs := range l.cols {
		s := 0.0
		for j, c := range cs {
			s += l.a[i][j] * x[c.vb][c.el]
		}
		l.s = append(l.s, s)
		r[i] = 0
		if !l.on(i) {
			continue
		}
		f, _, _ := l.f(s)
		r[i] = -f - l.rhs[i]
		if l.def >= 0 {
			r[i] += l.coef() * x[l.def][i]
		}
	}
}

func (l *layer) JVP(v [][]float64, jv []float64) {
	for i, cs := range l.cols {
		jv[i] = 0
		if !l.on(i) {
			continue
		}
		_, d1, _ := l.f(l.s[i])
		for j, c := range cs {
			jv[i] -= d1 * l.a[i][j] * v[c.vb][c.el]
		}
		if l.def >= 0 {
			jv[i] += l.coef() * v[l.def][i]
		}
	}
}

func (l *layer) VJP(w []float64, g [][]float64) {
	for i, cs := range l.cols {
		if !l.on(i) {
			continue
		}
		_, d1, _ := l.f(l.s[i])
		for j, c := range cs {
			g[c.vb][c.el] -= d1 * l.a[i][j] * w[i]
		}
		if l.def >= 0 {
			g[l.def][i] += l.coef() * w[i]
		}
	}
}

func (l *layer) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	for i, cs := range l.cols {
		if !l.on(i) {
			continue
		}
		_, d1, d2 := l.f(l.s[i])
		sv := 0.0
		for j, c := range cs {
			sv += l.a[i][j] * v[c.vb][c.el]
		}
		for j, c := range cs {
			hv[c.vb][c.el] -= d2*sv*l.a[i][j]*w[i] + d1*l.a[i][j]*wdot[i]
		}
		if l.def >= 0 {
			hv[l.def][i] += l.coef() * wdot[i]
		}
	}
}

// coupledModel builds layered test models with a seeded random source.
type coupledModel struct {
	*testModel
	rng *rand.Rand
}

func newCoupledModel(seed uint64) *coupledModel {
	return &coupledModel{newTestModel(), rand.New(rand.NewPCG(seed, 7))}
}

// vector adds a variable block of n elements in [lo, up] starting at random levels.
func (m *coupledModel) vector(name string, n int, lo, up float64) int {
	v := Variable{Name: name, Lo: make([]float64, n), Up: make([]float64, n)}
	x := make([]float64, n)
	for i := range x {
		v.Lo[i], v.Up[i] = lo, up
		if !math.IsInf(lo, 0) && !math.IsInf(up, 0) {
			x[i] = lo + (up-lo)*m.rng.Float64()
		} else {
			x[i] = m.rng.NormFloat64()
		}
	}
	m.names[name] = len(m.p.Vars)
	m.p.Vars = append(m.p.Vars, v)
	m.x0 = append(m.x0, x)
	return len(m.p.Vars) - 1
}

// elems are the columns el of the block vb.
func elems(vb int, el ...int) []col {
	out := make([]col, len(el))
	for i, e := range el {
		out[i] = col{vb, e}
	}
	return out
}

// span is 0, 1, ..., n-1.
func span(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// layer adds the equation rows of the layer over the columns cols(i) of row i, with
// random coefficients: it defines the vector block def unless def < 0, in which case
// it is a family of rows of relation rel.
func (m *coupledModel) layer(name string, def int, rel Relation, rows int, cols func(i int) []col, lin bool, active []bool) {
	l := &layer{def: def, lin: lin, active: active, rhs: make([]float64, rows)}
	for i := 0; i < rows; i++ {
		cs := cols(i)
		a := make([]float64, len(cs))
		for j := range a {
			a[j] = m.rng.NormFloat64() / math.Sqrt(float64(len(cs)))
		}
		l.cols = append(l.cols, cs)
		l.a = append(l.a, a)
		if def < 0 {
			// -f(s) - rhs ≤ 0 with f(s) ≥ -rhs in [-0.9, -0.2], or ≥ 0 with
			// f(s) ≤ -rhs in [0.2, 0.9]: loose enough to be feasible, and some bind.
			l.rhs[i] = 0.2 + 0.7*m.rng.Float64()
			if rel == GreaterEqual {
				l.rhs[i] = -l.rhs[i]
			}
		}
	}
	m.equation(name, rel, l)
	if def >= 0 {
		e := &m.p.Equations[len(m.p.Equations)-1]
		e.Relation, e.Defines, e.Coef = Equal, def, 1
	}
}

// network adds x → tanh hidden layer → linear outputs (dense layers) and returns
// the output block.
func (m *coupledModel) network(prefix string, x, nin, nhid, nout int) int {
	h := m.vector(prefix+"h", nhid, negInf, posInf)
	m.layer(prefix+"hid", h, Equal, nhid, func(int) []col { return elems(x, span(nin)...) }, false, nil)
	y := m.vector(prefix+"y", nout, negInf, posInf)
	m.layer(prefix+"out", y, Equal, nout, func(int) []col { return elems(h, span(nhid)...) }, true, nil)
	return y
}

// The structures of the coupled-row tests. Each has a linear objective over its
// inputs, so that it can be solved too.
func oneChain() *coupledModel {
	m := newCoupledModel(1)
	x := m.vector("x", 6, -1, 1)
	m.p.Vars[x].Lo[0], m.p.Vars[x].Up[0] = 0.25, 0.25 // a fixed element: no column
	m.x0[x][0] = 0.25
	y0 := m.network("", x, 6, 8, 40)
	// A third, element-wise layer y/2 = tanh(y0): an odd depth and a coefficient.
	y := m.vector("y2", 40, negInf, posInf)
	m.layer("act", y, Equal, 40, func(i int) []col { return elems(y0, i) }, false, nil)
	m.p.Equations[m.names["act"]].Block.(*layer).k = 0.5
	m.p.Equations[m.names["act"]].Coef = 0.5
	m.layer("lim", -1, LessEqual, 40, func(i int) []col { return elems(y, i, (i+1)%40) }, false, nil)
	m.objective("obj", false, nil, nil)
	m.objectiveOver(x)
	return m
}

func severalChains() *coupledModel {
	m := newCoupledModel(2)
	x1, x2 := m.vector("x1", 4, -1, 1), m.vector("x2", 3, -1, 1)
	z := m.vector("z", 1, -2, 2)
	y1 := m.network("a", x1, 4, 5, 30)
	y2 := m.network("b", x2, 3, 4, 30)
	m.layer("mix", -1, LessEqual, 30, func(i int) []col { return []col{{y1, i}, {y2, (i + 3) % 30}, {z, 0}} }, false, nil)
	m.objective("obj", false, nil, nil)
	m.objectiveOver(x1, x2, z)
	return m
}

// batchLag is a network applied to each of 25 samples of 3 inputs (block-diagonal
// layers); row s reads the outputs of samples s and s-1 (a lag), and row 0 lies
// outside the condition.
func batchLag() *coupledModel {
	m := newCoupledModel(3)
	const S, nin, nhid = 25, 3, 4
	x := m.vector("x", S*nin, -1, 1)
	h := m.vector("h", S*nhid, negInf, posInf)
	m.layer("hid", h, Equal, S*nhid, func(i int) []col {
		s := i / nhid
		return elems(x, s*nin, s*nin+1, s*nin+2)
	}, false, nil)
	y := m.vector("y", S, negInf, posInf)
	m.layer("out", y, Equal, S, func(s int) []col { return elems(h, s*nhid, s*nhid+1, s*nhid+2, s*nhid+3) }, false, nil)
	active := make([]bool, S)
	for s := 1; s < S; s++ {
		active[s] = true
	}
	m.layer("lag", -1, GreaterEqual, S, func(s int) []col { return elems(y, s, max(s-1, 0)) }, false, active)
	m.objective("obj", false, nil, nil)
	m.objectiveOver(x)
	return m
}

// wide has 2 rows that read a network over 30 inputs: adjoint sweeps are cheaper.
func wide() *coupledModel {
	m := newCoupledModel(4)
	x := m.vector("x", 30, -1, 1)
	y := m.network("", x, 30, 6, 2)
	m.layer("lim", -1, LessEqual, 2, func(i int) []col { return elems(y, 0, 1) }, false, nil)
	m.objective("obj", false, nil, nil)
	m.objectiveOver(x)
	return m
}

// objectiveOver replaces the objective's defining equation by a linear one with
// random costs over every element of the blocks vbs.
func (m *coupledModel) objectiveOver(vbs ...int) {
	obj := m.p.Objective
	ei := m.names["defobj"]
	cs := []col{{obj, 0}}
	a := []float64{1}
	for _, vb := range vbs {
		for el := range m.p.Vars[vb].Lo {
			cs = append(cs, col{vb, el})
			a = append(a, m.rng.NormFloat64())
		}
	}
	b := &denseLinear{cols: cs, a: [][]float64{a}, b: []float64{0}}
	m.p.Equations[ei].Block = b
	m.p.Equations[ei].Vars = nil
	for _, vb := range append([]int{obj}, vbs...) {
		m.p.Equations[ei].Vars = append(m.p.Equations[ei].Vars, vb)
	}
}

// withMode runs f with the coupled rows' sweeps forced to mode.
func withMode(mode int, f func()) {
	old := coupledMode
	coupledMode = mode
	defer func() { coupledMode = old }()
	f()
}

// TestCoupledJacobian compares the Jacobian of the rows that read eliminated
// variables, by tangent sweeps over column groups and by adjoint sweeps per row, with
// central differences of the rows at a random point, over every column and row (so
// an entry missing from the composite pattern fails too), and checks the sweeps'
// counts and the pattern's size.
func TestCoupledJacobian(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model func() *coupledModel
		auto  int // the mode chosen automatically
		nnz   int // coupled entries, from the composite pattern
		maxGr int // at most this many column groups
	}{
		{name: "one chain", model: oneChain, auto: coupledForward, nnz: 40 * 5, maxGr: 5},
		{name: "several chains", model: severalChains, auto: coupledForward, nnz: 30 * 8, maxGr: 8},
		{name: "batch, lag and condition", model: batchLag, auto: coupledForward, nnz: 24 * 6, maxGr: 9},
		{name: "few rows, many columns", model: wide, auto: coupledReverse, nnz: 2 * 30, maxGr: 30},
	} {
		for _, mode := range []int{coupledAuto, coupledForward, coupledReverse} {
			name := tc.name + []string{"/auto", "/tangent", "/adjoint"}[mode]
			t.Run(name, func(t *testing.T) {
				m := tc.model()
				if mode == coupledAuto {
					checkFakes(t, &m.p)
				}
				var g *general
				var err error
				withMode(mode, func() { g, err = newGeneral(&m.p, m.pat, m.start(), nil) })
				if err != nil {
					t.Fatal(err)
				}
				want := mode
				if want == coupledAuto {
					want = tc.auto
				}
				cj := &g.cj
				nrows := cj.nrows[0] + cj.nrows[1]
				if (want == coupledForward) != (cj.nrows[0] == nrows) || nrows == 0 {
					t.Errorf("%d rows by tangent sweeps, %d by adjoint sweeps; want all by mode %d", cj.nrows[0], cj.nrows[1], want)
				}
				if want == coupledForward && (len(cj.groups) > tc.maxGr || len(cj.groups) == 0) {
					t.Errorf("%d column groups, want 1 to %d", len(cj.groups), tc.maxGr)
				}
				checkGeneralJacobian(t, g, tc.nnz)
			})
		}
	}
}

// checkGeneralJacobian compares g's Jacobian with central differences of its rows at
// a random point; coupled is the number of entries in rows that read eliminated
// variables.
func checkGeneralJacobian(t *testing.T, g *general, coupled int) {
	t.Helper()
	n, m := g.Dims()
	colPtr, rowIdx := g.Pattern()
	rng := rand.New(rand.NewPCG(5, 5))
	xc := make([]float64, n)
	for j := range xc {
		xc[j] = 0.7 * (2*rng.Float64() - 1)
	}
	jac, c := make([]float64, len(rowIdx)), make([]float64, m)
	if _, err := g.eval(xc, c, nil, jac); err != nil {
		t.Fatal(err)
	}
	dense := make([][]float64, m)
	for i := range dense {
		dense[i] = make([]float64, n)
	}
	for j := 0; j < n; j++ {
		for k := colPtr[j]; k < colPtr[j+1]; k++ {
			dense[rowIdx[k]][j] = jac[k]
		}
	}
	isCoupled := make([]bool, m)
	for _, ge := range g.gen {
		if ge.pat == nil {
			for _, row := range ge.rows {
				if row >= 0 {
					isCoupled[row] = true
				}
			}
		}
	}
	nc := 0
	for j := 0; j < n; j++ {
		for k := colPtr[j]; k < colPtr[j+1]; k++ {
			if isCoupled[rowIdx[k]] {
				nc++
			}
		}
	}
	if nc != coupled {
		t.Errorf("%d coupled Jacobian entries, want %d", nc, coupled)
	}
	const h = 1e-6
	cp, cm := make([]float64, m), make([]float64, m)
	for j := 0; j < n; j++ {
		x := append([]float64(nil), xc...)
		x[j] = xc[j] + h
		if _, err := g.eval(x, cp, nil, nil); err != nil {
			t.Fatal(err)
		}
		x[j] = xc[j] - h
		if _, err := g.eval(x, cm, nil, nil); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < m; i++ {
			fd := (cp[i] - cm[i]) / (2 * h)
			if math.Abs(dense[i][j]-fd) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("∂row %d/∂column %d = %g, central difference %g", i, j, dense[i][j], fd)
			}
		}
	}
}

// TestCoupledSolve: the general method reaches the same point by tangent and by
// adjoint sweeps on each structure.
func TestCoupledSolve(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model func() *coupledModel
		rows  string // the coupled rows: some bind
	}{
		{"one chain", oneChain, "lim"}, {"several chains", severalChains, "mix"}, {"batch, lag and condition", batchLag, "lag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var res [2]*Result
			for k, mode := range []int{coupledForward, coupledReverse} {
				m := tc.model()
				var err error
				withMode(mode, func() { res[k], err = SolveGeneral(context.Background(), &m.p, m.pat, m.start(), Settings{}) })
				if err != nil {
					t.Fatal(err)
				}
				if res[k].Status != Optimal || res[k].MaxInfeasibility > 1e-7 {
					t.Fatalf("mode %d: %v, infeasibility %g; want optimal and feasible", mode, res[k].Status, res[k].MaxInfeasibility)
				}
				binding := 0
				for _, y := range res[k].EqMarginals[m.names[tc.rows]] {
					if math.Abs(y) > 1e-9 {
						binding++
					}
				}
				if binding == 0 {
					t.Errorf("mode %d: no row of %s binds; the test wants some", mode, tc.rows)
				}
			}
			if d := math.Abs(res[0].Objective - res[1].Objective); d > 1e-7*(1+math.Abs(res[1].Objective)) {
				t.Errorf("objective %g by tangent sweeps, %g by adjoint sweeps", res[0].Objective, res[1].Objective)
			}
		})
	}
}

// TestCoupledTooLarge: past the limit on stored entries the general method refuses
// with the sizes and the equations named.
func TestCoupledTooLarge(t *testing.T) {
	old := coupledEntryLimit
	coupledEntryLimit = 100
	defer func() { coupledEntryLimit = old }()
	m := oneChain()
	_, err := newGeneral(&m.p, m.pat, m.start(), nil)
	if !errors.Is(err, ErrCoupledJacobianTooLarge) || !strings.Contains(err.Error(), `rows of lim read`) || !strings.Contains(err.Error(), "has 105 entries") || !strings.Contains(err.Error(), "at most 100") {
		t.Fatalf("error %v; want ErrCoupledJacobianTooLarge naming lim, the 105 entries and the limit", err)
	}
}

// TestCoupledBadPattern: a pattern whose rows point past its entries, for a row
// that reads eliminated variables or for an eliminated equation behind it, is an
// error naming the equation, not a panic.
func TestCoupledBadPattern(t *testing.T) {
	for _, name := range []string{"lim", "out"} {
		m := oneChain()
		bad := m.names[name]
		pat := func(ei int) (*Pattern, error) {
			pt, err := m.pat(ei)
			if ei == bad {
				pt.RowStart[2] = len(pt.Var) + 5
			}
			return pt, err
		}
		_, err := newGeneral(&m.p, pat, m.start(), nil)
		if err == nil || !strings.Contains(err.Error(), `equation "`+name+`"`) {
			t.Errorf("%s: error %v; want one naming the equation", name, err)
		}
	}
}
