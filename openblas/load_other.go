//go:build !((darwin || freebsd || linux || netbsd) && (cgo || !(android || freebsd || ios || s390x)))

package openblas

import (
	"fmt"
	"runtime"
)

// load fails: purego has no Dlopen on this GOOS (Windows would need
// LoadLibrary), or needs cgo for it on this platform.
func load() (*Implementation, error) {
	return nil, fmt.Errorf("openblas: loading OpenBLAS is not supported on %s/%s in this build (no dlopen, or it needs CGO_ENABLED=1)", runtime.GOOS, runtime.GOARCH)
}
