package nlpsolve

import (
	"fmt"
	"io"

	"github.com/nnopt/nnopt/nlpsolve/internal/itlog"
)

// logger writes the triangular method's log: the iteration table in the
// reference's columns (itlog) and the lines around it.
type logger struct {
	w   io.Writer
	tab itlog.Writer
}

func (l *logger) printf(format string, args ...any) {
	if l.w != nil {
		fmt.Fprintf(l.w, format, args...)
	}
}

func (l *logger) header(p *Problem, st *structure, inputInf float64) {
	l.tab.W = l.w
	l.tab.Input(inputInf)
	l.printf("\n")
	rows := 0
	for _, e := range p.Equations {
		rows += e.Block.Rows()
	}
	l.printf("The triangular part of the model has %d constraints and defined variables in %d blocks.\n", rows, len(p.Equations))
	if l.w != nil {
		all := make([]int, len(p.Equations))
		for i := range all {
			all[i] = i
		}
		logEliminated(l.w, p, all)
	}
	l.printf("The reduced model has no constraints and %d superbasic variables.\n\n", st.n)
}

// maxEliminatedLines bounds the log's list of eliminated equations.
const maxEliminatedLines = 20

// logEliminated names the eliminated equations eqs and the variables they define
// (the first maxEliminatedLines of them), so that a user sees which equality took
// a variable out of the solver's hands; Settings.Elimination EliminateNone keeps
// them all as rows.
func logEliminated(w io.Writer, p *Problem, eqs []int) {
	for k, ei := range eqs {
		if k == maxEliminatedLines {
			fmt.Fprintf(w, "  ... and %d more\n", len(eqs)-k)
			break
		}
		e := &p.Equations[ei]
		fmt.Fprintf(w, "  equation %s eliminates variable %s\n", e.Name, p.Vars[e.Defines].Name)
	}
}

func (l *logger) feasible(obj float64) {
	l.tab.W = l.w
	l.tab.Feasible(obj)
}

func (l *logger) iteration(it Iteration) {
	l.tab.W = l.w
	l.tab.Row(itlog.Row{Iter: it.Iter, Phase: it.Phase, Ninf: it.Ninf, Value: it.Objective, RGmax: it.RGmax, NSB: it.NSB, Stepped: true, Step: it.Step, InItr: it.InItr, MX: it.MX, OK: it.OK})
}

func (l *logger) footer(r *Result) {
	l.printf("\n** Stopped: %s. Objective = %.10E, RGmax = %.1E, %d iterations, %d function+gradient evaluations, %.3f s.\n",
		r.Status, r.Objective, r.RGmax, r.Iterations, r.Evaluations, r.Elapsed.Seconds())
}
