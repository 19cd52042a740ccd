package nnopt

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nnopt/nnopt/internal/engine"
	"github.com/nnopt/nnopt/internal/testdata"
)

// TestStructuresFromStatistics checks, on the netlib LPs, that the Jacobian
// structures the model's statistics keep (engine.StatsAndStructures) give the
// statistics and the coloured patterns that counting and enumerating afresh give
// (engine.Stats, engine.PatternOf), and that the statistics kept some.
func TestStructuresFromStatistics(t *testing.T) {
	dir := testdata.NetlibDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.mps.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no netlib files in %s (%v)", dir, err)
	}
	for _, f := range files {
		_, m, err := ReadModel(f)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := m.compile()
		if err != nil {
			t.Fatal(err)
		}
		syms := make([]*engine.Symbol, len(inst.vars))
		t2 := newTerms()
		for i, v := range inst.vars {
			syms[i] = t2.variable(v)
		}
		if got, want := inst.stats, engine.Stats(inst.specs, syms); got != want {
			t.Errorf("%s: statistics %+v, counted afresh %+v", m.Name(), got, want)
		}
		kept := 0
		for q := range inst.eqs {
			if inst.structs[q] == nil {
				continue
			}
			kept++
			got := inst.patternOf(q)
			want := engine.PatternOf(&inst.specs[q], inst.varIndex, func(vb int) int { return len(inst.vars[vb].L) })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: equation %s: the pattern from the kept structure differs from PatternOf's", m.Name(), inst.eqs[q].name)
			}
		}
		if kept == 0 {
			t.Errorf("%s: the statistics kept no structure", m.Name())
		}
	}
}
