package refmodel

import "github.com/nnopt/nnopt/nlpsolve"

// Bytes per element of a reference model and its solve, so that a run too large
// for the machine can be refused before it is generated (cmd/train). The
// container's part is what nnopt stores: a variable's level, marginal, lower,
// upper and scale, an equation's level, marginal and scale, a parameter's
// value. The rest is the compiled instance and the solver's vectors (bounds,
// levels, scales, gradients, directions, the forward sweep's and the adjoint's
// buffers, the blocks' copies of their data) and was measured on the reference
// models' solves (peak heap, TestModelBytesMeasured), as its exact layout is
// the solver's business and changes with it.
const (
	variableBytes  = 5 * 8
	equationBytes  = 3 * 8
	parameterBytes = 8

	// solverDefinedBytes is the instance and solver cost of a variable that an
	// equation defines, with its row.
	solverDefinedBytes = 160
	// solverWeightBytes is the instance and solver cost of a variable the solver
	// moves (a weight), besides its L-BFGS pairs.
	solverWeightBytes = 230
	// blockParameterBytes is the equation blocks' copies of a parameter element.
	blockParameterBytes = 20
	// im2colCopies is how many unfolded copies of a convolution's input the
	// blocks keep (forward and adjoint).
	im2colCopies = 2
)

// lbfgsBytes is the L-BFGS memory per moved variable: memory pairs of two
// vectors (0: nlpsolve.DefaultMemory).
func lbfgsBytes(memory int) float64 {
	if memory <= 0 {
		memory = nlpsolve.DefaultMemory
	}
	return 2 * 8 * float64(memory)
}

// trainingBytes is the estimate for a model with the given element counts:
// weights the solver moves, defined variables (each with its equation), and
// parameter elements. The counts are float64 so that sizes far beyond any
// machine do not overflow.
func trainingBytes(weights, defined, params float64, memory int) float64 {
	return weights*(variableBytes+solverWeightBytes+lbfgsBytes(memory)) +
		defined*(variableBytes+equationBytes+solverDefinedBytes) +
		params*(parameterBytes+blockParameterBytes)
}

// MLPBytes estimates the bytes that building and solving NewMLP's model takes
// at its peak, for a batch of inputs of size in, hidden units, classes and the
// L-BFGS memory (0: the solver's default), with one-hot targets (NewMLPWith's
// TargetOneHot) counted. It is a sizing figure, within a factor of about 2 of
// the measured peak heap; the input batch the caller holds is not included.
func MLPBytes(batch, in, hidden, classes, memory int) float64 {
	b, i, h, k := float64(batch), float64(in), float64(hidden), float64(classes)
	weights := i*h + h*k
	defined := b*(2*h+2*k) + 1 // z2, a2, z3, log-softmax, loss
	params := b*i + b*k        // a1 and the one-hot targets
	return trainingBytes(weights, defined, params, memory)
}

// CNNBytes is MLPBytes for NewCNN's reference network on 28×28 images.
func CNNBytes(batch, memory int) float64 {
	b := float64(batch)
	const (
		weights = 2*1*25 + 2 + 3*2*25 + 3 + 10*3*16 + 10
		// conv, tanh, pool twice, then conv, flatten and log-softmax, per image.
		defined = 2*24*24*2 + 2*12*12 + 3*8*8*2 + 3*4*4 + 10*3
		// the unfolded inputs of the three convolutions, per image.
		im2col = 24*24*1*25 + 8*8*2*25 + 1*1*3*16
	)
	return trainingBytes(weights, b*defined+1, b*(28*28+10), memory) + b*im2colCopies*im2col*8
}
