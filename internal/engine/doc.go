// Package engine is nnopt's tensor engine. The modelling layer (package nnopt)
// converts its expressions to Terms over Axes (term.go) when it generates a model;
// everything after that is here:
//
//   - the operation table (ops.go): one entry per operation with its rules for
//     printing, the degree of the model-type checks, the affine coefficients that
//     find defined variables, the statistics' index patterns, lowering and the four
//     sweeps; the rules live in op_*.go, the element-wise functions in op_func.go;
//   - lowering a Term to a Block of Nodes over whole tensors (lower.go), with a
//     memory budget checked before any buffer exists;
//   - the sweeps (eval.go, block.go): values, Jacobian-vector and vector-Jacobian
//     products, Hessian-vector products by forward-over-reverse differentiation, and
//     the direct sweeps of defining equations, written once against
//     backend.Backend, so that the same code runs on the CPU and on a GPU; kernels
//     (kernel.go); the host adapters that make a block an nlpsolve.Block (host.go);
//   - the analyses over Terms and blocks: statistics and Jacobian patterns from index
//     patterns (stats.go, pattern.go), the variable an equation defines (define.go),
//     the elements a block reads (reach.go), Classify and printing (degree.go,
//     print.go).
//
// It knows nothing of the modelling API's symbols: a Term refers to a Symbol, and a
// Symbol's Handle is whatever the modelling layer wants reported back.
package engine
