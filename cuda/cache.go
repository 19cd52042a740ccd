package cuda

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
)

// cacheDir is where compiled kernels are kept: NNOPT_CUDA_CACHE if set ("off":
// nowhere), else nnopt/cuda under the user's cache directory; "" when there is none.
func cacheDir() string {
	if d := os.Getenv("NNOPT_CUDA_CACHE"); d != "" {
		if d == "off" {
			return ""
		}
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "nnopt", "cuda")
}

// cacheKey names a compiled image by everything it depends on: the source, the
// compiler's options (the target architecture among them) and the NVRTC version.
func cacheKey(source string, options []string, nvrtcVersion string) string {
	h := sha256.New()
	for _, s := range append([]string{source, nvrtcVersion}, options...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// readCache returns the file name in dir, nil when absent or dir is "".
func readCache(dir, name string) []byte {
	if dir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || len(b) == 0 {
		return nil
	}
	return b
}

// writeCache stores data as dir/name through a temporary file and a rename, so that
// a process running alongside never reads half a file. Failures only cost a
// compilation next time, so they are returned for tests and otherwise ignored.
func writeCache(dir, name string, data []byte) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, name+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
