package nnopt

import (
	"github.com/nnopt/nnopt/internal/engine"
	"math"
	"testing"
)

// jacobianCase builds the equations of a model whose Jacobian is checked.
type jacobianCase struct {
	name  string
	build func(c *Container) []*Equation
}

// jacobianCases are the block-derivative cases, the kernel pairs both ways, and
// patterns the statistics count by enumeration: conditions on rows and on summed
// indices, one variable under several index patterns, aliases, broadcasts.
func jacobianCases() []jacobianCase {
	var cases []jacobianCase
	for _, dc := range derivCases() {
		cases = append(cases, jacobianCase{dc.name, func(c *Container) []*Equation { return []*Equation{dc.build(c)} }})
	}
	for _, kp := range kernelPairs() {
		cases = append(cases,
			jacobianCase{kp.name + "/kernel", func(c *Container) []*Equation { return kp.build(c, true) }},
			jacobianCase{kp.name + "/generic", func(c *Container) []*Equation { return kp.build(c, false) }})
	}
	cases = append(cases,
		jacobianCase{"conditions-aliases-broadcast", func(c *Container) []*Equation {
			i, j, l := c.NewSet("i", "a", "b", "c", "d"), c.NewSet("j", "p", "q", "r"), c.NewSet("l", "u", "v")
			i2 := c.NewAlias("i2", i)
			sub := c.NewSubset("sub", i, j)
			must(sub.SetMembers([]int{0, 0}, []int{0, 2}, []int{1, 1}, []int{3, 0}, []int{3, 2}))
			pairs := c.NewSubset("pairs", i, i2)
			must(pairs.SetMembers([]int{0, 1}, []int{1, 1}, []int{2, 3}, []int{3, 0}))
			x := c.NewVariable("x", Free, i, j)
			y := c.NewVariable("y", Free, i)
			p := c.NewParameter("p", i, j)
			fillRand(p.Values, 1)
			// Rows over (i, j) restricted to sub; x(i,j) and x summed over a conditional
			// alias enter the same rows: one pattern covers part of the other.
			e1 := c.NewEquation("e1", i, j)
			must(e1.Define(Le(Add(Mul(p, x), Sum(Where(x.At(i2, j), pairs), i2)), Mul(y, y))))
			must(e1.Where(sub))
			// A broadcast over l, which the relation does not mention.
			e2 := c.NewEquation("e2", i, l)
			must(e2.Define(Ge(Sum(Mul(p, Sqr(x)), j), y)))
			// x under two patterns, x(i,j) and x(i2,j) for every i2.
			e3 := c.NewEquation("e3", i, j)
			must(e3.Define(Eq(Mul(x, Sum(x.At(i2, j), i2)), Const(1))))
			return []*Equation{e1, e2, e3}
		}},
		jacobianCase{"summed-condition-and-sumin", func(c *Container) []*Equation {
			i, k := c.NewSet("i", "1", "2", "3"), c.NewSet("k", "a", "b", "c", "d")
			sub := c.NewSubset("sub", i, k)
			must(sub.SetMembers([]int{0, 1}, []int{0, 3}, []int{2, 0}))
			kk := c.NewSubset("kk", k)
			must(kk.SetMembers([]int{1}, []int{2}))
			x := c.NewVariable("x", Positive, i, k)
			z := c.NewVariable("z", Free, k)
			e := c.NewEquation("e", i)
			must(e.Define(Eq(SumIn(sub, x), Sum(Where(Exp(z), kk), k))))
			tot := c.NewVariable("tot", Free)
			f := c.NewEquation("f")
			must(f.Define(Eq(tot, Add(SumIn(sub, Mul(Const(2), x)), Sum(z, k)))))
			return []*Equation{e, f}
		}},
	)
	return cases
}

func jacobianModel(t *testing.T, tc jacobianCase) *Model {
	t.Helper()
	c := NewContainer()
	eqs := tc.build(c)
	m, err := c.NewModel("m", ModelSpec{Equations: eqs, Problem: NLP, Sense: Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestJacobianStructureAndValues checks, on every case, that the structure has as many
// entries as the statistics count; that the grouped JVPs give the same values as one
// JVP per column, with every derivative outside the structure zero; that the values
// match central finite differences of the residuals; and that linear blocks have the
// same values at another point.
func TestJacobianStructureAndValues(t *testing.T) {
	for _, tc := range jacobianCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := jacobianModel(t, tc)
			st, err := m.Statistics()
			if err != nil {
				t.Fatal(err)
			}
			inst, err := m.compile()
			if err != nil {
				t.Fatal(err)
			}
			x := inst.start()
			for _, xi := range x {
				fillRand(xi, 1)
			}
			pats := inst.jacobianPattern()
			J := inst.jacobian(pats, x)
			nnz, cols := 0, 0
			for q := range J.Blocks {
				nnz += J.Blocks[q].Nonzeros()
				for _, vb := range inst.blocks[q].Vars() {
					cols += len(x[vb])
				}
			}
			if nnz != st.JacobianNonzeros {
				t.Errorf("%d entries, the statistics count %d Jacobian elements", nnz, st.JacobianNonzeros)
			}
			for q, b := range inst.blocks {
				jb := &J.Blocks[q]
				if jb.Groups > cols {
					t.Errorf("%s: %d groups for %d columns", jb.Equation.name, jb.Groups, cols)
				}
				checkBlockColumns(t, b, jb, x)
			}
			// A second point: linear blocks keep their values.
			x2 := zeros(x)
			for _, xi := range x2 {
				fillRand(xi, 2)
			}
			J2 := inst.jacobian(pats, x2)
			for q := range J.Blocks {
				if !J.Blocks[q].Linear {
					continue
				}
				for k, v := range J.Blocks[q].Value {
					if !close(v, J2.Blocks[q].Value[k], 1e-13) {
						t.Errorf("linear block %s: entry %d is %g at one point and %g at another", J.Blocks[q].Equation.name, k, v, J2.Blocks[q].Value[k])
						break
					}
				}
			}
		})
	}
}

// checkBlockColumns compares a block's grouped Jacobian with one JVP and one central
// difference per column.
func checkBlockColumns(t *testing.T, b *engine.Block, jb *JacobianBlock, x [][]float64) {
	t.Helper()
	rows := b.Rows()
	// value[(row, vb, elem)] from the structure.
	type key struct{ row, vb, elem int }
	got := map[key]float64{}
	for r := 0; r < rows; r++ {
		if jb.Active != nil && !jb.Active[r] && jb.RowStart[r+1] > jb.RowStart[r] {
			t.Errorf("%s: inactive row %d has entries", jb.Equation.name, r)
		}
		for k := jb.RowStart[r]; k < jb.RowStart[r+1]; k++ {
			if k > jb.RowStart[r] && (jb.Var[k] < jb.Var[k-1] || jb.Var[k] == jb.Var[k-1] && jb.Elem[k] <= jb.Elem[k-1]) {
				t.Errorf("%s: row %d is not sorted by variable and element", jb.Equation.name, r)
			}
			got[key{r, int(jb.Var[k]), int(jb.Elem[k])}] = jb.Value[k]
		}
	}
	r0 := make([]float64, rows)
	b.Eval(x, r0)
	for i := range r0 {
		if r0[i] != jb.Residual[i] {
			t.Fatalf("%s: residual %d is %g, Eval gives %g", jb.Equation.name, i, jb.Residual[i], r0[i])
		}
	}
	seed := zeros(x)
	jv := make([]float64, rows)
	rp, rm := make([]float64, rows), make([]float64, rows)
	const h = 1e-6
	for _, vb := range b.Vars() {
		for el := range x[vb] {
			seed[vb][el] = 1
			b.Eval(x, r0)
			b.JVP(seed, jv)
			seed[vb][el] = 0
			old := x[vb][el]
			x[vb][el] = old + h
			b.Eval(x, rp)
			x[vb][el] = old - h
			b.Eval(x, rm)
			x[vb][el] = old
			for r := 0; r < rows; r++ {
				v, in := got[key{r, vb, el}]
				switch {
				case !in && jv[r] != 0:
					t.Fatalf("%s: d row %d / d var %d[%d] = %g is outside the structure", jb.Equation.name, r, vb, el, jv[r])
				case !close(v, jv[r], 1e-12):
					t.Fatalf("%s: d row %d / d var %d[%d]: grouped %g, column JVP %g", jb.Equation.name, r, vb, el, v, jv[r])
				}
				if fd := (rp[r] - rm[r]) / (2 * h); math.Abs(fd-v) > 1e-6*(1+math.Abs(v)) {
					t.Fatalf("%s: d row %d / d var %d[%d]: grouped %g, finite difference %g", jb.Equation.name, r, vb, el, v, fd)
				}
			}
		}
	}
}

// TestJacobianGroupsShareNoRow checks the colouring: no two columns of a group have an
// entry in one row, and a dense block (every column in every row) needs one group per
// column while a diagonal one needs one group.
func TestJacobianGroupsShareNoRow(t *testing.T) {
	for _, tc := range jacobianCases() {
		m := jacobianModel(t, tc)
		inst, err := m.compile()
		if err != nil {
			t.Fatal(err)
		}
		for q, p := range inst.jacobianPattern() {
			seen := map[[2]int]int{} // (group, row) -> column seen
			total := 0
			for g, ents := range p.GroupEntries {
				for _, k := range ents {
					key := [2]int{g, int(p.Row[k])}
					col := int(p.VB[k])<<32 | int(p.Elem[k])
					if c, ok := seen[key]; ok && c != col {
						t.Fatalf("%s, equation %s: group %d has two columns in row %d", tc.name, inst.eqs[q].name, g, p.Row[k])
					}
					seen[key] = col
				}
				total += len(ents)
			}
			if total != len(p.VB) {
				t.Fatalf("%s: groups hold %d entries of %d", tc.name, total, len(p.VB))
			}
		}
	}
	c := NewContainer()
	i, j := c.NewSet("i", "1", "2", "3"), c.NewSet("j", "a", "b", "c", "d")
	x := c.NewVariable("x", Free, i)
	y := c.NewVariable("y", Free, i, j)
	dense := c.NewEquation("dense", j)
	must(dense.Define(Eq(Sum(Sqr(x), i), Const(1))))
	diag := c.NewEquation("diag", i, j)
	must(diag.Define(Eq(Tanh(y), Const(0.5))))
	m, err := c.NewModel("m", ModelSpec{Equations: []*Equation{dense, diag}, Problem: NLP, Sense: Feasibility})
	must(err)
	J, err := m.Jacobian()
	must(err)
	if J.Blocks[0].Groups != 3 || J.Blocks[1].Groups != 1 {
		t.Errorf("groups: dense %d (want 3), diagonal %d (want 1)", J.Blocks[0].Groups, J.Blocks[1].Groups)
	}
	if J.Blocks[0].Linear || J.Blocks[1].Linear {
		t.Error("nonlinear blocks marked linear")
	}
}
