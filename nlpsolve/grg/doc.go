// Package grg is a generalized reduced-gradient (GRG) method for
//
//	min f(x)  subject to  c(x) = 0,  lo ≤ x ≤ up,
//
// with f and c smooth and the Jacobian of c sparse with a fixed pattern
// (Abadie & Carpentier; Lasdon, Fox & Ratner's GRG2; Drud's CONOPT). It works on
// scalar rows given by callbacks (Problem) and is independent of nnopt's
// modeling layer. Inequalities become equalities with bounded slack columns
// (WithSlacks); Linear is a ready-made Problem for LPs.
//
// # Method
//
// The variables are partitioned into m basic ones, whose columns of the
// Jacobian form the nonsingular basis B (factored by nlpsolve/sparselu), and
// non-basic ones: nonbasic at a bound, or superbasic (between bounds, free to
// move). The basics are implicit functions of the others through c(x) = 0.
//
// Phase 0. A crash basis takes singleton columns (slacks) first, preferring
// variables strictly between their bounds, then for each uncovered row the
// column with the largest entry, then artificials; dependent columns reported
// by the factorization are replaced by artificials. Newton's method on the
// basic variables then tries to reach c(x) = 0 from the start point. Where it
// does not converge and the rows are far from holding, up to 30 projected
// Levenberg-Marquardt steps on ½‖c‖² over all columns (at most 200, dense normal
// equations) move the start closer before phase 1, when they halve the sum of
// infeasibilities.
//
// Phase 1. If Newton fails or leaves a basic variable outside its bounds, every
// row i gets an artificial a_i ≥ 0 (c_i(x) + σ_i·a_i = 0, σ_i chosen so that
// a_i = |c_i(x)| at the start) and Σ a_i is minimised by the same machinery as
// phase 2. A row that holds at the start keeps the crash basis's column for it
// when that column lies strictly inside its bounds; the other rows' artificials
// are basic. (An all-artificial basis pins every row that holds: its artificial
// is basic at zero, and each such row costs a degenerate pivot before the
// structurals can move it, n pivots for an n-step control whose start violates
// only the first step; a held inequality's slack stays basic too.) An
// artificial that leaves the basis other than by reaching zero (a failed basis
// change put back as a superbasic) enters it again while positive, as a free
// slack does in phase 2: phase 1 then descends on the structurals instead of
// moving a structural basic along its row; one that a basis repair took out or
// pricing released from zero moves as a superbasic for the rest of the phase.
// A positive minimum stops with Infeasible (Result.Ninf rows, Result.SumInf); a
// zero one fixes the artificials at zero and continues with phase 2.
//
// Phase 1 is composite by default (Settings.Phase1ObjectiveWeight, as MINOS's
// weighted phase 1): it minimises Σ a_i + w·f, w small against the ratio of the
// two objectives' reduced gradients at the start, so that f decides between
// columns that reduce the infeasibility alike. w falls tenfold when Σ a_i rises,
// stalls or stops short of zero, and is zero after three falls and at the first
// feasible point, from which plain phase 1 hands over to phase 2.
//
// Phase 2 (and 1). Each iteration prices with y = B⁻ᵀ∇f_B and the reduced
// gradient r = ∇f_N - Nᵀy. A nonbasic variable whose reduced gradient points
// into its bounds is released to the superbasics once the superbasics' own
// reduced gradient is small against it (Dantzig's choice, Bland's after many
// degenerate steps); a slack of a row whose coefficients are below 1 is
// measured by its multiplier times the row's largest coefficient, what it adds
// to the structurals' reduced gradients. The search direction on the superbasics is L-BFGS on the
// reduced gradient (steepest descent with Settings.Memory < 0; the first step
// after a reset is the Barzilai–Borwein step), and the basics move along the
// tangent dB = -B⁻¹·N_S·d_S. A ratio test bounds the step; the line search
// (Armijo backtracking, quadratic interpolation, extrapolation while the
// objective falls linearly) restores feasibility at every trial point by
// Newton iterations on the basics with B held (a chord method), refactored at
// the trial point when the residual stalls; a ValueEvaluator is asked for values
// alone there, and for the derivatives once a point is accepted. Where Newton
// stalls with every residual within four units of round-off of its row's terms
// (Σ|J_ij·x_j|), the point counts as restored: rows of terms near 1e9 compute
// to no better than 1e-7, above FeasibilityTolerance. A basic
// variable that would leave
// its bounds is interpolated back onto the bound and pivoted out; it is
// replaced by the superbasic with the largest pivot |(B⁻¹a_q)_p| (sparselu's
// Update; a refactor when the Jacobian has changed or the eta file is long).
// The path is projected: past the first superbasic's bound the line search goes
// on with that superbasic held there, up to the basics' limit, so one step can
// put many superbasics on their bounds, the sufficient decrease then measured
// against the reduced gradient times the actual move. A superbasic that reaches
// a bound becomes nonbasic there, and the L-BFGS pairs stay, restricted to the
// remaining superbasics; a basis change resets them. The method stops on a
// reduced gradient below Settings.OptimalityTolerance (Optimal), an objective
// below -Settings.UnboundedObjective along a ray (Unbounded), or the iteration
// limit.
//
// In phase 2 a superbasic slack (or other constant column singleton) that has
// moved off its bound enters the basis at the next iteration, in place of the
// structural basic variable with the largest pivot, which becomes superbasic: a
// superbasic slack makes its row's activity a coordinate, and where the row
// bounds the objective itself (HS101's f ≤ 3000) the reduced objective is that
// slack alone, minimised where the basis turns singular.
//
// A basic variable's limit in the ratio test comes from the tangent; where the
// rows curve the line search extrapolates past it (up to the superbasics' own
// limit) while the restored variable stays clear of its bound, and a trial point
// whose restoration jumped to another branch of the rows counts as a failed
// one. A basic variable whose tangent is 1e4 times the superbasics' step (a
// column losing its pivot) is exchanged for a superbasic (basis repair, at most
// 100 a solve), and in phase 2, after three line searches in a row whose first
// trial restoration could not bring back, one whose tangent merely exceeds that
// step (a basic approaching a fold of its row, where Newton has nothing to solve
// for); in phase 1 an artificial stays basic. A column singleton is
// measured against its row's other moves instead, and one with a constant entry
// (a slack, Settings.ConstantColumns) is never repaired; the crash takes those
// first, and in phase 1 a free one is its row's basic variable in place of an
// artificial. When restoration fails after a step's basis change, or the move
// of the leaving variable onto its bound, once restored, leaves the objective
// above the iteration's start (two variables could then take turns without
// end) or another basic variable past its bound, the method goes back to the
// accepted point with the leaving variable superbasic.
//
// The final multipliers get up to two steps of iterative refinement (each kept
// only when it lowers the residual of Bᵀy = g_B): an ill-conditioned basis
// leaves them inaccurate, and the caller's optimality check reads their error
// as stationarity violated.
//
// Phase 2 stops (NumericalFailure, for the caller's optimality check of the
// stated problem to judge) after 50 iterations that lower neither the objective
// beyond its rounding nor RGmax, once the smallest RGmax times the largest |x| is
// within 1e-6 of |f|: the absolute tolerance is then out of the objective's
// precision, and further steps only wander in its rounding. It stops at an
// iteration whose RGmax is within ten times the smallest, waiting up to ten
// more for one.
//
// # Second order
//
// A HessianProblem gives products with the Hessian of the Lagrangian
// σf - yᵀc; without one, Settings.HessianDifferences allows central differences
// of its gradient instead (two evaluations a product). Products with the reduced
// Hessian ZᵀHZ over the superbasics follow from one product and two solves with
// the basis. They serve twice:
//
//   - Before a point with a small reduced gradient is reported Optimal (or
//     phase 1 Infeasible), and when a line search fails, the reduced Hessian over
//     the superbasics and the nonbasics with a zero reduced gradient (at most 60)
//     is formed; a negative eigenvalue means a saddle, and the method moves along
//     its eigenvector (into the nonbasics' bounds, downhill, in phase 1 downhill
//     for the phase-2 objective), at most 10 times a solve, with a log line each.
//     Where no sign of the eigenvector moves every nonbasic inwards, those the
//     better sign moves outwards stay on their bounds and the search repeats
//     over the rest; where the sign that moves them inwards climbs at first
//     order, it repeats with them held first, that direction the fallback.
//     Where that finds nothing (or there are no Hessian
//     products), phase 2 probes the corner before Optimal: a short step that
//     releases the nonbasics with a zero reduced gradient (at most 24), each
//     alone and all together, the superbasics following the quadratic model's
//     minimiser when there is one; a decrease beyond 1e-10·(1+|f|) releases
//     them along that step (HS24's x2 = 0 under x2³, flat to second order).
//   - Settings.Direction NewtonCG takes phase 2's directions from Steihaug's
//     truncated conjugate gradients on ZᵀHZ·d = -r within a trust region on the
//     superbasics' step (CONOPT's phase 4), the region grown or shrunk by the
//     ratio of the objective's decrease to the model's; DirectionAuto, the
//     default, switches L-BFGS to Newton-CG when the superbasics' reduced
//     gradient has not fallen tenfold in 15 iterations (with at most 200
//     superbasics), and back for good if Newton-CG stalls as
//     well (its objective, too, falling by less than 1e-4 of itself in those
//     15 iterations), each with a log line.
//
// # Multipliers
//
// Result.Duals are y = B⁻ᵀ∇f_B at the final basis: y_i = ∂f*/∂ε_i for the
// perturbed row c_i(x) = ε_i. With WithSlacks the row c_i(x) ≤ 0 (≥ 0) gets the
// same meaning for c_i(x) ≤ ε_i, so y_i ≤ 0 (≥ 0) at a minimum; in an LP with
// rows A·x - b this is ∂f*/∂b, GAMS's marginal. Result.ReducedCosts are
// d = ∇f - Jᵀy, so ∇f = Jᵀy + d: d_j = 0 between bounds, ≥ 0 at a lower bound,
// ≤ 0 at an upper bound.
//
// # Plugging into nnopt
//
// nlpsolve.SolveGeneral (behind nnopt.Model.Solve) builds a Problem over the
// variables and rows that do not define a variable: the defining equations are
// eliminated by forward sweeps in Eval, a row that reads eliminated variables
// gets its Jacobian row from an adjoint sweep, and the defining rows' duals
// follow from one more adjoint sweep seeded with y.
//
// # Not yet
//
// No scaling, no Harris ratio test or bound shifting against degeneracy (beyond Bland's rule),
// no degenerate basic variables (on a bound) in the negative curvature search,
// dense work vectors of length
// n+m per iteration (pricing is O(nnz) per iteration). Time limits and
// interrupts come through Settings.Stop.
package grg
