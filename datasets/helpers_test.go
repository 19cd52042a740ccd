package datasets_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// idxBytes encodes an IDX file of element type typ with the given dims and
// raw data; it does not check that they agree, so tests can build bad files.
func idxBytes(typ byte, dims []int, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// withByte returns a copy of b with b[i] set to v.
func withByte(b []byte, i int, v byte) []byte {
	b = append([]byte(nil), b...)
	b[i] = v
	return b
}

// seq returns n bytes counting up from start, wrapping at 256.
func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// fakeMNIST writes a tiny MNIST directory: 6 training and 4 test images of
// 2×3 pixels, the training ones gzip-compressed and the test ones raw.
func fakeMNIST(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "train-images-idx3-ubyte.gz", gzipBytes(t, idxBytes(0x08, []int{6, 2, 3}, seq(36, 0))))
	writeFile(t, dir, "train-labels-idx1-ubyte.gz", gzipBytes(t, idxBytes(0x08, []int{6}, []byte{5, 0, 4, 1, 9, 2})))
	writeFile(t, dir, "t10k-images-idx3-ubyte", idxBytes(0x08, []int{4, 2, 3}, seq(24, 100)))
	writeFile(t, dir, "t10k-labels-idx1-ubyte", idxBytes(0x08, []int{4}, []byte{7, 2, 1, 0}))
	return dir
}
