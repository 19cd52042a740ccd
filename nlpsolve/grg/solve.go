package grg

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/nnopt/nnopt/nlpsolve/internal/itlog"
	"github.com/nnopt/nnopt/nlpsolve/sparselu"
)

// Settings controls Solve. The zero value gives the defaults.
type Settings struct {
	// IterationLimit caps the iterations of all phases. Zero means 1000 + 20(n+m).
	IterationLimit int
	// OptimalityTolerance is the largest reduced gradient (of a superbasic, or of
	// a nonbasic pointing into its bounds) accepted as optimal. Zero means 1e-7.
	OptimalityTolerance float64
	// FeasibilityTolerance is the largest row residual |c_i(x)| accepted as
	// feasible. Zero means 1e-9.
	FeasibilityTolerance float64
	// UnboundedObjective: an objective below -UnboundedObjective along a ray
	// stops with Unbounded. Zero means 1e20.
	UnboundedObjective float64
	// Memory is the number of L-BFGS pairs kept on the superbasics. Zero means
	// 6; a negative value gives steepest descent.
	Memory int
	// NewtonLimit caps the Newton iterations of one feasibility restoration.
	// Zero means 20.
	NewtonLimit int
	// Direction is the superbasics' search direction in phase 2; the zero value
	// is DirectionAuto.
	Direction Direction
	// HessianDifferences allows products with the Lagrangian's Hessian by central
	// differences of its gradient (two evaluations each) when the problem is not a
	// HessianProblem. Without them such a problem gets no second-order steps: no
	// negative-curvature check at stationary points and no Newton directions.
	HessianDifferences bool
	// Phase1PinHeldRows gives a row that holds at phase 1's start its artificial,
	// basic at zero, even where the crash basis has a slack (or another column
	// with a constant entry) strictly inside its bounds for it, as the method did
	// before. By default that column stays basic: an artificial basic at zero
	// prices every move of its row as infeasibility, so phase 1 took a satisfied
	// inequality for an equality held at its start's activity and chose its
	// columns against it (HS97 and HS98 went through x2 and x3 at their upper
	// bounds and phase 2 ended at another KKT point, f = 4.0712 for 3.1358).
	Phase1PinHeldRows bool
	// Phase1ObjectiveWeight sets the composite phase 1: phase 1 minimises the
	// sum of infeasibilities plus w·f, w at first this fraction of the ratio of
	// the largest phase-1 reduced gradient to the largest reduced gradient of f
	// at phase 1's start, so that f tells apart columns that reduce the
	// infeasibility alike (plain phase 1 took HS98's x2 to its upper bound for
	// little gain at a cost that phase 2 could not undo: it ended at another KKT
	// point). w falls tenfold when phase 1 stops short of feasibility, when the
	// sum of infeasibilities rises, or when it has not fallen by a tenth in 10
	// iterations, and is zero after three falls or once the point is feasible:
	// plain phase 1 then ends the phase. Zero means 1e-2; a negative value gives
	// the plain phase 1 (min Σ infeasibilities) throughout.
	Phase1ObjectiveWeight float64
	// LU tunes the basis factorization; nil gives sparselu's defaults but for
	// PivotTolerance, which is 1e-13 where zero (defaultPivotTolerance).
	LU *sparselu.Settings
	// Log, if set, receives the iteration log: a row per iteration in the
	// reference's columns (Iter, Phase, Ninf, the sum of infeasibilities or the
	// objective, RGmax, NSB, Step, InItr, MX, OK) and a line for each guard or
	// repair that acts.
	Log io.Writer
	// Maximized says the objective is the negated one of a maximisation: the log
	// shows it negated back, as the caller stated it.
	Maximized bool
	// ObjectiveScale says the objective is the caller's times this (zero: 1):
	// the log shows it divided back.
	ObjectiveScale float64
	// FirstIteration numbers the log's rows and Progress from this (zero: 0), for
	// a solve that goes on from an earlier one's point.
	FirstIteration int
	// Stop, if set, is called once per iteration; returning true ends the solve
	// with Stopped at the current point (a time limit, a cancelled context).
	Stop func() bool
	// Progress, if set, is called once per iteration with the figures Log prints.
	Progress func(Progress)
	// ObjectiveColumns marks the columns a nonlinear objective reads (nil, or
	// shorter than n: none beyond). The crash basis makes them basic only where no
	// other column covers the row: a basic variable moves with every step through
	// the basis, and the objective's curvature on it becomes ill-conditioned
	// curvature of the reduced problem. In a chain x(t) = x(t-1) + u(t-1) with Σ u²
	// in the objective this keeps the states basic and the controls superbasic.
	ObjectiveColumns []bool
	// ConstantColumns marks the columns whose Jacobian entries do not depend on
	// the point (nil, or shorter than n: none beyond), such as a variable that its
	// row defines (nlpsolve's EliminateNone keeps the objective's defining
	// equation a row). A basic column singleton so marked, or a slack, has a
	// pivot that cannot be lost, and the basis-repair test passes over it.
	ConstantColumns []bool
}

// Progress is one iteration's figures, those of the log's row. Phase is the
// reference's: 1 in phase 1 (Objective is then the sum of infeasibilities and
// Ninf the rows violated), 3 in phase 2 after a quasi-Newton or steepest-descent
// step, 4 after a Newton step (Objective is then the objective minimised). When
// Stepped, a step led to the point (not only a change of phase or basis): Step,
// InItr (evaluations), MX (a bound limited it) and OK (the line search
// succeeded) describe it.
type Progress struct {
	Iter, Phase int
	Ninf        int
	Objective   float64
	RGMax       float64
	Superbasics int
	Stepped     bool
	Step        float64
	InItr       int
	MX, OK      bool
}

// Status says why Solve stopped.
type Status int

// Statuses.
const (
	NotSolved        Status = iota
	Optimal                 // KKT point to within the tolerances
	Infeasible              // phase 1 stopped at a point of positive infeasibility
	Unbounded               // the objective fell below -UnboundedObjective
	IterationLimit          // Settings.IterationLimit reached
	NumericalFailure        // restoration or line search failed with no progress
	Stopped                 // Settings.Stop returned true
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
	case NumericalFailure:
		return "numerical failure"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result reports a solve. x itself is updated in place by Solve.
type Result struct {
	Status Status
	F      float64 // f(x)
	// Duals are the row multipliers y = B⁻ᵀ∇f_B: y_i = ∂f*/∂ε_i for the
	// perturbed row c_i(x) = ε_i, so ∇f = Jᵀy + d at a KKT point. After
	// Infeasible they are those of the phase-1 problem (min Σ artificials).
	Duals []float64
	// ReducedCosts d = ∇f - Jᵀy: zero for variables strictly between bounds,
	// ≥ 0 at a lower bound and ≤ 0 at an upper bound at a minimum.
	ReducedCosts []float64
	Iterations   int
	Evaluations  int
	Phase1Iter   int     // iterations spent in phase 1 (0 when phase 0 sufficed)
	MaxResidual  float64 // max |c_i(x)|
	RGMax        float64 // largest reduced-gradient violation at the end
	SumInf       float64 // sum of artificials at the end of phase 1 (Infeasible)
	Ninf         int     // rows still infeasible (Infeasible)
	Superbasics  int
}

type vstate int8

const (
	nbLower vstate = iota
	nbUpper
	nbFixed
	super
	basic
)

// point is an iterate with everything Eval gives at it.
type point struct {
	x   []float64 // n structural + m artificial
	cs  []float64 // c(x)
	gs  []float64 // ∇f(x)
	jac []float64
	f   float64
	c   []float64 // c(x) + sgn·a, the rows of the extended problem
	// derivs reports that gs and jac hold the derivatives at x: restoration's
	// trial points get values only when the Problem is a ValueEvaluator.
	derivs bool
}

type solver struct {
	p              Problem
	set            Settings
	n, m, nt       int
	colPtr, rowIdx []int
	lo, up         []float64 // nt; artificials' bounds depend on the phase
	sgn            []float64 // artificial i has coefficient sgn[i] in row i
	artIdx         []int
	rowMag         []float64 // atRounding's per-row magnitudes
	rowBig         []float64 // slackRows's per-row largest structural coefficients
	// refineY, which finish sets, makes price refine the multipliers
	// (refineDuals); yRes, yFix and ySave are its work space.
	refineY           bool
	yRes, yFix, ySave []float64
	st                []vstate
	head              []int // basis position → variable
	pos               []int // variable → basis position or -1
	cur, trial        *point
	best              *point
	phase             int

	lu    basisLU
	luOK  bool
	luJac []float64 // Jacobian values the basis columns were factored with

	y, w, v, dB []float64 // m
	r, d        []float64 // nt
	mem         lbfgs
	evals       int
	degenerate  int
	repairs     int     // basis repairs made (repair), bounded by maxRepairs
	spare       *point  // polish's copy of the point before a step
	bb          float64 // Barzilai–Borwein step of the last iteration, 0 if none
	pred        float64 // tryStep's first-order change of the objective along the projected path
	// corr is restoration's correction to the basics' tangent prediction at the
	// last restored trial of the line search, at step corrAlpha (0: none yet);
	// tryStep starts the later trials' restorations from the second-order
	// predictor cur + α·dB + (α/corrAlpha)²·corr.
	corr      []float64 // m
	corrAlpha float64
	escapes   int // moves along negative curvature (second.go)
	tab       itlog.Writer
	// The last step, for the next row of the log: its length along s.d, the
	// evaluations before it, and whether a bound limited it and the line search
	// succeeded.
	stepped bool
	// firstFailed says the last line search's first trial failed restoration;
	// cutSteps counts the accepted steps in a row so cut (illConditioned).
	firstFailed bool
	cutSteps    int
	// heldSlack is a slack a basis repair made superbasic, which slacksIn leaves
	// out of the basis until the next line search; -1 for none.
	heldSlack int
	// superArt[i] says row i's artificial is to move as a superbasic for the
	// rest of this phase 1: a basis repair took it out of the basis (slacksIn
	// bringing it back, the two cycled: HS39 with its rows times 1e6), or
	// pricing released it from zero (made basic at once, it stopped the next
	// step at zero again: HS85 from a perturbed start crawled through 600
	// such steps).
	superArt []bool
	// repairIn is the column the last basis repair brought in and repairAt the
	// point it was made at (repair); -1 before any.
	repairIn  int
	repairAt  []float64
	lastStep  float64
	stepEvals int
	lastMX    bool
	lastOK    bool
	// The reduced Hessian negativeCurvature formed and found no negative
	// curvature in, over curvCand (column a of curvCols is variable
	// curvCand[a]'s, by position in curvCand), for cornerProbe; nil otherwise.
	curvCand    []int
	curvCols    [][]float64
	hpt         *point // the trial point of Hessian products by differences
	hp, hq      []float64
	newton      bool    // phase 2 takes Newton-CG steps (Settings.Direction, or a stall under DirectionAuto)
	newtonStep  bool    // s.d is a Newton step: the line search tries the unit step first
	delta       float64 // Newton-CG's trust radius on the superbasics' step, 0 until set
	newtonRZ    float64 // rᵀd and dᵀHd of the Newton step: the model trustUpdate checks
	newtonZHZ   float64
	newtonNorm  float64 // ‖d‖ of the Newton step
	cgR, cgP    []float64
	cgHP        []float64
	weight      float64 // phase 1's weight on f (Settings.Phase1ObjectiveWeight)
	weightFalls int     // its tenfold falls
	weightIter  int     // the iteration of its last change
	weightSum   float64 // the sum of infeasibilities then
	weightPrev  float64 // and at the last iteration
	log         io.Writer
}

var errNilProblem = errors.New("grg: nil problem")

// Solve minimises p's objective from x subject to c(x) = 0 and lo ≤ x ≤ up,
// overwriting x with the final point. Infinite bounds are allowed; lo = up fixes
// a variable. The error is non-nil only for bad input or an Eval error; the
// outcome of a solve is Result.Status.
func Solve(p Problem, x, lo, up []float64, set *Settings) (Result, error) {
	if p == nil {
		return Result{}, errNilProblem
	}
	n, m := p.Dims()
	colPtr, rowIdx := p.Pattern()
	if err := checkPattern(n, m, colPtr, rowIdx); err != nil {
		return Result{}, err
	}
	if len(x) != n || len(lo) != n || len(up) != n {
		return Result{}, fmt.Errorf("grg: len(x), len(lo), len(up) = %d, %d, %d, want n = %d", len(x), len(lo), len(up), n)
	}
	for j := 0; j < n; j++ {
		if math.IsNaN(x[j]) || math.IsInf(x[j], 0) {
			return Result{}, fmt.Errorf("grg: x[%d] = %v, want a finite start", j, x[j])
		}
		if math.IsNaN(lo[j]) || math.IsNaN(up[j]) || lo[j] > up[j] || math.IsInf(lo[j], 1) || math.IsInf(up[j], -1) {
			return Result{}, fmt.Errorf("grg: variable %d: bounds [%v, %v] are empty or invalid", j, lo[j], up[j])
		}
	}
	s := &solver{p: p, n: n, m: m, nt: n + m, colPtr: colPtr, rowIdx: rowIdx}
	if set != nil {
		s.set = *set
	}
	s.tab.W = s.set.Log
	s.heldSlack, s.repairIn = -1, -1
	if err := s.defaults(); err != nil {
		return Result{}, err
	}
	if s.set.Direction == DirectionNewtonCG && !s.hasHessian() {
		return Result{}, errors.New("grg: Settings.Direction newton-cg needs Hessian products: the problem is not a HessianProblem and Settings.HessianDifferences is off")
	}
	s.alloc(lo, up)
	for j := 0; j < n; j++ {
		s.cur.x[j] = math.Max(lo[j], math.Min(up[j], x[j]))
	}
	res, err := s.run()
	copy(x, s.cur.x[:n])
	return res, err
}

func (s *solver) defaults() error {
	t := &s.set
	if t.IterationLimit == 0 {
		t.IterationLimit = 1000 + 20*(s.n+s.m)
	}
	if t.OptimalityTolerance == 0 {
		t.OptimalityTolerance = 1e-7
	}
	if t.FeasibilityTolerance == 0 {
		t.FeasibilityTolerance = 1e-9
	}
	if t.UnboundedObjective == 0 {
		t.UnboundedObjective = 1e20
	}
	if t.Memory == 0 {
		t.Memory = 6
	}
	if t.NewtonLimit == 0 {
		t.NewtonLimit = 20
	}
	if t.Direction < DirectionAuto || t.Direction > DirectionNewtonCG {
		return fmt.Errorf("grg: invalid Settings.Direction %d: want DirectionAuto, DirectionLBFGS or DirectionNewtonCG", t.Direction)
	}
	if t.IterationLimit < 0 || !(t.OptimalityTolerance > 0) || !(t.FeasibilityTolerance > 0) ||
		!(t.UnboundedObjective > 0) || t.NewtonLimit < 0 {
		return fmt.Errorf("grg: invalid Settings %+v: limits must be non-negative and tolerances positive", *t)
	}
	if o := t.ObjectiveScale; o != 0 && !(o > 0 && !math.IsInf(o, 1)) {
		return fmt.Errorf("grg: invalid Settings.ObjectiveScale %v: want a finite positive number (0: 1)", o)
	}
	if t.FirstIteration < 0 {
		return fmt.Errorf("grg: invalid Settings.FirstIteration %d: want a non-negative count", t.FirstIteration)
	}
	if w := t.Phase1ObjectiveWeight; math.IsNaN(w) || math.IsInf(w, 0) {
		return fmt.Errorf("grg: invalid Settings.Phase1ObjectiveWeight %v: want a finite number (0: the default, negative: off)", w)
	}
	// The basis's own pivot tolerance (a copy: the caller's Settings stay).
	lu := sparselu.Settings{}
	if t.LU != nil {
		lu = *t.LU
	}
	if lu.PivotTolerance == 0 {
		lu.PivotTolerance = defaultPivotTolerance
	}
	t.LU = &lu
	s.log = t.Log
	return nil
}

// defaultPivotTolerance is the basis factorization's PivotTolerance when
// Settings.LU leaves it zero, below sparselu's 1e-11: that tolerance is relative
// to the basis's largest entry, and a basis whose rows differ in size by 1e11
// (HS85, after column scaling: 4e-3 to 5e8) then counts sound pivots of its
// small rows as zero. swap takes such a pivot (its test is relative to the
// pivot's row of B⁻¹), the next factorization puts the artificial back, and the
// degenerate step repeats without end (HS85 from perturbed starts: 4,000
// iterations at one point in phase 2).
const defaultPivotTolerance = 1e-13

func (s *solver) newPoint() *point {
	return &point{x: make([]float64, s.nt), cs: make([]float64, s.m), gs: make([]float64, s.n),
		jac: make([]float64, len(s.rowIdx)), c: make([]float64, s.m)}
}

func (s *solver) alloc(lo, up []float64) {
	nt, m := s.nt, s.m
	s.lo = make([]float64, nt)
	s.up = make([]float64, nt)
	copy(s.lo, lo)
	copy(s.up, up)
	s.sgn = make([]float64, m)
	s.artIdx = make([]int, m)
	for i := range s.sgn {
		s.sgn[i] = 1
		s.artIdx[i] = i
	}
	s.st = make([]vstate, nt)
	s.head = make([]int, m)
	s.pos = make([]int, nt)
	s.cur, s.trial, s.best = s.newPoint(), s.newPoint(), s.newPoint()
	s.luJac = make([]float64, len(s.rowIdx))
	s.y, s.w, s.v, s.dB = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	s.corr = make([]float64, m)
	s.r, s.d = make([]float64, nt), make([]float64, nt)
	if s.set.Memory > 0 {
		s.mem.init(s.set.Memory, nt)
	}
}

// col returns the rows and values of column j of the extended Jacobian [J, diag(sgn)].
func (s *solver) col(j int, jac []float64) ([]int, []float64) {
	if j < s.n {
		a, b := s.colPtr[j], s.colPtr[j+1]
		return s.rowIdx[a:b], jac[a:b]
	}
	i := j - s.n
	return s.artIdx[i : i+1], s.sgn[i : i+1]
}

// grad returns the phase objective's derivative in variable j.
func (s *solver) grad(pt *point, j int) float64 {
	if s.phase == 1 {
		if j >= s.n {
			return 1
		}
		if s.weight > 0 {
			return s.weight * pt.gs[j]
		}
		return 0
	}
	if j < s.n {
		return pt.gs[j]
	}
	return 0
}

// obj is the phase objective.
func (s *solver) obj(pt *point) float64 {
	if s.phase == 1 {
		return s.sumInf(pt) + s.weight*pt.f
	}
	return pt.f
}

// sumInf is phase 1's sum of artificials.
func (s *solver) sumInf(pt *point) float64 {
	sum := 0.0
	for _, a := range pt.x[s.n:] {
		sum += a
	}
	return sum
}

// eval evaluates pt with its derivatives. ok is false for non-finite values.
func (s *solver) eval(pt *point) (ok bool, err error) {
	return s.evalPoint(pt, true)
}

// evalValues evaluates f and c at pt, and the derivatives too unless the Problem
// can leave them out (ValueEvaluator).
func (s *solver) evalValues(pt *point) (ok bool, err error) {
	return s.evalPoint(pt, false)
}

func (s *solver) evalPoint(pt *point, derivs bool) (ok bool, err error) {
	s.evals++
	var f float64
	ve, canSkip := valueEvaluator(s.p)
	if !derivs && canSkip {
		f, err = ve.EvalValues(pt.x[:s.n], pt.cs)
		pt.derivs = false
	} else {
		f, err = s.p.Eval(pt.x[:s.n], pt.cs, pt.gs, pt.jac)
		pt.derivs = true
	}
	if err != nil {
		return false, fmt.Errorf("grg: Eval: %w", err)
	}
	pt.f = f
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return false, nil
	}
	for i := range pt.c {
		pt.c[i] = pt.cs[i] + s.sgn[i]*pt.x[s.n+i]
		if math.IsNaN(pt.c[i]) || math.IsInf(pt.c[i], 0) {
			return false, nil
		}
	}
	if !pt.derivs {
		return true, nil
	}
	for _, v := range pt.gs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false, nil
		}
	}
	for _, v := range pt.jac {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false, nil
		}
	}
	return true, nil
}

func maxAbs(v []float64) float64 {
	r := 0.0
	for _, x := range v {
		if a := math.Abs(x); a > r || a != a { // NaN wins, as math.Max would have it
			r = a
		}
	}
	return r
}

func copyPoint(dst, src *point) {
	copy(dst.x, src.x)
	copy(dst.cs, src.cs)
	copy(dst.gs, src.gs)
	copy(dst.jac, src.jac)
	copy(dst.c, src.c)
	dst.f = src.f
	dst.derivs = src.derivs
}

// withDerivs evaluates pt's derivatives when it holds values only.
func (s *solver) withDerivs(pt *point) (ok bool, err error) {
	if pt.derivs {
		return true, nil
	}
	return s.eval(pt)
}

// boundTol is the distance to a bound within which a value counts as on it.
func (s *solver) boundTol(b float64) float64 { return 1e-9 * (1 + math.Abs(b)) }

// classify makes j nonbasic or superbasic according to where x_j lies, snapping
// it onto a bound within tolerance.
func (s *solver) classify(j int) {
	x, lo, up := &s.cur.x[j], s.lo[j], s.up[j]
	s.pos[j] = -1
	switch {
	case lo == up:
		s.st[j], *x = nbFixed, lo
	case *x <= lo+s.boundTol(lo):
		s.st[j], *x = nbLower, lo
	case *x >= up-s.boundTol(up):
		s.st[j], *x = nbUpper, up
	default:
		s.st[j] = super
	}
}
