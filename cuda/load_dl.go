//go:build linux && !android && (amd64 || arm64 || ppc64le)

// CUDA's libraries exist for 64-bit Linux on these machines, and purego loads them
// there with or without cgo.

package cuda

import (
	"fmt"

	"github.com/ebitengine/purego"
)

// dlopen loads a shared library by file or soname. RTLD_GLOBAL lets a library that
// loads another by name at run time (cuBLAS its cuBLASLt) find one loaded before it.
func dlopen(path string) (uintptr, error) {
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
}

func dlclose(h uintptr) { purego.Dlclose(h) }

// bind points s's function variable at the library's symbol.
func bind(h uintptr, s symbol) error {
	addr, err := purego.Dlsym(h, s.name)
	if err != nil || addr == 0 {
		return fmt.Errorf("no symbol %s", s.name) // the caller names the missing ones
	}
	purego.RegisterFunc(s.fptr, addr)
	return nil
}

// bindAddr points s's function variable at addr; for the tests of the signatures.
func bindAddr(s symbol, addr uintptr) { purego.RegisterFunc(s.fptr, addr) }

const canLoad = true
