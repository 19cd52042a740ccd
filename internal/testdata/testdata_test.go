package testdata

import (
	"os"
	"path/filepath"
	"strings"
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

func TestNetlibDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvNetlib, dir)
	if got := NetlibDir(t); got != dir {
		t.Errorf("NetlibDir = %q, want %q", got, dir)
	}
}

func TestNetlibOptima(t *testing.T) {
	dir := t.TempDir()
	text := "# header\nafiro  -4.6475314286E+02   source (note)\n\n# more\nkb2 -1.7499001299E+03\n"
	if err := os.WriteFile(filepath.Join(dir, "optimal_values.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := NetlibOptima(dir)
	if err != nil || len(got) != 2 || got["afiro"] != -464.75314286 || got["kb2"] != -1749.9001299 {
		t.Errorf("NetlibOptima = %v, %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "optimal_values.txt"), []byte("afiro x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NetlibOptima(dir); err == nil || !strings.Contains(err.Error(), "optimal_values.txt:1") {
		t.Errorf("a bad value: %v", err)
	}
}
