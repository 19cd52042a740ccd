package pointfile

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/safetensors"
)

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.point")
	syms := []Symbol{
		{Name: "x", Shape: []int{2, 1}, L: []float64{1, 2}, M: []float64{3, 4}},
		{Name: "e.q", Shape: []int{}, L: []float64{5}, M: []float64{6}},
	}
	if err := Save(path, "m", syms); err != nil {
		t.Fatal(err)
	}
	_, meta, err := safetensors.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta[FormatKey] != Format || meta["model"] != "m" {
		t.Errorf("metadata %v, want format %q and model m", meta, Format)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Tensor{
		{"e.q.l", "e.q", "l", []int{}, []float64{5}},
		{"e.q.m", "e.q", "m", []int{}, []float64{6}},
		{"x.l", "x", "l", []int{2, 1}, []float64{1, 2}},
		{"x.m", "x", "m", []int{2, 1}, []float64{3, 4}},
	}
	if len(got) != len(want) {
		t.Fatalf("loaded %d tensors, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Key != w.Key || g.Symbol != w.Symbol || g.Attr != w.Attr || !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.Data, w.Data) {
			t.Errorf("tensor %d: %+v, want %+v", i, g, w)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		tensors map[string]safetensors.Tensor
		meta    map[string]string
		err     string
	}{
		{"other format", map[string]safetensors.Tensor{"x.l": {DType: safetensors.F64, Shape: []int{1}, Data: []float64{1}}},
			map[string]string{FormatKey: "nnopt point 2"}, `is not a point file (metadata "format" is "nnopt point 2", want "nnopt point 1")`},
		{"no attribute", map[string]safetensors.Tensor{"x": {DType: safetensors.F64, Shape: []int{1}, Data: []float64{1}}},
			map[string]string{FormatKey: Format}, `tensor "x" is not <symbol>.l or <symbol>.m`},
		{"unknown attribute", map[string]safetensors.Tensor{"x.level": {DType: safetensors.F64, Shape: []int{1}, Data: []float64{1}}},
			map[string]string{FormatKey: Format}, `tensor "x.level" is not <symbol>.l or <symbol>.m`},
	} {
		path := filepath.Join(dir, tc.name+".point")
		if err := safetensors.Save(path, tc.tensors, tc.meta); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s and saying %q", tc.name, err, path, tc.err)
		}
	}
}
