package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/hs"
)

// hsScript is the peer: the same Hock-Schittkowski statements and starts solved
// with scipy's SLSQP.
const hsScript = "peers/hs_scipy.py"

// BenchmarkHS solves the Hock-Schittkowski problems of internal/hs from their
// standard starts, all of them once per op: nnopt with default Options (building
// each model included), and scipy's SLSQP through bench/peers/hs_scipy.py on the
// same problems in the same run. Both report solve-s/op, the time in the solves
// alone (for SLSQP the script's own timing, without Python's start), and
// at-optimum/op, the problems whose objective is within 1e-6 of the published
// optimum (or below it) with an optimal status; TestHSSummary and the script
// judge feasibility too.
func BenchmarkHS(b *testing.B) {
	b.Run("nnopt", func(b *testing.B) {
		var solve time.Duration
		at := 0
		for b.Loop() {
			at = 0
			for _, p := range hs.Problems() {
				inst, err := p.Build()
				if err != nil {
					b.Fatalf("HS%d: %v", p.Number, err)
				}
				start := time.Now()
				err = inst.Model.Solve(context.Background(), nnopt.Options{TimeLimit: time.Minute})
				solve += time.Since(start)
				if err != nil {
					b.Fatalf("HS%d: %v", p.Number, err)
				}
				m := inst.Model
				optimal := m.Status == nnopt.StatusOptimal || m.Status == nnopt.StatusLocallyOptimal
				if optimal && atOptimum(p, m.ObjectiveValue) {
					at++
				}
			}
		}
		b.ReportMetric(solve.Seconds()/float64(b.N), "solve-s/op")
		b.ReportMetric(float64(at), "at-optimum/op")
	})
	b.Run("slsqp", func(b *testing.B) {
		py, err := exec.LookPath("/usr/bin/python3")
		if err != nil {
			b.Skip("no /usr/bin/python3 (Debian python3-scipy is the peer):", err)
		}
		list, err := exec.Command(py, hsScript, "--list").Output()
		if err != nil {
			b.Skipf("%s --list: %v (needs Debian python3-scipy)", hsScript, err)
		}
		if got, want := len(strings.Fields(string(list))), len(hs.Problems()); got != want {
			b.Fatalf("%s states %d problems, internal/hs %d: compare the same set", hsScript, got, want)
		}
		solve, at := 0.0, 0
		for b.Loop() {
			out, err := exec.Command(py, hsScript).Output()
			if err != nil {
				b.Fatalf("%s: %v", hsScript, err)
			}
			s, n, err := slsqpSummary(out)
			if err != nil {
				b.Fatalf("%s: %v", hsScript, err)
			}
			solve += s
			at = n
		}
		b.ReportMetric(solve/float64(b.N), "solve-s/op")
		b.ReportMetric(float64(at), "at-optimum/op")
	})
}

// atOptimum reports whether f is within p's tolerance of the published optimum
// (relative, 1e-6 unless the problem says otherwise) or below it.
func atOptimum(p hs.Problem, f float64) bool {
	tol := 1e-6
	if p.Tol != 0 {
		tol = p.Tol
	}
	return math.Abs(f-p.Optimum) <= tol*math.Max(1, math.Abs(p.Optimum)) || f < p.Optimum
}

// slsqpSummary reads the script's "N problems: K within 1e-6 ..." and
// "solve time: S s in all" lines.
func slsqpSummary(out []byte) (seconds float64, passes int, err error) {
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "solve time: "); ok {
			if seconds, err = strconv.ParseFloat(strings.Fields(rest)[0], 64); err != nil {
				return 0, 0, fmt.Errorf("solve time line %q: %w", line, err)
			}
			found++
		}
		if _, rest, ok := strings.Cut(line, " problems: "); ok {
			if passes, err = strconv.Atoi(strings.Fields(rest)[0]); err != nil {
				return 0, 0, fmt.Errorf("summary line %q: %w", line, err)
			}
			found++
		}
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("no summary and solve time lines in its output")
	}
	return seconds, passes, nil
}
