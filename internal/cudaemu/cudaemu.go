// Package cudaemu runs package cuda without a GPU, for tests. It holds the C++
// stand-ins for CUDA: shim.h (the built-ins kernels.cu uses), harness.cpp (a program
// that runs the kernels on OS threads), and device.cpp with fibers.h, a shared
// library with the entry points of libcuda, NVRTC and cuBLAS that package cuda
// binds, running the kernels on the CPU.
//
// With the library built (Device) and named in the environment, cuda.Open loads it
// as it would load CUDA, so the backend's loading, calls, launches, parameter
// layouts, cuBLAS calls and error paths run end to end. RerunOnDevice does that for
// a test binary's own GPU tests. What stays for a real GPU: NVRTC's compilation,
// the device's math library, concurrency within a launch, and speed.
package cudaemu

import (
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sources are embedded so that a test binary carried to another machine has them.
//
//go:embed csrc
var sources embed.FS

// Compiler returns a C++ compiler that builds C++20 with std::barrier and shared
// libraries: $CXX, g++ or clang++.
func Compiler() (string, error) {
	var names []string
	if cxx := os.Getenv("CXX"); cxx != "" {
		names = append(names, cxx)
	}
	names = append(names, "g++", "clang++")
	dir, err := os.MkdirTemp("", "cudaemu-probe")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	probe := filepath.Join(dir, "probe.cpp")
	if err := os.WriteFile(probe, []byte("#include <barrier>\nint main() { std::barrier<> b(1); b.arrive_and_wait(); }\n"), 0o644); err != nil {
		return "", err
	}
	for _, name := range names {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if exec.Command(path, "-std=c++20", "-pthread", "-o", filepath.Join(dir, "probe"), probe).Run() == nil {
			return path, nil
		}
	}
	return "", errors.New("no C++20 compiler with std::barrier ($CXX, g++, clang++)")
}

// Write copies the C++ sources into dir.
func Write(dir string) error {
	entries, err := sources.ReadDir("csrc")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := sources.ReadFile("csrc/" + e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Device builds the emulated CUDA libraries with cxx in dir and returns the
// environment that makes package cuda load them, compile its kernels into dir and
// keep no kernel cache.
func Device(cxx, dir string) ([]string, error) {
	if err := Write(dir); err != nil {
		return nil, err
	}
	lib := filepath.Join(dir, "libnnopt_emulated_cuda.so")
	args := []string{"-std=c++17", "-O1", "-fPIC", "-shared", "-pthread", "-o", lib, filepath.Join(dir, "device.cpp"), "-ldl"}
	if out, err := exec.Command(cxx, args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", cxx, strings.Join(args, " "), err, out)
	}
	return []string{
		"NNOPT_LIBCUDA=" + lib,
		"NNOPT_NVRTC=" + lib,
		"NNOPT_CUBLAS=" + lib,
		"NNOPT_EMU_CXX=" + cxx,
		"NNOPT_EMU_DIR=" + dir,
		"NNOPT_EMU_WORK=" + dir,
		"NNOPT_CUDA_CACHE=off",
	}, nil
}

// RerunOnDevice runs this test binary again, on the emulated device, for the tests
// that pattern selects, with NNOPT_REQUIRE_CUDA=1 so that none may skip for want of
// CUDA and with env added, and fails t if they fail, skip or do not run. It returns
// their output, where the emulated NVRTC says each build. It skips t in -short mode
// and without a C++ compiler.
func RerunOnDevice(t *testing.T, pattern string, env ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the emulated device and runs tests on it for seconds")
	}
	if os.Getenv("NNOPT_EMU_DIR") != "" {
		t.Skip("already on the emulated device")
	}
	cxx, err := Compiler()
	if err != nil {
		t.Skip(err)
	}
	devEnv, err := Device(cxx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run", pattern, "-test.v", "-test.count=1")
	cmd.Env = append(append(append(os.Environ(), devEnv...), "NNOPT_REQUIRE_CUDA=1"), env...)
	out, err := cmd.CombinedOutput()
	t.Logf("%s -test.run '%s' on the emulated device:\n%s", filepath.Base(os.Args[0]), pattern, out)
	switch {
	case err != nil:
		t.Fatalf("the tests failed on the emulated device: %v", err)
	case !strings.Contains(string(out), "--- PASS"):
		t.Fatalf("no test matching %q ran on the emulated device", pattern)
	case strings.Contains(string(out), "--- SKIP"):
		t.Fatalf("a test skipped on the emulated device")
	}
	return string(out)
}
