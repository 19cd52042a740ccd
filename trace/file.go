package trace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
func Open(path string, format Format) (*Writer, error) {
	want, err := format.Header()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err == nil {
		if _, err := f.WriteString(want.String()); err != nil {
			f.Close()
			return nil, fmt.Errorf("trace: writing the header of %s: %w", path, err)
		}
		return &Writer{path: path, f: f, h: want}, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("trace: %w", err)
	}
	h, empty, err := readHeaderFile(path)
	if err != nil {
		return nil, err
	}
	f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	if empty {
		if _, err := f.WriteString(want.String()); err != nil {
			f.Close()
			return nil, fmt.Errorf("trace: writing the header of %s: %w", path, err)
		}
		h = want
	}
	return &Writer{path: path, f: f, h: h}, nil
}

// readHeaderFile reads the header of an existing file; empty is true for a file with
// nothing in it.
func readHeaderFile(path string) (h *Header, empty bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("trace: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	p := &headerParser{name: path}
	for !p.done && sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(strings.TrimSpace(l), "*") {
			if p.line == 0 {
				return nil, false, fmt.Errorf("trace: %s:1: not a trace file: the first line must be %q, not %q", path, "* "+headerTitle, l)
			}
			break
		}
		if err := p.add(l); err != nil {
			return nil, false, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("trace: reading %s: %w", path, err)
	}
	if p.line == 0 {
		return nil, true, nil
	}
	h, err = p.finish()
	return h, false, err
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
	if _, err := w.f.WriteString(w.h.encode(d, &r) + "\n"); err != nil {
		return fmt.Errorf("trace: appending to %s: %w", w.path, err)
	}
	return nil
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
}

// Read parses a trace file from r; name is used in errors, which give the line.
func Read(r io.Reader, name string) (*File, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
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
