package itlog_test

import (
	"os"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/nlpsolve/internal/itlog"
)

func Example() {
	w := &itlog.Writer{W: os.Stdout}
	w.Input(6.97)
	w.Row(itlog.Row{Iter: 1, Phase: 1, Ninf: 2, Value: 0.436, RGmax: 22.3, NSB: 1, Stepped: true, Step: 0.025, InItr: 20, MX: true, OK: true})
	w.Feasible(18.7)
	w.Row(itlog.Row{Iter: 2, Phase: 3, Value: 18.7, RGmax: 3.78})
	w.Row(itlog.Row{Iter: 3, Phase: 4, Value: 17.01, RGmax: 8e-9, NSB: 1, Stepped: true, Step: 1, InItr: 9, OK: true})
	// Output:
	//
	//  Iter Phase   Ninf   Infeasibility   RGmax      NSB   Step  InItr MX OK
	//     0    0          6.9700000000E+00 (Input point)
	//     1    1       2  4.3600000000E-01 2.2E+01       1 2.5E-02    20 T  T
	//
	// ** Feasible solution. Value of objective =      18.70000000
	//
	//  Iter Phase   Ninf     Objective     RGmax      NSB   Step  InItr MX OK
	//     2    3          1.8700000000E+01 3.8E+00       0
	//     3    4          1.7010000000E+01 8.0E-09       1 1.0E+00     9 F  T
}

// TestHeaders: the header comes back every ten rows and whenever the value
// column changes meaning, and never without a writer.
func TestHeaders(t *testing.T) {
	var b strings.Builder
	w := &itlog.Writer{W: &b}
	for i := 1; i <= 25; i++ {
		phase := 3
		if i <= 2 || i == 15 {
			phase = 1
		}
		w.Row(itlog.Row{Iter: i, Phase: phase})
	}
	// Headers: before row 1 (infeasible), 3 (objective), 13 (ten rows), 15
	// (infeasible), 16 (objective).
	if got, want := strings.Count(b.String(), "Infeasibility"), 2; got != want {
		t.Errorf("%d infeasibility headers, want %d:\n%s", got, want, b.String())
	}
	if got, want := strings.Count(b.String(), "Objective"), 3; got != want {
		t.Errorf("%d objective headers, want %d:\n%s", got, want, b.String())
	}
	var nothing itlog.Writer
	nothing.Input(1)
	nothing.Row(itlog.Row{Iter: 1, Phase: 1})
	nothing.Feasible(1)
}
