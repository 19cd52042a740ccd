// Package simplex is a bounded simplex method for linear programs
//
//	min cᵀx + c0  subject to  rlo ≤ A·x ≤ rup,  lo ≤ x ≤ up,
//
// with A sparse. It is the method nlpsolve's general method hands a problem to
// when every row it keeps is linear and the objective is linear: a pivot is then
// exact, and no feasibility restoration is needed between basis changes.
//
// # Method
//
// Every row i gets a logical column s_i with coefficient -1 (A·x - s = 0,
// rlo_i ≤ s_i ≤ rup_i), so the slack basis B = -I is always available; the
// structural columns start nonbasic at the bound nearer zero (free ones at zero).
// The rows and columns are scaled (geometric-mean passes, then column
// equilibration, in powers of two) unless Settings says otherwise, and everything
// reported is unscaled. The basis factorization is nlpsolve/sparselu: a Markowitz
// LU, product-form updates from the column already solved for (UpdateSolved), and
// a refactorization when sparselu asks for one, after which the basic values and
// reduced costs are recomputed from scratch. A singular basis has its dependent
// columns replaced by the logicals of the rows left without a pivot.
//
// Dual simplex first. When the starting basis is dual feasible (every nonbasic
// reduced cost has the sign of an optimum, once boxed columns sit at the bound
// their cost prefers), as the slack basis of an LP with non-negative costs on
// lower-bounded columns is, the dual simplex method removes the primal
// infeasibilities one leaving row at a time (dual steepest edge: the largest
// violation²/‖e_rᵀB⁻¹‖² leaves, the weights exact from the slack basis and
// updated with one more FTRAN; a bound-flipping ratio test on the pivot row
// flips boxed columns to their other bound while the dual objective still rises
// past their breakpoints, and a Harris two-pass test among the rest chooses the
// entering column: a knapsack-like LP that starts with every column flipped
// takes 57 iterations, 229 without it) and
// needs no phase 1. It hands over to the primal method when the basis is primal
// feasible (which then only confirms optimality), when no column can enter (the
// primal phase 1 then decides infeasibility), or when its objective stalls.
//
// Primal simplex. Otherwise a triangular crash basis (Bixby's, on the equality
// rows: structural columns replace their fixed logicals where a stable pivot keeps
// the basis triangular) replaces the slack basis, and the primal method starts from
// it. Each iteration prices the nonbasic columns by projected steepest edge (the
// largest d_j²/γ_j among the reduced costs pointing into the columns' bounds, γ_j
// the squared norm of the edge direction over the reference framework of the
// phase's starting nonbasics), computes the entering column B⁻¹a_q (FTRAN) and the
// pivot row e_rᵀB⁻¹N (BTRAN, then the rows of A that the row's nonzeros select),
// and updates the weights exactly (one more BTRAN) and, in phase 2, the reduced
// costs from the pivot row. Phase 1 minimises the sum of the
// basics' bound violations with a long-step ratio test: along the entering
// direction that sum is piecewise linear and convex, and the step goes to the
// breakpoint where its slope turns non-negative, passing bounds on the way. Phase
// 2 minimises cᵀx with a two-pass Harris ratio test. An entering column that
// reaches its own other bound first flips bound without a basis change.
//
// Degeneracy. After 20 consecutive degenerate iterations the bounds of the basic
// variables are widened by small random amounts (relative to their size; the
// nonbasics stay where they are, so no infeasibility is made), which breaks the
// ties that make a degenerate vertex cycle or stall (Beale's example is in the
// tests); once the
// perturbed problem is solved the stated bounds are restored, the basics
// recomputed, and the iterations continue to an optimum of the problem as stated.
// A stall guard stops with Stalled, and says so in the log with the phase and the
// objective it stalled at, if a phase's objective does not improve for
// 2000 + 2·(N+M) iterations.
//
// # Multipliers
//
// Result.Duals are y = B⁻ᵀc_B: y_i = ∂f*/∂b_i for the row bound b_i that is
// active (nlpsolve/grg's convention: y_i ≤ 0 for an active upper bound and ≥ 0 for
// an active lower bound at a minimum), and Result.ReducedCosts are d = c - Aᵀy,
// ≥ 0 at a lower bound and ≤ 0 at an upper bound. After Infeasible they are those
// of the phase-1 problem.
//
// # Not yet
//
// No crash for the dual method beyond trying the primal method's crash basis (kept
// when it is dual feasible, else the slack basis), no dual phase 1 (cost
// shifting), no
// Forrest–Tomlin update (product form, refactored every 100 updates or when the eta
// file outgrows the factors), and dense work vectors of length N+M.
package simplex
