package nnopt

import (
	"fmt"
	"io"
	"math"
	"strings"
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
	var b strings.Builder
	fmt.Fprintf(&b, "Solution of model %s: %v, %v, objective %.10g\n", m.name, m.Status, m.SolveStatus, m.ObjectiveValue)
	table := func(kind, name string, domain []*Set, lo, l, up, mm []float64) {
		fmt.Fprintf(&b, "\n---- %s %s\n", kind, name)
		fmt.Fprintf(&b, "%-24s %14s %14s %14s %14s\n", "", "LOWER", "LEVEL", "UPPER", "MARGINAL")
		for k := range l {
			if k == ReportRows {
				fmt.Fprintf(&b, "... %d more\n", len(l)-ReportRows)
				break
			}
			fmt.Fprintf(&b, "%-24s %14.6g %14.6g %14.6g %14.6g\n", elementLabel(domain, k), lo[k], l[k], up[k], mm[k])
		}
	}
	for _, v := range inst.vars {
		if m.c.Lookup(v.name) == v {
			table("VAR", v.name, v.domain, v.Lo, v.L, v.Up, v.M)
		}
	}
	for _, e := range m.equations {
		lo, up := make([]float64, len(e.L)), make([]float64, len(e.L))
		for k := range lo {
			lo[k], up[k] = equationBounds(e.Type)
		}
		table("EQU", e.name, e.domain, lo, e.L, up, e.M)
	}
	_, err = io.WriteString(w, b.String())
	return err
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

// elementLabel is the labels of element k of a symbol over domain, "(a,b)", or "" for
// a scalar.
func elementLabel(domain []*Set, k int) string {
	if len(domain) == 0 {
		return ""
	}
	labels := make([]string, len(domain))
	for d := len(domain) - 1; d >= 0; d-- {
		n := domain[d].Len()
		labels[d] = domain[d].Labels()[k%n]
		k /= n
	}
	return "(" + strings.Join(labels, ",") + ")"
}
