//go:build !((darwin || freebsd || linux || netbsd) && (cgo || !(android || freebsd || ios || s390x)))

package coin

import (
	"fmt"
	"runtime"
)

// loadCbc and loadClp fail: purego has no Dlopen on this GOOS (Windows would
// need LoadLibrary), or needs cgo for it on this platform.
func loadCbc() (*cbcLib, error) {
	return nil, fmt.Errorf("coin: loading Cbc is not supported on %s/%s in this build (no dlopen, or it needs CGO_ENABLED=1)", runtime.GOOS, runtime.GOARCH)
}

func loadClp() (*clpLib, error) {
	return nil, fmt.Errorf("coin: loading Clp is not supported on %s/%s in this build (no dlopen, or it needs CGO_ENABLED=1)", runtime.GOOS, runtime.GOARCH)
}
