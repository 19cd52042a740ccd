// Package lpmodel reads a linear program (an lpfile.Program) off a linear model's
// Jacobian at x = 0.
//
// Columns are every element of every variable block; rows are the equations' rows
// inside their conditions, Σ_j a_j·x_j (relation) rhs, where a is the Jacobian of
// lhs - rhs (constant, since the model is linear) and the right-hand side is minus
// lhs - rhs at x = 0. Coefficients that are exactly zero are left out, and so are
// nonbinding rows, which a comment counts. Scaled, each column is a variable element
// divided by its scale (bounds included) and each row lhs - rhs divided by its
// equation's scale.
package lpmodel

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt/lpfile"
)

// Var is a variable block, a column per element.
type Var struct {
	Size          int                // elements
	Label         func(i int) string // the column name of element i, x(seattle)
	Lo, Up, Scale []float64
	// Binary and Integer give the variable's type: a binary column with bounds
	// [0, 1] is binary, any other binary or integer column integer.
	Binary, Integer bool
}

// Block is an equation block: its Jacobian at x = 0, row-major over the equation's
// domain, and what makes its rows.
type Block struct {
	Label      func(r int) string // the row name of row r, supply(seattle)
	Rel        lpfile.Relation
	Nonbinding bool // =N=: the rows are left out
	// Err is the error of the block's first row that is kept, when its equation
	// has no relation a program can hold.
	Err   error
	Scale []float64
	// The Jacobian: Active marks the rows inside the equation's condition (nil: all);
	// row r's entries RowStart[r] up to RowStart[r+1] are ∂row/∂x, x element Elem of
	// variable block Var; Residual is lhs - rhs.
	Active          []bool
	RowStart        []int
	Var, Elem       []int32
	Value, Residual []float64
}

// Model is a linear model at x = 0.
type Model struct {
	Name      string // the program's name
	Maximize  bool
	Vars      []Var
	Blocks    []Block
	Objective int // the objective's variable block, a scalar; its column is the objective
	Scaled    bool
	// Comment says what the objective is, the program's first comment.
	Comment string
}

// Program reads m's linear program. A column with NaN bounds or a lower bound of
// +Inf or upper bound of -Inf, and a row with a coefficient or right-hand side that
// is NaN or infinite, are errors naming it.
func Program(m Model) (*lpfile.Program, error) {
	p := &lpfile.Program{Name: m.Name, Maximize: m.Maximize}
	colScale := func(vb, el int) float64 {
		if !m.Scaled {
			return 1
		}
		return m.Vars[vb].Scale[el]
	}
	offset := make([]int, len(m.Vars)+1)
	for i, v := range m.Vars {
		offset[i+1] = offset[i] + v.Size
		for el := 0; el < v.Size; el++ {
			c := lpfile.Column{Name: v.Label(el), Lo: v.Lo[el] / colScale(i, el), Up: v.Up[el] / colScale(i, el)}
			switch {
			case v.Binary && c.Lo == 0 && c.Up == 1:
				c.Kind = lpfile.Binary
			case v.Binary || v.Integer:
				c.Kind = lpfile.Integer
			}
			if math.IsNaN(c.Lo) || math.IsNaN(c.Up) || math.IsInf(c.Lo, 1) || math.IsInf(c.Up, -1) {
				return nil, fmt.Errorf("variable %s has bounds [%g, %g]", c.Name, c.Lo, c.Up)
			}
			p.Columns = append(p.Columns, c)
		}
	}
	p.Objective = lpfile.Entry{Index: offset[m.Objective], Coef: colScale(m.Objective, 0)}
	nonbinding := 0
	for _, b := range m.Blocks {
		for r := 0; r < len(b.RowStart)-1; r++ {
			if b.Active != nil && !b.Active[r] {
				continue
			}
			if b.Nonbinding {
				nonbinding++
				continue
			}
			d := 1.0
			if m.Scaled {
				d = b.Scale[r]
			}
			if b.Err != nil {
				return nil, b.Err
			}
			row := lpfile.Row{Name: b.Label(r), Rel: b.Rel, RHS: -b.Residual[r] / d}
			if row.RHS == 0 {
				row.RHS = 0 // no -0
			}
			if math.IsNaN(row.RHS) || math.IsInf(row.RHS, 0) {
				return nil, fmt.Errorf("row %s has right-hand side %g", row.Name, row.RHS)
			}
			for k := b.RowStart[r]; k < b.RowStart[r+1]; k++ {
				a := b.Value[k] * colScale(int(b.Var[k]), int(b.Elem[k])) / d
				if a == 0 {
					continue
				}
				if math.IsNaN(a) || math.IsInf(a, 0) {
					return nil, fmt.Errorf("row %s has coefficient %g", row.Name, a)
				}
				row.Entries = append(row.Entries, lpfile.Entry{Index: offset[b.Var[k]] + int(b.Elem[k]), Coef: a})
			}
			p.Rows = append(p.Rows, row)
		}
	}
	p.Comments = append(p.Comments, m.Comment)
	if nonbinding > 0 {
		p.Comments = append(p.Comments, fmt.Sprintf("%d nonbinding (=N=) rows left out", nonbinding))
	}
	if m.Scaled {
		p.Comments = append(p.Comments,
			"Scaled: each column is the variable divided by its scale, each row lhs - rhs divided by its",
			"equation's scale; column values times the scale and row duals divided by it are the model's")
	}
	return p, nil
}
