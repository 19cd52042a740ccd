// Package safetensors reads and writes the safetensors tensor file format that
// PyTorch, NumPy and Hugging Face tools load: weights files of nn networks and
// point files of models.
package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nnopt/nnopt/internal/fsutil"
)

// DType is the on-disk element type of a tensor in a safetensors file.
// In memory tensors are always float64; the DType only says how the values
// are stored, so that files can match what PyTorch expects (F32 is PyTorch's
// default, F64 keeps values bit-exact).
type DType string

// The supported dtypes, spelled as in the safetensors header.
const (
	F32 DType = "F32"
	F64 DType = "F64"
)

// size returns the number of bytes of one element, or 0 for an
// unsupported dtype.
func (d DType) size() int {
	switch d {
	case F32:
		return 4
	case F64:
		return 8
	}
	return 0
}

// Tensor is a dense array of values in row-major (C-contiguous) order, as
// PyTorch stores a contiguous tensor. len(Data) must equal the product of
// Shape; an empty Shape is a scalar holding one value.
type Tensor struct {
	DType DType
	Shape []int
	Data  []float64
}

// metadataKey is the reserved header key that holds the string-to-string
// metadata map instead of a tensor.
const metadataKey = "__metadata__"

// maxHeaderLen bounds the JSON header that a reader accepts, so that a
// corrupt length field cannot make it allocate unbounded memory. It is the
// same limit as the reference Rust implementation.
const maxHeaderLen = 100 << 20

// chunkBytes is the size of the buffer used to convert tensor data.
const chunkBytes = 32 << 10

// numElems returns the product of shape, checking that every dimension is
// non-negative and that the product and its size in bytes (elemSize bytes
// per element) fit in an int.
func numElems(shape []int, elemSize int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %v has too many elements", shape)
		}
		n *= d
	}
	if elemSize > 0 && n > math.MaxInt/elemSize {
		return 0, fmt.Errorf("shape %v has too many bytes", shape)
	}
	return n, nil
}

// Write writes tensors and metadata to w in the safetensors
// format: an 8-byte little-endian header length, a JSON header padded with
// spaces to a multiple of 8 bytes, and the little-endian tensor data.
//
// The output is deterministic: the metadata comes first in the header, then
// the tensors in sorted key order, and the data is laid out in the same
// order without gaps. Values written as F32 are rounded to the nearest
// float32. A nil or empty metadata map omits the "__metadata__" entry.
//
// Every tensor is validated before anything is written, so an invalid
// argument leaves w untouched.
func Write(w io.Writer, tensors map[string]Tensor, metadata map[string]string) error {
	hdr, names, _, err := header(tensors, metadata)
	if err != nil {
		return err
	}

	bw := bufio.NewWriterSize(w, chunkBytes)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(hdr.Len()))
	bw.Write(lenBuf[:])
	bw.Write(hdr.Bytes())
	var buf [8]byte
	for _, name := range names {
		t := tensors[name]
		switch t.DType {
		case F32:
			for _, v := range t.Data {
				binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(float32(v)))
				bw.Write(buf[:4])
			}
		case F64:
			for _, v := range t.Data {
				binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
				bw.Write(buf[:])
			}
		}
	}
	// bufio.Writer keeps the first write error and returns it here.
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// Size returns the number of bytes Write writes for tensors and metadata, or the
// error Write would return, without formatting the data: a format that frames a
// safetensors file behind its length needs the length first.
func Size(tensors map[string]Tensor, metadata map[string]string) (int64, error) {
	hdr, _, dataLen, err := header(tensors, metadata)
	if err != nil {
		return 0, err
	}
	return 8 + int64(hdr.Len()) + int64(dataLen), nil
}

// header validates the tensors and formats the JSON header, padded to a multiple
// of 8 bytes; it returns the tensors' names in data order and the data's length.
func header(tensors map[string]Tensor, metadata map[string]string) (*bytes.Buffer, []string, int, error) {
	names := make([]string, 0, len(tensors))
	for name := range tensors {
		names = append(names, name)
	}
	sort.Strings(names)

	var hdr bytes.Buffer
	hdr.WriteByte('{')
	first := true
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k, v := range metadata {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, nil, 0, fmt.Errorf("safetensors: metadata %q: not valid UTF-8", k)
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		writeJSONString(&hdr, metadataKey)
		hdr.WriteString(":{")
		for i, k := range keys {
			if i > 0 {
				hdr.WriteByte(',')
			}
			writeJSONString(&hdr, k)
			hdr.WriteByte(':')
			writeJSONString(&hdr, metadata[k])
		}
		hdr.WriteByte('}')
		first = false
	}
	var offset int
	for _, name := range names {
		t := tensors[name]
		if name == "" || name == metadataKey || !utf8.ValidString(name) {
			return nil, nil, 0, fmt.Errorf("safetensors: invalid tensor name %q", name)
		}
		size := t.DType.size()
		if size == 0 {
			return nil, nil, 0, fmt.Errorf("safetensors: tensor %q: unsupported dtype %q (want F32 or F64)", name, t.DType)
		}
		n, err := numElems(t.Shape, size)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("safetensors: tensor %q: %v", name, err)
		}
		if len(t.Data) != n {
			return nil, nil, 0, fmt.Errorf("safetensors: tensor %q: shape %v needs %d values, Data has %d", name, t.Shape, n, len(t.Data))
		}
		if offset > math.MaxInt-n*size {
			return nil, nil, 0, fmt.Errorf("safetensors: tensor %q: data too large", name)
		}
		if !first {
			hdr.WriteByte(',')
		}
		first = false
		writeJSONString(&hdr, name)
		fmt.Fprintf(&hdr, `:{"dtype":"%s","shape":[`, t.DType)
		for i, d := range t.Shape {
			if i > 0 {
				hdr.WriteByte(',')
			}
			fmt.Fprint(&hdr, d)
		}
		fmt.Fprintf(&hdr, `],"data_offsets":[%d,%d]}`, offset, offset+n*size)
		offset += n * size
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	return &hdr, names, offset, nil
}

// writeJSONString writes s as a JSON string literal. It does not escape
// HTML characters, so names appear in the header as they are spelled.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // Cannot fail for a string.
	// Drop the newline that Encode appends.
	b.Truncate(b.Len() - 1)
}

// Save writes tensors and metadata to the named file as
// Write does. The file is replaced atomically: readers see
// either the old content or the complete new file, never a partial one,
// and on error the old file is left as it was.
func Save(path string, tensors map[string]Tensor, metadata map[string]string) error {
	err := fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		return Write(w, tensors, metadata)
	}, 0o644)
	if err != nil {
		return fmt.Errorf("safetensors: saving: %w", err) // The fsutil error names the path.
	}
	return nil
}

// Read reads a safetensors file from r, which must hold exactly
// one file and nothing after it. The data of each tensor is converted to
// float64; Tensor.DType reports how it was stored. Only F32 and F64
// tensors are supported; any other dtype is an error.
//
// The header is validated before data is read: the header length must be
// at most 100 MiB, every tensor must have a supported dtype, a non-negative
// shape and data_offsets whose byte count matches the shape, and the
// tensors' data must cover the data section in order without gaps or
// overlaps. Errors name the offending tensor.
//
// The returned metadata map is nil when the file has none.
func Read(r io.Reader) (map[string]Tensor, map[string]string, error) {
	return read(r, -1)
}

// Load reads the named safetensors file as Read does.
// It also checks the header and data sizes against the file size before
// reading any data. Errors name the file.
func Load(path string) (map[string]Tensor, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: loading: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: loading %s: %w", path, err)
	}
	tensors, metadata, err := read(bufio.NewReaderSize(f, chunkBytes), fi.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: loading %s: %w", path, err)
	}
	return tensors, metadata, nil
}

// tensorHeader is one tensor's entry in the header.
type tensorHeader struct {
	name    string
	dtype   DType
	shape   []int
	begin   int64
	end     int64
	numElem int
}

// read reads a safetensors file from r. size is the total size
// of the file in bytes, or -1 if it is not known.
func read(r io.Reader, size int64) (map[string]Tensor, map[string]string, error) {
	var lenBuf [8]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading header length: %w", unexpectedEOF(err))
	}
	hlen := binary.LittleEndian.Uint64(lenBuf[:])
	if hlen > maxHeaderLen {
		return nil, nil, fmt.Errorf("safetensors: header length %d exceeds limit of %d bytes", hlen, maxHeaderLen)
	}
	if size >= 0 && hlen > uint64(size-8) {
		return nil, nil, fmt.Errorf("safetensors: header length %d exceeds the %d bytes after the length field", hlen, size-8)
	}
	// The buffer grows as the header arrives: a length field that lies costs
	// no more memory than the bytes that are really there.
	hdr, err := io.ReadAll(io.LimitReader(r, int64(hlen)))
	if err == nil && uint64(len(hdr)) < hlen {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading %d-byte header: %w", hlen, err)
	}
	entries, metadata, err := parseHeader(hdr)
	if err != nil {
		return nil, nil, err
	}

	// Check that the tensors tile the data section [0, dataLen) exactly.
	slices.SortFunc(entries, func(a, b tensorHeader) int {
		if a.begin != b.begin {
			if a.begin < b.begin {
				return -1
			}
			return 1
		}
		if a.end != b.end {
			if a.end < b.end {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	var dataLen int64
	for i, e := range entries {
		switch {
		case e.begin < dataLen:
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d,%d] overlap tensor %q", e.name, e.begin, e.end, entries[i-1].name)
		case e.begin > dataLen:
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d,%d] leave a gap of %d bytes before it", e.name, e.begin, e.end, e.begin-dataLen)
		}
		dataLen = e.end
	}
	if size >= 0 {
		if have := size - 8 - int64(hlen); have != dataLen {
			if have < dataLen {
				e := entries[len(entries)-1]
				return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d,%d] beyond the %d-byte data section", e.name, e.begin, e.end, have)
			}
			return nil, nil, fmt.Errorf("safetensors: %d trailing bytes after the %d-byte data section", have-dataLen, dataLen)
		}
	}

	tensors := make(map[string]Tensor, len(entries))
	buf := make([]byte, chunkBytes)
	for _, e := range entries {
		data, err := readData(r, e, buf)
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: reading data_offsets [%d,%d]: %w", e.name, e.begin, e.end, err)
		}
		tensors[e.name] = Tensor{DType: e.dtype, Shape: e.shape, Data: data}
	}
	if size < 0 {
		if n, _ := io.ReadFull(r, buf[:1]); n > 0 {
			return nil, nil, fmt.Errorf("safetensors: trailing bytes after the %d-byte data section", dataLen)
		}
	}
	return tensors, metadata, nil
}

// readData reads and converts the data of e from r using buf as scratch.
// The result grows as data arrives, so a header that claims more data than
// the stream holds fails with io.ErrUnexpectedEOF instead of allocating the
// claimed size up front.
func readData(r io.Reader, e tensorHeader, buf []byte) ([]float64, error) {
	size := e.dtype.size()
	buf = buf[:len(buf)/size*size]
	data := make([]float64, 0, min(e.numElem, len(buf)/size))
	for remaining := e.end - e.begin; remaining > 0; {
		b := buf[:min(int64(len(buf)), remaining)]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, unexpectedEOF(err)
		}
		remaining -= int64(len(b))
		switch e.dtype {
		case F32:
			for i := 0; i < len(b); i += 4 {
				data = append(data, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))))
			}
		case F64:
			for i := 0; i < len(b); i += 8 {
				data = append(data, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
			}
		}
	}
	return data, nil
}

// unexpectedEOF reports a clean EOF in the middle of a file as truncation.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseHeader parses and validates the JSON header, returning the tensor
// entries in no particular order and the metadata.
func parseHeader(hdr []byte) ([]tensorHeader, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("safetensors: header is not a JSON object")
	}
	var (
		entries  []tensorHeader
		metadata map[string]string
		seen     = make(map[string]bool)
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: invalid JSON header: %v", err)
		}
		name := tok.(string) // Object keys are always strings.
		if seen[name] {
			return nil, nil, fmt.Errorf("safetensors: duplicate header key %q", name)
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("safetensors: invalid JSON header at key %q: %v", name, err)
		}
		if name == metadataKey {
			if err := json.Unmarshal(raw, &metadata); err != nil {
				return nil, nil, fmt.Errorf("safetensors: %s must map strings to strings: %v", metadataKey, err)
			}
			continue
		}
		e, err := parseEntry(name, raw)
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %v", name, err)
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("safetensors: invalid JSON header: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("safetensors: invalid JSON header: data after the header object")
	}
	return entries, metadata, nil
}

// parseEntry parses and checks one tensor's header entry.
func parseEntry(name string, raw json.RawMessage) (tensorHeader, error) {
	var h struct {
		DType   *string  `json:"dtype"`
		Shape   *[]int   `json:"shape"`
		Offsets *[]int64 `json:"data_offsets"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return tensorHeader{}, fmt.Errorf("invalid header entry: %v", err)
	}
	switch {
	case h.DType == nil:
		return tensorHeader{}, errors.New(`header entry has no "dtype"`)
	case h.Shape == nil:
		return tensorHeader{}, errors.New(`header entry has no "shape"`)
	case h.Offsets == nil:
		return tensorHeader{}, errors.New(`header entry has no "data_offsets"`)
	}
	e := tensorHeader{name: name, dtype: DType(*h.DType), shape: *h.Shape}
	size := e.dtype.size()
	if size == 0 {
		return tensorHeader{}, fmt.Errorf("unsupported dtype %q (want F32 or F64)", *h.DType)
	}
	n, err := numElems(e.shape, size)
	if err != nil {
		return tensorHeader{}, err
	}
	e.numElem = n
	off := *h.Offsets
	if len(off) != 2 {
		return tensorHeader{}, fmt.Errorf("data_offsets %v must be [begin,end]", off)
	}
	e.begin, e.end = off[0], off[1]
	if e.begin < 0 || e.end < e.begin {
		return tensorHeader{}, fmt.Errorf("data_offsets [%d,%d] are not 0 <= begin <= end", e.begin, e.end)
	}
	if want := int64(n) * int64(size); e.end-e.begin != want {
		return tensorHeader{}, fmt.Errorf("data_offsets [%d,%d] span %d bytes, shape %v of %s needs %d", e.begin, e.end, e.end-e.begin, e.shape, e.dtype, want)
	}
	return e, nil
}

// Elements is the number of values Shape holds (1 for a scalar), or an error for
// a negative dimension or an overflowing product.
func (t Tensor) Elements() (int, error) { return numElems(t.Shape, 0) }
