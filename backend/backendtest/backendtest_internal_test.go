package backendtest

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"

	"github.com/nnopt/nnopt/backend"
)

// recorder counts the failures a check reports instead of failing the test.
type recorder struct{ errors []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// faulty is a CPU backend with one planted bug per operation kind.
type faulty struct {
	*backend.CPU
	bug string
}

func (f faulty) Gemm(ta, tb bool, m, n, k int, alpha float64, a, b backend.Vector, beta float64, c backend.Vector) {
	if f.bug == "gemm-transpose" {
		ta = !ta && m == k // wrong only for square A: a subtle bug
	}
	f.CPU.Gemm(ta, tb, m, n, k, alpha, a, b, beta, c)
}

func (f faulty) Map(op backend.Op, n int, out backend.Out, in ...backend.In) {
	switch {
	case f.bug == "sub-is-add" && op.Code == backend.Sub:
		op.Code = backend.Add
	case f.bug == "scatter-set" && out.Mode == backend.Accumulate && out.At != nil:
		out.Mode = backend.Set // repeated positions lose all but one term
	case f.bug == "sigmoid-curvature" && op.Code == backend.FuncCurvature && op.Fn == backend.Sigmoid:
		op.Fn = backend.Tanh
	}
	f.CPU.Map(op, n, out, in...)
}

func (f faulty) Slice(v backend.Vector, from, to int) backend.Vector {
	s := f.CPU.Slice(v, from, to)
	if f.bug == "slice-copies" {
		return backend.Wrap(append([]float64(nil), backend.Host(s)...))
	}
	return s
}

func (f faulty) Reduce(r backend.Reduction, op backend.Op, n int, in ...backend.In) float64 {
	v := f.CPU.Reduce(r, op, n, in...)
	if f.bug == "reduce-drops-last" && r == backend.Sum && n > 1 {
		v -= f.CPU.Reduce(r, op, 1, in...) * 1e-9
	}
	return v
}

func (f faulty) ReduceAll(dst []float64, rs ...backend.Reducing) {
	f.CPU.ReduceAll(dst, rs...)
	if f.bug == "reduceall-shifted" && len(rs) > 33 {
		dst[33] = dst[32] // a result slot reused past the first batch
	}
}

// TestSuiteCatchesBugs plants one bug at a time and requires the matching check to
// report it, and the clean backend to pass every check.
func TestSuiteCatchesBugs(t *testing.T) {
	ref := &backend.CPU{BLAS: gonum.Implementation{}, Label: "gonum"}
	checks := map[string]func(reporter, backend.Backend){
		"gemm-transpose":    func(r reporter, be backend.Backend) { testGemm(r, be, ref) },
		"sub-is-add":        func(r reporter, be backend.Backend) { testMap(r, be, ref) },
		"scatter-set":       func(r reporter, be backend.Backend) { testMap(r, be, ref) },
		"sigmoid-curvature": func(r reporter, be backend.Backend) { testMap(r, be, ref) },
		"reduce-drops-last": func(r reporter, be backend.Backend) { testReduce(r, be, ref) },
		"slice-copies":      func(r reporter, be backend.Backend) { testMemory(r, be) },
		"reduceall-shifted": func(r reporter, be backend.Backend) { testReduceAll(r, be) },
	}
	for bug, check := range checks {
		var clean, buggy recorder
		check(&clean, faulty{CPU: ref})
		check(&buggy, faulty{CPU: ref, bug: bug})
		if len(clean.errors) != 0 {
			t.Errorf("%s: the clean backend failed: %s", bug, clean.errors[0])
		}
		if len(buggy.errors) == 0 {
			t.Errorf("%s: the suite did not notice the planted bug", bug)
		}
	}
}
