package simplex

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nnopt/nnopt/nlpsolve/internal/itlog"
	"github.com/nnopt/nnopt/nlpsolve/sparselu"
)

// Problem is the linear program min Cᵀx + ObjConstant subject to RowLo ≤ A·x ≤ RowUp and
// Lo ≤ x ≤ Up. A is M×N in compressed-column form (the rows of column j are
// RowIdx[ColPtr[j]:ColPtr[j+1]], each at most once). Infinite bounds are allowed;
// equal bounds fix a column or make a row an equality.
type Problem struct {
	N, M         int
	ColPtr       []int
	RowIdx       []int
	Val          []float64
	C            []float64
	ObjConstant  float64
	Lo, Up       []float64
	RowLo, RowUp []float64
}

// Settings controls Solve. The zero value gives the defaults.
type Settings struct {
	// IterationLimit caps the iterations of both phases. Zero means
	// 1000 + 20·(N+M).
	IterationLimit int
	// FeasibilityTolerance is the largest bound violation of the scaled problem
	// accepted as feasible. Zero means 1e-9.
	FeasibilityTolerance float64
	// OptimalityTolerance is the largest reduced cost of the scaled problem with
	// the wrong sign accepted as optimal. Zero means 1e-9.
	OptimalityTolerance float64
	// NoScaling solves the problem as given, without row and column scaling.
	NoScaling bool
	// ColScale and RowScale, when either is set, are the scales used instead of
	// computed ones (nil meaning all 1): the solve works on x_j/ColScale[j] and on
	// row i times RowScale[i]. Each must be finite and positive.
	ColScale, RowScale []float64
	// NoPerturbation leaves the bounds as they are (degenerate problems may then
	// stall; the stall guard reports it).
	NoPerturbation bool
	// UnboundedObjective, if positive, moves the point of an Unbounded result
	// along the ray found until the objective is below -UnboundedObjective, as a
	// method that follows the ray would report it; zero leaves the last vertex.
	UnboundedObjective float64
	// NoDual leaves out the dual simplex method that otherwise runs first from a
	// dual feasible starting basis.
	NoDual bool
	// NoCrash starts the primal method from the slack basis instead of a
	// triangular crash basis.
	NoCrash bool
	// LU tunes the basis factorization; nil gives sparselu's defaults.
	LU *sparselu.Settings
	// Log, if set, receives the iteration log.
	Log io.Writer
	// Maximized says the costs are the negated ones of a maximisation: the log
	// shows the objective negated back, as the caller stated it.
	Maximized bool
	// Stop, if set, is called once per iteration; returning true ends the solve
	// with Stopped (a time limit, a cancelled context).
	Stop func() bool
	// Progress, if set, is called once per iteration.
	Progress func(Progress)
}

// Progress is one iteration's figures: Objective is the sum of infeasibilities in
// phase 1 and cᵀx + ObjConstant in phase 2; RGMax is the entering column's reduced cost.
type Progress struct {
	Iter, Phase int
	Ninf        int
	Objective   float64
	RGMax       float64
	Step        float64
}

// Status says why Solve stopped.
type Status int

// Statuses.
const (
	NotSolved        Status = iota
	Optimal                 // primal and dual feasible to within the tolerances
	Infeasible              // phase 1 found no way to reduce a positive infeasibility
	Unbounded               // a ray along which cᵀx decreases without bound
	IterationLimit          // Settings.IterationLimit reached
	Stopped                 // Settings.Stop returned true
	Stalled                 // no progress over many iterations (degeneracy, round-off)
	NumericalFailure        // the basis could not be factored or updated
)

func (s Status) String() string {
	switch s {
	case NotSolved:
		return "not solved"
	case Optimal:
		return "optimal"
	case Infeasible:
		return "infeasible"
	case Unbounded:
		return "unbounded"
	case IterationLimit:
		return "iteration limit"
	case Stopped:
		return "stopped"
	case Stalled:
		return "stalled"
	case NumericalFailure:
		return "numerical failure"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result reports a solve. Everything in it refers to the problem as given
// (unscaled, unperturbed).
type Result struct {
	Status       Status
	Objective    float64   // cᵀx + ObjConstant
	X            []float64 // N
	RowActivity  []float64 // A·x, M
	Duals        []float64 // M: y = ∂f*/∂(active row bound)
	ReducedCosts []float64 // N: d = c - Aᵀy
	Iterations   int
	Phase1Iter   int     // iterations spent in phase 1
	Ninf         int     // basic variables outside their bounds at the end
	SumInf       float64 // their total violation (scaled problem)
	RGMax        float64 // largest reduced cost with the wrong sign at the end
}

// ErrInput is wrapped by Solve's errors for malformed problems.
var ErrInput = errors.New("simplex: bad problem")

func (p *Problem) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, a...))
	}
	if p == nil {
		return bad("nil problem")
	}
	n, m := p.N, p.M
	if n < 0 || m < 0 {
		return bad("N = %d, M = %d, want non-negative sizes", n, m)
	}
	if len(p.ColPtr) != n+1 || p.ColPtr[0] != 0 || p.ColPtr[n] != len(p.RowIdx) || len(p.Val) != len(p.RowIdx) {
		return bad("len(ColPtr) = %d (want N+1 = %d, ColPtr[0] = 0, ColPtr[N] = len(RowIdx)), len(RowIdx) = %d, len(Val) = %d", len(p.ColPtr), n+1, len(p.RowIdx), len(p.Val))
	}
	if len(p.C) != n || len(p.Lo) != n || len(p.Up) != n || len(p.RowLo) != m || len(p.RowUp) != m {
		return bad("len(C), len(Lo), len(Up) = %d, %d, %d (want N = %d), len(RowLo), len(RowUp) = %d, %d (want M = %d)", len(p.C), len(p.Lo), len(p.Up), n, len(p.RowLo), len(p.RowUp), m)
	}
	seen := make([]int, m)
	for j := 0; j < n; j++ {
		if p.ColPtr[j+1] < p.ColPtr[j] {
			return bad("ColPtr[%d] = %d < ColPtr[%d] = %d", j+1, p.ColPtr[j+1], j, p.ColPtr[j])
		}
		for t := p.ColPtr[j]; t < p.ColPtr[j+1]; t++ {
			i := p.RowIdx[t]
			if i < 0 || i >= m {
				return bad("RowIdx[%d] = %d in column %d, want a row in [0, %d)", t, i, j, m)
			}
			if seen[i] == j+1 {
				return bad("row %d repeated in column %d", i, j)
			}
			seen[i] = j + 1
			if v := p.Val[t]; math.IsNaN(v) || math.IsInf(v, 0) {
				return bad("A[%d, %d] = %v, want a finite value", i, j, v)
			}
		}
		if v := p.C[j]; math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("C[%d] = %v, want a finite value", j, v)
		}
		if err := checkBounds(p.Lo[j], p.Up[j]); err != nil {
			return bad("column %d: %v", j, err)
		}
	}
	for i := 0; i < m; i++ {
		if err := checkBounds(p.RowLo[i], p.RowUp[i]); err != nil {
			return bad("row %d: %v", i, err)
		}
	}
	return nil
}

func checkBounds(lo, up float64) error {
	if math.IsNaN(lo) || math.IsNaN(up) || lo > up || math.IsInf(lo, 1) || math.IsInf(up, -1) {
		return fmt.Errorf("bounds [%v, %v] are empty or admit no finite value", lo, up)
	}
	return nil
}

// Nonbasic states.
const (
	atLo int8 = iota
	atUp
	atZero // free nonbasic, held at zero
	isFixed
	isBasic
)

type solver struct {
	set    Settings
	n, m   int
	nt     int
	colPtr []int
	rowIdx []int
	val    []float64 // scaled A
	rs, cs []float64 // row and column scales: A' = diag(rs)·A·diag(cs)

	c        []float64 // nt, scaled phase-2 costs (0 for logicals)
	lo, up   []float64 // nt, working (perhaps perturbed) bounds
	lo0, up0 []float64 // nt, the scaled bounds as stated
	x        []float64 // nt
	st       []int8    // nt
	head     []int     // basis position → variable
	pos      []int     // variable → basis position, -1 if nonbasic

	lu     sparselu.LU
	bm     sparselu.Matrix
	cb, y  []float64 // m
	alpha  []float64 // m: B⁻¹a_q
	rho    []float64 // m: B⁻ᵀe_r
	dValid bool      // s.d holds phase 2's reduced costs for the current basis
	bps    []breakpoint
	dw     []float64 // dual steepest-edge weights, per basis position
	tau    []float64 // m: B⁻¹ρ_r for their update
	// The scaled A by rows: the entries of row i are colIdx/rval[rowPtr[i]:rowPtr[i+1]].
	rowPtr, colIdx []int
	rval           []float64
	rhs            []float64 // m
	d              []float64 // nt reduced costs (valid for nonbasics)
	w              []float64 // nt projected steepest-edge weights (nonbasics)
	ref            []bool    // nt: the weights' reference framework
	v              []float64 // m: B⁻ᵀ(α masked to the reference) for their update
	prow           []float64 // nt pivot row (nonbasics)
	colRows        []int     // scratch for a logical's column
	colVals        []float64

	feasTol, optTol float64
	objConst        float64
	perturbed       bool
	iter, p1iter    int
	log             io.Writer
	tab             itlog.Writer // the iteration table, on log
	cands, front    []candidate  // the dual ratio test's (dual.go)
	flips           []int
	flipv           []float64
}

// Solve minimises p's objective. The error is non-nil only for a malformed
// problem; the outcome is Result.Status.
func Solve(p *Problem, set *Settings) (Result, error) {
	s, err := newSolver(p, set)
	if err != nil {
		return Result{}, err
	}
	status := s.run()
	return s.result(p, status), nil
}

// newSolver checks p and set and sets up the solver for p.
func newSolver(p *Problem, set *Settings) (*solver, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	s := &solver{n: p.N, m: p.M, nt: p.N + p.M}
	if set != nil {
		s.set = *set
	}
	if s.set.IterationLimit < 0 {
		return nil, fmt.Errorf("%w: IterationLimit = %d, want a non-negative count", ErrInput, s.set.IterationLimit)
	}
	if t := s.set.FeasibilityTolerance; math.IsNaN(t) || t < 0 || t >= 1 {
		return nil, fmt.Errorf("%w: FeasibilityTolerance = %v, want a value in [0, 1)", ErrInput, t)
	}
	if t := s.set.OptimalityTolerance; math.IsNaN(t) || t < 0 || t >= 1 {
		return nil, fmt.Errorf("%w: OptimalityTolerance = %v, want a value in [0, 1)", ErrInput, t)
	}
	for name, sc := range map[string][]float64{"ColScale": s.set.ColScale, "RowScale": s.set.RowScale} {
		want := map[string]int{"ColScale": s.n, "RowScale": s.m}[name]
		if sc == nil {
			continue
		}
		if len(sc) != want {
			return nil, fmt.Errorf("%w: len(%s) = %d, want %d", ErrInput, name, len(sc), want)
		}
		for i, v := range sc {
			if !(v > 0) || math.IsInf(v, 1) {
				return nil, fmt.Errorf("%w: %s[%d] = %v, want a finite positive scale", ErrInput, name, i, v)
			}
		}
	}
	s.feasTol, s.optTol = s.set.FeasibilityTolerance, s.set.OptimalityTolerance
	if s.feasTol == 0 {
		s.feasTol = 1e-9
	}
	if s.optTol == 0 {
		s.optTol = 1e-9
	}
	if s.set.IterationLimit == 0 {
		s.set.IterationLimit = 1000 + 20*(s.nt)
	}
	s.log = s.set.Log
	s.tab.W = s.log
	s.objConst = p.ObjConstant
	s.setup(p)
	return s, nil
}

// setup scales p and allocates the working arrays.
func (s *solver) setup(p *Problem) {
	n, m, nt := s.n, s.m, s.nt
	s.colPtr, s.rowIdx = p.ColPtr, p.RowIdx
	s.val = append([]float64(nil), p.Val...)
	s.rs, s.cs = make([]float64, m), make([]float64, n)
	for i := range s.rs {
		s.rs[i] = 1
	}
	for j := range s.cs {
		s.cs[j] = 1
	}
	switch {
	case s.set.ColScale != nil || s.set.RowScale != nil:
		if s.set.ColScale != nil {
			copy(s.cs, s.set.ColScale)
		}
		if s.set.RowScale != nil {
			copy(s.rs, s.set.RowScale)
		}
		for j := 0; j < n; j++ {
			for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
				s.val[t] *= s.cs[j] * s.rs[s.rowIdx[t]]
			}
		}
	case !s.set.NoScaling:
		s.scale()
	}
	s.rowPtr = make([]int, m+1)
	for _, i := range s.rowIdx {
		s.rowPtr[i+1]++
	}
	for i := 0; i < m; i++ {
		s.rowPtr[i+1] += s.rowPtr[i]
	}
	s.colIdx, s.rval = make([]int, len(s.rowIdx)), make([]float64, len(s.rowIdx))
	fill := append([]int(nil), s.rowPtr[:m]...)
	for j := 0; j < n; j++ {
		for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
			i := s.rowIdx[t]
			s.colIdx[fill[i]], s.rval[fill[i]] = j, s.val[t]
			fill[i]++
		}
	}
	s.c = make([]float64, nt)
	s.lo0, s.up0 = make([]float64, nt), make([]float64, nt)
	for j := 0; j < n; j++ {
		s.c[j] = p.C[j] * s.cs[j]
		s.lo0[j], s.up0[j] = p.Lo[j]/s.cs[j], p.Up[j]/s.cs[j]
	}
	for i := 0; i < m; i++ {
		s.lo0[n+i], s.up0[n+i] = p.RowLo[i]*s.rs[i], p.RowUp[i]*s.rs[i]
	}
	s.lo, s.up = append([]float64(nil), s.lo0...), append([]float64(nil), s.up0...)
	s.x = make([]float64, nt)
	s.st = make([]int8, nt)
	s.pos = make([]int, nt)
	s.head = make([]int, m)
	s.d, s.w, s.prow = make([]float64, nt), make([]float64, nt), make([]float64, nt)
	s.cb, s.y, s.alpha, s.rho, s.rhs = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	s.colRows, s.colVals = make([]int, 1), make([]float64, 1)
	for k := range s.w {
		s.w[k] = 1
	}
	// Slack basis; structurals nonbasic at a bound (the one nearer zero), free ones
	// at zero.
	for j := 0; j < n; j++ {
		s.pos[j] = -1
		s.setNonbasic(j, s.lo[j] >= 0 || math.IsInf(s.up[j], 1) || math.Abs(s.lo[j]) <= math.Abs(s.up[j]))
	}
	for i := 0; i < m; i++ {
		s.head[i] = n + i
		s.pos[n+i] = i
		s.st[n+i] = isBasic
	}
	s.bm = sparselu.Matrix{N: m, ColPtr: make([]int, m+1)}
}

// setNonbasic makes k nonbasic at its lower bound (preferLo, when finite) or its
// upper bound, or at zero when free.
func (s *solver) setNonbasic(k int, preferLo bool) {
	lo, up := s.lo[k], s.up[k]
	switch {
	case lo == up:
		s.st[k], s.x[k] = isFixed, lo
	case math.IsInf(lo, -1) && math.IsInf(up, 1):
		s.st[k], s.x[k] = atZero, 0
	case !math.IsInf(lo, -1) && (preferLo || math.IsInf(up, 1)):
		s.st[k], s.x[k] = atLo, lo
	default:
		s.st[k], s.x[k] = atUp, up
	}
}

// column returns variable k's column of the scaled [A -I].
func (s *solver) column(k int) ([]int, []float64) {
	if k < s.n {
		return s.rowIdx[s.colPtr[k]:s.colPtr[k+1]], s.val[s.colPtr[k]:s.colPtr[k+1]]
	}
	s.colRows[0], s.colVals[0] = k-s.n, -1
	return s.colRows, s.colVals
}

// scale sets s.rs and s.cs by geometric-mean passes and a column equilibration,
// rounded to powers of two (exact in floating point), and scales s.val.
func (s *solver) scale() {
	n, m := s.n, s.m
	if len(s.val) == 0 {
		return
	}
	rmin, rmax := make([]float64, m), make([]float64, m)
	pow2 := func(v float64) float64 {
		if !(v > 0) || math.IsInf(v, 0) {
			return 1
		}
		return math.Exp2(math.Round(math.Log2(v)))
	}
	for pass := 0; pass < 6; pass++ {
		for i := range rmin {
			rmin[i], rmax[i] = math.Inf(1), 0
		}
		for j := 0; j < n; j++ {
			for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
				if a := math.Abs(s.val[t]) * s.cs[j] * s.rs[s.rowIdx[t]]; a > 0 {
					i := s.rowIdx[t]
					rmin[i] = math.Min(rmin[i], a)
					rmax[i] = math.Max(rmax[i], a)
				}
			}
		}
		for i := range s.rs {
			if rmax[i] > 0 {
				s.rs[i] /= math.Sqrt(rmin[i] * rmax[i])
			}
		}
		for j := 0; j < n; j++ {
			cmin, cmax := math.Inf(1), 0.0
			for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
				if a := math.Abs(s.val[t]) * s.cs[j] * s.rs[s.rowIdx[t]]; a > 0 {
					cmin = math.Min(cmin, a)
					cmax = math.Max(cmax, a)
				}
			}
			if cmax > 0 {
				s.cs[j] /= math.Sqrt(cmin * cmax)
			}
		}
	}
	for j := 0; j < n; j++ {
		cmax := 0.0
		for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
			cmax = math.Max(cmax, math.Abs(s.val[t])*s.cs[j]*s.rs[s.rowIdx[t]])
		}
		if cmax > 0 {
			s.cs[j] /= cmax
		}
	}
	for i := range s.rs {
		s.rs[i] = pow2(s.rs[i])
	}
	for j := range s.cs {
		s.cs[j] = pow2(s.cs[j])
	}
	for j := 0; j < n; j++ {
		for t := s.colPtr[j]; t < s.colPtr[j+1]; t++ {
			s.val[t] *= s.cs[j] * s.rs[s.rowIdx[t]]
		}
	}
}

// perturb widens the finite bounds of the basic variables by small random
// amounts (relative to the bounds' size), which breaks the ties that make a
// degenerate vertex cycle or stall: a degenerate basic now lies strictly inside
// its bounds. The nonbasics keep their bounds and values, so that the basics
// keep theirs and no infeasibility is made (moving the nonbasics with perturbed
// bounds of their own made the basics of a degenerate vertex infeasible by about
// the perturbation, which phase 1 then spent hundreds of iterations removing).
func (s *solver) perturb() {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range s.head {
		if s.lo0[k] == s.up0[k] && k < s.n {
			continue // a fixed column stays fixed
		}
		if !math.IsInf(s.lo0[k], -1) {
			s.lo[k] = s.lo0[k] - (1+math.Abs(s.lo0[k]))*1e-7*(0.5+rng.Float64())
		}
		if !math.IsInf(s.up0[k], 1) {
			s.up[k] = s.up0[k] + (1+math.Abs(s.up0[k]))*1e-7*(0.5+rng.Float64())
		}
	}
	s.perturbed = true
}

// unperturb restores the stated bounds, puts the nonbasics back on them and
// recomputes the basics. It reports false when the basis cannot be factored.
func (s *solver) unperturb() bool {
	copy(s.lo, s.lo0)
	copy(s.up, s.up0)
	for k := 0; k < s.nt; k++ {
		switch s.st[k] {
		case atLo, atUp, isFixed:
			s.setNonbasic(k, s.st[k] != atUp)
		}
	}
	s.perturbed = false
	return s.refactor()
}

// refactor factors the basis and recomputes the basic values. A singular basis
// has its dependent columns replaced by the logicals of the rows left without a
// pivot.
func (s *solver) refactor() bool {
	s.dValid = false
	for attempt := 0; attempt < 5; attempt++ {
		s.bm.RowIdx, s.bm.Val = s.bm.RowIdx[:0], s.bm.Val[:0]
		for p, k := range s.head {
			rows, vals := s.column(k)
			s.bm.RowIdx = append(s.bm.RowIdx, rows...)
			s.bm.Val = append(s.bm.Val, vals...)
			s.bm.ColPtr[p+1] = len(s.bm.RowIdx)
		}
		err := s.lu.Factorize(s.bm, s.set.LU)
		if err == nil {
			s.computeBasics()
			return true
		}
		var se *sparselu.SingularError
		if !errors.As(err, &se) {
			return false
		}
		for t, p := range se.Columns {
			k, sl := s.head[p], s.n+se.Rows[t]
			if s.pos[sl] >= 0 {
				return false
			}
			s.pos[k] = -1
			s.setNonbasic(k, true)
			s.head[p], s.pos[sl], s.st[sl] = sl, p, isBasic
		}
	}
	return false
}

// computeBasics solves B·x_B = -N·x_N.
func (s *solver) computeBasics() {
	clear(s.rhs)
	for k := 0; k < s.nt; k++ {
		if s.st[k] == isBasic || s.x[k] == 0 {
			continue
		}
		rows, vals := s.column(k)
		for t, i := range rows {
			s.rhs[i] -= vals[t] * s.x[k]
		}
	}
	s.lu.SolveVec(s.rhs, s.rhs)
	for p, k := range s.head {
		s.x[k] = s.rhs[p]
	}
}

// infeasibility returns the number and sum of the basics' bound violations
// beyond the feasibility tolerance, and sets the phase-1 costs in s.cb.
func (s *solver) infeasibility() (int, float64) {
	ninf, sum := 0, 0.0
	for p, k := range s.head {
		s.cb[p] = 0
		v := s.x[k]
		if v < s.lo[k]-s.feasTol {
			ninf++
			sum += s.lo[k] - v
			s.cb[p] = -1
		} else if v > s.up[k]+s.feasTol {
			ninf++
			sum += v - s.up[k]
			s.cb[p] = 1
		}
	}
	return ninf, sum
}

// price chooses the entering variable (-1 if none) by devex from the reduced
// costs of the nonbasics, and returns the largest violation. Unless s.dValid, it
// first computes the duals for the basic costs in s.cb and the reduced costs
// (with costs cost, nil for zero).
func (s *solver) price(cost []float64) (int, float64) {
	if !s.dValid {
		s.lu.SolveTransVec(s.y, s.cb)
		s.rowTimes(s.y, s.d)
		for k := 0; k < s.n; k++ {
			c := 0.0
			if cost != nil {
				c = cost[k]
			}
			s.d[k] = c - s.d[k]
		}
		copy(s.d[s.n:], s.y)
		s.dValid = cost != nil // phase 1's costs change as basics reach their bounds
	}
	q, best, rg := -1, 0.0, 0.0
	tol := s.optTol
	for k, st := range s.st {
		var v float64
		switch st {
		case atLo:
			v = -s.d[k]
		case atUp:
			v = s.d[k]
		case atZero:
			v = math.Abs(s.d[k])
		default:
			continue
		}
		if v <= tol {
			continue
		}
		if v > rg {
			rg = v
		}
		if score := v * v / s.w[k]; score > best {
			q, best = k, score
		}
	}
	return q, rg
}

// rowTimes sets out[j] = Σ_i v_i·A'_ij for the structural columns, row by row so
// that the zeros of v cost nothing.
func (s *solver) rowTimes(v, out []float64) {
	clear(out[:s.n])
	for i, vi := range v {
		if vi == 0 {
			continue
		}
		for t := s.rowPtr[i]; t < s.rowPtr[i+1]; t++ {
			out[s.colIdx[t]] += vi * s.rval[t]
		}
	}
}

// ratio is the two-pass Harris ratio test for entering q moving in direction dir
// (±1) with s.alpha = B⁻¹a_q. It returns the leaving basis position (-1 for a
// bound flip or no block), the step, and the bound the leaving variable goes to.
func (s *solver) ratio(q int, dir float64, phase int) (r int, step float64, toUp bool) {
	tol := s.feasTol
	amax := 1.0
	for _, a := range s.alpha {
		if a := math.Abs(a); a > amax {
			amax = a
		}
	}
	piv := 1e-9 * amax
	// Pass 1: the smallest step with the bounds relaxed by tol.
	tmax := math.Inf(1)
	for p, a := range s.alpha {
		delta := -dir * a
		if math.Abs(delta) <= piv {
			continue
		}
		k := s.head[p]
		v, lo, up := s.x[k], s.lo[k], s.up[k]
		var t float64
		switch {
		case phase == 1 && v < lo-tol:
			if delta < 0 {
				continue
			}
			t = (lo - v + tol) / delta
		case phase == 1 && v > up+tol:
			if delta > 0 {
				continue
			}
			t = (v - up + tol) / -delta
		case delta < 0:
			if math.IsInf(lo, -1) {
				continue
			}
			t = (v - lo + tol) / -delta
		default:
			if math.IsInf(up, 1) {
				continue
			}
			t = (up + tol - v) / delta
		}
		if t < tmax {
			tmax = t
		}
	}
	rng := s.up[q] - s.lo[q]
	if rng <= tmax {
		return -1, rng, false
	}
	if math.IsInf(tmax, 1) {
		return -1, math.Inf(1), false
	}
	// Pass 2: among the blocks within tmax, the largest pivot.
	r, best := -1, 0.0
	for p, a := range s.alpha {
		delta := -dir * a
		if math.Abs(delta) <= piv {
			continue
		}
		k := s.head[p]
		v, lo, up := s.x[k], s.lo[k], s.up[k]
		var t float64
		var u bool
		switch {
		case phase == 1 && v < lo-tol:
			if delta < 0 {
				continue
			}
			t = (lo - v) / delta
		case phase == 1 && v > up+tol:
			if delta > 0 {
				continue
			}
			t, u = (v-up)/-delta, true
		case delta < 0:
			if math.IsInf(lo, -1) {
				continue
			}
			t = (v - lo) / -delta
		default:
			if math.IsInf(up, 1) {
				continue
			}
			t, u = (up-v)/delta, true
		}
		if t <= tmax && math.Abs(delta) > best {
			r, best, step, toUp = p, math.Abs(delta), t, u
		}
	}
	return r, math.Max(step, 0), toUp
}

// breakpoint is a step at which a basic variable reaches one of its bounds, so
// that the slope of the sum of infeasibilities grows by |delta|.
type breakpoint struct {
	t     float64
	p     int
	delta float64
	toUp  bool
}

// ratioPhase1 is the long-step ratio test of phase 1: along the entering
// direction the sum of infeasibilities is piecewise linear and convex, its slope
// growing by |delta_p| each time a basic variable reaches a bound (becoming
// feasible, or infeasible beyond it). The step goes to the breakpoint where the
// slope turns non-negative, passing the earlier ones (a basic variable may pass a
// bound if the sum still falls), and among the breakpoints at about that step
// takes the largest pivot. It returns what ratio returns.
func (s *solver) ratioPhase1(q int, dir float64) (r int, step float64, toUp bool) {
	tol := s.feasTol
	amax := 1.0
	for _, a := range s.alpha {
		if a := math.Abs(a); a > amax {
			amax = a
		}
	}
	piv := 1e-9 * amax
	bps := s.bps[:0]
	add := func(t float64, p int, delta float64, up bool) {
		if t < 0 {
			t = 0
		}
		bps = append(bps, breakpoint{t, p, delta, up})
	}
	for p, a := range s.alpha {
		delta := -dir * a
		if delta <= piv && delta >= -piv {
			continue
		}
		k := s.head[p]
		v, lo, up := s.x[k], s.lo[k], s.up[k]
		switch {
		case v < lo-tol:
			if delta > 0 {
				add((lo-v)/delta, p, delta, false)
				if !math.IsInf(up, 1) {
					add((up-v)/delta, p, delta, true)
				}
			}
		case v > up+tol:
			if delta < 0 {
				add((v-up)/-delta, p, delta, true)
				if !math.IsInf(lo, -1) {
					add((v-lo)/-delta, p, delta, false)
				}
			}
		case delta < 0:
			if !math.IsInf(lo, -1) {
				add((v-lo)/-delta, p, delta, false)
			}
		default:
			if !math.IsInf(up, 1) {
				add((up-v)/delta, p, delta, true)
			}
		}
	}
	s.bps = bps
	rng := s.up[q] - s.lo[q]
	if len(bps) == 0 {
		return -1, rng, false
	}
	slices.SortFunc(bps, func(a, b breakpoint) int { return cmp.Compare(a.t, b.t) })
	slope := -math.Abs(s.d[q])
	k := len(bps) - 1
	for i, b := range bps {
		slope += math.Abs(b.delta)
		if slope >= 0 {
			k = i
			break
		}
	}
	if rng <= bps[k].t {
		return -1, rng, false
	}
	// Among the breakpoints within the tolerance's reach of bps[k], the largest
	// pivot.
	best := k
	for i := k - 1; i >= 0 && bps[k].t-bps[i].t <= tol/math.Abs(bps[i].delta); i-- {
		if math.Abs(bps[i].delta) > math.Abs(bps[best].delta) {
			best = i
		}
	}
	b := bps[best]
	return b.p, b.t, b.toUp
}

// pivotRow sets s.prow[k] = (B⁻¹a_k)_r for every variable (meaningful for the
// nonbasics).
func (s *solver) pivotRow(r int) {
	clear(s.rho)
	s.rho[r] = 1
	s.lu.SolveTransVec(s.rho, s.rho)
	s.rowTimes(s.rho, s.prow)
	for i, v := range s.rho {
		s.prow[s.n+i] = -v
	}
}

// stated is the objective f as the caller stated it (Settings.Maximized).
func (s *solver) stated(f float64) float64 {
	if s.set.Maximized {
		return -f
	}
	return f
}

func (s *solver) objective() float64 {
	f := s.objConst
	for j := 0; j < s.n; j++ {
		f += s.c[j] * s.x[j]
	}
	return f
}

// run iterates to a final status.
func (s *solver) run() Status {
	if s.m == 0 {
		return s.runNoRows()
	}
	degenerate, everPerturbed := 0, false
	if !s.refactor() {
		return NumericalFailure
	}
	s.logHeader()
	if !s.set.NoDual {
		if !s.set.NoCrash {
			s.dualCrash()
		}
		if st, done := s.runDual(); done {
			return st
		}
		s.dValid = false
	}
	if s.iter == 0 && !s.set.NoCrash {
		// The slack basis is not dual feasible (or the dual method is off): the
		// primal method starts from a triangular crash basis instead.
		if k := s.crash(); k > 0 {
			s.logf("Crash basis: %d structural columns\n", k)
			if !s.refactor() {
				return NumericalFailure
			}
		}
	}
	best, sinceBest, noBlock := math.Inf(1), 0, 0
	stallLimit := 2000 + 2*s.nt
	if stallOverride > 0 {
		stallLimit = stallOverride
	}
	lastPhase := 0
	for {
		if s.iter >= s.set.IterationLimit {
			return IterationLimit
		}
		if s.set.Stop != nil && s.set.Stop() {
			return Stopped
		}
		if s.lu.NeedsRefactor() {
			if !s.refactor() {
				return NumericalFailure
			}
		}
		ninf, sinf := s.infeasibility()
		phase := 2
		var cost []float64
		if ninf > 0 {
			phase = 1
		} else {
			for p, k := range s.head {
				s.cb[p] = s.c[k]
			}
			cost = s.c
		}
		if phase != lastPhase {
			s.dValid = false
			if phase == 2 && lastPhase == 1 {
				s.tab.Feasible(s.stated(s.objective()))
			}
			s.resetReference()
			best, sinceBest = math.Inf(1), 0
			lastPhase = phase
		}
		q, rg := s.price(cost)
		if q < 0 {
			if s.perturbed {
				// Optimal for the perturbed bounds: restore them and go on.
				if !s.unperturb() {
					return NumericalFailure
				}
				best, sinceBest = math.Inf(1), 0 // a new problem for the guard
				continue
			}
			if phase == 1 {
				return Infeasible
			}
			return Optimal
		}
		// Stall guard: the phase's objective must improve now and then.
		obj := sinf
		if phase == 2 {
			obj = s.objective()
		}
		if math.IsInf(best, 1) || obj < best-1e-12*(1+math.Abs(best)) {
			best, sinceBest = obj, 0
		} else if sinceBest++; sinceBest > stallLimit {
			s.logf("** Stalled: %d iterations in phase %d without progress, %s %.10E\n", sinceBest, phase, map[int]string{1: "infeasibility", 2: "objective"}[phase], obj)
			return Stalled
		}
		rows, vals := s.column(q)
		clear(s.alpha)
		for t, i := range rows {
			s.alpha[i] = vals[t]
		}
		s.lu.SolveVec(s.alpha, s.alpha)
		dir := 1.0
		if s.d[q] > 0 {
			dir = -1
		}
		var r int
		var step float64
		var toUp bool
		if phase == 1 {
			r, step, toUp = s.ratioPhase1(q, dir)
		} else {
			r, step, toUp = s.ratio(q, dir, phase)
		}
		if r < 0 && math.IsInf(step, 1) {
			if phase == 2 {
				s.followRay(q, dir)
				return Unbounded
			}
			// Phase 1 cannot be unbounded: round-off. Refactor and try again.
			if noBlock++; noBlock > 3 || !s.refactor() {
				return NumericalFailure
			}
			continue
		}
		s.iter++
		if phase == 1 {
			s.p1iter++
		}
		if step != 0 {
			s.x[q] += dir * step
			for p, a := range s.alpha {
				if a != 0 {
					s.x[s.head[p]] -= dir * step * a
				}
			}
		}
		if r < 0 {
			// Bound flip.
			if dir > 0 {
				s.st[q], s.x[q] = atUp, s.up[q]
			} else {
				s.st[q], s.x[q] = atLo, s.lo[q]
			}
			s.report(phase, rg, step)
			continue
		}
		leave := s.head[r]
		// Projected steepest-edge weights from the pivot row.
		s.pivotRow(r)
		s.updatePrimalWeights(q, r, leave)
		aq := s.alpha[r]
		// Basis change.
		if toUp {
			s.st[leave], s.x[leave] = atUp, s.up[leave]
		} else {
			s.st[leave], s.x[leave] = atLo, s.lo[leave]
		}
		if s.lo[leave] == s.up[leave] {
			s.st[leave] = isFixed
		}
		if s.dValid {
			// Phase 2's reduced costs from the pivot row: d_k -= θ·(B⁻¹a_k)_r.
			theta := s.d[q] / aq
			for k, st := range s.st {
				if st != isBasic && st != isFixed {
					s.d[k] -= theta * s.prow[k]
				}
			}
			s.d[leave] = -theta
			s.d[q] = 0
		}
		s.pos[leave] = -1
		s.head[r], s.pos[q], s.st[q] = q, r, isBasic
		if err := s.lu.UpdateSolved(r, s.alpha); err != nil {
			if !s.refactor() {
				return NumericalFailure
			}
		}
		s.report(phase, rg, step)
		if step <= s.feasTol {
			degenerate++
		} else {
			degenerate = 0
		}
		if degenerate > degenerateLimit && !s.perturbed && !everPerturbed && !s.set.NoPerturbation {
			// Stalling at a degenerate vertex: perturb the bounds.
			s.perturb()
			everPerturbed = true
			s.logf("Bounds perturbed after %d degenerate iterations\n", degenerate)
		}
	}
}

// stallOverride, when positive, replaces both stall guards' limits (a test's
// knob: a guard must not fire while the phase's objective keeps improving).
var stallOverride int

// degenerateLimit is the number of consecutive degenerate iterations after which
// the bounds are perturbed.
const degenerateLimit = 20

// report logs the iteration just made and tells Settings.Progress of it, with the
// phase's objective at the new point.
func (s *solver) report(phase int, rg, step float64) {
	if s.log == nil && s.set.Progress == nil {
		return
	}
	ninf, obj := s.infeasibility()
	if phase == 2 {
		obj = s.objective()
	}
	s.logIter(phase, ninf, obj, rg, step)
	if s.set.Progress != nil {
		s.set.Progress(Progress{Iter: s.iter, Phase: phase, Ninf: ninf, Objective: obj, RGMax: rg, Step: step})
	}
}

// followRay moves the entering column q (direction dir, column s.alpha) and the
// basics along the ray of an unbounded problem until the objective is below
// -Settings.UnboundedObjective.
func (s *solver) followRay(q int, dir float64) {
	u := s.set.UnboundedObjective
	rate := math.Abs(s.d[q]) // objective decrease per unit step
	if !(u > 0) || !(rate > 0) {
		return
	}
	t := 2 * (u + math.Abs(s.objective())) / rate
	s.x[q] += dir * t
	for p, a := range s.alpha {
		if a != 0 {
			s.x[s.head[p]] -= dir * t * a
		}
	}
}

// runNoRows solves a problem without rows: each column at its cheaper bound.
func (s *solver) runNoRows() Status {
	for j := 0; j < s.n; j++ {
		c := s.c[j]
		switch {
		case c > 0 && math.IsInf(s.lo[j], -1), c < 0 && math.IsInf(s.up[j], 1):
			if u := s.set.UnboundedObjective; u > 0 {
				s.x[j] = -math.Copysign(2*(u+math.Abs(s.objective()))/math.Abs(c), c)
			}
			return Unbounded
		case c > 0:
			s.x[j] = s.lo[j]
		case c < 0:
			s.x[j] = s.up[j]
		default:
			s.setNonbasic(j, true)
		}
	}
	return Optimal
}

// result unscales the final point and computes duals and reduced costs for the
// problem as given.
func (s *solver) result(p *Problem, status Status) Result {
	n, m := s.n, s.m
	res := Result{Status: status, Objective: p.ObjConstant, Iterations: s.iter, Phase1Iter: s.p1iter,
		X: make([]float64, n), RowActivity: make([]float64, m), Duals: make([]float64, m), ReducedCosts: make([]float64, n)}
	for j := 0; j < n; j++ {
		res.X[j] = s.x[j] * s.cs[j]
		res.Objective += p.C[j] * res.X[j]
		for t := p.ColPtr[j]; t < p.ColPtr[j+1]; t++ {
			res.RowActivity[p.RowIdx[t]] += p.Val[t] * res.X[j]
		}
	}
	if m == 0 {
		copy(res.ReducedCosts, p.C)
		return res
	}
	ninf, sinf := s.infeasibility()
	res.Ninf, res.SumInf = ninf, sinf
	var cost []float64
	if status != Infeasible {
		for pp, k := range s.head {
			s.cb[pp] = s.c[k]
		}
		cost = s.c
	}
	if s.lu.NeedsRefactor() && !s.refactor() {
		return res
	}
	s.dValid = false // the duals themselves are wanted
	_, res.RGMax = s.price(cost)
	for i := 0; i < m; i++ {
		res.Duals[i] = s.y[i] * s.rs[i]
	}
	for j := 0; j < n; j++ {
		dj := 0.0
		if cost != nil {
			dj = p.C[j]
		}
		for t := p.ColPtr[j]; t < p.ColPtr[j+1]; t++ {
			dj -= p.Val[t] * res.Duals[p.RowIdx[t]]
		}
		res.ReducedCosts[j] = dj
	}
	s.logf("\n** Simplex: %s after %d iterations (%d in phase 1), objective %.10E\n", status, s.iter, s.p1iter, s.stated(res.Objective))
	return res
}

func (s *solver) logf(format string, a ...any) {
	if s.log != nil {
		fmt.Fprintf(s.log, format, a...)
	}
}

func (s *solver) logHeader() {
	s.logf("Simplex: %d columns, %d rows\n", s.n, s.m)
}

// logIter writes the iteration log in the reference's columns (itlog; phase 1 is
// its phase 1, phase 2 its phase 3; NSB, InItr and MX have no role in the simplex
// method and are 0 and F): every iteration up to 20, then every 10th up to 200,
// then every 100th.
func (s *solver) logIter(phase, ninf int, obj, rg, step float64) {
	if s.log == nil {
		return
	}
	it := s.iter
	if !(it <= 20 || (it <= 200 && it%10 == 0) || it%100 == 0) {
		return
	}
	ref := 1
	if phase == 2 {
		ref, obj = 3, s.stated(obj)
	}
	s.tab.Row(itlog.Row{Iter: it, Phase: ref, Ninf: ninf, Value: obj, RGmax: rg, Stepped: true, Step: step, OK: true})
}
