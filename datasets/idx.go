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
//
// The header is checked against the file's size before any data is read: a
// raw file must hold exactly the bytes its header promises, and a gzip file
// must be large enough to decompress to them (see maxDeflateRatio), so that a
// corrupt or hostile header fails at once instead of costing memory.
func ReadIDXFile(path string) (*IDX, error) {
	return readIDXFile(path, idxWant{})
}

// idxWant is what a caller expects of an IDX header; the zero value accepts
// any type and rank. Checking it before the data are read is what lets a
// wrong type byte or rank be reported as such rather than as a size mismatch,
// since both change how many bytes the header promises.
type idxWant struct {
	typ  byte // element type code, 0 for any
	rank int  // number of dimensions, 0 for any
}

func readIDXFile(path string, want idxWant) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	x, err := readIDX(f, want, fileExtent(f))
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
//
// When r is an *os.File or a *bytes.Reader, whose remaining size is known, the
// header is checked against that size first, as ReadIDXFile does. In every
// case memory grows with the data that actually arrive, not with what the
// header claims.
func ReadIDX(r io.Reader) (*IDX, error) {
	var ext *extent
	switch v := r.(type) {
	case *os.File:
		ext = fileExtent(v)
	case *bytes.Reader:
		ext = &extent{n: int64(v.Len()), at: v, end: v.Size()}
	}
	x, err := readIDX(r, idxWant{}, ext)
	if err != nil {
		return nil, fmt.Errorf("datasets: IDX: %w", err)
	}
	return x, nil
}

// extent describes a stream whose size is known: n bytes remain to be read,
// and at reads them at offsets end-n to end (for the gzip trailer).
type extent struct {
	n   int64
	at  io.ReaderAt
	end int64
}

// fileExtent returns the extent of the rest of f, or nil if f is not a
// regular file or its size or position cannot be had.
func fileExtent(f *os.File) *extent {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil || pos > fi.Size() {
		return nil
	}
	return &extent{n: fi.Size() - pos, at: f, end: fi.Size()}
}

// gzipISIZE returns the gzip trailer's ISIZE field: the uncompressed size of
// the last member, mod 2^32. It is only a hint (a file may hold several
// members, and the field is as trustworthy as the rest of the file), so it
// serves to explain an error, never to size a buffer or to refuse a file.
func (e *extent) gzipISIZE() (uint32, bool) {
	var b [4]byte
	if e == nil || e.n < 18 { // the smallest gzip member: 10-byte header, 8-byte trailer
		return 0, false
	}
	if _, err := e.at.ReadAt(b[:], e.end-4); err != nil {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b[:]), true
}

// maxDeflateRatio bounds how many bytes one compressed byte can inflate to.
// Deflate's longest match (258 bytes) costs at least two bits, which gives
// 1032:1; gzip's headers and block overhead only lower the real ratio, so a
// gzip file of c bytes cannot hold more than maxDeflateRatio*c bytes.
const maxDeflateRatio = 1032

// initialBuf is the buffer the data start in. It grows by doubling as data
// arrive, never past what the header promises, so a header that lies costs
// at most about twice the data actually present.
const initialBuf = 1 << 20

func readIDX(r io.Reader, want idxWant, ext *extent) (*IDX, error) {
	br := bufio.NewReader(r)
	gz := false
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
		gz = true
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
	if want.typ != 0 && hdr[2] != want.typ {
		return nil, fmt.Errorf("IDX type byte %#02x, want %#02x (%s)", hdr[2], want.typ, typeName(want.typ))
	}
	if want.rank != 0 && int(hdr[3]) != want.rank {
		return nil, fmt.Errorf("IDX rank %d, want %d", hdr[3], want.rank)
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
			return nil, fmt.Errorf("dimensions %v... of type %#02x too large for this platform", x.Dims[:i+1], x.Type)
		}
		x.Dims[i], n = int(di), lo
	}
	if err := checkExtent(x, n, gz, ext); err != nil {
		return nil, err
	}

	data, err := readGrowing(br, n)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) { // a cut gzip stream
		return nil, fmt.Errorf("reading data: %w", err)
	}
	if uint64(len(data)) < n {
		return nil, fmt.Errorf("truncated: header %v of type %#02x promises %d data bytes, got %d", x.Dims, x.Type, n, len(data))
	}
	x.Data = data

	switch _, err := io.ReadFull(br, hdr[:1]); err {
	case nil:
		return nil, fmt.Errorf("trailing bytes after the %d data bytes of header %v", n, x.Dims)
	case io.EOF:
	default:
		return nil, fmt.Errorf("after data: %w", err)
	}
	return x, nil
}

// checkExtent refuses a header that promises n data bytes when the stream, of
// known extent, cannot hold them: a raw stream must hold exactly the header
// and the data, and a gzip stream at most maxDeflateRatio times its size.
func checkExtent(x *IDX, n uint64, gz bool, ext *extent) error {
	if ext == nil {
		return nil
	}
	hdrLen := uint64(4 + 4*len(x.Dims))
	if !gz {
		have := uint64(ext.n) - min(uint64(ext.n), hdrLen)
		switch {
		case have < n:
			return fmt.Errorf("truncated: header %v of type %#02x promises %d data bytes, but the %d-byte file holds %d after the %d-byte header",
				x.Dims, x.Type, n, ext.n, have, hdrLen)
		case have > n:
			return fmt.Errorf("trailing bytes: header %v of type %#02x promises %d data bytes, but the %d-byte file holds %d after the %d-byte header",
				x.Dims, x.Type, n, ext.n, have, hdrLen)
		}
		return nil
	}
	limit := uint64(ext.n) * maxDeflateRatio
	if n > limit || hdrLen+n > limit {
		msg := fmt.Sprintf("header %v of type %#02x promises %d data bytes, more than the %d-byte gzip file can hold (at most %d bytes at deflate's %d:1 ratio",
			x.Dims, x.Type, n, ext.n, limit, maxDeflateRatio)
		if isize, ok := ext.gzipISIZE(); ok {
			msg += fmt.Sprintf("; its trailer claims %d bytes, mod 2^32", isize)
		}
		return errors.New(msg + ")")
	}
	return nil
}

// readGrowing reads up to n bytes from r into a buffer that grows as the
// bytes arrive, so that n, which comes from the header, bounds the result but
// never sizes an allocation by itself. It returns what it read and the error
// that stopped it short of n, if any.
func readGrowing(r io.Reader, n uint64) ([]byte, error) {
	buf := make([]byte, 0, min(n, initialBuf))
	for uint64(len(buf)) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*uint64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		k, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err != nil {
			if uint64(len(buf)) == n && err == io.EOF {
				break
			}
			return buf, err
		}
	}
	return buf, nil
}

// typeName names an IDX element type for error messages.
func typeName(typ byte) string {
	switch typ {
	case TypeUint8:
		return "unsigned byte"
	case TypeInt8:
		return "signed byte"
	case TypeInt16:
		return "int16"
	case TypeInt32:
		return "int32"
	case TypeFloat32:
		return "float32"
	case TypeFloat64:
		return "float64"
	}
	return "unknown"
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: an empty stream where a header
// is due is a truncated file, not a clean end.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
