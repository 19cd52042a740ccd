// Package modelfile reads and writes the framing of nnopt's model and scenario
// files (docs/model-file.md): magic, version, a JSON metadata section, a
// safetensors data section and a CRC-32 checksum. What the sections hold is the
// modelling layer's (the root package's modelfile.go).
package modelfile

import (
	"bytes"
	le "encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"

	"github.com/nnopt/nnopt/safetensors"
)

// Version is the version of the format that Write writes and Read reads.
const Version = 1

// The magic numbers of the two kinds of file.
const (
	ModelMagic    = "NNOPTMDL"
	ScenarioMagic = "NNOPTSCN"
)

// ErrBad is wrapped by every error of Read about the bytes it reads.
var ErrBad = errors.New("bad model file")

// Write writes one file: magic, Version, meta, the tensors and the checksum.
// Invalid tensors fail before anything is written.
func Write(w io.Writer, magic string, meta []byte, tensors map[string]safetensors.Tensor) error {
	size, err := safetensors.Size(tensors, nil)
	if err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	out := io.MultiWriter(w, crc)
	var head bytes.Buffer
	head.WriteString(magic)
	le.Write(&head, le.LittleEndian, uint32(Version))
	le.Write(&head, le.LittleEndian, uint64(len(meta)))
	head.Write(meta)
	le.Write(&head, le.LittleEndian, uint64(size))
	if _, err := out.Write(head.Bytes()); err != nil {
		return err
	}
	var count countWriter
	if err := safetensors.Write(io.MultiWriter(out, &count), tensors, nil); err != nil {
		return err
	}
	if int64(count) != size {
		return fmt.Errorf("nnopt: model file: the data section came out %d bytes long, want %d", count, size)
	}
	var sum [4]byte
	le.LittleEndian.PutUint32(sum[:], crc.Sum32())
	_, err = w.Write(sum[:])
	return err
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// File is one file as Read reads it.
type File struct {
	Meta    []byte
	Tensors map[string]safetensors.Tensor
}

// Read reads one file of the given magic from r, which must hold it and
// nothing after it, and checks its version and checksum. kind names the file in
// errors ("model file", "scenario file").
func Read(r io.Reader, magic, kind string) (*File, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("nnopt: %s: %w: %s", kind, ErrBad, fmt.Sprintf(format, args...))
	}
	crc := crc32.NewIEEE()
	tr := io.TeeReader(r, crc)
	var head [12]byte
	if n, err := io.ReadFull(tr, head[:]); err != nil {
		if n == 0 {
			return nil, bad("the file is empty")
		}
		if k := min(n, len(magic)); string(head[:k]) != magic[:k] {
			return nil, bad("the file does not start with %q; it is not an nnopt %s", magic, kind)
		}
		return nil, bad("truncated in its header after %d bytes", n)
	}
	if string(head[:8]) != magic {
		if other := map[string]string{ModelMagic: "model file", ScenarioMagic: "scenario file"}[string(head[:8])]; other != "" {
			return nil, bad("this is an nnopt %s, not a %s", other, kind)
		}
		return nil, bad("the file does not start with %q; it is not an nnopt %s", magic, kind)
	}
	if v := le.LittleEndian.Uint32(head[8:]); v != Version {
		return nil, bad("version %d; this nnopt reads version %d", v, Version)
	}
	meta, err := readSection(tr, "metadata")
	if err != nil {
		return nil, bad("%v", err)
	}
	var lenBuf [8]byte
	if _, err := io.ReadFull(tr, lenBuf[:]); err != nil {
		return nil, bad("truncated before the data section's length")
	}
	n := le.LittleEndian.Uint64(lenBuf[:])
	if n > math.MaxInt64 {
		return nil, bad("data section length %d is too large", n)
	}
	lr := &io.LimitedReader{R: tr, N: int64(n)}
	tensors, _, err := safetensors.Read(lr)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			if lr.N == 0 {
				return nil, bad("the data section is shorter than its contents say: %v", err)
			}
			return nil, bad("truncated in the data section: %v", err)
		}
		return nil, bad("data section: %v", err)
	}
	if lr.N > 0 {
		return nil, bad("data section: %d bytes of the %d its length says are missing (truncated)", lr.N, n)
	}
	if err := checkSum(r, crc); err != nil {
		return nil, bad("%v", err)
	}
	return &File{Meta: meta, Tensors: tensors}, nil
}

// readSection reads a length-prefixed section whole; the buffer grows as the bytes
// arrive, so a damaged length costs no more memory than the file holds.
func readSection(r io.Reader, name string) ([]byte, error) {
	var lenBuf [8]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, fmt.Errorf("truncated before the %s section's length", name)
	}
	n := le.LittleEndian.Uint64(lenBuf[:])
	if n > math.MaxInt64 {
		return nil, fmt.Errorf("%s section length %d is too large", name, n)
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, fmt.Errorf("reading the %s section: %v", name, err)
	}
	if uint64(len(b)) < n {
		return nil, fmt.Errorf("%s section: %d bytes of the %d its length says are missing (truncated)", name, n-uint64(len(b)), n)
	}
	return b, nil
}

// checkSum reads the checksum that ends the file and compares it with crc, the
// checksum of everything before it; nothing may follow.
func checkSum(r io.Reader, crc hash.Hash32) error {
	want := crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return fmt.Errorf("truncated before the checksum")
	}
	if got := le.LittleEndian.Uint32(sum[:]); got != want {
		return fmt.Errorf("checksum %08x, the contents' is %08x: the file is damaged", got, want)
	}
	var one [1]byte
	if n, _ := io.ReadFull(r, one[:]); n > 0 {
		return fmt.Errorf("data after the checksum; a file holds one model")
	}
	return nil
}
