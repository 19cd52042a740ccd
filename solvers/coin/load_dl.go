//go:build (darwin || freebsd || linux || netbsd) && (cgo || !(android || freebsd || ios || s390x))

// purego provides Dlopen on these systems; without cgo it does not build
// for android, ios and linux/s390x, nor for freebsd without extra gcflags.

package coin

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/ebitengine/purego"
)

// openLibrary opens the file named by the environment variable env when it
// is set (and nothing else), or else the first of names that loads and
// resolves every symbol that bind returns. pkg names the Debian package that
// installs the library, for the error.
func openLibrary(what, env, pkg string, names []string, bind func() []symbol) (string, error) {
	if path := os.Getenv(env); path != "" {
		if err := openOne(path, bind); err != nil {
			return "", fmt.Errorf("coin: %s: %w", env, err)
		}
		return path, nil
	}
	var errs []error
	for _, path := range names {
		err := openOne(path, bind)
		if err == nil {
			return path, nil
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("coin: %s not found (%s, or set %s to the library file); tried:\n%w",
		what, installHint(pkg), env, errors.Join(errs...))
}

// openOne loads path and resolves bind's symbols; on failure the library
// is closed again.
func openOne(path string, bind func() []symbol) error {
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return err
	}
	for _, sym := range bind() {
		addr, err := purego.Dlsym(h, sym.name)
		if err != nil {
			purego.Dlclose(h)
			return fmt.Errorf("%s lacks %s: %w", path, sym.name, err)
		}
		purego.RegisterFunc(sym.fptr, addr)
	}
	return nil
}

// candidates lists the sonames for the dynamic loader's search, then the
// same files in Debian's multiarch directory and Homebrew's prefixes.
func candidates(sonames ...string) []string {
	names := append([]string(nil), sonames...)
	switch runtime.GOOS {
	case "linux":
		if triplet, ok := debianTriplet[runtime.GOARCH]; ok {
			for _, s := range sonames {
				names = append(names, "/usr/lib/"+triplet+"/"+s)
			}
		}
	case "darwin":
		for _, s := range sonames {
			names = append(names, "/opt/homebrew/lib/"+s, "/usr/local/lib/"+s)
		}
	}
	return names
}

// debianTriplet maps GOARCH to Debian's multiarch library directory name.
var debianTriplet = map[string]string{
	"amd64":   "x86_64-linux-gnu",
	"arm64":   "aarch64-linux-gnu",
	"386":     "i386-linux-gnu",
	"arm":     "arm-linux-gnueabihf",
	"ppc64le": "powerpc64le-linux-gnu",
	"riscv64": "riscv64-linux-gnu",
	"loong64": "loongarch64-linux-gnu",
}

func installHint(pkg string) string {
	switch runtime.GOOS {
	case "darwin":
		return "brew install cbc"
	case "linux":
		return "apt-get install " + pkg
	default:
		return "install COIN-OR " + pkg
	}
}

func loadCbc() (*cbcLib, error) {
	lib := new(cbcLib)
	names := []string{"libCbcSolver.so.3", "libCbcSolver.so"}
	if runtime.GOOS == "darwin" {
		names = []string{"libCbcSolver.3.dylib", "libCbcSolver.dylib"}
	}
	path, err := openLibrary("Cbc's C interface (libCbcSolver)", "NNOPT_CBC", "coinor-libcbc3", candidates(names...), lib.symbols)
	if err != nil {
		return nil, err
	}
	lib.path = path
	lib.version = lib.getVersion()
	return lib, nil
}

func loadClp() (*clpLib, error) {
	lib := new(clpLib)
	names := []string{"libClp.so.1", "libClp.so"}
	if runtime.GOOS == "darwin" {
		names = []string{"libClp.1.dylib", "libClp.dylib"}
	}
	path, err := openLibrary("Clp's C interface (libClp)", "NNOPT_CLP", "coinor-libclp1", candidates(names...), lib.symbols)
	if err != nil {
		return nil, err
	}
	lib.path = path
	lib.version = lib.clpVersion()
	return lib, nil
}
