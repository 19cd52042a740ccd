package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestXavierUniform(t *testing.T) {
	for _, test := range []struct {
		fanIn, fanOut int
		gain          float64
	}{
		{784, 20, 1},
		{20, 10, 5.0 / 3}, // PyTorch's recommended gain for tanh.
		{1, 1, 1},
		{3, 1000, 0.5},
		{10, 10, -2}, // The sign of the gain does not matter.
	} {
		a := math.Abs(test.gain) * math.Sqrt(6/float64(test.fanIn+test.fanOut))
		dst := make([]float64, test.fanIn*test.fanOut)
		if err := XavierUniform(rand.New(rand.NewPCG(1, 2)), test.fanIn, test.fanOut, test.gain, dst); err != nil {
			t.Fatalf("%d×%d: %v", test.fanIn, test.fanOut, err)
		}
		for i, v := range dst {
			if v < -a || v >= a {
				t.Errorf("%d×%d gain %v: dst[%d]=%v outside [%v, %v)", test.fanIn, test.fanOut, test.gain, i, v, -a, a)
				break
			}
		}
		// Deterministic for a seed, different for another seed.
		again := make([]float64, len(dst))
		XavierUniform(rand.New(rand.NewPCG(1, 2)), test.fanIn, test.fanOut, test.gain, again)
		if !slices.Equal(dst, again) {
			t.Errorf("%d×%d: same seed gave different values", test.fanIn, test.fanOut)
		}
		other := make([]float64, len(dst))
		XavierUniform(rand.New(rand.NewPCG(3, 4)), test.fanIn, test.fanOut, test.gain, other)
		if slices.Equal(dst, other) {
			t.Errorf("%d×%d: different seeds gave the same values", test.fanIn, test.fanOut)
		}
	}
}

func TestXavierUniformMoments(t *testing.T) {
	const fanIn, fanOut = 500, 400 // 200000 draws.
	gain := 5.0 / 3
	a := gain * math.Sqrt(6.0/(fanIn+fanOut))
	dst := make([]float64, fanIn*fanOut)
	if err := XavierUniform(rand.New(rand.NewPCG(42, 0)), fanIn, fanOut, gain, dst); err != nil {
		t.Fatal(err)
	}
	var mean, m2 float64
	for _, v := range dst {
		mean += v
	}
	mean /= float64(len(dst))
	for _, v := range dst {
		m2 += (v - mean) * (v - mean)
	}
	variance := m2 / float64(len(dst)-1)
	// The standard error of the mean is a/sqrt(3n) ≈ 0.0013a; of the
	// variance about 0.2% of a²/3.
	if math.Abs(mean) > 0.01*a {
		t.Errorf("mean = %v, want ≈ 0 (bound a = %v)", mean, a)
	}
	// Var U(-a, a) = a²/3 = gain²·2/(fanIn+fanOut), Glorot's target.
	if want := gain * gain * 2 / (fanIn + fanOut); math.Abs(variance-want) > 0.02*want {
		t.Errorf("variance = %v, want ≈ %v", variance, want)
	}
}

func TestInitErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, test := range []struct {
		name string
		err  error
	}{
		{"nil rng", XavierUniform(nil, 2, 2, 1, make([]float64, 4))},
		{"zero fanIn", XavierUniform(rng, 0, 2, 1, nil)},
		{"negative fanOut", XavierUniform(rng, 2, -2, 1, make([]float64, 4))},
		{"short dst", XavierUniform(rng, 2, 3, 1, make([]float64, 5))},
		{"long dst", XavierUniform(rng, 2, 3, 1, make([]float64, 7))},
		{"overflowing fans", XavierUniform(rng, math.MaxInt/2, 3, 1, make([]float64, 7))},
		{"NaN gain", XavierUniform(rng, 2, 2, math.NaN(), make([]float64, 4))},
		{"infinite gain", XavierUniform(rng, 2, 2, math.Inf(1), make([]float64, 4))},
		{"Uniform nil rng", Uniform(nil, 0, 1, make([]float64, 4))},
		{"Uniform reversed", Uniform(rng, 1, 0, make([]float64, 4))},
		{"Uniform NaN", Uniform(rng, math.NaN(), 0, make([]float64, 4))},
		{"Uniform infinite", Uniform(rng, 0, math.Inf(1), make([]float64, 4))},
	} {
		if test.err == nil {
			t.Errorf("%s: no error", test.name)
		}
	}
}

func TestUniform(t *testing.T) {
	dst := make([]float64, 10000)
	if err := Uniform(rand.New(rand.NewPCG(7, 7)), -3, 5, dst); err != nil {
		t.Fatal(err)
	}
	lo, hi := slices.Min(dst), slices.Max(dst)
	if lo < -3 || hi >= 5 || lo > -2.9 || hi < 4.9 {
		t.Errorf("values span [%v, %v], want to fill [-3, 5)", lo, hi)
	}
	if err := Uniform(rand.New(rand.NewPCG(7, 7)), 2, 2, dst); err != nil || slices.ContainsFunc(dst, func(v float64) bool { return v != 2 }) {
		t.Errorf("Uniform on [2, 2): err %v, want all values 2", err)
	}
}
