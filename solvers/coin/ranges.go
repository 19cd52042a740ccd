package coin

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"time"
)

// ColumnRanges returns, for each column j of cols, the smallest and the largest
// value x_j takes over p's feasible set (p's objective, Integer and SOS ignored: the
// LP relaxation), as bound tightening needs: 2·len(cols) LPs on one Clp model,
// each started from the previous one's basis (an objective change keeps the
// basis primal feasible, so the primal simplex goes on from it), which is many
// times faster than solving each LP from scratch.
//
// lo[k] or up[k] is NaN where that LP did not end optimal, or was not solved
// because s.TimeLimit (a budget for all the LPs; 0: none) ran out or the
// context was done; the caller keeps its own bound there. lps counts the LPs
// solved. The error is for an invalid p, cols or s, a missing library, an
// infeasible p (no range exists), or the context's error when it stopped the
// LPs. Only TimeLimit and Log of s are used.
func ColumnRanges(ctx context.Context, p *LP, cols []int, s Settings) (lo, up []float64, lps int, err error) {
	q := *p
	q.Integer, q.SOS, q.Obj, q.ObjOffset, q.Maximize = nil, nil, make([]float64, p.NumCols), 0, false
	if err := q.Validate(); err != nil {
		return nil, nil, 0, err
	}
	if err := (&Settings{TimeLimit: s.TimeLimit}).validate(&q, false); err != nil {
		return nil, nil, 0, err
	}
	for _, j := range cols {
		if j < 0 || j >= p.NumCols {
			return nil, nil, 0, fmt.Errorf("coin: ColumnRanges: column %d out of [0, %d)", j, p.NumCols)
		}
	}
	lib, err := clpLoaded()
	if err != nil {
		return nil, nil, 0, err
	}
	lo, up = make([]float64, len(cols)), make([]float64, len(cols))
	for k := range lo {
		lo[k], up[k] = math.NaN(), math.NaN()
	}
	if len(cols) == 0 {
		return lo, up, 0, nil
	}
	c := convert(&q)
	solveMu.Lock()
	defer solveMu.Unlock()
	m, err := lib.load(&q, c, "Clp")
	if err != nil {
		return lo, up, 0, err
	}
	defer lib.deleteModel(m)
	if s.Log != nil {
		logTo.w, logTo.solver = s.Log, "Clp"
		defer func() { logTo.w = nil }()
		lib.registerCB(m, messageCallback())
		lib.setLogLevel(m, 1)
	} else {
		lib.setLogLevel(m, 0)
	}
	began := time.Now()
	out := func() bool { return s.TimeLimit > 0 && time.Since(began) >= s.TimeLimit }
	restore := guardSIGINT()
	defer restore()
	// A first solve of the feasibility problem gives a feasible basis.
	lib.initialSolve(m)
	lps++
	switch lib.status(m) {
	case 0:
	case 1:
		return lo, up, lps, fmt.Errorf("coin: ColumnRanges: the LP is infeasible")
	default:
		return lo, up, lps, nil // no basis to start from: every range unknown
	}
	obj := make([]float64, p.NumCols)
	for k, j := range cols {
		for _, sense := range []float64{1, -1} {
			if err := ctx.Err(); err != nil {
				return lo, up, lps, err
			}
			if out() {
				return lo, up, lps, nil
			}
			if s.TimeLimit > 0 {
				lib.setMaxSeconds(m, max((s.TimeLimit-time.Since(began)).Seconds(), 1e-3))
			}
			obj[j] = 1
			lib.chgObj(m, &obj[0])
			obj[j] = 0
			lib.setObjSense(m, sense)
			lib.primal(m, 0)
			lps++
			if lib.status(m) != 0 {
				// Start the next LP from a fresh feasible basis: this one's
				// may be of no use.
				lib.chgObj(m, &obj[0])
				lib.initialSolve(m)
				continue
			}
			x := cSlice(lib.colSolution(m), c.ncols)
			if sense > 0 {
				lo[k] = x[j]
			} else {
				up[k] = x[j]
			}
		}
	}
	runtime.KeepAlive(c)
	runtime.KeepAlive(obj)
	return lo, up, lps, nil
}
