package freeze

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// dense is a parameter-like modifiable over n elements with default 0, holding the
// instance data cur, which was base at Freeze.
func dense(name string, data *[]float64, base []float64, act []bool) *Mod {
	return &Mod{Name: name, Data: func() []float64 { return *data },
		Element: func(i int) string { return name + "('" + strconv.Itoa(i) + "')" },
		Act:     act, Cur: slices.Clone(base), Base: slices.Clone(base)}
}

func TestApplyDenseUpdateTypes(t *testing.T) {
	eps := math.Copysign(0, -1)
	base := []float64{1, 2, 3, 4}
	act := []bool{true, true, false, true}
	for _, tc := range []struct {
		u    Update
		act  []bool
		cur  []float64 // the instance before the update
		data []float64
		want []float64
	}{
		{Zero, nil, []float64{9, 9, 9, 9}, []float64{0, eps, 7, 0}, []float64{0, 0, 7, 0}},
		{Zero, act, []float64{9, 9, 9, 9}, []float64{0, eps, 0, 5}, []float64{0, 0, 9, 5}},
		{BaseCase, nil, []float64{9, 9, 9, 9}, []float64{0, eps, 7, 0}, []float64{1, 0, 7, 4}},
		{BaseCase, act, []float64{9, 9, 9, 9}, []float64{0, 0, 0, 5}, []float64{1, 2, 9, 5}},
		{Accumulate, nil, []float64{9, 9, 9, 9}, []float64{0, eps, 7, 0}, []float64{9, 0, 7, 9}},
	} {
		data := tc.data
		md := dense("b", &data, base, tc.act)
		copy(md.Cur, tc.cur)
		if err := Apply([]*Mod{md}, tc.u, 0); err != nil {
			t.Fatalf("update %d, act %v: %v", tc.u, tc.act, err)
		}
		for i, v := range md.Cur {
			if v != tc.want[i] || math.Signbit(v) {
				t.Errorf("update %d, act %v, data %v: instance %v, want %v (no negative zero)", tc.u, tc.act, tc.data, md.Cur, tc.want)
				break
			}
		}
	}
}

func TestApplyFixedValues(t *testing.T) {
	inf := math.Inf(1)
	lo := []float64{2, 0, 0}
	up := []float64{2, inf, 5}
	md := &Mod{Name: "x.fx", Data: func() []float64 { return lo }, Bounds: func() ([]float64, []float64) { return lo, up },
		Cur: []float64{-1, -1, -1}, CurUp: []float64{1, 1, 1}, Lev: []float64{7, 7, 7},
		Base: []float64{-3, -3, -3}, BaseUp: []float64{3, 3, 3}, DefLo: 0, DefUp: inf}
	if err := Apply([]*Mod{md}, Accumulate, 0); err != nil {
		t.Fatal(err)
	}
	if want := []float64{2, -1, -1}; !slices.Equal(md.Cur, want) {
		t.Errorf("accumulate: lower bounds %v, want %v", md.Cur, want)
	}
	if want := []float64{2, 7, 7}; !slices.Equal(md.Lev, want) {
		t.Errorf("accumulate: levels %v, want %v (a fixed element fixes its level)", md.Lev, want)
	}
	if err := Apply([]*Mod{md}, Zero, 0); err != nil {
		t.Fatal(err)
	}
	if want := []float64{2, inf, inf}; !slices.Equal(md.CurUp, want) {
		t.Errorf("zero: upper bounds %v, want %v (the type's)", md.CurUp, want)
	}
	if err := Apply([]*Mod{md}, BaseCase, 0); err != nil {
		t.Fatal(err)
	}
	if want, wantUp := []float64{2, -3, -3}, []float64{2, 3, 3}; !slices.Equal(md.Cur, want) || !slices.Equal(md.CurUp, wantUp) {
		t.Errorf("base case: bounds %v, %v, want %v, %v (those at Freeze)", md.Cur, md.CurUp, want, wantUp)
	}
}

func TestApplyUnmatched(t *testing.T) {
	a := []float64{0, 1, 0, 1}
	b := []float64{0, 0, 2, 0}
	act := []bool{true, false, false, false}
	ma := dense("a", &a, make([]float64, 4), act)
	mb := dense("b", &b, make([]float64, 4), act)
	mods := []*Mod{ma, mb}
	err := Apply(mods, Zero, 2)
	if !errors.Is(err, ErrUnmatchedRecords) {
		t.Fatalf("3 unmatched records, limit 2: got %v, want ErrUnmatchedRecords", err)
	}
	for _, s := range []string{"modifiable b", "1 record(s)", "b('2')", "NoMatchLimit is 2"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if !slices.Equal(ma.Cur, []float64{0, 0, 0, 0}) {
		t.Errorf("a failed update changed the instance: %v", ma.Cur)
	}
	if err := Apply(mods, Zero, 3); err != nil {
		t.Errorf("3 unmatched records, limit 3: %v", err)
	}
	if !slices.Equal(mb.Cur, []float64{0, 0, 0, 0}) {
		t.Errorf("an unmatched record reached the instance: %v", mb.Cur)
	}
}

func TestApplyShape(t *testing.T) {
	a := []float64{1, 2}
	ma := dense("a", &a, make([]float64, 2), nil)
	a = append(a, 3)
	err := Apply([]*Mod{ma}, Zero, 0)
	if err == nil || !strings.Contains(err.Error(), "modifiable a has 3 elements, the frozen instance 2") {
		t.Errorf("a grown modifiable: %v", err)
	}
}

func TestOrder(t *testing.T) {
	bounds := func() ([]float64, []float64) { return nil, nil }
	mods := []*Mod{{Name: "p"}, {Name: "x.fx", Bounds: bounds}, {Name: "x.lo"}, {Name: "y.fx", Bounds: bounds}}
	Order(mods)
	var got []string
	for _, md := range mods {
		got = append(got, md.Name)
	}
	if want := []string{"x.fx", "y.fx", "p", "x.lo"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// The instance keeps the levels of the variables no equation defines: an update puts
// them into the point the solve starts from, a solve's result replaces them.
func TestInstanceLevels(t *testing.T) {
	in := &Instance{Lev: [][]float64{{1, 2}, nil}}
	x := [][]float64{{0, 0}, {5}}
	if err := in.Update(x, BaseCase, 0); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x[0], []float64{1, 2}) || x[1][0] != 5 {
		t.Errorf("start point %v, want [[1 2] [5]] (a defined variable's level untouched)", x)
	}
	in.Solved([][]float64{{3, 4}, {6}}, nil, nil)
	if !slices.Equal(in.Lev[0], []float64{3, 4}) || in.Lev[1] != nil {
		t.Errorf("kept levels %v, want [[3 4] []]", in.Lev)
	}
}
