// Package lpfile writes linear programs as CPLEX LP and free MPS files, so that what
// a solver is given can be read by eye and solved by other solvers (glpsol, CPLEX,
// Gurobi, HiGHS, SCIP, CBC) for a cross-check.
//
// A Program is the data of the files: rows Σ_j a_j·x_j (relation) rhs over columns
// with bounds, some of them integer or binary, and an objective that minimises or
// maximises one column times a coefficient. It knows nothing of the models it comes
// from; nnopt's (*Model).LinearProgram builds one from a linear model.
//
// Two dialects are written:
//   - CPLEX LP (WriteLP): the sections Minimize or Maximize, Subject To, Bounds,
//     Generals, Binaries and End, with lines of at most about 100 characters.
//   - Free MPS (WriteMPS): NAME, ROWS, COLUMNS, RHS, BOUNDS and ENDATA with
//     whitespace-separated fields, so names need no fixed columns but may not hold
//     spaces; the objective is the first N row.
//
// Names are made valid in both dialects when the file is written, so that LP and MPS
// files of one Program use the same names: letters, digits and
// !"#$%&()/,.;?@_`'{}|~ (what CPLEX LP allows) are kept and any other character
// turns into '_'; a name that would start with a digit, '.' or '$' or read as an LP
// keyword gets a leading '_', one longer than 240 bytes is cut, and one that repeats
// an earlier name of its kind (rows, the objective among them, or columns) after
// this gets _2, _3, ... The Program itself keeps its names as given.
package lpfile

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nnopt/nnopt/internal/fsutil"
)

// Program is a linear program as LP and MPS files hold it.
type Program struct {
	// Name names the program in the files' header and, made LP-safe, the
	// objective row.
	Name string

	// Maximize sets the objective's sense; the zero value minimises.
	Maximize bool

	// Objective is the objective: Objective.Coef times column Objective.Index.
	// Nothing else enters it, so an objective made of several columns is a column
	// of its own with a row that defines it; that row's dual is then the
	// objective's change per unit of its right-hand side.
	Objective Entry

	Rows    []Row
	Columns []Column

	// Comments are written into the header after the line that counts rows,
	// columns and nonzeros, one comment line per line of text: what the program
	// comes from, what was left out, what its scales mean.
	Comments []string
}

// Row is one constraint, Σ Coef·x[Index] (Rel) RHS over its entries.
type Row struct {
	Name    string
	Rel     Relation
	RHS     float64
	Entries []Entry // at most one per column; a zero Coef is written as such
}

// Entry is a coefficient of one column.
type Entry struct {
	Index int // the column, an index into Program.Columns
	Coef  float64
}

// Relation is the relation of a row to its right-hand side.
type Relation int

const (
	EQ Relation = iota // =
	LE                 // <=
	GE                 // >=
)

// Column is one variable of the program.
type Column struct {
	Name string
	// Lo and Up bound the column, -Inf and +Inf for no bound. A Binary
	// column takes 0 or 1 whatever they say.
	Lo, Up float64
	Kind   Kind
}

// Kind says which values a column takes.
type Kind int

const (
	Continuous Kind = iota // any value within the bounds
	Integer                // integers within the bounds: Generals (LP), MARKER INTORG (MPS)
	Binary                 // 0 or 1: Binaries (LP), BV bound (MPS)
)

// WriteLP writes p in CPLEX LP format. Integer columns go to the Generals section
// and binary ones to Binaries; a column that no row mentions gets a bound line so
// that readers know it. p is checked before anything is written: a bad index,
// relation, coefficient, right-hand side or bound is an error and w gets nothing.
func WriteLP(w io.Writer, p *Program) error {
	f, err := newFile(p)
	if err != nil {
		return err
	}
	return writeBuffered(w, f.writeLP)
}

// WriteMPS writes p in free MPS format. A maximisation gets an OBJSENSE MAX section,
// which most readers take but GLPK's does not (give glpsol --max and delete the two
// lines). Integer columns sit between MARKER INTORG and INTEND records and carry
// explicit bounds (BV for binaries), since readers differ in the default bounds of
// integer columns. p is checked as by WriteLP.
func WriteMPS(w io.Writer, p *Program) error {
	f, err := newFile(p)
	if err != nil {
		return err
	}
	return writeBuffered(w, f.writeMPS)
}

// WriteFile writes p to path, as LP if the name ends in .lp and as free MPS if it
// ends in .mps (in any case), atomically: a reader sees the old file or the whole
// new one, and a failed write leaves the old one.
func WriteFile(path string, p *Program) error {
	var write func(*file, *bufio.Writer)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".lp":
		write = (*file).writeLP
	case ".mps":
		write = (*file).writeMPS
	default:
		return fmt.Errorf("lpfile: program %q: cannot tell the format of %q; want a name ending in .lp or .mps", p.Name, path)
	}
	f, err := newFile(p)
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		return writeBuffered(w, func(bw *bufio.Writer) { write(f, bw) })
	}, 0o644)
}

func writeBuffered(w io.Writer, write func(*bufio.Writer)) error {
	bw := bufio.NewWriter(w)
	write(bw)
	return bw.Flush()
}

// file is a checked Program with what both formats need: the names as written and
// the entries by column.
type file struct {
	*Program
	objName    string
	rowNames   []string
	colNames   []string
	colEntries [][]Entry // per column, (row, coefficient) in row order
	used       []bool    // the column is the objective's or has an entry
	nonzeros   int
}

func newFile(p *Program) (*file, error) {
	if err := check(p); err != nil {
		return nil, err
	}
	f := &file{
		Program:    p,
		rowNames:   make([]string, len(p.Rows)),
		colNames:   make([]string, len(p.Columns)),
		colEntries: make([][]Entry, len(p.Columns)),
		used:       make([]bool, len(p.Columns)),
	}
	rows := newNamer()
	f.objName = rows.name(p.Name)
	for i, r := range p.Rows {
		f.rowNames[i] = rows.name(r.Name)
	}
	cols := newNamer()
	for j, c := range p.Columns {
		f.colNames[j] = cols.name(c.Name)
	}
	f.used[p.Objective.Index] = true
	for i, r := range p.Rows {
		for _, en := range r.Entries {
			f.colEntries[en.Index] = append(f.colEntries[en.Index], Entry{i, en.Coef})
			f.used[en.Index] = true
			f.nonzeros++
		}
	}
	return f, nil
}

// check reports the first thing in p that the files cannot say.
func check(p *Program) error {
	n := len(p.Columns)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("lpfile: program %q: "+format, append([]any{p.Name}, args...)...)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if o := p.Objective; o.Index < 0 || o.Index >= n || !finite(o.Coef) {
		return bad("objective %g times column %d, of %d columns; want a finite coefficient and a column", o.Coef, o.Index, n)
	}
	for j, c := range p.Columns {
		if c.Kind < Continuous || c.Kind > Binary {
			return bad("column %d (%s) has kind %d", j, c.Name, c.Kind)
		}
		if c.Kind != Binary && (math.IsNaN(c.Lo) || math.IsNaN(c.Up) || math.IsInf(c.Lo, 1) || math.IsInf(c.Up, -1)) {
			return bad("column %d (%s) has bounds [%g, %g]", j, c.Name, c.Lo, c.Up)
		}
	}
	seen := make([]int, n) // the last row that mentioned the column, plus one
	for i, r := range p.Rows {
		if r.Rel < EQ || r.Rel > GE {
			return bad("row %d (%s) has relation %d", i, r.Name, r.Rel)
		}
		if !finite(r.RHS) {
			return bad("row %d (%s) has right-hand side %g", i, r.Name, r.RHS)
		}
		for _, en := range r.Entries {
			if en.Index < 0 || en.Index >= n {
				return bad("row %d (%s) has an entry for column %d, of %d columns", i, r.Name, en.Index, n)
			}
			if !finite(en.Coef) {
				return bad("row %d (%s) has coefficient %g for column %d (%s)", i, r.Name, en.Coef, en.Index, p.Columns[en.Index].Name)
			}
			if seen[en.Index] == i+1 {
				return bad("row %d (%s) has two entries for column %d (%s)", i, r.Name, en.Index, p.Columns[en.Index].Name)
			}
			seen[en.Index] = i + 1
		}
	}
	return nil
}

func (f *file) header(w *bufio.Writer, comment, format string) {
	fmt.Fprintf(w, "%s Model %s as %s, written by nnopt: %d rows, %d columns, %d nonzeros\n", comment, f.Name, format, len(f.Rows), len(f.Columns), f.nonzeros)
	for _, c := range f.Comments {
		for _, line := range strings.Split(c, "\n") {
			fmt.Fprintf(w, "%s %s\n", comment, line)
		}
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// term is a coefficient and a column as LP writes them: + x, - x, + 2 x, - 2 x.
func term(coef float64, col string) string {
	switch {
	case coef == 1:
		return " + " + col
	case coef == -1:
		return " - " + col
	case coef < 0:
		return " - " + num(-coef) + " " + col
	default:
		return " + " + num(coef) + " " + col
	}
}

func (f *file) writeLP(w *bufio.Writer) {
	f.header(w, `\`, "CPLEX LP")
	if f.Maximize {
		w.WriteString("Maximize\n")
	} else {
		w.WriteString("Minimize\n")
	}
	fmt.Fprintf(w, " %s:%s\n", f.objName, term(f.Objective.Coef, f.colNames[f.Objective.Index]))
	w.WriteString("Subject To\n")
	for i, row := range f.Rows {
		line := " " + f.rowNames[i] + ":"
		entries := row.Entries
		if len(entries) == 0 { // a constant row: LP wants a term
			entries = []Entry{{f.Objective.Index, 0}}
		}
		for _, en := range entries {
			t := term(en.Coef, f.colNames[en.Index])
			if len(line)+len(t) > 100 {
				w.WriteString(line + "\n")
				line = "  "
			}
			line += t
		}
		rel := [...]string{EQ: "=", LE: "<=", GE: ">="}[row.Rel]
		fmt.Fprintf(w, "%s %s %s\n", line, rel, num(row.RHS))
	}
	w.WriteString("Bounds\n")
	for j, c := range f.Columns {
		if c.Kind == Binary {
			continue
		}
		name, lo, up := f.colNames[j], c.Lo, c.Up
		switch {
		case math.IsInf(lo, -1) && math.IsInf(up, 1):
			fmt.Fprintf(w, " %s free\n", name)
		case lo == up:
			fmt.Fprintf(w, " %s = %s\n", name, num(lo))
		case lo == 0 && math.IsInf(up, 1):
			if !f.used[j] { // declare a column no row mentions
				fmt.Fprintf(w, " %s >= 0\n", name)
			}
		case math.IsInf(lo, -1):
			fmt.Fprintf(w, " -inf <= %s <= %s\n", name, num(up))
		case math.IsInf(up, 1):
			fmt.Fprintf(w, " %s >= %s\n", name, num(lo))
		default:
			fmt.Fprintf(w, " %s <= %s <= %s\n", num(lo), name, num(up))
		}
	}
	for _, sec := range []struct {
		title string
		kind  Kind
	}{{"Generals", Integer}, {"Binaries", Binary}} {
		first := true
		for j, c := range f.Columns {
			if c.Kind != sec.kind {
				continue
			}
			if first {
				w.WriteString(sec.title + "\n")
				first = false
			}
			fmt.Fprintf(w, " %s\n", f.colNames[j])
		}
	}
	w.WriteString("End\n")
}

func (f *file) writeMPS(w *bufio.Writer) {
	f.header(w, "*", "free MPS")
	fmt.Fprintf(w, "NAME %s\n", f.Name)
	if f.Maximize {
		w.WriteString("OBJSENSE\n    MAX\n")
	}
	w.WriteString("ROWS\n")
	fmt.Fprintf(w, " N %s\n", f.objName)
	for i, row := range f.Rows {
		fmt.Fprintf(w, " %s %s\n", [...]string{EQ: "E", LE: "L", GE: "G"}[row.Rel], f.rowNames[i])
	}
	w.WriteString("COLUMNS\n")
	inInt := false
	for j, c := range f.Columns {
		name := f.colNames[j]
		if isInt := c.Kind != Continuous; isInt != inInt {
			fmt.Fprintf(w, "    MARKER 'MARKER' '%s'\n", map[bool]string{true: "INTORG", false: "INTEND"}[isInt])
			inInt = isInt
		}
		if j == f.Objective.Index {
			fmt.Fprintf(w, "    %s %s %s\n", name, f.objName, num(f.Objective.Coef))
		} else if len(f.colEntries[j]) == 0 { // declare a column no row mentions
			fmt.Fprintf(w, "    %s %s 0\n", name, f.objName)
		}
		for _, en := range f.colEntries[j] {
			fmt.Fprintf(w, "    %s %s %s\n", name, f.rowNames[en.Index], num(en.Coef))
		}
	}
	if inInt {
		w.WriteString("    MARKER 'MARKER' 'INTEND'\n")
	}
	w.WriteString("RHS\n")
	for i, row := range f.Rows {
		if row.RHS != 0 {
			fmt.Fprintf(w, "    RHS %s %s\n", f.rowNames[i], num(row.RHS))
		}
	}
	w.WriteString("BOUNDS\n")
	for j, c := range f.Columns {
		name, lo, up := f.colNames[j], c.Lo, c.Up
		isInt := c.Kind != Continuous
		switch {
		case c.Kind == Binary:
			fmt.Fprintf(w, " BV BND %s\n", name)
		case math.IsInf(lo, -1) && math.IsInf(up, 1):
			fmt.Fprintf(w, " FR BND %s\n", name)
		case lo == up:
			fmt.Fprintf(w, " FX BND %s %s\n", name, num(lo))
		default:
			if math.IsInf(lo, -1) {
				fmt.Fprintf(w, " MI BND %s\n", name)
			} else if lo != 0 || up < 0 || isInt {
				// A zero lower bound is the default, but an upper bound below zero
				// alone reads as a free lower bound in some readers, and integer columns
				// get explicit bounds.
				fmt.Fprintf(w, " LO BND %s %s\n", name, num(lo))
			}
			if !math.IsInf(up, 1) {
				fmt.Fprintf(w, " UP BND %s %s\n", name, num(up))
			} else if isInt {
				fmt.Fprintf(w, " PL BND %s\n", name)
			}
		}
	}
	w.WriteString("ENDATA\n")
}
