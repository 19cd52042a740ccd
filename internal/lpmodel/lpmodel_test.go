package lpmodel

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/lpfile"
)

func label(name string) func(int) string {
	return func(i int) string { return name + "(" + strconv.Itoa(i) + ")" }
}

// The model x(0..1) ≥ 0, b binary, obj free; rows r: 2·x0 + 0·x1 - 4 ≤ 0 (r(0)) and
// x1 + b ≤ 0 (r(1)), one nonbinding row, obj = 3·x0. Scaled: x by 2, r by 4.
func testModel(scaled bool) Model {
	inf := math.Inf(1)
	return Model{Name: "m", Maximize: true, Objective: 2, Scaled: scaled, Comment: "Objective: obj",
		Vars: []Var{
			{Size: 2, Label: label("x"), Lo: []float64{0, 0}, Up: []float64{inf, 8}, Scale: []float64{2, 2}},
			{Size: 1, Label: label("b"), Lo: []float64{0}, Up: []float64{1}, Scale: []float64{1}, Binary: true},
			{Size: 1, Label: label("obj"), Lo: []float64{-inf}, Up: []float64{inf}, Scale: []float64{1}},
		},
		Blocks: []Block{
			{Label: label("r"), Rel: lpfile.LE, Scale: []float64{4, 4}, RowStart: []int{0, 2, 4},
				Var: []int32{0, 0, 0, 1}, Elem: []int32{0, 1, 1, 0}, Value: []float64{2, 0, 1, 1}, Residual: []float64{-4, 0}},
			{Label: label("n"), Nonbinding: true, Scale: []float64{1}, RowStart: []int{0, 0}, Residual: []float64{1}},
			{Label: label("def"), Rel: lpfile.EQ, Scale: []float64{1}, RowStart: []int{0, 2},
				Var: []int32{2, 0}, Elem: []int32{0, 0}, Value: []float64{1, -3}, Residual: []float64{0}},
		}}
}

func TestProgram(t *testing.T) {
	for _, scaled := range []bool{false, true} {
		p, err := Program(testModel(scaled))
		if err != nil {
			t.Fatal(err)
		}
		c, d := 1.0, 1.0 // x's scale, r's scale
		if scaled {
			c, d = 2, 4
		}
		if len(p.Columns) != 4 || p.Columns[1].Up != 8/c || p.Columns[2].Kind != lpfile.Binary || p.Objective != (lpfile.Entry{Index: 3, Coef: 1}) {
			t.Errorf("scaled %v: columns %+v, objective %+v", scaled, p.Columns, p.Objective)
		}
		want := []lpfile.Row{
			{Name: "r(0)", Rel: lpfile.LE, RHS: 4 / d, Entries: []lpfile.Entry{{Index: 0, Coef: 2 * c / d}}},
			{Name: "r(1)", Rel: lpfile.LE, RHS: 0, Entries: []lpfile.Entry{{Index: 1, Coef: c / d}, {Index: 2, Coef: 1 / d}}},
			{Name: "def(0)", Rel: lpfile.EQ, RHS: 0, Entries: []lpfile.Entry{{Index: 3, Coef: 1}, {Index: 0, Coef: -3 * c}}},
		}
		if len(p.Rows) != len(want) {
			t.Fatalf("scaled %v: %d rows, want %d", scaled, len(p.Rows), len(want))
		}
		for i, w := range want {
			g := p.Rows[i]
			if g.Name != w.Name || g.Rel != w.Rel || g.RHS != w.RHS || math.Signbit(g.RHS) || !slices.Equal(g.Entries, w.Entries) {
				t.Errorf("scaled %v: row %d %+v, want %+v", scaled, i, g, w)
			}
		}
		if p.Comments[0] != "Objective: obj" || p.Comments[1] != "1 nonbinding (=N=) rows left out" || len(p.Comments) != map[bool]int{false: 2, true: 4}[scaled] {
			t.Errorf("scaled %v: comments %q", scaled, p.Comments)
		}
	}
}

func TestProgramErrors(t *testing.T) {
	bad := errors.New("equation \"r\" has type EqType(9)")
	for _, tc := range []struct {
		edit func(*Model)
		err  string
	}{
		{func(m *Model) { m.Vars[0].Lo[1] = math.NaN() }, "variable x(1) has bounds [NaN, 8]"},
		{func(m *Model) { m.Vars[1].Up[0] = math.Inf(-1) }, "variable b(0) has bounds [0, -Inf]"},
		{func(m *Model) { m.Blocks[0].Residual[1] = math.Inf(1) }, "row r(1) has right-hand side -Inf"},
		{func(m *Model) { m.Blocks[2].Value[1] = math.NaN() }, "row def(0) has coefficient NaN"},
		{func(m *Model) { m.Blocks[0].Err = bad }, bad.Error()},
	} {
		m := testModel(false)
		tc.edit(&m)
		if _, err := Program(m); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("error %v, want %q", err, tc.err)
		}
	}
}
