package datasets_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nnopt/nnopt/datasets"
)

// server serves content by path and counts the requests it gets.
type server struct {
	*httptest.Server
	requests atomic.Int32
}

func newServer(t *testing.T, content map[string][]byte) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		b, ok := content[strings.TrimPrefix(r.URL.Path, "/mnist/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// dirNames lists dir, to check that no temporary or partial file is left.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestDownloadFiles(t *testing.T) {
	content := map[string][]byte{
		"a.gz": []byte("first file"),
		"b.gz": []byte(strings.Repeat("second file ", 100000)),
	}
	files := []datasets.File{{"a.gz", md5Hex(content["a.gz"])}, {"b.gz", strings.ToUpper(md5Hex(content["b.gz"]))}}
	srv := newServer(t, content)
	base := srv.URL + "/mnist/" // a trailing slash is fine
	dir := filepath.Join(t.TempDir(), "cache", "mnist")
	var log []string
	logf := func(format string, args ...any) { log = append(log, format) }

	if err := datasets.DownloadFiles(context.Background(), srv.Client(), base, dir, files, logf); err != nil {
		t.Fatal(err)
	}
	for name, want := range content {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: read %d bytes, %v; want %d bytes", name, len(got), err, len(want))
		}
	}
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("first run: %d requests, want 2", n)
	}
	if len(log) == 0 {
		t.Error("nothing logged")
	}

	// Verified files are not fetched again; a corrupted one is.
	writeFile(t, dir, "b.gz", []byte("corrupted"))
	srv.requests.Store(0)
	if err := datasets.DownloadFiles(context.Background(), srv.Client(), base, dir, files, nil); err != nil {
		t.Fatal(err)
	}
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("second run: %d requests, want 1 (for the corrupted file)", n)
	}
	srv.requests.Store(0)
	if err := datasets.DownloadFiles(context.Background(), nil, base, dir, files, nil); err != nil {
		t.Fatal(err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("third run: %d requests, want 0", n)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"a.gz", "b.gz"}) {
		t.Errorf("directory holds %q", got)
	}
}

func TestDownloadFilesErrors(t *testing.T) {
	content := map[string][]byte{"a.gz": []byte("first file")}
	srv := newServer(t, content)
	base := srv.URL + "/mnist"
	bad := strings.Repeat("0", 32)
	tests := []struct {
		name  string
		files []datasets.File
		wants []string
	}{
		{"checksum mismatch", []datasets.File{{"a.gz", bad}},
			[]string{"a.gz: MD5 checksum mismatch: want " + bad + ", got " + md5Hex(content["a.gz"])}},
		{"404", []datasets.File{{"a.gz", md5Hex(content["a.gz"])}, {"missing.gz", bad}},
			[]string{base + "/missing.gz", "404 Not Found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			err := datasets.DownloadFiles(context.Background(), srv.Client(), base, dir, tt.files, nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to contain %q", err, w)
				}
			}
			// Only the good files that came before the failure remain.
			var want []string
			for _, f := range tt.files[:len(tt.files)-1] {
				want = append(want, f.Name)
			}
			if got := dirNames(t, dir); !slices.Equal(got, want) {
				t.Errorf("directory holds %q, want %q", got, want)
			}
		})
	}
}

func TestDownloadFilesCancel(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("the first part of a long file"))
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	dir := t.TempDir()
	err := datasets.DownloadFiles(ctx, srv.Client(), srv.URL, dir, []datasets.File{{"a.gz", strings.Repeat("0", 32)}}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("directory holds %q after cancellation", got)
	}

	// Already cancelled before the first request.
	err = datasets.DownloadFiles(ctx, srv.Client(), srv.URL, dir, []datasets.File{{"a.gz", ""}}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestMNISTFiles(t *testing.T) {
	// The table must name the files LoadMNIST reads, and the mirror must be
	// the one torchvision uses.
	var names []string
	for _, f := range datasets.MNISTFiles {
		names = append(names, f.Name)
		if len(f.MD5) != 32 {
			t.Errorf("%s: MD5 %q is not 32 hex digits", f.Name, f.MD5)
		}
	}
	want := []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
	if !slices.Equal(names, want) {
		t.Errorf("MNISTFiles names = %q, want %q", names, want)
	}
	if datasets.DefaultMirror != "https://ossci-datasets.s3.amazonaws.com/mnist" {
		t.Errorf("DefaultMirror = %s", datasets.DefaultMirror)
	}
}
