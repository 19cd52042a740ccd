package fsutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestWriteFileAtomic(t *testing.T) {
	errWrite := errors.New("writer failed")
	tests := []struct {
		name    string
		old     string // existing content; "" means no file
		write   func(w io.Writer) error
		want    string // content after the call
		wantErr error
	}{
		{
			name:  "new file",
			write: func(w io.Writer) error { _, err := io.WriteString(w, "hello"); return err },
			want:  "hello",
		},
		{
			name:  "replace",
			old:   "old contents",
			write: func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err },
			want:  "new",
		},
		{
			name: "failing writer leaves no file",
			write: func(w io.Writer) error {
				io.WriteString(w, "partial")
				return errWrite
			},
			wantErr: errWrite,
		},
		{
			name: "failing writer keeps old file",
			old:  "old contents",
			write: func(w io.Writer) error {
				io.WriteString(w, strings.Repeat("x", 1<<20)) // more than the buffer
				return errWrite
			},
			want:    "old contents",
			wantErr: errWrite,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.bin")
			if tt.old != "" {
				if err := os.WriteFile(path, []byte(tt.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFileAtomic(path, tt.write, 0o640)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tt.want == "" && !errors.Is(rerr, os.ErrNotExist):
				t.Errorf("file exists after failed write (read err %v)", rerr)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf("content = %q, want %q", got, tt.want)
			}
			if err == nil {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o640 {
					t.Errorf("perm = %v, want 0640", fi.Mode().Perm())
				}
			}
			assertOnly(t, dir, tt.want != "", "out.bin")
		})
	}
}

func TestWriteFileAtomicPanic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	func() {
		defer func() { recover() }()
		WriteFileAtomic(path, func(w io.Writer) error { panic("boom") }, 0o644)
	}()
	assertOnly(t, dir, false, "")
}

func TestWriteFileAtomicBytes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	if err := WriteFileAtomicBytes(path, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("got %q, %v", got, err)
	}
	if err := WriteFileAtomicBytes(filepath.Join(dir, "missing", "a.json"), nil, 0o644); err == nil {
		t.Error("no error for a missing directory")
	}
	assertOnly(t, dir, true, "a.json")
}

// assertOnly checks that dir holds name alone (when want) or nothing, so no
// temporary file was left behind.
func assertOnly(t *testing.T, dir string, want bool, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want && (len(names) != 1 || names[0] != name) || !want && len(names) != 0 {
		t.Errorf("directory holds %q, want only %q (want=%v)", names, name, want)
	}
}

// A write's temporary file names its target and its process, so that one a
// killed process left behind is recognisable.
func TestWriteFileAtomicTempName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	var during []string
	err := WriteFileAtomic(path, func(w io.Writer) error {
		ents, err := os.ReadDir(dir)
		for _, e := range ents {
			during = append(during, e.Name())
		}
		return err
	}, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(".w.safetensors.nnopt-tmp-%d-", os.Getpid())
	if len(during) != 1 || !strings.HasPrefix(during[0], want) {
		t.Errorf("directory during the write holds %q, want one file named %s*", during, want)
	}
	assertOnly(t, dir, true, "w.safetensors")
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// Stale temporary files of the target are removed by the next write: those of a
// process that is gone, and old ones of the earlier naming; a live writer's
// file, a fresh file of the earlier naming and other targets' files stay.
func TestWriteFileAtomicRemovesStale(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("processes are not probed on windows")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	dead := deadPID(t)
	old := time.Now().Add(-2 * StaleAge)
	for _, tc := range []struct {
		name string
		old  bool
		stay bool
	}{
		{name: fmt.Sprintf(".out.bin.nnopt-tmp-%d-123", dead), stay: false},
		{name: fmt.Sprintf(".out.bin.nnopt-tmp-%d-456", os.Getpid()), stay: true},  // a concurrent writer in this process
		{name: fmt.Sprintf(".out.bin.nnopt-tmp-%d-789", os.Getppid()), stay: true}, // a live process
		{name: fmt.Sprintf(".out.bin.nnopt-tmp-%d-789", os.Getppid()), old: true, stay: false},
		{name: ".out.bin.tmp123456", old: true, stay: false},
		{name: ".out.bin.tmp654321", stay: true},
		{name: fmt.Sprintf(".other.bin.nnopt-tmp-%d-1", dead), stay: true},
		{name: ".out.bin.tmpnotdigits", old: true, stay: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.old {
				if err := os.Chtimes(p, old, old); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFileAtomicBytes(path, []byte("new"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := os.Stat(p)
			if stayed := err == nil; stayed != tc.stay {
				t.Errorf("%s: stayed %v, want %v", tc.name, stayed, tc.stay)
			}
			os.Remove(p)
		})
	}
}

// Writing through a symbolic link replaces the file it points to and keeps the
// link: relative and absolute links, a chain of links, and a dangling link.
func TestWriteFileAtomicThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on windows")
	}
	for _, tc := range []struct {
		name  string
		setup func(dir string) (link, target string)
	}{
		{"relative", func(dir string) (string, string) {
			mustLink(t, filepath.Join("data", "w.bin"), filepath.Join(dir, "w.bin"))
			return filepath.Join(dir, "w.bin"), filepath.Join(dir, "data", "w.bin")
		}},
		{"absolute", func(dir string) (string, string) {
			mustLink(t, filepath.Join(dir, "data", "w.bin"), filepath.Join(dir, "w.bin"))
			return filepath.Join(dir, "w.bin"), filepath.Join(dir, "data", "w.bin")
		}},
		{"chain", func(dir string) (string, string) {
			mustLink(t, filepath.Join("data", "w.bin"), filepath.Join(dir, "mid.bin"))
			mustLink(t, "mid.bin", filepath.Join(dir, "w.bin"))
			return filepath.Join(dir, "w.bin"), filepath.Join(dir, "data", "w.bin")
		}},
		{"dangling", func(dir string) (string, string) {
			mustLink(t, filepath.Join("data", "new.bin"), filepath.Join(dir, "w.bin"))
			return filepath.Join(dir, "w.bin"), filepath.Join(dir, "data", "new.bin")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "data", "w.bin"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			link, target := tc.setup(dir)
			if err := WriteFileAtomicBytes(link, []byte("new"), 0o644); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("%s is no longer a symbolic link (lstat: %v)", link, err)
			}
			if got, err := os.ReadFile(target); err != nil || string(got) != "new" {
				t.Errorf("target %s holds %q (%v), want %q", target, got, err, "new")
			}
			for _, d := range []string{dir, filepath.Join(dir, "data")} {
				ents, _ := os.ReadDir(d)
				for _, e := range ents {
					if strings.Contains(e.Name(), tempMarker) {
						t.Errorf("temporary file %s left in %s", e.Name(), d)
					}
				}
			}
		})
	}
}

func mustLink(t *testing.T, oldname, newname string) {
	t.Helper()
	if err := os.Symlink(oldname, newname); err != nil {
		t.Fatal(err)
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       string // a part of the error; "" for none
	}{
		{"new file", filepath.Join(dir, "new.json"), ""},
		{"existing file", file, ""},
		{"link to a file", link, ""},
		{"directory", dir, "is a directory"},
		{"missing directory", filepath.Join(dir, "missing", "out.json"), "does not exist"},
		{"file as directory", filepath.Join(file, "out.json"), "not a directory"},
	} {
		err := CheckWritable(tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".nnopt-probe-*")); len(left) > 0 {
		t.Errorf("probe files left behind: %v", left)
	}
}
