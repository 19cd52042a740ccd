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
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EnvMNIST names the environment variable that overrides the search for the
// MNIST directory.
const EnvMNIST = "NNOPT_TEST_DATA"

// mnistRel is where the MNIST files sit below a shared data root.
var mnistRel = filepath.Join("shared", "datasets", "mnist")

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
	if dir := os.Getenv(EnvMNIST); dir != "" {
		if !isDir(dir) {
			tb.Fatalf("testdata: %s=%s is not a directory", EnvMNIST, dir)
		}
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Skipf("testdata: MNIST not found: cannot get working directory: %v; set %s to the MNIST directory", err, EnvMNIST)
	}
	var looked []string
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, mnistRel)
		if isDir(cand) {
			return cand
		}
		looked = append(looked, cand)
		if filepath.Dir(d) == d {
			break
		}
	}
	tb.Skipf("testdata: MNIST not found; looked in %s; set %s to a directory holding the MNIST IDX files",
		strings.Join(looked, ", "), EnvMNIST)
	return ""
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
