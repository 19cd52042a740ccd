// Package engine is nnopt's tensor engine: an equation block compiled to nodes over
// whole tensors, with the sweeps the solver needs (values, Jacobian-vector and
// vector-Jacobian products, Hessian-vector products by forward-over-reverse
// differentiation, the direct sweeps of defining equations) written once against
// backend.Backend, so that the same code runs on the CPU and on a GPU; the host
// adapters that make a block an nlpsolve.Block; kernels; and the reachability of a
// block's elements. It knows nothing of sets, symbols or expressions: the modelling
// layer (package nnopt) lowers an equation to nodes and hands them to NewBlock.
package engine
