package cuda

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/nnopt/nnopt/backend"
)

// TestProbe checks, where CUDA cannot run, that the error says why and how to fix it.
func TestProbe(t *testing.T) {
	err := Probe()
	if err == nil {
		t.Skip("CUDA is available here")
	}
	t.Log(err)
	if !errors.Is(err, backend.ErrUnavailable) {
		t.Errorf("Probe() = %v, want an error wrapping backend.ErrUnavailable", err)
	}
	if _, err2 := Open(); err2 != err {
		t.Errorf("second Open's error %v differs from the first's %v", err2, err)
	}
	if os.Getenv("NNOPT_LIBCUDA") == "" && strings.Contains(err.Error(), "cannot find the CUDA driver library") {
		for _, want := range []string{"libcuda.so.1", "NNOPT_LIBCUDA"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Probe() = %q, want it to name %s", err, want)
			}
		}
	}
}

// TestOpenEnv checks NNOPT_LIBCUDA: the file it names is the only one tried, and
// the error names the variable and the file.
func TestOpenEnv(t *testing.T) {
	dir := t.TempDir()
	notLib := filepath.Join(dir, "libcuda.so.1")
	if err := os.WriteFile(notLib, []byte("not a shared library\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []string{filepath.Join(dir, "missing", "libcuda.so.1"), notLib}
	if canLoad {
		cases = append(cases, "libc.so.6") // a library, but not CUDA's driver
	}
	for _, path := range cases {
		t.Setenv("NNOPT_LIBCUDA", path)
		b, err := open()
		if err == nil {
			t.Fatalf("NNOPT_LIBCUDA=%s: open() = %v, want an error", path, b.Name())
		}
		t.Logf("NNOPT_LIBCUDA=%s: %v", path, err)
		if !errors.Is(err, backend.ErrUnavailable) {
			t.Errorf("NNOPT_LIBCUDA=%s: error %v does not wrap backend.ErrUnavailable", path, err)
		}
		for _, want := range []string{"NNOPT_LIBCUDA=" + path, "libcuda"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("NNOPT_LIBCUDA=%s: error %q does not contain %q", path, err, want)
			}
		}
		if canLoad && path == "libc.so.6" && !strings.Contains(err.Error(), "lacks cuInit, ") {
			t.Errorf("NNOPT_LIBCUDA=libc.so.6: error %q does not name the missing cuInit", err)
		}
	}
}

// TestLibraryErrors checks that every library's variable is named in its error, and
// that without it the error lists the files tried.
func TestLibraryErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing.so")
	for _, lib := range []library{libCUDA, libNVRTC, libCUBLAS} {
		t.Setenv(lib.env, missing)
		_, _, err := lib.open(0, nil)
		if err == nil || !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), lib.env+"="+missing) {
			t.Errorf("%s=%s: open = %v, want an ErrUnavailable naming the variable and file", lib.env, missing, err)
		}
		t.Setenv(lib.env, "")
	}
	// Without the variable every candidate is listed.
	lib := library{what: "a test library", env: "NNOPT_TEST_NO_SUCH_VAR", names: []string{"libnnopt-none.so.3"}}
	_, _, err := lib.open(0, nil)
	if err == nil || !strings.Contains(err.Error(), "libnnopt-none.so.3") || !strings.Contains(err.Error(), "NNOPT_TEST_NO_SUCH_VAR") {
		t.Errorf("open of a missing library = %v, want the names tried and the variable", err)
	}
}

func TestCandidates(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a/libx.so.12", "a/libx.so.13", "py/nvidia/cu13/lib/libx.so.13", "py/nvidia/other/lib/libx.so"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib := library{
		names: []string{"libx.so.13", "libx.so.12", "libx.so"},
		dirs:  []string{filepath.Join(dir, "a"), filepath.Join(dir, "py/nvidia/*/lib"), filepath.Join(dir, "absent")},
	}
	j := func(f string) string { return filepath.Join(dir, f) }
	want := []string{
		"libx.so.13", j("a/libx.so.13"), j("py/nvidia/cu13/lib/libx.so.13"),
		"libx.so.12", j("a/libx.so.12"),
		"libx.so", j("py/nvidia/other/lib/libx.so"),
	}
	if got := lib.candidates(0); !slices.Equal(got, want) {
		t.Errorf("candidates(0) =\n%q\nwant\n%q", got, want)
	}
	// A driver of CUDA 12 tries version 13 last.
	want12 := []string{
		"libx.so.12", j("a/libx.so.12"),
		"libx.so", j("py/nvidia/other/lib/libx.so"),
		"libx.so.13", j("a/libx.so.13"), j("py/nvidia/cu13/lib/libx.so.13"),
	}
	if got := lib.candidates(12); !slices.Equal(got, want12) {
		t.Errorf("candidates(12) =\n%q\nwant\n%q", got, want12)
	}
}

func TestLibraryLists(t *testing.T) {
	for _, c := range []struct {
		lib   library
		env   string
		names []string
		dirs  []string
	}{
		{libCUDA, "NNOPT_LIBCUDA", []string{"libcuda.so.1", "libcuda.so"}, nil},
		{libNVRTC, "NNOPT_NVRTC", []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"},
			[]string{"/usr/local/cuda/lib64", "/opt/*/.venv/lib/python3*/site-packages/nvidia/cu13/lib",
				"/opt/*/.venv/lib/python3*/site-packages/nvidia/cuda_nvrtc/lib", "/usr/local/lib/python3*/dist-packages/nvidia/*/lib"}},
		{libCUBLAS, "NNOPT_CUBLAS", []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"},
			[]string{"/usr/local/cuda/lib64", "/opt/*/.venv/lib/python3*/site-packages/nvidia/cublas/lib"}},
	} {
		if c.lib.env != c.env || !slices.Equal(c.lib.names, c.names) {
			t.Errorf("%s: env %s names %q, want %s %q", c.lib.what, c.lib.env, c.lib.names, c.env, c.names)
		}
		for _, d := range c.dirs {
			if !slices.Contains(c.lib.dirs, d) {
				t.Errorf("%s: directories lack %s", c.lib.what, d)
			}
		}
	}
	for name, want := range map[string]int{"libnvrtc.so.12": 12, "libnvrtc.so.11.2": 11, "libcuda.so": 0, "libx.so.13.0.1": 13} {
		if got := sonameMajor(name); got != want {
			t.Errorf("sonameMajor(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestCacheKey(t *testing.T) {
	opts := []string{"--gpu-architecture=sm_90", "--std=c++17"}
	k := cacheKey("src", opts, "12.8")
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(k) {
		t.Fatalf("cacheKey = %q, want 32 hex digits", k)
	}
	if k != cacheKey("src", slices.Clone(opts), "12.8") {
		t.Error("cacheKey differs for the same inputs")
	}
	for _, other := range []string{
		cacheKey("src2", opts, "12.8"),
		cacheKey("src", []string{"--gpu-architecture=sm_80", "--std=c++17"}, "12.8"),
		cacheKey("src", opts, "13.0"),
		cacheKey("src", append(slices.Clone(opts), "--fmad=false"), "12.8"),
		cacheKey("sr", append([]string{"c"}, opts...), "12.8"), // no ambiguity from concatenation
	} {
		if other == k {
			t.Errorf("cacheKey collides: %s", other)
		}
	}
}

func TestCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nnopt", "cuda")
	if got := readCache(dir, "k.cubin"); got != nil {
		t.Errorf("readCache of a missing file = %q", got)
	}
	for _, data := range []string{"first image", "second"} {
		if err := writeCache(dir, "k.cubin", []byte(data)); err != nil {
			t.Fatal(err)
		}
		if got := readCache(dir, "k.cubin"); string(got) != data {
			t.Errorf("readCache = %q, want %q", got, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("cache directory holds %d files, want 1 (no temporary files left)", len(entries))
	}
	if err := writeCache("", "k", []byte("x")); err != nil || readCache("", "k") != nil {
		t.Error("an empty cache directory should store and find nothing")
	}
	t.Setenv("NNOPT_CUDA_CACHE", "off")
	if d := cacheDir(); d != "" {
		t.Errorf("NNOPT_CUDA_CACHE=off: cacheDir() = %q", d)
	}
	t.Setenv("NNOPT_CUDA_CACHE", dir)
	if d := cacheDir(); d != dir {
		t.Errorf("NNOPT_CUDA_CACHE=%s: cacheDir() = %q", dir, d)
	}
}

// TestKernelsCoverCodes makes sure that every backend.Code and backend.Func has its
// case in the kernels, so that a new one cannot be forgotten, and that the prelude
// defines it.
func TestKernelsCoverCodes(t *testing.T) {
	src := kernelSource()
	for _, c := range backend.Codes() {
		if !strings.Contains(kernelsCU, "case C_"+c.String()+":") {
			t.Errorf("kernels.cu has no case C_%v", c)
		}
		if !strings.Contains(src, "#define C_"+c.String()+" ") {
			t.Errorf("the prelude does not define C_%v", c)
		}
	}
	for _, f := range backend.Funcs() {
		// funcEval and funcValue switch on every function.
		if n := strings.Count(kernelsCU, "case F_"+f.String()+":"); n < 2 {
			t.Errorf("kernels.cu has %d cases F_%v, want funcEval's and funcValue's", n, f)
		}
	}
	for _, name := range []string{"nnopt_map", "nnopt_reduce", "nnopt_finish", "nnopt_fill"} {
		if !strings.Contains(kernelsCU, `extern "C" __global__ void `+name+"(") {
			t.Errorf("kernels.cu lacks the kernel %s", name)
		}
	}
	if strings.Contains(strings.Join(options, " "), "fast-math") || !slices.Contains(options, "--fmad=false") {
		t.Errorf("NVRTC options %q: want no fast math and no fused multiply-adds", options)
	}
}

// TestArgsLayout checks the Go mirrors of the kernels' parameter structs against the
// C layout (LP64: 8-byte pointers and long long, 4-byte int).
func TestArgsLayout(t *testing.T) {
	var a mapArgs
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"sizeof(MapArgs)", unsafe.Sizeof(a), 144},
		{"offsetof(g)", unsafe.Offsetof(a.g), 48},
		{"offsetof(out)", unsafe.Offsetof(a.out), 96},
		{"offsetof(at)", unsafe.Offsetof(a.at), 104},
		{"offsetof(p)", unsafe.Offsetof(a.p), 112},
		{"offsetof(n)", unsafe.Offsetof(a.n), 120},
		{"offsetof(code)", unsafe.Offsetof(a.code), 128},
		{"offsetof(fn)", unsafe.Offsetof(a.fn), 132},
		{"offsetof(mode)", unsafe.Offsetof(a.mode), 136},
		{"sizeof(FinishArgs)", unsafe.Sizeof(finishArgs{}), 24},
		{"offsetof(count)", unsafe.Offsetof(finishArgs{}.count), 16},
		{"sizeof(FillArgs)", unsafe.Sizeof(fillArgs{}), 16 + 8*backend.SmallUpload},
		{"offsetof(values)", unsafe.Offsetof(fillArgs{}.values), 16},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if !strings.Contains(kernelsCU, "const double *v[6];") || !strings.Contains(kernelsCU, "long long n;") {
		t.Error("kernels.cu's MapArgs changed: update mapArgs and this test")
	}
}

// TestSignatures binds every entry point to a dummy address: purego checks each
// signature's argument kinds and count when it is registered, never calling it.
func TestSignatures(t *testing.T) {
	if !canLoad {
		t.Skip("no dynamic loading on this platform")
	}
	var d driverAPI
	var n nvrtcAPI
	var b blasAPI
	all := slices.Concat(d.symbols(), n.symbols(), n.optional(), b.symbols())
	for _, s := range all {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: purego rejects the signature: %v", s.name, r)
				}
			}()
			bindAddr(s, 1)
		}()
	}
	if d.cuLaunchKernel == nil || b.cublasDgemm == nil || n.nvrtcGetCUBIN == nil {
		t.Error("binding left functions nil")
	}
}

func TestChooseTarget(t *testing.T) {
	for _, c := range []struct {
		arch      int
		supported []int
		cubin     bool
		want      target
		fails     bool
	}{
		{90, []int{75, 80, 86, 89, 90, 100}, true, target{90, true}, false},
		{90, nil, true, target{90, true}, false},
		{90, nil, false, target{90, false}, false},
		{120, []int{75, 80, 90, 100}, true, target{100, false}, false},
		{61, []int{75, 80}, true, target{}, true},
	} {
		got, err := chooseTarget(c.arch, c.supported, c.cubin)
		if (err != nil) != c.fails || got != c.want {
			t.Errorf("chooseTarget(%d, %v, %v) = %v, %v; want %v (fails %v)", c.arch, c.supported, c.cubin, got, err, c.want, c.fails)
		}
	}
	if o := (target{90, true}).option(); o != "--gpu-architecture=sm_90" {
		t.Errorf("option = %q", o)
	}
	if o := (target{86, false}).option(); o != "--gpu-architecture=compute_86" {
		t.Errorf("option = %q", o)
	}
}

func TestVersionString(t *testing.T) {
	for v, want := range map[int32]string{13000: "13.0", 12080: "12.8", 11020: "11.2"} {
		if got := versionString(v); got != want {
			t.Errorf("versionString(%d) = %q, want %q", v, got, want)
		}
	}
}
