package fsutil

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
