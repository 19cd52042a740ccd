package cuda

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/cudaemu"
)

// TestKernelsOnHost runs kernels.cu on the CPU, compiled by the host's C++ compiler
// with cudaemu's stand-ins for CUDA's built-ins (a thread per device thread, real
// barriers and atomics), and checks every code, function, gather, scatter and mode,
// and both reductions, against the CPU backend. It checks the kernels' logic where
// no GPU is; NVRTC's own compilation and the device math library are left to the
// GPU tests. It is skipped without a C++20 compiler ($CXX, g++ or clang++).
func TestKernelsOnHost(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs C++ for seconds")
	}
	cxx, err := cudaemu.Compiler()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	if err := cudaemu.Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kernels.cu"), []byte(kernelSource()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Without __CUDA_ARCH__ the scattered accumulation takes the atomicCAS loop of
	// devices before sm_60; with 600, atomicAdd.
	for _, arch := range []string{"", "600"} {
		t.Run("arch="+arch, func(t *testing.T) {
			t.Parallel()
			exe := filepath.Join(dir, "harness"+arch)
			args := []string{"-std=c++20", "-O1", "-ffp-contract=off", "-pthread", "-o", exe, filepath.Join(dir, "harness.cpp")}
			if arch != "" {
				args = append(args, "-D__CUDA_ARCH__="+arch)
			}
			if out, err := exec.Command(cxx, args...).CombinedOutput(); err != nil {
				t.Fatalf("%s %s: %v\n%s", cxx, strings.Join(args, " "), err, out)
			}
			emulate(t, exe)
		})
	}
}

// emulate runs the cases through the harness exe and compares with the CPU backend.
func emulate(t *testing.T, exe string) {
	cmd := exec.Command(exe)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	lines := bufio.NewScanner(stdout)
	next := func() float64 {
		if !lines.Scan() {
			t.Fatalf("the harness stopped: %v", lines.Err())
		}
		s := strings.TrimSpace(lines.Text())
		if strings.TrimPrefix(s, "-") == "nan" {
			return math.NaN()
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("the harness printed %q", s)
		}
		return x
	}

	cpu := &backend.CPU{}
	rng := rand.New(rand.NewPCG(5, 6))
	random := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 0.1 + 1.9*rng.Float64()
		}
		return s
	}
	positions := func(n, size int, negative int) []int32 {
		p := make([]int32, n)
		for i := range p {
			p[i] = int32(rng.IntN(size))
			if i%negative == 0 {
				p[i] = -1
			}
		}
		return p
	}
	distinct := func(n, size int) []int32 {
		p := make([]int32, n)
		for i, q := range rng.Perm(size)[:n] {
			p[i] = int32(q)
			if i%9 == 0 {
				p[i] = -2
			}
		}
		return p
	}

	var ops []backend.Op
	for _, c := range backend.Codes() {
		if c == backend.FuncValue || c == backend.FuncTangent || c == backend.FuncCurvature {
			for _, f := range backend.Funcs() {
				ops = append(ops, backend.Op{Code: c, Fn: f, P: 1.7})
			}
		} else {
			ops = append(ops, backend.Op{Code: c, P: -0.8})
		}
	}
	const n = 300 // two blocks
	grid := (n + block - 1) / block
	for _, op := range ops {
		for _, gathered := range []bool{false, true} {
			var w strings.Builder
			in := make([]backend.In, op.Code.Arity())
			writeIn := func() {
				for _, x := range in {
					v := backend.Host(x.V)
					fmt.Fprintf(&w, "%d %s ", len(v), floats(v))
					if x.At != nil {
						fmt.Fprintf(&w, "1 %s\n", ints(x.At.(*backend.HostIndex).Pos))
					} else {
						w.WriteString("0\n")
					}
				}
			}
			for k := range in {
				if gathered && k%2 == 0 {
					in[k] = backend.In{V: backend.Wrap(random(n / 2)), At: &backend.HostIndex{Pos: positions(n, n/2, 5)}}
				} else {
					in[k] = backend.In{V: backend.Wrap(random(n))}
				}
			}
			name := fmt.Sprintf("%v gathered %v", op.Code, gathered)
			if op.Code == backend.FuncValue || op.Code == backend.FuncTangent || op.Code == backend.FuncCurvature {
				name = fmt.Sprintf("%v %v gathered %v", op.Code, op.Fn, gathered)
			}
			for _, mode := range []backend.Mode{backend.Set, backend.Accumulate, backend.KeepMax} {
				for _, scattered := range []bool{false, true} {
					out := backend.Out{Mode: mode}
					switch {
					case !scattered:
						out.V = backend.Wrap(random(n))
					case mode == backend.Set:
						out.V, out.At = backend.Wrap(random(n+20)), &backend.HostIndex{Pos: distinct(n, n+20)}
					default:
						out.V, out.At = backend.Wrap(random(n/3)), &backend.HostIndex{Pos: positions(n, n/3, 7)}
					}
					w.Reset()
					fmt.Fprintf(&w, "0 %d %d %s %d %d %d %d\n", op.Code, op.Fn, floats([]float64{op.P}), mode, n, len(in), grid)
					writeIn()
					dst := backend.Host(out.V)
					fmt.Fprintf(&w, "%d %s ", len(dst), floats(dst))
					if out.At != nil {
						fmt.Fprintf(&w, "1 %s\n", ints(out.At.(*backend.HostIndex).Pos))
					} else {
						w.WriteString("0\n")
					}
					io.WriteString(stdin, w.String())
					cpu.Map(op, n, out, in...)
					got := make([]float64, len(dst))
					for i := range got {
						got[i] = next()
					}
					tol := 1e-14
					if scattered && mode == backend.Accumulate {
						tol = 1e-12 // the order of the additions differs
					}
					if i, ok := near(got, dst, tol); !ok {
						t.Errorf("Map %s mode %v scattered %v: element %d = %v, want %v", name, mode, scattered, i, got[i], dst[i])
					}
				}
			}
			for _, r := range backend.Reductions() {
				w.Reset()
				fmt.Fprintf(&w, "1 %d %d %s %d %d %d %d\n", op.Code, op.Fn, floats([]float64{op.P}), r, n, len(in), grid)
				writeIn()
				io.WriteString(stdin, w.String())
				got, want := next(), cpu.Reduce(r, op, n, in...)
				if _, ok := near([]float64{got}, []float64{want}, 1e-12); !ok {
					t.Errorf("Reduce %v of %s = %v, want %v", r, name, got, want)
				}
			}
		}
	}
	// A small upload writes its n values and nothing past them.
	for _, n := range []int{1, 37, backend.SmallUpload} {
		vals := random(n)
		fmt.Fprintf(stdin, "2 %d %d %s\n", n+3, n, floats(vals))
		want := append(vals, -1, -1, -1)
		got := make([]float64, len(want))
		for i := range got {
			got[i] = next()
		}
		if i, ok := near(got, want, 0); !ok {
			t.Errorf("fill of %d: element %d = %v, want %v", n, i, got[i], want[i])
		}
	}
	// NaN wins the largest, and an empty reduction is -Inf or 0 on the host side of
	// Reduce, so only NaN is the kernels'.
	nan := backend.In{V: backend.Wrap([]float64{1, math.NaN(), 3, 2})}
	fmt.Fprintf(stdin, "1 %d 0 0x0p+00 %d 4 1 1\n4 %s 0\n", backend.Copy, backend.Largest, floats(backend.Host(nan.V)))
	if got := next(); !math.IsNaN(got) {
		t.Errorf("Largest over a NaN = %v, want NaN", got)
	}
}

func floats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'x', -1, 64)
	}
	return strings.Join(s, " ")
}

func ints(v []int32) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(int(x))
	}
	return strings.Join(s, " ")
}

// TestEmulatedDeviceRunsGPUTests runs this package's GPU tests (TestGPU*: opening,
// sticky errors, misuse, the conformance suite) against cudaemu's device: libcuda,
// NVRTC and cuBLAS stand-ins that run on the CPU. It checks everything between
// package cuda and CUDA's libraries where no GPU is.
func TestEmulatedDeviceRunsGPUTests(t *testing.T) {
	cudaemu.RerunOnDevice(t, "^TestGPU")
}

// TestEmulatedDeviceCachesKernels opens the backend three times, each in a process
// of its own, with one kernel cache: the first compiles and stores the kernels, the
// second loads them without compiling, and the third, finding the file damaged,
// compiles again and replaces it.
func TestEmulatedDeviceCachesKernels(t *testing.T) {
	cache := t.TempDir()
	run := func() (built bool, files []string) {
		out := cudaemu.RerunOnDevice(t, "^TestGPUOpen$", "NNOPT_CUDA_CACHE="+cache)
		entries, err := os.ReadDir(cache)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			files = append(files, e.Name())
		}
		return strings.Contains(out, "emulated NVRTC: built"), files
	}
	built, files := run()
	if !built || len(files) != 1 || !strings.HasSuffix(files[0], ".cubin") {
		t.Fatalf("first open: built %v, cache %v; want a build and one .cubin", built, files)
	}
	image := filepath.Join(cache, files[0])
	if built, again := run(); built || !slices.Equal(again, files) {
		t.Fatalf("second open: built %v, cache %v; want the cached %v", built, again, files)
	}
	if err := os.WriteFile(image, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if built, again := run(); !built || !slices.Equal(again, files) {
		t.Fatalf("open with a damaged cache file: built %v, cache %v; want a build replacing %v", built, again, files)
	}
	if b, err := os.ReadFile(image); err != nil || string(b) == "damaged" {
		t.Errorf("the damaged cache file was not replaced: %q, %v", b, err)
	}
}

// TestEmulatedDeviceFailures makes the emulated device fail where a GPU can, NVRTC
// rejecting the kernels and a kernel faulting, and runs TestFailingDevice on it.
func TestEmulatedDeviceFailures(t *testing.T) {
	for _, fail := range []string{"compile", "launch:3"} {
		t.Run(fail, func(t *testing.T) {
			cudaemu.RerunOnDevice(t, "^TestFailingDevice$", "NNOPT_EMU_FAIL="+fail)
		})
	}
}

// TestFailingDevice checks what the backend says when the device fails as
// $NNOPT_EMU_FAIL asks: Open names NVRTC and gives its log; a fault fails Err with
// the CUDA error, and the results after it are NaN.
func TestFailingDevice(t *testing.T) {
	switch fail := os.Getenv("NNOPT_EMU_FAIL"); {
	case fail == "compile":
		_, err := Open()
		if err == nil {
			t.Fatal("Open succeeded although every compilation fails")
		}
		for _, want := range []string{"nvrtcCompileProgram --gpu-architecture=sm_90", "NVRTC_ERROR_COMPILATION",
			"error: failing as NNOPT_EMU_FAIL=compile asks", "(NVRTC 13.0, "} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Open() = %v, want it to say %q", err, want)
			}
		}
	case strings.HasPrefix(fail, "launch:"):
		b, err := open() // a backend of its own: the failure is sticky
		if err != nil {
			t.Fatal(err)
		}
		v := b.NewVector(1000)
		for i := range 5 {
			b.Map(backend.Op{Code: backend.Const, P: float64(i)}, 1000, backend.Out{V: v})
		}
		err = b.Err()
		if err == nil || !strings.Contains(err.Error(), "CUDA_ERROR_LAUNCH_FAILED") {
			t.Fatalf("Err() after a faulting kernel = %v, want CUDA_ERROR_LAUNCH_FAILED", err)
		}
		t.Log(err)
		got := make([]float64, 1000)
		b.Download(got, v)
		if !math.IsNaN(got[0]) || !math.IsNaN(b.Reduce(backend.Sum, backend.Op{Code: backend.Copy}, 1000, backend.In{V: v})) {
			t.Errorf("Download and Reduce after a fault give %v and a number, want NaN", got[0])
		}
	default:
		t.Skip("runs on the emulated device, under TestEmulatedDeviceFailures")
	}
}
