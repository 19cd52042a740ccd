// Package lpfile writes linear programs as CPLEX LP and free MPS files, so that what
// a solver is given can be read by eye and solved by other solvers (glpsol, CPLEX,
// Gurobi, HiGHS, SCIP, CBC) for a cross-check, and reads them back from MPS files,
// fixed or free (ReadMPS, ReadFile), such as the netlib LP collection.
//
// A Program is the data of the files: rows Σ_j a_j·x_j (relation) rhs over columns
// with bounds, some of them integer or binary, some rows ranged (two-sided), and an
// objective Σ_j c_j·x_j + constant to minimise or maximise. It knows nothing of the
// models it comes from; nnopt's (*Model).LinearProgram builds one from a linear
// model, whose objective is one column times a coefficient (Program.Objective), and
// nnopt's (*Container).AddProgram builds a model from one.
//
// Two dialects are written:
//   - CPLEX LP (WriteLP): the sections Minimize or Maximize, Subject To, Bounds,
//     Generals, Binaries, SOS and End, with lines of at most about 100 characters.
//   - Free MPS (WriteMPS): NAME, ROWS, COLUMNS, RHS, RANGES, BOUNDS and ENDATA
//     with whitespace-separated fields, so names need no fixed columns but may not
//     hold spaces; the objective is the first N row.
//
// Two things of a Program only CPLEX LP's newer readers take: a ranged row, written
// lo <= expression <= up, and an objective constant, written as a constant term
// (CPLEX, Gurobi and HiGHS read both, GLPK's glpsol --lp neither: give it the MPS
// file of such a program).
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

	// Objective is a term of the objective: Objective.Coef times column
	// Objective.Index. A model's program (nnopt's LinearProgram) has this term
	// alone, its objective being a column of its own with a row that defines it;
	// that row's dual is then the objective's change per unit of its right-hand
	// side. With a zero Coef the term is absent and Index is not looked at.
	Objective Entry

	// Costs are the objective's other terms, at most one per column and none for
	// Objective's column when Objective.Coef is not zero: the objective is
	// Objective.Coef·x[Objective.Index] + Σ Costs' Coef·x[Index] + ObjConstant.
	// ReadMPS puts the objective row here, in column order, and leaves Objective
	// zero, so a model's program read back from its MPS file has its one term here.
	Costs []Entry

	// ObjConstant is added to the objective. MPS files hold it as the right-hand
	// side of the objective row with the opposite sign (objective = Σ c·x - rhs,
	// the convention of CPLEX, Gurobi and HiGHS; GLPK adds the rhs instead, and
	// the netlib collection's published optima leave it out).
	ObjConstant float64

	Rows    []Row
	Columns []Column

	// SOS are special ordered sets over the columns, written in the LP file's
	// SOS section (CPLEX, Gurobi, HiGHS, SCIP and CBC read it; GLPK does not).
	// The MPS writer refuses a program that has any.
	SOS []SOS

	// Comments are written into the header after the line that counts rows,
	// columns and nonzeros, one comment line per line of text: what the program
	// comes from, what was left out, what its scales mean.
	Comments []string
}

// Row is one constraint, Σ Coef·x[Index] (Rel) RHS over its entries, or, with a
// Range, lo <= Σ Coef·x[Index] <= up (see Bounds).
type Row struct {
	Name    string
	Rel     Relation
	RHS     float64
	Entries []Entry // at most one per column; a zero Coef is written as such

	// Range, when not zero, makes the row two-sided as an MPS file's RANGES
	// section does: an LE row is RHS-|Range| <= Σ <= RHS, a GE row RHS <= Σ <=
	// RHS+|Range|, and an EQ row RHS <= Σ <= RHS+Range for a positive Range and
	// RHS+Range <= Σ <= RHS for a negative one.
	Range float64
}

// Bounds returns the row's lower and upper bound: -Inf or +Inf on the side a
// one-sided row leaves open, RHS on both sides of an equality.
func (r Row) Bounds() (lo, up float64) {
	lo, up = r.RHS, r.RHS
	switch {
	case r.Rel == LE:
		lo = math.Inf(-1)
	case r.Rel == GE:
		up = math.Inf(1)
	}
	switch a := math.Abs(r.Range); {
	case r.Range == 0:
	case r.Rel == LE:
		lo = r.RHS - a
	case r.Rel == GE:
		up = r.RHS + a
	case r.Range > 0:
		up = r.RHS + a
	default:
		lo = r.RHS - a
	}
	return lo, up
}

// Entry is a coefficient of one column.
type Entry struct {
	Index int // the column, an index into Program.Columns
	Coef  float64
}

// SOS is a special ordered set: of type 1, at most one of its columns is
// nonzero; of type 2, at most two, adjacent in the order of their weights. Its
// entries are its columns, each with its weight (Coef), which must differ.
type SOS struct {
	Name    string
	Type    int // 1 or 2
	Entries []Entry
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
// that readers know it; a ranged row is written lo <= expression <= up and an
// objective constant as a constant term (see the package comment for who reads
// those). p is checked before anything is written: a bad index, relation,
// coefficient, right-hand side, range or bound, and a program without columns, are
// errors and w gets nothing.
func WriteLP(w io.Writer, p *Program) error {
	f, err := newFile(p, true)
	if err != nil {
		return err
	}
	return writeBuffered(w, f.writeLP)
}

// WriteMPS writes p in free MPS format. A maximisation gets an OBJSENSE MAX section,
// which most readers take but GLPK's does not (give glpsol --max and delete the two
// lines). Integer columns sit between MARKER INTORG and INTEND records and carry
// explicit bounds (BV for binaries), since readers differ in the default bounds of
// integer columns. Ranged rows get a RANGES section and the objective constant is
// minus the objective row's right-hand side. p is checked as by WriteLP, except
// that it may have no columns. ReadMPS reads the file back as p, with the names as
// written and the objective in Costs (see Program.Costs).
func WriteMPS(w io.Writer, p *Program) error {
	f, err := newFile(p, false)
	if err != nil {
		return err
	}
	if err := f.mpsSOS(); err != nil {
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
	f, err := newFile(p, strings.EqualFold(filepath.Ext(path), ".lp"))
	if err != nil {
		return err
	}
	if !strings.EqualFold(filepath.Ext(path), ".lp") {
		if err := f.mpsSOS(); err != nil {
			return err
		}
	}
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		return writeBuffered(w, func(bw *bufio.Writer) { write(f, bw) })
	}, 0o644)
}

// mpsSOS refuses special ordered sets in an MPS file, whose SOS sections the
// solvers' dialects write differently.
func (f *file) mpsSOS() error {
	if len(f.SOS) > 0 {
		return fmt.Errorf("lpfile: program %q: SOS %q (and %d more): MPS files are written without special ordered sets; write the LP file", f.Name, f.SOS[0].Name, len(f.SOS)-1)
	}
	return nil
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
	title      string // the program's name on one line
	objName    string
	obj        []Entry // the objective's terms: Objective's, then Costs
	objAt      []int   // per column, its term in obj, or -1
	rowNames   []string
	colNames   []string
	sosNames   []string
	colEntries [][]Entry // per column, (row, coefficient) in row order
	used       []bool    // the column is the objective's or has an entry
	nonzeros   int
}

func newFile(p *Program, lp bool) (*file, error) {
	if err := check(p); err != nil {
		return nil, err
	}
	if lp && len(p.Columns) == 0 {
		return nil, fmt.Errorf("lpfile: program %q has no columns; an LP file needs one", p.Name)
	}
	f := &file{
		Program:    p,
		title:      title(p.Name),
		rowNames:   make([]string, len(p.Rows)),
		colNames:   make([]string, len(p.Columns)),
		colEntries: make([][]Entry, len(p.Columns)),
		used:       make([]bool, len(p.Columns)),
		objAt:      make([]int, len(p.Columns)),
	}
	if o := p.Objective; o.Coef != 0 || len(p.Costs) == 0 && o.Index >= 0 && o.Index < len(p.Columns) {
		f.obj = append(f.obj, o)
	}
	f.obj = append(f.obj, p.Costs...)
	for j := range f.objAt {
		f.objAt[j] = -1
	}
	for k, en := range f.obj {
		f.objAt[en.Index] = k
		f.used[en.Index] = true
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
	sets := newNamer()
	for _, s := range p.SOS {
		f.sosNames = append(f.sosNames, sets.name(s.Name))
		for _, en := range s.Entries {
			f.used[en.Index] = true
		}
	}
	for i, r := range p.Rows {
		for _, en := range r.Entries {
			f.colEntries[en.Index] = append(f.colEntries[en.Index], Entry{i, en.Coef})
			f.used[en.Index] = true
			f.nonzeros++
		}
	}
	return f, nil
}

// Check reports the first thing in p that the files cannot say, as the writers
// do: a bad index, relation, coefficient, right-hand side, range or bound, a
// column given two objective terms or a row two entries, or a special ordered
// set of another type than 1 or 2, without columns, with a column twice or with
// weights that are not finite and different.
func (p *Program) Check() error { return check(p) }

// check reports the first thing in p that the files cannot say.
func check(p *Program) error {
	n := len(p.Columns)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("lpfile: program %q: "+format, append([]any{p.Name}, args...)...)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if o := p.Objective; o.Coef != 0 && (o.Index < 0 || o.Index >= n || !finite(o.Coef)) {
		return bad("objective %g times column %d, of %d columns; want a finite coefficient and a column", o.Coef, o.Index, n)
	}
	if !finite(p.ObjConstant) {
		return bad("objective constant %g", p.ObjConstant)
	}
	inObj := make([]bool, n)
	if o := p.Objective; o.Coef != 0 {
		inObj[o.Index] = true
	}
	for k, en := range p.Costs {
		if en.Index < 0 || en.Index >= n || !finite(en.Coef) {
			return bad("objective term %d: %g times column %d, of %d columns; want a finite coefficient and a column", k, en.Coef, en.Index, n)
		}
		if inObj[en.Index] {
			return bad("objective term %d repeats column %d (%s)", k, en.Index, p.Columns[en.Index].Name)
		}
		inObj[en.Index] = true
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
		if !finite(r.Range) {
			return bad("row %d (%s) has range %g", i, r.Name, r.Range)
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
	for k, set := range p.SOS {
		if set.Type != 1 && set.Type != 2 {
			return bad("SOS %d (%s) has type %d; want 1 or 2", k, set.Name, set.Type)
		}
		if len(set.Entries) == 0 {
			return bad("SOS %d (%s) has no columns", k, set.Name)
		}
		in, weights := map[int]bool{}, map[float64]bool{}
		for _, en := range set.Entries {
			if en.Index < 0 || en.Index >= n {
				return bad("SOS %d (%s) has column %d, of %d columns", k, set.Name, en.Index, n)
			}
			if in[en.Index] {
				return bad("SOS %d (%s) has column %d (%s) twice", k, set.Name, en.Index, p.Columns[en.Index].Name)
			}
			if !finite(en.Coef) || weights[en.Coef] {
				return bad("SOS %d (%s) has weight %g for column %d (%s); want finite weights that differ", k, set.Name, en.Coef, en.Index, p.Columns[en.Index].Name)
			}
			in[en.Index], weights[en.Coef] = true, true
		}
	}
	return nil
}

func (f *file) header(w *bufio.Writer, comment, format string) {
	fmt.Fprintf(w, "%s Model %s as %s, written by nnopt: %d rows, %d columns, %d nonzeros\n", comment, f.title, format, len(f.Rows), len(f.Columns), f.nonzeros)
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
	constant := ""
	if c := f.ObjConstant; c < 0 {
		constant = " - " + num(-c)
	} else if c > 0 {
		constant = " + " + num(c)
	}
	f.linear(w, " "+f.objName+":", f.obj, constant)
	w.WriteString("Subject To\n")
	for i, row := range f.Rows {
		line := " " + f.rowNames[i] + ":"
		tail := " " + [...]string{EQ: "=", LE: "<=", GE: ">="}[row.Rel] + " " + num(row.RHS)
		if row.Range != 0 {
			lo, up := row.Bounds()
			line += " " + num(lo) + " <="
			tail = " <= " + num(up)
		}
		f.linear(w, line, row.Entries, tail)
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
	if len(f.SOS) > 0 {
		w.WriteString("SOS\n")
	}
	for k, set := range f.SOS {
		line := fmt.Sprintf(" %s: S%d::", f.sosNames[k], set.Type)
		for _, en := range set.Entries {
			t := " " + f.colNames[en.Index] + ":" + num(en.Coef)
			if len(line)+len(t) > 100 {
				w.WriteString(line + "\n")
				line = "   "
			}
			line += t
		}
		w.WriteString(line + "\n")
	}
	w.WriteString("End\n")
}

// linear writes line, the terms of entries (a zero term if there are none, as LP
// wants one) in lines of about 100 characters, and tail.
func (f *file) linear(w *bufio.Writer, line string, entries []Entry, tail string) {
	if len(entries) == 0 {
		dummy := 0
		if len(f.obj) > 0 {
			dummy = f.obj[0].Index
		}
		entries = []Entry{{dummy, 0}}
	}
	for _, en := range entries {
		t := term(en.Coef, f.colNames[en.Index])
		if len(line)+len(t) > 100 {
			w.WriteString(line + "\n")
			line = "  "
		}
		line += t
	}
	w.WriteString(line + tail + "\n")
}

// title is s as one line without leading or trailing blanks: control characters
// become '_'.
func title(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '_'
		}
		return r
	}, s))
}

func (f *file) writeMPS(w *bufio.Writer) {
	f.header(w, "*", "free MPS")
	fmt.Fprintf(w, "NAME %s\n", f.title)
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
		if k := f.objAt[j]; k >= 0 {
			fmt.Fprintf(w, "    %s %s %s\n", name, f.objName, num(f.obj[k].Coef))
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
	if f.ObjConstant != 0 {
		fmt.Fprintf(w, "    RHS %s %s\n", f.objName, num(-f.ObjConstant))
	}
	ranged := false
	for i, row := range f.Rows {
		if row.RHS != 0 {
			fmt.Fprintf(w, "    RHS %s %s\n", f.rowNames[i], num(row.RHS))
		}
		ranged = ranged || row.Range != 0
	}
	if ranged {
		w.WriteString("RANGES\n")
		for i, row := range f.Rows {
			if row.Range != 0 {
				fmt.Fprintf(w, "    RNG %s %s\n", f.rowNames[i], num(row.Range))
			}
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
