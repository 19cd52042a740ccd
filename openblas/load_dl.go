//go:build (darwin || freebsd || linux || netbsd) && (cgo || !(android || freebsd || ios || s390x))

// purego provides Dlopen on these systems; without cgo it does not build
// for android, ios and linux/s390x, nor for freebsd without extra gcflags.

package openblas

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/ebitengine/purego"
)

// load opens the first library that candidates lists, unless NNOPT_OPENBLAS
// names one.
func load() (*Implementation, error) {
	if path := os.Getenv("NNOPT_OPENBLAS"); path != "" {
		impl, err := open(path)
		if err != nil {
			return nil, fmt.Errorf("openblas: NNOPT_OPENBLAS: %w", err)
		}
		return impl, nil
	}
	var errs []error
	for _, path := range candidates() {
		impl, err := open(path)
		if err == nil {
			return impl, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("openblas: no OpenBLAS library found (%s, or set NNOPT_OPENBLAS to the library file); tried:\n%w",
		installHint(), errors.Join(errs...))
}

// candidates lists sonames for the dynamic loader's search first, then files
// in standard install locations that are not on its search path.
func candidates() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{
			"libopenblas.dylib",
			"/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
			"/usr/local/opt/openblas/lib/libopenblas.dylib",
		}
	case "linux":
		names := []string{"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"}
		if triplet, ok := debianTriplet[runtime.GOARCH]; ok {
			dir := "/usr/lib/" + triplet + "/"
			for _, sub := range []string{"", "openblas-pthread/", "openblas-openmp/", "openblas-serial/"} {
				names = append(names, dir+sub+"libopenblas.so.0")
			}
		}
		return names
	default:
		return []string{"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"}
	}
}

// threadsFromEnv reports whether the user chose OpenBLAS's thread count through the
// environment variables it reads; then Load leaves its threading alone.
func threadsFromEnv() bool {
	for _, v := range []string{"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	return false
}

// debianTriplet maps GOARCH to Debian's multiarch library directory name.
var debianTriplet = map[string]string{
	"amd64":   "x86_64-linux-gnu",
	"arm64":   "aarch64-linux-gnu",
	"386":     "i386-linux-gnu",
	"arm":     "arm-linux-gnueabihf",
	"ppc64le": "powerpc64le-linux-gnu",
	"s390x":   "s390x-linux-gnu",
	"riscv64": "riscv64-linux-gnu",
	"loong64": "loongarch64-linux-gnu",
}

func installHint() string {
	switch runtime.GOOS {
	case "darwin":
		return "brew install openblas"
	case "linux":
		return "apt-get install libopenblas0"
	default:
		return "install OpenBLAS"
	}
}

// open loads path and resolves the symbols Implementation calls.
func open(path string) (*Implementation, error) {
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, err
	}
	impl := &Implementation{path: path}
	var getConfig func() string
	for _, sym := range []struct {
		fptr any
		name string
	}{
		{&impl.dgemm, "cblas_dgemm"},
		{&impl.dgemv, "cblas_dgemv"},
		{&impl.getThreads, "openblas_get_num_threads"},
		{&impl.setThreads, "openblas_set_num_threads"},
		{&getConfig, "openblas_get_config"},
	} {
		addr, err := purego.Dlsym(h, sym.name)
		if err != nil {
			purego.Dlclose(h)
			return nil, fmt.Errorf("not OpenBLAS: %w", err)
		}
		purego.RegisterFunc(sym.fptr, addr)
	}
	impl.config = getConfig()
	impl.SetParts(1)
	if !threadsFromEnv() {
		impl.setThreads(1)
		impl.SetParts(runtime.GOMAXPROCS(0))
	}
	return impl, nil
}
