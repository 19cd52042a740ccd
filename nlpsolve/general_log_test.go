package nlpsolve

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestGeneralLog: the general method's log is the reference's table (itlog), as
// the triangular method's: phase-1 rows under the infeasibility header with the
// rows violated, the feasible solution's line, phase-3 or -4 rows under the
// objective header with the objective as stated (a maximisation's, not its
// negation), and the closing line; OnIteration hears the same figures.
func TestGeneralLog(t *testing.T) {
	// max x + y over the disc x² + y² ≤ 1 and the line x - y = 1, from (1.9,
	// -1.9), where both rows are violated: the optimum is (1, 0), x + y = 1.
	m := newTestModel()
	m.names["p"] = 0
	m.p.Vars = append(m.p.Vars, Variable{Name: "p", Lo: []float64{-2, -2}, Up: []float64{2, 2}})
	m.x0 = append(m.x0, []float64{1.9, -1.9})
	m.equation("disc", LessEqual, &ball{cols: []col{{0, 0}, {0, 1}}, rhs: 1})
	m.equation("line", Equal, &denseLinear{cols: []col{{0, 0}, {0, 1}}, a: [][]float64{{1, -1}}, b: []float64{1}})
	obj := m.variable("obj", negInf, posInf, 0)
	m.equation("defobj", Equal, &denseLinear{cols: []col{{obj, 0}, {0, 0}, {0, 1}}, a: [][]float64{{1, -1, -1}}, b: []float64{0}})
	e := &m.p.Equations[len(m.p.Equations)-1]
	e.Defines, e.Coef = obj, 1
	m.p.Objective, m.p.Maximize = obj, true

	var log strings.Builder
	var its []Iteration
	res, err := SolveGeneral(context.Background(), &m.p, m.pat, m.start(), Settings{Method: LBFGS, Log: &log, Recorder: func(it Iteration) { its = append(its, it) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || math.Abs(res.Objective-1) > 1e-7 {
		t.Fatalf("%v at %g, want optimal at 1\n%s", res.Status, res.Objective, log.String())
	}
	out := log.String()
	for _, want := range []string{
		" Iter Phase   Ninf   Infeasibility   RGmax      NSB   Step  InItr MX OK\n",
		"** Feasible solution. Value of objective = ",
		" Iter Phase   Ninf     Objective     RGmax      NSB   Step  InItr MX OK\n",
		"** Stopped: optimal. Objective = 1.0000000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	var phase1, last Iteration
	for _, it := range its {
		if it.Phase == 1 && phase1.Iter == 0 {
			phase1 = it
		}
		last = it
	}
	if phase1.Iter == 0 || phase1.Ninf < 1 {
		t.Errorf("no phase-1 iteration with a violated row reported: %+v", its)
	}
	if last.Phase < 3 || math.Abs(last.Objective-1) > 1e-7 {
		t.Errorf("last iteration %+v: want phase 3 or 4 at the stated objective 1", last)
	}
	// The last row shows the stated objective, not its negation.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for k := len(lines) - 1; k >= 0; k-- {
		f := strings.Fields(lines[k])
		if len(f) >= 4 && (f[1] == "3" || f[1] == "4") {
			if !strings.HasPrefix(f[2], "1.0000000") && !strings.HasPrefix(f[2], "9.999999") {
				t.Errorf("last row %q: want the objective 1 as stated", lines[k])
			}
			break
		}
	}
}

// TestSimplexLogStated: the simplex method's rows and closing lines show a
// maximisation's objective as stated (lpMax: max x + y = 2.8), not the negated
// one it minimises.
func TestSimplexLogStated(t *testing.T) {
	m := lpMax()
	var log strings.Builder
	res, err := SolveGeneral(context.Background(), &m.p, m.pat, m.start(), Settings{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if res.Status != Optimal || math.Abs(res.Objective-2.8) > 1e-9 || !strings.Contains(out, "Simplex method") {
		t.Fatalf("%v at %g, want optimal at 2.8 by the simplex method\n%s", res.Status, res.Objective, out)
	}
	if strings.Contains(out, "-2.8000000") || !strings.Contains(out, "objective 2.8000000000E+00") {
		t.Errorf("the log shows the negated objective:\n%s", out)
	}
}
