package modelfile

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/nnopt/nnopt/safetensors"
)

func sample() ([]byte, map[string]safetensors.Tensor) {
	return []byte(`{"format":"test"}`), map[string]safetensors.Tensor{
		"a": {DType: safetensors.F64, Shape: []int{3}, Data: []float64{1, math.Copysign(0, -1), math.Inf(1)}},
		"b": {DType: safetensors.F64, Shape: []int{}, Data: []float64{math.Pi}},
	}
}

func TestWriteRead(t *testing.T) {
	meta, tensors := sample()
	var b bytes.Buffer
	if err := Write(&b, ModelMagic, meta, tensors); err != nil {
		t.Fatal(err)
	}
	f, err := Read(bytes.NewReader(b.Bytes()), ModelMagic, "model file")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.Meta, meta) || !reflect.DeepEqual(f.Tensors, tensors) {
		t.Errorf("read %s %v, wrote %s %v", f.Meta, f.Tensors, meta, tensors)
	}
	if math.Signbit(f.Tensors["a"].Data[1]) != true {
		t.Error("-0 lost its sign")
	}
	if _, err := Read(bytes.NewReader(b.Bytes()), ScenarioMagic, "scenario file"); !errors.Is(err, ErrBad) {
		t.Errorf("a model file read as a scenario file: %v", err)
	}
	bad := map[string]safetensors.Tensor{"x": {DType: safetensors.F64, Shape: []int{2}, Data: []float64{1}}}
	var w bytes.Buffer
	if err := Write(&w, ModelMagic, meta, bad); err == nil || w.Len() > 0 {
		t.Errorf("invalid tensors: %v, %d bytes written", err, w.Len())
	}
}

// FuzzRead reads arbitrary bytes as a model file: an error wrapping ErrBad or a
// file, never a panic.
func FuzzRead(f *testing.F) {
	meta, tensors := sample()
	var b bytes.Buffer
	if err := Write(&b, ModelMagic, meta, tensors); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(ModelMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Read(bytes.NewReader(data), ModelMagic, "model file"); err != nil && !errors.Is(err, ErrBad) {
			t.Fatalf("an error that does not wrap ErrBad: %v", err)
		}
	})
}
