package trace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadTornLastRecord checks that a last line cut short (no newline, does not
// decode) is skipped and reported, while every other malformed line is an error.
func TestReadTornLastRecord(t *testing.T) {
	h, _ := FormatAll.Header()
	d, _ := h.Definition(Solve)
	good := h.encode(d, new(sampleSolve()))
	head := h.String() + good + "\n" + good + "\n" // lines 1 to 8
	short := good[:strings.Index(good, " NLP ")+3] // cut between fields
	tests := []struct {
		name    string
		text    string
		records int
		torn    int    // line of the torn record, 0 for none
		err     string // in the error, "" for none
	}{
		{"whole", head, 2, 0, ""},
		{"cut between fields", head + short, 2, 9, ""},
		{"cut in a quoted field", head + good[:40], 2, 9, ""},
		{"cut in the quoted last field", head + good[:len(good)-3], 2, 9, ""},
		{"cut after the last field", head + good, 3, 0, ""},
		{"cut with a carriage return", head + short + "\r", 2, 9, ""},
		{"malformed in the middle", head + short + "\n" + good + "\n", 0, 0, "x.trc:9: a line of"},
		{"malformed last, complete", head + short + "\n", 0, 0, "x.trc:9: a line of"},
		{"open quote in the middle", head + good[:len(good)-3] + "\n" + good + "\n", 0, 0, "x.trc:9: unterminated quoted field"},
		{"malformed, then a torn one", head + short + "\n" + short, 0, 0, "x.trc:9: a line of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read(strings.NewReader(tt.text), "x.trc")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Records) != tt.records {
				t.Errorf("%d records, want %d", len(f.Records), tt.records)
			}
			switch {
			case tt.torn == 0 && f.Torn != nil:
				t.Errorf("torn record %+v, want none", f.Torn)
			case tt.torn != 0 && (f.Torn == nil || f.Torn.Line != tt.torn || f.Torn.Err == nil):
				t.Errorf("torn record %+v, want one at line %d", f.Torn, tt.torn)
			}
		})
	}
}

// TestAppendAfterTornRecord checks that appending to a file whose last record is
// torn keeps the file readable: the torn line becomes a comment.
func TestAppendAfterTornRecord(t *testing.T) {
	for _, format := range []Format{FormatAll, FormatPerformance} {
		path := filepath.Join(t.TempDir(), "a.trc")
		if err := Append(path, format, sampleSolve()); err != nil {
			t.Fatal(err)
		}
		h, _ := format.Header()
		d, _ := h.Definition(Solve)
		torn := h.encode(d, new(sampleSolve()))[:30]
		fd, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		fd.WriteString(torn)
		fd.Close()
		if err := Append(path, format, sampleSolve()); err != nil {
			t.Fatal(err)
		}
		f, err := ReadFile(path)
		if err != nil {
			t.Fatalf("format %v: %v", format, err)
		}
		data, _ := os.ReadFile(path)
		if len(f.Records) != 2 || f.Torn != nil || !strings.Contains(string(data), "\n"+tornPrefix+torn+"\n") {
			t.Errorf("format %v: %d records, torn %+v; file:\n%s", format, len(f.Records), f.Torn, data)
		}
	}

	// A last line that is whole but for its newline is kept, and so is a comment.
	for _, tail := range []string{"", "* a note"} {
		path := filepath.Join(t.TempDir(), "b.trc")
		if err := Append(path, FormatSolve, sampleSolve()); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		if tail == "" {
			data = data[:len(data)-1]
		}
		data = append(data, tail...)
		os.WriteFile(path, data, 0o644)
		if err := Append(path, FormatSolve, sampleSolve()); err != nil {
			t.Fatal(err)
		}
		f, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if after, _ := os.ReadFile(path); len(f.Records) != 2 || strings.Contains(string(after), tornPrefix) {
			t.Errorf("tail %q: %d records; file:\n%s", tail, len(f.Records), after)
		}
	}
}
