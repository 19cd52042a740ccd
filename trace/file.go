package trace

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nnopt/nnopt"
)

// Writer appends records to a trace file.
type Writer struct {
	path string
	f    *os.File
	h    *Header
}

// Open opens the trace file at path for appending. A new (or empty) file gets the
// header of format; an existing one keeps its own header, and records are written in
// its format whatever format asks for. An existing header that cannot be parsed is an
// error naming the file and line.
//
// The file is locked (flock, where the system has it) while Open decides whether to
// write the header, so that solves appending to one new file at the same time write
// exactly one header between them, and while each record is written. A last line cut
// short by a writer that was killed is turned into a comment first, so that records
// appended after it stay readable; see Read.
func Open(path string, format Format) (w *Writer, err error) {
	want, err := format.Header()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if err := lockFile(f); err != nil {
		return nil, fmt.Errorf("trace: locking %s: %w", path, err)
	}
	defer unlockFile(f)
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	if fi.Size() == 0 {
		if _, err := f.WriteString(want.String()); err != nil {
			return nil, fmt.Errorf("trace: writing the header of %s: %w", path, err)
		}
		return &Writer{path: path, f: f, h: want}, nil
	}
	h, err := readHeader(io.NewSectionReader(f, 0, fi.Size()), path)
	if err != nil {
		return nil, err
	}
	if err := endLastLine(f, fi.Size(), path, h); err != nil {
		return nil, err
	}
	return &Writer{path: path, f: f, h: h}, nil
}

// readHeader reads the header at the start of an existing trace file.
func readHeader(r io.Reader, path string) (*Header, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	p := &headerParser{name: path}
	for !p.done && sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(strings.TrimSpace(l), "*") {
			if p.line == 0 {
				return nil, fmt.Errorf("trace: %s:1: not a trace file: the first line must be %q, not %q", path, "* "+headerTitle, l)
			}
			break
		}
		if err := p.add(l); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("trace: reading %s: %w", path, err)
	}
	return p.finish()
}

// tornPrefix starts the comment that replaces a torn last record.
const tornPrefix = "* torn record: "

// endLastLine makes sure the file, of the given size, ends in a newline before
// records are appended to it. A last line without one is either complete (a comment,
// or a record that decodes: the newline is added) or the start of a record whose
// writer died: it is rewritten as a comment, since a record appended to it would
// otherwise make one malformed line in the middle of the file, which Read refuses.
func endLastLine(f *os.File, size int64, path string, h *Header) error {
	var last [1]byte
	if _, err := f.ReadAt(last[:], size-1); err != nil {
		return fmt.Errorf("trace: reading %s: %w", path, err)
	}
	if last[0] == '\n' {
		return nil
	}
	start := size - 1 // of the last line
	buf := make([]byte, 4096)
	for start > 0 {
		n := min(int64(len(buf)), start)
		if _, err := f.ReadAt(buf[:n], start-n); err != nil {
			return fmt.Errorf("trace: reading %s: %w", path, err)
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			start = start - n + int64(i) + 1
			break
		}
		start -= n
	}
	line := make([]byte, size-start)
	if _, err := f.ReadAt(line, start); err != nil {
		return fmt.Errorf("trace: reading %s: %w", path, err)
	}
	text := strings.TrimRight(string(line), "\r")
	if _, err := h.decode(text); err == nil || strings.HasPrefix(strings.TrimSpace(text), "*") {
		_, err := f.WriteString("\n")
		return wrapWrite(err, path)
	}
	if err := f.Truncate(start); err != nil {
		return fmt.Errorf("trace: cutting the torn last record of %s: %w", path, err)
	}
	_, err := f.WriteString(tornPrefix + text + "\n")
	return wrapWrite(err, path)
}

func wrapWrite(err error, path string) error {
	if err != nil {
		return fmt.Errorf("trace: appending to %s: %w", path, err)
	}
	return nil
}

// Header returns the header records are written with.
func (w *Writer) Header() *Header { return w.h }

// Format returns the format records are written in (FormatCustom for a header that
// matches no predefined format).
func (w *Writer) Format() Format { return w.h.Format() }

// Write appends r in one write. A record whose type the file does not define (an Exit
// record in a solve-only format) is skipped; Exit records go to GamsStep definitions
// in step formats.
func (w *Writer) Write(r Record) error {
	d, ok := w.h.Definition(r.Kind)
	if !ok {
		return nil
	}
	if err := lockFile(w.f); err != nil {
		return fmt.Errorf("trace: locking %s: %w", w.path, err)
	}
	defer unlockFile(w.f)
	_, err := w.f.WriteString(w.h.encode(d, &r) + "\n")
	return wrapWrite(err, w.path)
}

// Close closes the file.
func (w *Writer) Close() error {
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	return nil
}

// Append opens path with Open, writes the records and closes it.
func Append(path string, format Format, records ...Record) error {
	w, err := Open(path, format)
	if err != nil {
		return err
	}
	for _, r := range records {
		if err := w.Write(r); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// File is a trace file that was read.
type File struct {
	Name    string
	Header  *Header
	Records []Record
	// Comments counts the lines that start with '*', the header's included.
	Comments int
	// Torn is the last line when Read skipped it as a torn record, nil otherwise.
	Torn *TornRecord
}

// TornRecord is a last line that ends without a newline and does not decode: what a
// writer killed in the middle of appending a record leaves behind.
type TornRecord struct {
	Line int    // its line number
	Text string // what there is of it
	Err  error  // why it does not decode
}

// maxLine bounds the length of a line, header or record.
const maxLine = 16 << 20

// Read parses a trace file from r; name is used in errors, which give the line.
//
// A malformed record is an error, except a torn last one (see TornRecord), which is
// skipped and left in File.Torn for the caller to report: a run killed while it
// appended its record should cost that record, not the whole file.
func Read(r io.Reader, name string) (*File, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	unterminated := false // the line just scanned is the last and has no newline
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		adv, tok, err := bufio.ScanLines(data, atEOF)
		if atEOF && tok != nil && adv == len(data) && data[len(data)-1] != '\n' {
			unterminated = true
		}
		return adv, tok, err
	})
	p := &headerParser{name: name}
	file := &File{Name: name}
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		isComment := strings.HasPrefix(strings.TrimSpace(l), "*")
		if isComment {
			file.Comments++
		}
		if file.Header == nil {
			if isComment && !p.done {
				if err := p.add(l); err != nil {
					return nil, err
				}
				continue
			}
			if p.line == 0 {
				return nil, fmt.Errorf("trace: %s:1: not a trace file: the first line must be %q, not %q", name, "* "+headerTitle, l)
			}
			h, err := p.finish()
			if err != nil {
				return nil, err
			}
			file.Header = h
		}
		if isComment || strings.TrimSpace(l) == "" {
			continue
		}
		rec, err := file.Header.decode(l)
		if err != nil {
			if unterminated {
				file.Torn = &TornRecord{Line: line, Text: l, Err: err}
				break
			}
			return nil, fmt.Errorf("trace: %s:%d: %w", name, line, err)
		}
		rec.Line = line
		file.Records = append(file.Records, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("trace: reading %s: %w", name, err)
	}
	if file.Header == nil {
		h, err := p.finish()
		if err != nil {
			return nil, err
		}
		file.Header = h
	}
	return file, nil
}

// ReadFile reads the trace file at path.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	defer f.Close()
	return Read(f, path)
}

// Recorder appends the record of every solve to the trace file Path, created in
// Format when it does not exist (an existing file keeps its own format): the
// reference's trace_file and trace_file_format options, as an nnopt.Options.Trace.
// Info's Direction is taken from the model.
type Recorder struct {
	Path   string
	Format Format
	Info   Info
}

// RecordSolve implements nnopt.SolveRecorder.
func (r *Recorder) RecordSolve(m *nnopt.Model) error {
	info := r.Info
	info.Direction = m.Sense()
	return Append(r.Path, r.Format, FromModel(m, info))
}
