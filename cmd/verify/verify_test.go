package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nn"
	"github.com/nnopt/nnopt/solvers/coin"
)

// weightsFile is the committed network (bench/peers/train_relu.py).
var weightsFile = filepath.Join("..", "..", "testdata", "relu_mlp.safetensors")

func TestParseFlagsRejects(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing", "out.json")
	for _, tc := range []struct {
		args []string
		want string // a part of the error
	}{
		{[]string{"-eps", "-0.1"}, "-eps -0.1: want a finite radius"},
		{[]string{"-eps", "NaN"}, "-eps NaN: want a finite radius"},
		{[]string{"-eps", "Inf"}, "-eps +Inf: want a finite radius"},
		{[]string{"-images", "0"}, "-images 0: want at least 1"},
		{[]string{"-first", "-1"}, "-first -1: want an index"},
		{[]string{"-time-limit", "-1s"}, "-time-limit -1s: want 0"},
		{[]string{"-weights", ""}, "-weights: want a safetensors file"},
		{[]string{"-json", missing}, "-json " + missing + ": directory"},
		{[]string{"extra"}, `unexpected arguments ["extra"]`},
		{[]string{"-eps", "x"}, "usage"},
		{[]string{"-formulation", "max"}, "usage"},
		{[]string{"-formulation", "sos1", "-check-glpsol"}, "glpsol reads no SOS section"},
		{[]string{"-symbolic=false", "-tighten-lp=false"}, "leaves -tighten nothing to do"},
	} {
		_, err := parseFlags(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
	cfg, err := parseFlags([]string{"-eps", "0.05", "-images", "3", "-time-limit", "5s"}, io.Discard)
	if err != nil || cfg.set.Eps != 0.05 || cfg.images != 3 || cfg.set.TimeLimit != 5*time.Second || !cfg.set.Tighten || cfg.set.Optimize {
		t.Errorf("good flags: %+v, %v", cfg, err)
	}
	if cfg.set.NoSymbolic || cfg.set.NoLP {
		t.Errorf("default flags: symbolic bounds and LP tightening not both on: %+v", cfg.set)
	}
	cfg, err = parseFlags([]string{"-tighten=false", "-optimize"}, io.Discard)
	if err != nil || cfg.set.Tighten || !cfg.set.Optimize {
		t.Errorf("-tighten=false -optimize: %+v, %v", cfg, err)
	}
	for _, tc := range []struct {
		flag        string
		noSym, noLP bool
	}{{"-symbolic=false", true, false}, {"-tighten-lp=false", false, true}} {
		cfg, err = parseFlags([]string{tc.flag}, io.Discard)
		if err != nil || cfg.set.NoSymbolic != tc.noSym || cfg.set.NoLP != tc.noLP {
			t.Errorf("%s: %+v, %v", tc.flag, cfg.set, err)
		}
	}
	cfg, err = parseFlags([]string{"-formulation", "sos1"}, io.Discard)
	if err != nil || cfg.set.Formulation != activation.ReLUSOS1 {
		t.Errorf("-formulation sos1: %+v, %v", cfg, err)
	}
}

// TestFormulationSOS1: with -formulation sos1 (special ordered sets for Cbc, no
// binaries) an image's verdict and every class's largest margin are big-M's (the
// symbolic bounds off, since at eps 0.01 they prove every margin without a MIP).
func TestFormulationSOS1(t *testing.T) {
	if testing.Short() {
		t.Skip("two verifications of an image, 20-50 s")
	}
	_, _, dir := committed(t)
	needCbc(t)
	var runs []*summary
	for _, f := range []activation.ReLUFormulation{activation.ReLUBigM, activation.ReLUSOS1} {
		cfg := config{data: dir, weights: weightsFile, first: 0, images: 1, quiet: true,
			set: settings{Eps: 0.01, TimeLimit: 120 * time.Second, Mean: datasets.MNISTMean, Std: datasets.MNISTStd, Tighten: true, NoSymbolic: true, Optimize: true, Formulation: f}}
		s, err := run(context.Background(), cfg, io.Discard)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		runs = append(runs, s)
	}
	b, s := runs[0].Images[0], runs[1].Images[0]
	if b.Verdict != s.Verdict || len(b.Targets) != len(s.Targets) || runs[1].Formulation != "sos1" || runs[0].Formulation != "bigm" {
		t.Fatalf("big-M %s with %d MIPs, SOS1 %s with %d (formulations %q, %q)", b.Verdict, len(b.Targets), s.Verdict, len(s.Targets), runs[0].Formulation, runs[1].Formulation)
	}
	for k, tb := range b.Targets {
		ts := s.Targets[k]
		if tb.Class != ts.Class || tb.Status != ts.Status || math.Abs(float64(tb.Objective-ts.Objective)) > 1e-6*(1+math.Abs(float64(tb.Objective))) {
			t.Errorf("class %d: big-M %s %g, SOS1 class %d %s %g", tb.Class, tb.Status, tb.Objective, ts.Class, ts.Status, ts.Objective)
		}
	}
}

func TestReluNetwork(t *testing.T) {
	lin := func(out, in int) nn.Tensor {
		return nn.Tensor{DType: nn.F32, Shape: []int{out, in}, Data: make([]float64, out*in)}
	}
	vec := func(n int) nn.Tensor { return nn.Tensor{DType: nn.F32, Shape: []int{n}, Data: make([]float64, n)} }
	nan := lin(2, 4)
	nan.Data[3] = math.NaN()
	for _, tc := range []struct {
		name   string
		sd     map[string]nn.Tensor
		layers int    // of a good network
		want   string // a part of the error; "" for none
	}{
		{"two layers", map[string]nn.Tensor{"1.weight": lin(3, 4), "1.bias": vec(3), "3.weight": lin(2, 3), "3.bias": vec(2)}, 4, ""},
		{"no biases", map[string]nn.Tensor{"1.weight": lin(3, 4), "3.weight": lin(2, 3)}, 4, ""},
		{"one layer", map[string]nn.Tensor{"1.weight": lin(2, 4)}, 2, ""},
		{"cmd/train's cnn", map[string]nn.Tensor{"0.weight": {Shape: []int{2, 1, 5, 5}, Data: make([]float64, 50)}}, 0, `no key "1.weight"`},
		{"vector weight", map[string]nn.Tensor{"1.weight": vec(4)}, 0, `key "1.weight": shape [4]`},
		{"sizes do not chain", map[string]nn.Tensor{"1.weight": lin(3, 4), "3.weight": lin(2, 5)}, 0, `"3.weight"`},
		{"stray key", map[string]nn.Tensor{"1.weight": lin(3, 4), "2.weight": lin(3, 3)}, 0, `unexpected key "2.weight"`},
		{"NaN", map[string]nn.Tensor{"1.weight": nan}, 0, `tensor "1.weight" element 3 is NaN`},
	} {
		net, in, err := reluNetwork(tc.sd)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want == "" && (len(net.Layers) != tc.layers || in != 4):
			t.Errorf("%s: %d layers, input %d; want %d layers, input 4", tc.name, len(net.Layers), in, tc.layers)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// committed loads the committed network and the MNIST test set, skipping
// without MNIST.
func committed(t testing.TB) (*nn.Sequential, *datasets.Split, string) {
	t.Helper()
	dir := testdata.MNISTDir(t)
	sd, _, err := nn.LoadSafetensors(weightsFile)
	if err != nil {
		t.Fatal(err)
	}
	net, _, err := reluNetwork(sd)
	if err != nil {
		t.Fatal(err)
	}
	test, err := datasets.LoadSplit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return net, test, dir
}

// needCbc skips without Cbc, unless NNOPT_REQUIRE_COIN=1.
func needCbc(t testing.TB) {
	t.Helper()
	if _, _, err := coin.LoadCbc(); err != nil {
		if os.Getenv("NNOPT_REQUIRE_COIN") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// TestCommittedAccuracy: nn's float64 inference gives the committed network the
// accuracy train_relu.py printed (94.09% in float32), to an image or two.
func TestCommittedAccuracy(t *testing.T) {
	net, test, _ := committed(t)
	acc, err := net.Accuracy(test.Images.Batch(seq(test.Images.N), datasets.MNISTMean, datasets.MNISTStd), test.Labels, test.Images.N)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(acc-0.9409) > 2.5e-4 {
		t.Errorf("test accuracy %.4f, want train_relu.py's 0.9409", acc)
	}
}

// TestVerifyFirstImages runs the command on the first test images at two radii
// and checks every verdict: a counterexample lies in the box and inference
// classifies it otherwise; around a robust image, 200 random points, random
// corners and, per class, the corner the network's gradient at the image points
// to never change the class.
func TestVerifyFirstImages(t *testing.T) {
	net, test, dir := committed(t)
	needCbc(t)
	for _, tc := range []struct {
		eps           float64
		first, images int
		limit         time.Duration // per MIP
		tighten       bool
		optimize      bool
	}{
		{0.01, 0, 3, 60 * time.Second, false, true}, // robust, each margin maximised over interval bounds
		{0.01, 0, 1, 60 * time.Second, true, false}, // robust, decided over LP-tightened bounds
		// Images 7, 8 and 9 at 0.05 give a counterexample from a MIP, a
		// misclassified clean image and a gradient corner
		// (bench/results/2026-12-07-verify-relu-2.md).
		{0.05, 7, 3, 60 * time.Second, true, false},
	} {
		eps, images := tc.eps, tc.images
		if testing.Short() {
			images = 1
		}
		jsonOut := filepath.Join(t.TempDir(), "verify.json")
		cfg := config{data: dir, weights: weightsFile, jsonOut: jsonOut, first: tc.first, images: images, quiet: true, inputs: true,
			set: settings{Eps: eps, TimeLimit: tc.limit, Mean: datasets.MNISTMean, Std: datasets.MNISTStd, Tighten: tc.tighten, Optimize: tc.optimize}}
		var out strings.Builder
		s, err := run(context.Background(), cfg, &out)
		if err != nil {
			t.Fatalf("eps %g: %v", eps, err)
		}
		t.Logf("eps %g: %s", eps, strings.TrimSpace(out.String()))
		var back summary
		text, err := os.ReadFile(jsonOut)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(text, &back); err != nil {
			t.Fatalf("-json: %v", err)
		}
		if len(back.Images) != images || back.Counts.Robust+back.Counts.Counterexample+back.Counts.Unknown != images {
			t.Errorf("eps %g: -json has %d images, counts %+v; want %d", eps, len(back.Images), back.Counts, images)
		}
		v, err := newVerifier(net, test.Images.Size(), cfg.set)
		if err != nil {
			t.Fatal(err)
		}
		for k, r := range s.Images {
			if k += tc.first; r.Index != k || r.Label != int(test.Labels[k]) {
				t.Errorf("eps %g: verdict %d is of image %d label %d", eps, k, r.Index, r.Label)
			}
			x0, lo, up := v.box(test.Images.Image(k))
			switch r.Verdict {
			case Counterexample:
				checkCounterexample(t, net, r, lo, up, cfg.set)
				if r.Found == "MIP" {
					if tg := r.Targets[len(r.Targets)-1]; tg.Confirmed == nil || !*tg.Confirmed || !(tg.Objective > 0) {
						t.Errorf("eps %g image %d: a MIP counterexample from class %d's solve %+v", eps, k, tg.Class, tg)
					}
				}
			case Robust:
				if !(r.Bound < 0) || len(r.Targets) != 9 {
					t.Errorf("eps %g image %d: robust with bound %g over %d classes", eps, k, r.Bound, len(r.Targets))
				}
				checkSamples(t, net, r, x0, lo, up)
			case Unknown:
				for _, tg := range r.Targets {
					if tg.Confirmed != nil && *tg.Confirmed {
						t.Errorf("eps %g image %d: unknown, yet class %d's MIP input is a confirmed counterexample", eps, k, tg.Class)
					}
				}
				if r.Reason == "" {
					t.Errorf("eps %g image %d: unknown without a reason", eps, k)
				}
			default:
				t.Errorf("eps %g image %d: verdict %q", eps, k, r.Verdict)
			}
		}
	}
}

func checkCounterexample(t *testing.T, net *nn.Sequential, r verdict, lo, up []float64, set settings) {
	t.Helper()
	if r.Class == nil || *r.Class == r.Label || len(r.Input) != len(lo) {
		t.Errorf("image %d: counterexample with class %v, %d pixels", r.Index, r.Class, len(r.Input))
		return
	}
	x := make([]float64, len(r.Input))
	for i, p := range r.Input {
		x[i] = (p - set.Mean) / set.Std
		if x[i] < lo[i]-1e-12 || x[i] > up[i]+1e-12 {
			t.Errorf("image %d: counterexample pixel %d (%g) outside the box [%g, %g]", r.Index, i, x[i], lo[i], up[i])
			return
		}
	}
	p, err := net.Predict(x, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p[0] == r.Label || p[0] != *r.Class {
		t.Errorf("image %d label %d: inference classifies the counterexample %d, the verdict says %d", r.Index, r.Label, p[0], *r.Class)
	}
}

// checkSamples classifies points of a box the verdict calls robust.
func checkSamples(t *testing.T, net *nn.Sequential, r verdict, x0, lo, up []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(r.Index), 22))
	n := len(x0)
	var points [][]float64
	for k := range 300 {
		x := make([]float64, n)
		for i := range x {
			switch {
			case k < 200: // inside
				x[i] = lo[i] + rng.Float64()*(up[i]-lo[i])
			case rng.IntN(2) == 0: // a random corner
				x[i] = lo[i]
			default:
				x[i] = up[i]
			}
		}
		points = append(points, x)
	}
	for c := range 10 {
		if c == r.Label {
			continue
		}
		g := gradient(net, x0, c, r.Label)
		x := make([]float64, n)
		for i := range x {
			x[i] = lo[i]
			if g[i] > 0 {
				x[i] = up[i]
			}
		}
		points = append(points, x)
	}
	for k, x := range points {
		p, err := net.Predict(x, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p[0] != r.Label {
			t.Errorf("image %d: robust, yet sample %d of its box is classified %d, not %d", r.Index, k, p[0], r.Label)
			return
		}
	}
}

// TestMarginMIPMatchesGLPK: one image's margin MIP, written as an LP file and
// solved by glpsol, has Cbc's optimum.
func TestMarginMIPMatchesGLPK(t *testing.T) {
	net, test, _ := committed(t)
	needCbc(t)
	if _, err := glpk.Path(); err != nil {
		t.Skip(err)
	}
	set := settings{Eps: 0.02, TimeLimit: 60 * time.Second, Mean: datasets.MNISTMean, Std: datasets.MNISTStd}
	v, err := newVerifier(net, test.Images.Size(), set)
	if err != nil {
		t.Fatal(err)
	}
	const image = 0
	label := int(test.Labels[image])
	x0, lo, up := v.box(test.Images.Image(image))
	y, err := net.Forward(x0, 1)
	if err != nil {
		t.Fatal(err)
	}
	y[label] = math.Inf(-1)
	target := argmax(y) // the runner-up: the hardest class
	e, err := v.embed(context.Background(), x0, lo, up)
	if err != nil {
		t.Fatal(err)
	}
	if e.f.Unstable == 0 {
		t.Fatalf("no unstable ReLU at eps %g: the MIP has no binaries to check", set.Eps)
	}
	m, err := e.margin(target, label)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "margin.lp")
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if err := m.Solve(context.Background(), nnopt.Options{TimeLimit: set.TimeLimit}); err != nil {
		t.Fatal(err)
	}
	if m.Status != nnopt.StatusOptimal {
		t.Fatalf("Cbc: %v", m.Status)
	}
	sol, err := glpk.Solve(path, "--lp", "--tmlim", "120")
	if err != nil {
		t.Fatal(err)
	}
	if !sol.MIP || sol.Status != "o" {
		t.Fatalf("glpsol: MIP %v, status %q", sol.MIP, sol.Status)
	}
	if math.Abs(sol.Objective-m.ObjectiveValue) > 1e-6*math.Max(1, math.Abs(sol.Objective)) {
		t.Errorf("image %d class %d against %d, %d binaries: glpsol %.10g, Cbc %.10g", image, target, label, e.f.Unstable, sol.Objective, m.ObjectiveValue)
	}
	t.Logf("image %d class %d against %d, %d binaries: glpsol %.10g, Cbc %.10g", image, target, label, e.f.Unstable, sol.Objective, m.ObjectiveValue)
}

// TestVerifyRejectsBadFiles: a missing weights file or data directory, and a
// test set too short for -images, are errors naming the file or flag.
func TestVerifyRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	notNet := filepath.Join(dir, "cnn.safetensors")
	if err := nn.SaveSafetensors(notNet, map[string]nn.Tensor{"0.weight": {DType: nn.F32, Shape: []int{2, 1, 5, 5}, Data: make([]float64, 50)}}, nil); err != nil {
		t.Fatal(err)
	}
	set := settings{Eps: 0.01, Mean: datasets.MNISTMean, Std: datasets.MNISTStd}
	for _, tc := range []struct {
		name string
		cfg  config
		want string
	}{
		{"missing weights", config{weights: filepath.Join(dir, "none.safetensors"), data: dir, images: 1, set: set}, "none.safetensors"},
		{"not a ReLU MLP", config{weights: notNet, data: dir, images: 1, set: set}, notNet + `: no key "1.weight"`},
		{"no MNIST", config{weights: weightsFile, data: filepath.Join(dir, "nodata"), images: 1, set: set}, "nodata"},
	} {
		_, err := run(context.Background(), tc.cfg, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	_, _, mnist := committed(t)
	_, err := run(context.Background(), config{weights: weightsFile, data: mnist, first: 9999, images: 2, set: set}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-first 9999 -images 2: the test set") {
		t.Errorf("past the test set: error %v", err)
	}
}

// TestVerifyInterrupted: a cancelled run stops at once and says so.
func TestVerifyInterrupted(t *testing.T) {
	_, _, dir := committed(t)
	needCbc(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	jsonOut := filepath.Join(t.TempDir(), "verify.json")
	s, err := run(ctx, config{weights: weightsFile, data: dir, images: 3, jsonOut: jsonOut, quiet: true,
		set: settings{Eps: 0.01, Mean: datasets.MNISTMean, Std: datasets.MNISTStd}}, io.Discard)
	if !errors.Is(err, context.Canceled) || s == nil || !s.Interrupted || len(s.Images) != 1 || s.Images[0].Verdict != Unknown {
		t.Fatalf("cancelled: error %v, summary %+v", err, s)
	}
	if _, err := os.Stat(jsonOut); err != nil {
		t.Errorf("-json not written when interrupted: %v", err)
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestBox: the input box is [max(0, p-eps), min(1, p+eps)] per pixel, normalised.
func TestBox(t *testing.T) {
	const mean, std = 0.5, 0.25
	norm := func(p float64) float64 { return (p - mean) / std }
	for _, tc := range []struct {
		eps    float64
		pixel  uint8
		lo, up float64 // pixel units
	}{
		{0, 128, 128.0 / 255, 128.0 / 255},
		{0.1, 0, 0, 0.1},
		{0.1, 255, 0.9, 1},
		{0.1, 51, 0.1, 0.3},
		{2, 51, 0, 1},
	} {
		v := &verifier{set: settings{Eps: tc.eps, Mean: mean, Std: std}}
		x, lo, up := v.box([]uint8{tc.pixel})
		if math.Abs(x[0]-norm(float64(tc.pixel)/255)) > 1e-12 || math.Abs(lo[0]-norm(tc.lo)) > 1e-12 || math.Abs(up[0]-norm(tc.up)) > 1e-12 || lo[0] > x[0] || x[0] > up[0] {
			t.Errorf("eps %g pixel %d: x %g in [%g, %g]; want %g in [%g, %g]", tc.eps, tc.pixel, x[0], lo[0], up[0], norm(float64(tc.pixel)/255), norm(tc.lo), norm(tc.up))
		}
	}
}

// TestCheckGLPSOL: with -check-glpsol, glpsol, solving the MIPs from the LP
// files nnopt writes, agrees with every verdict: robust images (images 16 and 17
// at eps 0.01: no class has a margin above the cutoff), a gradient corner
// (18 at 0.01 and 9 at 0.05), a MIP counterexample (7 at 0.05) and a
// misclassified clean image (8 at 0.05). The time limit (Cbc's and glpsol's per
// MIP) is far above what the MIPs take, for loaded machines.
func TestCheckGLPSOL(t *testing.T) {
	_, _, dir := committed(t)
	needCbc(t)
	if _, err := glpk.Path(); err != nil {
		t.Skip(err)
	}
	for _, tc := range []struct {
		eps          float64
		first, count int
	}{{0.01, 16, 3}, {0.05, 7, 3}} {
		count := tc.count
		if testing.Short() {
			count = 1
		}
		cfg := config{data: dir, weights: weightsFile, first: tc.first, images: count, quiet: true,
			set: settings{Eps: tc.eps, TimeLimit: 300 * time.Second, Mean: datasets.MNISTMean, Std: datasets.MNISTStd, Tighten: true, CheckGLPSOL: true}}
		var out strings.Builder
		s, err := run(context.Background(), cfg, &out)
		if err != nil {
			t.Fatalf("eps %g: %v", tc.eps, err)
		}
		t.Logf("eps %g: %s", tc.eps, strings.TrimSpace(out.String()))
		if s.Counts.GLPSOLChecked != count || s.Counts.GLPSOLAgrees != count {
			t.Errorf("eps %g: glpsol checked %d and agrees on %d of %d images", tc.eps, s.Counts.GLPSOLChecked, s.Counts.GLPSOLAgrees, count)
		}
		for _, r := range s.Images {
			g := r.GLPSOL
			if g == nil {
				t.Errorf("eps %g image %d: no glpsol check", tc.eps, r.Index)
				continue
			}
			want := 9
			if r.Verdict == Counterexample {
				want = 1
			}
			if len(g.Classes) != want {
				t.Errorf("eps %g image %d (%s): glpsol checked %d classes, want %d", tc.eps, r.Index, r.Verdict, len(g.Classes), want)
			}
			for _, c := range g.Classes {
				if c.Status == "o" && (c.Prediction == nil || *c.Prediction == r.Label || !(c.Margin > 0)) {
					t.Errorf("eps %g image %d class %d: glpsol's solution has margin %g by inference", tc.eps, r.Index, c.Class, c.Margin)
				}
			}
		}
	}
}
