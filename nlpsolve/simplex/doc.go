// Package simplex is a bounded primal simplex method for linear programs
//
//	min cᵀx  subject to  rlo ≤ A·x ≤ rup,  lo ≤ x ≤ up,
//
// with A sparse. It is the method nlpsolve's general method hands a problem to
// when every row it keeps is linear and the objective is linear: a pivot is then
// exact, and no feasibility restoration is needed between basis changes.
//
// # Method
//
// Every row i gets a logical column s_i with coefficient -1 (A·x - s = 0,
// rlo_i ≤ s_i ≤ rup_i), so the slack basis B = -I is always available. The rows
// and columns are scaled (geometric mean passes, then column equilibration, in
// powers of two) before the solve and everything reported is unscaled.
//
// Each iteration computes the duals y = B⁻ᵀc_B (BTRAN) and the reduced costs
// d = c - Aᵀy of the nonbasic columns, chooses the entering column by devex
// pricing (the largest d_j²/w_j among the columns whose reduced cost points into
// their bounds), computes its column B⁻¹a_q (FTRAN) and takes the step of a
// two-pass Harris ratio test. When the entering column reaches its own opposite
// bound first, it flips bound without a basis change. The basis factorization is
// nlpsolve/sparselu: a Markowitz LU, product-form updates, and a refactorization
// when sparselu asks for it, after which the basic values are recomputed from the
// nonbasic ones.
//
// Phase 1 minimises the sum of the basic variables' bound violations (the costs
// of the basics are -1 below their lower bound, +1 above their upper bound, 0
// otherwise, and are recomputed every iteration), stepping at most to the point
// where the first infeasible basic reaches its bound; phase 2 minimises cᵀx.
//
// Against degeneracy (stalling, cycling) the bounds are perturbed by small
// random amounts at the start; when the perturbed problem is solved the original
// bounds are restored, the basic values recomputed, and the iterations continue
// (usually none, or a few) until the basis is optimal for the problem as stated.
// A stall guard stops with Stalled, naming the infeasibility it stalled at, if
// neither phase improves its objective over many iterations.
//
// # Multipliers
//
// Result.Duals are y with y_i = ∂f*/∂b_i for the row bound b_i that is active
// (the same sign convention as nlpsolve/grg: y_i ≤ 0 for an active upper bound
// and ≥ 0 for an active lower bound at a minimum); Result.ReducedCosts are
// d = c - Aᵀy, ≥ 0 at a lower bound and ≤ 0 at an upper bound. After Infeasible
// they are those of the phase-1 problem.
package simplex
