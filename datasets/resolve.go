package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvData is the environment variable naming the MNIST directory when no
// directory is given explicitly.
const EnvData = "NNOPT_DATA"

// ErrNotFound is wrapped by the error ResolveDir returns when no directory
// holds the MNIST files.
var ErrNotFound = errors.New("MNIST data not found")

// DefaultCacheDir returns the per-user directory that Download fills by
// default and ResolveDir falls back to: nnopt/mnist under os.UserCacheDir
// (for example ~/.cache/nnopt/mnist on Linux). Keeping the data there, not in
// a working tree, lets every checkout and run share one copy.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("datasets: per-user cache directory: %w", err)
	}
	return filepath.Join(dir, "nnopt", "mnist"), nil
}

// ResolveDir returns the directory to load MNIST from. The first source that
// is set decides: explicit (the -data flag of nnopt's commands) if not empty,
// else $NNOPT_DATA if set, else DefaultCacheDir. A set source that does not
// qualify is an error rather than a reason to fall back, so that a mistyped
// path cannot silently train on other data. A directory qualifies when it
// holds the four MNIST files, each raw or gzip-compressed.
//
// When none qualifies, the error wraps ErrNotFound and lists each source
// with what was found there, and how to get the data.
func ResolveDir(explicit string) (string, error) {
	var looked []string
	check := func(source, dir string) (string, error) {
		if problem := dirProblem(dir); problem != "" {
			looked = append(looked, fmt.Sprintf("%s: %s (%s)", source, dir, problem))
			return "", notFound(looked)
		}
		return dir, nil
	}

	if explicit != "" {
		return check("-data flag", explicit)
	}
	looked = append(looked, "-data flag: not set")
	if env := os.Getenv(EnvData); env != "" {
		return check(EnvData, env)
	}
	looked = append(looked, EnvData+": not set")
	cache, err := DefaultCacheDir()
	if err != nil {
		looked = append(looked, fmt.Sprintf("cache: unavailable (%v)", err))
		return "", notFound(looked)
	}
	return check("cache", cache)
}

// dirProblem says why dir does not qualify as an MNIST directory, or returns
// "" if it does.
func dirProblem(dir string) string {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "does not exist"
	case err != nil:
		return err.Error()
	case !fi.IsDir():
		return "not a directory"
	}
	if m := missingFiles(dir); len(m) > 0 {
		return "missing " + strings.Join(m, "[.gz], ") + "[.gz]"
	}
	return ""
}

func notFound(looked []string) error {
	cache, err := DefaultCacheDir()
	if err != nil {
		cache = "the per-user cache"
	}
	return fmt.Errorf("datasets: %w; looked at:\n\t%s\n"+
		"To get MNIST, run with -download to fetch it into %s, or point -data or %s at a directory "+
		"holding %s, %s, %s and %s (each raw or .gz).",
		ErrNotFound, strings.Join(looked, "\n\t"), cache, EnvData,
		TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile)
}
