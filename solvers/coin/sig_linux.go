//go:build linux && (amd64 || arm64)

package coin

import (
	"syscall"
	"unsafe"
)

// kernelSigaction is the kernel's struct sigaction on linux/amd64 and
// linux/arm64 (the layout Go's runtime uses for rt_sigaction).
type kernelSigaction struct {
	handler, flags, restorer, mask uint64
}

func getSigaction(sig int) (kernelSigaction, bool) {
	var old kernelSigaction
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	return old, e == 0
}

func setSigaction(sig int, act *kernelSigaction) bool {
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)), 0, 8, 0, 0)
	return e == 0
}

// sigint is SIGINT's number.
const sigint = 2

// guardSIGINT saves SIGINT's disposition; restore puts it back exactly
// (handler, flags, restorer and mask), undoing the signal(3) calls of Clp's
// and Cbc's drivers.
func guardSIGINT() (restore func()) {
	saved, ok := getSigaction(sigint)
	if !ok {
		return func() {}
	}
	return func() {
		if now, ok := getSigaction(sigint); !ok || now != saved {
			setSigaction(sigint, &saved)
		}
	}
}
