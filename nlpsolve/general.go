package nlpsolve

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/nnopt/nnopt/nlpsolve/grg"
	"github.com/nnopt/nnopt/nlpsolve/internal/itlog"
)

// Pattern is the sparse structure of one equation block's Jacobian, as the model
// layer enumerates it from the equation's index patterns, with a colouring of its
// columns: one JVP seeded with the unit vectors of GroupCols[g] gives the values of
// the entries GroupEntries[g], each at its row.
type Pattern struct {
	RowStart  []int   // the entries of row r are RowStart[r] up to RowStart[r+1]
	Row       []int32 // row of each entry
	Var, Elem []int32 // variable block and element of each entry
	// Active marks the rows inside the equation's condition; nil when every row is.
	// Rows outside it are not constraints.
	Active []bool
	// Linear is set when the values do not depend on the point.
	Linear       bool
	GroupCols    [][][2]int32
	GroupEntries [][]int32
	// Colour, when not nil, fills GroupCols and GroupEntries, which stay nil until
	// the general method needs them: the Jacobian of a linear block that comes
	// from row groups never does.
	Colour func(*Pattern)
}

// coloured fills the column groups if they are not yet.
func (p *Pattern) coloured() {
	if p.Colour != nil {
		p.Colour(p)
		p.Colour = nil
	}
}

// longestRow is the most entries of a row of p, the fewest column groups p can have.
func (p *Pattern) longestRow() int {
	n := 0
	for r := 0; r+1 < len(p.RowStart); r++ {
		n = max(n, p.RowStart[r+1]-p.RowStart[r])
	}
	return n
}

// PatternFunc returns the Jacobian pattern of equation ei of the problem.
// SolveGeneral calls it only for the equations it keeps as rows and that read no
// eliminated variable.
type PatternFunc func(ei int) (*Pattern, error)

// Triangular reports whether Solve handles p (every equation defines a variable, in
// an acyclic order): nil if so, else an error wrapping ErrNotTriangular that names
// the first equation in the way. It costs O(equations + variable blocks).
func Triangular(p *Problem) error {
	_, err := analyze(p)
	return err
}

// general is a problem split for the general method: the equations that define an
// unbounded variable stay eliminated (a forward sweep computes their variables from
// the rest, adjoint sweeps differentiate through them), every other equation becomes
// rows of a grg.Problem over the remaining, non-fixed variable elements (columns).
type general struct {
	p    *Problem
	sign float64
	// rowTol is the row violation above which the Result counts a row infeasible
	// and within which the optimality check counts it active: the larger of
	// ReportFeasibilityTolerance and Settings.FeasibilityTolerance.
	rowTol float64

	elim    []int // eliminated equations in forward-sweep order
	defined []int // per variable block: its eliminating equation, or -1
	objAnc  []int // eliminated equations the objective depends on, forward order

	gen []genEq // the equations kept as rows, in problem order
	m   int     // rows

	colVB, colEl []int32
	colOf        [][]int32 // per variable block: element → column, -1 if none
	colPtr       []int
	rowIdx       []int
	rel          []grg.Relation

	x, bar, seed [][]float64
	w            [][]float64 // per equation: adjoint weights
	res          [][]float64 // per eliminated equation: residuals of the forward sweep
	save         []float64
	evals        int
	bounded      []int        // eliminated equations whose variables have finite bounds
	hits         map[int]bool // those whose variables left their bounds at an evaluation
	cj           coupledJac   // the rows that read eliminated variables (general_coupled.go)

	hw hessWork // HessVec's buffers (general_hess.go)
}

// genEq is an equation kept as constraint rows.
type genEq struct {
	ei     int
	rows   []int // grg row of each block row, -1 outside the condition
	anc    []int // eliminated equations it depends on, forward order; none: direct
	r      []float64
	pat    *Pattern // direct equations only
	linear bool     // the pattern's values do not depend on the point
	pos    []int    // per pattern entry: position in the Jacobian, or -1 (fixed element)
	cached []float64
	jv     []float64
	// rowGroups, for a linear direct equation, are groups of its block rows no two
	// of which share a column, when there are fewer of them than column groups:
	// its Jacobian then comes from one adjoint sweep per row group
	// (rowJacobian). rowTried says they were looked for.
	rowGroups [][]int32
	rowTried  bool
	// Rows that read eliminated variables (general_coupled.go): the pattern until
	// the setup has derived, per block row, the composite columns rcol; for rows by
	// adjoint sweeps their Jacobian positions rpos, the adjoint weights w and the
	// variable blocks a sweep writes.
	cpat    *Pattern
	rcol    [][]int32
	rpos    [][]int
	w       []float64
	touched []int
}

// SolveGeneral minimises (or maximises) the objective of a problem with general
// constraints by the generalized reduced-gradient method (nlpsolve/grg). Equations
// that define a variable with no finite bound stay eliminated as in Solve: a forward
// sweep computes the defined variables, and grg sees only the other variables and
// the other equations. Rows that read eliminated variables get their Jacobian from one
// adjoint sweep each (at most MaxAdjointRows of them); the others from pat's sparse
// pattern and grouped JVPs. Inequalities get slacks; non-binding equations that do not
// define a variable are ignored. Variable and Equation Scale act on the columns and
// rows grg sees (general_scale.go), and the log then shows the coefficients before
// and after scaling. Without any Scale, and unless Scaling is ScaleUser, the
// columns whose start has magnitude AutoScaleMin or more are scaled automatically
// by the power of two at or below it (autoScales in general_scale.go), so that
// grg's absolute tests measure a variable of 1e8 (HS54) as one of 1; the log says
// so and shows the coefficients' and the objective gradient's ranges before and
// after.
//
// A linear program (every row kept linear, the objective linear: see
// linearProgram) goes to the simplex method of nlpsolve/simplex instead of grg,
// unless Method, Memory or a phase 1 setting is set, which ask for grg's
// directions or phase 1; linear defined
// variables that rows read, or that have bounds, are then kept as rows. The log
// names the method that ran. GradientTolerance is then the largest reduced cost of
// the scaled LP with the wrong sign accepted as optimal (0: the simplex's 1e-9,
// since a vertex is exact).
//
// Every setting is honoured or refused. Method picks grg's direction on the
// superbasics: unset, L-BFGS that turns to Newton-CG steps on the reduced Hessian
// of the Lagrangian (exact products, general_hess.go) when it stalls; LBFGS,
// L-BFGS throughout; NewtonCG, Newton-CG throughout phase 2. Scaling unset
// scales automatically as above, ScaleUser uses the Scale attributes alone, and
// ScaleAuto (the triangular method's factors per variable block) is an error
// wrapping ErrUnsupportedSetting. FeasibilityTolerance is grg's (and the
// simplex's) test of a feasible point; Phase1ObjectiveWeight and
// Phase1PinHeldRows steer grg's phase 1.
// Recorder hears of every iteration; in phase 1 its objective is the sum of
// infeasibilities.
//
// The Result's marginals follow Solve's conventions: ∂objective/∂rhs per row and
// the reduced cost of every variable element that is not eliminated. After a phase 1
// that ends infeasible (Status LocallyInfeasible) they are those of the phase-1
// problem, the sum of infeasibilities. IterationLimit 0 means the method's default
// cap, 1000 + 20·(columns + rows) for both.
func SolveGeneral(ctx context.Context, p *Problem, pat PatternFunc, x0 [][]float64, set Settings) (*Result, error) {
	start := time.Now()
	if ctx == nil {
		return nil, errNilContext
	}
	if err := set.Validate(); err != nil {
		return nil, err
	}
	if set.Scaling == ScaleAuto {
		return nil, fmt.Errorf("nlpsolve: scaling auto: the general method has no per-block factors (unset: Scale, or without any its own column scales from the start; user: Scale alone); want user, or leave the scaling unset: %w", ErrUnsupportedSetting)
	}
	if err := p.validate(x0, p.notDefined()); err != nil {
		return nil, err
	}
	// Defined variables with finite bounds stay eliminated while their bounds do not
	// get in the way (trial points outside them are rejected, as in Solve); an
	// equation whose variable leaves its bounds at the start, or blocks a solve that
	// then fails, becomes rows with its variable as columns, and the solve restarts
	// from the current point.
	force := map[int]bool{}
	if set.Elimination == EliminateNone {
		for ei := range p.Equations {
			force[ei] = true
		}
	}
	for {
		res, hits, err := solveGeneral(ctx, p, pat, x0, set, force, start)
		if err != nil || len(hits) == 0 || (res != nil && res.Status != NumericalFailure && res.Status != IterationLimit) {
			return res, err
		}
		for _, ei := range hits {
			force[ei] = true
		}
		if res != nil {
			x0 = res.X
			if set.Log != nil {
				fmt.Fprintf(set.Log, "Bounds of defined variables got in the way; restarting with %d more equations as rows\n", len(hits))
			}
		}
	}
}

// solveGeneral is one attempt of SolveGeneral with the equations in force kept as
// rows. hits lists the eliminated equations whose variables left their bounds (at the
// start, in which case res is nil, or at a rejected trial point).
func solveGeneral(ctx context.Context, p *Problem, pat PatternFunc, x0 [][]float64, set Settings, force map[int]bool, start time.Time) (res *Result, hits []int, err error) {
	g, err := newGeneral(p, pat, x0, force)
	if err != nil {
		return nil, nil, err
	}
	g.rowTol = max(ReportFeasibilityTolerance, set.FeasibilityTolerance)
	defer func() {
		for ei := range g.hits {
			hits = append(hits, ei)
		}
		slices.Sort(hits)
	}()
	n := len(g.colVB)
	lo, up := make([]float64, n), make([]float64, n)
	xc := make([]float64, n)
	for j := range g.colVB {
		vb, el := g.colVB[j], g.colEl[j]
		lo[j], up[j] = p.Vars[vb].Lo[el], p.Vars[vb].Up[el]
		xc[j] = clamp(x0[vb][el], lo[j], up[j])
	}
	lp, rows, err := g.linearProgram(pat, set)
	if err != nil {
		return nil, nil, err
	}
	if len(rows) > 0 {
		for _, ei := range rows {
			g.hits[ei] = true // kept as rows by the restart
		}
		return nil, nil, nil
	}
	if set.Log != nil && !lp {
		cj := &g.cj
		fmt.Fprintf(set.Log, "General reduced gradient: %d columns, %d rows from %d equations (%d rows through the triangular part: %d by tangent sweeps over %d column groups, %d by adjoint sweeps), %d equations eliminated\n",
			n, g.m, len(g.gen), cj.nrows[0]+cj.nrows[1], cj.nrows[0], len(cj.groups), cj.nrows[1], len(g.elim))
		logEliminated(set.Log, g.p, g.elim)
	}
	res = &Result{Algorithm: GeneralAlgorithm}
	var cs []float64 // the columns' user or automatic scales (general_scale.go), nil for none
	// fs is the objective scale the optimality check's floors are in (checkKKT):
	// that of the solve that met grg's own test, or of the last one.
	fs := 1.0
	finish := func(status Status, rg float64, iters int, duals []float64) (*Result, []int, error) {
		if _, err := g.eval(xc, make([]float64, g.m), make([]float64, n), nil); err != nil {
			return nil, nil, err
		}
		res.Status, res.RGmax, res.Iterations = status, rg, iters
		res.X = g.x
		res.Objective = g.x[p.Objective][0]
		objSeed := 1.0
		if status == LocallyInfeasible {
			objSeed = 0
		}
		res.EqMarginals, res.VarMarginals = g.marginals(duals, objSeed)
		res.MaxInfeasibility, res.SumInfeasibilities, res.NumInfeasibilities = g.infeasibility()
		if !isFinite(res.Objective) {
			// Never an optimum, nor a NaN objective reported with a solution: an
			// evaluation error (no solution returned).
			g.logf(set.Log, "The objective is %s at the final point (%v): no solution returned\n", fmtValue(res.Objective), status)
			res.Status = EvaluationError
		} else if status == Optimal {
			// An honest optimality check on the stated problem before Optimal.
			if v := g.checkKKT(duals, res.VarMarginals, cs, fs, set.GradientTolerance, res.Objective); v != nil {
				g.logf(set.Log, "Optimality check failed: %s (violation %.3g, tolerance %.3g): a feasible point, not reported optimal\n", v.where, v.value, v.tol)
				res.Status = NoProgress
			} else if res.NumInfeasibilities > 0 {
				g.logf(set.Log, "Optimality check failed: a row is violated by %.3g: not reported optimal\n", res.MaxInfeasibility)
				res.Status = NoProgress
			}
		} else if status == NumericalFailure && res.NumInfeasibilities == 0 && g.kktPasses(set.Log, duals, res.VarMarginals, cs, fs, set.GradientTolerance, res.Objective) {
			// The method stopped short of its own test, whose reduced-gradient
			// tolerance is absolute: at HS74's optimum (f = 5126, x near 1000) the
			// reduced gradient stalls at 3e-7 because the objective's change along
			// a step is below round-off. The point is feasible and passes the
			// relative check of the stated problem's first-order conditions: a KKT
			// point, reported as one.
			g.logf(set.Log, "The method stopped (reduced gradient %.3g) at a feasible point that passes the optimality check: reported optimal\n", rg)
			res.Status = Optimal
		}
		res.Evaluations = g.evals
		res.Elapsed = time.Since(start)
		(&logger{w: set.Log}).footer(res)
		return res, nil, nil
	}
	c0, grad0 := make([]float64, g.m), make([]float64, n)
	f0, err := g.eval(xc, c0, grad0, nil)
	if err != nil {
		return nil, nil, err
	}
	if len(g.hits) > 0 {
		return nil, nil, nil // the deferred function reports them
	}
	if err := g.checkFinite(f0, c0, grad0); err != nil {
		return nil, nil, err
	}
	_, _, startInf := g.infeasibility()
	if n == 0 {
		// Nothing to move: report the point.
		c := make([]float64, g.m)
		if _, err := g.eval(xc, c, nil, nil); err != nil {
			return nil, nil, err
		}
		_, _, ninf := g.infeasibility()
		status := Optimal
		if ninf > 0 {
			status = LocallyInfeasible
		}
		return finish(status, 0, 0, make([]float64, g.m))
	}
	if lp {
		res.StartElapsed = time.Since(start)
		return g.solveSimplex(ctx, set, xc, lo, up, start, finish)
	}
	// User scales (general_scale.go): grg works on u = x/c and rows r/d. Without
	// any, the automatic column scales from the start's magnitudes (autoScales),
	// unless Scaling is ScaleUser.
	var prob grg.Problem = g
	u0 := xc
	var rs []float64
	cs, rs = g.generalScales()
	auto := false
	// No user scales and not ScaleUser: the automatic column, row and objective
	// scales.
	autoScaling := cs == nil && set.Scaling != ScaleUser
	os := 1.0 // the objective's scale (autoObjectiveScale)
	if autoScaling {
		cs = g.autoScales(x0, xc)
		if rs, err = g.autoRowScales(xc, cs); err != nil {
			return nil, nil, err
		}
		if startInf == 0 {
			// From a start that satisfies the rows: one that does not is no
			// guide to the objective's size where phase 1 ends (the chain's x
			// = 0 before its steps are solved: f = 0.04, 30 after them), and
			// the rescale where the method stops looks again.
			os = autoObjectiveScale(f0, grad0, xc, cs)
		}
		if cs != nil || rs != nil || os != 1 {
			auto = true
			if cs == nil {
				cs = ones(n)
			}
			if rs == nil {
				rs = ones(g.m)
			}
		}
	}
	var sg *scaledGeneral // grg's problem when scaled; its objective scale can change (rescale)
	if cs == nil && autoScaling {
		// Unit scales, so that the objective can be rescaled at the end.
		sg = newScaledGeneral(g, ones(n), ones(g.m))
		prob = sg
	}
	if cs != nil {
		sg = newScaledGeneral(g, cs, rs)
		sg.os = os
		prob = sg
		u0 = make([]float64, n)
		for j := range u0 {
			u0[j] = xc[j] / cs[j]
			lo[j], up[j] = lo[j]/cs[j], up[j]/cs[j]
		}
		if set.Log != nil {
			log := g.logScaling
			if auto {
				log = g.logAutoScaling
			}
			if err := log(set.Log, sg, xc, lo, up); err != nil {
				return nil, nil, err
			}
		}
	}
	slk, lo2, up2, err := grg.WithSlacks(prob, g.rel, lo, up)
	if err != nil {
		return nil, nil, fmt.Errorf("nlpsolve: general method: %w", err)
	}
	xs, err := slk.Start(u0)
	if err != nil {
		return nil, nil, fmt.Errorf("nlpsolve: general method: %w", err)
	}
	gs := grg.Settings{IterationLimit: set.IterationLimit, OptimalityTolerance: set.GradientTolerance, Memory: set.Memory, Log: set.Log, UnboundedObjective: UnboundedObjective * os, ObjectiveScale: os,
		FeasibilityTolerance: set.FeasibilityTolerance, Phase1ObjectiveWeight: set.Phase1ObjectiveWeight, Phase1PinHeldRows: set.Phase1PinHeldRows,
		ObjectiveColumns: g.objectiveColumns(pat), ConstantColumns: g.definedColumns(), Direction: generalDirection(set.Method), Maximized: g.sign < 0}
	if set.Recorder != nil {
		gs.Progress = func(pr grg.Progress) {
			if pr.Iter == 0 { // the start point: Recorder hears of iterations
				return
			}
			obj := pr.Objective
			if itlog.ShowsObjective(pr.Phase) {
				obj *= g.sign / os // as stated
			}
			set.Recorder(Iteration{Iter: pr.Iter, Phase: pr.Phase, Ninf: pr.Ninf, Objective: obj, RGmax: pr.RGMax, NSB: pr.Superbasics, Step: pr.Step, InItr: pr.InItr, MX: pr.MX, OK: pr.OK, Elapsed: time.Since(start)})
		}
	}
	gs.Stop = func() bool {
		return ctx.Err() != nil || (set.TimeLimit > 0 && time.Since(start) >= set.TimeLimit)
	}
	res.StartElapsed = time.Since(start)
	gr, err := grg.Solve(slk, xs, lo2, up2, &gs)
	if err != nil {
		return nil, nil, fmt.Errorf("nlpsolve: general method: %w", err)
	}
	fs = os
	if !autoScaling {
		sg = nil
	}
	if os2 := g.rescale(sg, xs[:n], f0, gr); os2 > 0 && (set.IterationLimit == 0 || gr.Iterations < set.IterationLimit) {
		g.logf(set.Log, "Automatic scaling: the objective's value and derivatives at the point reached are small (below %g): on from it with the objective times %s\n", 1.0/AutoScaleMin, fmtCoef(os2))
		os, sg.os = os2, os2
		gs.ObjectiveScale, gs.UnboundedObjective = os2, UnboundedObjective*os2
		if set.IterationLimit > 0 {
			gs.IterationLimit = set.IterationLimit - gr.Iterations
		}
		first := gr.Iterations
		gs.FirstIteration = first
		if progress := gs.Progress; progress != nil {
			gs.Progress = func(pr grg.Progress) {
				if pr.Iter > first { // the second solve's start is the first's end
					progress(pr)
				}
			}
		}
		firstOptimal := gr.Status == grg.Optimal
		gr, err = grg.Solve(slk, xs, lo2, up2, &gs)
		if err != nil {
			return nil, nil, fmt.Errorf("nlpsolve: general method: %w", err)
		}
		gr.Iterations += first
		if gr.Status == grg.Optimal || !firstOptimal {
			// Where only the first solve met grg's test, the check keeps its
			// units: HS70's continuation times 2048 stopped at once, its line
			// search at round-off.
			fs = os2
		}
	}
	copy(xc, xs[:n])
	if cs != nil {
		for j := range xc {
			xc[j] *= cs[j]
		}
	}
	res.Superbasics = gr.Superbasics
	var status Status
	switch gr.Status {
	case grg.Optimal:
		status = Optimal
	case grg.Infeasible:
		status = LocallyInfeasible
	case grg.Unbounded:
		status = Unbounded
	case grg.IterationLimit:
		status = IterationLimit
	case grg.Stopped:
		status = TimeLimit
		if ctx.Err() != nil {
			status = UserInterrupt
		}
	default:
		status = NumericalFailure
	}
	duals := gr.Duals
	if len(duals) != g.m {
		duals = make([]float64, g.m) // the final basis could not be factored
	} else if rs != nil || os != 1 {
		// Duals of the scaled rows r/d for the objective os·f: the stated
		// row's is y'/(d·os).
		duals = append([]float64(nil), duals...)
		for i := range duals {
			if rs != nil {
				duals[i] /= rs[i]
			}
			duals[i] /= os
		}
	}
	return finish(status, gr.RGMax, gr.Iterations, duals)
}

// generalDirection is grg's search direction for Method m.
func generalDirection(m Method) grg.Direction {
	switch m {
	case LBFGS:
		return grg.DirectionLBFGS
	case NewtonCG:
		return grg.DirectionNewtonCG
	}
	return grg.DirectionAuto
}

// eliminable reports whether equation e can stay eliminated in the general method:
// an equality that defines a variable, with no lower bound above an upper one.
func eliminable(p *Problem, e *Equation) (ok, bounded bool) {
	if e.Defines < 0 || e.Relation != Equal || e.Coef == 0 || e.Block.Rows() != p.Vars[e.Defines].Size() {
		return false, false
	}
	v := p.Vars[e.Defines]
	for i := range v.Lo {
		if !(v.Lo[i] < v.Up[i]) {
			return false, false
		}
		if !math.IsInf(v.Lo[i], -1) || !math.IsInf(v.Up[i], 1) {
			bounded = true
		}
	}
	return true, bounded
}

func newGeneral(p *Problem, pat PatternFunc, x0 [][]float64, force map[int]bool) (*general, error) {
	g := &general{p: p, sign: 1, rowTol: ReportFeasibilityTolerance, defined: make([]int, len(p.Vars))}
	if p.Maximize {
		g.sign = -1
	}
	for i := range g.defined {
		g.defined[i] = -1
	}
	cand := make([]bool, len(p.Equations))
	for ei := range p.Equations {
		e := &p.Equations[ei]
		if ok, _ := eliminable(p, e); ok && !force[ei] && g.defined[e.Defines] < 0 {
			cand[ei] = true
			g.defined[e.Defines] = ei
		}
	}
	// Forward order of the eliminated equations; equations on a cycle, and those
	// after them, become rows.
	g.elim, _ = sweepOrder(p, g.defined, func(ei int) bool { return cand[ei] })
	isElim := make([]bool, len(p.Equations))
	for _, ei := range g.elim {
		isElim[ei] = true
	}
	for vb, ei := range g.defined {
		if ei >= 0 && !isElim[ei] {
			g.defined[vb] = -1
		}
	}
	g.hits = map[int]bool{}
	for _, ei := range g.elim {
		if _, b := eliminable(p, &p.Equations[ei]); b {
			g.bounded = append(g.bounded, ei)
		}
	}
	rank := make([]int, len(p.Equations))
	for k, ei := range g.elim {
		rank[ei] = k
	}
	// ancestors returns the eliminated equations behind vars, in forward order.
	ancestors := func(vars []int) []int {
		seen := map[int]bool{}
		var visit func(vb int)
		visit = func(vb int) {
			a := g.defined[vb]
			if a < 0 || seen[a] {
				return
			}
			seen[a] = true
			for _, u := range p.Equations[a].Vars {
				visit(u)
			}
		}
		for _, vb := range vars {
			visit(vb)
		}
		out := make([]int, 0, len(seen))
		for a := range seen {
			out = append(out, a)
		}
		slices.SortFunc(out, func(a, b int) int { return rank[a] - rank[b] })
		return out
	}
	g.objAnc = ancestors([]int{p.Objective})

	// Columns: the non-fixed elements of variables that are not eliminated.
	g.colOf = make([][]int32, len(p.Vars))
	for vb, v := range p.Vars {
		g.colOf[vb] = make([]int32, v.Size())
		for el := range g.colOf[vb] {
			g.colOf[vb][el] = -1
			if g.defined[vb] >= 0 {
				continue
			}
			if v.Lo[el] > v.Up[el] || math.IsNaN(v.Lo[el]) || math.IsNaN(v.Up[el]) {
				return nil, fmt.Errorf("nlpsolve: variable %q element %d: bounds [%g, %g] are empty", v.Name, el, v.Lo[el], v.Up[el])
			}
			if math.IsInf(v.Lo[el], 1) || math.IsInf(v.Up[el], -1) {
				return nil, fmt.Errorf("nlpsolve: variable %q element %d: bounds [%g, %g] admit no finite value", v.Name, el, v.Lo[el], v.Up[el])
			}
			if v.Lo[el] < v.Up[el] {
				g.colOf[vb][el] = int32(len(g.colVB))
				g.colVB = append(g.colVB, int32(vb))
				g.colEl = append(g.colEl, int32(el))
			}
		}
	}
	n := len(g.colVB)

	// Rows, and the Jacobian's entries as (column, row) pairs.
	var ents []jacEntry
	for ei := range p.Equations {
		e := &p.Equations[ei]
		if isElim[ei] || e.Relation == Free {
			continue
		}
		ge := genEq{ei: ei, anc: ancestors(e.Vars), r: make([]float64, e.Block.Rows())}
		ge.rows = make([]int, e.Block.Rows())
		var rel grg.Relation
		switch e.Relation {
		case Equal:
			rel = grg.Equal
		case LessEqual:
			rel = grg.LessEqual
		case GreaterEqual:
			rel = grg.GreaterEqual
		default:
			return nil, fmt.Errorf("nlpsolve: equation %q: unknown relation %d", e.Name, e.Relation)
		}
		// Direct rows need the pattern; coupled ones only its active rows.
		pt, err := pat(ei)
		if err != nil {
			return nil, fmt.Errorf("nlpsolve: equation %q: %w", e.Name, err)
		}
		if pt == nil || len(pt.RowStart) != e.Block.Rows()+1 || (pt.Active != nil && len(pt.Active) != e.Block.Rows()) {
			return nil, fmt.Errorf("nlpsolve: equation %q: the Jacobian pattern does not have the block's %d rows", e.Name, e.Block.Rows())
		}
		ge.linear = pt.Linear
		for r := range ge.rows {
			if pt.Active != nil && !pt.Active[r] {
				ge.rows[r] = -1
				continue
			}
			ge.rows[r] = g.m
			g.m++
			g.rel = append(g.rel, rel)
		}
		if len(ge.anc) == 0 {
			ge.pat = pt
			ge.pos = make([]int, len(pt.Var))
			for t := range pt.Var {
				vb, el := int(pt.Var[t]), int(pt.Elem[t])
				if vb < 0 || vb >= len(p.Vars) || el < 0 || el >= p.Vars[vb].Size() || int(pt.Row[t]) >= len(ge.rows) {
					return nil, fmt.Errorf("nlpsolve: equation %q: Jacobian pattern entry %d out of range", e.Name, t)
				}
				if c := g.colOf[vb][el]; c >= 0 && ge.rows[pt.Row[t]] >= 0 {
					ents = append(ents, jacEntry{int(c), ge.rows[pt.Row[t]]})
				}
			}
		} else {
			ge.cpat = pt // the composite pattern comes after every row is numbered
		}
		g.gen = append(g.gen, ge)
	}
	cents, err := g.coupledSetup(pat)
	if err != nil {
		return nil, err
	}
	ents = append(ents, cents...)
	// Compressed columns.
	g.colPtr = make([]int, n+1)
	for _, en := range ents {
		g.colPtr[en.col+1]++
	}
	for j := 0; j < n; j++ {
		g.colPtr[j+1] += g.colPtr[j]
	}
	rows := make([]int, len(ents))
	fill := append([]int(nil), g.colPtr[:n]...)
	for _, en := range ents {
		rows[fill[en.col]] = en.row
		fill[en.col]++
	}
	g.rowIdx = make([]int, 0, len(ents))
	newPtr := make([]int, n+1)
	for j := 0; j < n; j++ {
		seg := rows[g.colPtr[j]:g.colPtr[j+1]]
		slices.Sort(seg)
		seg = slices.Compact(seg)
		g.rowIdx = append(g.rowIdx, seg...)
		newPtr[j+1] = len(g.rowIdx)
	}
	g.colPtr = newPtr
	find := func(col, row int) int {
		seg := g.rowIdx[g.colPtr[col]:g.colPtr[col+1]]
		k, ok := slices.BinarySearch(seg, row)
		if !ok {
			return -1
		}
		return g.colPtr[col] + k
	}
	for k := range g.gen {
		ge := &g.gen[k]
		if ge.pat != nil {
			for t := range ge.pat.Var {
				ge.pos[t] = -1
				if c := g.colOf[ge.pat.Var[t]][ge.pat.Elem[t]]; c >= 0 && ge.rows[ge.pat.Row[t]] >= 0 {
					ge.pos[t] = find(int(c), ge.rows[ge.pat.Row[t]])
				}
			}
		}
	}
	g.coupledPositions(find)
	alloc := func() [][]float64 {
		out := make([][]float64, len(p.Vars))
		for i, v := range p.Vars {
			out[i] = make([]float64, v.Size())
		}
		return out
	}
	g.x, g.bar, g.seed = alloc(), alloc(), alloc()
	for i := range x0 {
		projectOnBounds(g.x[i], x0[i], p.Vars[i])
	}
	g.w = make([][]float64, len(p.Equations))
	g.res = make([][]float64, len(p.Equations))
	for i, e := range p.Equations {
		g.w[i] = make([]float64, e.Block.Rows())
	}
	for _, ei := range g.elim {
		g.res[ei] = make([]float64, p.Equations[ei].Block.Rows())
	}
	return g, nil
}

// Dims implements grg.Problem.
func (g *general) Dims() (int, int) { return len(g.colVB), g.m }

// Pattern implements grg.Problem.
func (g *general) Pattern() ([]int, []int) { return g.colPtr, g.rowIdx }

// Eval implements grg.Problem: the forward sweep, the rows, the objective's gradient
// by an adjoint sweep, and the Jacobian.
func (g *general) Eval(xc, c, grad, jac []float64) (float64, error) {
	return g.eval(xc, c, grad, jac)
}

func (g *general) eval(xc, c, grad, jac []float64) (float64, error) {
	g.evals++
	p := g.p
	for j, v := range xc {
		g.x[g.colVB[j]][g.colEl[j]] = v
	}
	for _, ei := range g.elim {
		e := &p.Equations[ei]
		// The block is linear in v with coefficient Coef: evaluated at v = 0 its
		// residual is -Coef times v's value. (Updating v by -r/Coef from its last
		// value instead loses v to cancellation after a wild trial point: HS64
		// reported an objective of 0 from a last value of -4e21.)
		r, v := g.res[ei], g.x[e.Defines]
		clear(v)
		e.Block.Eval(g.x, r)
		inv := 1 / e.Coef
		for i, ri := range r {
			v[i] = -ri * inv
		}
	}
	f := g.sign * g.x[p.Objective][0]
	for _, ei := range g.bounded {
		e := &p.Equations[ei]
		v, lo, up := g.x[e.Defines], p.Vars[e.Defines].Lo, p.Vars[e.Defines].Up
		for i := range v {
			if v[i] < lo[i]-1e-9*(1+math.Abs(lo[i])) || v[i] > up[i]+1e-9*(1+math.Abs(up[i])) {
				// Outside: grg steps back from a non-finite objective.
				g.hits[ei] = true
				f = math.Inf(1)
				break
			}
		}
	}
	for k := range g.gen {
		ge := &g.gen[k]
		p.Equations[ge.ei].Block.Eval(g.x, ge.r)
		for r, row := range ge.rows {
			if row >= 0 {
				c[row] = ge.r[r]
			}
		}
	}
	if grad != nil {
		g.clearBar()
		g.bar[p.Objective][0] = 1
		g.backward(g.objAnc)
		for j := range grad {
			grad[j] = g.sign * g.bar[g.colVB[j]][g.colEl[j]]
		}
	}
	if jac != nil {
		for k := range g.gen {
			if g.gen[k].pat != nil {
				g.directJacobian(&g.gen[k], jac)
			}
		}
		g.coupledJacobian(jac)
	}
	return f, nil
}

func (g *general) clearBar() {
	for _, b := range g.bar {
		clear(b)
	}
}

// backward runs the adjoint sweep through the eliminated equations anc (forward
// order) from the adjoints in g.bar.
func (g *general) backward(anc []int) {
	for k := len(anc) - 1; k >= 0; k-- {
		ei := anc[k]
		e := &g.p.Equations[ei]
		w := g.w[ei]
		vb := g.bar[e.Defines]
		for i := range w {
			w[i] = -vb[i] / e.Coef
		}
		e.Block.VJP(w, g.bar)
	}
}

// vjpRow adds the transpose Jacobian of a row equation times w to g.bar. A block may
// leave out the variable it defines (Block.VJP); that variable is a column here, and
// it enters with the constant coefficient Coef, so its part is added explicitly.
func (g *general) vjpRow(e *Equation, w []float64) {
	d := e.Defines
	if d < 0 {
		e.Block.VJP(w, g.bar)
		return
	}
	g.save = append(g.save[:0], g.bar[d]...)
	e.Block.VJP(w, g.bar)
	for i, wi := range w {
		g.bar[d][i] = g.save[i] + e.Coef*wi
	}
}

func (g *general) directJacobian(ge *genEq, jac []float64) {
	pt := ge.pat
	if pt.Linear && ge.cached != nil {
		for t, pos := range ge.pos {
			if pos >= 0 {
				jac[pos] = ge.cached[t]
			}
		}
		return
	}
	e := &g.p.Equations[ge.ei]
	if pt.Linear && e.Defines < 0 && !ge.rowTried {
		ge.rowTried = true
		size := func(vb int) int { return g.p.Vars[vb].Size() }
		if pt.Colour != nil {
			// The column groups are not known yet: fewer row groups than the
			// longest row are fewer than they, and they are not needed.
			ge.rowGroups = rowColouring(pt, pt.longestRow(), size)
		}
		if ge.rowGroups == nil {
			pt.coloured()
			ge.rowGroups = rowColouring(pt, len(pt.GroupCols), size)
		}
	}
	if ge.rowGroups != nil {
		g.rowJacobian(ge, e, jac)
		return
	}
	pt.coloured()
	b := e.Block
	if ge.jv == nil {
		ge.jv = make([]float64, b.Rows())
	}
	jv := ge.jv
	if pt.Linear {
		ge.cached = make([]float64, len(pt.Var))
	}
	for grp, cols := range pt.GroupCols {
		for _, cl := range cols {
			g.seed[cl[0]][cl[1]] = 1
		}
		b.JVP(g.seed, jv)
		for _, cl := range cols {
			g.seed[cl[0]][cl[1]] = 0
		}
		for _, t := range pt.GroupEntries[grp] {
			v := jv[pt.Row[t]]
			if ge.cached != nil {
				ge.cached[t] = v
			}
			if pos := ge.pos[t]; pos >= 0 {
				jac[pos] = v
			}
		}
	}
}

// rowJacobian evaluates the Jacobian of a linear direct equation by one adjoint
// sweep per row group (ge.rowGroups): the weights are 1 on the group's rows, whose
// entries lie in distinct columns, so each entry's value is its column's adjoint.
// The sweeps add into g.seed, which is all zeros before and after.
func (g *general) rowJacobian(ge *genEq, e *Equation, jac []float64) {
	pt := ge.pat
	ge.cached = make([]float64, len(pt.Var))
	w := make([]float64, e.Block.Rows())
	for _, rows := range ge.rowGroups {
		for _, r := range rows {
			w[r] = 1
		}
		e.Block.VJP(w, g.seed)
		for _, r := range rows {
			w[r] = 0
			for t := pt.RowStart[r]; t < pt.RowStart[r+1]; t++ {
				v := g.seed[pt.Var[t]][pt.Elem[t]]
				ge.cached[t] = v
				if pos := ge.pos[t]; pos >= 0 {
					jac[pos] = v
				}
			}
		}
		for _, vb := range e.Vars {
			clear(g.seed[vb])
		}
	}
}

// rowColouring groups the rows of pattern pt greedily, in order, so that no two
// rows of a group have an entry in the same column. It returns nil where that
// takes limit groups or more (the column groups are then no more), and before
// the pass when the work it would take (the squares of the columns' lengths)
// exceeds the limit times the entries, the least a column-group evaluation costs.
func rowColouring(pt *Pattern, limit int, varSize func(vb int) int) [][]int32 {
	nrows := len(pt.RowStart) - 1
	if nrows <= 1 || len(pt.Var) == 0 {
		return nil
	}
	// Columns: the distinct (block, element) pairs, numbered through per-block
	// tables.
	tabs := map[int32][]int32{}
	col := make([]int32, len(pt.Var))
	colStart := []int{0}
	lastVB, tab := int32(-1), []int32(nil)
	for t, vb := range pt.Var {
		if vb != lastVB {
			lastVB, tab = vb, tabs[vb]
		}
		if tab == nil {
			tab = make([]int32, varSize(int(vb)))
			for i := range tab {
				tab[i] = -1
			}
			tabs[vb] = tab
		}
		c := tab[pt.Elem[t]]
		if c < 0 {
			c = int32(len(colStart) - 1)
			tab[pt.Elem[t]] = c
			colStart = append(colStart, 0)
		}
		col[t] = c
		colStart[c+1]++
	}
	ncols := len(colStart) - 1
	work := 0
	for c := range ncols {
		n := colStart[c+1]
		if n >= limit {
			return nil // that many rows share a column: as many groups at least
		}
		work += n * n
		colStart[c+1] += colStart[c]
	}
	if work > limit*len(col) {
		return nil
	}
	colRows := make([]int32, len(col))
	fill := slices.Clone(colStart[:ncols])
	for t, c := range col {
		colRows[fill[c]] = pt.Row[t]
		fill[c]++
	}
	colour := make([]int32, nrows)
	for r := range colour {
		colour[r] = -1
	}
	var forbidden []int // forbidden[k] == r+1: a row sharing a column with r has colour k
	ngroups := 0
	for r := 0; r < nrows; r++ {
		if pt.RowStart[r] == pt.RowStart[r+1] {
			continue // no entries: no sweep needs it
		}
		for t := pt.RowStart[r]; t < pt.RowStart[r+1]; t++ {
			c := col[t]
			for _, q := range colRows[colStart[c]:colStart[c+1]] {
				if k := colour[q]; k >= 0 {
					forbidden[k] = r + 1
				}
			}
		}
		k := 0
		for k < ngroups && forbidden[k] == r+1 {
			k++
		}
		if k == ngroups {
			if ngroups++; ngroups >= limit {
				return nil
			}
			forbidden = append(forbidden, 0)
		}
		colour[r] = int32(k)
	}
	groups := make([][]int32, ngroups)
	for r, k := range colour {
		if k >= 0 {
			groups[k] = append(groups[k], int32(r))
		}
	}
	return groups
}

// marginals runs one adjoint sweep of objSeed·objective - Σ y_i·row_i (the objective
// as stated) at the current point: the rows' marginals are y (in the stated sense),
// the eliminated equations' come from the sweep, and the variables' are the adjoints.
func (g *general) marginals(duals []float64, objSeed float64) (eq, vars [][]float64) {
	p := g.p
	g.clearBar()
	g.bar[p.Objective][0] = objSeed
	eq = make([][]float64, len(p.Equations))
	for i, e := range p.Equations {
		eq[i] = make([]float64, e.Block.Rows())
	}
	// The rows' weights first: nothing eliminated reads a row's variables' adjoints
	// before they are complete, since the rows come after every eliminated equation.
	for k := range g.gen {
		ge := &g.gen[k]
		w := make([]float64, len(ge.rows))
		for r, row := range ge.rows {
			if row >= 0 {
				y := g.sign * duals[row]
				if objSeed == 0 {
					y = duals[row]
				}
				y += 0 // no negative zeros in the report
				eq[ge.ei][r] = y
				w[r] = -y
			}
		}
		g.vjpRow(&p.Equations[ge.ei], w)
	}
	g.backward(g.elim)
	for _, ei := range g.elim {
		for i, w := range g.w[ei] {
			eq[ei][i] = -w
		}
	}
	vars = make([][]float64, len(p.Vars))
	for vb := range p.Vars {
		vars[vb] = make([]float64, p.Vars[vb].Size())
		if g.defined[vb] < 0 {
			copy(vars[vb], g.bar[vb])
		}
	}
	return eq, vars
}

// infeasibility measures the rows at the current point (after eval): the largest and
// summed violation, and the number of rows violated by more than g.rowTol.
func (g *general) infeasibility() (max, sum float64, count int) {
	for k := range g.gen {
		ge := &g.gen[k]
		rel := g.p.Equations[ge.ei].Relation
		for r, row := range ge.rows {
			if row < 0 {
				continue
			}
			v := ge.r[r]
			switch rel {
			case LessEqual:
				v = math.Max(v, 0)
			case GreaterEqual:
				v = math.Max(-v, 0)
			default:
				v = math.Abs(v)
			}
			if math.IsNaN(v) {
				v = math.Inf(1)
			}
			sum += v
			max = math.Max(max, v)
			if v > g.rowTol {
				count++
			}
		}
	}
	return max, sum, count
}

// checkFinite names the first place where the evaluation at the start point is NaN
// or infinite: an eliminated equation's defined variable (in sweep order), a
// constraint row, or the objective's derivative in a column.
func (g *general) checkFinite(f float64, c, grad []float64) error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	p := g.p
	for _, ei := range g.elim {
		e := &p.Equations[ei]
		for k, v := range g.x[e.Defines] {
			if bad(v) {
				return fmt.Errorf("nlpsolve: equation %s gives %s = %s: %w", e.rowName(k), p.Vars[e.Defines].elemName(k), fmtValue(v), ErrEvaluation)
			}
		}
	}
	for k := range g.gen {
		ge := &g.gen[k]
		e := &p.Equations[ge.ei]
		for r, row := range ge.rows {
			if row >= 0 && bad(c[row]) {
				return fmt.Errorf("nlpsolve: equation %s evaluates to %s: %w", e.rowName(r), fmtValue(c[row]), ErrEvaluation)
			}
		}
	}
	if bad(f) {
		return fmt.Errorf("nlpsolve: the objective %s = %s: %w", p.Vars[p.Objective].Name, fmtValue(g.sign*f), ErrEvaluation)
	}
	for j, v := range grad {
		if bad(v) {
			return fmt.Errorf("nlpsolve: the derivative of the objective with respect to %s is %s at the start point: %w", g.colName(j), fmtValue(v), ErrEvaluation)
		}
	}
	return nil
}

// definedColumns marks the columns of variables that an equation kept as rows
// defines and no other equation reads (EliminateNone's objective): such a
// column is in its own rows only, with the constant coefficient Coef, and grg's
// basis repair leaves it basic. Nil when there are none.
func (g *general) definedColumns() []bool {
	readers := make([]int, len(g.p.Vars))
	for ei := range g.p.Equations {
		for _, vb := range g.p.Equations[ei].Vars {
			readers[vb]++
		}
	}
	var cols []bool
	for ei := range g.p.Equations {
		e := &g.p.Equations[ei]
		if e.Defines < 0 || e.Coef == 0 || g.defined[e.Defines] >= 0 || readers[e.Defines] != 1 {
			continue
		}
		for _, c := range g.colOf[e.Defines] {
			if c < 0 {
				continue
			}
			if cols == nil {
				cols = make([]bool, len(g.colVB))
			}
			cols[c] = true
		}
	}
	return cols
}

// objectiveColumns marks the columns the objective reads directly through the
// equation that defines it, when that equation is nonlinear (nil otherwise, as
// for an LP): grg's crash keeps them out of the basis where it can. Only that
// one-row equation's pattern is built: the other eliminated equations the
// objective depends on (a network's layers) may have millions of rows.
func (g *general) objectiveColumns(pat PatternFunc) []bool {
	ei := g.defined[g.p.Objective]
	if ei < 0 || g.p.Equations[ei].Block.Rows() != 1 {
		return nil
	}
	pt, err := pat(ei)
	if err != nil || pt.Linear {
		return nil
	}
	cols := make([]bool, len(g.colVB))
	for t := range pt.Var {
		if c := g.colOf[pt.Var[t]][pt.Elem[t]]; c >= 0 {
			cols[c] = true
		}
	}
	return cols
}

// EvalValues implements grg.ValueEvaluator: the objective and the rows without
// the adjoint sweep for the gradient or the Jacobian's sweeps.
func (g *general) EvalValues(xc, c []float64) (float64, error) {
	return g.eval(xc, c, nil, nil)
}

// kktPasses is checkKKT for a solve the method stopped short of optimal: it logs
// what fails.
func (g *general) kktPasses(log io.Writer, duals []float64, vm [][]float64, cs []float64, fs, gradTol, f float64) bool {
	v := g.checkKKT(duals, vm, cs, fs, gradTol, f)
	if v != nil {
		g.logf(log, "The method stopped at a feasible point that fails the optimality check: %s (violation %.3g, tolerance %.3g)\n", v.where, v.value, v.tol)
	}
	return v == nil
}
