package engine

import (
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// Op is an operation of the algebra, as expressions and nodes both name it.
type Op uint8

// Operations.
const (
	OpConst     Op = iota
	OpRef          // a variable or parameter
	OpAdd          // a + b
	OpSub          // a - b
	OpMul          // a · b
	OpDiv          // a / b
	OpNeg          // -a
	OpFunc         // an element-wise function (Term.Fn; see Functions)
	OpSum          // a sum over bound indices
	OpWhere        // a restricted to a condition's members
	OpLogSumExp    // log Σ exp over bound indices
	OpKernel       // a multilinear Kernel
	OpMax          // the larger of a and b
	OpMin          // the smaller of a and b
	OpShift        // a read Shift positions along the axis Idx[0] (a lag or a lead)
	// OpContract is Σ_k a·b lowered to one matrix product (Node.Ctr). Terms never
	// hold it: the compiler makes it of a sum over a product.
	OpContract
	numOps
)

// NumOps is the number of operations: tables outside the engine that must cover
// every operation (the model file's encodings) test themselves against it.
const NumOps = int(numOps)

// The operation table. Every pass over terms or nodes (printing, the degree of the
// model-type checks, the statistics' index patterns, the affine coefficients that
// find defined variables, lowering, and the four sweeps) reads an operation's rule
// from its entry instead of switching on the operation, so an operation lives in one
// place: its constant above, its entry in ops, and its rules (op_*.go). An
// element-wise function is not an operation but an entry of Functions.

// layout is how an operation's output positions relate to its arguments': what
// lowering builds, and what Reach and the adjoint bookkeeping read.
type layout uint8

const (
	leaf        layout = iota // no arguments: a constant or a reference
	elementwise               // output i reads argument q at Gather[q][i]
	reduction                 // argument position j adds into output Reduce[j]
	contraction               // a matrix product (Ctr)
	kernelwise                // a Kernel's own pattern (Kern)
)

// opInfo is one operation's entry in the table.
type opInfo struct {
	layout layout
	// prec is the precedence of the printed form (sums 1, products 2, negation 3,
	// atoms 4); print writes the term, its arguments through writeTerm.
	prec  int
	print func(b *strings.Builder, t *Term)
	// degree is the term's degree in the variables and the term that gives it that
	// degree (see Classify); its arguments' degrees come from classify.
	degree func(t *Term) (Degree, *Term)
	// affine is the constant c with which argument i enters the term as c·arg, and
	// whether it does; nil: no argument does.
	affine func(t *Term, i int) (float64, bool)
	// patterns collects the term's variable references for the statistics.
	patterns func(w *statWalker, t *Term, scope map[*Axis]binding, masks []maskC, nonlin bool, intro *[]int) []occ
	// records are the records of t's result (sparse.go), nil for a dense result;
	// nil: always dense, an argument's missing records read as 0.
	records func(l *lowerer, t *Term, args []*Node, idx []*Axis) []int64
	// lower builds the node of t, whose arguments are lowered, over idx, and adds it.
	lower func(l *lowerer, n *Node, t *Term, idx []*Axis) error
	// The sweeps (eval.go): forward sets the value from the arguments' values,
	// tangent the directional derivative, pullback adds w pulled back to the
	// arguments' buffers adjOf picks, and backwardTangent adds the tangent of the
	// adjoint to the arguments' adjoint tangents; nil for a linear operation, whose
	// pullback serves both sweeps.
	forward         func(n *Node)
	tangent         func(n *Node)
	pullback        func(n *Node, w backend.Vector, adjOf func(*Node) backend.Vector)
	backwardTangent func(n *Node, w, wd backend.Vector)
}

// ops is the table, filled in init: its rules refer back to it.
var ops [numOps]opInfo

func init() {
	ops = [numOps]opInfo{
		OpConst: {layout: leaf, prec: 4, print: printConst, degree: constantDegree, patterns: noPatterns, lower: lowerConst},
		OpRef:   {layout: leaf, prec: 4, print: printRef, degree: refDegree, patterns: refPatterns, lower: lowerRef},
		OpAdd: {layout: elementwise, prec: 1, print: infix(" + ", 1, 1), degree: maxDegree, affine: addAffine, records: sumRecords,
			patterns: linearPatterns, lower: lowerElementwise,
			forward: binaryForward, tangent: addTangent, pullback: addPullback},
		OpSub: {layout: elementwise, prec: 1, print: infix(" - ", 1, 2), degree: maxDegree, affine: subAffine, records: sumRecords,
			patterns: linearPatterns, lower: lowerElementwise,
			forward: binaryForward, tangent: addTangent, pullback: addPullback},
		OpMul: {layout: elementwise, prec: 2, print: infix(" * ", 2, 2), degree: mulDegree, affine: mulAffine, records: productRecords,
			patterns: productPatterns, lower: lowerElementwise,
			forward: binaryForward, tangent: mulTangent, pullback: mulPullback, backwardTangent: mulBackwardTangent},
		OpDiv: {layout: elementwise, prec: 2, print: infix(" / ", 2, 3), degree: divDegree, records: firstRecords,
			patterns: productPatterns, lower: lowerElementwise,
			forward: binaryForward, tangent: divTangent, pullback: divPullback, backwardTangent: divBackwardTangent},
		OpNeg: {layout: elementwise, prec: 3, print: printNeg, degree: maxDegree, affine: negAffine, records: firstRecords,
			patterns: linearPatterns, lower: lowerElementwise,
			forward: negForward, tangent: negTangent, pullback: negPullback},
		OpFunc: {layout: elementwise, prec: 4, print: printFunc, degree: funcDegree,
			patterns: funcPatterns, lower: lowerElementwise,
			forward: funcForward, tangent: funcTangent, pullback: funcPullback, backwardTangent: funcBackwardTangent},
		OpSum: {layout: reduction, prec: 4, print: printReduction("sum"), degree: maxDegree, records: reductionRecords,
			patterns: reductionPatterns, lower: lowerReduction,
			forward: sumForward, tangent: sumTangent, pullback: sumPullback},
		OpWhere: {layout: elementwise, prec: 4, print: printWhere, degree: maxDegree, records: whereRecords,
			patterns: wherePatterns, lower: lowerWhere,
			forward: whereForward, tangent: whereTangent, pullback: wherePullback},
		OpLogSumExp: {layout: reduction, prec: 4, print: printReduction("logsumexp"), degree: logSumExpDegree,
			patterns: reductionPatterns, lower: lowerLogSumExp,
			forward: logSumExpForward, tangent: logSumExpTangent, pullback: logSumExpPullback, backwardTangent: logSumExpBackwardTangent},
		OpKernel: {layout: kernelwise, prec: 4, print: printKernel, degree: kernelDegree,
			patterns: kernelPatterns, lower: lowerKernel,
			forward: (*Node).kernelForward, tangent: (*Node).kernelTangent, pullback: kernelPullback, backwardTangent: kernelBackwardTangent},
		OpMax: {layout: elementwise, prec: 4, print: call("max"), degree: kinkDegree,
			patterns: kinkPatterns, lower: lowerElementwise,
			forward: pickForward, tangent: pickTangent, pullback: pickPullback},
		OpMin: {layout: elementwise, prec: 4, print: call("min"), degree: kinkDegree,
			patterns: kinkPatterns, lower: lowerElementwise,
			forward: pickForward, tangent: pickTangent, pullback: pickPullback},
		OpShift: {layout: elementwise, prec: 4, print: printShift, degree: maxDegree,
			patterns: shiftPatterns, lower: lowerShift,
			forward: shiftForward, tangent: shiftTangent, pullback: shiftPullback},
		OpContract: {layout: contraction, prec: 2,
			forward: contractForward, tangent: contractTangent, pullback: contractPullback, backwardTangent: contractBackwardTangent},
	}
}
