package nn_test

import (
	"math"
	"testing"

	"github.com/nnopt/nnopt/nn"
)

func TestCheckFinite(t *testing.T) {
	for _, tc := range []struct {
		name string
		sd   map[string]nn.Tensor
		want string // "" for no error
	}{
		{"empty", nil, ""},
		{"finite", map[string]nn.Tensor{"1.weight": {Shape: []int{2}, Data: []float64{1, -2}}}, ""},
		{"NaN", map[string]nn.Tensor{"1.weight": {Shape: []int{2}, Data: []float64{1, math.NaN()}}}, `tensor "1.weight" element 1 is NaN`},
		{"first in key order", map[string]nn.Tensor{
			"3.weight": {Shape: []int{1}, Data: []float64{math.NaN()}},
			"1.bias":   {Shape: []int{2}, Data: []float64{0, math.Inf(-1)}},
		}, `tensor "1.bias" element 1 is -Inf`},
	} {
		err := nn.CheckFinite(tc.sd)
		if got := errString(err); got != tc.want {
			t.Errorf("%s: error %q, want %q", tc.name, got, tc.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
