// Package testdata locates the shared data sets that nnopt's tests read.
//
// The data live outside the repository (they are too large to commit), in a
// shared/ directory that sits beside the clone or above it, so tests find them
// by walking up from the working directory. Tests that need the data skip,
// rather than fail, where it is absent.
//
// The go command leaves directories named testdata out of ./... patterns, so
// vet and test this package by its explicit path.
package testdata

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// EnvMNIST names the environment variable that overrides the search for the
// MNIST directory.
const EnvMNIST = "NNOPT_TEST_DATA"

// EnvNetlib names the environment variable that overrides the search for the
// netlib LP directory.
const EnvNetlib = "NNOPT_NETLIB"

// mnistRel and netlibRel are where the data sit below a shared data root.
var (
	mnistRel  = filepath.Join("shared", "datasets", "mnist")
	netlibRel = filepath.Join("shared", "testproblems", "netlib")
)

// MNISTDir returns the directory holding the shared MNIST IDX files.
//
// It uses $NNOPT_TEST_DATA when set, failing the test if that is not a
// directory, since a wrong explicit setting should not pass silently.
// Otherwise it looks for shared/datasets/mnist in the working directory and
// each of its ancestors, which covers both a repository inside the data root
// and a clone that is a sibling of shared/. If nothing is found, it skips the
// test, saying where it looked.
func MNISTDir(tb testing.TB) string {
	tb.Helper()
	return find(tb, EnvMNIST, mnistRel, "MNIST", "the MNIST IDX files")
}

// NetlibDir returns the directory holding the netlib LPs (NAME.mps.gz) and their
// published optima (optimal_values.txt, see NetlibOptima), found as MNISTDir
// finds MNIST: $NNOPT_NETLIB, else shared/testproblems/netlib in the working
// directory or one of its ancestors, else the test skips.
func NetlibDir(tb testing.TB) string {
	tb.Helper()
	return find(tb, EnvNetlib, netlibRel, "the netlib LPs", "the netlib LPs (NAME.mps.gz)")
}

// NetlibOptima reads optimal_values.txt in dir: one problem a line, its name and
// its published optimal value; '#' starts a comment.
func NetlibOptima(dir string) (map[string]float64, error) {
	path := filepath.Join(dir, "optimal_values.txt")
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	opt := map[string]float64{}
	for k, line := range strings.Split(string(text), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("%s:%d: want a name and a value", path, k+1)
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, k+1, err)
		}
		opt[f[0]] = v
	}
	return opt, nil
}

func find(tb testing.TB, env, rel, what, holding string) string {
	tb.Helper()
	if dir := os.Getenv(env); dir != "" {
		if !isDir(dir) {
			tb.Fatalf("testdata: %s=%s is not a directory", env, dir)
		}
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Skipf("testdata: %s not found: cannot get working directory: %v; set %s to the directory", what, err, env)
	}
	var looked []string
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, rel)
		if isDir(cand) {
			return cand
		}
		looked = append(looked, cand)
		if filepath.Dir(d) == d {
			break
		}
	}
	tb.Skipf("testdata: %s not found; looked in %s; set %s to a directory holding %s",
		what, strings.Join(looked, ", "), env, holding)
	return ""
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// Gunzip writes the decompressed content of the gzip file from to the file to, for
// peers such as glpsol that read the netlib LPs only as plain MPS.
func Gunzip(from, to string) error {
	f, err := os.Open(from)
	if err != nil {
		return err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, z); err != nil {
		out.Close()
		return fmt.Errorf("%s: %w", from, err)
	}
	return out.Close()
}
