package refmodel

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/safetensors"
)

// The reference MLP written to a model file and read back generates and trains the
// same as the original, bit for bit: the bar for model files.
func TestMLPModelFileSolvesTheSame(t *testing.T) {
	for _, targets := range []Targets{TargetSubset, TargetOneHot} {
		x, labels := referenceBatch(t, 100)
		m := referenceMLP(t, 100, 16)
		if targets != TargetSubset {
			var err error
			m, err = NewMLPWith(x, labels, 784, 16, 10, m.W1.L, m.W2.L, 5, targets)
			if err != nil {
				t.Fatal(err)
			}
		}
		var file bytes.Buffer
		if err := m.Model.Encode(&file); err != nil {
			t.Fatal(err)
		}
		c2, m2, err := nnopt.DecodeModel(&file)
		if err != nil {
			t.Fatal(err)
		}
		st1, err1 := m.Model.Statistics()
		st2, err2 := m2.Statistics()
		if err1 != nil || err2 != nil || st1 != st2 {
			t.Fatalf("targets %v: statistics %+v (%v), decoded %+v (%v)", targets, st1, err1, st2, err2)
		}
		opt := nnopt.Options{IterationLimit: 25}
		if err := m.Model.Solve(context.Background(), opt); err != nil {
			t.Fatal(err)
		}
		if err := m2.Solve(context.Background(), opt); err != nil {
			t.Fatal(err)
		}
		if m.Model.NumIterations == 0 {
			t.Errorf("targets %v: the solve made no iteration", targets)
		}
		if math.Float64bits(m.Model.ObjectiveValue) != math.Float64bits(m2.ObjectiveValue) || m.Model.NumIterations != m2.NumIterations {
			t.Errorf("targets %v: objective %v after %d iterations, decoded %v after %d", targets, m.Model.ObjectiveValue, m.Model.NumIterations, m2.ObjectiveValue, m2.NumIterations)
		}
		for _, v := range []*nnopt.Variable{m.W1, m.W2, m.Z2, m.A3, m.Loss} {
			v2 := c2.Lookup(v.Name()).(*nnopt.Variable)
			for k := range v.L {
				if math.Float64bits(v.L[k]) != math.Float64bits(v2.L[k]) || math.Float64bits(v.M[k]) != math.Float64bits(v2.M[k]) {
					t.Fatalf("targets %v: %s element %d: level %v marginal %v, decoded %v %v", targets, v.Name(), k, v.L[k], v.M[k], v2.L[k], v2.M[k])
				}
			}
		}
	}
}

// BenchmarkMLPModelFile writes and reads the reference MLP's model file (batch 500,
// 20 hidden units), beside safetensors writing and reading the file's data section
// alone: the floor for a format whose bulk is safetensors, so the ratio is the cost
// of the metadata, the checksum, the counting pass and the symbols' checks.
func BenchmarkMLPModelFile(b *testing.B) {
	m := referenceMLP(b, 500, 20)
	var file bytes.Buffer
	if err := m.Model.Encode(&file); err != nil {
		b.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(file.Bytes()[12:])
	rest := file.Bytes()[20+n:]
	bulk := rest[8 : 8+binary.LittleEndian.Uint64(rest)]
	tensors, _, err := safetensors.Read(bytes.NewReader(bulk))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Encode", func(b *testing.B) {
		b.SetBytes(int64(file.Len()))
		for b.Loop() {
			if err := m.Model.Encode(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeModel", func(b *testing.B) {
		b.SetBytes(int64(file.Len()))
		for b.Loop() {
			if _, _, err := nnopt.DecodeModel(bytes.NewReader(file.Bytes())); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SafetensorsWrite", func(b *testing.B) {
		b.SetBytes(int64(len(bulk)))
		for b.Loop() {
			if err := safetensors.Write(io.Discard, tensors, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SafetensorsRead", func(b *testing.B) {
		b.SetBytes(int64(len(bulk)))
		for b.Loop() {
			if _, _, err := safetensors.Read(bytes.NewReader(bulk)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The reference CNN (convolutions, average poolings and a flatten, all kernels)
// written to a model file and read back trains bit for bit the same.
func TestCNNModelFileSolvesTheSame(t *testing.T) {
	m := referenceCNN(t, 20)
	var file bytes.Buffer
	if err := m.Model.Encode(&file); err != nil {
		t.Fatal(err)
	}
	c2, m2, err := nnopt.DecodeModel(&file)
	if err != nil {
		t.Fatal(err)
	}
	st1, err1 := m.Model.Statistics()
	st2, err2 := m2.Statistics()
	if err1 != nil || err2 != nil || st1 != st2 {
		t.Fatalf("statistics %+v (%v), decoded %+v (%v)", st1, err1, st2, err2)
	}
	opt := nnopt.Options{IterationLimit: 10}
	if err := m.Model.Solve(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if err := m2.Solve(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if m.Model.NumIterations == 0 || math.Float64bits(m.Model.ObjectiveValue) != math.Float64bits(m2.ObjectiveValue) || m.Model.NumIterations != m2.NumIterations {
		t.Errorf("objective %v after %d iterations, decoded %v after %d", m.Model.ObjectiveValue, m.Model.NumIterations, m2.ObjectiveValue, m2.NumIterations)
	}
	for _, v := range []*nnopt.Variable{m.Output, m.LogProbs, m.Loss} {
		v2 := c2.Lookup(v.Name()).(*nnopt.Variable)
		for k := range v.L {
			if math.Float64bits(v.L[k]) != math.Float64bits(v2.L[k]) || math.Float64bits(v.M[k]) != math.Float64bits(v2.M[k]) {
				t.Fatalf("%s element %d: level %v marginal %v, decoded %v %v", v.Name(), k, v.L[k], v.M[k], v2.L[k], v2.M[k])
			}
		}
	}
}
