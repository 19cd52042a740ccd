package refmodel

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/device"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// The golden record pins what the reference MLP and CNN are today: their model
// statistics and the first goldenIterations iterates of the default solve
// (cmd/train's defaults: seed 7, batch 500, L-BFGS, the method's own scaling; the
// MLP 784-20-10 tanh with weights bounded by ±5, the CNN unbounded). A refactor
// that must leave the numbers alone is checked against it:
//
//	go test ./internal/refmodel -run Golden
//
// and the record is rewritten from the current code (only when the numbers are
// meant to change; the file records the commit it came from) by
//
//	go test ./internal/refmodel -run Golden -update
//
// ($NNOPT_GOLDEN_COMMIT names the commit when the tree is not a git checkout.)
//
// Integers (statistics, iteration counts, statuses, superbasics) must match
// exactly, floats to goldenTol relative.
//
// The BLAS is pinned to gonum's pure-Go implementation for the test and restored
// afterwards: OpenBLAS (which CI installs, with NNOPT_REQUIRE_OPENBLAS=1) sums in
// another order than gonum, so the iterates would depend on the BLAS that loads.
// The solve runs on one thread (Options.Threads = 1) so that the split of the
// element-wise work and of large products over goroutines, which depends on the
// machine's CPU count, cannot change the summation order either.
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden.json (the golden statistics and iterates of the reference MLP and CNN) from the current code")

const (
	goldenPath       = "testdata/golden.json"
	goldenTol        = 1e-12
	goldenIterations = 10
	goldenBatch      = 500
	goldenSeed       = 7
	goldenThreads    = 1
	goldenSamples    = 20
)

type goldenFile struct {
	Commit  string        `json:"commit"`
	Note    string        `json:"note"`
	Go      string        `json:"go"`
	BLAS    string        `json:"blas"`
	Threads int           `json:"threads"`
	Models  []goldenModel `json:"models"`
}

type goldenModel struct {
	Name           string            `json:"name"`
	Batch          int               `json:"batch"`
	Seed           uint64            `json:"seed"`
	Statistics     goldenStatistics  `json:"statistics"`
	Iterations     []goldenIteration `json:"iterations"`
	Result         goldenResult      `json:"result"`
	InitialWeights goldenVector      `json:"initial_weights"`
	FinalWeights   goldenVector      `json:"final_weights"`
}

type goldenStatistics struct {
	Constraints               int `json:"constraints"`
	Variables                 int `json:"variables"`
	JacobianNonzeros          int `json:"jacobian_nonzeros"`
	NonlinearJacobianNonzeros int `json:"nonlinear_jacobian_nonzeros"`
	HessianDiagonal           int `json:"hessian_diagonal"`
	HessianBelowDiagonal      int `json:"hessian_below_diagonal"`
	NonlinearVariables        int `json:"nonlinear_variables"`
}

type goldenIteration struct {
	Iter      int     `json:"iter"`
	Phase     int     `json:"phase"`
	Objective float64 `json:"objective"`
	RGmax     float64 `json:"rgmax"`
	NSB       int     `json:"nsb"`
	Step      float64 `json:"step"`
	InItr     int     `json:"initr"`
	MX        bool    `json:"mx"`
	OK        bool    `json:"ok"`
}

type goldenResult struct {
	Objective       float64 `json:"objective"`
	Iterations      int     `json:"iterations"`
	ModelStatus     int     `json:"model_status"`
	ModelStatusText string  `json:"model_status_text"`
	SolveStatus     int     `json:"solve_status"`
	SolveStatusText string  `json:"solve_status_text"`
}

// goldenVector is a weight vector (the blocks named, concatenated in that order):
// summary numbers to read, and every element as little-endian float64s in base64.
type goldenVector struct {
	Blocks  []string       `json:"blocks"`
	N       int            `json:"n"`
	Sum     float64        `json:"sum"`
	SumAbs  float64        `json:"sum_abs"`
	SumSq   float64        `json:"sum_sq"`
	Samples []goldenSample `json:"samples"`
	All     string         `json:"all_f64le_base64"`
}

type goldenSample struct {
	Index int     `json:"index"`
	Value float64 `json:"value"`
}

func newGoldenVector(blocks []string, w []float64) goldenVector {
	v := goldenVector{Blocks: blocks, N: len(w)}
	for _, x := range w {
		v.Sum += x
		v.SumAbs += math.Abs(x)
		v.SumSq += x * x
	}
	for k := range goldenSamples {
		if len(w) == 0 {
			break
		}
		i := k * (len(w) - 1) / (goldenSamples - 1)
		v.Samples = append(v.Samples, goldenSample{i, w[i]})
	}
	buf := make([]byte, 8*len(w))
	for i, x := range w {
		binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
	}
	v.All = base64.StdEncoding.EncodeToString(buf)
	return v
}

func (v goldenVector) values() ([]float64, error) {
	buf, err := base64.StdEncoding.DecodeString(v.All)
	if err != nil {
		return nil, err
	}
	if len(buf) != 8*v.N {
		return nil, fmt.Errorf("%d bytes for %d values", len(buf), v.N)
	}
	w := make([]float64, v.N)
	for i := range w {
		w[i] = math.Float64frombits(binary.LittleEndian.Uint64(buf[8*i:]))
	}
	return w, nil
}

// goldenRun records one reference model: statistics, then the default solve's
// first goldenIterations iterations on one thread.
func goldenRun(t *testing.T, name string, batch int, m *nnopt.Model, weights func() ([]string, []float64)) goldenModel {
	t.Helper()
	g := goldenModel{Name: name, Batch: batch, Seed: goldenSeed}
	st, err := m.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	g.Statistics = goldenStatistics{st.Constraints, st.Variables, st.JacobianNonzeros, st.NonlinearJacobianNonzeros,
		st.HessianDiagonal, st.HessianBelowDiagonal, st.NonlinearVariables}
	blocks, w := weights()
	g.InitialWeights = newGoldenVector(blocks, w)
	opt := nnopt.Options{IterationLimit: goldenIterations, Threads: goldenThreads, OnIteration: func(it nlpsolve.Iteration) {
		g.Iterations = append(g.Iterations, goldenIteration{it.Iter, it.Phase, it.Objective, it.RGmax, it.NSB, it.Step, it.InItr, it.MX, it.OK})
	}}
	start := time.Now()
	if err := m.Solve(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d iterations in %v", name, len(g.Iterations), time.Since(start))
	g.Result = goldenResult{m.ObjectiveValue, m.NumIterations, int(m.Status), m.Status.String(), int(m.SolveStatus), m.SolveStatus.String()}
	blocks, w = weights()
	g.FinalWeights = newGoldenVector(blocks, w)
	return g
}

// goldenRecord builds and solves the reference MLP and CNN as cmd/train does by
// default (cmd/train's mlpJob/mlpStart and cnnJob), with gonum's BLAS.
func goldenRecord(t *testing.T) goldenFile {
	t.Helper()
	prev := blas64.Implementation()
	blasName, err := device.UseBLAS("gonum")
	if err != nil {
		t.Fatal(err)
	}
	defer blas64.Use(prev)

	x, labels := referenceBatch(t, goldenBatch)
	const in, hidden = 784, 20
	// cmd/train's mlpStart: one PCG(seed, seed) draws w1 then w2; bound 5.
	rng := rand.New(rand.NewPCG(goldenSeed, goldenSeed))
	w1, w2 := make([]float64, in*hidden), make([]float64, hidden*10)
	if err := nn.XavierUniform(rng, in, hidden, 5.0/3, w1); err != nil {
		t.Fatal(err)
	}
	if err := nn.XavierUniform(rng, hidden, 10, 1, w2); err != nil {
		t.Fatal(err)
	}
	mlp, err := NewMLP(x, labels, in, hidden, 10, w1, w2, 5)
	if err != nil {
		t.Fatal(err)
	}
	// cmd/train's cnnJob: its own PCG(seed, seed); no bound unless -bound is given.
	cnn, err := NewCNN(x, labels, rand.New(rand.NewPCG(goldenSeed, goldenSeed)), 0)
	if err != nil {
		t.Fatal(err)
	}
	f := goldenFile{Go: runtime.Version(), BLAS: blasName, Threads: goldenThreads,
		Note: "statistics and first 10 iterates of cmd/train's default MLP and CNN solves; internal/refmodel/golden_test.go (go test ./internal/refmodel -run Golden [-update])"}
	f.Models = append(f.Models, goldenRun(t, "mlp-784-20-10-tanh", goldenBatch, mlp.Model, func() ([]string, []float64) {
		return []string{"w1", "w2"}, slices.Concat(mlp.W1.L, mlp.W2.L)
	}))
	f.Models = append(f.Models, goldenRun(t, "cnn-conv-1-2-3-10", goldenBatch, cnn.Model, func() ([]string, []float64) {
		var names []string
		var w []float64
		for i, c := range cnn.Convs {
			names = append(names, fmt.Sprintf("conv%d.weight", i), fmt.Sprintf("conv%d.bias", i))
			w = append(w, c.WeightVariable().L...)
			w = append(w, c.BiasVariable().L...)
		}
		return names, w
	}))
	return f
}

// goldenCommit is the commit the record comes from: $NNOPT_GOLDEN_COMMIT, else git's
// HEAD (marked +dirty when tracked files differ from it).
func goldenCommit() string {
	if c := os.Getenv("NNOPT_GOLDEN_COMMIT"); c != "" {
		return c
	}
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "+dirty"
	}
	return c
}

func TestGoldenReferenceIterates(t *testing.T) {
	got := goldenRecord(t)
	if *updateGolden {
		got.Commit = goldenCommit()
		data, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (commit %s)", goldenPath, got.Commit)
		return
	}
	want := readGolden(t)
	if diffs := diffGolden(want, got); len(diffs) > 0 {
		t.Errorf("the reference models differ from %s (commit %s; tolerance %g relative):\n%s", goldenPath, want.Commit, goldenTol, strings.Join(diffs, "\n"))
	}
}

// The comparison must see a change of 1e-9 relative in any pinned float, and a
// change of one in any pinned integer.
func TestGoldenComparisonDetectsChanges(t *testing.T) {
	want := readGolden(t)
	if d := diffGolden(want, want); len(d) > 0 {
		t.Fatalf("the record differs from itself:\n%s", strings.Join(d, "\n"))
	}
	for _, tc := range []struct {
		name    string
		perturb func(g *goldenFile)
	}{
		{"objective", func(g *goldenFile) { g.Models[0].Iterations[5].Objective *= 1 + 1e-9 }},
		{"rgmax", func(g *goldenFile) { g.Models[1].Iterations[9].RGmax *= 1 + 1e-9 }},
		{"statistic", func(g *goldenFile) { g.Models[1].Statistics.JacobianNonzeros++ }},
		{"iteration count", func(g *goldenFile) { g.Models[0].Iterations = g.Models[0].Iterations[:9] }},
		{"final objective", func(g *goldenFile) { g.Models[1].Result.Objective *= 1 - 1e-9 }},
		{"weight", func(g *goldenFile) {
			w, err := g.Models[0].FinalWeights.values()
			if err != nil {
				t.Fatal(err)
			}
			w[12345] *= 1 + 1e-9
			g.Models[0].FinalWeights.All = newGoldenVector(nil, w).All
		}},
	} {
		got := readGolden(t)
		tc.perturb(&got)
		if d := diffGolden(want, got); len(d) == 0 {
			t.Errorf("%s perturbed: no difference reported", tc.name)
		} else {
			t.Logf("%s perturbed: %s", tc.name, d[0])
		}
	}
}

func readGolden(t *testing.T) goldenFile {
	t.Helper()
	data, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (generate it with go test ./internal/refmodel -run Golden -update)", err)
	}
	var g goldenFile
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("%s: %v", goldenPath, err)
	}
	if len(g.Models) != 2 {
		t.Fatalf("%s: %d models, want 2", goldenPath, len(g.Models))
	}
	return g
}

// closeRel says whether got is want to goldenTol relative to the larger of the two
// and scale (scale > 0 for values that sums of larger terms produce).
func closeRel(want, got, scale float64) bool {
	if want == got {
		return true
	}
	return math.Abs(want-got) <= goldenTol*max(math.Abs(want), math.Abs(got), scale)
}

func diffGolden(want, got goldenFile) []string {
	var d []string
	add := func(f string, a ...any) { d = append(d, fmt.Sprintf(f, a...)) }
	if len(want.Models) != len(got.Models) {
		add("%d models, want %d", len(got.Models), len(want.Models))
		return d
	}
	for mi, w := range want.Models {
		g := got.Models[mi]
		at := w.Name + ": "
		if w.Name != g.Name || w.Batch != g.Batch || w.Seed != g.Seed {
			add("%smodel %s batch %d seed %d, want %s batch %d seed %d", at, g.Name, g.Batch, g.Seed, w.Name, w.Batch, w.Seed)
		}
		if w.Statistics != g.Statistics {
			add("%sstatistics %+v, want %+v", at, g.Statistics, w.Statistics)
		}
		if len(w.Iterations) != len(g.Iterations) {
			add("%s%d iterations reported, want %d", at, len(g.Iterations), len(w.Iterations))
		}
		for i := range min(len(w.Iterations), len(g.Iterations)) {
			wi, gi := w.Iterations[i], g.Iterations[i]
			if wi.Iter != gi.Iter || wi.Phase != gi.Phase || wi.NSB != gi.NSB || wi.InItr != gi.InItr || wi.MX != gi.MX || wi.OK != gi.OK {
				add("%siteration %d: iter %d phase %d nsb %d initr %d mx %v ok %v, want iter %d phase %d nsb %d initr %d mx %v ok %v",
					at, i, gi.Iter, gi.Phase, gi.NSB, gi.InItr, gi.MX, gi.OK, wi.Iter, wi.Phase, wi.NSB, wi.InItr, wi.MX, wi.OK)
			}
			for _, f := range []struct {
				name      string
				want, got float64
			}{{"objective", wi.Objective, gi.Objective}, {"rgmax", wi.RGmax, gi.RGmax}, {"step", wi.Step, gi.Step}} {
				if !closeRel(f.want, f.got, 0) {
					add("%siteration %d: %s %.17g, want %.17g (relative difference %.3g)", at, i, f.name, f.got, f.want, math.Abs(f.got-f.want)/math.Abs(f.want))
				}
			}
		}
		wr, gr := w.Result, g.Result
		if wr.Iterations != gr.Iterations || wr.ModelStatus != gr.ModelStatus || wr.SolveStatus != gr.SolveStatus || wr.ModelStatusText != gr.ModelStatusText || wr.SolveStatusText != gr.SolveStatusText {
			add("%sresult %+v, want %+v", at, gr, wr)
		} else if !closeRel(wr.Objective, gr.Objective, 0) {
			add("%sfinal objective %.17g, want %.17g", at, gr.Objective, wr.Objective)
		}
		for _, v := range []struct {
			name      string
			want, got goldenVector
		}{{"initial weights", w.InitialWeights, g.InitialWeights}, {"final weights", w.FinalWeights, g.FinalWeights}} {
			d = append(d, diffVector(at+v.name, v.want, v.got)...)
		}
	}
	return d
}

// diffVector compares two weight vectors element by element: each to goldenTol
// relative, elements below 1e-6 of the largest relative to that (a weight near zero
// is a difference of larger terms), and the sums relative to the sum of magnitudes.
func diffVector(at string, want, got goldenVector) []string {
	var d []string
	add := func(f string, a ...any) { d = append(d, fmt.Sprintf(at+": "+f, a...)) }
	if !slices.Equal(want.Blocks, got.Blocks) || want.N != got.N {
		add("blocks %v (%d values), want %v (%d)", got.Blocks, got.N, want.Blocks, want.N)
		return d
	}
	wv, err := want.values()
	if err != nil {
		add("golden values: %v", err)
		return d
	}
	gv, err := got.values()
	if err != nil {
		add("values: %v", err)
		return d
	}
	largest := 0.0
	for _, x := range wv {
		largest = max(largest, math.Abs(x))
	}
	bad, worst, worstAt := 0, 0.0, -1
	for i := range wv {
		if !closeRel(wv[i], gv[i], 1e-6*largest) {
			if bad < 3 {
				add("element %d: %.17g, want %.17g", i, gv[i], wv[i])
			}
			bad++
			if r := math.Abs(gv[i]-wv[i]) / max(math.Abs(wv[i]), 1e-6*largest); r > worst || math.IsNaN(r) {
				worst, worstAt = r, i
			}
		}
	}
	if bad > 0 {
		add("%d of %d elements differ; the largest relative difference %.3g at %d", bad, len(wv), worst, worstAt)
	}
	for _, s := range []struct {
		name      string
		want, got float64
		scale     float64
	}{{"sum", want.Sum, got.Sum, want.SumAbs}, {"sum_abs", want.SumAbs, got.SumAbs, 0}, {"sum_sq", want.SumSq, got.SumSq, 0}} {
		if !closeRel(s.want, s.got, s.scale) {
			add("%s %.17g, want %.17g", s.name, s.got, s.want)
		}
	}
	return d
}

// BenchmarkReferenceGeneration times the generation of the golden models from a
// prepared batch of 500 (the data loading and normalisation are not timed): build
// is refmodel's NewMLP or NewCNN (the symbols, data and equations), statistics is
// Model.Statistics on the built model (Model.compile: the blocks and the counts);
// together they are most of cmd/train's generation_seconds. A baseline for
// refactors of the root package (bench/results/).
func BenchmarkReferenceGeneration(b *testing.B) {
	x, labels := referenceBatch(b, goldenBatch)
	build := map[string]func() *nnopt.Model{
		"mlp-500": func() *nnopt.Model {
			rng := rand.New(rand.NewPCG(goldenSeed, goldenSeed))
			w1, w2 := make([]float64, 784*20), make([]float64, 20*10)
			_ = nn.XavierUniform(rng, 784, 20, 5.0/3, w1)
			_ = nn.XavierUniform(rng, 20, 10, 1, w2)
			m, err := NewMLP(x, labels, 784, 20, 10, w1, w2, 5)
			if err != nil {
				b.Fatal(err)
			}
			return m.Model
		},
		"cnn-500": func() *nnopt.Model {
			m, err := NewCNN(x, labels, rand.New(rand.NewPCG(goldenSeed, goldenSeed)), 0)
			if err != nil {
				b.Fatal(err)
			}
			return m.Model
		},
	}
	for _, name := range []string{"mlp-500", "cnn-500"} {
		b.Run(name+"/build", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				build[name]()
			}
		})
		b.Run(name+"/statistics", func(b *testing.B) {
			m := build[name]()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Statistics(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
