package nn

import (
	"io"

	"github.com/nnopt/nnopt/safetensors"
)

// Tensor, DType and the safetensors functions live in package safetensors, which
// the modeling API shares for point files; these names keep nn's API whole.
type (
	Tensor = safetensors.Tensor
	DType  = safetensors.DType
)

// The on-disk element types.
const (
	F32 = safetensors.F32
	F64 = safetensors.F64
)

// WriteSafetensors is safetensors.Write.
func WriteSafetensors(w io.Writer, tensors map[string]Tensor, metadata map[string]string) error {
	return safetensors.Write(w, tensors, metadata)
}

// SaveSafetensors is safetensors.Save: written atomically.
func SaveSafetensors(path string, tensors map[string]Tensor, metadata map[string]string) error {
	return safetensors.Save(path, tensors, metadata)
}

// ReadSafetensors is safetensors.Read.
func ReadSafetensors(r io.Reader) (map[string]Tensor, map[string]string, error) {
	return safetensors.Read(r)
}

// LoadSafetensors is safetensors.Load.
func LoadSafetensors(path string) (map[string]Tensor, map[string]string, error) {
	return safetensors.Load(path)
}
