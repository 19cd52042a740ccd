package nnopt

// Residuals evaluates the model's equations at the variables' current levels and
// returns lhs - rhs of every row, row-major over each equation's domain (rows outside
// an equation's condition are 0). A row holds when its residual is 0 (=E=), ≤ 0 (=L=)
// or ≥ 0 (=G=). It checks a given point (a start point, a known solution, the
// feasibility of a formulation) without solving; models of any problem type qualify.
func (m *Model) Residuals() (map[*Equation][]float64, error) {
	inst, err := m.compile()
	if err != nil {
		return nil, err
	}
	x := inst.start()
	out := make(map[*Equation][]float64, len(m.equations))
	// compile keeps the model's equations first, in order; an objective definition it
	// adds comes after them and is not the user's.
	for i, e := range m.equations {
		r := make([]float64, inst.blocks[i].Rows())
		inst.blocks[i].Eval(x, r)
		out[e] = r
	}
	return out, nil
}
