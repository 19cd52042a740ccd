package dotopt

import (
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/optfile"
)

type axis struct {
	name   string
	labels []string
}

func (a axis) Name() string     { return a.name }
func (a axis) Labels() []string { return a.labels }
func (a axis) Len() int         { return len(a.labels) }

func parse(t *testing.T, text string) *optfile.File {
	t.Helper()
	f, err := optfile.Parse("t.opt", strings.NewReader(text), optfile.Default())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A slice of a three-dimensional symbol sets every element its labels match,
// row-major; other symbols are left alone.
func TestApplySlice(t *testing.T) {
	i := axis{"i", []string{"a", "b"}}
	j := axis{"j", []string{"p", "q", "r"}}
	k := axis{"k", []string{"u", "v"}}
	x := Symbol{Name: "x", Domain: []Axis{i, j, k}, Scale: make([]float64, 12)}
	y := Symbol{Name: "y", Domain: []Axis{i}, Scale: []float64{1, 1}}
	if err := Apply(parse(t, "x.scale(B,*,v) 2\n"), "m", []Symbol{x, y}, nil); err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 2}
	if !slices.Equal(x.Scale, want) || !slices.Equal(y.Scale, []float64{1, 1}) {
		t.Errorf("x.Scale %v, y.Scale %v, want %v and [1 1]", x.Scale, y.Scale, want)
	}
}

// A name both a variable and an equation answer to, ignoring case, is the equation's.
func TestApplyEquationFirst(t *testing.T) {
	v := Symbol{Name: "E", Scale: []float64{1}}
	e := Symbol{Name: "e", Scale: []float64{1}}
	if err := Apply(parse(t, "e.scale 4\n"), "m", []Symbol{v}, []Symbol{e}); err != nil {
		t.Fatal(err)
	}
	if v.Scale[0] != 1 || e.Scale[0] != 4 {
		t.Errorf("variable E scale %g, equation e scale %g; want 1 and 4", v.Scale[0], e.Scale[0])
	}
}
