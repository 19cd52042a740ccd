package nn_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/nn"
	"github.com/nnopt/nnopt/solvers/coin"
)

// reluMLP is a small ReLU network: 6 inputs, two hidden layers of 8, 3 outputs.
func reluMLP(rng *rand.Rand) *nn.Sequential {
	lin := func(in, out int) *nn.Linear {
		return &nn.Linear{In: in, Out: out, Weight: uniform(rng, in*out, 1/math.Sqrt(float64(in))), Bias: uniform(rng, out, 0.2)}
	}
	return &nn.Sequential{Layers: []nn.Layer{lin(6, 8), nn.ReLU{}, lin(8, 8), nn.ReLU{}, lin(8, 3)}}
}

// TestFormulateReLU: a ReLU network with fixed weights and an input box becomes a
// big-M MIP with binaries only for the neurons that can change sign; it starts at
// the network's forward pass, feasible; and with the input fixed, glpsol's MIP
// solution of the LP file nnopt writes is the network's output. With trainable
// weights ReLU is y = max(x, 0), without binaries.
func TestFormulateReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	net := reluMLP(rng)
	x0 := uniform(rng, 2*6, 1)
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(2, 6)...)
	if err := x.SetLevels(x0); err != nil {
		t.Fatal(err)
	}
	for k, v := range x0 {
		x.Lo[k], x.Up[k] = v-0.3, v+0.3
	}
	f, err := nn.Formulate(c, net, x, nn.FormulateSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Binaries) != 2 || f.Unstable == 0 || f.Unstable >= 2*2*8 {
		t.Errorf("%d binary blocks, %d unstable neurons of 32; want 2 blocks and some, not all, unstable", len(f.Binaries), f.Unstable)
	}
	want, err := net.Forward(x0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Output.L, want) {
		t.Errorf("initial output levels are not the network's forward pass")
	}
	m, err := c.NewModel("relu", nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.MIP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Residuals()
	if err != nil {
		t.Fatal(err)
	}
	for e, r := range res {
		for k, v := range r {
			if math.Abs(v) > 1e-9 && (e.Type == nnopt.EQ || (e.Type == nnopt.GE) == (v < 0)) {
				t.Errorf("the start point violates %s row %d by %g", e.Name(), k, v)
			}
		}
	}
	if _, err := glpk.Path(); err != nil {
		t.Skip(err)
	}
	copy(x.Lo, x0)
	copy(x.Up, x0)
	path := filepath.Join(t.TempDir(), "relu.lp")
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	sol, err := glpk.Solve(path, "--lp")
	if err != nil {
		t.Fatal(err)
	}
	if !sol.MIP || sol.Status != "o" {
		t.Fatalf("glpsol: MIP %v, status %q", sol.MIP, sol.Status)
	}
	out := f.Output
	for k, w := range want {
		name := fmt.Sprintf("%s(%d,%d)", out.Name(), k/3, k%3)
		if got, ok := sol.ColPrimal[name]; !ok || math.Abs(got-w) > 1e-7*math.Max(1, math.Abs(w)) {
			t.Errorf("%s = %g (found %v), want the network's %g", name, got, ok, w)
		}
	}

	// The same MIP through nnopt's Solve (Cbc, the default for MIP).
	if _, _, err := coin.LoadCbc(); err != nil {
		t.Logf("no Cbc: %v", err)
	} else {
		if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
			t.Fatal(err)
		}
		for k, w := range want {
			if math.Abs(out.L[k]-w) > 1e-7*math.Max(1, math.Abs(w)) {
				t.Errorf("Cbc: output %d = %g, want %g", k, out.L[k], w)
			}
		}
	}

	c2 := nnopt.NewContainer()
	p := c2.NewParameter("x", c2.Dims(2, 6)...)
	if err := p.SetValues(x0); err != nil {
		t.Fatal(err)
	}
	g, err := nn.Formulate(c2, net, p, nn.FormulateSettings{Weights: nn.TrainableWeights, ReLU: activation.ReLUMax})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Binaries) != 0 || !slices.Equal(g.Output.L, want) {
		t.Errorf("trainable: %d binary blocks, output at the forward pass %v", len(g.Binaries), slices.Equal(g.Output.L, want))
	}
}

// TestReLUVerifyCbc: the largest margin between two outputs of a ReLU network over
// an input box, a MIP: Cbc through Solve and glpsol on the LP file nnopt writes
// agree on it, and the input Cbc returns gives that margin in the network.
func TestReLUVerifyCbc(t *testing.T) {
	needCbc(t)
	net, c, x, f, _ := boxedReLU(t, 11, 0.2)
	m, err := c.NewModel("verify", nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.MIP, Sense: nnopt.Maximize,
		Objective: nnopt.Sub(f.Output.Elem("0", "0"), f.Output.Elem("0", "1"))})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal {
		t.Fatalf("Cbc: %v", m.Status)
	}
	y, err := net.Forward(x.L, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := y[0] - y[1]; math.Abs(got-m.ObjectiveValue) > 1e-6 {
		t.Errorf("the network gives margin %g at Cbc's input, Cbc %g", got, m.ObjectiveValue)
	}
	if _, err := glpk.Path(); err != nil {
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "verify.lp")
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	sol, err := glpk.Solve(path, "--lp")
	if err != nil {
		t.Fatal(err)
	}
	if sol.Status != "o" || math.Abs(sol.Objective-m.ObjectiveValue) > 1e-6*math.Max(1, math.Abs(sol.Objective)) {
		t.Errorf("glpsol: status %q, objective %g; Cbc %g", sol.Status, sol.Objective, m.ObjectiveValue)
	}
}

// needCbc skips without Cbc, unless $NNOPT_REQUIRE_COIN=1.
func needCbc(t *testing.T) {
	t.Helper()
	if _, _, err := coin.LoadCbc(); err != nil {
		if os.Getenv("NNOPT_REQUIRE_COIN") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// boxedReLU formulates reluMLP (from seed) with fixed weights on one sample x0,
// the input a variable over the box x0 ± radius.
func boxedReLU(t *testing.T, seed uint64, radius float64) (*nn.Sequential, *nnopt.Container, *nnopt.Variable, *nn.Formulation, []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	net := reluMLP(rng)
	x0 := uniform(rng, 6, 1)
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(1, 6)...)
	if err := x.SetLevels(x0); err != nil {
		t.Fatal(err)
	}
	for k, v := range x0 {
		x.Lo[k], x.Up[k] = v-radius, v+radius
	}
	f, err := nn.Formulate(c, net, x, nn.FormulateSettings{})
	if err != nil {
		t.Fatal(err)
	}
	return net, c, x, f, x0
}

// TestMaxPoolCbc: a CNN with ReLU and MaxPool2d and fixed weights, its input
// fixed, is a MIP (big-M binaries of both) that Cbc solves to the network's output.
func TestMaxPoolCbc(t *testing.T) {
	needCbc(t)
	rng := rand.New(rand.NewPCG(31, 32))
	net := &nn.Sequential{Layers: []nn.Layer{
		&nn.Conv2d{In: 1, Out: 2, Kernel: 3, Height: 6, Width: 6, Weight: uniform(rng, 18, 0.5), Bias: uniform(rng, 2, 0.5)},
		nn.ReLU{},
		&nn.MaxPool2d{Kernel: 2, Channels: 2, Height: 4, Width: 4},
		nn.Flatten{},
		&nn.Linear{In: 8, Out: 3, Weight: uniform(rng, 24, 0.5)},
	}}
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(2, 1, 6, 6)...)
	x.SetBounds(-1, 1)
	copy(x.L, uniform(rng, len(x.L), 1))
	f, err := nn.Formulate(c, net, x, nn.FormulateSettings{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := net.Forward(x.L, 2)
	if err != nil {
		t.Fatal(err)
	}
	copy(x.Lo, x.L)
	copy(x.Up, x.L)
	m, err := c.NewModel("pool", nnopt.ModelSpec{Equations: f.Equations, Problem: nnopt.MIP, Sense: nnopt.Feasibility})
	if err != nil {
		t.Fatal(err)
	}
	for k := range f.Output.L {
		f.Output.L[k] = 0 // the solver must find the output, not keep the start
	}
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal {
		t.Fatalf("Cbc: %v, %v", m.Status, m.SolveStatus)
	}
	for k, w := range want {
		if math.Abs(f.Output.L[k]-w) > 1e-7*math.Max(1, math.Abs(w)) {
			t.Errorf("output %d = %g, want the network's %g", k, f.Output.L[k], w)
		}
	}
}
