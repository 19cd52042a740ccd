package nn

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/solvers/coin"
)

// reluLayer is a big-M or SOS1 ReLU layer of a formulation: its input, its output and the
// number of the formulation's equations before its own (those that define in).
type reluLayer struct {
	in     *nnopt.Variable
	out    activation.ReLUOutput
	before int
	layer  int // the ReLU's index in the network's layers
}

// TightenReport says what TightenBounds achieved.
type TightenReport struct {
	// Stable counts the neurons that could change sign before and cannot after:
	// their binaries are fixed.
	Stable int
	// Spread is Σ (U - L) over the neurons that could change sign, before and
	// after: the big-M constants' total.
	SpreadBefore, SpreadAfter float64
	// SymbolicStable counts those of Stable that the symbolic bounds made
	// stable, before any LP.
	SymbolicStable int
	// LPs is the number of linear programs solved.
	LPs int
	// NoSymbolic says why the symbolic bounds did not apply to this network
	// (empty when they did, or when TightenSettings.NoSymbolic turned them off).
	NoSymbolic string
}

// tightenMargin widens each LP bound by this much (relative) against the LP
// solver's tolerances, so that no feasible point is cut off.
const tightenMargin = 1e-7

// TightenSettings control TightenBounds; the zero value has no time limit.
type TightenSettings struct {
	// TimeLimit is a budget for all the LPs (0: none): the elements not
	// reached when it runs out keep their bounds.
	TimeLimit time.Duration
	// NoSymbolic skips the symbolic (DeepPoly-style) bounds that otherwise
	// narrow each layer before its LPs; NoLP skips the LPs, leaving the
	// symbolic bounds alone.
	NoSymbolic, NoLP bool
}

// TightenBounds narrows the bounds of every big-M or SOS1 ReLU layer's input, layer
// by layer, first by symbolic bounds (symbolic.go: a few matrix-vector products per
// neuron; for networks of Linear and ReLU layers over one sample, else
// TightenReport.NoSymbolic says why not), then by linear programming: each
// element that can still change sign is minimised and
// maximised over the LP relaxation (binaries continuous) of the layers before it,
// with Clp (coin.ColumnRanges: one model per layer, each LP warm-started from
// the one before). The bounds then tighten the ReLU (activation.TightenReLU):
// neurons that cannot change sign lose their free binary and the big-M
// constants shrink, so that a MIP over the network solves faster; the layers
// after see the tighter bounds in their own LPs. Interval propagation
// (Formulate's) is the starting point; an LP bound is never looser. The LPs are
// models of c named tighten_relu_<k>. They run one after the other: package coin
// serialises its solves (the libraries keep global state).
func (f *Formulation) TightenBounds(ctx context.Context, c *nnopt.Container, s TightenSettings) (TightenReport, error) {
	var rep TightenReport
	if s.TimeLimit < 0 {
		return rep, fmt.Errorf("nn: TightenBounds: TimeLimit %v is negative", s.TimeLimit)
	}
	began := time.Now()
	var sym *symbolicNet
	if !s.NoSymbolic {
		var err error
		if sym, err = f.symbolic(); err != nil {
			rep.NoSymbolic = err.Error()
		}
	}
	var pre [][2][]float64 // the bounds of the layers before, for sym
	for k, l := range f.relus {
		rep.SpreadBefore += spread(l.out, l.in)
		lo, up := append([]float64(nil), l.in.Lo...), append([]float64(nil), l.in.Up...)
		if sym != nil {
			slo, sup := sym.bounds(k, pre)
			for i := range lo {
				lo[i], up[i] = math.Max(lo[i], slo[i]), math.Min(up[i], sup[i])
				// Could change sign before (a big-M binary not fixed, an SOS1 set
				// written), cannot now.
				if l.in.Lo[i] < 0 && l.in.Up[i] > 0 && (lo[i] >= 0 || up[i] <= 0) {
					rep.SymbolicStable++
				}
			}
		}
		var open, cols []int
		col := map[string]int{}
		left := time.Duration(0)
		if s.TimeLimit > 0 {
			if left = s.TimeLimit - time.Since(began); left <= 0 {
				left = -1 // spent: no LP, the bounds stay
			}
		}
		for i := range lo {
			if lo[i] < 0 && up[i] > 0 {
				open = append(open, i)
			}
		}
		if len(open) > 0 && left >= 0 && !s.NoLP {
			m, err := c.NewModel(c.UniqueName(fmt.Sprintf("tighten_relu_%d", k)), nnopt.ModelSpec{
				Equations: f.Equations[:l.before], Problem: nnopt.RMIP, Sense: nnopt.Feasibility})
			if err != nil {
				return rep, err
			}
			prog, err := m.LinearProgram(nnopt.LPOptions{})
			if err != nil {
				return rep, err
			}
			lp, err := coin.FromProgram(prog)
			if err != nil {
				return rep, err
			}
			for j, cl := range prog.Columns {
				col[cl.Name] = j
			}
			for _, i := range open {
				j, ok := col[l.in.ElementName(i)]
				if !ok {
					return rep, fmt.Errorf("nn: TightenBounds: %s is not a column of the layers before it", l.in.ElementName(i))
				}
				cols = append(cols, j)
			}
			min, max, lps, err := coin.ColumnRanges(ctx, lp, cols, coin.Settings{TimeLimit: left})
			rep.LPs += lps
			if err != nil {
				return rep, fmt.Errorf("nn: TightenBounds: %s: %w", l.in.Name(), err)
			}
			for n, i := range open {
				// NaN (not solved) leaves the interval bound.
				if v := min[n]; !math.IsNaN(v) {
					lo[i] = math.Max(lo[i], v-tightenMargin*(1+math.Abs(v)))
				}
				if v := max[n]; !math.IsNaN(v) {
					up[i] = math.Min(up[i], v+tightenMargin*(1+math.Abs(v)))
				}
			}
		}
		stable, err := activation.TightenReLU(l.out, l.in, lo, up)
		rep.Stable += stable
		if err != nil {
			return rep, err
		}
		rep.SpreadAfter += spread(l.out, l.in)
		pre = append(pre, [2][]float64{l.in.Lo, l.in.Up})
	}
	return rep, nil
}

// spread is Σ (U - L) of x's bounds over the neurons whose binary is free (for
// an SOS1 layer: that can change sign).
func spread(o activation.ReLUOutput, x *nnopt.Variable) float64 {
	s := 0.0
	for i := range x.Lo {
		if o.Binary != nil && o.Binary.Lo[i] != o.Binary.Up[i] || o.Binary == nil && x.Lo[i] < 0 && x.Up[i] > 0 {
			s += x.Up[i] - x.Lo[i]
		}
	}
	return s
}
