package safetensors

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader, once as a stream of unknown size
// (Read) and once with the size known (as Load reads a file): neither may panic,
// both must accept or refuse alike and agree on what they accept, and whatever is
// accepted must be well formed and come back the same after Write and Read.
func FuzzRead(f *testing.F) {
	var valid bytes.Buffer
	if err := Write(&valid, map[string]Tensor{
		"w": {DType: F32, Shape: []int{2, 2}, Data: []float64{1, -2, 0.5, 4}},
		"b": {DType: F64, Shape: []int{2}, Data: []float64{0.1, -0}},
		"s": {DType: F64, Shape: []int{}, Data: []float64{3}},
	}, map[string]string{"format": "nnopt point 1"}); err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add(valid.Bytes()[:valid.Len()-3])
	f.Add(rawFile(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(rawFile(`{"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`, make([]byte, 2)))
	f.Add(rawFile(`{"x":{"dtype":"F32","shape":[1073741824,1073741824],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add(rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}`, make([]byte, 6)))
	f.Add([]byte{0xff, 0xff, 0xff, 0x05, 0, 0, 0, 0, '{'})
	f.Fuzz(func(t *testing.T, b []byte) {
		tensors, meta, err := Read(bytes.NewReader(b))
		sized, sizedMeta, sizedErr := read(bytes.NewReader(b), int64(len(b)))
		if (err == nil) != (sizedErr == nil) {
			t.Fatalf("stream: %v; sized: %v", err, sizedErr)
		}
		if err != nil {
			return
		}
		if !sameTensors(tensors, sized) || !maps.Equal(meta, sizedMeta) {
			t.Fatalf("stream and sized reads differ")
		}
		for name, x := range tensors {
			n, err := x.Elements()
			if err != nil || n != len(x.Data) || x.DType.size() == 0 {
				t.Fatalf("tensor %q: dtype %q, shape %v, %d values (%v)", name, x.DType, x.Shape, len(x.Data), err)
			}
		}
		var out bytes.Buffer
		if err := Write(&out, tensors, meta); err != nil {
			t.Fatalf("Write refuses what Read accepted: %v", err)
		}
		again, againMeta, err := Read(&out)
		if err != nil {
			t.Fatalf("reading what Write wrote: %v", err)
		}
		if !sameTensors(tensors, again) || len(meta) > 0 && !maps.Equal(meta, againMeta) {
			t.Fatalf("Write then Read changed the tensors or metadata")
		}
		// One byte fewer is truncation, whichever tensor it cuts.
		if _, _, err := Read(io.LimitReader(bytes.NewReader(b), int64(len(b)-1))); err == nil {
			t.Fatalf("the file less its last byte reads without error")
		}
	})
}

func sameTensors(a, b map[string]Tensor) bool {
	return maps.EqualFunc(a, b, func(x, y Tensor) bool {
		return x.DType == y.DType && slices.Equal(x.Shape, y.Shape) && sameFloats(x.Data, y.Data)
	})
}

// TestReadLyingHeaderLength checks that a header length field claiming far more
// than the stream holds costs memory in proportion to the stream, not the claim.
func TestReadLyingHeaderLength(t *testing.T) {
	in := binary.LittleEndian.AppendUint64(nil, maxHeaderLen)
	in = append(in, `{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`...)
	var err error
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err = Read(bytes.NewReader(in))
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte stream", n, len(in))
	}
	if want := fmt.Sprintf("reading %d-byte header: unexpected EOF", maxHeaderLen); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
}
