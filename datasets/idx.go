package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
)

// IDX element type codes, as they appear in the third byte of an IDX header.
const (
	TypeUint8   byte = 0x08
	TypeInt8    byte = 0x09
	TypeInt16   byte = 0x0B
	TypeInt32   byte = 0x0C
	TypeFloat32 byte = 0x0D
	TypeFloat64 byte = 0x0E
)

// IDX is the content of an IDX file: an n-dimensional array of one element
// type, stored in row-major order.
type IDX struct {
	// Type is the element type code, one of the Type constants.
	Type byte
	// Dims are the sizes of the dimensions, outermost first; Dims[0] is the
	// number of items.
	Dims []int
	// Data holds the elements as stored in the file, big-endian, 1, 2, 4
	// or 8 bytes each by type. For TypeUint8 these are the values themselves.
	Data []byte
}

// elemSize returns the size in bytes of an element of IDX type typ, and
// false for unknown types.
func elemSize(typ byte) (int, bool) {
	switch typ {
	case TypeUint8, TypeInt8:
		return 1, true
	case TypeInt16:
		return 2, true
	case TypeInt32, TypeFloat32:
		return 4, true
	case TypeFloat64:
		return 8, true
	}
	return 0, false
}

// Len returns the number of elements, the product of Dims.
func (x *IDX) Len() int {
	n := 1
	for _, d := range x.Dims {
		n *= d
	}
	return n
}

// Float64s returns the elements converted to float64, whatever their type,
// for callers that do not want to handle each IDX type.
func (x *IDX) Float64s() []float64 {
	size, _ := elemSize(x.Type)
	if size == 0 {
		return nil
	}
	n := len(x.Data) / size
	out := make([]float64, n)
	be := binary.BigEndian
	for i := range out {
		b := x.Data[i*size:]
		switch x.Type {
		case TypeUint8:
			out[i] = float64(b[0])
		case TypeInt8:
			out[i] = float64(int8(b[0]))
		case TypeInt16:
			out[i] = float64(int16(be.Uint16(b)))
		case TypeInt32:
			out[i] = float64(int32(be.Uint32(b)))
		case TypeFloat32:
			out[i] = float64(math.Float32frombits(be.Uint32(b)))
		case TypeFloat64:
			out[i] = math.Float64frombits(be.Uint64(b))
		}
	}
	return out
}

// ReadIDXFile reads the IDX file at path, gzip-compressed or not. Errors name
// the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	x, err := readIDX(f)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", path, err)
	}
	return x, nil
}

// ReadIDX reads one IDX array from r.
//
// Gzip compression is detected from the stream's magic bytes (0x1f 0x8b)
// rather than a file name, since files are often renamed or decompressed in
// place. The element count comes from the header alone. The data must end
// exactly where the header says: fewer bytes is an error, and so are bytes
// after the data, because reading to the end is what makes gzip verify its
// checksum and what catches a file that is not what its header claims.
func ReadIDX(r io.Reader) (*IDX, error) {
	x, err := readIDX(r)
	if err != nil {
		return nil, fmt.Errorf("datasets: IDX: %w", err)
	}
	return x, nil
}

// maxPrealloc bounds the buffer allocated on the header's word alone, so that
// a corrupt header cannot demand gigabytes before the data run out.
const maxPrealloc = 64 << 20

func readIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}

	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, fmt.Errorf("reading header: %w", noEOF(err))
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, fmt.Errorf("bad magic %#02x %#02x, want 0x00 0x00: not an IDX file", hdr[0], hdr[1])
	}
	size, ok := elemSize(hdr[2])
	if !ok {
		return nil, fmt.Errorf("unknown element type code %#02x", hdr[2])
	}
	x := &IDX{Type: hdr[2], Dims: make([]int, hdr[3])}
	n := uint64(size) // data bytes
	for i := range x.Dims {
		var d [4]byte
		if _, err := io.ReadFull(br, d[:]); err != nil {
			return nil, fmt.Errorf("reading size of dimension %d of %d: %w", i, len(x.Dims), noEOF(err))
		}
		di := uint64(binary.BigEndian.Uint32(d[:]))
		hi, lo := bits.Mul64(n, di)
		if hi != 0 || lo > math.MaxInt || di > math.MaxInt {
			return nil, errors.New("dimensions too large for this platform")
		}
		x.Dims[i], n = int(di), lo
	}

	buf := bytes.NewBuffer(make([]byte, 0, min(n, maxPrealloc)))
	got, err := buf.ReadFrom(io.LimitReader(br, int64(n)))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) { // a cut gzip stream
		return nil, fmt.Errorf("reading data: %w", err)
	}
	if uint64(got) < n {
		return nil, fmt.Errorf("truncated: header %v of type %#02x promises %d data bytes, got %d", x.Dims, x.Type, n, got)
	}
	x.Data = buf.Bytes()

	switch _, err := io.ReadFull(br, hdr[:1]); err {
	case nil:
		return nil, fmt.Errorf("trailing bytes after the %d data bytes of header %v", n, x.Dims)
	case io.EOF:
	default:
		return nil, fmt.Errorf("after data: %w", err)
	}
	return x, nil
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: an empty stream where a header
// is due is a truncated file, not a clean end.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
