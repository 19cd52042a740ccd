package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nn"
)

func defaults() config {
	return config{model: "mlp", batch: 500, hidden: 20, seed: 7, iterlim: 3, timelim: 60, bound: 5, method: "newton-cg", device: "auto"}
}

func TestTrainWritesSummaryAndWeights(t *testing.T) {
	dir := t.TempDir()
	cfg := defaults()
	cfg.data = testdata.MNISTDir(t)
	cfg.out = filepath.Join(dir, "w.safetensors")
	cfg.jsonOut = filepath.Join(dir, "run.json")
	cfg.initOut = filepath.Join(dir, "init.safetensors")
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
	for _, tc := range []struct {
		edit func(*config)
		want string
	}{
		{func(c *config) { c.model = "resnet" }, `-model "resnet"`},
		{func(c *config) { c.device = "cuda" }, "CUDA backend is not supported yet"},
		{func(c *config) { c.batch = 55 }, "multiple of 10"},
		{func(c *config) { c.method = "sgd" }, `-method "sgd"`},
		{func(c *config) { c.bound = -1 }, "-bound -1: want a positive bound, or 0 for none"},
		{func(c *config) { c.memory = -3 }, "-memory -3"},
		{func(c *config) { c.blas = "mkl" }, `-blas "mkl"`},
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
