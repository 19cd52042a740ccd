package nnopt_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

// sosModel is, over x(a, b, c) and y(d, e),
//
//	maximise 3x(a) + 2x(b) + x(c) + 2y(d) + 3y(e)
//	s.t.     cap: Σ x + Σ y <= 10,  x <= (2, 5, 8),  y <= (6, 4)
//	         SOS1 sets px = {x(a), x(b), x(c)} and py = {y(d), y(e)}
//
// By hand the optimum is x(b) = 5, y(e) = 4: 22 (the x set is worth at most
// 10 alone, the y set 12, and these two fit the row); the relaxation is 26
// (x(a) = 2, y(e) = 4, y(d) = 4).
type sosModel struct {
	c      *nnopt.Container
	m      *nnopt.Model
	x, y   *nnopt.Variable
	px, py *nnopt.SOS1
}

func newSOSModel(t *testing.T, p nnopt.Problem) *sosModel {
	t.Helper()
	s := &sosModel{c: nnopt.NewContainer()}
	c := s.c
	i, j := c.NewSet("i", "a", "b", "c"), c.NewSet("j", "d", "e")
	s.x, s.y = c.NewVariable("x", nnopt.Positive, i), c.NewVariable("y", nnopt.Positive, j)
	copy(s.x.Up, []float64{2, 5, 8})
	copy(s.y.Up, []float64{6, 4})
	px, py := c.NewParameter("px", i), c.NewParameter("py", j)
	copy(px.Values, []float64{3, 2, 1})
	copy(py.Values, []float64{2, 3})
	capacity := c.NewEquation("cap")
	if err := capacity.Define(nnopt.Le(nnopt.Add(nnopt.Sum(s.x, i), nnopt.Sum(s.y, j)), nnopt.Const(10))); err != nil {
		t.Fatal(err)
	}
	s.px, s.py = c.NewSOS1("px_set", []*nnopt.Variable{s.x}), c.NewSOS1("py_set", []*nnopt.Variable{s.y})
	var err error
	s.m, err = c.NewModel("pick", nnopt.ModelSpec{Equations: []*nnopt.Equation{capacity}, Problem: p, Sense: nnopt.Maximize,
		Objective: nnopt.Add(nnopt.Sum(nnopt.Mul(px, s.x), i), nnopt.Sum(nnopt.Mul(py, s.y), j))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSOS1MIP(t *testing.T) {
	needCOIN(t)
	ctx := context.Background()
	// Enumerate: every choice of one nonzero member (or none) per set, the others
	// fixed at 0, solved as an RMIP by Clp (which drops the sets).
	best := math.Inf(-1)
	for cx := -1; cx < 3; cx++ {
		for cy := -1; cy < 2; cy++ {
			s := newSOSModel(t, nnopt.RMIP)
			for k := range s.x.Up {
				if k != cx {
					s.x.Up[k] = 0
				}
			}
			for k := range s.y.Up {
				if k != cy {
					s.y.Up[k] = 0
				}
			}
			if err := s.m.Solve(ctx, nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.RMIP: "clp"}}); err != nil {
				t.Fatal(err)
			}
			best = math.Max(best, s.m.ObjectiveValue)
		}
	}
	if math.Abs(best-22) > 1e-9 {
		t.Fatalf("enumeration: %g, want 22 (by hand)", best)
	}
	relaxed := newSOSModel(t, nnopt.RMIP)
	if err := relaxed.m.Solve(ctx, nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.RMIP: "clp"}}); err != nil || math.Abs(relaxed.m.ObjectiveValue-26) > 1e-9 {
		t.Fatalf("RMIP: %v, objective %g; want 26 (the sets dropped)", err, relaxed.m.ObjectiveValue)
	}
	s := newSOSModel(t, nnopt.MIP)
	if err := s.m.CheckType(nnopt.MIP); err != nil {
		t.Fatal(err)
	}
	if err := s.m.Solve(ctx, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if s.m.Status != nnopt.StatusOptimal || math.Abs(s.m.ObjectiveValue-best) > 1e-9 {
		t.Fatalf("Cbc: %v, objective %g; want optimal %g", s.m.Status, s.m.ObjectiveValue, best)
	}
	for _, v := range []*nnopt.Variable{s.x, s.y} {
		nonzero := 0
		for _, l := range v.L {
			if math.Abs(l) > 1e-9 {
				nonzero++
			}
		}
		if nonzero > 1 {
			t.Errorf("%s = %v: %d nonzero in one set", v.Name(), v.L, nonzero)
		}
	}
	var b bytes.Buffer
	if err := s.m.WriteLP(&b); err != nil {
		t.Fatal(err)
	}
	if want := "SOS\n px_set: S1:: x(a):1 x(b):2 x(c):3\n py_set: S1:: y(d):1 y(e):2\nEnd\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("LP file:\n%s\nwant it to end\n%s", b.String(), want)
	}
}

// A family over a domain is one set per element: pairs {u(k), v(k)}, kept
// where the condition holds.
func TestSOS1Domain(t *testing.T) {
	needCOIN(t)
	c := nnopt.NewContainer()
	k := c.NewSet("k", "k1", "k2", "k3")
	u, v := c.NewVariable("u", nnopt.Positive, k), c.NewVariable("v", nnopt.Positive, k)
	for q := range u.Up {
		u.Up[q], v.Up[q] = 1, 1
	}
	pairs := c.NewSOS1("pairs", []*nnopt.Variable{u, v}, k)
	some := c.NewSubset("some", k)
	if err := some.SetMask([]bool{true, false, true}); err != nil {
		t.Fatal(err)
	}
	if err := pairs.Where(some); err != nil {
		t.Fatal(err)
	}
	// maximise Σ u + 2v: with the sets, v = 1 and u = 0 where they hold, both
	// 1 at k2: 2 + 3 + 2 = 7.
	m, err := c.NewModel("pairs_m", nnopt.ModelSpec{Problem: nnopt.MIP, Sense: nnopt.Maximize,
		Objective: nnopt.Add(nnopt.Sum(u, k), nnopt.Sum(nnopt.Mul(nnopt.Const(2), v), k))})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal || math.Abs(m.ObjectiveValue-7) > 1e-9 || math.Abs(u.L[1]-1) > 1e-9 {
		t.Errorf("%v, objective %g, u %v, v %v; want optimal 7 with u(k2) = 1", m.Status, m.ObjectiveValue, u.L, v.L)
	}
	p, err := m.LinearProgram(nnopt.LPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SOS) != 2 || p.SOS[0].Name != "pairs(k1)" || p.SOS[1].Name != "pairs(k3)" || len(p.SOS[1].Entries) != 2 {
		t.Errorf("program's sets %+v; want pairs(k1) and pairs(k3) of two columns", p.SOS)
	}
}

func TestSOS1Refused(t *testing.T) {
	ctx := context.Background()
	s := newSOSModel(t, nnopt.LP)
	var te *nnopt.ModelTypeError
	if err := s.m.CheckType(nnopt.LP); !errors.As(err, &te) || !strings.Contains(err.Error(), `"px_set"`) || !strings.Contains(err.Error(), "MIP") {
		t.Errorf("CheckType(LP): %v; want a type error naming px_set and MIP", err)
	}
	if err := s.m.Solve(ctx, nnopt.Options{}); err == nil || !strings.Contains(err.Error(), "px_set") {
		t.Errorf("LP with sets: %v", err)
	}
	s = newSOSModel(t, nnopt.MINLP) // nnopt's solver
	if err := s.m.Solve(ctx, nnopt.Options{}); !errors.Is(err, nnopt.ErrUnsupported) || !strings.Contains(err.Error(), `"px_set"`) {
		t.Errorf("MINLP with sets to nnopt: %v; want unsupported, naming px_set", err)
	}
	s = newSOSModel(t, nnopt.MIP)
	if err := s.m.WriteMPS(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "px_set") {
		t.Errorf("WriteMPS: %v", err)
	}
	if err := s.m.Encode(&bytes.Buffer{}); !errors.Is(err, nnopt.ErrUnsupported) || !strings.Contains(err.Error(), "px_set") {
		t.Errorf("model file: %v", err)
	}
	prog, err := s.m.LinearProgram(nnopt.LPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nnopt.NewContainer().AddProgram("back", prog); err == nil || !strings.Contains(err.Error(), `"px_set"`) {
		t.Errorf("AddProgram of a program with sets: %v; want a refusal naming px_set", err)
	}
	var half *nnopt.Model
	// A model that reads x but not y holds px_set; one that reads part of a
	// family is an error.
	c := s.c
	i := s.x.Domain()[0]
	z := c.NewVariable("z", nnopt.Positive, i)
	c.NewSOS1("xz", []*nnopt.Variable{s.x, z}, i)
	half, err = c.NewModel("half", nnopt.ModelSpec{Problem: nnopt.MIP, Sense: nnopt.Maximize, Objective: nnopt.Sum(s.x, i)})
	if err != nil {
		t.Fatal(err)
	}
	if err := half.CheckType(nnopt.MIP); err == nil || !strings.Contains(err.Error(), `member "z" is not in the model`) {
		t.Errorf("a family in part: %v", err)
	}
	for _, tc := range []struct {
		members []*nnopt.Variable
		domain  []*nnopt.Set
		want    string
	}{
		{nil, nil, "no member variables"},
		{[]*nnopt.Variable{s.x, s.x}, nil, `variable "x" is a member twice`},
		{[]*nnopt.Variable{s.x, s.y}, []*nnopt.Set{i}, `member "y" runs over (j)`},
		{[]*nnopt.Variable{s.x}, nil, `the name is already taken`},
	} {
		name := "bad"
		if strings.Contains(tc.want, "taken") {
			name = "x"
		}
		if _, err := c.AddSOS1(name, tc.members, tc.domain...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AddSOS1(%v): %v; want %q", tc.members, err, tc.want)
		}
	}
	j2 := c.NewSubset("jsub", s.y.Domain()[0])
	if err := s.px.Where(j2); err == nil || !strings.Contains(err.Error(), `runs over (j)`) {
		t.Errorf("Where over another domain: %v", err)
	}
}
