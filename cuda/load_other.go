//go:build !(linux && !android && (amd64 || arm64 || ppc64le))

package cuda

import (
	"errors"
	"fmt"
	"runtime"
)

// dlopen fails: CUDA's libraries are loaded on 64-bit Linux only (NVIDIA ships them
// for amd64, arm64 and ppc64le).
func dlopen(path string) (uintptr, error) {
	return 0, fmt.Errorf("loading CUDA's libraries is not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}

func dlclose(uintptr) {}

func bind(uintptr, symbol) error { return errors.New("no dynamic loading") }

func bindAddr(symbol, uintptr) {}

const canLoad = false
