//go:build unix

package fsutil

import (
	"errors"
	"syscall"
)

// processGone reports whether no process with the given pid exists. Signal 0
// probes without signalling; EPERM means a process of another user has it.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
