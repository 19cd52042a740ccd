package bench

import (
	"context"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/glpk"
	"github.com/nnopt/nnopt/internal/testdata"
	"github.com/nnopt/nnopt/solvers/coin"
)

// BenchmarkNetlib times each shared netlib LP from its MPS file to its optimum:
// nnopt (ReadModel, then Solve: the general method, which hands an LP to its
// simplex method) and Clp (the same Solve, the default LP solver where libClp
// loads) against glpsol (its simplex, on the same file, decompressed), in
// the same run, all 27 of them. Each reports its processor time too (cpu-ms/op:
// user and system, nnopt's process or glpsol's child), since on a shared machine
// wall time measures the load as well. Issue 21's bar is the median nnopt/glpsol
// ratio at most 3.
//
//	go test -run '^$' -bench Netlib -benchtime 3x ./bench
func BenchmarkNetlib(b *testing.B) {
	dir := testdata.NetlibDir(b)
	glpsol, err := glpk.Path()
	if err != nil {
		b.Skip(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.mps.gz"))
	if err != nil || len(files) == 0 {
		b.Skipf("no netlib LPs in %s: %v", dir, err)
	}
	sort.Strings(files)
	tmp := b.TempDir()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".mps.gz")
		plain := filepath.Join(tmp, name+".mps")
		if err := testdata.Gunzip(f, plain); err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/nnopt", func(b *testing.B) { solveNetlib(b, f, nnoptLP) })
		b.Run(name+"/clp", func(b *testing.B) {
			// The default LP solver where libClp loads, through the same Solve.
			if _, _, err := coin.LoadClp(); err != nil {
				b.Skip(err)
			}
			solveNetlib(b, f, clpLP)
		})
		b.Run(name+"/glpsol", func(b *testing.B) {
			// The solution report goes to a file of the temporary folder: glpsol
			// replaces the file it writes, and must not replace /dev/null.
			report := filepath.Join(tmp, name+".out")
			var cpu time.Duration
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				cmd := exec.Command(glpsol, "--mps", plain, "-o", report)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("glpsol: %v\n%s", err, out)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
		})
	}
}

// cpuTime is the processor time this process has used (user and system, all
// threads): on a shared machine it measures a solve where wall time measures the
// load as well.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// solveNetlib times reading the netlib LP file and solving it with opt to its
// optimum, reporting the processor time beside the wall time.
func solveNetlib(b *testing.B, file string, opt nnopt.Options) {
	cpu := cpuTime()
	defer func() { reportCPU(b, cpuTime()-cpu) }()
	for b.Loop() {
		_, m, err := nnopt.ReadModel(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Solve(context.Background(), opt); err != nil {
			b.Fatal(err)
		}
		if m.Status != nnopt.StatusOptimal {
			b.Fatalf("%s: %v", filepath.Base(file), m.Status)
		}
	}
}

// reportCPU reports cpu, spent over b.N iterations, as the metric cpu-ms/op.
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(cpu.Seconds()*1e3/float64(b.N), "cpu-ms/op")
}
