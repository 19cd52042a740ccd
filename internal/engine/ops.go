package engine

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
	OpFunc         // an element-wise function (Node.Fn)
	OpSum          // a sum over bound indices
	OpWhere        // a restricted to a condition's members
	OpLogSumExp    // log Σ exp over bound indices
	OpKernel       // a multilinear Kernel
)
