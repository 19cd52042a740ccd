// Package fsutil holds small file-system helpers shared by nnopt's packages.
package fsutil

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes the file at path with the bytes that write produces,
// so that readers see either the old file or the complete new one, never a
// partial file: downloads, weights and run summaries must not be left
// half-written by a crash, an interrupt or a failing writer.
//
// The data go to a temporary file in the same directory (a rename is atomic
// only within one file system), which is synced and then renamed over path.
// If write returns an error, or any step fails, the temporary file is removed,
// path is left untouched and the error is returned. write's io.Writer is
// buffered. perm is applied as given, without the process umask.
func WriteFileAtomic(path string, write func(w io.Writer) error, perm os.FileMode) error {
	if err := writeAtomic(path, write, perm); err != nil {
		return fmt.Errorf("fsutil: write %s: %w", path, err)
	}
	return nil
}

func writeAtomic(path string, write func(w io.Writer) error, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
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
