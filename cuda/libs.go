package cuda

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/nnopt/nnopt/backend"
)

// A library is one of the shared libraries Open loads: what it is for the error
// messages, the environment variable that names its file, and the names the dynamic
// loader may know it by, newest first.
type library struct {
	what  string   // "the CUDA driver (libcuda)"
	env   string   // NNOPT_LIBCUDA
	names []string // sonames, newest first
	// dirs lists directories to try each name in after the loader's own search
	// path, as filepath.Glob patterns.
	dirs []string
	// deps lists, as filepath.Glob patterns with %s for the major version, the
	// libraries it loads by name at run time, to be loaded first from its directory.
	deps []string
}

var (
	libCUDA = library{
		what:  "the CUDA driver library (libcuda)",
		env:   "NNOPT_LIBCUDA",
		names: []string{"libcuda.so.1", "libcuda.so"},
		dirs: []string{
			"/usr/lib/" + multiarch() + "-linux-gnu",
			"/usr/lib64",
			"/usr/local/nvidia/lib64", // NVIDIA's container toolkit
			"/usr/lib/wsl/lib",        // WSL 2
		},
	}
	libNVRTC = library{
		what:  "NVRTC, the CUDA runtime compiler (libnvrtc)",
		env:   "NNOPT_NVRTC",
		names: []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"},
		dirs:  toolkitDirs("cuda_nvrtc"),
		deps:  []string{"libnvrtc-builtins.so.%s*"},
	}
	libCUBLAS = library{
		what:  "cuBLAS (libcublas)",
		env:   "NNOPT_CUBLAS",
		names: []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"},
		dirs:  toolkitDirs("cublas"),
		deps:  []string{"libcublasLt.so.%s*"},
	}
)

// multiarch is the machine part of Debian's library directory and of the CUDA
// toolkit's targets/ directory.
func multiarch() string {
	if runtime.GOARCH == "arm64" {
		return "aarch64"
	}
	if runtime.GOARCH == "ppc64le" {
		return "powerpc64le"
	}
	return "x86_64"
}

// toolkitDirs lists where the CUDA toolkit and NVIDIA's Python wheels (pip's
// nvidia-<wheel>-cuXX, and the nvidia/cu13 layout of CUDA 13's) put a library.
func toolkitDirs(wheel string) []string {
	arch := multiarch()
	targets := arch + "-linux"
	if arch == "aarch64" {
		targets = "sbsa-linux"
	}
	var dirs []string
	for _, env := range []string{"CUDA_HOME", "CUDA_PATH"} {
		if root := os.Getenv(env); root != "" {
			dirs = append(dirs, filepath.Join(root, "lib64"), filepath.Join(root, "targets", targets, "lib"))
		}
	}
	dirs = append(dirs,
		"/usr/local/cuda/lib64",
		"/usr/local/cuda/targets/"+targets+"/lib",
		"/usr/local/cuda-*/lib64",
		"/usr/lib/"+arch+"-linux-gnu",
		"/usr/lib64",
	)
	var sites []string
	if venv := os.Getenv("VIRTUAL_ENV"); venv != "" {
		sites = append(sites, filepath.Join(venv, "lib/python3*/site-packages"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		sites = append(sites, filepath.Join(home, ".local/lib/python3*/site-packages"))
	}
	sites = append(sites,
		"/usr/local/lib/python3*/dist-packages",
		"/usr/local/lib/python3*/site-packages",
		"/usr/lib/python3/dist-packages",
		"/opt/*/.venv/lib/python3*/site-packages",
		"/opt/*/venv/lib/python3*/site-packages",
		"/opt/*/lib/python3*/site-packages", // conda
	)
	for _, site := range sites {
		for _, sub := range []string{"cu13", wheel, "*"} {
			dirs = append(dirs, filepath.Join(site, "nvidia", sub, "lib"))
		}
	}
	return dirs
}

// candidates lists the files to try for lib, in order: each name through the loader's
// search path, then in every existing directory of lib.dirs. Names of a major
// version newer than driverMajor (0: unknown) go last: such a toolkit library needs a
// newer driver than this one.
func (lib library) candidates(driverMajor int) []string {
	names := slices.Clone(lib.names)
	if driverMajor > 0 {
		slices.SortStableFunc(names, func(a, b string) int {
			return boolCmp(sonameMajor(a) > driverMajor, sonameMajor(b) > driverMajor)
		})
	}
	var dirs []string
	for _, pattern := range lib.dirs {
		matches, _ := filepath.Glob(pattern)
		slices.Sort(matches)
		for _, d := range matches {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() && !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	var out []string
	for _, name := range names {
		out = append(out, name)
		for _, d := range dirs {
			path := filepath.Join(d, name)
			if _, err := os.Stat(path); err == nil && !slices.Contains(out, path) {
				out = append(out, path)
			}
		}
	}
	return out
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// sonameMajor returns the major version of a soname, "libnvrtc.so.12" → 12, or 0.
func sonameMajor(name string) int {
	_, v, ok := strings.Cut(name, ".so.")
	if !ok {
		return 0
	}
	major, _, _ := strings.Cut(v, ".")
	n, _ := strconv.Atoi(major)
	return n
}

// open loads lib: the file its environment variable names, if set (and then only
// that), else the first of its candidates that loads and has every symbol. On
// failure the error wraps backend.ErrUnavailable and lists every file tried.
func (lib library) open(driverMajor int, syms []symbol) (path string, handle uintptr, err error) {
	if p := os.Getenv(lib.env); p != "" {
		h, err := lib.openWith(p, syms)
		if err != nil {
			return "", 0, fmt.Errorf("cuda: %w: cannot load %s from %s=%s: %v", backend.ErrUnavailable, lib.what, lib.env, p, err)
		}
		return p, h, nil
	}
	var errs []string
	for _, p := range lib.candidates(driverMajor) {
		h, err := lib.openWith(p, syms)
		if err == nil {
			return p, h, nil
		}
		errs = append(errs, "\t"+err.Error())
	}
	return "", 0, fmt.Errorf("cuda: %w: cannot find %s; set %s to its file. Tried:\n%s",
		backend.ErrUnavailable, lib.what, lib.env, strings.Join(errs, "\n"))
}

// openWith loads path, after its dependencies, and binds syms, naming path in its
// error.
func (lib library) openWith(path string, syms []symbol) (uintptr, error) {
	lib.preload(path)
	h, err := dlopen(path)
	if err != nil {
		if !strings.Contains(err.Error(), path) {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return 0, err
	}
	var missing []string
	for _, s := range syms {
		if err := bind(h, s); err != nil {
			missing = append(missing, s.name)
		}
	}
	if len(missing) > 0 {
		dlclose(h)
		return 0, fmt.Errorf("%s: not %s: it lacks %s", path, lib.what, strings.Join(missing, ", "))
	}
	return h, nil
}

// preload loads, where they lie beside path, the libraries that path's library
// loads by name (cuBLAS its cuBLASLt, NVRTC its builtins), so that they are found
// even when that directory is not on the loader's search path: NVIDIA's Python
// wheels. Failures are left for path's own loading to report.
func (lib library) preload(path string) {
	if !filepath.IsAbs(path) {
		return
	}
	major := "*"
	if m := sonameMajor(filepath.Base(path)); m > 0 {
		major = strconv.Itoa(m)
	}
	for _, dep := range lib.deps {
		matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), fmt.Sprintf(dep, major)))
		slices.Sort(matches)
		slices.Reverse(matches) // the newest first
		for _, m := range matches {
			if _, err := dlopen(m); err == nil {
				break
			}
		}
	}
}
