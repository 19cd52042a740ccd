package nnopt

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/nnopt/nnopt/lpfile"
)

// AddProgram adds the linear program p (package lpfile; ReadModel reads one from an
// MPS file) to the container as a model named name, written in the algebra as one
// would write it by hand, so that statistics, files, solves and listings see an
// ordinary model:
//
//   - sets rows and cols, labelled with the program's row and column names;
//   - a variable x(cols) with the columns' bounds; integer and binary columns,
//     if any, are variables xi(icols) and xb(bcols) of types Integer and Binary
//     over sets of their own, since a variable has one type;
//   - a sparse parameter A(rows, cols) of the coefficients (Ai, Ab for the other
//     kinds), parameters lo(rows) and up(rows) of the rows' bounds (Row.Bounds),
//     and a sparse parameter cost(cols) of the objective (costi, costb);
//   - equations eqE(rows), eqL(rows) and eqG(rows), each Σ_cols A·x =E= lo, =L= up
//     or =G= lo on the subset rowE, rowL or rowG of the rows it holds: a ranged
//     row is in rowL and rowG, two inequalities;
//   - the objective Σ_cols cost·x + ObjConstant, minimised or maximised.
//
// It is named as the container's other Add constructors are, for what it does: it
// adds these symbols and the model. It fails on a program that lpfile's writers
// reject (Program.Check), two rows or two columns of one name and a name already
// taken in the container; symbols added before the failure stay. The problem type
// is LP, or MIP with integer or binary columns.
func (c *Container) AddProgram(name string, p *lpfile.Program) (m *Model, err error) {
	defer func() {
		switch r := recover().(type) {
		case nil:
		case programError:
			m, err = nil, fmt.Errorf("nnopt: model %q: %w", name, r.error)
		default:
			panic(r)
		}
	}()
	tryErr(p.Check())
	if len(p.SOS) > 0 {
		tryErr(fmt.Errorf("special ordered set %q (and %d more): a program's sets are not read into a model; use AddSOS1", p.SOS[0].Name, len(p.SOS)-1))
	}
	rowNames := make([]string, len(p.Rows))
	for i, r := range p.Rows {
		rowNames[i] = r.Name
	}
	rows := try(c.AddSet("rows", rowNames...))
	cost := make(map[int]float64, len(p.Costs)+1) // the objective by column
	for _, en := range append([]lpfile.Entry{p.Objective}, p.Costs...) {
		if en.Coef != 0 {
			cost[en.Index] = en.Coef
		}
	}
	problem := LP
	var lhs, obj Operand = Const(0), Const(p.ObjConstant)
	for k, sfx := range []string{"", "i", "b"} {
		// The columns of kind k, their coefficients and their costs.
		var cols []string
		var idx []int // the columns' indices in p
		var cLabels [][]string
		var aValues, cValues []float64
		at := make([]int, len(p.Columns)) // a column's position in cols, -1 for another kind
		for j, col := range p.Columns {
			at[j] = -1
			if int(col.Kind) != k {
				continue
			}
			at[j] = len(cols)
			cols, idx = append(cols, col.Name), append(idx, j)
			if v, ok := cost[j]; ok {
				cLabels, cValues = append(cLabels, []string{col.Name}), append(cValues, v)
			}
		}
		// A's records by their positions (row, then column), not their labels:
		// the sets are made of the program's rows and these columns, in order.
		var aPos []int64
		for i, r := range p.Rows {
			for _, en := range r.Entries {
				if q := at[en.Index]; q >= 0 {
					aPos, aValues = append(aPos, int64(i)*int64(len(idx))+int64(q)), append(aValues, en.Coef)
				}
			}
		}
		if len(cols) == 0 {
			continue
		}
		if k > 0 {
			problem = MIP
		}
		set := try(c.AddSet([]string{"cols", "icols", "bcols"}[k], cols...))
		x := try(c.AddVariable("x"+sfx, []VarType{Free, Integer, Binary}[k], set))
		for q, j := range idx {
			x.Lo[q], x.Up[q] = p.Columns[j].Lo, p.Columns[j].Up
		}
		a := try(c.AddSparseParameter("A"+sfx, rows, set))
		tryErr(a.setRecordsAt(aPos, aValues, func(r int) []string { return a.labelsAt(aPos[r]) }))
		cst := try(c.AddSparseParameter("cost"+sfx, set))
		tryErr(cst.SetRecords(cLabels, cValues))
		lhs, obj = Add(lhs, Sum(Mul(a, x), set)), Add(obj, Sum(Mul(cst, x), set))
	}
	// The rows' bounds, and the equations on the subsets of each relation.
	lo, up := try(c.AddParameter("lo", rows)), try(c.AddParameter("up", rows))
	masks := [3][]bool{make([]bool, len(p.Rows)), make([]bool, len(p.Rows)), make([]bool, len(p.Rows))}
	for i, r := range p.Rows {
		l, u := r.Bounds()
		lo.Values[i], up.Values[i] = l, u
		masks[0][i] = l == u
		masks[1][i] = l != u && !math.IsInf(u, 1)
		masks[2][i] = l != u && !math.IsInf(l, -1)
	}
	var eqs []*Equation
	for k, rel := range []func(lhs, rhs Operand) *Relation{Eq, Le, Ge} {
		sfx := []string{"E", "L", "G"}[k]
		sub := try(c.AddSubset("row"+sfx, rows))
		tryErr(sub.SetMask(masks[k]))
		if sub.count == 0 {
			continue
		}
		e := try(c.AddEquation("eq"+sfx, rows))
		tryErr(e.Where(sub))
		tryErr(e.Define(rel(lhs, []*Parameter{lo, up, lo}[k])))
		eqs = append(eqs, e)
	}
	sense := Minimize
	if p.Maximize {
		sense = Maximize
	}
	return try(c.NewModel(name, ModelSpec{Equations: eqs, Problem: problem, Sense: sense, Objective: obj})), nil
}

// programError carries an error out of AddProgram's steps to its recover.
type programError struct{ error }

// try returns v, or unwinds AddProgram with err.
func try[T any](v T, err error) T {
	tryErr(err)
	return v
}

// tryErr unwinds AddProgram with err unless it is nil.
func tryErr(err error) {
	if err != nil {
		panic(programError{err})
	}
}

// ReadModel reads a linear program from an MPS file, .mps or .mps.gz (see
// lpfile.ReadFile), into a new container as AddProgram writes it, the model named
// after the file (afiro for afiro.mps.gz): the counterpart of Model.WriteFile.
func ReadModel(path string) (*Container, *Model, error) {
	p, err := lpfile.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	name := filepath.Base(path)
	for _, ext := range []string{".gz", ".mps"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			name = name[:len(name)-len(ext)]
		}
	}
	c := NewContainer()
	m, err := c.AddProgram(name, p)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, m, nil
}
