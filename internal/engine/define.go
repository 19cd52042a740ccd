package engine

// DefinedVariable finds a variable an equation r(x) = 0 can be solved for in closed
// form: referenced once, over exactly the equation's domain in order, entering
// lhs - rhs linearly with a constant coefficient (returned) through sums,
// differences, negations and constant factors only. A variable in taken (defined by
// another equation already) and an equation with a condition define none.
func DefinedVariable(e *Equation, taken map[*Symbol]bool) (*Symbol, float64, bool) {
	if e.Cond != nil {
		return nil, 0, false
	}
	count := map[*Symbol]int{}
	var walkCount func(x *Term)
	walkCount = func(x *Term) {
		if x.Op == OpRef && x.Ref.Var {
			count[x.Ref]++
		}
		for _, a := range x.Args {
			walkCount(a)
		}
	}
	walkCount(e.Body)
	var found *Symbol
	var coef float64
	var walk func(x *Term, c float64)
	walk = func(x *Term, c float64) {
		if found != nil {
			return
		}
		if x.Op == OpRef {
			v := x.Ref
			if !v.Var || count[v] != 1 || taken[v] || len(x.Idx) != len(e.Domain) {
				return
			}
			for d := range x.Idx {
				if x.Idx[d] != e.Domain[d] {
					return
				}
			}
			found, coef = v, c
			return
		}
		for i, a := range x.Args {
			if k, ok := affineIn(x, i); ok {
				walk(a, c*k)
			}
		}
	}
	walk(e.Body, 1)
	if found == nil || coef == 0 {
		return nil, 0, false
	}
	return found, coef, true
}
