package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/remote"
)

func transport(t *testing.T, bmult float64) *nnopt.Model {
	t.Helper()
	c := nnopt.NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a, b, d := c.NewParameter("a", i), c.NewParameter("b", j), c.NewParameter("d", i, j)
	for _, err := range []error{a.SetValues([]float64{350, 600}), b.SetValues([]float64{325 * bmult, 300 * bmult, 275 * bmult}),
		d.SetValues([]float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4})} {
		if err != nil {
			t.Fatal(err)
		}
	}
	x := c.NewVariable("x", nnopt.Positive, i, j)
	z := c.NewVariable("z", nnopt.Free)
	for _, err := range []error{
		c.NewEquation("cost").Define(nnopt.Eq(z, nnopt.Sum(nnopt.Mul(nnopt.Mul(nnopt.Const(0.09), d), x), i, j))),
		c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a)),
		c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), b)),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: z})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSubmitFiles(t *testing.T) {
	l, err := remote.StartLocal(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := t.TempDir()
	var files []string
	for k, b := range []float64{1, 1.2} { // the second is infeasible
		f := filepath.Join(dir, []string{"a.nnopt", "b.nnopt"}[k])
		if err := transport(t, b).Save(f); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	out := filepath.Join(dir, "out")
	var w, bar bytes.Buffer
	failed, err := run(context.Background(), remote.ConnFlags{URL: l.URL(), Prefix: remote.DefaultPrefix}, files, out, nnopt.Options{}, &w, &bar)
	if err != nil || failed != 0 {
		t.Fatalf("run: %d failed, %v\n%s", failed, err, w.String())
	}
	if !strings.Contains(bar.String(), "2/2 done") {
		t.Errorf("progress bar %q does not end at 2/2 done", bar.String())
	}
	if !strings.Contains(w.String(), "a.nnopt: Optimal, objective 153.675") || !strings.Contains(w.String(), "b.nnopt: Infeasible") {
		t.Errorf("report:\n%s", w.String())
	}
	c, _, err := nnopt.LoadModel(filepath.Join(out, "a.nnopt"))
	if err != nil {
		t.Fatal(err)
	}
	if z, ok := c.Lookup("z").(*nnopt.Variable); !ok || z.L[0] < 153.67 || z.L[0] > 153.68 {
		t.Fatalf("solved file's z: %v", c.Lookup("z"))
	}
}
