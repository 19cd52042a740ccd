package nlpsolve

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// affine is r = coef·x[def] - Σ x[src]: a block defining def from src.
type affine struct {
	def, src int
	coef     float64
	x        [][]float64
}

func (a *affine) Rows() int { return 1 }
func (a *affine) Eval(x [][]float64, r []float64) {
	a.x = x
	r[0] = a.coef*x[a.def][0] - x[a.src][0]
}
func (a *affine) JVP(v [][]float64, jv []float64) { jv[0] = a.coef*v[a.def][0] - v[a.src][0] }
func (a *affine) VJP(w []float64, g [][]float64) {
	g[a.def][0] += a.coef * w[0]
	g[a.src][0] -= w[0]
}
func (a *affine) HVP(w, wdot []float64, v [][]float64, hv [][]float64) { a.VJP(wdot, hv) }

func vars(n int) []Variable {
	out := make([]Variable, n)
	for i := range out {
		out[i] = Variable{Name: string(rune('a' + i)), Lo: []float64{-inf}, Up: []float64{inf}}
	}
	return out
}

func TestStructureErrors(t *testing.T) {
	eq := func(name string, def, src int) Equation {
		return Equation{Name: name, Block: &affine{def: def, src: src, coef: 1}, Vars: []int{def, src}, Defines: def, Coef: 1}
	}
	x0 := [][]float64{{0}, {0}, {0}}
	for _, tc := range []struct {
		name string
		eqs  []Equation
		want string
	}{
		{"cycle", []Equation{eq("e1", 0, 1), eq("e2", 1, 0)}, "cycle"},
		{"twice", []Equation{eq("e1", 0, 1), eq("e2", 0, 2)}, "defined by both"},
		{"inequality", []Equation{{Name: "cap", Block: &affine{def: 0, src: 1, coef: 1}, Relation: LessEqual, Vars: []int{0, 1}, Defines: -1}}, "cap"},
	} {
		p := &Problem{Vars: vars(3), Equations: tc.eqs, Objective: 2}
		_, err := Solve(context.Background(), p, x0, Settings{})
		if !errors.Is(err, ErrNotTriangular) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// A linear objective over a box ends at the bound with the reduced cost as marginal.
func TestLinearObjectiveStopsAtBound(t *testing.T) {
	vs := vars(2)
	vs[1].Lo[0], vs[1].Up[0] = -3, 4
	p := &Problem{Vars: vs, Equations: []Equation{{Name: "obj", Block: &affine{def: 0, src: 1, coef: 2}, Vars: []int{0, 1}, Defines: 0, Coef: 2}}, Objective: 0, Maximize: true}
	res, err := Solve(context.Background(), p, [][]float64{{0}, {1}}, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || res.X[1][0] != 4 || res.Objective != 2 || res.VarMarginals[1][0] != 0.5 || res.EqMarginals[0][0] != 0.5 {
		t.Errorf("%+v", res)
	}
}

// TestSweepOrder pins the forward-sweep order, ties included: the iterates of both
// methods depend on it bit for bit.
func TestSweepOrder(t *testing.T) {
	// eq reads the variable blocks in reads and defines the block def.
	eq := func(def int, reads ...int) Equation {
		return Equation{Defines: def, Vars: append([]int{def}, reads...)}
	}
	for _, tc := range []struct {
		name           string
		eqs            []Equation
		keep           func(int) bool
		order, blocked []int
	}{
		{name: "independent in index order", eqs: []Equation{eq(0, 5), eq(1, 5), eq(2)}, order: []int{0, 1, 2}},
		{name: "chain against index order", eqs: []Equation{eq(0, 1), eq(1, 2), eq(2)}, order: []int{2, 1, 0}},
		// 3 is ready first; placing it frees 1 then 0 (the order of its readers), and 2
		// waits for both.
		{name: "diamond", eqs: []Equation{eq(0, 3), eq(1, 3), eq(2, 0, 1), eq(3)}, order: []int{3, 0, 1, 2}},
		// Ready equations (0, 2) go before those freed later (1, freed by 0).
		{name: "first come first served", eqs: []Equation{eq(0), eq(1, 0), eq(2)}, order: []int{0, 2, 1}},
		{name: "reading a block twice", eqs: []Equation{eq(0, 1, 1), eq(1)}, order: []int{1, 0}},
		{name: "cycle and its reader", eqs: []Equation{eq(0, 1), eq(1, 0), eq(2, 1), eq(3)}, order: []int{3}, blocked: []int{0, 1, 2}},
		{name: "kept only", eqs: []Equation{eq(0), eq(1, 2), eq(2), eq(3, 1)}, keep: func(ei int) bool { return ei != 0 }, order: []int{2, 1, 3}},
	} {
		p := &Problem{Vars: vars(6), Equations: tc.eqs}
		defined := []int{-1, -1, -1, -1, -1, -1}
		for ei, e := range tc.eqs {
			if tc.keep == nil || tc.keep(ei) {
				defined[e.Defines] = ei
			}
		}
		order, blocked := sweepOrder(p, defined, tc.keep)
		if !slices.Equal(order, tc.order) || !slices.Equal(blocked, tc.blocked) {
			t.Errorf("%s: order %v, blocked %v; want %v, %v", tc.name, order, blocked, tc.order, tc.blocked)
		}
	}
}
