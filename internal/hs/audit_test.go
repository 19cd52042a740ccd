package hs

import (
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/internal/fsutil"
)

// TestAuditDump writes every problem's start, bounds, objective and constraint
// residuals at the start and at five points near it to the JSON file
// $HS_AUDIT_DUMP, for bench/peers/hs_audit_s2mpj.py to compare with the CUTEst
// statements; without the variable it is skipped. It fails when a statement
// cannot be built or evaluated.
func TestAuditDump(t *testing.T) {
	path := os.Getenv("HS_AUDIT_DUMP")
	if path == "" {
		t.Skip("set HS_AUDIT_DUMP to a file to write the statements' values")
	}
	type point struct {
		X []float64
		F float64
		R [][]float64 // each constraint's residual, as Model.Residuals gives it
	}
	type statement struct {
		N      int
		X0     []float64
		Lo, Up []float64
		Types  []string // E, G or L per constraint
		Defs   int      // the first Defs constraints define intermediate variables (Instance.Defs)
		Pts    []point
	}
	// JSON has no infinities or NaN: ±1e300 stand for ±∞ and 7.77e300 for NaN.
	enc := func(v []float64) []float64 {
		o := make([]float64, len(v))
		for i, a := range v {
			switch {
			case math.IsNaN(a):
				o[i] = 7.77e300
			case math.IsInf(a, 1):
				o[i] = 1e300
			case math.IsInf(a, -1):
				o[i] = -1e300
			default:
				o[i] = a
			}
		}
		return o
	}
	types := map[nnopt.EqType]string{nnopt.EQ: "E", nnopt.GE: "G", nnopt.LE: "L"}
	rng := rand.New(rand.NewSource(1))
	var out []statement
	for _, p := range Problems() {
		inst, err := p.Build()
		if err != nil {
			t.Fatal(err)
		}
		s := statement{N: p.Number, X0: enc(inst.X.L), Lo: enc(inst.X.Lo), Up: enc(inst.X.Up), Defs: len(inst.Defs)}
		for _, e := range inst.Equations {
			s.Types = append(s.Types, types[e.Type])
		}
		x0 := append([]float64(nil), inst.X.L...)
		for k := range 6 {
			x := append([]float64(nil), x0...)
			if k > 0 {
				for i := range x {
					x[i] += (2*rng.Float64() - 1) * 0.3 * math.Max(1, math.Abs(x[i]))
					x[i] = math.Max(inst.X.Lo[i], math.Min(inst.X.Up[i], x[i]))
				}
			}
			copy(inst.X.L, x)
			if err := inst.Settle(); err != nil {
				t.Fatalf("HS%d: %v", p.Number, err)
			}
			f, err := objectiveAt(inst)
			if err != nil {
				t.Fatalf("HS%d: %v", p.Number, err)
			}
			q := point{X: x, F: enc([]float64{f})[0]}
			if len(inst.Equations) > 0 {
				res, err := inst.Model.Residuals()
				if err != nil {
					t.Fatalf("HS%d: %v", p.Number, err)
				}
				for _, e := range inst.Equations {
					q.R = append(q.R, enc(res[e]))
				}
			}
			s.Pts = append(s.Pts, q)
		}
		out = append(out, s)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := fsutil.WriteFileAtomicBytes(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
