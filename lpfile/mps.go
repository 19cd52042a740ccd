package lpfile

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLine is the longest line ReadMPS takes, in bytes.
const maxLine = 1 << 20

// ReadMPS reads a linear program from an MPS file, fixed or free: fields are
// separated by blanks, so the fixed layout reads as long as no name holds a space
// (none of netlib's does). Lines starting with '*' are comments, section headers
// start in the first column and data lines do not. The sections are:
//
//   - NAME: the rest of the line is Program.Name.
//   - OBJSENSE: MAX (or MAXIMIZE) maximises, MIN (MINIMIZE) minimises, the default;
//     on the header line or the next.
//   - ROWS: N, E, L and G rows. The first N row is the objective; further N rows
//     are free rows, which are read and dropped (with their entries, right-hand
//     sides and ranges), and a comment in Program.Comments says so.
//   - COLUMNS: a column's entries, one or two (row, value) pairs per line, together
//     in one run of lines; MARKER lines with INTORG and INTEND enclose integer
//     columns, whose default bounds are [0, +Inf] like those of the others. Zero
//     objective entries are dropped (writers use them to declare a column), zero
//     entries in rows are kept.
//   - RHS: right-hand sides; one on the objective row is minus the objective's
//     constant (Program.ObjConstant; CPLEX's convention, see there).
//   - RANGES: R on a row makes it two-sided (Row.Range): an E row [rhs, rhs+R]
//     when R > 0 and [rhs+R, rhs] when R < 0, an L row [rhs-|R|, rhs], a G row
//     [rhs, rhs+|R|]. A zero range on an L or G row makes it an E row.
//   - BOUNDS: UP, LO, FX, FR, MI, PL, BV, LI and UI. UP (or UI) with a negative
//     value on a column whose lower bound is the default 0 (not set by LO, FX or
//     LI) also sets the lower bound to -Inf, the old convention most readers keep.
//     BV makes a binary column with bounds [0, 1]; a bound after BV makes it an
//     integer column with those bounds changed. LI and UI make an integer column.
//   - ENDATA ends the file; anything after it is not read.
//
// RHS, RANGES and BOUNDS sections may hold several named vectors; the first is
// read and the others are dropped with a comment in Program.Comments. The set
// name may be left out (as in free MPS files).
//
// An unknown section, a section given twice, an unknown row or column, a row or
// column defined twice, a column's lines apart from each other, an entry, right-
// hand side or range given twice, a field that is not a number, NaN, an infinite
// coefficient, right-hand side or range, a lower bound of +Inf or an upper bound
// of -Inf, a wrong number of fields and a file that ends before ENDATA are errors
// naming the line and, where there is one, the field.
func ReadMPS(r io.Reader) (*Program, error) { return readMPS(r, "") }

// ReadFile reads the program in path: MPS if the name ends in .mps and gzipped
// MPS if it ends in .mps.gz, in any case (see ReadMPS). LP files are not read.
func ReadFile(path string) (*Program, error) {
	lower := strings.ToLower(path)
	gz := strings.HasSuffix(lower, ".mps.gz")
	switch {
	case gz, strings.HasSuffix(lower, ".mps"):
	case strings.HasSuffix(lower, ".lp"), strings.HasSuffix(lower, ".lp.gz"):
		return nil, fmt.Errorf("lpfile: %s: reading LP files is not supported; read the program's MPS file (glpsol --lp %s --check --wfreemps FILE.mps writes one)", path, path)
	default:
		return nil, fmt.Errorf("lpfile: cannot tell the format of %q; want a name ending in .mps or .mps.gz", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lpfile: %w", err)
	}
	defer f.Close()
	var in io.Reader = f
	if gz {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("lpfile: %s: %w", path, err)
		}
		defer z.Close()
		in = z
	}
	return readMPS(in, path)
}

// Kinds of rows besides the constraints, which are indices into Program.Rows.
const (
	objRow  = -1 // the objective, the first N row
	freeRow = -2 // a further N row, dropped
)

type mpsReader struct {
	src     string // the file's name, or "" for a reader
	line    int
	p       *Program
	section string
	seen    map[string]int // the line of each section's header

	rows      map[string]int // rows by name: an index into p.Rows, objRow or freeRow
	obj       string         // the objective row's name
	hasObj    bool
	cols      map[string]int // columns by name
	free      []string       // the free rows' names
	integer   bool           // between MARKER INTORG and INTEND
	lastCol   int            // the column of the previous COLUMNS line, or -1
	rowLast   []int          // per row, the column of its last entry, plus one
	objLast   int            // the column of the objective's last entry, plus one
	rhsGiven  []bool         // per row
	rngGiven  []bool         // per row
	objRHS    bool           // the objective row has a right-hand side
	loGiven   []bool         // per column, its lower bound was set
	vector    [3]string      // the RHS, RANGES and BOUNDS vectors read
	dropped   []string       // comments on the vectors dropped
	dropCheck map[string]bool
}

func readMPS(r io.Reader, src string) (*Program, error) {
	m := &mpsReader{src: src, p: &Program{}, seen: map[string]int{}, rows: map[string]int{}, cols: map[string]int{}, lastCol: -1, dropCheck: map[string]bool{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var fields []string // the line's fields, reused from line to line
	for sc.Scan() {
		m.line++
		text := sc.Text()
		fields = appendFields(fields[:0], text)
		if len(fields) == 0 || text[0] == '*' {
			continue
		}
		var err error
		if first, _ := utf8.DecodeRuneInString(text); !unicode.IsSpace(first) {
			var done bool
			if done, err = m.header(text, fields); done {
				return m.finish(), nil
			}
		} else {
			err = m.data(fields)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		m.line++
		return nil, m.errorf("the line is longer than %d bytes", maxLine)
	} else if err != nil {
		return nil, m.errorf("after this line: %v", err)
	}
	return nil, m.errorf("the file ended early, after this line, without ENDATA")
}

// appendFields appends the fields of s, as strings.Fields splits it (around runs
// of Unicode white space), to dst.
func appendFields(dst []string, s string) []string {
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				dst, start = append(dst, s[start:i]), -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

func (m *mpsReader) errorf(format string, args ...any) error {
	at := fmt.Sprintf("line %d", m.line)
	if m.src != "" {
		at = fmt.Sprintf("%s:%d", m.src, m.line)
	}
	return fmt.Errorf("lpfile: %s: "+format, append([]any{at}, args...)...)
}

// header starts a section; done says it was ENDATA.
func (m *mpsReader) header(text string, fields []string) (done bool, err error) {
	name := strings.ToUpper(fields[0])
	switch name {
	case "NAME", "OBJSENSE", "OBJSENS", "ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS", "ENDATA":
	default:
		return false, m.errorf("unknown section %q; want NAME, OBJSENSE, ROWS, COLUMNS, RHS, RANGES, BOUNDS or ENDATA (data lines start with a blank)", fields[0])
	}
	if name == "OBJSENS" {
		name = "OBJSENSE"
	}
	if first, ok := m.seen[name]; ok {
		return false, m.errorf("section %s again (first at line %d)", name, first)
	}
	m.seen[name], m.section, m.lastCol = m.line, name, -1
	switch {
	case name == "ENDATA":
		return true, nil
	case name == "NAME":
		m.p.Name = strings.TrimSpace(text[len(fields[0]):])
	case name == "OBJSENSE" && len(fields) == 2:
		return false, m.sense(fields[1])
	case len(fields) > 1:
		return false, m.errorf("section header %s has %d more fields, want none", name, len(fields)-1)
	}
	return false, nil
}

func (m *mpsReader) sense(s string) error {
	switch strings.ToUpper(s) {
	case "MAX", "MAXIMIZE", "MAXIMISE":
		m.p.Maximize = true
	case "MIN", "MINIMIZE", "MINIMISE":
		m.p.Maximize = false
	default:
		return m.errorf("OBJSENSE %q; want MAX or MIN", s)
	}
	return nil
}

func (m *mpsReader) data(f []string) error {
	switch m.section {
	case "":
		return m.errorf("a data line before the first section")
	case "NAME", "ENDATA":
		return m.errorf("a data line in section %s", m.section)
	case "OBJSENSE":
		if len(f) != 1 {
			return m.errorf("OBJSENSE line has %d fields, want 1 (MAX or MIN)", len(f))
		}
		return m.sense(f[0])
	case "ROWS":
		return m.row(f)
	case "COLUMNS":
		return m.column(f)
	case "BOUNDS":
		return m.bound(f)
	}
	return m.rhsOrRange(f)
}

func (m *mpsReader) row(f []string) error {
	if len(f) != 2 {
		return m.errorf("ROWS line has %d fields, want 2: the type and the name", len(f))
	}
	name := f[1]
	if _, dup := m.rows[name]; dup {
		return m.errorf("row %q defined twice", name)
	}
	var rel Relation
	switch strings.ToUpper(f[0]) {
	case "N":
		if !m.hasObj {
			m.rows[name], m.obj, m.hasObj = objRow, name, true
		} else {
			m.rows[name] = freeRow
			m.free = append(m.free, name)
		}
		return nil
	case "E":
		rel = EQ
	case "L":
		rel = LE
	case "G":
		rel = GE
	default:
		return m.errorf("row %q has type %q (field 1); want N, E, L or G", name, f[0])
	}
	m.rows[name] = len(m.p.Rows)
	m.p.Rows = append(m.p.Rows, Row{Name: name, Rel: rel})
	m.rowLast, m.rhsGiven, m.rngGiven = append(m.rowLast, 0), append(m.rhsGiven, false), append(m.rngGiven, false)
	return nil
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return s[1 : len(s)-1]
	}
	return s
}

func (m *mpsReader) column(f []string) error {
	if len(f) == 3 && unquote(f[1]) == "MARKER" && !parses(f[2]) {
		switch unquote(f[2]) {
		case "INTORG":
			m.integer = true
		case "INTEND":
			m.integer = false
		default:
			return m.errorf("marker %q (field 3); want 'INTORG' or 'INTEND'", f[2])
		}
		m.lastCol = -1
		return nil
	}
	if len(f) != 3 && len(f) != 5 {
		return m.errorf("COLUMNS line has %d fields, want 3 or 5: a column and one or two pairs of a row and a value", len(f))
	}
	j, ok := m.cols[f[0]]
	switch {
	case !ok:
		j = len(m.p.Columns)
		m.cols[f[0]] = j
		kind := Continuous
		if m.integer {
			kind = Integer
		}
		m.p.Columns = append(m.p.Columns, Column{Name: f[0], Up: math.Inf(1), Kind: kind})
		m.loGiven = append(m.loGiven, false)
	case j != m.lastCol:
		return m.errorf("column %q again after other lines; a column's entries must be together", f[0])
	}
	m.lastCol = j
	for k := 1; k < len(f); k += 2 {
		i, err := m.rowOf(f, k)
		if err != nil {
			return err
		}
		v, err := m.number(f, k+1, true)
		if err != nil {
			return err
		}
		switch {
		case i == freeRow:
		case i == objRow:
			if m.objLast == j+1 {
				return m.errorf("objective row %q has two entries for column %q", f[k], f[0])
			}
			m.objLast = j + 1
			if v != 0 {
				m.p.Costs = append(m.p.Costs, Entry{j, v})
			}
		case m.rowLast[i] == j+1:
			return m.errorf("row %q has two entries for column %q", f[k], f[0])
		default:
			m.rowLast[i] = j + 1
			m.p.Rows[i].Entries = append(m.p.Rows[i].Entries, Entry{j, v})
		}
	}
	return nil
}

// parses says s reads as a number.
func parses(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func (m *mpsReader) rowOf(f []string, k int) (int, error) {
	i, ok := m.rows[f[k]]
	if !ok {
		return 0, m.errorf("unknown row %q (field %d)", f[k], k+1)
	}
	return i, nil
}

// number reads field k; finite says it must be finite.
func (m *mpsReader) number(f []string, k int, finite bool) (float64, error) {
	v, err := strconv.ParseFloat(f[k], 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, m.errorf("field %d, %q, is out of range", k+1, f[k])
	case err != nil:
		return 0, m.errorf("field %d, %q, is not a number", k+1, f[k])
	case math.IsNaN(v):
		return 0, m.errorf("field %d is NaN; want a number", k+1)
	case finite && math.IsInf(v, 0):
		return 0, m.errorf("field %d, %q, is infinite; want a finite number", k+1, f[k])
	}
	return v, nil
}

// use says whether the lines of set belong to the vector read for the section
// (0 RHS, 1 RANGES, 2 BOUNDS): the first named one, which an empty name joins.
func (m *mpsReader) use(sec int, set string) bool {
	if set == "" || m.vector[sec] == set {
		return true
	}
	if m.vector[sec] == "" {
		m.vector[sec] = set
		return true
	}
	if key := m.section + " " + set; !m.dropCheck[key] {
		m.dropCheck[key] = true
		m.dropped = append(m.dropped, fmt.Sprintf("%s vector %s dropped: only the first, %s, is read", m.section, set, m.vector[sec]))
	}
	return false
}

func (m *mpsReader) rhsOrRange(f []string) error {
	if len(f) < 2 || len(f) > 5 {
		return m.errorf("%s line has %d fields, want [vector] row value [row value]", m.section, len(f))
	}
	sec, set, k := 0, "", 0
	if m.section == "RANGES" {
		sec = 1
	}
	if len(f)%2 == 1 {
		set, k = f[0], 1
	}
	if !m.use(sec, set) {
		return nil
	}
	for ; k < len(f); k += 2 {
		i, err := m.rowOf(f, k)
		if err != nil {
			return err
		}
		v, err := m.number(f, k+1, true)
		if err != nil {
			return err
		}
		switch {
		case i == freeRow:
		case sec == 1 && i == objRow:
			return m.errorf("a range on the objective row %q (field %d); ranges are for E, L and G rows", f[k], k+1)
		case i == objRow:
			if m.objRHS {
				return m.errorf("objective row %q has two right-hand sides", f[k])
			}
			m.objRHS = true
			m.p.ObjConstant = 0 - v
		case sec == 0:
			if m.rhsGiven[i] {
				return m.errorf("row %q has two right-hand sides", f[k])
			}
			m.rhsGiven[i] = true
			m.p.Rows[i].RHS = v
		default:
			if m.rngGiven[i] {
				return m.errorf("row %q has two ranges", f[k])
			}
			m.rngGiven[i] = true
			if r := &m.p.Rows[i]; v != 0 {
				r.Range = v
			} else {
				r.Rel = EQ
			}
		}
	}
	return nil
}

func (m *mpsReader) bound(f []string) error {
	typ := strings.ToUpper(f[0])
	valued := false
	switch typ {
	case "UP", "LO", "FX", "LI", "UI":
		valued = true
	case "FR", "MI", "PL", "BV":
	default:
		return m.errorf("bound type %q (field 1); want UP, LO, FX, FR, MI, PL, BV, LI or UI", f[0])
	}
	set, k := "", 1 // the column's field
	switch n := len(f) - 1; {
	case valued && n == 3, !valued && n == 2, typ == "BV" && n == 3:
		set, k = f[1], 2
	case valued && n == 2, !valued && n == 1:
	case valued:
		return m.errorf("%s bound line has %d fields, want %s [vector] column value", typ, len(f), typ)
	default:
		return m.errorf("%s bound line has %d fields, want %s [vector] column", typ, len(f), typ)
	}
	if !m.use(2, set) {
		return nil
	}
	j, ok := m.cols[f[k]]
	if !ok {
		return m.errorf("unknown column %q (field %d)", f[k], k+1)
	}
	var v float64
	if valued {
		var err error
		if v, err = m.number(f, k+1, false); err != nil {
			return err
		}
		lower, upper := typ == "LO" || typ == "LI", typ == "UP" || typ == "UI"
		if typ == "FX" && math.IsInf(v, 0) || lower && math.IsInf(v, 1) || upper && math.IsInf(v, -1) {
			return m.errorf("%s bound %g (field %d) on column %q", typ, v, k+2, f[k])
		}
	}
	c := &m.p.Columns[j]
	if c.Kind == Binary && typ != "BV" {
		c.Kind = Integer
	}
	switch typ {
	case "UP", "UI":
		c.Up = v
		if v < 0 && c.Lo == 0 && !m.loGiven[j] {
			c.Lo = math.Inf(-1)
		}
	case "LO", "LI":
		c.Lo, m.loGiven[j] = v, true
	case "FX":
		c.Lo, c.Up, m.loGiven[j] = v, v, true
	case "FR":
		c.Lo, c.Up = math.Inf(-1), math.Inf(1)
	case "MI":
		c.Lo = math.Inf(-1)
	case "PL":
		c.Up = math.Inf(1)
	case "BV":
		c.Kind, c.Lo, c.Up = Binary, 0, 1
	}
	if typ == "LI" || typ == "UI" {
		c.Kind = Integer
	}
	return nil
}

func (m *mpsReader) finish() *Program {
	if n := len(m.free); n > 0 {
		names := m.free
		more := ""
		if n > 10 {
			names, more = names[:10], fmt.Sprintf(" and %d more", n-10)
		}
		m.p.Comments = append(m.p.Comments, fmt.Sprintf("%d free rows (N rows after the objective %s) dropped: %s%s", n, m.obj, strings.Join(names, ", "), more))
	}
	m.p.Comments = append(m.p.Comments, m.dropped...)
	return m.p
}
