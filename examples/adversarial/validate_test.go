package main

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt/nn"
)

func TestFlagsRejectBadNumbers(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // "" for a command line that is accepted
	}{
		{nil, ""},
		{[]string{"-eps-max", "0.5", "-tol", "1e-300", "-iterlim", "0", "-gradtol", "1e-8"}, ""},
		{[]string{"-eps-max", "Inf"}, "-eps-max +Inf: want a finite radius above 0, in pixel units"},
		{[]string{"-eps-max", "NaN"}, "-eps-max NaN: want a finite radius above 0, in pixel units"},
		{[]string{"-eps-max", "-1"}, "-eps-max -1: want a finite radius above 0, in pixel units"},
		{[]string{"-eps-max", "0"}, "-eps-max 0: want a finite radius above 0, in pixel units"},
		{[]string{"-tol", "0"}, "-tol 0: want a finite tolerance above 0, in pixel units"},
		{[]string{"-tol", "-1e-3"}, "-tol -0.001: want a finite tolerance above 0, in pixel units"},
		{[]string{"-tol", "NaN"}, "-tol NaN: want a finite tolerance above 0, in pixel units"},
		{[]string{"-tol", "Inf"}, "-tol +Inf: want a finite tolerance above 0, in pixel units"},
		{[]string{"-iterlim", "-1"}, "-iterlim -1: want 0 (no limit) or a positive iteration limit"},
		{[]string{"-gradtol", "-1e-6"}, "-gradtol -1e-06: want a finite tolerance, 0 or above (0 for the solver's default)"},
		{[]string{"-gradtol", "NaN"}, "-gradtol NaN: want a finite tolerance, 0 or above (0 for the solver's default)"},
		{[]string{"-gradtol", "Inf"}, "-gradtol +Inf: want a finite tolerance, 0 or above (0 for the solver's default)"},
		{[]string{"extra"}, `unexpected arguments ["extra"]`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := parseFlags(tc.args, io.Discard)
			if tc.want == "" {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v,\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := parseFlags([]string{"-tol", "x"}, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("unparsable -tol: error %v, want errUsage", err)
	}
}

func TestSettingsRejectBadNormalisation(t *testing.T) {
	ok := settings{EpsMax: 1, Tol: 1e-3, Std: 1}
	if err := ok.validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mean, std float64
		want      string
	}{
		{math.NaN(), 1, "normalisation mean NaN: want a finite number"},
		{0, 0, "normalisation std 0: want a finite number above 0"},
		{0, math.Inf(1), "normalisation std +Inf: want a finite number above 0"},
	} {
		s := ok
		s.Mean, s.Std = tc.mean, tc.std
		if err := s.validate(); err == nil || err.Error() != tc.want {
			t.Errorf("mean %g, std %g: error %v, want %s", tc.mean, tc.std, err, tc.want)
		}
	}
}

// TestBisectIsBounded checks the bisection on a known threshold: it ends, never
// tries a radius twice, and says why it stopped short of a tolerance it cannot
// reach.
func TestBisectIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name      string
		threshold float64 // flips(eps) is eps >= threshold
		tol       float64
		calls     int    // the number of radii tried; -1 for at most maxHalvings
		stopped   string // a part of the reason; "" when tol is reached
	}{
		{"tolerance reached", 0.3, 1e-3, 10, ""},
		{"below the float64 resolution", 0.3, 1e-300, -1, "float64 resolution"},
		{"sixty halvings", 1e-200, 1e-300, maxHalvings, "after 60 halvings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tried := map[float64]bool{}
			lo, hi, stopped, err := bisect(context.Background(), 0, 1, tc.tol, func(eps float64) (bool, error) {
				if tried[eps] {
					t.Fatalf("radius %g tried twice", eps)
				}
				tried[eps] = true
				if len(tried) > maxHalvings {
					t.Fatalf("more than %d radii tried", maxHalvings)
				}
				return eps >= tc.threshold, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d radii, [%g, %g]: %q", len(tried), lo, hi, stopped)
			if tc.calls >= 0 && len(tried) != tc.calls {
				t.Errorf("%d radii tried, want %d", len(tried), tc.calls)
			}
			if !(lo < tc.threshold && tc.threshold <= hi) {
				t.Errorf("bracket [%g, %g] does not hold the threshold %g", lo, hi, tc.threshold)
			}
			switch {
			case tc.stopped == "" && (stopped != "" || hi-lo > tc.tol):
				t.Errorf("stopped %q with [%g, %g], want the bracket within tol %g", stopped, lo, hi, tc.tol)
			case !strings.Contains(stopped, tc.stopped):
				t.Errorf("stopped %q, want a reason containing %q", stopped, tc.stopped)
			}
		})
	}

	boom := errors.New("boom")
	if _, _, _, err := bisect(context.Background(), 0, 1, 1e-3, func(float64) (bool, error) { return false, boom }); err != boom {
		t.Errorf("a failing solve: error %v, want it returned", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := bisect(ctx, 0, 1, 1e-3, func(float64) (bool, error) { t.Error("solved after cancel"); return false, nil }); err != nil {
		t.Errorf("cancelled: error %v", err)
	}
}

// TestAttackWithTinyTolEnds runs the attack with a tolerance no float64 bracket can
// reach. It used to repeat the same solve until killed; the deadline turns that
// into a failure instead of a hang.
func TestAttackWithTinyTolEnds(t *testing.T) {
	net, image := randomNetwork(3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := attack(ctx, net, []int{16}, image, settings{EpsMax: 1, Tol: 1e-300, IterLimit: 200, Std: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the attack ran until the deadline: %d solves", len(res.Solves))
	}
	if res.Perturbed == nil {
		t.Fatal("no flip at eps-max 1; pick another seed")
	}
	seen := map[float64]bool{}
	for _, s := range res.Solves {
		if seen[s.Eps] {
			t.Errorf("radius %g solved twice", s.Eps)
		}
		seen[s.Eps] = true
	}
	if len(res.Solves) > 1+maxHalvings {
		t.Errorf("%d solves, want at most %d", len(res.Solves), 1+maxHalvings)
	}
	if res.Stopped == "" {
		t.Error("the bisection stopped short of -tol 1e-300 without saying so")
	}
	t.Logf("%d solves, eps %g: %s", len(res.Solves), res.Eps, res.Stopped)
}

// randomNetwork is a 16-6-4 tanh network with normal weights and an image in
// [0, 1]^16.
func randomNetwork(seed uint64) (*nn.Sequential, []float64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	w := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	net := &nn.Sequential{Layers: []nn.Layer{nn.Flatten{}, &nn.Linear{In: 16, Out: 6, Weight: w(96), Bias: w(6)}, nn.Tanh{}, &nn.Linear{In: 6, Out: 4, Weight: w(24)}, nn.LogSoftmax{}}}
	image := make([]float64, 16)
	for i := range image {
		image[i] = rng.Float64()
	}
	return net, image
}

func TestRunRejectsNonFiniteWeights(t *testing.T) {
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(i%7) / 10
		}
		return x
	}
	for _, tc := range []struct {
		key  string
		elem int
		v    float64
		want string
	}{
		{"1.weight", 37, math.NaN(), `tensor "1.weight" element 37 is NaN`},
		{"3.bias", 2, math.Inf(-1), `tensor "3.bias" element 2 is -Inf`},
	} {
		t.Run(tc.key, func(t *testing.T) {
			sd := map[string]nn.Tensor{
				"1.weight": {DType: nn.F64, Shape: []int{5, 784}, Data: fill(5 * 784)},
				"3.weight": {DType: nn.F64, Shape: []int{10, 5}, Data: fill(50)},
				"3.bias":   {DType: nn.F64, Shape: []int{10}, Data: fill(10)},
			}
			sd[tc.key].Data[tc.elem] = tc.v
			path := filepath.Join(t.TempDir(), "weights.safetensors")
			if err := nn.SaveSafetensors(path, sd, nil); err != nil {
				t.Fatal(err)
			}
			// No MNIST directory is needed: the weights fail before the data is read.
			cfg := config{data: filepath.Join(t.TempDir(), "no-mnist"), weights: path, image: -1, set: settings{EpsMax: 1, Tol: 1e-3, Std: 1}}
			_, err := run(context.Background(), cfg, io.Discard)
			if want := path + ": " + tc.want; err == nil || err.Error() != want {
				t.Errorf("error %v,\nwant %s", err, want)
			}
		})
	}
}

func TestAttackRejectsNonFiniteInput(t *testing.T) {
	set := settings{EpsMax: 1, Tol: 1e-3, Std: 1}
	net, image := randomNetwork(1)
	net.Layers[1].(*nn.Linear).Weight[5] = math.NaN()
	if _, err := attack(context.Background(), net, []int{16}, image, set); err == nil || err.Error() != `network: tensor "1.weight" element 5 is NaN` {
		t.Errorf("NaN weight: error %v", err)
	}
	net, image = randomNetwork(1)
	image[3] = math.Inf(1)
	if _, err := attack(context.Background(), net, []int{16}, image, set); err == nil || err.Error() != "image value 3 is +Inf; want a finite number" {
		t.Errorf("infinite pixel: error %v", err)
	}
	if _, err := attack(context.Background(), net, []int{16}, image, settings{EpsMax: math.Inf(1), Tol: 1e-3, Std: 1}); err == nil || !strings.HasPrefix(err.Error(), "-eps-max +Inf") {
		t.Errorf("infinite eps-max: error %v", err)
	}
}
