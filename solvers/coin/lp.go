package coin

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// LP is a linear program, with integer columns for SolveMIP:
//
//	minimise (or maximise)  Obj'x + ObjOffset
//	subject to              RowLower <= A x <= RowUpper
//	                        ColLower <= x <= ColUpper
//	                        x_j integer where Integer[j]
//	                        at most one x_j nonzero in each SOS1 set
//	                        (two, adjacent by weight, in each SOS2 set)
//
// A is NumRows x NumCols in compressed-column form: the entries of column j
// are RowIndex[k], Value[k] for ColStart[j] <= k < ColStart[j+1], with
// len(ColStart) == NumCols+1, ColStart[0] == 0 and ColStart[NumCols] ==
// len(RowIndex) == len(Value); a row appears at most once in a column.
//
// Infinite bounds are math.Inf. A nil slice takes the default of Clp's
// C interface: ColLower 0, ColUpper +Inf, Obj 0, RowLower -Inf, RowUpper
// +Inf, Integer none.
type LP struct {
	NumRows, NumCols int
	ColStart         []int
	RowIndex         []int
	Value            []float64

	ColLower, ColUpper, Obj []float64
	RowLower, RowUpper      []float64
	Integer                 []bool

	// SOS are special ordered sets, for SolveMIP only (Cbc branches on them;
	// Clp cannot hold them, and SolveLP refuses a problem that has any).
	SOS []SOS

	Maximize  bool
	ObjOffset float64
}

// SOS is a special ordered set: of type 1, at most one of its columns is
// nonzero; of type 2, at most two, adjacent in the order of their weights. The
// weights order the columns for branching and must differ; nil weights are
// 1, 2, 3, ... in the order of Index.
type SOS struct {
	Name   string // for messages
	Type   int    // 1 or 2
	Index  []int
	Weight []float64
}

// check reports the first inconsistency of the set, the k-th of a problem of
// n columns.
func (s SOS) check(k, n int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("coin: SOS %d (%s): "+format, append([]any{k, s.Name}, args...)...)
	}
	if s.Type != 1 && s.Type != 2 {
		return bad("type %d; want 1 or 2", s.Type)
	}
	if len(s.Index) == 0 {
		return bad("no columns")
	}
	if s.Weight != nil && len(s.Weight) != len(s.Index) {
		return bad("%d weights for %d columns", len(s.Weight), len(s.Index))
	}
	seen := make(map[int]bool, len(s.Index))
	weights := make(map[float64]bool, len(s.Weight))
	for q, j := range s.Index {
		if j < 0 || j >= n {
			return bad("column %d out of range [0, %d)", j, n)
		}
		if seen[j] {
			return bad("column %d appears twice", j)
		}
		seen[j] = true
		if s.Weight != nil {
			w := s.Weight[q]
			if math.IsNaN(w) || math.IsInf(w, 0) || weights[w] {
				return bad("weight %v of column %d; want finite weights that differ", w, j)
			}
			weights[w] = true
		}
	}
	return nil
}

// Validate reports the first inconsistency in p: dimensions, a malformed
// matrix, NaN or infinite coefficients, crossed or NaN bounds. Errors name
// the row or column.
func (p *LP) Validate() error {
	if p == nil {
		return errors.New("coin: nil LP")
	}
	if p.NumRows < 0 || p.NumCols < 0 {
		return fmt.Errorf("coin: negative dimension %d x %d", p.NumRows, p.NumCols)
	}
	if p.NumRows > math.MaxInt32 || p.NumCols > math.MaxInt32-1 {
		return fmt.Errorf("coin: %d x %d is too large for Clp's and Cbc's 32-bit indices", p.NumRows, p.NumCols)
	}
	if len(p.ColStart) != p.NumCols+1 {
		return fmt.Errorf("coin: len(ColStart) = %d, want NumCols+1 = %d", len(p.ColStart), p.NumCols+1)
	}
	if len(p.RowIndex) != len(p.Value) {
		return fmt.Errorf("coin: len(RowIndex) = %d but len(Value) = %d", len(p.RowIndex), len(p.Value))
	}
	if len(p.Value) > math.MaxInt32 {
		return fmt.Errorf("coin: %d coefficients is too many for Clp's and Cbc's 32-bit indices", len(p.Value))
	}
	if p.ColStart[0] != 0 {
		return fmt.Errorf("coin: ColStart[0] = %d, want 0", p.ColStart[0])
	}
	if p.ColStart[p.NumCols] != len(p.Value) {
		return fmt.Errorf("coin: ColStart[%d] = %d, want len(Value) = %d", p.NumCols, p.ColStart[p.NumCols], len(p.Value))
	}
	seen := make([]int, p.NumRows) // the column+1 that last had the row
	for j := 0; j < p.NumCols; j++ {
		lo, hi := p.ColStart[j], p.ColStart[j+1]
		if hi < lo || hi > len(p.Value) {
			return fmt.Errorf("coin: column %d: ColStart[%d] = %d, ColStart[%d] = %d (must not decrease, at most %d)", j, j, lo, j+1, hi, len(p.Value))
		}
		for k := lo; k < hi; k++ {
			i := p.RowIndex[k]
			if i < 0 || i >= p.NumRows {
				return fmt.Errorf("coin: column %d: row index %d (entry %d) out of range [0, %d)", j, i, k, p.NumRows)
			}
			if seen[i] == j+1 {
				return fmt.Errorf("coin: column %d: row %d appears twice", j, i)
			}
			seen[i] = j + 1
			if v := p.Value[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("coin: column %d, row %d: coefficient %v", j, i, v)
			}
		}
	}
	for k, s := range p.SOS {
		if err := s.check(k, p.NumCols); err != nil {
			return err
		}
	}
	if err := checkLen("ColLower", p.ColLower, p.NumCols); err != nil {
		return err
	}
	if err := checkLen("ColUpper", p.ColUpper, p.NumCols); err != nil {
		return err
	}
	if err := checkLen("Obj", p.Obj, p.NumCols); err != nil {
		return err
	}
	if err := checkLen("RowLower", p.RowLower, p.NumRows); err != nil {
		return err
	}
	if err := checkLen("RowUpper", p.RowUpper, p.NumRows); err != nil {
		return err
	}
	if p.Integer != nil && len(p.Integer) != p.NumCols {
		return fmt.Errorf("coin: len(Integer) = %d, want NumCols = %d (or nil)", len(p.Integer), p.NumCols)
	}
	for j, c := range p.Obj {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return fmt.Errorf("coin: column %d: objective coefficient %v", j, c)
		}
	}
	for j := 0; j < p.NumCols; j++ {
		if err := checkBounds("column", j, at(p.ColLower, j, 0), at(p.ColUpper, j, math.Inf(1))); err != nil {
			return err
		}
	}
	for i := 0; i < p.NumRows; i++ {
		if err := checkBounds("row", i, at(p.RowLower, i, math.Inf(-1)), at(p.RowUpper, i, math.Inf(1))); err != nil {
			return err
		}
	}
	if math.IsNaN(p.ObjOffset) || math.IsInf(p.ObjOffset, 0) {
		return fmt.Errorf("coin: ObjOffset %v", p.ObjOffset)
	}
	return nil
}

func checkLen(name string, s []float64, n int) error {
	if s != nil && len(s) != n {
		return fmt.Errorf("coin: len(%s) = %d, want %d (or nil)", name, len(s), n)
	}
	return nil
}

func checkBounds(what string, i int, lo, up float64) error {
	switch {
	case math.IsNaN(lo) || math.IsNaN(up):
		return fmt.Errorf("coin: %s %d: NaN bound [%v, %v]", what, i, lo, up)
	case math.IsInf(lo, 1) || math.IsInf(up, -1):
		return fmt.Errorf("coin: %s %d: bounds [%v, %v] admit no finite value", what, i, lo, up)
	case lo > up:
		return fmt.Errorf("coin: %s %d: lower bound %v above upper bound %v", what, i, lo, up)
	}
	return nil
}

// at returns s[i], or def when s is nil.
func at(s []float64, i int, def float64) float64 {
	if s == nil {
		return def
	}
	return s[i]
}

// Settings are the limits of a solve. The zero value solves to the solver's
// own tolerances without limits, quietly.
type Settings struct {
	// TimeLimit stops the solve after this long (0: none). Cbc counts
	// elapsed time; Clp counts the CPU time of the solve.
	TimeLimit time.Duration
	// IterationLimit stops Clp after this many simplex iterations (0: none),
	// ending IterationLimit. SolveLP only: Cbc's C interface has no such limit.
	IterationLimit int
	// RelativeGap and AbsoluteGap stop the branch and cut once the incumbent
	// is within this relative (|best - bound| / |best|) or absolute distance
	// of the bound (0: Cbc's defaults, 0 and 1e-10). SolveMIP only.
	RelativeGap, AbsoluteGap float64
	// NodeLimit stops the branch and cut after this many nodes (0: none).
	// SolveMIP only.
	NodeLimit int
	// UseCutoff asks SolveMIP for solutions better than Cutoff only (above it
	// when maximising, below it when minimising): every node whose bound is
	// not better is pruned, so a problem without such a solution ends
	// Infeasible. Deciding whether the optimum passes a threshold this way
	// is much faster than optimising. SolveMIP only.
	UseCutoff bool
	Cutoff    float64
	// SolutionLimit stops the branch and cut at this many incumbents (0:
	// none); with UseCutoff, 1 stops at the first solution past the cutoff.
	// SolveMIP only.
	SolutionLimit int
	// Cuts is a cut generator that Cbc calls at the nodes of its search with
	// the node's LP solution x (one value per column); the cuts it returns
	// must hold for every integer-feasible point (they are global), and
	// should cut x off. Cbc's preprocessing is turned off with Cuts, so that
	// the columns are p's. SolveMIP only. Cbc's C interface (2.10) offers no
	// incumbent callback; Log reports each new incumbent's objective.
	Cuts func(x []float64) []Cut
	// Start is a MIP start: a value for every column (Cbc completes and
	// checks it; an infeasible start is dropped). nil: none. SolveMIP only.
	Start []float64
	// Log receives the solver's messages, one per line (nil: quiet). The
	// libraries also print their log to the process's standard output while
	// Log is set; their C interfaces cannot redirect it.
	Log io.Writer
}

// ErrUnsupportedSetting is wrapped by the error for a setting that the
// chosen solver does not implement (for example a NodeLimit given to SolveLP).
var ErrUnsupportedSetting = errors.New("setting not supported by this solver")

// ErrNotInterruptible is wrapped, with the context's error, by the error a
// solve returns when its context was cancelled while the solver ran: the C
// interfaces cannot be interrupted, so the solve ran to its end.
var ErrNotInterruptible = errors.New("the solver's C interface cannot be interrupted; cancellation takes effect between solves")

// Cut is a linear inequality or equation over the columns of an LP:
// Σ Value[k]·x[Index[k]] Sense RHS, Sense 'L' (≤), 'G' (≥) or 'E' (=).
type Cut struct {
	Index []int
	Value []float64
	Sense byte
	RHS   float64
}

// check says whether c is a cut over n columns.
func (c Cut) check(n int) error {
	if len(c.Index) != len(c.Value) {
		return fmt.Errorf("coin: cut with %d indices and %d values", len(c.Index), len(c.Value))
	}
	if c.Sense != 'L' && c.Sense != 'G' && c.Sense != 'E' {
		return fmt.Errorf("coin: cut sense %q: want 'L', 'G' or 'E'", c.Sense)
	}
	if math.IsNaN(c.RHS) || math.IsInf(c.RHS, 0) {
		return fmt.Errorf("coin: cut right-hand side %v", c.RHS)
	}
	for k, j := range c.Index {
		if j < 0 || j >= n {
			return fmt.Errorf("coin: cut column %d out of [0, %d)", j, n)
		}
		if math.IsNaN(c.Value[k]) || math.IsInf(c.Value[k], 0) {
			return fmt.Errorf("coin: cut coefficient %v of column %d", c.Value[k], j)
		}
	}
	return nil
}

func (s *Settings) validate(p *LP, mip bool) error {
	if s.TimeLimit < 0 {
		return fmt.Errorf("coin: TimeLimit %v is negative", s.TimeLimit)
	}
	for _, g := range []struct {
		name string
		v    float64
	}{{"RelativeGap", s.RelativeGap}, {"AbsoluteGap", s.AbsoluteGap}} {
		if math.IsNaN(g.v) || math.IsInf(g.v, 0) || g.v < 0 {
			return fmt.Errorf("coin: %s %v: want a finite value >= 0", g.name, g.v)
		}
		if g.v != 0 && !mip {
			return fmt.Errorf("coin: SolveLP: %s: %w", g.name, ErrUnsupportedSetting)
		}
	}
	if s.IterationLimit < 0 || s.IterationLimit > math.MaxInt32 {
		return fmt.Errorf("coin: IterationLimit %d: want a count in [0, %d] (0: none)", s.IterationLimit, math.MaxInt32)
	}
	if mip && s.IterationLimit != 0 {
		return fmt.Errorf("coin: SolveMIP: IterationLimit: %w", ErrUnsupportedSetting)
	}
	if s.NodeLimit < 0 {
		return fmt.Errorf("coin: NodeLimit %d is negative", s.NodeLimit)
	}
	if s.NodeLimit > math.MaxInt32 {
		return fmt.Errorf("coin: NodeLimit %d exceeds Cbc's limit %d", s.NodeLimit, math.MaxInt32)
	}
	if s.NodeLimit != 0 && !mip {
		return fmt.Errorf("coin: SolveLP: NodeLimit: %w", ErrUnsupportedSetting)
	}
	if s.UseCutoff && (math.IsNaN(s.Cutoff) || math.IsInf(s.Cutoff, 0)) {
		return fmt.Errorf("coin: Cutoff %v: want a finite value", s.Cutoff)
	}
	if s.SolutionLimit < 0 || s.SolutionLimit > math.MaxInt32 {
		return fmt.Errorf("coin: SolutionLimit %d: want a count in [0, %d] (0: none)", s.SolutionLimit, math.MaxInt32)
	}
	if !mip && s.UseCutoff {
		return fmt.Errorf("coin: SolveLP: Cutoff: %w", ErrUnsupportedSetting)
	}
	if !mip && s.Cuts != nil {
		return fmt.Errorf("coin: SolveLP: Cuts: %w", ErrUnsupportedSetting)
	}
	if !mip && s.SolutionLimit != 0 {
		return fmt.Errorf("coin: SolveLP: SolutionLimit: %w", ErrUnsupportedSetting)
	}
	if s.Start != nil {
		if !mip {
			return fmt.Errorf("coin: SolveLP: Start: %w", ErrUnsupportedSetting)
		}
		if len(s.Start) != p.NumCols {
			return fmt.Errorf("coin: len(Start) = %d, want NumCols = %d", len(s.Start), p.NumCols)
		}
		for j, v := range s.Start {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("coin: Start: column %d: value %v", j, v)
			}
		}
	}
	return nil
}
