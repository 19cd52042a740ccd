package nnopt

import (
	"fmt"
	"io"
	"math"

	"github.com/nnopt/nnopt/internal/listing"
)

// Report is the solution listing option (the reference's report_solution): what
// Solve writes to Options.Output after the solve. The zero value is "not set here";
// unset everywhere, no listing is written.
type Report int

const (
	// ReportUnset leaves the choice to a less specific level (none by default).
	ReportUnset Report = iota
	// ReportListing writes every variable's and equation's lower bound, level, upper
	// bound and marginal after the solve, up to ReportRows elements a symbol.
	ReportListing
	// ReportNone writes no listing, overriding a less specific ReportListing.
	ReportNone
)

// ReportRows is the most elements a solution listing shows of one symbol.
const ReportRows = 20

// WriteListing writes the solution listing of the model's variables and equations:
// per element its labels, lower bound, level, upper bound and marginal, as the
// reference's listing does (equation levels are lhs − rhs here).
func (m *Model) WriteListing(w io.Writer) error {
	inst, err := m.compile()
	if err != nil {
		return err
	}
	var tables []listing.Table
	for _, v := range inst.vars {
		if m.c.Lookup(v.name) == v {
			tables = append(tables, listing.Table{Kind: "VAR", Name: v.name, Label: func(k int) string { return elementName("", v.domain, k, false) },
				Lo: v.Lo, L: v.L, Up: v.Up, M: v.M})
		}
	}
	for _, e := range m.equations {
		lo, up := make([]float64, len(e.L)), make([]float64, len(e.L))
		for k := range lo {
			lo[k], up[k] = equationBounds(e.Type)
		}
		tables = append(tables, listing.Table{Kind: "EQU", Name: e.name, Label: func(k int) string { return elementName("", e.domain, k, false) },
			Lo: lo, L: e.L, Up: up, M: e.M})
	}
	title := fmt.Sprintf("Solution of model %s: %v, %v, objective %.10g", m.name, m.Status, m.SolveStatus, m.ObjectiveValue)
	return listing.Write(w, title, tables, ReportRows)
}

// equationBounds are the bounds of an equation's level lhs − rhs by its type.
func equationBounds(t EqType) (lo, up float64) {
	inf := math.Inf(1)
	switch t {
	case EQ:
		return 0, 0
	case LE:
		return -inf, 0
	case GE:
		return 0, inf
	}
	return -inf, inf
}
