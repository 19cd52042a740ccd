// Package itlog writes the iteration log of nnopt's methods in the reference's
// columns (Iter, Phase, Ninf, the value, RGmax, NSB, Step, InItr, MX, OK), so that
// the triangular method, the general method and the simplex method print the same
// table. The phases are the reference's: 0 the start, 1 and 2 infeasible (the
// value is the sum of infeasibilities, Ninf the rows violated), 3 feasible with
// first-order (quasi-Newton, simplex) steps and 4 feasible with second-order
// (Newton) steps (the value is the objective).
package itlog

import (
	"fmt"
	"io"
)

// Row is one line of the log.
type Row struct {
	Iter, Phase int
	Ninf        int     // rows violated (phases 0 to 2)
	Value       float64 // the sum of infeasibilities (phases 0 to 2) or the objective
	RGmax       float64
	NSB         int
	// Stepped says a step led to the row's point: Step, InItr, MX and OK
	// describe it. Without one (the start, a change of phase or basis) they are
	// left blank.
	Stepped bool
	Step    float64
	InItr   int
	MX      bool // the step was limited by a bound
	OK      bool // the step met the line search's conditions
}

// ShowsObjective reports whether a row of the phase shows the objective (rather
// than the sum of infeasibilities).
func ShowsObjective(phase int) bool { return phase >= 3 }

// headerRows is how many rows go under one header.
const headerRows = 10

// Writer writes rows to W (nothing when W is nil) under a header that names the
// value column, repeated every headerRows rows and when the value column changes
// meaning.
type Writer struct {
	W       io.Writer
	rows    int
	objHead bool // the last header named the objective
	anyHead bool
}

func (w *Writer) printf(format string, args ...any) {
	if w.W != nil {
		fmt.Fprintf(w.W, format, args...)
	}
}

func (w *Writer) header(objective bool) {
	if objective {
		w.printf("\n Iter Phase   Ninf     Objective     RGmax      NSB   Step  InItr MX OK\n")
	} else {
		w.printf("\n Iter Phase   Ninf   Infeasibility   RGmax      NSB   Step  InItr MX OK\n")
	}
	w.objHead, w.anyHead, w.rows = objective, true, 0
}

// Input writes the start's row: its sum of infeasibilities, marked as the input
// point.
func (w *Writer) Input(sumInf float64) {
	w.header(false)
	w.printf("%5d %4d          %16.10E (Input point)\n", 0, 0, sumInf)
	w.rows++
}

// Row writes r.
func (w *Writer) Row(r Row) {
	if w.W == nil {
		return
	}
	obj := ShowsObjective(r.Phase)
	if !w.anyHead || w.rows >= headerRows || obj != w.objHead {
		w.header(obj)
	}
	w.rows++
	ninf := ""
	if !obj {
		ninf = fmt.Sprint(r.Ninf)
	}
	if !r.Stepped {
		w.printf("%5d %4d %7s  %16.10E %7.1E %7d\n", r.Iter, r.Phase, ninf, r.Value, r.RGmax, r.NSB)
		return
	}
	w.printf("%5d %4d %7s  %16.10E %7.1E %7d %7.1E %5d %s  %s\n", r.Iter, r.Phase, ninf, r.Value, r.RGmax, r.NSB, r.Step, r.InItr, tf(r.MX), tf(r.OK))
}

// Feasible writes the line that marks the end of the infeasible phases.
func (w *Writer) Feasible(objective float64) {
	w.printf("\n** Feasible solution. Value of objective = %16.8f\n", objective)
	w.anyHead = false // a fresh header for the feasible rows
}

func tf(b bool) string {
	if b {
		return "T"
	}
	return "F"
}
