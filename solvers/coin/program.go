package coin

import (
	"fmt"

	"github.com/nnopt/nnopt/lpfile"
)

// FromProgram is the linear program p of package lpfile (an LP or MPS file's
// content, or a model's program) in compressed-column form: its rows' bounds from
// their relations and ranges, its integer and binary columns integer (a binary
// column's bounds are [0, 1] in the program already), its special ordered sets,
// its objective terms and constant. Row i and column j are p's.
func FromProgram(p *lpfile.Program) (*LP, error) {
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("coin: %w", err)
	}
	n, m := len(p.Columns), len(p.Rows)
	lp := &LP{NumRows: m, NumCols: n, ColStart: make([]int, n+1),
		ColLower: make([]float64, n), ColUpper: make([]float64, n), Obj: make([]float64, n),
		RowLower: make([]float64, m), RowUpper: make([]float64, m),
		Maximize: p.Maximize, ObjOffset: p.ObjConstant}
	for i, r := range p.Rows {
		lp.RowLower[i], lp.RowUpper[i] = r.Bounds()
		for _, e := range r.Entries {
			lp.ColStart[e.Index+1]++
		}
	}
	for j := 0; j < n; j++ {
		lp.ColStart[j+1] += lp.ColStart[j]
	}
	lp.RowIndex, lp.Value = make([]int, lp.ColStart[n]), make([]float64, lp.ColStart[n])
	fill := append([]int(nil), lp.ColStart[:n]...)
	for i, r := range p.Rows {
		for _, e := range r.Entries {
			lp.RowIndex[fill[e.Index]], lp.Value[fill[e.Index]] = i, e.Coef
			fill[e.Index]++
		}
	}
	for j, c := range p.Columns {
		lp.ColLower[j], lp.ColUpper[j] = c.Lo, c.Up
		if c.Kind != lpfile.Continuous {
			if lp.Integer == nil {
				lp.Integer = make([]bool, n)
			}
			lp.Integer[j] = true
		}
	}
	for _, set := range p.SOS {
		s := SOS{Name: set.Name, Type: set.Type}
		for _, en := range set.Entries {
			s.Index, s.Weight = append(s.Index, en.Index), append(s.Weight, en.Coef)
		}
		lp.SOS = append(lp.SOS, s)
	}
	if p.Objective.Coef != 0 {
		lp.Obj[p.Objective.Index] += p.Objective.Coef
	}
	for _, e := range p.Costs {
		lp.Obj[e.Index] += e.Coef
	}
	return lp, lp.Validate()
}
