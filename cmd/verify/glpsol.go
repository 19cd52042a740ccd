package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/glpk"
)

// glpsolCheck is the cross-check of one image's verdict by GLPK's glpsol
// (-check-glpsol): the MIPs nnopt solved, written as CPLEX LP files and solved
// by another solver.
type glpsolCheck struct {
	// Agrees: every MIP glpsol decided agrees with the verdict and none was left
	// undecided (a robust image: no class has a margin of -1e-4 or more; a
	// counterexample: the counterexample's class has a margin of 1e-4 or more,
	// and inference classifies glpsol's input otherwise than the label).
	// Unknown verdicts agree with nothing.
	Agrees bool `json:"agrees"`
	// Classes are the classes checked: every other class of a robust or
	// unknown image, the counterexample's class of a counterexample.
	Classes []glpsolClass `json:"classes"`
	Seconds float64       `json:"seconds"`
}

// glpsolClass is glpsol's answer for one class t.
type glpsolClass struct {
	Class int `json:"class"`
	// Status is glpsol's MIP status letter: "n" no solution (no margin above the
	// cutoff), "o" a solution, "u" undecided (stopped by the time limit).
	Status string `json:"status"`
	// Margin is out[t] - out[label] by nn's inference at glpsol's input, for a
	// solution (null otherwise); Prediction the class inference gives there.
	Margin     number `json:"margin"`
	Prediction *int   `json:"prediction,omitempty"`
}

// decisionModel is the MIP glpsol solves for class t: the network's equations
// and a row out[t] - out[label] ≥ cutoff, with no objective, so that glpsol's
// branch and bound stops at its first integer point (a margin of cutoff or
// more) or proves there is none, as Cbc's cutoff does for nnopt.
func (e *embedding) decisionModel(t, label int, cutoff float64) (*nnopt.Model, error) {
	out := e.f.Output
	cut := e.c.NewEquation(e.c.UniqueName("cutoff" + strconv.Itoa(t)))
	if err := cut.Define(nnopt.Ge(nnopt.Sub(out.Elem("0", strconv.Itoa(t)), out.Elem("0", strconv.Itoa(label))), nnopt.Const(cutoff))); err != nil {
		return nil, err
	}
	eqs := append(append([]*nnopt.Equation(nil), e.f.Equations...), cut)
	return e.c.NewModel(e.c.UniqueName("decide"+strconv.Itoa(t)), nnopt.ModelSpec{Equations: eqs, Problem: nnopt.MIP, Sense: nnopt.Feasibility})
}

// checkGLPSOL solves the verdict's MIPs with glpsol, each with the time limit
// of settings (none: an hour), and says whether glpsol agrees.
func (v *verifier) checkGLPSOL(ctx context.Context, e *embedding, res verdict, others []int, lo, up []float64) (*glpsolCheck, error) {
	start := time.Now()
	// A robust image: no class may have a margin of decisionCutoff (below 0)
	// or more. A counterexample: its class must have a margin of
	// -decisionCutoff (above 0), so that glpsol's point is a counterexample too.
	classes, cutoff := others, decisionCutoff
	if res.Verdict == Counterexample {
		classes, cutoff = []int{*res.Class}, -decisionCutoff
	}
	dir, err := os.MkdirTemp("", "verify-glpsol-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	limit := v.set.TimeLimit
	if limit <= 0 {
		limit = time.Hour
	}
	chk := &glpsolCheck{Agrees: res.Verdict != Unknown}
	defer func() { chk.Seconds = time.Since(start).Seconds() }()
	for _, t := range classes {
		if err := ctx.Err(); err != nil {
			return chk, err
		}
		m, err := e.decisionModel(t, res.Label, cutoff)
		if err != nil {
			return chk, err
		}
		path := filepath.Join(dir, fmt.Sprintf("image%d_class%d.lp", res.Index, t))
		if err := m.WriteFile(path); err != nil {
			return chk, err
		}
		sol, err := glpk.Solve(path, "--lp", "--tmlim", strconv.Itoa(int(math.Ceil(limit.Seconds()))))
		if err != nil {
			return chk, err
		}
		if !sol.MIP {
			return chk, fmt.Errorf("glpsol wrote no MIP solution of %s (status %q)", path, sol.Status)
		}
		c := glpsolClass{Class: t, Status: sol.Status, Margin: number(math.NaN())}
		if sol.Status == "f" {
			c.Status = "o" // a feasibility model: any solution is the answer
		}
		if c.Status == "o" {
			x := make([]float64, e.x.Size())
			for i := range x {
				val, ok := sol.ColPrimal[e.x.ElementName(i)]
				if !ok {
					return chk, fmt.Errorf("glpsol's solution of %s has no column %s", path, e.x.ElementName(i))
				}
				x[i] = math.Min(math.Max(val, lo[i]), up[i])
			}
			y, err := v.net.Forward(x, 1)
			if err != nil {
				return chk, err
			}
			p := argmax(y)
			c.Margin, c.Prediction = number(y[t]-y[res.Label]), &p
		}
		chk.Classes = append(chk.Classes, c)
		switch {
		case c.Status == "u":
			chk.Agrees = false
		case res.Verdict == Robust && c.Status != "n":
			chk.Agrees = false
		case res.Verdict == Counterexample && (c.Status != "o" || *c.Prediction == res.Label):
			chk.Agrees = false
		}
	}
	return chk, nil
}
