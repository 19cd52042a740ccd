package nn

import (
	"context"
	"fmt"
	"math"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/solvers/coin"
)

// reluLayer is a big-M ReLU layer of a formulation: its input, its output and the
// number of the formulation's equations before its own (those that define in).
type reluLayer struct {
	in     *nnopt.Variable
	out    activation.ReLUOutput
	before int
}

// TightenReport says what TightenBounds achieved.
type TightenReport struct {
	// Stable counts the neurons that could change sign before and cannot after:
	// their binaries are fixed.
	Stable int
	// Spread is Σ (U - L) over the neurons that could change sign, before and
	// after: the big-M constants' total.
	SpreadBefore, SpreadAfter float64
	// LPs is the number of linear programs solved.
	LPs int
}

// tightenMargin widens each LP bound by this much (relative) against the LP
// solver's tolerances, so that no feasible point is cut off.
const tightenMargin = 1e-7

// TightenBounds narrows the bounds of every big-M ReLU layer's input by linear
// programming, layer by layer: each element that can change sign is minimised and
// maximised over the LP relaxation (binaries continuous) of the layers before it,
// with Clp (package solvers/coin). The bounds then tighten the ReLU
// (activation.TightenReLU): neurons that cannot change sign lose their free
// binary and the big-M constants shrink, so that a MIP over the network solves
// faster; the layers after see the tighter bounds in their own LPs. Interval
// propagation (Formulate's) is the starting point; an LP bound is never looser.
// The LPs are models of c named tighten_relu_<k>.
func (f *Formulation) TightenBounds(ctx context.Context, c *nnopt.Container) (TightenReport, error) {
	var rep TightenReport
	for k, l := range f.relus {
		rep.SpreadBefore += spread(l.out, l.in)
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
		lp.Integer = nil
		col := map[string]int{}
		for j, cl := range prog.Columns {
			col[cl.Name] = j
		}
		lo, up := append([]float64(nil), l.in.Lo...), append([]float64(nil), l.in.Up...)
		for i := range lo {
			if !(lo[i] < 0 && up[i] > 0) {
				continue // stable already
			}
			j, ok := col[l.in.ElementName(i)]
			if !ok {
				return rep, fmt.Errorf("nn: TightenBounds: %s is not a column of the layers before it", l.in.ElementName(i))
			}
			for _, max := range []bool{false, true} {
				clear(lp.Obj)
				lp.Obj[j], lp.Maximize, lp.ObjOffset = 1, max, 0
				res, err := coin.SolveLP(ctx, lp, coin.Settings{})
				rep.LPs++
				if err != nil {
					return rep, fmt.Errorf("nn: TightenBounds: %s: %w", l.in.ElementName(i), err)
				}
				if res.Status != coin.Optimal {
					continue // keep the interval bound
				}
				v, margin := res.Objective, tightenMargin*(1+math.Abs(res.Objective))
				if max {
					up[i] = math.Min(up[i], v+margin)
				} else {
					lo[i] = math.Max(lo[i], v-margin)
				}
			}
		}
		stable, err := activation.TightenReLU(l.out, l.in, lo, up)
		rep.Stable += stable
		if err != nil {
			return rep, err
		}
		rep.SpreadAfter += spread(l.out, l.in)
	}
	return rep, nil
}

// spread is Σ (U - L) of x's bounds over the neurons whose binary is free.
func spread(o activation.ReLUOutput, x *nnopt.Variable) float64 {
	s := 0.0
	for i := range x.Lo {
		if o.Binary.Lo[i] != o.Binary.Up[i] {
			s += x.Up[i] - x.Lo[i]
		}
	}
	return s
}
