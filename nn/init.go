package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Uniform fills dst with values drawn independently and uniformly from
// [lo, hi) (all lo if lo == hi; lo > hi is an error), taking one value from rng per element in order, so that a
// seeded rng (for example rand.New(rand.NewPCG(seed1, seed2))) gives the
// same values on every run and platform.
func Uniform(rng *rand.Rand, lo, hi float64, dst []float64) error {
	if rng == nil {
		return errors.New("nn: Uniform: nil rng")
	}
	if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return fmt.Errorf("nn: Uniform: invalid range [%v, %v)", lo, hi)
	}
	for i := range dst {
		dst[i] = lo + (hi-lo)*rng.Float64()
	}
	return nil
}

// XavierUniform fills dst with the Glorot/Xavier uniform initialisation of
// a weight matrix with fanIn inputs and fanOut outputs: values drawn
// independently from U(-a, a) with a = gain*sqrt(6/(fanIn+fanOut)). This
// keeps the variance of activations and gradients roughly constant across
// layers, which matters for tanh and sigmoid networks. It is the same
// distribution as PyTorch's nn.init.xavier_uniform_ (but not the same
// random stream).
//
// dst must have length fanIn*fanOut. It is filled in order, one value from
// rng per element, and read as a row-major fanIn×fanOut matrix, entry (i, j)
// is dst[i*fanOut+j]. Because the values are independent and identically
// distributed over [-a, a), the same call also initialises a PyTorch-layout (fanOut×fanIn)
// Linear weight: XavierUniform(rng, l.In, l.Out, gain, l.Weight).
//
// A seeded rng (for example rand.New(rand.NewPCG(seed1, seed2))) gives the
// same values on every run and platform.
func XavierUniform(rng *rand.Rand, fanIn, fanOut int, gain float64, dst []float64) error {
	if rng == nil {
		return errors.New("nn: XavierUniform: nil rng")
	}
	if fanIn <= 0 || fanOut <= 0 {
		return fmt.Errorf("nn: XavierUniform: fanIn=%d and fanOut=%d must be positive", fanIn, fanOut)
	}
	if fanIn > math.MaxInt/fanOut || len(dst) != fanIn*fanOut {
		return fmt.Errorf("nn: XavierUniform: len(dst)=%d, want fanIn*fanOut=%d*%d", len(dst), fanIn, fanOut)
	}
	if math.IsNaN(gain) || math.IsInf(gain, 0) {
		return fmt.Errorf("nn: XavierUniform: gain %v is not finite", gain)
	}
	a := math.Abs(gain) * math.Sqrt(6/float64(fanIn+fanOut))
	return Uniform(rng, -a, a, dst)
}
