package refmodel

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/nnopt/nnopt"
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
