package testdata

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMNISTDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvMNIST, dir)
	if got := MNISTDir(t); got != dir {
		t.Errorf("MNISTDir = %q, want %q", got, dir)
	}
}

func TestMNISTDirWalk(t *testing.T) {
	root := t.TempDir()
	want := filepath.Join(root, mnistRel)
	wd := filepath.Join(root, "main", "pkg", "sub")
	for _, d := range []string{want, wd} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvMNIST, "")
	t.Chdir(wd)
	if got := MNISTDir(t); got != want {
		t.Errorf("MNISTDir = %q, want %q", got, want)
	}
}
