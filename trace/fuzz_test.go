package trace

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary text to Read, the reader tracereport uses: it must never
// panic, its errors must name the file, a torn record may only be the last line and
// only when that line has no newline, and every record it accepts must come back the
// same when its header writes it again.
func FuzzRead(f *testing.F) {
	for _, format := range []Format{FormatStep, FormatExit, FormatSolve, FormatPerformance, FormatAll} {
		h, _ := format.Header()
		var b strings.Builder
		b.WriteString(h.String())
		for _, r := range []Record{sampleSolve(), sampleExit()} {
			if d, ok := h.Definition(r.Kind); ok {
				b.WriteString(h.encode(d, &r) + "\n")
			}
		}
		f.Add(b.String())
		f.Add(b.String()[:b.Len()-9])
	}
	f.Add(referenceTrace)
	f.Add("* Trace Record Definition\n* GamsSolve\n* ModelName, ModelStatus, SolverStatus, ObjectiveValue\ntrain,7,2,0.125\n")
	f.Add("* Trace Record Definition\n* GamsSolve\n* ModelName ModelStatus\n*\na 1\nb 1 2\n")
	f.Add("* Trace Record Definition\n* GamsSolve\n* ModelName \"User1\"\n*\nm \"unterminated\n")
	f.Add("hello\n")
	f.Fuzz(func(t *testing.T, in string) {
		file, err := Read(strings.NewReader(in), "fuzz.trc")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "trace: fuzz.trc") && !strings.HasPrefix(err.Error(), "trace: reading fuzz.trc") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if file.Header == nil || len(file.Header.Definitions) == 0 {
			t.Fatalf("accepted without a header")
		}
		lines := strings.Count(in, "\n")
		if !strings.HasSuffix(in, "\n") {
			lines++
		}
		if tr := file.Torn; tr != nil {
			if strings.HasSuffix(in, "\n") || tr.Line != lines || tr.Err == nil {
				t.Fatalf("torn record %+v, but the input has %d lines and ends in %q", tr, lines, in[max(0, len(in)-1):])
			}
		}
		h := file.Header
		again, err := ParseHeader("fuzz.trc", h.String())
		if err != nil || !again.equal(h) {
			t.Fatalf("header %q does not parse back the same: %v", h.String(), err)
		}
		for i, r := range file.Records {
			if r.Line < 1 || r.Line > lines || i > 0 && r.Line <= file.Records[i-1].Line {
				t.Fatalf("record %d at line %d of %d", i, r.Line, lines)
			}
			d, ok := h.Definition(r.Kind)
			if !ok {
				t.Fatalf("record %d of kind %v that the header does not define", i, r.Kind)
			}
			line := h.encode(d, &r)
			back, err := h.decode(line)
			if err != nil {
				t.Fatalf("record %d written as %q does not read back: %v", i, line, err)
			}
			// The writer turns quotes and line breaks in strings into what the
			// format can hold, so strings may change once, and then no more.
			if again := h.encode(d, &back); again != line {
				t.Fatalf("record %d written as %q, read back and written again as %q", i, line, again)
			}
			if back.Line = r.Line; !same(withoutStrings(back), withoutStrings(r)) {
				t.Fatalf("record %d changed when written as %q:\n%+v\n%+v", i, line, r, back)
			}
		}
		// Appending to what was read must leave it readable with one more record.
		var buf bytes.Buffer
		buf.WriteString(in)
		if !strings.HasSuffix(in, "\n") && file.Torn == nil && len(in) > 0 {
			buf.WriteString("\n")
		}
		if file.Torn != nil {
			return // Open turns the torn line into a comment first; see TestAppendAfterTornRecord.
		}
		d, ok := h.Definition(Solve)
		if !ok {
			return
		}
		buf.WriteString(h.encode(d, new(sampleSolve())) + "\n")
		more, err := Read(&buf, "fuzz.trc")
		if err != nil || len(more.Records) != len(file.Records)+1 {
			t.Fatalf("after appending a record: %v", err)
		}
	})
}

// withoutStrings returns r with its string fields, which writing may change,
// cleared.
func withoutStrings(r Record) Record {
	r.InputFileName, r.ModelName, r.ModelType, r.SolverName, r.SolverVersion, r.VersionID, r.User1 = "", "", "", "", "", "", ""
	return r
}
