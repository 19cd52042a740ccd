package formulations

import (
	"fmt"

	"github.com/nnopt/nnopt"
)

// Loss is a scalar loss variable, its defining equation and the (example, label)
// pairs it sums over.
type Loss struct {
	Var      *nnopt.Variable
	Equation *nnopt.Equation
	Targets  *nnopt.Set
}

// NLLLoss adds the summed negative log-likelihood loss = Σ_n -logProbs[n, labels[n]]
// of log-probabilities over (batch, classes), as PyTorch's NLLLoss with
// reduction="sum" after LogSoftmax.
func NLLLoss(c *nnopt.Container, logProbs *nnopt.Variable, labels []uint8) (Loss, error) {
	d := logProbs.Domain()
	if len(d) != 2 || d[0].Len() != len(labels) {
		return Loss{}, fmt.Errorf("formulations: nll_loss of %q%s: want (batch, classes) with batch = %d labels", logProbs.Name(), setNames(d), len(labels))
	}
	tuples := make([][]int, len(labels))
	for i, l := range labels {
		if int(l) >= d[1].Len() {
			return Loss{}, fmt.Errorf("formulations: nll_loss of %q: label %d of example %d is not below %d classes", logProbs.Name(), l, i, d[1].Len())
		}
		tuples[i] = []int{i, int(l)}
	}
	t := c.NewSubset(c.UniqueName("targets"), d...)
	if err := t.SetMembers(tuples...); err != nil {
		return Loss{}, err
	}
	loss := c.NewVariable(c.UniqueName("loss"), nnopt.Free)
	e := c.NewEquation(c.UniqueName("calc_loss"))
	if err := e.Define(nnopt.Eq(loss, nnopt.SumIn(t, nnopt.Neg(logProbs)))); err != nil {
		return Loss{}, fmt.Errorf("formulations: nll_loss of %q: %w", logProbs.Name(), err)
	}
	return Loss{Var: loss, Equation: e, Targets: t}, nil
}
