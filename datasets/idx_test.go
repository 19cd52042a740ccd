package datasets_test

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/datasets"
)

func TestReadIDX(t *testing.T) {
	be := binary.BigEndian
	tests := []struct {
		name  string
		in    []byte
		typ   byte
		dims  []int
		value []float64
	}{
		{"uint8 3-D", idxBytes(0x08, []int{2, 2, 3}, seq(12, 250)), 0x08, []int{2, 2, 3},
			[]float64{250, 251, 252, 253, 254, 255, 0, 1, 2, 3, 4, 5}},
		{"uint8 1-D", idxBytes(0x08, []int{3}, []byte{5, 0, 4}), 0x08, []int{3}, []float64{5, 0, 4}},
		{"uint8 empty", idxBytes(0x08, []int{0, 28, 28}, nil), 0x08, []int{0, 28, 28}, []float64{}},
		{"int8", idxBytes(0x09, []int{2}, []byte{0xff, 0x7f}), 0x09, []int{2}, []float64{-1, 127}},
		{"int16", idxBytes(0x0B, []int{2}, be.AppendUint16(be.AppendUint16(nil, 0xfffe), 300)), 0x0B, []int{2}, []float64{-2, 300}},
		{"int32", idxBytes(0x0C, []int{1, 1}, be.AppendUint32(nil, 0xfffffffd)), 0x0C, []int{1, 1}, []float64{-3}},
		{"float32", idxBytes(0x0D, []int{1}, be.AppendUint32(nil, math.Float32bits(1.5))), 0x0D, []int{1}, []float64{1.5}},
		{"float64", idxBytes(0x0E, []int{1}, be.AppendUint64(nil, math.Float64bits(-0.25))), 0x0E, []int{1}, []float64{-0.25}},
	}
	for _, tt := range tests {
		for _, gz := range []bool{false, true} {
			in := tt.in
			name := tt.name + "/raw"
			if gz {
				in, name = gzipBytes(t, in), tt.name+"/gzip"
			}
			t.Run(name, func(t *testing.T) {
				x, err := datasets.ReadIDX(bytes.NewReader(in))
				if err != nil {
					t.Fatal(err)
				}
				if x.Type != tt.typ || !reflect.DeepEqual(x.Dims, tt.dims) {
					t.Errorf("type %#x dims %v, want %#x %v", x.Type, x.Dims, tt.typ, tt.dims)
				}
				if x.Len() != len(tt.value) {
					t.Errorf("Len = %d, want %d", x.Len(), len(tt.value))
				}
				if got := x.Float64s(); !reflect.DeepEqual(got, tt.value) {
					t.Errorf("Float64s = %v, want %v", got, tt.value)
				}
			})
		}
	}
}

// stream hides the concrete type of its reader, so that ReadIDX cannot know
// how many bytes remain.
type stream struct{ io.Reader }

func TestReadIDXErrors(t *testing.T) {
	good := idxBytes(0x08, []int{2, 3}, seq(6, 0))
	liar := gzipBytes(t, idxBytes(0x08, []int{1 << 30}, seq(10, 0)))
	tests := []struct {
		name  string
		in    []byte
		want  string // in the error message, read as a stream of unknown size
		sized string // in the error message, read from a *bytes.Reader; "" for want
	}{
		{"empty", nil, "reading header: unexpected EOF", ""},
		{"short header", []byte{0, 0, 8}, "reading header", ""},
		{"wrong magic", append([]byte{1, 0}, good[2:]...), "bad magic 0x01 0x00", ""},
		{"text file", []byte("hello, world"), "bad magic", ""},
		{"bad type", idxBytes(0x0A, []int{2}, []byte{1, 2}), "unknown element type code 0x0a", ""},
		{"missing dims", []byte{0, 0, 8, 3, 0, 0, 0, 2}, "reading size of dimension 1 of 3", ""},
		{"truncated", good[:len(good)-1], "truncated: header [2 3] of type 0x08 promises 6 data bytes, got 5",
			"truncated: header [2 3] of type 0x08 promises 6 data bytes, but the 17-byte file holds 5 after the 12-byte header"},
		{"truncated int32", idxBytes(0x0C, []int{2}, make([]byte, 7)), "promises 8 data bytes, got 7", "promises 8 data bytes, but the 15-byte file holds 7"},
		{"trailing bytes", append(append([]byte{}, good...), 0), "trailing bytes after the 6 data bytes",
			"trailing bytes: header [2 3] of type 0x08 promises 6 data bytes, but the 19-byte file holds 7"},
		{"huge header", idxBytes(0x08, []int{1 << 31, 1 << 31, 1 << 31}, nil), "too large", ""},
		{"huge, truncated", idxBytes(0x08, []int{1 << 30, 1 << 10}, seq(10, 0)), "truncated", ""},
		{"gzip, claims more than it can hold", liar, "truncated: header [1073741824] of type 0x08 promises 1073741824 data bytes, got 10",
			fmt.Sprintf("header [1073741824] of type 0x08 promises 1073741824 data bytes, more than the %d-byte gzip file can hold (at most %d bytes at deflate's 1032:1 ratio; its trailer claims 18 bytes, mod 2^32)", len(liar), 1032*len(liar))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := datasets.ReadIDX(stream{bytes.NewReader(tt.in)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("stream: err = %v, want it to contain %q", err, tt.want)
			}
			sized := cmp.Or(tt.sized, tt.want)
			_, err = datasets.ReadIDX(bytes.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), sized) {
				t.Errorf("bytes.Reader: err = %v, want it to contain %q", err, sized)
			}
		})
	}

	// A gzip stream cut short is reported as truncated too.
	z := gzipBytes(t, idxBytes(0x08, []int{1000}, seq(1000, 0)))
	_, err := datasets.ReadIDX(bytes.NewReader(z[:len(z)/2]))
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("cut gzip: err = %v, want truncated", err)
	}
	// A corrupt gzip checksum is caught because the stream is read to its end.
	z = gzipBytes(t, good)
	z[len(z)-8] ^= 1
	if _, err := datasets.ReadIDX(bytes.NewReader(z)); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("bad gzip CRC: err = %v, want checksum error", err)
	}
}

// allocated returns the bytes that f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestReadIDXLyingHeader checks that a header claiming far more data than the
// input holds costs memory in proportion to the input, not to the claim, be
// the input's size known (checked up front) or not (buffer grown as data
// arrive).
func TestReadIDXLyingHeader(t *testing.T) {
	dir := t.TempDir()
	// A gzip bomb in miniature: 1 MiB of zeros, about 1 KiB compressed, under a
	// header that claims 2^31 images of 28×28.
	bomb := gzipBytes(t, append(idxBytes(0x08, []int{1 << 31, 28, 28}, nil), make([]byte, 1<<20)...))
	bombPath := writeFile(t, dir, "bomb-idx3-ubyte.gz", bomb)
	rawPath := writeFile(t, dir, "liar-idx1-ubyte", idxBytes(0x08, []int{1 << 31}, seq(1000, 0)))
	tests := []struct {
		name string
		read func() error
		want string
	}{
		{"gzip file", func() error { _, err := datasets.ReadIDXFile(bombPath); return err },
			fmt.Sprintf("bomb-idx3-ubyte.gz: header [2147483648 28 28] of type 0x08 promises 1683627180032 data bytes, more than the %d-byte gzip file can hold", len(bomb))},
		{"gzip stream", func() error { _, err := datasets.ReadIDX(stream{bytes.NewReader(bomb)}); return err },
			"truncated: header [2147483648 28 28] of type 0x08 promises 1683627180032 data bytes, got 1048576"},
		{"raw file", func() error { _, err := datasets.ReadIDXFile(rawPath); return err },
			"liar-idx1-ubyte: truncated: header [2147483648] of type 0x08 promises 2147483648 data bytes, but the 1008-byte file holds 1000 after the 8-byte header"},
		{"raw stream", func() error {
			_, err := datasets.ReadIDX(stream{bytes.NewReader(idxBytes(0x08, []int{1 << 31}, seq(1000, 0)))})
			return err
		}, "truncated: header [2147483648] of type 0x08 promises 2147483648 data bytes, got 1000"},
	}
	// Decompressing 1 MiB into buffers that double from 1 MiB, plus gzip's
	// and bufio's own state, stays well under this; trusting the header does not.
	const limit = 8 << 20
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if n := allocated(func() { err = tt.read() }); n > limit {
				t.Errorf("allocated %d bytes, want at most %d", n, limit)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestReadIDXHighlyCompressed checks that the bound on gzip files does not
// refuse real data compressed as hard as deflate can.
func TestReadIDXHighlyCompressed(t *testing.T) {
	raw := idxBytes(0x08, []int{8 << 20}, make([]byte, 8<<20))
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if ratio := len(raw) / buf.Len(); ratio < 900 {
		t.Fatalf("compression ratio %d, want the test to come near deflate's limit", ratio)
	}
	path := writeFile(t, t.TempDir(), "zeros.gz", buf.Bytes())
	x, err := datasets.ReadIDXFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 8<<20 || len(x.Data) != 8<<20 {
		t.Errorf("Len %d, %d data bytes; want %d", x.Len(), len(x.Data), 8<<20)
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "labels.bin", gzipBytes(t, idxBytes(0x08, []int{3}, []byte{1, 2, 3})))
	x, err := datasets.ReadIDXFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.Data, []byte{1, 2, 3}) {
		t.Errorf("Data = %v", x.Data)
	}
	for _, path := range []string{
		writeFile(t, dir, "bad.gz", []byte{1, 2, 3, 4}),
		dir + "/missing",
	} {
		if _, err := datasets.ReadIDXFile(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("ReadIDXFile(%s): err = %v, want it to name the file", path, err)
		}
	}
}
