package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/cuda"
	"github.com/nnopt/nnopt/internal/cudaemu"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nn"
	"github.com/nnopt/nnopt/trace"
)

// python runs the PyTorch example; Debian's python3-torch installs torch for it.
const python = "/usr/bin/python3"

func defaults() config {
	return config{model: "mlp", batch: 500, hidden: 20, seed: 7, iterlim: 3, timelim: 60, bound: 5, method: "newton-cg", device: "auto", scale: "auto"}
}

func TestTrainWritesSummaryAndWeights(t *testing.T) {
	dir := t.TempDir()
	cfg := defaults()
	cfg.data = testdata.MNISTDir(t)
	cfg.out = filepath.Join(dir, "w.safetensors")
	cfg.jsonOut = filepath.Join(dir, "run.json")
	cfg.initOut = filepath.Join(dir, "init.safetensors")
	cfg.plot = filepath.Join(dir, "loss.png")
	cfg.traceOut = filepath.Join(dir, "runs.trc")
	cfg.solveTrace = filepath.Join(dir, "solve.csv")
	cfg.savePoint = filepath.Join(dir, "final.point")
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"30001 constraints and 45881 variables", "8130501 Jacobian elements, 260000 of which are nonlinear",
		"15000 elements on the diagonal", "122500 elements below the diagonal, and 25200 nonlinear variables",
		"Iter Phase   Ninf     Objective     RGmax      NSB   Step  InItr MX OK", "Model status        7 Feasible Solution",
		"Solve status        2 Iteration Interrupt", "Test accuracy"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	raw, err := os.ReadFile(cfg.jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"model", "device", "constraints", "variables", "jacobian_nonzeros", "nonlinear_jacobian_nonzeros", "model_status",
		"solve_status", "objective", "iterations", "generation_seconds", "solve_seconds", "batch_accuracy", "test_accuracy"} {
		if _, ok := s[k]; !ok {
			t.Errorf("JSON summary lacks %q", k)
		}
	}
	if s["constraints"].(float64) != 30001 || s["iterations"].(float64) != 3 || s["test_accuracy"].(float64) > 1 {
		t.Errorf("summary %v", s)
	}
	if png, err := os.ReadFile(cfg.plot); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("-plot %s: not a PNG (error %v)", cfg.plot, err)
	}
	tf, err := trace.ReadFile(cfg.traceOut)
	if err != nil {
		t.Fatal(err)
	}
	if len(tf.Records) != 1 || tf.Records[0].ModelStatus != 7 || tf.Records[0].SolverStatus != 2 || tf.Records[0].NumberOfEquations != 30001 {
		t.Errorf("-trace: records %+v, want one with model status 7, solve status 2, 30001 equations", tf.Records)
	}
	if csv, err := os.ReadFile(cfg.solveTrace); err != nil || !strings.Contains(string(csv), "1, S, 0,") || !strings.Contains(string(csv), ", E, 3,") {
		t.Errorf("-solvetrace: %q (error %v), want an S line and an E line at iteration 3", csv, err)
	}
	if pt, _, err := nn.LoadSafetensors(cfg.savePoint); err != nil || len(pt["w1.l"].Data) != 15680 || len(pt["w1.m"].Data) != 15680 {
		t.Errorf("-savepoint %s: %v, w1 levels %d", cfg.savePoint, err, len(pt["w1.l"].Data))
	}
	for _, f := range []string{cfg.out, cfg.initOut} {
		sd, _, err := nn.LoadSafetensors(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := sd["1.weight"].Shape; len(got) != 2 || got[0] != 20 || got[1] != 784 {
			t.Errorf("%s: 1.weight shape %v, want [20 784]", f, got)
		}
		if got := sd["3.weight"].Shape; len(got) != 2 || got[0] != 10 || got[1] != 20 {
			t.Errorf("%s: 3.weight shape %v, want [10 20]", f, got)
		}
	}
}

func TestTrainRejectsBadFlagsAndMissingData(t *testing.T) {
	t.Setenv("NNOPT_DATA", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	badOpt := filepath.Join(t.TempDir(), "nnopt.opt")
	if err := os.WriteFile(badOpt, []byte("* a typo\niteration limt 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit func(*config)
		want string
	}{
		{func(c *config) { c.model = "resnet" }, `-model "resnet": want mlp or cnn`},
		{func(c *config) { c.device = "tpu" }, `-device "tpu": want auto, cpu or cuda`},
		{func(c *config) { c.batch = 55 }, "multiple of 10"},
		{func(c *config) { c.method = "sgd" }, `-method "sgd"`},
		{func(c *config) { c.bound = -1 }, "-bound -1: want a positive bound, or 0 for none"},
		{func(c *config) { c.memory = -3 }, "-memory -3"},
		{func(c *config) { c.scale = "geometric" }, `-scale "geometric": want auto or user`},
		{func(c *config) { c.blas = "mkl" }, `-blas "mkl"`},
		{func(c *config) { c.plot = "loss.svg" }, "-plot loss.svg: the plot is a PNG"},
		{func(c *config) { c.optFile = badOpt }, `nnopt.opt:2: unknown option "iteration limt"; did you mean "iteration limit"?`},
		{func(c *config) {}, "-download"},
		{func(c *config) { c.data = filepath.Join(t.TempDir(), "none") }, "none"},
	} {
		cfg := defaults()
		tc.edit(&cfg)
		err := run(context.Background(), cfg, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to mention %q", err, tc.want)
		}
	}
}

// Without CUDA, -device cuda fails naming what is missing, and -device auto trains on
// the CPU saying why.
func TestTrainDeviceWithoutCUDA(t *testing.T) {
	if cuda.Probe() == nil {
		t.Skip("CUDA is usable here")
	}
	cfg := defaults()
	cfg.device = "cuda"
	err := run(context.Background(), cfg, &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "-device cuda: ") || !strings.Contains(err.Error(), "libcuda") {
		t.Errorf("-device cuda: err = %v, want it to name libcuda", err)
	}
	cfg = defaults()
	cfg.data = testdata.MNISTDir(t)
	cfg.iterlim = 1
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "device: cpu (auto: no CUDA: "); n != 1 {
		t.Errorf("-device auto printed the CPU fallback %d times, want once:\n%s", n, out.String())
	}
}

// With CUDA, -device cuda and -device auto train on the GPU, say so, and reach the
// CPU's objective. It skips without CUDA, unless NNOPT_REQUIRE_CUDA=1.
func TestTrainOnCUDA(t *testing.T) {
	if err := cuda.Probe(); err != nil {
		if os.Getenv("NNOPT_REQUIRE_CUDA") == "1" {
			t.Fatal(err)
		}
		t.Skip("no CUDA device: ", err)
	}
	objective := func(device string) (float64, string) {
		cfg := defaults()
		cfg.data = testdata.MNISTDir(t)
		cfg.device = device
		cfg.jsonOut = filepath.Join(t.TempDir(), "run.json")
		var out bytes.Buffer
		if err := run(context.Background(), cfg, &out); err != nil {
			t.Fatalf("-device %s: %v", device, err)
		}
		raw, err := os.ReadFile(cfg.jsonOut)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Objective float64 `json:"objective"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		return s.Objective, out.String()
	}
	want, _ := objective("cpu")
	for _, device := range []string{"cuda", "auto"} {
		got, out := objective(device)
		if !strings.Contains(out, "device: cuda (") {
			t.Errorf("-device %s does not say it runs on CUDA:\n%s", device, out)
		}
		if math.Abs(got-want) > 1e-8*math.Abs(want) {
			t.Errorf("-device %s: objective %.17g, the CPU's %.17g", device, got, want)
		}
	}
}

// TestTrainOnEmulatedCUDA runs TestTrainOnCUDA on cudaemu's device.
func TestTrainOnEmulatedCUDA(t *testing.T) {
	cudaemu.RerunOnDevice(t, "^TestTrainOnCUDA$")
}

// TestTrainDownload runs -download against a local mirror serving the shared files.
// The shared training files are a 10,000-image subset, so their checksums differ from
// the canonical ones: train must fail naming the file and leave no unverified file in
// the cache; a mirror that is down must fail naming the address.
func TestTrainDownload(t *testing.T) {
	dir := testdata.MNISTDir(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	t.Setenv("NNOPT_DATA", "")
	cacheRoot := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cacheRoot)
	t.Setenv("HOME", t.TempDir())
	cfg := defaults()
	cfg.download, cfg.mirror = true, srv.URL
	var out bytes.Buffer
	err := run(context.Background(), cfg, &out)
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") {
		t.Fatalf("error %v, want a checksum error naming train-images-idx3-ubyte.gz\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "downloading MNIST from "+srv.URL) {
		t.Errorf("output does not say where it downloads from:\n%s", out.String())
	}
	cache := filepath.Join(cacheRoot, "nnopt", "mnist")
	if _, err := os.Stat(filepath.Join(cache, "train-images-idx3-ubyte.gz")); !os.IsNotExist(err) {
		t.Errorf("the file that failed its checksum is in the cache (stat: %v)", err)
	}

	srv.Close()
	err = run(context.Background(), cfg, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("error %v, want one naming the unreachable mirror %s", err, srv.URL)
	}
}

// TestTrainCNN runs a few iterations of the reference CNN and, when PyTorch is
// installed, loads the weights with the example notebook script
// (load_state_dict(strict=True)) and compares its test accuracy with train's.
func TestTrainCNN(t *testing.T) {
	if testing.Short() {
		t.Skip("CNN iterations skipped in -short mode")
	}
	dir := t.TempDir()
	cfg := defaults()
	cfg.model = "cnn"
	cfg.iterlim = 2
	cfg.data = testdata.MNISTDir(t)
	cfg.out = filepath.Join(dir, "cnn.safetensors")
	cfg.jsonOut = filepath.Join(dir, "run.json")
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1527001 constraints and 1527696 variables", "28083501 Jacobian elements, 10802000 of which are nonlinear",
		"677000 elements on the diagonal", "5062500 elements below the diagonal, and 845630 nonlinear variables",
		"695 superbasic variables"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	sd, _, err := nn.LoadSafetensors(cfg.out)
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string][]int{"0.weight": {2, 1, 5, 5}, "0.bias": {2}, "3.weight": {3, 2, 5, 5}, "3.bias": {3}, "6.weight": {10, 3, 4, 4}, "6.bias": {10}}
	if len(sd) != len(shapes) {
		t.Errorf("weights file has %d tensors, want %d", len(sd), len(shapes))
	}
	for k, want := range shapes {
		if got := sd[k].Shape; !slices.Equal(got, want) {
			t.Errorf("%s: shape %v, want %v", k, got, want)
		}
	}
	raw, err := os.ReadFile(cfg.jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		TestAccuracy float64 `json:"test_accuracy"`
		Objective    float64 `json:"objective"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.Objective >= 1150 {
		t.Errorf("objective %g: no progress from the initial 1150", s.Objective)
	}

	if err := exec.Command(python, "-c", "import torch, numpy").Run(); err != nil {
		t.Skipf("python3 with torch not found (%s -c 'import torch, numpy': %v); apt-get install python3-torch python3-numpy", python, err)
	}
	torchJSON := filepath.Join(dir, "torch.json")
	cmd := exec.Command(python, "../../bench/peers/torch_load_cnn.py", "--weights", cfg.out, "--data", cfg.data, "--json", torchJSON)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("torch_load_cnn.py: %v\n%s", err, b)
	}
	raw, err = os.ReadFile(torchJSON)
	if err != nil {
		t.Fatal(err)
	}
	var ts struct {
		Correct int `json:"correct"`
		Total   int `json:"total"`
	}
	if err := json.Unmarshal(raw, &ts); err != nil {
		t.Fatal(err)
	}
	if want := int(math.Round(s.TestAccuracy * float64(ts.Total))); ts.Correct != want {
		t.Errorf("PyTorch classifies %d/%d test images correctly, train reported %d", ts.Correct, ts.Total, want)
	}
}

func TestTrainBatchesThroughFrozenModel(t *testing.T) {
	dir := t.TempDir()
	cfg := defaults()
	cfg.data = testdata.MNISTDir(t)
	cfg.batch, cfg.batches, cfg.batchIterlim, cfg.dev, cfg.patience = 100, 4, 3, 300, 2
	cfg.out = filepath.Join(dir, "w.safetensors")
	cfg.jsonOut = filepath.Join(dir, "run.json")
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"through one frozen model", "dev set the last 300", "batch   1/4 (epoch 1): loss", "after   3 iterations (Iteration Interrupt)",
		"Best batch", "Test accuracy"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	raw, err := os.ReadFile(cfg.jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		BatchesRun   int     `json:"batches_run"`
		BestBatch    int     `json:"best_batch"`
		DevAccuracy  float64 `json:"dev_accuracy"`
		TestAccuracy float64 `json:"test_accuracy"`
		PerBatch     []struct {
			Loss        float64 `json:"loss"`
			Iterations  int     `json:"iterations"`
			DevAccuracy float64 `json:"dev_accuracy"`
		} `json:"per_batch"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.BatchesRun != len(s.PerBatch) || s.BatchesRun < 3 || s.BestBatch < 1 || s.BestBatch > s.BatchesRun {
		t.Fatalf("summary %+v", s)
	}
	best := 0.0
	for _, b := range s.PerBatch {
		best = math.Max(best, b.DevAccuracy)
		if b.Iterations != 3 {
			t.Errorf("batch iterations %d, want the -batch-iterlim 3", b.Iterations)
		}
	}
	if s.DevAccuracy != best || s.PerBatch[s.BestBatch-1].DevAccuracy != best {
		t.Errorf("dev accuracy %g, best batch %d, but the batches' best is %g", s.DevAccuracy, s.BestBatch, best)
	}
	// The weights file holds the MLP's two weight tensors and says which batch's they are.
	w, meta, err := nn.LoadSafetensors(cfg.out)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 2 || meta["best_batch"] != fmt.Sprint(s.BestBatch) || s.TestAccuracy < 0.5 {
		t.Errorf("weights %d tensors, metadata %v, test accuracy %g", len(w), meta, s.TestAccuracy)
	}
	for _, bad := range []func(c *config){
		func(c *config) { c.dev = 9950 },
		func(c *config) { c.patience = -1 },
		func(c *config) { c.plot = filepath.Join(dir, "p.png") },
	} {
		c := cfg
		bad(&c)
		if err := run(context.Background(), c, &out); err == nil {
			t.Errorf("config %+v: no error", c)
		}
	}
}

// TestTrainOptionFileDotOptions scales the first layer's weights from an option
// file, and rejects a dot option on a variable the model does not have.
func TestTrainOptionFileDotOptions(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.opt")
	bad := filepath.Join(dir, "bad.opt")
	if err := os.WriteFile(good, []byte("scaling user\nw1.scale 0.125\niteration limit 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("w3.scale 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := defaults()
	cfg.data = testdata.MNISTDir(t)
	cfg.out = ""
	cfg.optFile = good
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "w1.scale 0.125") || !strings.Contains(out.String(), "Iteration Interrupt") {
		t.Errorf("the option file is not echoed or not applied:\n%s", out.String())
	}
	cfg.optFile = bad
	if err := run(context.Background(), cfg, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `bad.opt:1: w3.scale 2: model`) || !strings.Contains(err.Error(), `has no variable or equation "w3"`) {
		t.Errorf("error %v, want it to name bad.opt:1 and w3", err)
	}
}
