// Package backend is the small set of array operations that nnopt's equation blocks
// and its solver run on: memory, dense matrix products, element-wise maps with
// gathers and scatters, and reductions to a scalar. A block's sweeps are written once
// against Backend; the CPU backend (this package) is the reference, and package cuda
// runs the same operations on an NVIDIA GPU. Package backendtest checks any backend,
// op by op, against the CPU one.
//
// Operations are float64 throughout. They are issued in order and may run
// asynchronously on a device: only Download and Reduce wait for the results. A failed
// device operation does not stop the caller; the backend keeps the first error and
// reports it from Err, which a sweep checks once at its end.
package backend

import (
	"errors"
	"fmt"
)

// ErrUnavailable is wrapped by the errors of a backend that cannot run here: no
// device, no driver, a library missing.
var ErrUnavailable = errors.New("backend unavailable")

// A Vector is an array of float64 in a backend's memory. Only the backend that made
// it may use it.
type Vector interface {
	Len() int
}

// An Index is an array of int32 positions in a backend's memory: the gathers and
// scatters of Map. A negative position reads as 0 and writes nowhere (the padding of
// a convolution).
type Index interface {
	Len() int
}

// In is an argument of Map: element i reads V[At[i]], or V[i] when At is nil.
type In struct {
	V  Vector
	At Index
}

// Mode is how Map stores a result.
type Mode uint8

// Modes.
const (
	Set        Mode = iota // dst = value; positions of At must not repeat
	Accumulate             // dst += value; repeated positions accumulate
	KeepMax                // dst = max(dst, value); repeated positions take the largest
)

// Out is the destination of Map: element i goes to V[At[i]], or V[i] when At is nil,
// stored as Mode says.
type Out struct {
	V    Vector
	At   Index
	Mode Mode
}

// Backend runs the operations. Methods panic with a "backend:" message on a
// programming error (lengths that do not fit, a vector of another backend); a device
// failure is kept for Err instead.
type Backend interface {
	// Name names the backend and its device for logs: "cpu (openblas)", "cuda (NVIDIA H100 …)".
	Name() string
	// Err returns the first failure of an asynchronous operation, nil when none.
	Err() error

	// NewVector returns n zeros.
	NewVector(n int) Vector
	// NewIndex returns a copy of positions in the backend's memory.
	NewIndex(positions []int32) Index
	// Upload copies src into dst; the lengths must agree. The caller may reuse src
	// once it returns. Up to SmallUpload elements it need not wait for the device.
	Upload(dst Vector, src []float64)
	// Download copies src into dst, waiting for the operations before it.
	Download(dst []float64, src Vector)
	// Slice returns elements [from, to) of v as a vector sharing v's memory: a row of
	// a matrix, a segment of a packed vector, written and read in place.
	Slice(v Vector, from, to int) Vector

	// Gemm sets c = alpha·op(a)·op(b) + beta·c for row-major matrices, op(a) m×k and
	// op(b) k×n, transposed when ta or tb is set. With beta = 0, c is not read.
	Gemm(ta, tb bool, m, n, k int, alpha float64, a, b Vector, beta float64, c Vector)
	// Map computes op for i in [0, n) from the arguments and stores each result in out.
	// len(in) must be op.Code.Arity().
	Map(op Op, n int, out Out, in ...In)
	// Reduce returns the sum, the largest or the smallest of op's results over i in
	// [0, n), waiting for the operations before it. The largest of no elements is
	// -Inf, the smallest +Inf; either is NaN when a value is.
	Reduce(r Reduction, op Op, n int, in ...In) float64
	// ReduceAll stores in dst[i] the result of the reduction rs[i] describes,
	// waiting once for them all: the scalars a solver step needs cost one round
	// trip to a device, not one each. len(dst) must be len(rs).
	ReduceAll(dst []float64, rs ...Reducing)
}

// Reducing is one reduction of ReduceAll: the arguments of a Reduce call.
type Reducing struct {
	R  Reduction
	Op Op
	N  int
	In []In
}

// SmallUpload is the most elements an Upload may pass to a device with a kernel
// launch, queued like an operation, instead of waiting for the operations before it
// as a copy from pageable host memory does.
const SmallUpload = 64

// CheckReduceAll panics unless ReduceAll's dst fits rs, and each reduction's shapes
// fit: for other backends, so that they fail as the CPU one does.
func CheckReduceAll(dst []float64, rs []Reducing) {
	if len(dst) != len(rs) {
		panic(fmt.Sprintf("backend: ReduceAll of %d reductions into %d values", len(rs), len(dst)))
	}
	for _, r := range rs {
		if r.R > Smallest {
			panic(fmt.Sprintf("backend: unknown reduction %d", r.R))
		}
		check(r.Op, r.N, Out{}, r.In)
	}
}

// Reduction is how Reduce combines the values.
type Reduction uint8

// Reductions.
const (
	Sum Reduction = iota
	Largest
	Smallest
)

// Reductions lists every reduction, for suites that check them all.
func Reductions() []Reduction { return []Reduction{Sum, Largest, Smallest} }

// Op is what Map computes per element: a code, the function of the function codes,
// and a parameter.
type Op struct {
	Code Code
	Fn   Func    // for FuncValue, FuncTangent, FuncCurvature
	P    float64 // Const's value, Scale's factor, the exponent of Power
}

// Code names an element-wise formula over the arguments a0, a1, ….
type Code uint8

// Codes. The comment gives the formula; p is Op.P, f, f′ and f″ are Op.Fn and its
// derivatives.
const (
	Const         Code = iota // p
	Copy                      // a0
	Scale                     // p·a0
	Add                       // a0 + a1
	Sub                       // a0 - a1
	Mul                       // a0·a1
	Div                       // a0 / a1
	MulPair                   // a0·a1 + a2·a3 (the tangent of a product)
	DivTangent                // a0/a2 - a1·a3/a2² (the tangent of a1/a2 along a0, a3)
	DivAdjoint                // -a0·a1/a2² (the adjoint of a1/a2's denominator)
	DivCurvature              // -(a0·a1 + a2·a3)/a4² + 2·a2·a1·a5/a4³ (its tangent)
	FuncValue                 // f(a0)
	FuncTangent               // f′·a2 at x = a0 with f(x) = a1
	FuncCurvature             // f″·a2·a3 + f′·a4 at x = a0 with f(x) = a1
	ExpDiff                   // exp(a0 - a1)
	AddLog                    // a0 + log(a1)
	SoftCurvature             // a0·a1 + a2·a0·(a3 - a4) (log-sum-exp's second-order adjoint)
	Violation                 // max(a1 - a0, a0 - a2): how far a0 lies outside [a1, a2]
	Axpy                      // a0 + p·a1
	Magnitude                 // |a0|
	Pick                      // a2 where a0 ≥ a1, else a3 (max, min and their derivatives)
	// ProjGrad is a0, or 0 where a1 sits at a bound of [a2, a3] and a step along −a0
	// would leave the box: the projected gradient.
	ProjGrad
	// HoldAtBound is a0, or 0 where a1 = 0 and a2 sits at a bound of [a3, a4] that a0
	// points out of: a search direction with its blocked elements held.
	HoldAtBound
	// BoundStep is the step along p·a1 from a0 to the boundary of [a2, a3]:
	// (a3 − a0)/(p·a1) when p·a1 > 0 and a3 is finite, (a2 − a0)/(p·a1) when p·a1 < 0
	// and a2 is finite, +Inf otherwise.
	BoundStep
	numCodes
)

var arity = [numCodes]int{
	Const: 0, Copy: 1, Scale: 1, Add: 2, Sub: 2, Mul: 2, Div: 2, MulPair: 4,
	DivTangent: 4, DivAdjoint: 3, DivCurvature: 6, FuncValue: 1, FuncTangent: 3,
	FuncCurvature: 5, ExpDiff: 2, AddLog: 2, SoftCurvature: 5, Violation: 3,
	Axpy: 2, Magnitude: 1, Pick: 4, ProjGrad: 4, HoldAtBound: 5, BoundStep: 4,
}

var codeNames = [numCodes]string{
	"Const", "Copy", "Scale", "Add", "Sub", "Mul", "Div", "MulPair", "DivTangent",
	"DivAdjoint", "DivCurvature", "FuncValue", "FuncTangent", "FuncCurvature",
	"ExpDiff", "AddLog", "SoftCurvature", "Violation", "Axpy", "Magnitude", "Pick",
	"ProjGrad", "HoldAtBound", "BoundStep",
}

// Arity is the number of arguments the formula reads.
func (c Code) Arity() int {
	if c >= numCodes {
		return -1
	}
	return arity[c]
}

func (c Code) String() string {
	if c >= numCodes {
		return fmt.Sprintf("Code(%d)", uint8(c))
	}
	return codeNames[c]
}

// Codes lists every code, for suites that check them all.
func Codes() []Code {
	out := make([]Code, numCodes)
	for i := range out {
		out[i] = Code(i)
	}
	return out
}

// Func is a scalar function of one variable with its first two derivatives.
type Func uint8

// Functions.
const (
	Tanh Func = iota
	Sigmoid
	Exp
	Log
	Sqrt
	Sqr
	Power // x^p
	Sin
	Cos
	// Abs is |x|; its derivative at 0 is the right-hand one, 1.
	Abs
	Erf // the error function; Φ(x) = (1 + erf(x/√2))/2 is the normal distribution
	// Softplus is log(1 + e^x), evaluated as max(x, 0) + log1p(e^-|x|) so that
	// it neither overflows nor loses digits; its derivative is the sigmoid.
	Softplus
	numFuncs
)

var funcNames = [numFuncs]string{"Tanh", "Sigmoid", "Exp", "Log", "Sqrt", "Sqr", "Power", "Sin", "Cos", "Abs", "Erf", "Softplus"}

func (f Func) String() string {
	if f >= numFuncs {
		return fmt.Sprintf("Func(%d)", uint8(f))
	}
	return funcNames[f]
}

// Funcs lists every function.
func Funcs() []Func {
	out := make([]Func, numFuncs)
	for i := range out {
		out[i] = Func(i)
	}
	return out
}

// check panics unless the call's shapes fit; backends call it first.
func check(op Op, n int, out Out, in []In) {
	if op.Code >= numCodes {
		panic(fmt.Sprintf("backend: unknown code %d", op.Code))
	}
	if (op.Code == FuncValue || op.Code == FuncTangent || op.Code == FuncCurvature) && op.Fn >= numFuncs {
		panic(fmt.Sprintf("backend: unknown function %d", op.Fn))
	}
	if len(in) != arity[op.Code] {
		panic(fmt.Sprintf("backend: %v takes %d arguments, got %d", op.Code, arity[op.Code], len(in)))
	}
	if out.V != nil {
		if out.At != nil && out.At.Len() < n || out.At == nil && out.V.Len() < n {
			panic(fmt.Sprintf("backend: %v over %d elements into a destination of %d", op.Code, n, out.V.Len()))
		}
	}
	for k, a := range in {
		if a.At != nil && a.At.Len() < n || a.At == nil && a.V.Len() < n {
			panic(fmt.Sprintf("backend: %v over %d elements: argument %d holds %d", op.Code, n, k, a.V.Len()))
		}
	}
}

// CheckMap panics unless a Map or Reduce call's shapes fit (out.V nil for Reduce):
// for other backends, so that they fail as the CPU one does.
func CheckMap(op Op, n int, out Out, in []In) { check(op, n, out, in) }

// CheckSlice panics unless [from, to) lies within a vector of n elements.
func CheckSlice(n, from, to int) {
	if from < 0 || to < from || to > n {
		panic(fmt.Sprintf("backend: Slice [%d, %d) of a vector of %d", from, to, n))
	}
}

// CheckGemm panics unless a Gemm call's shapes fit.
func CheckGemm(m, n, k int, a, b, c Vector) {
	if m < 0 || n < 0 || k < 0 || a.Len() < m*k || b.Len() < k*n || c.Len() < m*n {
		panic(fmt.Sprintf("backend: Gemm %d×%d×%d with operands of %d, %d and %d elements", m, n, k, a.Len(), b.Len(), c.Len()))
	}
}
