package nnopt

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

// Writing a linear model as an LP or MPS file, so that what the solver sees can be
// read, and solved by other solvers for a cross-check.
//
// Rows are the equations' rows inside their conditions, named by the equation and the
// labels of its domain, supply(seattle); columns are every element of every variable
// of the model, x(seattle,new_york). A row is Σ_j a_j·x_j (relation) rhs, where a is
// the Jacobian of lhs - rhs (constant, since the model is linear) and the right-hand
// side is minus lhs - rhs at x = 0. Coefficients that are exactly zero are left out.
// Nonbinding (=N=) rows are left out as well; a header comment counts them.
//
// The objective is the model's objective variable with coefficient 1, minimised or
// maximised, and the equation that defines it stays a row (not substituted): the
// objective value, the primal values and the duals of every row are then those of
// the model itself (a row's dual is the change of the objective per unit of its
// right-hand side, as in the equations' marginals). An objective given as an
// expression has its variable and defining equation added, as Solve does; a
// feasibility model minimises a variable fixed at 0.
//
// Names keep letters, digits and !"#$%&()/,.;?@_`'{}|~ (what CPLEX LP allows) and
// turn any other character into '_', so that LP and MPS files use the same names;
// a name that would start with a digit or '.' or read as an LP keyword gets a
// leading '_', and one that repeats an earlier name after this gets _2, _3, ...

// linearProgram is a linear model ready to be written.
type linearProgram struct {
	name    string
	max     bool
	objName string
	objCol  int
	objVar  string // the objective variable's own name, for comments
	rows    []lpRow
	cols    []lpCol
	// colEntries lists, per column, (row, coefficient) pairs in row order.
	colEntries [][]lpEntry
	nonzeros   int
	nonbinding int     // =N= rows left out
	objDef     string  // the objective's defining equation, when compile added one
	feasible   bool    // no objective
	scaled     bool    // written in the user's scales (WriteScaledLP)
	objCoef    float64 // the objective column's coefficient: its scale, else 1
}

type lpRow struct {
	name    string
	rel     EqType
	rhs     float64
	entries []lpEntry // (column, coefficient), columns increasing
}

type lpEntry struct {
	index int
	coef  float64
}

type lpCol struct {
	name    string
	lo, up  float64
	integer bool // Integer, or Binary with other bounds than [0, 1]
	binary  bool // Binary with bounds [0, 1]
	used    bool // has a nonzero in some row or the objective
}

// WriteLP writes the model in CPLEX LP format (read by glpsol --lp, CPLEX, Gurobi,
// HiGHS, SCIP, CBC). The model must be linear: every equation's lhs - rhs of degree
// linear or constant by Classify; the error names the first equation that is not, and
// its term. Binary
// and integer variables go to the Binaries and Generals sections.
func (m *Model) WriteLP(w io.Writer) error {
	lp, err := m.linearProgram(false)
	if err != nil {
		return err
	}
	return writeBuffered(w, lp.writeLP)
}

// WriteMPS writes the model in free MPS format (whitespace-separated fields, names
// without spaces; read by glpsol --freemps and most solvers). The objective is the
// first N row; a maximisation gets an OBJSENSE MAX section, which most readers take
// but GLPK's does not (give glpsol --max and delete the two lines). Integer columns
// sit between MARKER INTORG and INTEND records and carry explicit bounds (BV for
// binaries), since readers differ in the default bounds of integer columns. The model
// must be linear, as for WriteLP.
func (m *Model) WriteMPS(w io.Writer) error {
	lp, err := m.linearProgram(false)
	if err != nil {
		return err
	}
	return writeBuffered(w, lp.writeMPS)
}

// WriteFile writes the model to path, as LP if the name ends in .lp and as free MPS
// if it ends in .mps, atomically: a reader sees the old file or the whole new one.
func (m *Model) WriteFile(path string) error {
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".lp":
		write = m.WriteLP
	case ".mps":
		write = m.WriteMPS
	default:
		return fmt.Errorf("nnopt: model %q: cannot tell the format of %q; want a name ending in .lp or .mps", m.name, path)
	}
	return fsutil.WriteFileAtomic(path, write, 0o644)
}

func writeBuffered(w io.Writer, write func(*bufio.Writer)) error {
	bw := bufio.NewWriter(w)
	write(bw)
	return bw.Flush()
}

// linearProgram compiles the model and reads its rows off the Jacobian at x = 0.
// With scaled set, every column is x/c and every row (lhs - rhs)/d, for the
// variables' scales c and the equations' scales d (scaling.go).
func (m *Model) linearProgram(scaled bool) (*linearProgram, error) {
	inst, err := m.compile()
	if err != nil {
		return nil, err
	}
	for _, e := range inst.eqs {
		if d, term := Classify(Sub(e.def.lhs, e.def.rhs)); d > DegreeLinear {
			return nil, fmt.Errorf("nnopt: model %q: equation %q is %s (%s); LP and MPS files hold linear models only", m.name, e.name, d, term)
		}
	}
	pats := inst.jacobianPattern()
	zero := make([][]float64, len(inst.vars))
	for i, v := range inst.vars {
		zero[i] = make([]float64, len(v.L))
	}
	J := inst.jacobian(pats, zero)

	lp := &linearProgram{name: m.name, max: m.sense == Max, objVar: inst.vars[inst.prob.Objective].name, feasible: m.objective == nil, scaled: scaled, objCoef: 1}
	colScale := func(vb, el int) float64 {
		if !scaled {
			return 1
		}
		return inst.vars[vb].Scale[el]
	}
	offset := make([]int, len(inst.vars)+1)
	colNames := newNamer()
	for i, v := range inst.vars {
		offset[i+1] = offset[i] + len(v.L)
		for el := range v.L {
			c := lpCol{name: colNames.name(rowName(v.name, v.domain, el)), lo: v.Lo[el] / colScale(i, el), up: v.Up[el] / colScale(i, el)}
			switch {
			case v.Type == Binary && c.lo == 0 && c.up == 1:
				c.binary = true
			case v.Type == Binary || v.Type == Integer:
				c.integer = true
			}
			if math.IsNaN(c.lo) || math.IsNaN(c.up) || math.IsInf(c.lo, 1) || math.IsInf(c.up, -1) {
				return nil, fmt.Errorf("nnopt: model %q: variable %s has bounds [%g, %g]", m.name, c.name, c.lo, c.up)
			}
			lp.cols = append(lp.cols, c)
		}
	}
	lp.objCol = offset[inst.prob.Objective]
	lp.objCoef = colScale(inst.prob.Objective, 0)
	lp.cols[lp.objCol].used = true
	rowNames := newNamer()
	lp.objName = rowNames.name(m.name)
	for q, jb := range J.Blocks {
		e := inst.eqs[q]
		if q >= len(m.equations) {
			lp.objDef = e.name
		}
		for r := 0; r < jb.Rows(); r++ {
			if jb.Active != nil && !jb.Active[r] {
				continue
			}
			if e.Type == NB {
				lp.nonbinding++
				continue
			}
			d := 1.0
			if scaled {
				d = e.Scale[r]
			}
			row := lpRow{name: rowNames.name(rowName(e.name, e.domain, r)), rel: e.Type, rhs: -jb.Residual[r] / d}
			if row.rhs == 0 {
				row.rhs = 0 // no -0
			}
			if math.IsNaN(row.rhs) || math.IsInf(row.rhs, 0) {
				return nil, fmt.Errorf("nnopt: model %q: row %s has right-hand side %g", m.name, row.name, row.rhs)
			}
			for k := jb.RowStart[r]; k < jb.RowStart[r+1]; k++ {
				a := jb.Value[k] * colScale(int(jb.Var[k]), int(jb.Elem[k])) / d
				if a == 0 {
					continue
				}
				if math.IsNaN(a) || math.IsInf(a, 0) {
					return nil, fmt.Errorf("nnopt: model %q: row %s has coefficient %g", m.name, row.name, a)
				}
				col := offset[jb.Var[k]] + int(jb.Elem[k])
				row.entries = append(row.entries, lpEntry{col, a})
				lp.cols[col].used = true
			}
			lp.rows = append(lp.rows, row)
		}
	}
	lp.colEntries = make([][]lpEntry, len(lp.cols))
	for i, row := range lp.rows {
		for _, en := range row.entries {
			lp.colEntries[en.index] = append(lp.colEntries[en.index], lpEntry{i, en.coef})
			lp.nonzeros++
		}
	}
	return lp, nil
}

func (lp *linearProgram) header(w *bufio.Writer, comment, format string) {
	fmt.Fprintf(w, "%s Model %s as %s, written by nnopt: %d rows, %d columns, %d nonzeros\n", comment, lp.name, format, len(lp.rows), len(lp.cols), lp.nonzeros)
	sense := "minimise"
	if lp.max {
		sense = "maximise"
	}
	switch {
	case lp.feasible:
		fmt.Fprintf(w, "%s Objective: none (a feasibility model); %s is fixed at 0\n", comment, lp.objVar)
	case lp.objDef != "":
		fmt.Fprintf(w, "%s Objective: %s %s, defined by row %s (the model's objective expression)\n", comment, sense, lp.objVar, lp.objDef)
	default:
		fmt.Fprintf(w, "%s Objective: %s the variable %s; the equations that define it stay rows\n", comment, sense, lp.objVar)
	}
	if lp.nonbinding > 0 {
		fmt.Fprintf(w, "%s %d nonbinding (=N=) rows left out\n", comment, lp.nonbinding)
	}
	if lp.scaled {
		fmt.Fprintf(w, "%s Scaled: each column is the variable divided by its scale, each row lhs - rhs divided by its\n", comment)
		fmt.Fprintf(w, "%s equation's scale; column values times the scale and row duals divided by it are the model's\n", comment)
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func (lp *linearProgram) writeLP(w *bufio.Writer) {
	lp.header(w, `\`, "CPLEX LP")
	if lp.max {
		w.WriteString("Maximize\n")
	} else {
		w.WriteString("Minimize\n")
	}
	if lp.objCoef == 1 {
		fmt.Fprintf(w, " %s: + %s\n", lp.objName, lp.cols[lp.objCol].name)
	} else {
		fmt.Fprintf(w, " %s: + %s %s\n", lp.objName, num(lp.objCoef), lp.cols[lp.objCol].name)
	}
	w.WriteString("Subject To\n")
	for _, row := range lp.rows {
		line := " " + row.name + ":"
		entries := row.entries
		if len(entries) == 0 { // a constant row: LP wants a term
			entries = []lpEntry{{lp.objCol, 0}}
		}
		for _, en := range entries {
			term := " + " + num(en.coef)
			if en.coef < 0 {
				term = " - " + num(-en.coef)
			}
			if en.coef == 1 {
				term = " +"
			} else if en.coef == -1 {
				term = " -"
			}
			term += " " + lp.cols[en.index].name
			if len(line)+len(term) > 100 {
				w.WriteString(line + "\n")
				line = "  "
			}
			line += term
		}
		rel := [...]string{EQ: "=", LE: "<=", GE: ">="}[row.rel]
		fmt.Fprintf(w, "%s %s %s\n", line, rel, num(row.rhs))
	}
	w.WriteString("Bounds\n")
	for _, c := range lp.cols {
		if c.binary {
			continue
		}
		lo, up := c.lo, c.up
		switch {
		case math.IsInf(lo, -1) && math.IsInf(up, 1):
			fmt.Fprintf(w, " %s free\n", c.name)
		case lo == up:
			fmt.Fprintf(w, " %s = %s\n", c.name, num(lo))
		case lo == 0 && math.IsInf(up, 1):
			if !c.used { // declare a column no row mentions
				fmt.Fprintf(w, " %s >= 0\n", c.name)
			}
		case math.IsInf(lo, -1):
			fmt.Fprintf(w, " -inf <= %s <= %s\n", c.name, num(up))
		case math.IsInf(up, 1):
			fmt.Fprintf(w, " %s >= %s\n", c.name, num(lo))
		default:
			fmt.Fprintf(w, " %s <= %s <= %s\n", num(lo), c.name, num(up))
		}
	}
	for _, sec := range []struct {
		title string
		in    func(lpCol) bool
	}{{"Generals", func(c lpCol) bool { return c.integer }}, {"Binaries", func(c lpCol) bool { return c.binary }}} {
		first := true
		for _, c := range lp.cols {
			if !sec.in(c) {
				continue
			}
			if first {
				w.WriteString(sec.title + "\n")
				first = false
			}
			fmt.Fprintf(w, " %s\n", c.name)
		}
	}
	w.WriteString("End\n")
}

func (lp *linearProgram) writeMPS(w *bufio.Writer) {
	lp.header(w, "*", "free MPS")
	fmt.Fprintf(w, "NAME %s\n", lp.name)
	if lp.max {
		w.WriteString("OBJSENSE\n    MAX\n")
	}
	w.WriteString("ROWS\n")
	fmt.Fprintf(w, " N %s\n", lp.objName)
	for _, row := range lp.rows {
		fmt.Fprintf(w, " %s %s\n", [...]string{EQ: "E", LE: "L", GE: "G"}[row.rel], row.name)
	}
	w.WriteString("COLUMNS\n")
	inInt := false
	for j, c := range lp.cols {
		isInt := c.integer || c.binary
		if isInt != inInt {
			fmt.Fprintf(w, "    MARKER 'MARKER' '%s'\n", map[bool]string{true: "INTORG", false: "INTEND"}[isInt])
			inInt = isInt
		}
		if j == lp.objCol {
			fmt.Fprintf(w, "    %s %s %s\n", c.name, lp.objName, num(lp.objCoef))
		} else if len(lp.colEntries[j]) == 0 { // declare a column no row mentions
			fmt.Fprintf(w, "    %s %s 0\n", c.name, lp.objName)
		}
		for _, en := range lp.colEntries[j] {
			fmt.Fprintf(w, "    %s %s %s\n", c.name, lp.rows[en.index].name, num(en.coef))
		}
	}
	if inInt {
		w.WriteString("    MARKER 'MARKER' 'INTEND'\n")
	}
	w.WriteString("RHS\n")
	for _, row := range lp.rows {
		if row.rhs != 0 {
			fmt.Fprintf(w, "    RHS %s %s\n", row.name, num(row.rhs))
		}
	}
	w.WriteString("BOUNDS\n")
	for _, c := range lp.cols {
		lo, up := c.lo, c.up
		isInt := c.integer || c.binary
		switch {
		case c.binary:
			fmt.Fprintf(w, " BV BND %s\n", c.name)
		case math.IsInf(lo, -1) && math.IsInf(up, 1):
			fmt.Fprintf(w, " FR BND %s\n", c.name)
		case lo == up:
			fmt.Fprintf(w, " FX BND %s %s\n", c.name, num(lo))
		default:
			if math.IsInf(lo, -1) {
				fmt.Fprintf(w, " MI BND %s\n", c.name)
			} else if lo != 0 || up < 0 || isInt {
				// A zero lower bound is the default, but an upper bound below zero
				// alone reads as a free lower bound in some readers, and integer columns
				// get explicit bounds.
				fmt.Fprintf(w, " LO BND %s %s\n", c.name, num(lo))
			}
			if !math.IsInf(up, 1) {
				fmt.Fprintf(w, " UP BND %s %s\n", c.name, num(up))
			} else if isInt {
				fmt.Fprintf(w, " PL BND %s\n", c.name)
			}
		}
	}
	w.WriteString("ENDATA\n")
}

// namer makes names valid in LP and MPS files and unique within one namespace.
type namer struct{ taken map[string]bool }

func newNamer() *namer { return &namer{taken: map[string]bool{}} }

var lpKeywords = map[string]bool{
	"min": true, "max": true, "minimize": true, "minimise": true, "minimum": true, "maximize": true, "maximise": true, "maximum": true,
	"st": true, "s.t.": true, "st.": true, "subject": true, "such": true, "bound": true, "bounds": true,
	"general": true, "generals": true, "gen": true, "integer": true, "integers": true, "int": true,
	"binary": true, "binaries": true, "bin": true, "end": true, "free": true, "inf": true, "infinity": true,
}

// lpName turns s into a name the LP and MPS formats both accept.
func lpName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(`!"#$%&()/,.;?@_`+"`"+`'{}|~`, r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || n[0] >= '0' && n[0] <= '9' || n[0] == '.' || n[0] == '$' || lpKeywords[strings.ToLower(n)] {
		n = "_" + n
	}
	const maxLen = 240 // GLPK and CPLEX take 255
	if len(n) > maxLen {
		n = n[:maxLen]
	}
	return n
}

func (nm *namer) name(s string) string {
	n := lpName(s)
	if nm.taken[n] {
		for k := 2; ; k++ {
			if c := fmt.Sprintf("%s_%d", n, k); !nm.taken[c] {
				n = c
				break
			}
		}
	}
	nm.taken[n] = true
	return n
}

// rowName is the name of row r of an equation: its name and the labels of its domain
// sets, e.g. supply(seattle).
func rowName(name string, domain []*Set, r int) string {
	if len(domain) == 0 {
		return name
	}
	labels := make([]string, len(domain))
	for d := len(domain) - 1; d >= 0; d-- {
		s := domain[d]
		i := r % s.size
		r /= s.size
		if s.labels != nil {
			labels[d] = s.labels[i]
		} else {
			labels[d] = fmt.Sprint(i)
		}
	}
	out := name + "("
	for d, l := range labels {
		if d > 0 {
			out += ","
		}
		out += l
	}
	return out + ")"
}
