package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/sysmem"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/nn"
)

// TestTrainReliability holds one regression test per defect of cmd/train's
// reliability issue; each failed before its fix.
func TestTrainReliability(t *testing.T) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T)
	}{
		{"rejects-before-loading", testRejectsBeforeLoading},
		{"memory-estimate", testMemoryEstimate},
		{"image-shapes", testImageShapes},
		{"interrupt-before-first-iteration", testInterruptBeforeFirstIteration},
		{"interrupted-only-when-stopped", testInterruptedOnlyWhenStopped},
		{"second-signal-exits", testSecondSignalExits},
		{"sigterm-writes-results", testSIGTERMWritesResults},
		{"every-write-failure-reported", testEveryWriteFailureReported},
		{"plot-without-iterations", testPlotWithoutIterations},
		{"batches-without-dev-set", testBatchesWithoutDevSet},
		{"batches-honour-scaling", testBatchesHonourScaling},
		{"json-non-finite", testJSONNonFinite},
	} {
		t.Run(tc.name, tc.test)
	}
}

// quick is a small, fast run on the shared test data.
func quick(t *testing.T) config {
	cfg := defaults()
	cfg.data = testdata.MNISTDir(t)
	cfg.batch, cfg.iterlim, cfg.method, cfg.out = 100, 3, "lbfgs", ""
	return cfg
}

// Bad settings and unwritable outputs fail before any data is loaded (the data
// directory does not exist), naming the flag.
func testRejectsBeforeLoading(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		edit func(*config)
		want []string
	}{
		{func(c *config) { c.timelim = math.NaN() }, []string{"-timelim NaN: want a number of seconds"}},
		{func(c *config) { c.timelim = -1 }, []string{"-timelim -1: want"}},
		{func(c *config) { c.timelim = math.Inf(1) }, []string{"-timelim +Inf: want"}},
		{func(c *config) { c.timelim = 1e300 }, []string{"-timelim 1e+300: want"}},
		{func(c *config) { c.memory = 100000000 }, []string{"-memory 100000000: want a number of curvature pairs in [1, 1000]"}},
		{func(c *config) { c.iterlim = -1 }, []string{"-iterlim -1: want"}},
		{func(c *config) { c.batches, c.batchIterlim = 2, math.MaxInt32+1 }, []string{"-batch-iterlim 2147483648: want"}},
		{func(c *config) { c.threads = -2 }, []string{"-threads -2: want"}},
		{func(c *config) { c.batches, c.savePoint = 2, filepath.Join(dir, "p") }, []string{"-savepoint is for the single-batch run"}},
		{func(c *config) { c.out = filepath.Join(missing, "w.safetensors") }, []string{"-out " + filepath.Join(missing, "w.safetensors") + ": directory " + missing + " does not exist"}},
		{func(c *config) { c.jsonOut = filepath.Join(missing, "r.json") }, []string{"-json "}},
		{func(c *config) { c.savePoint = filepath.Join(missing, "p") }, []string{"-savepoint "}},
		{func(c *config) { c.traceOut = filepath.Join(missing, "t.trc") }, []string{"-trace "}},
		{func(c *config) { c.solveTrace = filepath.Join(missing, "s.csv") }, []string{"-solvetrace "}},
		{func(c *config) { c.plot = filepath.Join(missing, "l.png") }, []string{"-plot "}},
		{func(c *config) { c.initOut = filepath.Join(missing, "i.safetensors") }, []string{"-init-out "}},
		{func(c *config) { c.cpuProfile = filepath.Join(missing, "cpu.prof") }, []string{"-cpuprofile "}},
		{func(c *config) { c.out = dir }, []string{"-out " + dir + ": is a directory"}},
		{func(c *config) { c.out, c.jsonOut = dir, filepath.Join(missing, "r.json") }, []string{"-out " + dir, "-json " + filepath.Join(missing, "r.json")}},
	} {
		cfg := defaults()
		cfg.data = filepath.Join(dir, "no-data")
		tc.edit(&cfg)
		err := run(context.Background(), cfg, io.Discard)
		for _, want := range tc.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want it to mention %q", err, want)
			}
		}
		if err != nil && strings.Contains(err.Error(), "no-data") {
			t.Errorf("error %v: the data was looked for before the check", err)
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a check created %s", missing)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("the checks left files in %s: %v", dir, ents)
	}
	// A directory that cannot be written (not for root, who can write anywhere).
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		cfg := defaults()
		cfg.data, cfg.out = filepath.Join(dir, "no-data"), filepath.Join(ro, "w.safetensors")
		if err := run(context.Background(), cfg, io.Discard); err == nil || !strings.Contains(err.Error(), "is not writable") {
			t.Errorf("read-only directory: error %v, want it to say so", err)
		}
	}
}

// A run that cannot fit in the available memory is refused before the model is
// generated, with the estimate and the available memory.
func testMemoryEstimate(t *testing.T) {
	if _, ok := sysmem.Available(); !ok {
		t.Skip("the available memory cannot be read here")
	}
	cfg := quick(t)
	cfg.hidden = 10_000_000 // w1 alone would take 63 GB
	err := run(context.Background(), cfg, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-batch 100 -hidden 10000000: the run needs about") || !strings.Contains(err.Error(), "is available (MemAvailable") {
		t.Errorf("error %v, want a refusal with the estimate and the available memory", err)
	}

	mnist := &datasets.MNIST{Train: datasets.Split{Images: datasets.Images{N: 1000, Rows: 28, Cols: 28}}, Test: datasets.Split{Images: datasets.Images{N: 10000, Rows: 28, Cols: 28}}}
	cfg = defaults()
	for _, tc := range []struct {
		avail uint64
		ok    bool
		fails bool
	}{
		{avail: 1 << 40, ok: true},
		{avail: 10 << 20, ok: true, fails: true},
		{avail: 0, ok: false}, // not readable: no check
	} {
		err := checkMemory(cfg, mnist, 0, func() (uint64, bool) { return tc.avail, tc.ok })
		if (err != nil) != tc.fails {
			t.Errorf("available %d (%v): error %v, want one: %v", tc.avail, tc.ok, err, tc.fails)
		}
	}
}

// writeIDX writes an IDX file of unsigned bytes with the given dimensions.
func writeIDX(t *testing.T, path string, data []byte, dims ...int) {
	t.Helper()
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeMNIST writes a small MNIST directory: 20 training and 10 test images of
// the given shapes, every digit in both.
func fakeMNIST(t *testing.T, trainRows, trainCols, testRows, testCols int) string {
	dir := t.TempDir()
	split := func(images, labels string, n, rows, cols int) {
		px := make([]byte, n*rows*cols)
		for i := range px {
			px[i] = byte(i * 7)
		}
		ls := make([]byte, n)
		for i := range ls {
			ls[i] = byte(i % 10)
		}
		writeIDX(t, filepath.Join(dir, images), px, n, rows, cols)
		writeIDX(t, filepath.Join(dir, labels), ls, n)
	}
	split(datasets.TrainImagesFile, datasets.TrainLabelsFile, 20, trainRows, trainCols)
	split(datasets.TestImagesFile, datasets.TestLabelsFile, 10, testRows, testCols)
	return dir
}

// Image shapes are checked, as the IDX headers state them, before the model is
// generated: 28×28 for the CNN, and the same size for training and test images.
func testImageShapes(t *testing.T) {
	for _, tc := range []struct {
		model              string
		trR, trC, teR, teC int
		want               string // "" for a run that trains
	}{
		{"cnn", 14, 56, 14, 56, "-model cnn: the images in %s are 14×56: the reference CNN takes 28×28"},
		{"mlp", 28, 28, 14, 56, "%s: the training images are 28×28, the test images 14×56: want one size"},
		{"cnn", 28, 28, 56, 14, "%s: the training images are 28×28, the test images 56×14: want one size"},
		{"mlp", 14, 56, 14, 56, ""}, // the MLP takes any image size
	} {
		dir := fakeMNIST(t, tc.trR, tc.trC, tc.teR, tc.teC)
		cfg := defaults()
		cfg.data, cfg.model, cfg.batch, cfg.iterlim, cfg.out, cfg.method = dir, tc.model, 10, 1, "", "lbfgs"
		var out bytes.Buffer
		err := run(context.Background(), cfg, &out)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s %d×%d: %v", tc.model, tc.trR, tc.trC, err)
			}
			continue
		}
		if want := fmt.Sprintf(tc.want, dir); err == nil || err.Error() != want {
			t.Errorf("%s, train %d×%d, test %d×%d: error %v, want %q", tc.model, tc.trR, tc.trC, tc.teR, tc.teC, err, want)
		}
		if strings.Contains(out.String(), "nnopt: training") {
			t.Errorf("%s: the model was generated before the shape check:\n%s", tc.model, out.String())
		}
	}
}

// An interrupt before the first iteration (during loading or generation) leaves
// existing files untouched, writes no new ones and says so.
func testInterruptBeforeFirstIteration(t *testing.T) {
	for _, batches := range []int{0, 3} {
		dir := t.TempDir()
		cfg := quick(t)
		cfg.batches, cfg.batchIterlim, cfg.dev = batches, 2, 100
		cfg.out, cfg.jsonOut = filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "run.json")
		fresh := []string{}
		if batches == 0 {
			cfg.savePoint, cfg.solveTrace, cfg.traceOut = filepath.Join(dir, "p.point"), filepath.Join(dir, "s.csv"), filepath.Join(dir, "t.trc")
			cfg.initOut, cfg.plot = filepath.Join(dir, "init.safetensors"), filepath.Join(dir, "loss.png")
			fresh = append(fresh, cfg.initOut, cfg.plot, cfg.traceOut)
		}
		old := map[string]string{}
		for _, p := range []string{cfg.out, cfg.jsonOut, cfg.savePoint, cfg.solveTrace} {
			if p != "" {
				old[p] = "old " + filepath.Base(p)
				if err := os.WriteFile(p, []byte(old[p]), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out bytes.Buffer
		err := run(ctx, cfg, &out)
		if !errors.Is(err, errNothingWritten) || err.Error() != "interrupted before the first iteration: nothing written" {
			t.Errorf("-batches %d: error %v, want %q", batches, err, errNothingWritten)
		}
		for p, want := range old {
			if got, err := os.ReadFile(p); err != nil || string(got) != want {
				t.Errorf("-batches %d: %s holds %q (%v), want it untouched", batches, p, got, err)
			}
		}
		for _, p := range fresh {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("-batches %d: %s was written", batches, p)
			}
		}
		if strings.Contains(out.String(), "-Inf") {
			t.Errorf("-batches %d: output shows -Inf:\n%s", batches, out.String())
		}
	}
}

// cancelOn is an output that cancels a run's context once the output holds
// mark: an interrupt at a chosen point of the run.
type cancelOn struct {
	bytes.Buffer
	mark   string
	cancel func()
}

func (c *cancelOn) Write(p []byte) (int, error) {
	n, err := c.Buffer.Write(p)
	if strings.Contains(c.String(), c.mark) {
		c.cancel()
	}
	return n, err
}

// "interrupted" is printed when the solve stopped for the interrupt, and not
// when the interrupt came after a solve that had ended on its own; an -out that
// is a symbolic link is written through.
func testInterruptedOnlyWhenStopped(t *testing.T) {
	for _, tc := range []struct {
		mark        string // where the run is interrupted
		iterlim     int
		interrupted bool
	}{
		{mark: "Solve status", iterlim: 3, interrupted: false}, // after the solve
		{mark: "\n    2    3 ", iterlim: 0, interrupted: true}, // at iteration 2 of an unlimited solve
	} {
		dir := t.TempDir()
		cfg := quick(t)
		cfg.iterlim, cfg.timelim = tc.iterlim, 120
		target := filepath.Join(dir, "real.safetensors")
		cfg.out, cfg.jsonOut = filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "run.json")
		if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("real.safetensors", cfg.out); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		out := &cancelOn{mark: tc.mark, cancel: cancel}
		err := run(ctx, cfg, out)
		cancel()
		if err != nil {
			t.Fatalf("interrupt at %q: %v", tc.mark, err)
		}
		if got := strings.Contains(out.String(), "interrupted:"); got != tc.interrupted {
			t.Errorf("interrupt at %q: says interrupted %v, want %v:\n%s", tc.mark, got, tc.interrupted, out.String())
		}
		var s struct {
			SolveStatus string `json:"solve_status_text"`
			Interrupted bool   `json:"interrupted"`
		}
		if raw, err := os.ReadFile(cfg.jsonOut); err != nil || json.Unmarshal(raw, &s) != nil || s.Interrupted != tc.interrupted || (s.SolveStatus == "User Interrupt") != tc.interrupted {
			t.Errorf("interrupt at %q: summary %+v (%v)", tc.mark, s, err)
		}
		if fi, err := os.Lstat(cfg.out); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("-out %s is no longer a symbolic link (%v)", cfg.out, err)
		}
		if _, _, err := nn.LoadSafetensors(target); err != nil {
			t.Errorf("the link's target holds no weights: %v", err)
		}
	}
}

// The first signal cancels the run; the second exits at once with status 130.
func testSecondSignalExits(t *testing.T) {
	sigs, done := make(chan os.Signal, 2), make(chan struct{})
	exited := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var msg bytes.Buffer
	finished := make(chan struct{})
	go func() {
		watchInterrupts(sigs, done, cancel, &msg, func(code int) { exited <- code })
		close(finished)
	}()
	sigs <- os.Interrupt
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the first signal did not cancel the run")
	}
	select {
	case code := <-exited:
		t.Fatalf("the first signal exited with %d", code)
	default:
	}
	sigs <- syscall.SIGTERM
	select {
	case code := <-exited:
		if code != 130 {
			t.Errorf("exit status %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second signal did not exit")
	}
	<-finished
	if !strings.Contains(msg.String(), "again") {
		t.Errorf("messages %q do not say a second signal exits", msg.String())
	}
	if !slices.Contains(interruptSignals, os.Signal(syscall.SIGTERM)) || !slices.Contains(interruptSignals, os.Interrupt) {
		t.Errorf("interrupt signals %v, want SIGINT and SIGTERM", interruptSignals)
	}
}

// mainArgsEnv passes cmd/train's arguments to TestTrainMainProcess.
const mainArgsEnv = "NNOPT_TRAIN_MAIN_ARGS"

// TestTrainMainProcess is not a test: it runs cmd/train's main with the
// arguments in $NNOPT_TRAIN_MAIN_ARGS (separated by the unit separator, 0x1f), in a process of its own,
// for the tests that send signals.
func TestTrainMainProcess(t *testing.T) {
	args := os.Getenv(mainArgsEnv)
	if args == "" {
		t.Skip("runs cmd/train's main for testSIGTERMWritesResults")
	}
	os.Args = append([]string{"train"}, strings.Split(args, "\x1f")...)
	flag.CommandLine = flag.NewFlagSet("train", flag.ExitOnError)
	main()
}

// SIGTERM stops the solve at its current point and the results are written,
// as for Ctrl-C.
func testSIGTERMWritesResults(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on windows")
	}
	dir := t.TempDir()
	weights, summary := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "run.json")
	args := []string{"-data", testdata.MNISTDir(t), "-batch", "500", "-iterlim", "0", "-timelim", "120", "-method", "lbfgs", "-device", "cpu", "-out", weights, "-json", summary}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTrainMainProcess$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+strings.Join(args, "\x1f"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "    2    3 ") { // iteration 2
			cmd.Process.Signal(syscall.SIGTERM)
			break
		}
	}
	io.Copy(&log, stdout)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("train did not stop on SIGTERM:\n%s", log.String())
	}
	if err != nil {
		t.Fatalf("train after SIGTERM: %v\n%s\n%s", err, log.String(), stderr.String())
	}
	if !strings.Contains(log.String(), "Solve status        8 User Interrupt") || !strings.Contains(log.String(), "interrupted: the weights of the current point were kept") {
		t.Errorf("output does not report the interrupt:\n%s", log.String())
	}
	if _, _, err := nn.LoadSafetensors(weights); err != nil {
		t.Errorf("weights after SIGTERM: %v", err)
	}
	if _, err := os.Stat(summary); err != nil {
		t.Errorf("summary after SIGTERM: %v", err)
	}
}

// A write that fails at the end does not stop the others: the weights are
// written and every failure is reported.
func testEveryWriteFailureReported(t *testing.T) {
	dir := t.TempDir()
	gone1, gone2 := filepath.Join(dir, "gone1"), filepath.Join(dir, "gone2")
	for _, d := range []string{gone1, gone2} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg := quick(t)
	cfg.out = filepath.Join(dir, "w.safetensors")
	cfg.jsonOut, cfg.plot, cfg.savePoint = filepath.Join(gone1, "run.json"), filepath.Join(gone2, "loss.png"), filepath.Join(gone2, "p.point")
	// The directories pass the checks and are removed once the solve runs.
	out := &cancelOn{mark: "Iter Phase", cancel: func() { os.RemoveAll(gone1); os.RemoveAll(gone2) }}
	err := run(context.Background(), cfg, out)
	for _, want := range []string{"-json " + cfg.jsonOut, "-plot " + cfg.plot, "-savepoint " + cfg.savePoint} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to report %q", err, want)
		}
	}
	if _, _, err := nn.LoadSafetensors(cfg.out); err != nil {
		t.Errorf("the weights were not written: %v", err)
	}
}

// -plot of a solve without iterations (stopped by its time limit at once) is
// skipped with a note, not an error after the weights.
func testPlotWithoutIterations(t *testing.T) {
	dir := t.TempDir()
	cfg := quick(t)
	cfg.timelim = 1e-9
	cfg.out, cfg.plot = filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "loss.png")
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Iterations          0") || !strings.Contains(out.String(), "Loss plot           skipped") {
		t.Errorf("output lacks the 0 iterations or the skipped plot:\n%s", out.String())
	}
	if _, _, err := nn.LoadSafetensors(cfg.out); err != nil {
		t.Error(err)
	}
}

// batchRun is a -batches run's summary.
type batchRun struct {
	BatchesRun   int      `json:"batches_run"`
	BestBatch    int      `json:"best_batch"`
	Kept         string   `json:"kept"`
	StoppedEarly bool     `json:"stopped_early"`
	DevAccuracy  *float64 `json:"dev_accuracy"`
	PerBatch     []struct {
		Loss        float64  `json:"loss"`
		DevAccuracy *float64 `json:"dev_accuracy"`
	} `json:"per_batch"`
}

func runBatchesJSON(t *testing.T, cfg config) (batchRun, string) {
	t.Helper()
	cfg.jsonOut = filepath.Join(t.TempDir(), "run.json")
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	raw, err := os.ReadFile(cfg.jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var s batchRun
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return s, out.String()
}

// -batches -dev 0 keeps the last batch's weights, does not stop early and says
// so, rather than reporting a 100% dev accuracy and keeping batch 1.
func testBatchesWithoutDevSet(t *testing.T) {
	cfg := quick(t)
	cfg.batches, cfg.batchIterlim, cfg.dev, cfg.patience = 3, 2, 0, 1
	cfg.out = filepath.Join(t.TempDir(), "w.safetensors")
	s, out := runBatchesJSON(t, cfg)
	if s.BatchesRun != 3 || s.BestBatch != 3 || s.StoppedEarly || s.Kept != "last batch" || s.DevAccuracy != nil {
		t.Errorf("summary %+v, want 3 batches run, the last kept, no dev accuracy", s)
	}
	for _, b := range s.PerBatch {
		if b.DevAccuracy != nil {
			t.Errorf("batch dev accuracy %v without a dev set", *b.DevAccuracy)
		}
	}
	if !strings.Contains(out, "no dev set (-dev 0): the last batch's weights are kept, no early stopping") || strings.Contains(out, "100.00%") {
		t.Errorf("output:\n%s", out)
	}
	if _, meta, err := nn.LoadSafetensors(cfg.out); err != nil || meta["best_batch"] != "3" {
		t.Errorf("weights metadata %v (%v), want batch 3's", meta, err)
	}
}

// -batches honours -scale, the option file's scaling and its dot options, and
// refuses a dot option on a symbol the model lacks.
func testBatchesHonourScaling(t *testing.T) {
	dir := t.TempDir()
	opt := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	userOpt, dotOpt, badOpt := opt("user.opt", "scaling user\n"), opt("dot.opt", "scaling user\nw1.scale 0.125\n"), opt("bad.opt", "w3.scale 2\n")
	losses := map[string][]float64{}
	for _, tc := range []struct {
		name, scale, optFile string
	}{
		{"auto", "auto", ""}, {"user", "user", ""}, {"optfile user", "auto", userOpt}, {"dot option", "auto", dotOpt},
	} {
		cfg := quick(t)
		cfg.batches, cfg.batchIterlim, cfg.dev, cfg.scale, cfg.optFile, cfg.quiet = 3, 3, 100, tc.scale, tc.optFile, true
		s, _ := runBatchesJSON(t, cfg)
		for _, b := range s.PerBatch {
			losses[tc.name] = append(losses[tc.name], b.Loss)
		}
	}
	if slices.Equal(losses["auto"], losses["user"]) {
		t.Errorf("-scale auto and user give the same losses %v", losses["auto"])
	}
	if !slices.Equal(losses["optfile user"], losses["user"]) {
		t.Errorf("the option file's scaling user gives %v, -scale user %v", losses["optfile user"], losses["user"])
	}
	if slices.Equal(losses["dot option"], losses["user"]) {
		t.Errorf("w1.scale 0.125 is not applied: losses %v", losses["dot option"])
	}
	cfg := quick(t)
	cfg.batches, cfg.optFile = 2, badOpt
	if err := run(context.Background(), cfg, io.Discard); err == nil || !strings.Contains(err.Error(), `has no variable or equation "w3"`) {
		t.Errorf("-batches with w3.scale: error %v, want it to name w3", err)
	}
}

// -json writes NaN and infinite figures as null instead of failing.
func testJSONNonFinite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.json")
	for _, v := range []any{
		batchSummary{DevAccuracy: number(math.Inf(-1)), TestAccuracy: number(math.NaN()), PerBatch: []batchLog{{Loss: number(math.NaN()), DevAccuracy: number(math.Inf(1))}}},
		summary{Objective: number(math.Inf(1)), BatchAccuracy: number(math.NaN()), Trace: []point{{Objective: number(math.NaN())}}},
	} {
		if err := writeJSON(path, v); err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%T: %v: %s", v, err, raw)
		}
		if !bytes.Contains(raw, []byte("null")) {
			t.Errorf("%T: no null in %s", v, raw)
		}
	}
}
