package datasets_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
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

func TestReadIDXErrors(t *testing.T) {
	good := idxBytes(0x08, []int{2, 3}, seq(6, 0))
	tests := []struct {
		name string
		in   []byte
		want string // in the error message
	}{
		{"empty", nil, "reading header: unexpected EOF"},
		{"short header", []byte{0, 0, 8}, "reading header"},
		{"wrong magic", append([]byte{1, 0}, good[2:]...), "bad magic 0x01 0x00"},
		{"text file", []byte("hello, world"), "bad magic"},
		{"bad type", idxBytes(0x0A, []int{2}, []byte{1, 2}), "unknown element type code 0x0a"},
		{"missing dims", []byte{0, 0, 8, 3, 0, 0, 0, 2}, "reading size of dimension 1 of 3"},
		{"truncated", good[:len(good)-1], "truncated: header [2 3] of type 0x08 promises 6 data bytes, got 5"},
		{"truncated int32", idxBytes(0x0C, []int{2}, make([]byte, 7)), "promises 8 data bytes, got 7"},
		{"trailing bytes", append(append([]byte{}, good...), 0), "trailing bytes"},
		{"huge header", idxBytes(0x08, []int{1 << 31, 1 << 31, 1 << 31}, nil), "too large"},
		{"huge, truncated", idxBytes(0x08, []int{1 << 30, 1 << 10}, seq(10, 0)), "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := datasets.ReadIDX(bytes.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
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
