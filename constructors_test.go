package nnopt_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

// TestConstructorErrors checks every refusal of the constructors in both forms: the
// Add form returns the error and adds nothing, the New form panics with that same
// error.
func TestConstructorErrors(t *testing.T) {
	type fixture struct {
		c    *nnopt.Container
		i, j *nnopt.Set
		ij   *nnopt.Set // a subset of (i, j)
	}
	setup := func() fixture {
		c := nnopt.NewContainer()
		i := c.NewSet("i", "a", "b", "c")
		j := c.NewSet("j", "u", "v")
		c.NewVariable("x", nnopt.Free, i)
		c.NewParameter("DenseDim5_1")
		return fixture{c, i, j, c.NewSubset("ij", i, j)}
	}
	// huge is two dimensions of 2^21 elements, 2^42 in all: no allocation, but too
	// many elements for a symbol over both.
	huge := func(c *nnopt.Container) []*nnopt.Set { return c.Dims(1<<21, 1<<21) }
	for _, tc := range []struct {
		name  string
		added string // the name the call would add, which must stay as it was
		add   func(f fixture) error
		new   func(f fixture)
		want  string
	}{
		{"set duplicate label", "k",
			func(f fixture) error { _, err := f.c.AddSet("k", "a", "b", "c", "b"); return err },
			func(f fixture) { f.c.NewSet("k", "a", "b", "c", "b") },
			`nnopt: set "k": duplicate element "b" (elements 1 and 3)`},
		{"set empty name", "",
			func(f fixture) error { _, err := f.c.AddSet("", "a"); return err },
			func(f fixture) { f.c.NewSet("", "a") },
			`nnopt: set with an empty name; want a non-empty name`},
		{"set name taken", "x",
			func(f fixture) error { _, err := f.c.AddSet("x", "a"); return err },
			func(f fixture) { f.c.NewSet("x", "a") },
			`nnopt: set "x": the name is already taken by a variable`},
		{"dims zero", "DenseDim3_1",
			func(f fixture) error { _, err := f.c.AddDims(3, 0); return err },
			func(f fixture) { f.c.Dims(3, 0) },
			`nnopt: dimensions [3 0]: size 0 at position 1; want a positive size`},
		{"dims negative", "DenseDim3_1",
			func(f fixture) error { _, err := f.c.AddDims(-2, 3); return err },
			func(f fixture) { f.c.Dims(-2, 3) },
			`nnopt: dimensions [-2 3]: size -2 at position 0; want a positive size`},
		{"dims name taken", "DenseDim4_1", // DenseDim4_1 would come first: nothing is added
			func(f fixture) error { _, err := f.c.AddDims(4, 5); return err },
			func(f fixture) { f.c.Dims(4, 5) },
			`nnopt: dimension "DenseDim5_1" of size 5: the name is already taken by a parameter`},
		{"alias of nil", "k2",
			func(f fixture) error { _, err := f.c.AddAlias("k2", nil); return err },
			func(f fixture) { f.c.NewAlias("k2", nil) },
			`nnopt: alias "k2": the aliased set is nil`},
		{"alias of a subset", "k2",
			func(f fixture) error { _, err := f.c.AddAlias("k2", f.ij); return err },
			func(f fixture) { f.c.NewAlias("k2", f.ij) },
			`nnopt: alias "k2": only one-dimensional sets can be aliased, "ij" is a subset of 2 sets`},
		{"alias name taken", "j",
			func(f fixture) error { _, err := f.c.AddAlias("j", f.i); return err },
			func(f fixture) { f.c.NewAlias("j", f.i) },
			`nnopt: alias "j": the name is already taken by a set`},
		{"subset without domain", "s",
			func(f fixture) error { _, err := f.c.AddSubset("s"); return err },
			func(f fixture) { f.c.NewSubset("s") },
			`nnopt: subset "s" needs at least one domain set`},
		{"subset nil domain", "s",
			func(f fixture) error { _, err := f.c.AddSubset("s", f.i, nil); return err },
			func(f fixture) { f.c.NewSubset("s", f.i, nil) },
			`nnopt: subset "s": domain set 1 is nil`},
		{"subset of a subset", "s",
			func(f fixture) error { _, err := f.c.AddSubset("s", f.ij); return err },
			func(f fixture) { f.c.NewSubset("s", f.ij) },
			`nnopt: subset "s": domain "ij" is itself a subset; use its parent sets`},
		{"subset too many tuples", "s",
			func(f fixture) error { _, err := f.c.AddSubset("s", huge(f.c)...); return err },
			func(f fixture) { f.c.NewSubset("s", huge(f.c)...) },
			`nnopt: subset "s"(DenseDim2097152_1,DenseDim2097152_2): more than 1099511627776 elements`},
		{"subset name taken", "ij",
			func(f fixture) error { _, err := f.c.AddSubset("ij", f.i); return err },
			func(f fixture) { f.c.NewSubset("ij", f.i) },
			`nnopt: subset "ij": the name is already taken by a subset`},
		{"parameter empty name", "",
			func(f fixture) error { _, err := f.c.AddParameter("", f.i); return err },
			func(f fixture) { f.c.NewParameter("", f.i) },
			`nnopt: parameter with an empty name; want a non-empty name`},
		{"parameter name taken", "i",
			func(f fixture) error { _, err := f.c.AddParameter("i"); return err },
			func(f fixture) { f.c.NewParameter("i") },
			`nnopt: parameter "i": the name is already taken by a set`},
		{"parameter nil domain", "p",
			func(f fixture) error { _, err := f.c.AddParameter("p", nil); return err },
			func(f fixture) { f.c.NewParameter("p", nil) },
			`nnopt: parameter "p": domain set 0 is nil`},
		{"parameter repeated set", "p",
			func(f fixture) error { _, err := f.c.AddParameter("p", f.i, f.j, f.i); return err },
			func(f fixture) { f.c.NewParameter("p", f.i, f.j, f.i) },
			`nnopt: parameter "p": set "i" appears twice in the domain (positions 0 and 2); use an alias`},
		{"parameter over a subset", "p",
			func(f fixture) error { _, err := f.c.AddParameter("p", f.ij); return err },
			func(f fixture) { f.c.NewParameter("p", f.ij) },
			`nnopt: parameter "p": domain set "ij" is a multi-dimensional subset; use its parent sets and a condition`},
		{"parameter too many elements", "p",
			func(f fixture) error { _, err := f.c.AddParameter("p", huge(f.c)...); return err },
			func(f fixture) { f.c.NewParameter("p", huge(f.c)...) },
			`nnopt: parameter "p"(DenseDim2097152_1,DenseDim2097152_2): more than 1099511627776 elements`},
		{"variable unknown type", "v",
			func(f fixture) error { _, err := f.c.AddVariable("v", nnopt.VarType(7), f.i); return err },
			func(f fixture) { f.c.NewVariable("v", nnopt.VarType(7), f.i) },
			`nnopt: variable "v": unknown type VarType(7); want Free, Positive, Negative, Binary or Integer`},
		{"variable name taken", "x",
			func(f fixture) error { _, err := f.c.AddVariable("x", nnopt.Free); return err },
			func(f fixture) { f.c.NewVariable("x", nnopt.Free) },
			`nnopt: variable "x": the name is already taken by a variable`},
		{"variable repeated set", "v",
			func(f fixture) error { _, err := f.c.AddVariable("v", nnopt.Free, f.j, f.j); return err },
			func(f fixture) { f.c.NewVariable("v", nnopt.Free, f.j, f.j) },
			`nnopt: variable "v": set "j" appears twice in the domain (positions 0 and 1); use an alias`},
		{"equation nil domain", "e",
			func(f fixture) error { _, err := f.c.AddEquation("e", f.i, nil); return err },
			func(f fixture) { f.c.NewEquation("e", f.i, nil) },
			`nnopt: equation "e": domain set 1 is nil`},
		{"equation over a subset", "e",
			func(f fixture) error { _, err := f.c.AddEquation("e", f.ij); return err },
			func(f fixture) { f.c.NewEquation("e", f.ij) },
			`nnopt: equation "e": domain set "ij" is a multi-dimensional subset; use its parent sets and a condition`},
		{"equation name taken", "DenseDim5_1",
			func(f fixture) error { _, err := f.c.AddEquation("DenseDim5_1"); return err },
			func(f fixture) { f.c.NewEquation("DenseDim5_1") },
			`nnopt: equation "DenseDim5_1": the name is already taken by a parameter`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := setup()
			before := f.c.Lookup(tc.added)
			err := tc.add(f)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Add form: error %v,\nwant %s", err, tc.want)
			}
			if got := f.c.Lookup(tc.added); got != before {
				t.Errorf("Add form failed but %q is now %v, was %v", tc.added, got, before)
			}
			f = setup()
			defer func() {
				r := recover()
				perr, ok := r.(error)
				if !ok || perr.Error() != tc.want {
					t.Errorf("New form: panic %v, want the error %s", r, tc.want)
				}
			}()
			tc.new(f)
		})
	}
}

// TestAddFormsAddTheSameSymbols checks that the Add forms, on good input, build what
// the New forms build.
func TestAddFormsAddTheSameSymbols(t *testing.T) {
	c := nnopt.NewContainer()
	i, err := c.AddSet("i", "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.AddDims(2, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 3 || d[0] == d[2] || d[0].Name() != "DenseDim2_1" || d[2].Name() != "DenseDim2_2" || d[1].Len() != 3 {
		t.Errorf("AddDims(2, 3, 2) = %v", d)
	}
	if again := c.Dims(2); again[0] != d[0] {
		t.Errorf("Dims(2) after AddDims(2, 3, 2) = %v, want the shared %v", again[0], d[0])
	}
	k, err := c.AddAlias("k", i)
	if err != nil || k.Len() != 2 {
		t.Fatalf("AddAlias: %v, %v", k, err)
	}
	s, err := c.AddSubset("s", i, k)
	if err != nil || len(s.Domain()) != 2 {
		t.Fatalf("AddSubset: %v, %v", s, err)
	}
	p, err := c.AddParameter("p", i, k)
	if err != nil || len(p.Values) != 4 {
		t.Fatalf("AddParameter: %v, %v", p, err)
	}
	v, err := c.AddVariable("v", nnopt.Binary, d[1])
	if err != nil || v.Size() != 3 || v.Lo[0] != 0 || v.Up[2] != 1 {
		t.Fatalf("AddVariable: %+v, %v", v, err)
	}
	e, err := c.AddEquation("e", i)
	if err != nil || len(e.L) != 2 {
		t.Fatalf("AddEquation: %v, %v", e, err)
	}
	for _, n := range []string{"i", "DenseDim2_1", "DenseDim3_1", "DenseDim2_2", "k", "s", "p", "v", "e"} {
		if c.Lookup(n) == nil {
			t.Errorf("%q was not added", n)
		}
	}
}

func TestTypeStringsOutOfRange(t *testing.T) {
	// Both were indexed arrays that panicked on a value outside the constants.
	if got := nnopt.VarType(9).String(); got != "VarType(9)" {
		t.Errorf("VarType(9) = %q", got)
	}
	if got := nnopt.EqType(-1).String(); got != "EqType(-1)" {
		t.Errorf("EqType(-1) = %q", got)
	}
	if got := nnopt.Binary.String(); got != "binary" {
		t.Errorf("Binary = %q", got)
	}
}

func TestFailedSetMembersKeepsTheMembers(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	s := c.NewSubset("s", i, i)
	if err := s.SetMembers([]int{0, 1}, []int{2, 2}); err != nil {
		t.Fatal(err)
	}
	want := [][]int{{0, 1}, {2, 2}}
	for _, tc := range []struct {
		tuples [][]int
		err    string
	}{
		{[][]int{{1, 1}, {0, 3}}, `nnopt: subset "s": tuple 1 [0 3]: position 3 is outside "i" (want 0 to 2)`},
		{[][]int{{1, 1}, {0}}, `nnopt: subset "s": tuple 1 [0] has 1 positions, want 2`},
		{[][]int{{-1, 0}}, `nnopt: subset "s": tuple 0 [-1 0]: position -1 is outside "i" (want 0 to 2)`},
	} {
		err := s.SetMembers(tc.tuples...)
		if err == nil || err.Error() != tc.err {
			t.Errorf("SetMembers(%v): error %v, want %s", tc.tuples, err, tc.err)
		}
		if got := s.Members(); !slices.EqualFunc(got, want, slices.Equal) || s.Len() != 2 {
			t.Errorf("after SetMembers(%v) failed: members %v (Len %d), want %v", tc.tuples, got, s.Len(), want)
		}
	}
	if err := s.SetMask(make([]bool, 8)); err == nil || err.Error() != `nnopt: subset "s"(i,i): mask has 8 entries, want 9` {
		t.Errorf("short mask: %v", err)
	}
	if err := i.SetMask(nil); err == nil || !strings.Contains(err.Error(), `set "i" is not a subset`) {
		t.Errorf("mask of a plain set: %v", err)
	}
	if got := s.Members(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("after SetMask failed: members %v, want %v", got, want)
	}
}

func TestSetValuesAndLevelsRejectNaN(t *testing.T) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	p := c.NewParameter("p", i)
	if err := p.SetValues([]float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	err := p.SetValues([]float64{4, math.NaN(), 6})
	if err == nil || err.Error() != `nnopt: parameter "p"(i): value 1 (p(b)) is NaN; want a number` {
		t.Errorf("SetValues with NaN: %v", err)
	}
	if !slices.Equal(p.Values, []float64{1, 2, 3}) {
		t.Errorf("values %v after a failed SetValues, want them unchanged", p.Values)
	}
	if err := p.SetValues([]float64{math.Inf(1), 0, math.Inf(-1)}); err != nil {
		t.Errorf("SetValues with ±Inf: %v; infinite data is allowed", err)
	}

	x := c.NewVariable("x", nnopt.Free, i)
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		err := x.SetLevels([]float64{0, 0, bad})
		if err == nil || err.Error() != fmt.Sprintf(`nnopt: variable "x"(i): level 2 (x(c)) is %g; want a finite number`, bad) {
			t.Errorf("SetLevels with %g: %v", bad, err)
		}
	}
	if !slices.Equal(x.L, []float64{0, 0, 0}) {
		t.Errorf("levels %v after a failed SetLevels, want them unchanged", x.L)
	}
}

// TestNaNBoundsFailTheSolve: SetBounds and Fix have no error to return, so a NaN they
// store must make the solve fail naming the variable, not end in a status.
func TestNaNBoundsFailTheSolve(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(x *nnopt.Variable)
		want string
	}{
		{"SetBounds NaN lower", func(x *nnopt.Variable) { x.SetBounds(math.NaN(), 1) }, "lower bound NaN"},
		{"SetBounds NaN upper", func(x *nnopt.Variable) { x.SetBounds(0, math.NaN()) }, "upper bound NaN"},
		{"SetBounds +Inf lower", func(x *nnopt.Variable) { x.SetBounds(math.Inf(1), math.Inf(1)) }, "lower bound +Inf"},
		{"Fix NaN", func(x *nnopt.Variable) { x.Fix(math.NaN()) }, "NaN"},
		{"Lo written directly", func(x *nnopt.Variable) { x.Lo[1] = math.NaN() }, "lower bound NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := nnopt.NewContainer()
			i := c.NewSet("i", "a", "b")
			x := c.NewVariable("x", nnopt.Free, i)
			obj := c.NewVariable("obj", nnopt.Free)
			def := c.NewEquation("def")
			if err := def.Define(nnopt.Eq(obj, nnopt.Sum(nnopt.Sqr(nnopt.Sub(x, nnopt.Const(0.5))), i))); err != nil {
				t.Fatal(err)
			}
			m, err := c.NewModel("m", nnopt.ModelSpec{Equations: []*nnopt.Equation{def}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
			if err != nil {
				t.Fatal(err)
			}
			tc.set(x)
			err = m.Solve(context.Background(), nnopt.Options{})
			t.Log(err)
			if err == nil || !strings.Contains(err.Error(), "x(") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Solve: error %v (status %v, %v), want one naming x and %q", err, m.Status, m.SolveStatus, tc.want)
			}
		})
	}
}
