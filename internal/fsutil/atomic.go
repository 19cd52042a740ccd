// Package fsutil holds small file-system helpers shared by nnopt's packages.
package fsutil

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// WriteFileAtomic writes the file at path with the bytes that write produces,
// so that readers see either the old file or the complete new one, never a
// partial file: downloads, weights and run summaries must not be left
// half-written by a crash, an interrupt or a failing writer.
//
// The data go to a temporary file in the same directory (a rename is atomic
// only within one file system), which is synced and then renamed over path.
// The temporary file is named .NAME.nnopt-tmp-PID-RANDOM, so that one a killed
// process left behind is recognisable; each write removes the ones of its
// own target whose process no longer runs (see removeStale). If write returns
// an error, or any step fails, the temporary file is removed, path is left
// untouched and the error is returned. write's io.Writer is buffered. perm is
// applied as given, without the process umask.
//
// When path is a symbolic link, the file it points to is written (through a
// chain of links, to its end), and the link is kept: replacing the link by a
// file would silently detach whoever relies on it.
func WriteFileAtomic(path string, write func(w io.Writer) error, perm os.FileMode) error {
	target, err := resolveLinks(path)
	if err == nil {
		err = writeAtomic(target, write, perm)
	}
	if err != nil {
		return fmt.Errorf("fsutil: write %s: %w", path, err)
	}
	return nil
}

// maxLinks bounds the symbolic links followed, as the kernel's ELOOP does.
const maxLinks = 40

// resolveLinks returns the file that writing path should replace: path itself,
// or, when path is a symbolic link, the end of its chain of links, which need
// not exist yet (a dangling link is written through, as os.WriteFile does).
func resolveLinks(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("more than %d symbolic links", maxLinks)
}

// tempMarker separates a target's name from the owner's pid in its temporary
// files' names.
const tempMarker = ".nnopt-tmp-"

// tempPrefix is the start of the names of path's temporary files.
func tempPrefix(path string) string { return "." + filepath.Base(path) + tempMarker }

func writeAtomic(path string, write func(w io.Writer) error, perm os.FileMode) error {
	dir := filepath.Dir(path)
	removeStale(path, time.Now())
	f, err := os.CreateTemp(dir, tempPrefix(path)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	closed, renamed := false, false
	defer func() {
		// Runs on errors and on a panic in write alike.
		if !closed {
			f.Close()
		}
		if !renamed {
			os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	closed = true
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	syncDir(dir)
	return nil
}

// StaleAge is how long a temporary file must have gone unmodified before it is
// removed although a process with its owner's pid runs (pids are reused), or
// although its owner cannot be told (an older naming, or a system where
// processes cannot be probed). No write of a weights file or summary takes
// that long without writing.
const StaleAge = 24 * time.Hour

// removeStale removes the temporary files of path that a killed process left:
// those whose owning process no longer exists, and those unmodified for
// StaleAge. A live writer's file is never removed, as its owner runs and it
// is being written. Earlier versions named temporary files .NAME.tmpDIGITS,
// with no owner; those go by age alone. It is best effort: a file it cannot
// remove stays, and the write goes on.
func removeStale(path string, now time.Time) {
	dir := filepath.Dir(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(path)
	legacy := "." + filepath.Base(path) + ".tmp"
	for _, e := range ents {
		name := e.Name()
		var pid int
		switch {
		case strings.HasPrefix(name, prefix):
			s, _, ok := strings.Cut(name[len(prefix):], "-")
			if pid, err = strconv.Atoi(s); !ok || err != nil || pid <= 0 {
				continue
			}
		case strings.HasPrefix(name, legacy) && isDigits(name[len(legacy):]):
			pid = 0 // no owner recorded
		default:
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		old := now.Sub(info.ModTime()) > StaleAge
		if old || pid > 0 && pid != os.Getpid() && processGone(pid) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// WriteFileAtomicBytes is WriteFileAtomic for data already in memory; it is the
// atomic counterpart of os.WriteFile.
func WriteFileAtomicBytes(path string, data []byte, perm os.FileMode) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, perm)
}

// syncDir makes the rename durable on file systems that need the directory
// synced too. It is best effort: some systems cannot sync a directory, and the
// file itself is already complete by then.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// CheckWritable checks that path can be written, so that a command fails before
// its long work rather than after it: path is a file (or a link to one, which
// WriteFileAtomic writes through) or does not exist yet, in an existing, writable
// directory. It probes the directory with a temporary file, which it removes.
func CheckWritable(path string) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a directory; want a file name")
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("directory %s does not exist", dir)
		}
		return err
	}
	if !di.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".nnopt-probe-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}
