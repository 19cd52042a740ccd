package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sameFloats reports whether a and b hold the same values bit for bit,
// except that any NaN equals any NaN (float32 conversion may change the
// payload) and -0 differs from 0.
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	})
}

func TestSafetensorsRoundTrip(t *testing.T) {
	specials := []float64{0, math.Copysign(0, -1), 1, -2.5, math.Inf(1), math.Inf(-1), math.NaN()}
	inexact := []float64{0.1, math.Pi, -1e-3, 1e300, 5e-324, math.MaxFloat64}
	f32 := make([]float64, len(inexact))
	for i, v := range inexact {
		f32[i] = float64(float32(v))
	}
	for _, test := range []struct {
		name     string
		tensors  map[string]Tensor
		metadata map[string]string
		want     map[string][]float64 // Values expected back; nil means as written.
	}{
		{
			name:    "empty",
			tensors: map[string]Tensor{},
		},
		{
			name: "f64 exact",
			tensors: map[string]Tensor{
				"w": {DType: F64, Shape: []int{len(specials)}, Data: specials},
				"v": {DType: F64, Shape: []int{2, 3}, Data: inexact},
			},
		},
		{
			name: "f32 exact and rounded",
			tensors: map[string]Tensor{
				"w": {DType: F32, Shape: []int{len(specials)}, Data: specials},
				"v": {DType: F32, Shape: []int{3, 2}, Data: inexact},
			},
			want: map[string][]float64{"v": f32},
		},
		{
			name: "mixed dtypes, scalar and empty tensors, metadata",
			tensors: map[string]Tensor{
				"1.weight":   {DType: F32, Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4}},
				"1.bias":     {DType: F64, Shape: []int{2}, Data: []float64{0.25, -0.25}},
				"scalar":     {DType: F64, Shape: []int{}, Data: []float64{42}},
				"empty":      {DType: F32, Shape: []int{0, 3}, Data: []float64{}},
				"odd":        {DType: F32, Shape: []int{1, 1, 3}, Data: []float64{1, 2, 3}},
				`we"ird/<&>`: {DType: F64, Shape: []int{1}, Data: []float64{-1}},
			},
			metadata: map[string]string{"format": "pt", "note": `quotes " and <tags> ünïcode`},
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, test.tensors, test.metadata); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if n := binary.LittleEndian.Uint64(buf.Bytes()); n%8 != 0 {
				t.Errorf("header length %d is not a multiple of 8", n)
			}
			got, meta, err := Read(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			checkTensors(t, got, test.tensors, test.want)
			if len(test.metadata) == 0 {
				if meta != nil {
					t.Errorf("metadata = %v, want nil", meta)
				}
			} else if !equalMaps(meta, test.metadata) {
				t.Errorf("metadata = %v, want %v", meta, test.metadata)
			}

			// Writing again gives the same bytes.
			var again bytes.Buffer
			if err := Write(&again, test.tensors, test.metadata); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Error("output is not deterministic")
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// checkTensors compares read tensors with the written ones; want overrides
// the expected data of some keys.
func checkTensors(t *testing.T, got, written map[string]Tensor, want map[string][]float64) {
	t.Helper()
	if len(got) != len(written) {
		t.Errorf("read %d tensors, wrote %d", len(got), len(written))
	}
	for name, w := range written {
		g, ok := got[name]
		if !ok {
			t.Errorf("tensor %q missing", name)
			continue
		}
		if g.DType != w.DType {
			t.Errorf("tensor %q: dtype %s, want %s", name, g.DType, w.DType)
		}
		if !slices.Equal(g.Shape, w.Shape) || g.Shape == nil {
			t.Errorf("tensor %q: shape %v, want %v", name, g.Shape, w.Shape)
		}
		wantData := w.Data
		if d, ok := want[name]; ok {
			wantData = d
		}
		if !sameFloats(g.Data, wantData) {
			t.Errorf("tensor %q: data %v, want %v", name, g.Data, wantData)
		}
	}
}

// TestSafetensorsLayout checks the exact bytes of a small file against
// the format: length, JSON header in the documented order, space padding
// to a multiple of 8, then little-endian data in key order.
func TestSafetensorsLayout(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, map[string]Tensor{
		"b": {DType: F64, Shape: []int{}, Data: []float64{0.5}},
		"a": {DType: F32, Shape: []int{2}, Data: []float64{1, -2}},
	}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	const header = `{"__metadata__":{"k":"v"},` +
		`"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"b":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}` // 132 bytes.
	var want []byte
	want = append(want, 0x88, 0, 0, 0, 0, 0, 0, 0) // 136 = 132 + 4 spaces.
	want = append(want, header+"    "...)
	want = append(want, 0x00, 0x00, 0x80, 0x3f)       // float32(1)
	want = append(want, 0x00, 0x00, 0x00, 0xc0)       // float32(-2)
	want = append(want, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f) // float64(0.5)
	if got := buf.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("file bytes:\n got %q\nwant %q", got, want)
	}
}

// rawFile assembles a safetensors file from a header and data, with the
// correct header length.
func rawFile(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestSafetensorsCorrupt(t *testing.T) {
	var valid bytes.Buffer
	if err := Write(&valid, map[string]Tensor{
		"w": {DType: F64, Shape: []int{2}, Data: []float64{1, 2}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	v := valid.Bytes()
	hlen := int(binary.LittleEndian.Uint64(v))
	zeros := make([]byte, 64)
	entry := func(name, body string) string { return `{"` + name + `":` + body + `}` }

	for _, test := range []struct {
		name string
		file []byte
		// want must appear in the error of Read, and wantFile
		// (want if empty) in that of Load.
		want, wantFile string
	}{
		{name: "empty file", file: nil, want: "reading header length", wantFile: "reading header length"},
		{name: "truncated length", file: v[:5], want: "reading header length"},
		{name: "truncated header", file: v[:8+hlen/2], want: fmt.Sprintf("reading %d-byte header: unexpected EOF", hlen), wantFile: fmt.Sprintf("header length %d exceeds the %d bytes", hlen, hlen/2)},
		{name: "truncated data", file: v[:len(v)-3], want: `tensor "w": reading data_offsets [0,16]: unexpected EOF`, wantFile: `tensor "w": data_offsets [0,16] beyond the 13-byte data section`},
		{name: "trailing data", file: append(slices.Clone(v), 1, 2, 3), want: "trailing bytes", wantFile: "3 trailing bytes"},
		{
			name: "header length over limit",
			file: binary.LittleEndian.AppendUint64(nil, 1<<40),
			want: "header length 1099511627776 exceeds limit",
		},
		{
			name: "header length beyond file",
			file: binary.LittleEndian.AppendUint64(nil, 1<<20),
			want: "reading 1048576-byte header: unexpected EOF", wantFile: "header length 1048576 exceeds the 0 bytes",
		},
		{name: "not JSON", file: rawFile("not json", nil), want: "header is not a JSON object"},
		{name: "JSON array", file: rawFile("[1,2]", nil), want: "header is not a JSON object"},
		{name: "bad JSON", file: rawFile(`{"w":{"dtype":"F64",}}`, zeros[:16]), want: `invalid JSON header at key "w"`},
		{name: "unterminated JSON", file: rawFile(`{"__metadata__":{}`, nil), want: "invalid JSON header"},
		{name: "data after JSON", file: rawFile(`{}{}`, nil), want: "data after the header object"},
		{name: "duplicate key", file: rawFile(`{"w":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"w":{}}`, zeros[:8]), want: `duplicate header key "w"`},
		{name: "unknown dtype", file: rawFile(entry("w", `{"dtype":"XYZ","shape":[2],"data_offsets":[0,16]}`), zeros[:16]), want: `tensor "w": unsupported dtype "XYZ"`},
		{name: "unsupported dtype", file: rawFile(entry("w", `{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}`), zeros[:4]), want: `tensor "w": unsupported dtype "BF16" (want F32 or F64)`},
		{name: "missing dtype", file: rawFile(entry("w", `{"shape":[2],"data_offsets":[0,16]}`), zeros[:16]), want: `tensor "w": header entry has no "dtype"`},
		{name: "missing shape", file: rawFile(entry("w", `{"dtype":"F64","data_offsets":[0,16]}`), zeros[:16]), want: `tensor "w": header entry has no "shape"`},
		{name: "missing offsets", file: rawFile(entry("w", `{"dtype":"F64","shape":[2]}`), zeros[:16]), want: `tensor "w": header entry has no "data_offsets"`},
		{name: "entry not object", file: rawFile(entry("w", `[]`), nil), want: `tensor "w": invalid header entry`},
		{name: "fractional shape", file: rawFile(entry("w", `{"dtype":"F64","shape":[1.5],"data_offsets":[0,8]}`), zeros[:8]), want: `tensor "w": invalid header entry`},
		{name: "negative shape", file: rawFile(entry("w", `{"dtype":"F64","shape":[-1,2],"data_offsets":[0,16]}`), zeros[:16]), want: `tensor "w": negative dimension in shape [-1 2]`},
		{name: "huge shape", file: rawFile(entry("w", `{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}`), zeros[:8]), want: `tensor "w": shape [4294967296 4294967296] has too many elements`},
		{name: "size shape mismatch", file: rawFile(entry("w", `{"dtype":"F64","shape":[3],"data_offsets":[0,16]}`), zeros[:16]), want: `tensor "w": data_offsets [0,16] span 16 bytes, shape [3] of F64 needs 24`},
		{name: "dtype size mismatch", file: rawFile(entry("w", `{"dtype":"F32","shape":[2],"data_offsets":[0,16]}`), zeros[:16]), want: `tensor "w": data_offsets [0,16] span 16 bytes, shape [2] of F32 needs 8`},
		{name: "offsets not a pair", file: rawFile(entry("w", `{"dtype":"F64","shape":[2],"data_offsets":[0]}`), zeros[:16]), want: `tensor "w": data_offsets [0] must be [begin,end]`},
		{name: "offsets decreasing", file: rawFile(entry("w", `{"dtype":"F64","shape":[0],"data_offsets":[16,0]}`), zeros[:16]), want: `tensor "w": data_offsets [16,0] are not 0 <= begin <= end`},
		{name: "offsets negative", file: rawFile(entry("w", `{"dtype":"F64","shape":[2],"data_offsets":[-16,0]}`), zeros[:16]), want: `tensor "w": data_offsets [-16,0] are not`},
		{
			name: "offsets out of range",
			file: rawFile(entry("w", `{"dtype":"F64","shape":[2],"data_offsets":[0,16]}`), zeros[:8]),
			want: `tensor "w": reading data_offsets [0,16]: unexpected EOF`, wantFile: `tensor "w": data_offsets [0,16] beyond the 8-byte data section`,
		},
		{
			name: "huge offsets",
			file: rawFile(entry("w", `{"dtype":"F64","shape":[1000000000000],"data_offsets":[0,8000000000000]}`), zeros[:8]),
			want: `tensor "w": reading data_offsets [0,8000000000000]: unexpected EOF`, wantFile: `tensor "w": data_offsets [0,8000000000000] beyond`,
		},
		{
			name: "gap before first",
			file: rawFile(entry("w", `{"dtype":"F64","shape":[1],"data_offsets":[8,16]}`), zeros[:16]),
			want: `tensor "w": data_offsets [8,16] leave a gap of 8 bytes`,
		},
		{
			name: "overlap",
			file: rawFile(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, zeros[:16]),
			want: `tensor "b": data_offsets [8,16] overlap tensor "a"`,
		},
		{
			name: "metadata not strings",
			file: rawFile(`{"__metadata__":{"epochs":3}}`, nil),
			want: "__metadata__ must map strings to strings",
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, _, err := Read(bytes.NewReader(test.file))
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("Read error = %v, want it to contain %q", err, test.want)
			}
			path := filepath.Join(t.TempDir(), "bad.safetensors")
			if err := os.WriteFile(path, test.file, 0o644); err != nil {
				t.Fatal(err)
			}
			want := test.wantFile
			if want == "" {
				want = test.want
			}
			_, _, err = Load(path)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Load error = %v, want it to contain %q and the path", err, want)
			}
		})
	}
}

// TestSafetensorsForeignOrder checks that files whose data is not in key
// order, as other writers produce, are accepted.
func TestSafetensorsForeignOrder(t *testing.T) {
	data := binary.LittleEndian.AppendUint64(nil, math.Float64bits(7))
	data = binary.LittleEndian.AppendUint32(data, math.Float32bits(3))
	file := rawFile(`{"z":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}, "a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]},"__metadata__":{"format":"pt"}}`, data)
	got, meta, err := Read(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	checkTensors(t, got, map[string]Tensor{
		"z": {DType: F64, Shape: []int{1}, Data: []float64{7}},
		"a": {DType: F32, Shape: []int{1, 1}, Data: []float64{3}},
	}, nil)
	if meta["format"] != "pt" {
		t.Errorf("metadata = %v", meta)
	}
}

func TestWriteSafetensorsInvalid(t *testing.T) {
	for _, test := range []struct {
		name    string
		tensors map[string]Tensor
		want    string
	}{
		{"no dtype", map[string]Tensor{"w": {Shape: []int{1}, Data: []float64{1}}}, `tensor "w": unsupported dtype ""`},
		{"bad dtype", map[string]Tensor{"w": {DType: "I64", Shape: []int{1}, Data: []float64{1}}}, `tensor "w": unsupported dtype "I64"`},
		{"short data", map[string]Tensor{"w": {DType: F32, Shape: []int{2, 2}, Data: []float64{1}}}, `tensor "w": shape [2 2] needs 4 values, Data has 1`},
		{"negative shape", map[string]Tensor{"w": {DType: F32, Shape: []int{-1}}}, `tensor "w": negative dimension`},
		{"reserved name", map[string]Tensor{"__metadata__": {DType: F32, Shape: []int{}, Data: []float64{1}}}, `invalid tensor name "__metadata__"`},
		{"empty name", map[string]Tensor{"": {DType: F32, Shape: []int{}, Data: []float64{1}}}, `invalid tensor name ""`},
		{"invalid UTF-8", map[string]Tensor{"\xff": {DType: F32, Shape: []int{}, Data: []float64{1}}}, `invalid tensor name "\xff"`},
	} {
		t.Run(test.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, test.tensors, nil)
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %v, want it to contain %q", err, test.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteSafetensorsWriterError(t *testing.T) {
	boom := errors.New("disk full")
	err := Write(failWriter{boom}, map[string]Tensor{
		"w": {DType: F64, Shape: []int{3}, Data: []float64{1, 2, 3}},
	}, nil)
	if !errors.Is(err, boom) {
		t.Errorf("error = %v, want %v", err, boom)
	}
}

func TestSaveSafetensorsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	first := map[string]Tensor{"w": {DType: F32, Shape: []int{2}, Data: []float64{1, 2}}}
	if err := Save(path, first, map[string]string{"v": "1"}); err != nil {
		t.Fatal(err)
	}
	got, meta, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	checkTensors(t, got, first, nil)
	if meta["v"] != "1" {
		t.Errorf("metadata = %v", meta)
	}
	// The file on disk is exactly what Write produces.
	var want bytes.Buffer
	Write(&want, first, map[string]string{"v": "1"})
	if b, _ := os.ReadFile(path); !bytes.Equal(b, want.Bytes()) {
		t.Error("saved file differs from Write output")
	}

	// A failing save leaves the previous file intact and no stray files.
	bad := map[string]Tensor{"w": {DType: F32, Shape: []int{3}, Data: []float64{1}}}
	if err := Save(path, bad, nil); err == nil || !strings.Contains(err.Error(), `tensor "w"`) || !strings.Contains(err.Error(), path) {
		t.Errorf("Save error = %v, want it to name the tensor and the path", err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, want.Bytes()) {
		t.Error("failed save changed the existing file")
	}

	// Overwriting replaces the file completely.
	second := map[string]Tensor{"v": {DType: F64, Shape: []int{1, 1}, Data: []float64{3}}}
	if err := Save(path, second, nil); err != nil {
		t.Fatal(err)
	}
	got, meta, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	checkTensors(t, got, second, nil)
	if meta != nil {
		t.Errorf("metadata = %v, want nil", meta)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "model.safetensors" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only model.safetensors", names)
	}

	if err := Save(filepath.Join(dir, "missing", "x.safetensors"), first, nil); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

func TestLoadSafetensorsMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.safetensors")
	_, _, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error = %v, want a not-exist error naming %s", err, path)
	}
}

// oneByteReader returns at most one byte per Read, to check that reading
// does not depend on full reads.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestReadSafetensorsLarge(t *testing.T) {
	// More data than one conversion chunk, read through a slow reader.
	n := 3*chunkBytes/8 + 5
	data := make([]float64, n)
	for i := range data {
		data[i] = float64(i) / 7
	}
	tensors := map[string]Tensor{
		"a": {DType: F32, Shape: []int{n}, Data: data},
		"b": {DType: F64, Shape: []int{1, n}, Data: data},
	}
	var buf bytes.Buffer
	if err := Write(&buf, tensors, nil); err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(oneByteReader{bytes.NewReader(buf.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	f32 := make([]float64, n)
	for i, v := range data {
		f32[i] = float64(float32(v))
	}
	checkTensors(t, got, tensors, map[string][]float64{"a": f32})
}

// Size is the length of what Write writes, and Write's error where it fails.
func TestSize(t *testing.T) {
	for _, tc := range []struct {
		tensors  map[string]Tensor
		metadata map[string]string
	}{
		{map[string]Tensor{}, nil},
		{map[string]Tensor{"a": {DType: F64, Shape: []int{2, 3}, Data: make([]float64, 6)}, "b": {DType: F32, Shape: []int{}, Data: []float64{1}}}, map[string]string{"k": "v"}},
		{map[string]Tensor{"ünïcode": {DType: F32, Shape: []int{5}, Data: make([]float64, 5)}}, nil},
	} {
		var b bytes.Buffer
		if err := Write(&b, tc.tensors, tc.metadata); err != nil {
			t.Fatal(err)
		}
		n, err := Size(tc.tensors, tc.metadata)
		if err != nil || n != int64(b.Len()) {
			t.Errorf("Size %d, %v; Write wrote %d bytes", n, err, b.Len())
		}
	}
	bad := map[string]Tensor{"x": {DType: F64, Shape: []int{2}, Data: []float64{1}}}
	_, err := Size(bad, nil)
	if werr := Write(io.Discard, bad, nil); err == nil || err.Error() != werr.Error() {
		t.Errorf("Size's error %v, Write's %v", err, werr)
	}
}
