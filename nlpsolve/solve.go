package nlpsolve

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/nlpsolve/internal/stall"
)

// Method chooses how search directions are computed in the superbasic space.
type Method int

const (
	// DefaultMethod is the zero value: the solver's choice, LBFGS for the
	// triangular method; the general one turns from L-BFGS to Newton-CG steps
	// when L-BFGS stalls (grg.DirectionAuto).
	DefaultMethod Method = iota
	// LBFGS is a limited-memory quasi-Newton method on the free superbasics, with a
	// strong-Wolfe line search (projected backtracking when a bound is hit).
	LBFGS
	// NewtonCG is a truncated Newton method: conjugate gradients on exact reduced
	// Hessian-vector products, stopped early on negative curvature.
	NewtonCG
)

func (m Method) String() string {
	switch m {
	case DefaultMethod, LBFGS:
		return "lbfgs"
	case NewtonCG:
		return "newton-cg"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Settings controls Solve. The zero value means defaults.
type Settings struct {
	IterationLimit int           // 0: no limit
	TimeLimit      time.Duration // 0: no limit
	// GradientTolerance stops when the largest projected reduced gradient (RGmax) is
	// at most this. Default 1e-7.
	GradientTolerance float64
	Method            Method
	Memory            int // L-BFGS pairs; default 10, at most MaxMemory
	// Scaling of the superbasic variables (of the columns in the general method);
	// the zero value scales automatically, ScaleUser by Scale alone.
	Scaling Scaling
	// Elimination says which equations that define a variable are eliminated: the
	// variable computed from the others by a forward sweep rather than moved as a
	// column with the equation as rows.
	Elimination Elimination
	// FeasibilityTolerance is the largest row residual the general method accepts
	// as feasible (of the scaled rows where rows are scaled; the simplex: the
	// largest bound violation of its scaled LP). Zero means
	// DefaultFeasibilityTolerance; a row violated by more than the larger of this
	// and ReportFeasibilityTolerance counts as infeasible in the Result. The
	// triangular method has no rows (its equations hold by construction), so it
	// has nothing to apply the tolerance to.
	FeasibilityTolerance float64
	// Phase1ObjectiveWeight sets the general method's composite phase 1, which
	// minimises the sum of infeasibilities plus a weight times the objective so
	// that the objective tells apart moves that reduce the infeasibility alike:
	// the weight starts at this fraction of the ratio of the phase-1 and objective
	// reduced gradients and falls as phase 1 proceeds (grg.Settings). Zero means
	// 1e-2; a negative value gives the plain phase 1 (min Σ infeasibilities).
	Phase1ObjectiveWeight float64
	// Phase1PinHeldRows makes the general method's phase 1 hold every row that
	// holds at its start with an artificial basic at zero, as if an equality,
	// rather than keep the crash basis's slack basic for it (grg.Settings). A
	// path choice: HS59 reaches its published optimum with it, HS97 and HS98 do
	// not.
	Phase1PinHeldRows bool
	// Log receives the iteration log; nil for none.
	Log io.Writer
	// Recorder, if set, is called after every iteration.
	Recorder func(Iteration)
}

// Elimination chooses the equations that define a variable and are eliminated.
type Elimination int

const (
	// DefaultElimination is the zero value: EliminateDefined.
	DefaultElimination Elimination = iota
	// EliminateDefined eliminates every equation that defines a variable where the
	// method can (the general method keeps as rows those whose variables' bounds get
	// in the way). The general method's log names them.
	EliminateDefined
	// EliminateNone eliminates none: every equation is rows and every variable
	// columns. Only the general method solves so; Optimize chooses it.
	EliminateNone
)

func (e Elimination) String() string {
	switch e {
	case DefaultElimination, EliminateDefined:
		return "defined"
	case EliminateNone:
		return "none"
	}
	return fmt.Sprintf("Elimination(%d)", int(e))
}

// Iteration is one line of the iteration log.
type Iteration struct {
	Iter int
	// Phase is the reference's: 1 infeasible (Objective is then the sum of
	// infeasibilities), 3 feasible with first-order (quasi-Newton or simplex)
	// steps, 4 feasible with Newton steps.
	Phase     int
	Ninf      int     // rows violated, in phase 1
	Objective float64 // as stated (not sign-adjusted)
	RGmax     float64
	NSB       int
	Step      float64
	InItr     int
	MX        bool // the step was limited by a bound
	OK        bool // the line search met its conditions
	Elapsed   time.Duration
}

// Status says why Solve stopped.
type Status int

// Termination statuses.
const (
	Optimal           Status = iota // locally optimal: RGmax within tolerance
	IterationLimit                  // stopped by Settings.IterationLimit
	TimeLimit                       // stopped by Settings.TimeLimit
	UserInterrupt                   // the context was cancelled
	NoProgress                      // the line search cannot improve the objective any more
	Infeasible                      // the input point violates a defined variable's bound
	EvaluationError                 // NaN or Inf at the starting point
	Unbounded                       // the objective passed -UnboundedObjective (minimising; +UnboundedObjective maximising)
	LocallyInfeasible               // the general method's phase 1 stopped at a positive infeasibility
	NumericalFailure                // the general method could not make progress (see the log)
)

func (s Status) String() string {
	return [...]string{"optimal", "iteration limit", "time limit", "user interrupt", "no further progress", "infeasible", "evaluation error", "unbounded", "locally infeasible", "numerical failure"}[s]
}

// Result is the outcome of Solve, SolveGeneral or Optimize.
type Result struct {
	Status Status
	// Algorithm is the method that produced the Result: with Optimize, the
	// general one after a fallback from the triangular one.
	Algorithm Algorithm

	X          [][]float64 // final levels of every variable block
	Objective  float64
	Iterations int
	RGmax      float64
	// EqMarginals and VarMarginals are ∂objective/∂rhs per equation row and the
	// reduced cost per variable element (zero for defined variables).
	EqMarginals, VarMarginals [][]float64
	// Input point infeasibility (before the first sweep made it feasible).
	InputInfeasibility float64
	// Final infeasibility figures (defined-variable bound violations).
	MaxInfeasibility, SumInfeasibilities float64
	NumInfeasibilities                   int
	Evaluations                          int
	Superbasics                          int
	Elapsed                              time.Duration
	// StartElapsed is the part of Elapsed before the first iteration: the solver's
	// setup and the sweeps at the start point.
	StartElapsed time.Duration
}

// Solve minimises (or maximises) the objective of a triangular problem from x0. Models
// with constraints that do not define a variable return an error wrapping
// ErrNotTriangular, as do those whose forward sweep from x0 leaves a defined
// variable's bounds (with a Result of Status Infeasible); Optimize sends both to
// SolveGeneral. Cancelling ctx stops at the current point with UserInterrupt.
// Optimal means a projected gradient within Settings.GradientTolerance at a point
// where, with at most 60 variables inside their bounds, the reduced Hessian over
// them has no negative curvature to move along (curvature.go), and no short step
// releasing the superbasics that sit on a bound with a zero derivative (at most 24
// of them) lowers the objective (corner.go).
func Solve(ctx context.Context, p *Problem, x0 [][]float64, set Settings) (*Result, error) {
	start := time.Now()
	if ctx == nil {
		return nil, errNilContext
	}
	if err := set.Validate(); err != nil {
		return nil, err
	}
	if set.Elimination == EliminateNone {
		return nil, fmt.Errorf("nlpsolve: elimination none: the triangular method eliminates every equation; use SolveGeneral or Optimize: %w", ErrUnsupportedSetting)
	}
	set = set.withDefaults()
	if err := p.validate(x0, p.notDefined()); err != nil {
		return nil, err
	}
	st, err := analyze(p)
	if err != nil {
		return nil, err
	}
	rf, err := newReduced(p, st, x0)
	if err != nil {
		return nil, err
	}
	lo, up := st.bounds(p)
	bounded := false
	for i := range lo {
		if !math.IsInf(lo[i], -1) || !math.IsInf(up[i], 1) {
			bounded = true
			break
		}
	}
	vec := rf.vec
	s := vec.be.NewVector(st.n)
	rf.pack(rf.xAll, rf.x, s)
	if bounded {
		// Superbasics start within their bounds.
		var buf []float64
		sh := vec.host(s, &buf)
		for i := range sh {
			sh[i] = clamp(sh[i], lo[i], up[i])
		}
		vec.store(s, sh)
	}
	res := &Result{Superbasics: st.n, Algorithm: TriangularAlgorithm}
	sumInf, _, _ := rf.residualNorms()
	res.InputInfeasibility = sumInf
	lg := &logger{w: set.Log}
	lg.header(p, st, sumInf)
	if set.FeasibilityTolerance != 0 || set.Phase1ObjectiveWeight != 0 || set.Phase1PinHeldRows {
		// Honoured trivially, but said: a caller who set them expects rows.
		lg.printf("The feasibility tolerance and the phase 1 settings have nothing to act on: the triangular method has no rows (every equation eliminated) and starts feasible\n")
	}

	f := rf.value(s)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		res.X = rf.point()
		res.Elapsed = time.Since(start)
		if rf.boundViol > 0 {
			res.Status = Infeasible
			res.MaxInfeasibility = rf.boundViol
			return res, fmt.Errorf("nlpsolve: the forward sweep puts %q outside its bounds by %.3g; defined variables with active bounds need the general method: %w", rf.boundVar, rf.boundViol, ErrNotTriangular)
		}
		res.Status = EvaluationError
		return res, rf.firstNonFinite()
	}
	g := vec.be.NewVector(st.n)
	rf.gradient(g)
	if err := rf.checkGradient(g); err != nil {
		res.X = rf.point()
		res.Elapsed = time.Since(start)
		res.Status = EvaluationError
		return res, err
	}
	lg.feasible(rf.sign * f)

	opt := &optimizer{rf: rf, vec: vec, lo: lo, up: up, set: set, lg: lg, start: start, ctx: ctx, sign: rf.sign}
	c, err := rf.scales(set.Scaling)
	if err != nil {
		return nil, err
	}
	if c != nil {
		// Work on u = s/c; the blocks stay at the unscaled point s.
		sc := &scaled{rf: rf, c: vec.upload(c), s: vec.be.NewVector(st.n)}
		vec.divTo(s, s, sc.c)
		for i := range c {
			lo[i] /= c[i]
			up[i] /= c[i]
		}
		// The point is the same (the scaling is exact): the value stays, and the
		// gradient in u is c·g, without sweeping again.
		opt.rf = sc
		vec.mulTo(g, g, sc.c)
	}
	if bounded {
		opt.bounds = &bounds{lo: vec.upload(lo), up: vec.upload(up)}
	}
	if set.Scaling != ScaleUser {
		// The objective's scale, as the general method's (autoObjectiveScale):
		// an objective with small derivatives at the start is held to the
		// gradient tolerance as if multiplied up to derivatives of about 1.
		if os := objectiveScale(f, vec.maxAbs(g), vec.maxAbs(s)); os != 1 {
			opt.set.GradientTolerance /= os
			lg.printf("Automatic scaling: the objective's value and derivatives at the start are small (below %g): the gradient tolerance applies to the objective times %s, %.3g on the objective itself (scaling user turns this off)\n",
				1.0/AutoScaleMin, fmtCoef(os), opt.set.GradientTolerance)
		}
	}
	res.StartElapsed = time.Since(start)
	res.Status, res.Iterations = opt.run(s, f, g)
	res.X = rf.point()
	res.Objective = res.X[p.Objective][0]
	res.RGmax = opt.rgmax
	res.Evaluations = rf.evals
	res.EqMarginals, res.VarMarginals = rf.marginals()
	res.Elapsed = time.Since(start)
	lg.footer(res)
	return res, nil
}

// objective is what the optimizer minimises: the reduced objective, or the same in
// scaled variables.
type objective interface {
	value(s backend.Vector) float64
	gradient(g backend.Vector)
	hessVec(d, hd backend.Vector) error
}

// optimizer runs the quasi-Newton or Newton-CG iterations on vectors of the blocks'
// backend. Bounds are handled there too while no breakpoint is in reach; the rare
// steps that meet one run on the host (hostBox, projected) on copies.
type optimizer struct {
	rf     objective
	vec    vecOps
	lo, up []float64
	bounds *bounds // nil when no superbasic has a finite bound
	set    Settings
	lg     *logger
	start  time.Time
	ctx    context.Context
	rgmax  float64
	sign   float64 // +1 minimise, -1 maximise
	// Host copies of vectors for the steps that run there.
	hs, hg, hd, hx []float64
	// next is the projected gradient at the line search's last evaluated point,
	// which eval reduces together with its slope: at the accepted point it is the
	// next iteration's, read without a wait of its own. pgNext holds it with bounds.
	next struct {
		valid bool
		rgmax float64
	}
	pgNext backend.Vector
}

// bounds are the (scaled) bounds of the superbasics on the optimizer's backend.
type bounds struct{ lo, up backend.Vector }

// projectedGradient returns g with the components that push against an active bound
// zeroed, stored in buf (g itself when there are no bounds), and its infinity norm
// (RGmax).
func (o *optimizer) projectedGradient(s, g, buf backend.Vector) (backend.Vector, float64) {
	b := o.bounds
	if b == nil {
		return g, o.vec.maxAbs(g)
	}
	o.project(buf, g, s)
	return buf, o.vec.maxAbs(buf)
}

// project stores in dst the gradient g at s with the components that push against
// an active bound zeroed.
func (o *optimizer) project(dst, g, s backend.Vector) {
	b := o.bounds
	o.vec.be.Map(backend.Op{Code: backend.ProjGrad}, dst.Len(), backend.Out{V: dst}, in(g), in(s), in(b.lo), in(b.up))
}

// stepOf is the reduction giving the longest step along p·dir from s that stays in
// the box: p = 1 for a direction, -1 for the path along -g.
func (b *bounds) stepOf(p float64, s, dir backend.Vector) backend.Reducing {
	return backend.Reducing{R: backend.Smallest, Op: backend.Op{Code: backend.BoundStep, P: p}, N: s.Len(), In: []backend.In{in(s), in(dir), in(b.lo), in(b.up)}}
}

// slopeAndReach returns gᵀd and the longest step along d that stays in the box
// (+Inf without bounds), with one wait.
func (o *optimizer) slopeAndReach(s, g, d backend.Vector) (slope, maxStep float64) {
	b := o.bounds
	if b == nil {
		return o.vec.dot(g, d), math.Inf(1)
	}
	var r [2]float64
	o.vec.be.ReduceAll(r[:], dotOf(g, d), b.stepOf(1, s, d))
	return r[0], r[1]
}

// stallIterations is how many iterations in a row that improve neither the
// objective nor the best RGmax so far end a solve with NoProgress. An accepted
// line-search step decreases the objective, so such a run only happens when the
// steps vanish in rounding.
const stallIterations = 10

func (o *optimizer) stop(iter int) (Status, bool) {
	if o.ctx.Err() != nil {
		return UserInterrupt, true
	}
	if o.set.IterationLimit > 0 && iter >= o.set.IterationLimit {
		return IterationLimit, true
	}
	if o.set.TimeLimit > 0 && time.Since(o.start) >= o.set.TimeLimit {
		return TimeLimit, true
	}
	return 0, false
}

func (o *optimizer) run(s backend.Vector, f float64, g backend.Vector) (Status, int) {
	v := o.vec
	n := s.Len()
	pgBuf, d := v.be.NewVector(n), v.be.NewVector(n)
	sNew, gNew := v.be.NewVector(n), v.be.NewVector(n)
	if o.bounds != nil {
		o.pgNext = v.be.NewVector(n)
	}
	mem := newCompactLBFGS(v, o.set.Memory, n)
	var cg *newtonCG
	if o.set.Method == NewtonCG {
		cg = newNewtonCG(v.be, n)
	}
	pg, rgmax := o.projectedGradient(s, g, pgBuf)
	o.rgmax = rgmax
	iter := 0
	var prog stall.Guard
	prog.Record(f, rgmax)
	corners := 0
	for {
		if o.rgmax <= o.set.GradientTolerance {
			if corners >= maxCornerMoves {
				return Optimal, iter
			}
			// Stationary: unless the reduced Hessian curves down
			// (curvature.go) or releasing a weakly active bound lowers f
			// (corner.go).
			fNew, moved := o.curvature(s, f, g, sNew, gNew)
			if !moved {
				fNew, moved = o.corner(s, f, g, sNew, gNew)
			}
			if !moved {
				return Optimal, iter
			}
			corners++
			iter++
			mem.reset()
			s, sNew = sNew, s
			g, gNew = gNew, g
			f = fNew
			pg, o.rgmax = o.projectedGradient(s, g, pgBuf)
			o.next.valid = false
			prog.Record(f, o.rgmax)
			it := Iteration{Iter: iter, Phase: 3, Objective: o.sign * f, RGmax: o.rgmax, NSB: n, Step: 1, OK: true, Elapsed: time.Since(o.start)}
			if cg != nil {
				it.Phase = 4
			}
			o.lg.iteration(it)
			if o.set.Recorder != nil {
				o.set.Recorder(it)
			}
			continue
		}
		if st, done := o.stop(iter); done {
			// Leave the blocks and the full point at the current iterate.
			o.rf.value(s)
			return st, iter
		}
		iter++
		inner := 0
		switch {
		case cg != nil:
			var err error
			inner, err = cg.direction(o, s, pg, d)
			if err != nil {
				return NoProgress, iter
			}
		case mem.len() > 0:
			// d runs from s to the minimiser of the quasi-Newton model over the box.
			o.quasiNewton(mem, s, g, pg, d, sNew)
		default:
			v.scaleTo(d, -1, pg)
		}
		if b := o.bounds; b != nil {
			// Keep active bounds fixed.
			v.be.Map(backend.Op{Code: backend.HoldAtBound}, n, backend.Out{V: d}, in(d), in(pg), in(s), in(b.lo), in(b.up))
		}
		// Make sure d descends.
		slope, maxStep := o.slopeAndReach(s, g, d)
		if slope >= 0 {
			mem.reset()
			v.scaleTo(d, -1, pg)
			slope, maxStep = o.slopeAndReach(s, g, d)
		}
		step0 := 1.0
		if cg == nil && mem.len() == 0 {
			// Steepest descent has no scale: a first step of unit length.
			step0 = math.Min(1, 1/math.Sqrt(v.dot(pg, pg)))
		}
		ls := o.lineSearch(s, f, g, d, slope, step0, maxStep, sNew, gNew)
		if !ls.ok && ls.fNew >= f {
			if mem.len() > 0 {
				mem.reset() // retry once with steepest descent
				o.rf.value(s)
				o.rf.gradient(g)
				continue
			}
			o.rf.value(s)
			o.rf.gradient(g)
			return NoProgress, iter
		}
		if cg == nil {
			mem.update(s, sNew, g, gNew)
		}
		s, sNew = sNew, s
		g, gNew = gNew, g
		f = ls.fNew
		switch {
		case o.next.valid && o.bounds != nil:
			pgBuf, o.pgNext = o.pgNext, pgBuf
			pg, o.rgmax = pgBuf, o.next.rgmax
		case o.next.valid:
			pg, o.rgmax = g, o.next.rgmax
		default:
			pg, o.rgmax = o.projectedGradient(s, g, pgBuf)
		}
		it := Iteration{Iter: iter, Phase: 3, Objective: o.sign * f, RGmax: o.rgmax, NSB: n, Step: ls.step, InItr: inner + ls.evals, MX: ls.bounded, OK: ls.ok, Elapsed: time.Since(o.start)}
		if cg != nil {
			it.Phase = 4
		}
		o.lg.iteration(it)
		if o.set.Recorder != nil {
			o.set.Recorder(it)
		}
		if f < -UnboundedObjective {
			return Unbounded, iter
		}
		if prog.Record(f, o.rgmax) >= stallIterations {
			// Steps too short to change the objective or the reduced gradient in
			// floating point: no limit may be set, so stop rather than spin.
			o.lg.printf("\nNeither the objective nor RGmax has improved in %d iterations: stopping.\n", stallIterations)
			return NoProgress, iter
		}
	}
}

// quasiNewton stores in d the step from s to the minimiser of the quasi-Newton model
// over the box, as L-BFGS-B finds it. Without bounds that is the model's Newton step.
// With bounds it is too when the path along −g meets no breakpoint before the
// generalised Cauchy point and the Newton point lies in the box (the usual case:
// weights far from their bounds), which two reductions tell; otherwise the
// breakpoint search runs on the host. work is scratch.
func (o *optimizer) quasiNewton(mem *compactLBFGS, s, g, pg, d, work backend.Vector) {
	v := o.vec
	b := o.bounds
	if b == nil {
		if !mem.direction(g, d) {
			mem.reset()
			v.scaleTo(d, -1, pg)
		}
		return
	}
	// The Newton step is formed first, so that one wait brings both reductions.
	if mem.direction(g, d) {
		v.axpyTo(work, s, 1, d)
		var r [2]float64
		v.be.ReduceAll(r[:],
			b.stepOf(-1, s, g),
			backend.Reducing{R: backend.Largest, Op: backend.Op{Code: backend.Violation}, N: s.Len(), In: []backend.In{in(work), in(b.lo), in(b.up)}})
		firstBreak, outside := r[0], r[1]
		if mem.cauchyStep() < firstBreak && outside <= 0 {
			return
		}
	}
	o.hostBox(mem, s, g, d)
}

// hostBox runs L-BFGS-B's box step on the host, on copies of s, g and the pairs.
func (o *optimizer) hostBox(mem *compactLBFGS, s, g, d backend.Vector) {
	v := o.vec
	sh, gh := v.host(s, &o.hs), v.host(g, &o.hg)
	if cap(o.hd) < len(sh) {
		o.hd = make([]float64, len(sh))
	}
	xbar := o.hd[:len(sh)]
	mem.boxStep(sh, gh, o.lo, o.up, xbar)
	floats.Sub(xbar, sh)
	v.store(d, xbar)
}

// clamp is v projected onto [lo, up]: plain comparisons, cheaper than math.Min and
// math.Max in the per-element loops (the bounds are never NaN; a NaN v stays NaN).
func clamp(v, lo, up float64) float64 {
	if v < lo {
		return lo
	}
	if v > up {
		return up
	}
	return v
}
