package formulations

import (
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

func TestNLLLoss(t *testing.T) {
	c := nnopt.NewContainer()
	lp := c.NewVariable("log_probs", nnopt.Free, c.Dims(3, 4)...)
	if err := lp.SetLevels([]float64{
		-1, -2, -3, -4,
		-5, -6, -7, -8,
		-9, -10, -11, -12,
	}); err != nil {
		t.Fatal(err)
	}
	loss, err := NLLLoss(c, lp, []uint8{3, 0, 2})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.NewModel("nll", nnopt.ModelSpec{Equations: []*nnopt.Equation{loss.Equation}, Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: loss.Var})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Residuals()
	if err != nil {
		t.Fatal(err)
	}
	// lhs - rhs at loss = 0: 0 - (4 + 5 + 11), the log-probabilities at labels 3, 0, 2.
	if got := res[loss.Equation]; len(got) != 1 || got[0] != -20 {
		t.Fatalf("residual at loss 0: %v, want [-20]", got)
	}
	for _, tc := range []struct {
		labels []uint8
		want   string
	}{
		{[]uint8{0, 1}, "want (batch, classes) with batch = 2 labels"},
		{[]uint8{0, 4, 1}, "label 4 of example 1 is not below 4 classes"},
	} {
		if _, err := NLLLoss(c, lp, tc.labels); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("labels %v: error %v, want it to mention %q", tc.labels, err, tc.want)
		}
	}
}
