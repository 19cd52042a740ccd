// Package sysmem tells how much memory the machine can still give this
// process, so that a command can refuse a run that would not fit with a clear
// message instead of being killed, or swapping, gigabytes into it.
package sysmem

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Where the figures are read on Linux. The cgroup files are those of the
// cgroup namespace's root, which is the process's own cgroup in a container.
const (
	meminfoPath   = "/proc/meminfo"
	cgroup2Limit  = "/sys/fs/cgroup/memory.max"
	cgroup2Usage  = "/sys/fs/cgroup/memory.current"
	cgroup1Limit  = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
	cgroup1Usage  = "/sys/fs/cgroup/memory/memory.usage_in_bytes"
	noCgroupLimit = 1 << 60 // cgroup v1 writes a huge page-aligned number for "no limit"
)

// Available returns the bytes of memory that can still be allocated without
// swapping: MemAvailable of /proc/meminfo, or less when a cgroup memory limit
// leaves less room. ok is false where that cannot be read (not Linux, no
// /proc), and a caller should then skip its check rather than fail.
func Available() (bytes uint64, ok bool) {
	f, err := os.Open(meminfoPath)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	avail, err := parseMemAvailable(f)
	if err != nil {
		return 0, false
	}
	for _, p := range [][2]string{{cgroup2Limit, cgroup2Usage}, {cgroup1Limit, cgroup1Usage}} {
		if room, ok := cgroupRoom(p[0], p[1]); ok && room < avail {
			avail = room
		}
	}
	return avail, true
}

// Source names where Available reads, for messages.
const Source = "MemAvailable in " + meminfoPath + ", or a cgroup memory limit"

// parseMemAvailable returns the MemAvailable line of /proc/meminfo in bytes.
func parseMemAvailable(r io.Reader) (uint64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("sysmem: MemAvailable line %q: want a number of kB", sc.Text())
		}
		kb, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil || kb > 1<<53 {
			return 0, fmt.Errorf("sysmem: MemAvailable line %q: want a number of kB", sc.Text())
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("sysmem: no MemAvailable line")
}

// cgroupRoom returns what a cgroup memory limit leaves: limit - usage. ok is
// false when the files are missing or unreadable or there is no limit.
func cgroupRoom(limitPath, usagePath string) (uint64, bool) {
	limit, ok := readBytes(limitPath)
	if !ok || limit >= noCgroupLimit {
		return 0, false
	}
	usage, ok := readBytes(usagePath)
	if !ok {
		return 0, false
	}
	if usage >= limit {
		return 0, true
	}
	return limit - usage, true
}

// readBytes reads a cgroup file holding one number of bytes; "max" (cgroup
// v2's no limit) is not a number.
func readBytes(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	return n, err == nil
}
