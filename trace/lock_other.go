//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package trace

import "os"

// lockFile does nothing where flock is not available: concurrent writers
// creating one new trace file may then both write its header.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
