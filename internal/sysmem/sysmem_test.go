package sysmem

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseMemAvailable(t *testing.T) {
	for _, tc := range []struct {
		text string
		want uint64
		err  bool
	}{
		{text: "MemTotal:       24000000 kB\nMemFree:        22000000 kB\nMemAvailable:   23843920 kB\nBuffers: 1 kB\n", want: 23843920 << 10},
		{text: "MemAvailable: 0 kB\n", want: 0},
		{text: "MemTotal:       24000000 kB\nMemFree:        22000000 kB\n", err: true}, // kernels before 3.14
		{text: "MemAvailable:   lots kB\n", err: true},
		{text: "MemAvailable:   12 MB\n", err: true},
		{text: "MemAvailable:   99999999999999999999 kB\n", err: true},
		{text: "", err: true},
	} {
		got, err := parseMemAvailable(strings.NewReader(tc.text))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q: got %d, %v; want %d, error %v", tc.text, got, err, tc.want, tc.err)
		}
	}
}

func TestCgroupRoom(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		limit, usage string
		want         uint64
		ok           bool
	}{
		{limit: "1073741824\n", usage: "73741824\n", want: 1<<30 - 73741824, ok: true},
		{limit: "1000\n", usage: "2000\n", want: 0, ok: true},
		{limit: "max\n", usage: "2000\n"},                 // cgroup v2, no limit
		{limit: "9223372036854771712\n", usage: "2000\n"}, // cgroup v1, no limit
		{limit: "", usage: "2000\n"},
	} {
		got, ok := cgroupRoom(write("limit", tc.limit), write("usage", tc.usage))
		if got != tc.want || ok != tc.ok {
			t.Errorf("limit %q, usage %q: got %d, %v; want %d, %v", tc.limit, tc.usage, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := cgroupRoom(filepath.Join(dir, "none"), filepath.Join(dir, "none")); ok {
		t.Error("missing cgroup files: ok")
	}
}

// On Linux, Available reads a figure no larger than the machine's memory.
func TestAvailable(t *testing.T) {
	avail, ok := Available()
	if runtime.GOOS != "linux" {
		if ok {
			t.Logf("available: %d bytes", avail)
		}
		return
	}
	if !ok {
		t.Fatalf("Available: not readable on linux (%s)", meminfoPath)
	}
	b, err := os.ReadFile(meminfoPath)
	if err != nil {
		t.Fatal(err)
	}
	total, err := parseMemAvailable(strings.NewReader(strings.Replace(string(b), "MemTotal:", "MemAvailable:", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if avail == 0 || avail > total {
		t.Errorf("available %d bytes, want in (0, MemTotal %d]", avail, total)
	}
}
