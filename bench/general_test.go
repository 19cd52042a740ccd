package bench

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
)

// nnoptLP names nnopt's own method for LPs, which these benchmarks measure: an
// LP that names no solver goes to Clp when it loads.
var nnoptLP = nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: nnopt.SolverName}}

// clpLP names Clp for LPs, the peer of nnoptLP.
var clpLP = nnopt.Options{Solvers: map[nnopt.Problem]string{nnopt.LP: "clp"}}

// randomTransport is a transportation LP with p plants and q markets (p·q routes):
// supplies U(50, 150), demands scaled to 90% of the total supply, costs U(1, 10).
// Every route exists, so the model has p·q columns and p+q rows.
func randomTransport(tb testing.TB, p, q int, seed uint64) (*nnopt.Model, *nnopt.Variable) {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, uint64(p*1000+q)))
	c := nnopt.NewContainer()
	label := func(prefix string, n int) []string {
		out := make([]string, n)
		for k := range out {
			out[k] = prefix + strconv.Itoa(k)
		}
		return out
	}
	i, j := c.NewSet("i", label("p", p)...), c.NewSet("j", label("m", q)...)
	a, b, cost := c.NewParameter("a", i), c.NewParameter("b", j), c.NewParameter("c", i, j)
	av, bv, cv := make([]float64, p), make([]float64, q), make([]float64, p*q)
	total := 0.0
	for k := range av {
		av[k] = 50 + 100*r.Float64()
		total += av[k]
	}
	share := 0.0
	for k := range bv {
		bv[k] = 0.5 + r.Float64()
		share += bv[k]
	}
	for k := range bv {
		bv[k] *= 0.9 * total / share
	}
	for k := range cv {
		cv[k] = 1 + 9*r.Float64()
	}
	x := c.NewVariable("x", nnopt.Positive, i, j)
	z := c.NewVariable("z", nnopt.Free)
	for _, err := range []error{a.SetValues(av), b.SetValues(bv), cost.SetValues(cv),
		c.NewEquation("cost").Define(nnopt.Eq(z, nnopt.Sum(nnopt.Mul(cost, x), i, j))),
		c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a)),
		c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), b)),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: z})
	if err != nil {
		tb.Fatal(err)
	}
	return m, x
}

// glpsolTime solves an LP file with glpsol and returns its wall time (process
// included) and optimal objective; ok is false when glpsol is not installed.
func glpsolTime(tb testing.TB, path string) (time.Duration, float64, bool) {
	wall, _, obj, ok := glpsolTimes(tb, path)
	return wall, obj, ok
}

// glpsolTimes is glpsolTime with glpsol's processor time (user and system) too.
func glpsolTimes(tb testing.TB, path string) (wall, cpu time.Duration, obj float64, ok bool) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		return 0, 0, 0, false
	}
	out := path + ".txt"
	start := time.Now()
	cmd := exec.Command(glpsol, "--lp", path, "-w", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("glpsol: %v\n%s", err, msg)
	}
	elapsed := time.Since(start)
	cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	f, err := os.Open(out)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fl := strings.Fields(sc.Text()); len(fl) == 7 && fl[0] == "s" && fl[1] == "bas" {
			obj, err := strconv.ParseFloat(fl[6], 64)
			if err != nil {
				tb.Fatal(err)
			}
			return elapsed, cpu, obj, true
		}
	}
	tb.Fatalf("glpsol: no solution line in %s", out)
	return 0, 0, 0, false
}

// BenchmarkGeneralTransport times Model.Solve's general method (which hands an LP
// to its simplex method) on random transportation LPs (generation included, as a
// user sees it) and, when glpsol is on PATH, glpsol on the same LP written by
// WriteFile, reporting glpsol's time per solve and the ratio nnopt/glpsol, in wall
// time and in processor time (cpu-ratio: on a shared machine wall time measures
// the load as well). The objectives must agree to 1e-6 relative. Issue 21's bars:
// the ratio at most 3 at 80x80, and 300x300 solves.
//
//	go test -run x -bench GeneralTransport -benchtime 5x ./bench
func BenchmarkGeneralTransport(b *testing.B) {
	for _, size := range []int{10, 30, 80, 100, 300} {
		b.Run(fmt.Sprintf("%dx%d", size, size), func(b *testing.B) {
			m, x := randomTransport(b, size, size, 1)
			path := filepath.Join(b.TempDir(), "t.lp")
			if err := m.WriteFile(path); err != nil {
				b.Fatal(err)
			}
			var peer, peerCPU time.Duration
			var peerObj float64
			havePeer := false
			iters := 0
			b.ResetTimer()
			cpu := cpuTime()
			for k := 0; k < b.N; k++ {
				clear(x.L)
				if err := m.Solve(context.Background(), nnoptLP); err != nil {
					b.Fatal(err)
				}
				if m.Status != nnopt.StatusOptimal {
					b.Fatalf("status %v, %v after %d iterations", m.Status, m.SolveStatus, m.NumIterations)
				}
				iters = m.NumIterations
				b.StopTimer()
				mine := cpuTime()
				if d, dc, obj, ok := glpsolTimes(b, path); ok {
					peer += d
					peerCPU += dc
					peerObj, havePeer = obj, true
				}
				cpu -= cpuTime() - mine // glpsol's parsing of its output is not nnopt's
				b.StartTimer()
			}
			b.StopTimer()
			cpu = cpuTime() - cpu
			b.ReportMetric(float64(iters), "iterations")
			reportCPU(b, cpu)
			if havePeer {
				if math.Abs(m.ObjectiveValue-peerObj) > 1e-6*math.Abs(peerObj) {
					b.Fatalf("objective %.10g, glpsol %.10g", m.ObjectiveValue, peerObj)
				}
				per := peer.Seconds() / float64(b.N)
				b.ReportMetric(per, "glpsol-s/op")
				b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/per, "ratio")
				b.ReportMetric(cpu.Seconds()/peerCPU.Seconds(), "cpu-ratio")
			}
		})
	}
}
