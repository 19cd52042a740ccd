// Package pointfile reads and writes point files, which hold a solution — the levels
// and marginals of a model's variables and equations — so that a later run can start
// from it (the reference's savepoint). They are safetensors files, which NumPy and
// PyTorch read too: tensor "<symbol>.l" holds the levels and "<symbol>.m" the
// marginals, shaped like the symbol's domain, in float64; the metadata names the
// format and the model.
package pointfile

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nnopt/nnopt/safetensors"
)

// The format's metadata: key FormatKey holds Format.
const (
	Format    = "nnopt point 1"
	FormatKey = "format"
)

// Symbol is what a point file holds of one variable or equation.
type Symbol struct {
	Name  string
	Shape []int     // the sizes of its domain's sets
	L, M  []float64 // levels and marginals, row-major
}

// Save writes the symbols of model to a point file, atomically.
func Save(path, model string, syms []Symbol) error {
	tensors := make(map[string]safetensors.Tensor, 2*len(syms))
	for _, s := range syms {
		tensors[s.Name+".l"] = safetensors.Tensor{DType: safetensors.F64, Shape: s.Shape, Data: s.L}
		tensors[s.Name+".m"] = safetensors.Tensor{DType: safetensors.F64, Shape: slices.Clone(s.Shape), Data: s.M}
	}
	return safetensors.Save(path, tensors, map[string]string{FormatKey: Format, "model": model})
}

// Tensor is one tensor of a point file: the levels or the marginals of a symbol.
type Tensor struct {
	Key    string // <symbol>.l or <symbol>.m
	Symbol string
	Attr   string // "l" or "m"
	Shape  []int
	Data   []float64
}

// Load reads a point file and returns its tensors sorted by key. A file that is not a
// point file, and a tensor whose name is not <symbol>.l or <symbol>.m, are errors
// naming the file.
func Load(path string) ([]Tensor, error) {
	tensors, meta, err := safetensors.Load(path)
	if err != nil {
		return nil, err
	}
	if meta[FormatKey] != Format {
		return nil, fmt.Errorf("nnopt: %s is not a point file (metadata %q is %q, want %q)", path, FormatKey, meta[FormatKey], Format)
	}
	keys := make([]string, 0, len(tensors))
	for k := range tensors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Tensor, 0, len(keys))
	for _, key := range keys {
		i := strings.LastIndex(key, ".")
		if i < 0 || (key[i+1:] != "l" && key[i+1:] != "m") {
			return nil, fmt.Errorf("nnopt: %s: tensor %q is not <symbol>.l or <symbol>.m", path, key)
		}
		t := tensors[key]
		out = append(out, Tensor{Key: key, Symbol: key[:i], Attr: key[i+1:], Shape: t.Shape, Data: t.Data})
	}
	return out, nil
}
