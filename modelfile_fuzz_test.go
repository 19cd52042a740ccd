package nnopt_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/nnopt/nnopt"
)

// FuzzDecodeModel reads model files framed from a fuzzed metadata section and a
// fuzzed data section, with lengths and checksum right so that the fuzzer reaches
// the JSON, the expressions and the arrays (TestDecodeModelDamagedFiles covers the
// framing). A file is read or refused with an error wrapping ErrModelFile, never
// a panic; what is read encodes again and reads back to the same bytes.
func FuzzDecodeModel(f *testing.F) {
	defer nnopt.LimitMemoryForTest(1 << 30)()
	seeds := []*nnopt.Model{}
	_, m := transportLP(f)
	seeds = append(seeds, m)
	_, m = everyKindModel(f)
	seeds = append(seeds, m)
	c, m := transportLP(f)
	mustTB(f, m.Freeze(c.Lookup("b").(*nnopt.Parameter), c.Lookup("x").(*nnopt.Variable).FxAttr()))
	seeds = append(seeds, m)
	kc := nnopt.NewContainer()
	i := kc.NewSet("i", "a", "b")
	x, y := kc.NewVariable("x", nnopt.Free, i), kc.NewVariable("y", nnopt.Free, i)
	mustTB(f, kc.NewEquation("k", i).Define(nnopt.Eq(y, nnopt.Apply(fileCopy{doubling{2}}, []*nnopt.Set{i}, x))))
	m, err := kc.NewModel("kernel", nnopt.ModelSpec{Equations: kc.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: nnopt.Sum(y, i)})
	mustTB(f, err)
	seeds = append(seeds, m)
	for _, m := range seeds {
		var b bytes.Buffer
		mustTB(f, m.Encode(&b))
		meta, bulk := splitFile(b.Bytes())
		f.Add(meta, bulk)
	}
	f.Fuzz(func(t *testing.T, meta, bulk []byte) {
		defer nnopt.LimitMemoryForTest(1 << 30)()
		_, m, err := nnopt.DecodeModel(bytes.NewReader(frame("NNOPTMDL", 1, meta, bulk)))
		if err != nil {
			if !errors.Is(err, nnopt.ErrModelFile) {
				t.Fatalf("an error that does not wrap ErrModelFile: %v", err)
			}
			return
		}
		var again bytes.Buffer
		if err := m.Encode(&again); err != nil {
			t.Fatalf("a decoded model does not encode: %v", err)
		}
		_, m2, err := nnopt.DecodeModel(bytes.NewReader(again.Bytes()))
		if err != nil {
			t.Fatalf("a decoded model's file does not decode: %v", err)
		}
		var third bytes.Buffer
		if err := m2.Encode(&third); err != nil || !bytes.Equal(third.Bytes(), again.Bytes()) {
			t.Fatalf("encoding is not stable: %v", err)
		}
	})
}
