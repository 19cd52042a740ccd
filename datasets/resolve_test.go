package datasets_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/datasets"
)

// isolateCache points the per-user cache at a fresh temporary directory, so
// tests never see or touch the real one, and returns the MNIST cache dir.
func isolateCache(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	t.Setenv("LocalAppData", filepath.Join(home, "cache")) // Windows
	dir, err := datasets.DefaultCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, home) {
		t.Fatalf("DefaultCacheDir = %s, not under the temporary home %s", dir, home)
	}
	return dir
}

func TestResolveDir(t *testing.T) {
	good := fakeMNIST(t)
	partial := fakeMNIST(t)
	os.Remove(filepath.Join(partial, "t10k-labels-idx1-ubyte"))
	missing := filepath.Join(t.TempDir(), "nowhere")

	tests := []struct {
		name      string
		explicit  string
		env       string
		cacheGood bool
		want      string   // "cache" for the cache dir
		wantErr   []string // in the error message, in this order
	}{
		{name: "explicit", explicit: good, env: missing, want: good},
		{name: "env", env: good, want: good},
		{name: "cache", cacheGood: true, want: "cache"},
		{name: "explicit wins over cache", explicit: good, cacheGood: true, want: good},
		{name: "bad explicit does not fall back", explicit: partial, env: good, cacheGood: true,
			wantErr: []string{"-data flag: " + partial + " (missing t10k-labels-idx1-ubyte[.gz])", "-download"}},
		{name: "bad env does not fall back", env: missing, cacheGood: true,
			wantErr: []string{"-data flag: not set", "NNOPT_DATA: " + missing + " (does not exist)"}},
		{name: "nothing", wantErr: []string{
			"MNIST data not found",
			"-data flag: not set",
			"NNOPT_DATA: not set",
			"cache: ", "(does not exist)",
			"run with -download to fetch it into ",
			"point -data or NNOPT_DATA at a directory holding train-images-idx3-ubyte",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := isolateCache(t)
			t.Setenv(datasets.EnvData, tt.env)
			if tt.cacheGood {
				if err := os.CopyFS(cache, os.DirFS(good)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := datasets.ResolveDir(tt.explicit)
			if tt.wantErr == nil {
				want := tt.want
				if want == "cache" {
					want = cache
				}
				if err != nil || got != want {
					t.Errorf("ResolveDir = %q, %v; want %q", got, err, want)
				}
				return
			}
			if !errors.Is(err, datasets.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
			msg := err.Error()
			if tt.explicit == "" && tt.env == "" && !strings.Contains(msg, cache) {
				t.Errorf("error does not name the cache %s:\n%s", cache, msg)
			}
			at := 0
			for _, w := range tt.wantErr {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error lacks %q after offset %d:\n%s", w, at, msg)
				}
				at += i + len(w)
			}
		})
	}
}
