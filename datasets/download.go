package datasets

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/nnopt/nnopt/internal/fsutil"
)

// DefaultMirror is the MNIST mirror that torchvision downloads from; the
// original site, yann.lecun.com, no longer serves the files reliably.
const DefaultMirror = "https://ossci-datasets.s3.amazonaws.com/mnist"

// File is a file to download and the hex MD5 checksum of its content.
type File struct {
	Name string
	MD5  string
}

// MNISTFiles are the four gzip-compressed MNIST files with the checksums of
// the canonical copies. MD5 guards against corrupt transfers and wrong
// mirrors, not against tampering.
var MNISTFiles = []File{
	{TrainImagesFile + ".gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"},
	{TrainLabelsFile + ".gz", "d53e105ee54ea40749a09fcbcd1e9432"},
	{TestImagesFile + ".gz", "9fb629c4189551a2d022fa330f9573f3"},
	{TestLabelsFile + ".gz", "ec29112dd5afa0611ce80d1b7f02629c"},
}

// Download fetches MNISTFiles from baseURL (DefaultMirror, usually) into
// dir; see DownloadFiles.
func Download(ctx context.Context, client *http.Client, baseURL, dir string, logf func(format string, args ...any)) error {
	return DownloadFiles(ctx, client, baseURL, dir, MNISTFiles, logf)
}

// DownloadFiles fetches each of files from baseURL + "/" + Name into dir,
// creating dir if needed, and checks its MD5 checksum.
//
// A file already in dir with the right checksum is not fetched again, so an
// interrupted download can simply be rerun. Each file is written atomically:
// an interrupted transfer, an HTTP error or a checksum mismatch leaves no file
// under the final name. A nil client means http.DefaultClient; logf, if not
// nil, reports progress.
func DownloadFiles(ctx context.Context, client *http.Client, baseURL, dir string, files []File, logf func(format string, args ...any)) error {
	if client == nil {
		client = http.DefaultClient
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("datasets: download: %w", err)
	}
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		switch sum, err := fileMD5(path); {
		case err == nil && strings.EqualFold(sum, f.MD5):
			logf("%s: present, checksum ok", path)
			continue
		case err == nil:
			logf("%s: checksum %s, want %s; fetching again", path, sum, f.MD5)
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("datasets: download: %w", err)
		}
		url := strings.TrimRight(baseURL, "/") + "/" + f.Name
		logf("fetching %s", url)
		if err := fetch(ctx, client, url, path, f.MD5); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("datasets: download %s: %w", url, context.Cause(ctx))
			}
			return fmt.Errorf("datasets: download %s: %w", url, err)
		}
		logf("%s: written, checksum ok", path)
	}
	return nil
}

// fetch writes the body of url to path if its MD5 checksum is wantMD5.
func fetch(ctx context.Context, client *http.Client, url, path, wantMD5 string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP status %s", resp.Status)
	}
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		h := md5.New()
		if _, err := io.Copy(io.MultiWriter(w, h), resp.Body); err != nil {
			return err
		}
		if got := sumHex(h); !strings.EqualFold(got, wantMD5) {
			return fmt.Errorf("MD5 checksum mismatch: want %s, got %s", wantMD5, got)
		}
		return nil
	}, 0o644)
}

// fileMD5 returns the hex MD5 checksum of the file at path.
func fileMD5(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return sumHex(h), nil
}

func sumHex(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
