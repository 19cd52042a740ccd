package nnopt

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/optfile"
)

func TestApplyDotOptions(t *testing.T) {
	newModel := func() (*Model, *Variable, *Equation) {
		c := NewContainer()
		i := c.NewSet("i", "seattle", "san-diego")
		j := c.NewSet("j", "new-york", "chicago", "topeka")
		x := c.NewVariable("x", Free, i, j)
		obj := c.NewVariable("obj", Free)
		def := c.NewEquation("def")
		must(def.Define(Eq(obj, Sum(Sqr(Sub(x, Const(1))), i, j))))
		m, err := c.NewModel("m", ModelSpec{Equations: []*Equation{def}, Problem: NLP, Sense: Minimize, Objective: obj})
		must(err)
		return m, x, def
	}
	for _, tc := range []struct {
		name, file string
		want       []float64 // x.Scale, row-major (i, j)
		eqScale    float64   // def.Scale, 0 for untouched
		err        string
	}{
		{"whole symbol", "x.scale 4\n", []float64{4, 4, 4, 4, 4, 4}, 0, ""},
		{"one element, case-insensitive", "X.Scale(Seattle,Chicago) 2\n", []float64{1, 2, 1, 1, 1, 1}, 0, ""},
		{"slice then override", "x.scale(*,topeka) 8\nx.scale(san-diego,*) 0.5\n", []float64{1, 1, 8, 0.5, 0.5, 0.5}, 0, ""},
		{"all variables", "variables.scale 2\nx.scale(seattle,new-york) 3\n", []float64{3, 2, 2, 2, 2, 2}, 0, ""},
		{"an equation", "def.scale 8\n", []float64{1, 1, 1, 1, 1, 1}, 8, ""},
		{"all equations", "equations.scale 0.5\n", []float64{1, 1, 1, 1, 1, 1}, 0.5, ""},
		{"unknown symbol", "y.scale 2\n", nil, 0, `t.opt:1: y.scale 2: model "m" has no variable or equation "y"`},
		{"bad label", "x.scale(seattle,boston) 2\n", nil, 0, `t.opt:1: x.scale(seattle,boston) 2: label "boston" is not an element of set "j"`},
		{"label count", "x.scale(seattle) 2\n", nil, 0, `"x" has 2 indices, the entry gives 1 labels`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, x, def := newModel()
			f, err := optfile.Parse("t.opt", strings.NewReader(tc.file), optfile.Default())
			if err != nil {
				t.Fatal(err)
			}
			err = m.ApplyDotOptions(f)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(x.Scale, tc.want) {
				t.Errorf("x.Scale = %v, want %v", x.Scale, tc.want)
			}
			if want := tc.eqScale; want != 0 && def.Scale[0] != want || want == 0 && def.Scale[0] != 1 {
				t.Errorf("def.Scale = %v, want %g", def.Scale, want)
			}
			// The scaled model solves to the same optimum, x = 1.
			if err := m.Solve(context.Background(), Options{}); err != nil {
				t.Fatal(err)
			}
			for k, v := range x.L {
				if math.Abs(v-1) > 1e-6 {
					t.Errorf("x[%d] = %g after the scaled solve, want 1", k, v)
				}
			}
		})
	}
}
