package nlpsolve

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/nnopt/nnopt/backend"
)

// Method chooses how search directions are computed in the superbasic space.
type Method int

const (
	// DefaultMethod is the zero value: the solver's choice, LBFGS.
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
	Memory            int // L-BFGS pairs; default 10
	// Scaling of the superbasic variables; the zero value scales automatically.
	Scaling Scaling
	// Log receives the iteration log; nil for none.
	Log io.Writer
	// Recorder, if set, is called after every iteration.
	Recorder func(Iteration)
}

// Iteration is one line of the iteration log.
type Iteration struct {
	Iter      int
	Phase     int
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
	Unbounded                       // the general method found the objective unbounded
	LocallyInfeasible               // the general method's phase 1 stopped at a positive infeasibility
	NumericalFailure                // the general method could not make progress (see the log)
)

func (s Status) String() string {
	return [...]string{"optimal", "iteration limit", "time limit", "user interrupt", "no further progress", "infeasible", "evaluation error", "unbounded", "locally infeasible", "numerical failure"}[s]
}

// Result is the outcome of Solve.
type Result struct {
	Status     Status
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
}

// Solve minimises (or maximises) the objective of a triangular problem from x0. Models
// with constraints that do not define a variable return an error wrapping
// ErrNotTriangular. Cancelling ctx stops at the current point with UserInterrupt.
func Solve(ctx context.Context, p *Problem, x0 [][]float64, set Settings) (*Result, error) {
	start := time.Now()
	if err := p.validate(x0); err != nil {
		return nil, err
	}
	st, err := analyze(p)
	if err != nil {
		return nil, err
	}
	if set.GradientTolerance == 0 {
		set.GradientTolerance = 1e-7
	}
	if set.Memory == 0 {
		set.Memory = 10
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
	if bounded {
		// The box step's breakpoint search runs on the host.
		rf.optimizeOn(cpu)
	}
	vec := rf.vec
	s := vec.be.NewVector(st.n)
	rf.pack(rf.x, s)
	if bounded {
		// Superbasics start within their bounds.
		sh := backend.Host(s)
		for i := range sh {
			sh[i] = clamp(sh[i], lo[i], up[i])
		}
	}
	res := &Result{Superbasics: st.n}
	sumInf, _, _ := rf.residualNorms()
	res.InputInfeasibility = sumInf
	lg := &logger{w: set.Log}
	lg.header(p, st, sumInf)

	f := rf.value(s)
	if math.IsInf(f, 1) || math.IsNaN(f) {
		res.X = rf.point()
		res.Elapsed = time.Since(start)
		if rf.boundViol > 0 {
			res.Status = Infeasible
			res.MaxInfeasibility = rf.boundViol
			return res, fmt.Errorf("nlpsolve: the forward sweep puts %q outside its bounds by %.3g; defined variables with active bounds need the general method: %w", rf.boundVar, rf.boundViol, ErrNotTriangular)
		}
		res.Status = EvaluationError
		return res, nil
	}
	g := vec.be.NewVector(st.n)
	rf.gradient(g)
	lg.feasible(rf.sign * f)

	opt := &optimizer{rf: rf, vec: vec, bounded: bounded, lo: lo, up: up, set: set, lg: lg, start: start, ctx: ctx, sign: rf.sign}
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

// optimizer runs the quasi-Newton or Newton-CG iterations on vectors of vec's
// backend. With bounds (bounded) that is the CPU, and the host code that handles
// them reads the vectors' memory directly.
type optimizer struct {
	rf      objective
	vec     vecOps
	bounded bool
	lo, up  []float64
	set     Settings
	lg      *logger
	start   time.Time
	ctx     context.Context
	rgmax   float64
	sign    float64 // +1 minimise, -1 maximise
}

// projectedGradient stores g with the components that push against an active bound
// zeroed in pg, and returns its infinity norm (RGmax).
func (o *optimizer) projectedGradient(s, g, pg backend.Vector) float64 {
	if !o.bounded {
		o.vec.copyTo(pg, g)
		return o.vec.maxAbs(pg)
	}
	sh, gh, pgh := backend.Host(s), backend.Host(g), backend.Host(pg)
	var m float64
	for i, v := range gh {
		if (sh[i] <= o.lo[i] && v > 0) || (sh[i] >= o.up[i] && v < 0) {
			v = 0
		}
		pgh[i] = v
		m = math.Max(m, math.Abs(v))
	}
	return m
}

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
	pg, d := v.be.NewVector(n), v.be.NewVector(n)
	sNew, gNew := v.be.NewVector(n), v.be.NewVector(n)
	mem := newCompactLBFGS(v, o.set.Memory, n)
	if o.bounded {
		mem.hostWork()
	}
	var cg *newtonCG
	if o.set.Method == NewtonCG {
		cg = newNewtonCG(v.be, n)
	}
	o.rgmax = o.projectedGradient(s, g, pg)
	iter := 0
	for {
		if o.rgmax <= o.set.GradientTolerance {
			return Optimal, iter
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
		case mem.len() > 0 && o.bounded:
			// d runs from s to the minimiser of the quasi-Newton model over the box.
			sh, dh := backend.Host(s), backend.Host(d)
			mem.boxStep(sh, backend.Host(g), o.lo, o.up, dh)
			floats.Sub(dh, sh)
		case mem.len() > 0:
			if !mem.direction(g, d) {
				mem.reset()
				v.scaleTo(d, -1, pg)
			}
		default:
			v.scaleTo(d, -1, pg)
		}
		if o.bounded {
			// Keep active bounds fixed.
			sh, dh, pgh := backend.Host(s), backend.Host(d), backend.Host(pg)
			for i := range dh {
				if pgh[i] == 0 && ((sh[i] <= o.lo[i] && dh[i] < 0) || (sh[i] >= o.up[i] && dh[i] > 0)) {
					dh[i] = 0
				}
			}
		}
		// Make sure d descends.
		slope := v.dot(g, d)
		if slope >= 0 {
			mem.reset()
			v.scaleTo(d, -1, pg)
			slope = v.dot(g, d)
		}
		step0 := 1.0
		if cg == nil && mem.len() == 0 {
			// Steepest descent has no scale: a first step of unit length.
			step0 = math.Min(1, 1/math.Sqrt(v.dot(pg, pg)))
		}
		ls := o.lineSearch(s, f, g, d, slope, step0, sNew, gNew)
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
		o.rgmax = o.projectedGradient(s, g, pg)
		it := Iteration{Iter: iter, Phase: 3, Objective: o.sign * f, RGmax: o.rgmax, NSB: n, Step: ls.step, InItr: inner + ls.evals, MX: ls.bounded, OK: ls.ok, Elapsed: time.Since(o.start)}
		if cg != nil {
			it.Phase = 4
		}
		o.lg.iteration(it)
		if o.set.Recorder != nil {
			o.set.Recorder(it)
		}
	}
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
