package nnopt_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/safetensors"
)

// pointModel is a small model with an indexed and a scalar variable, an
// indexed equation and a parameter, the symbols a point file can name.
type pointModel struct {
	c      *nnopt.Container
	m      *nnopt.Model
	x, obj *nnopt.Variable
	def    *nnopt.Equation
}

func newPointModel(tb testing.TB) *pointModel {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "a", "b", "c")
	p := c.NewParameter("p", i)
	x := c.NewVariable("x", nnopt.Free, i)
	obj := c.NewVariable("obj", nnopt.Free)
	y := c.NewVariable("y", nnopt.Free, i)
	def := c.NewEquation("def", i)
	fit := c.NewEquation("fit")
	for _, err := range []error{
		p.SetValues([]float64{1, 2, 3}),
		def.Define(nnopt.Eq(y, nnopt.Sub(x, p))),
		fit.Define(nnopt.Eq(obj, nnopt.Sum(nnopt.Sqr(y), i))),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	m, err := c.NewModel("pm", nnopt.ModelSpec{Equations: []*nnopt.Equation{def, fit}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		tb.Fatal(err)
	}
	return &pointModel{c: c, m: m, x: x, obj: obj, def: def}
}

// values returns copies of the levels and marginals LoadPoint may set.
func (pm *pointModel) values() [][]float64 {
	return [][]float64{slices.Clone(pm.x.L), slices.Clone(pm.x.M), slices.Clone(pm.obj.L), slices.Clone(pm.obj.M), slices.Clone(pm.def.L), slices.Clone(pm.def.M)}
}

func sameValues(a, b [][]float64) bool {
	return slices.EqualFunc(a, b, func(x, y []float64) bool {
		return slices.EqualFunc(x, y, func(u, v float64) bool {
			return math.Float64bits(u) == math.Float64bits(v) || math.IsNaN(u) && math.IsNaN(v)
		})
	})
}

// FuzzLoadPoint feeds arbitrary bytes to Container.LoadPoint as a point file. It
// must never panic; an error must name the file and leave every level and marginal
// as it was; a load must report each symbol of the file once, loaded or skipped;
// and what it loaded must come back the same through SavePoint and LoadPoint.
func FuzzLoadPoint(f *testing.F) {
	dir := f.TempDir()
	pm := newPointModel(f)
	pm.x.L[1], pm.obj.M[0], pm.def.M[2] = 2.5, -1, math.Inf(1)
	seed := filepath.Join(dir, "seed.point")
	if err := pm.m.SavePoint(seed); err != nil {
		f.Fatal(err)
	}
	valid, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)-5])
	f.Add(pointBytes(f, map[string]safetensors.Tensor{"x.l": {DType: safetensors.F32, Shape: []int{3}, Data: []float64{1, 2, 3}}, "gone.m": {DType: safetensors.F64, Shape: []int{1}, Data: []float64{0}}, "p.l": {DType: safetensors.F64, Shape: []int{3}, Data: []float64{0, 0, 0}}}, "nnopt point 1"))
	f.Add(pointBytes(f, map[string]safetensors.Tensor{"x.l": {DType: safetensors.F64, Shape: []int{2}, Data: []float64{1, 2}}}, "nnopt point 1"))
	f.Add(pointBytes(f, map[string]safetensors.Tensor{"x.level": {DType: safetensors.F64, Shape: []int{3}, Data: []float64{1, 2, 3}}}, "nnopt point 1"))
	f.Add(pointBytes(f, map[string]safetensors.Tensor{"obj.l": {DType: safetensors.F64, Shape: []int{}, Data: []float64{7}}}, "nnopt point 2"))
	path := filepath.Join(dir, "fuzz.point")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		pm := newPointModel(t)
		pm.x.L[0], pm.def.M[1] = -4, 0.5
		before := pm.values()
		rep, err := pm.c.LoadPoint(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			if !sameValues(pm.values(), before) {
				t.Fatalf("a failed load changed levels or marginals: %v", err)
			}
			return
		}
		tensors, _, err := safetensors.Load(path)
		if err != nil {
			t.Fatalf("LoadPoint accepted a file safetensors refuses: %v", err)
		}
		symbols := map[string]bool{}
		for key := range tensors {
			symbols[key[:strings.LastIndex(key, ".")]] = true
		}
		all := append(slices.Clone(rep.Loaded), rep.Skipped...)
		slices.Sort(all)
		if !slices.IsSorted(rep.Loaded) || !slices.IsSorted(rep.Skipped) || len(all) != len(symbols) || len(slices.Compact(all)) != len(symbols) {
			t.Fatalf("report %+v for the symbols %v", rep, symbols)
		}
		for _, name := range rep.Loaded {
			if name != "x" && name != "obj" && name != "def" && name != "y" && name != "fit" {
				t.Fatalf("loaded %q, which is no variable or equation", name)
			}
		}
		for key, want := range map[string][]float64{"x.l": pm.x.L, "x.m": pm.x.M, "obj.l": pm.obj.L, "obj.m": pm.obj.M, "def.l": pm.def.L, "def.m": pm.def.M} {
			if tt, ok := tensors[key]; ok && !sameValues([][]float64{tt.Data}, [][]float64{want}) {
				t.Fatalf("%s is %v, the file holds %v", key, want, tt.Data)
			}
		}
		// What was loaded survives a save and a load into a fresh container.
		out := filepath.Join(t.TempDir(), "again.point")
		if err := pm.m.SavePoint(out); err != nil {
			t.Fatal(err)
		}
		fresh := newPointModel(t)
		if _, err := fresh.c.LoadPoint(out); err != nil {
			t.Fatalf("loading the saved point: %v", err)
		}
		if !sameValues(fresh.values(), pm.values()) {
			t.Fatalf("save and load changed the point: %v, want %v", fresh.values(), pm.values())
		}
	})
}

// pointBytes returns a safetensors file of the tensors with the given format
// metadata.
func pointBytes(tb testing.TB, tensors map[string]safetensors.Tensor, format string) []byte {
	var b bytes.Buffer
	if err := safetensors.Write(&b, tensors, map[string]string{"format": format}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}
