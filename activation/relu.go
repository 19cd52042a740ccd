package activation

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt"
)

// ReLUFormulation chooses how y = max(x, 0) enters a model.
type ReLUFormulation int

const (
	// ReLUAuto is the zero value: ReLUBigM when every neuron that can change sign
	// has finite bounds on x, else ReLUMax.
	ReLUAuto ReLUFormulation = iota
	// ReLUMax is the defining equation y = max(x, 0). The solver's sweeps compute
	// y, so a network stays triangular; the model is a DNLP, solved locally (at
	// x = 0 the derivative is x's, a one-sided choice). For training and local
	// search.
	ReLUMax
	// ReLUBigM is exact with one binary z per neuron that can change sign (x's
	// bounds L < 0 < U): y ≥ x, y ≥ 0, y ≤ x - L·(1 - z), y ≤ U·z. A neuron with
	// U ≤ 0 is y = 0 and one with L ≥ 0 is y = x, with no row of the four; their z
	// is fixed (at 0 or 1), which a MIP solver's presolve drops. The model is a MIP
	// (with fixed weights), for global answers: verification, optimising over a
	// trained network.
	ReLUBigM
	// ReLUSOS1 is exact without big-M constants: y = x + s with y ≥ 0, s ≥ 0
	// and a special ordered set of type 1 {y, s} per neuron that can change
	// sign, so that one of them is 0 (nnopt.SOS1). Bounds are not needed (an
	// unbounded neuron is fine) but help the solver: y ≤ max(0, U), s ≤
	// max(0, -L). A neuron with U ≤ 0 is y = 0 and one with L ≥ 0 is y = x, with
	// no set. The model is a MIP for Cbc, which branches on the sets. Its LP
	// relaxation (sets dropped) is weaker than big-M's: y ≤ x - L and y ≤ U
	// instead of the triangle y ≤ U·(x - L)/(U - L).
	ReLUSOS1
)

func (f ReLUFormulation) String() string {
	switch f {
	case ReLUAuto:
		return "auto"
	case ReLUMax:
		return "max"
	case ReLUBigM:
		return "bigm"
	case ReLUSOS1:
		return "sos1"
	}
	return fmt.Sprintf("ReLUFormulation(%d)", int(f))
}

// ReLUOutput is a ReLU's output variable and equations, with the binaries of its
// big-M formulation (nil otherwise), the slacks and sets of its SOS1 formulation
// (nil otherwise) and how many neurons needed one.
type ReLUOutput struct {
	Output
	Binary   *nnopt.Variable
	Slack    *nnopt.Variable // s = y - x ≥ 0 of ReLUSOS1
	Sets     *nnopt.SOS1     // {y, s} per neuron that can change sign, of ReLUSOS1
	Unstable int             // neurons whose bounds let them change sign (a free binary each)
	// Lo and Up are the big-M formulation's bounds of x, per neuron (zero for the
	// stable ones); TightenReLU narrows them.
	Lo, Up *nnopt.Parameter
}

// ReLU adds y = max(x, 0) in the formulation f. y's bounds are max(0, L) and
// max(0, U) for x's bounds L and U. With ReLUBigM, a neuron that can change sign
// needs finite L and U: an infinite one is an error naming the element. The
// binaries start at x's current levels' signs, so the start point is feasible when
// y starts at max(x, 0).
func ReLU(c *nnopt.Container, x *nnopt.Variable, f ReLUFormulation) (ReLUOutput, error) {
	unstable, unbounded := 0, -1
	for i := range x.Lo {
		if x.Lo[i] < 0 && x.Up[i] > 0 {
			unstable++
			if unbounded < 0 && (math.IsInf(x.Lo[i], -1) || math.IsInf(x.Up[i], 1)) {
				unbounded = i
			}
		}
	}
	switch f {
	case ReLUAuto:
		f = ReLUBigM
		if unbounded >= 0 {
			f = ReLUMax
		}
	case ReLUMax, ReLUBigM:
	case ReLUSOS1:
		return sos1ReLU(c, x, unstable)
	default:
		return ReLUOutput{}, fmt.Errorf("activation relu of %q: unknown formulation %v", x.Name(), f)
	}
	if f == ReLUMax {
		o, err := elementwise(c, x, "relu", func(a nnopt.Operand) *nnopt.Expr { return nnopt.Max(a, nnopt.Const(0)) }, 0, math.Inf(1))
		if err == nil {
			err = monotoneBounds("relu", o.Var, x, func(v float64) float64 { return math.Max(v, 0) })
		}
		return ReLUOutput{Output: o, Unstable: unstable}, err
	}
	if unbounded >= 0 {
		return ReLUOutput{}, fmt.Errorf("activation relu of %q: element %d can change sign but its bounds [%g, %g] are not finite; a big-M formulation needs them (bound the input, or use ReLUMax)", x.Name(), unbounded, x.Lo[unbounded], x.Up[unbounded])
	}
	return bigMReLU(c, x, unstable)
}

// bigMReLU writes the big-M formulation over x's domain: the neurons' classes as
// subsets, x's bounds as parameters.
func bigMReLU(c *nnopt.Container, x *nnopt.Variable, unstable int) (ReLUOutput, error) {
	d := x.Domain()
	name := c.UniqueName(x.Name() + "_relu")
	y := c.NewVariable(name, nnopt.Positive, d...)
	z := c.NewVariable(c.UniqueName(name+"_on"), nnopt.Binary, d...)
	lo, up := c.NewParameter(c.UniqueName(name+"_lo"), d...), c.NewParameter(c.UniqueName(name+"_up"), d...)
	active, open := c.NewSubset(c.UniqueName(name+"_active"), d...), c.NewSubset(c.UniqueName(name+"_open"), d...)
	onMask, openMask := make([]bool, x.Size()), make([]bool, x.Size())
	for i := range x.Lo {
		l, u := x.Lo[i], x.Up[i]
		y.Lo[i], y.Up[i] = math.Max(0, l), math.Max(0, u)
		switch {
		case u <= 0: // always off
			z.Lo[i], z.Up[i] = 0, 0
		case l >= 0: // always on
			z.Lo[i], z.Up[i] = 1, 1
			onMask[i] = true
		default:
			openMask[i] = true
			lo.Values[i], up.Values[i] = l, u
		}
		switch {
		case z.Lo[i] == z.Up[i]:
			z.L[i] = z.Lo[i]
		case x.L[i] > 0:
			z.L[i] = 1
		}
	}
	if err := active.SetMask(onMask); err != nil {
		return ReLUOutput{}, err
	}
	if err := open.SetMask(openMask); err != nil {
		return ReLUOutput{}, err
	}
	def := func(suffix string, r *nnopt.Relation, cond *nnopt.Set) (*nnopt.Equation, error) {
		e := c.NewEquation(c.UniqueName(name+"_"+suffix), d...)
		if err := e.Define(r); err != nil {
			return nil, fmt.Errorf("activation relu of %q: %w", x.Name(), err)
		}
		return e, e.Where(cond)
	}
	var eqs []*nnopt.Equation
	for _, r := range []struct {
		suffix string
		rel    *nnopt.Relation
		cond   *nnopt.Set
	}{
		{"on", nnopt.Eq(y, x), active},
		{"above", nnopt.Ge(y, x), open},
		{"belowx", nnopt.Le(y, nnopt.Sub(x, nnopt.Mul(lo, nnopt.Sub(nnopt.Const(1), z)))), open},
		{"belowu", nnopt.Le(y, nnopt.Mul(up, z)), open},
	} {
		e, err := def(r.suffix, r.rel, r.cond)
		if err != nil {
			return ReLUOutput{}, err
		}
		eqs = append(eqs, e)
	}
	return ReLUOutput{Output: Output{y, eqs}, Binary: z, Unstable: unstable, Lo: lo, Up: up}, nil
}

// sos1ReLU writes the SOS1 formulation over x's domain: y - s = x where y can be
// positive, the sets where x can change sign.
func sos1ReLU(c *nnopt.Container, x *nnopt.Variable, unstable int) (ReLUOutput, error) {
	d := x.Domain()
	name := c.UniqueName(x.Name() + "_relu")
	y := c.NewVariable(name, nnopt.Positive, d...)
	s := c.NewVariable(c.UniqueName(name+"_slack"), nnopt.Positive, d...)
	live, open := c.NewSubset(c.UniqueName(name+"_live"), d...), c.NewSubset(c.UniqueName(name+"_open"), d...)
	liveMask, openMask := make([]bool, x.Size()), make([]bool, x.Size())
	for i := range x.Lo {
		l, u := x.Lo[i], x.Up[i]
		y.Lo[i], y.Up[i] = math.Max(0, l), math.Max(0, u)
		s.Up[i] = math.Max(0, -l)
		liveMask[i] = u > 0
		openMask[i] = l < 0 && u > 0
		if l >= 0 {
			s.Up[i] = 0
		}
		s.L[i] = math.Min(s.Up[i], math.Max(0, -x.L[i]))
	}
	if err := live.SetMask(liveMask); err != nil {
		return ReLUOutput{}, err
	}
	if err := open.SetMask(openMask); err != nil {
		return ReLUOutput{}, err
	}
	split := c.NewEquation(c.UniqueName(name+"_split"), d...)
	if err := split.Define(nnopt.Eq(nnopt.Sub(y, s), x)); err != nil {
		return ReLUOutput{}, fmt.Errorf("activation relu of %q: %w", x.Name(), err)
	}
	if err := split.Where(live); err != nil {
		return ReLUOutput{}, err
	}
	sets, err := c.AddSOS1(c.UniqueName(name+"_sos"), []*nnopt.Variable{y, s}, d...)
	if err == nil {
		err = sets.Where(open)
	}
	if err != nil {
		return ReLUOutput{}, fmt.Errorf("activation relu of %q: %w", x.Name(), err)
	}
	return ReLUOutput{Output: Output{y, []*nnopt.Equation{split}}, Slack: s, Sets: sets, Unstable: unstable}, nil
}

// TightenReLU narrows a big-M ReLU (made by ReLU with ReLUBigM, over input x) to
// new bounds [lo, up] of x, each inside x's current bounds: x's bounds, y's
// bounds and the big-M constants take them, and a neuron that can no longer change
// sign gets its binary fixed (0 when up ≤ 0, 1 when lo ≥ 0), which makes its four
// rows y = 0 or y = x. It returns how many neurons became stable.
//
// An SOS1 ReLU (ReLUSOS1) takes the new bounds in x, y and the slacks; a neuron
// that can no longer change sign keeps its set, which its bounds now satisfy.
func TightenReLU(o ReLUOutput, x *nnopt.Variable, lo, up []float64) (int, error) {
	sos := o.Sets != nil && o.Slack != nil
	if !sos && (o.Binary == nil || o.Lo == nil) {
		return 0, fmt.Errorf("activation relu of %q: not a big-M or SOS1 formulation", x.Name())
	}
	if len(lo) != x.Size() || len(up) != x.Size() {
		return 0, fmt.Errorf("activation relu of %q: %d and %d bounds for %d elements", x.Name(), len(lo), len(up), x.Size())
	}
	stable := 0
	y, z := o.Var, o.Binary
	for i := range lo {
		l, u := math.Max(lo[i], x.Lo[i]), math.Min(up[i], x.Up[i])
		if !(l <= u) {
			return stable, fmt.Errorf("activation relu of %q: element %d: bounds [%g, %g] leave no point in [%g, %g]", x.Name(), i, lo[i], up[i], x.Lo[i], x.Up[i])
		}
		wasOpen := x.Lo[i] < 0 && x.Up[i] > 0
		x.Lo[i], x.Up[i] = l, u
		y.Lo[i], y.Up[i] = math.Max(0, l), math.Max(0, u)
		if sos {
			o.Slack.Up[i] = math.Max(0, -l)
			if wasOpen && !(l < 0 && u > 0) {
				stable++
			}
			continue
		}
		if z.Lo[i] == z.Up[i] {
			continue // stable already
		}
		switch {
		case u <= 0:
			z.Lo[i], z.Up[i], z.L[i] = 0, 0, 0
			stable++
		case l >= 0:
			z.Lo[i], z.Up[i], z.L[i] = 1, 1, 1
			stable++
		default:
			o.Lo.Values[i], o.Up.Values[i] = l, u
		}
	}
	return stable, nil
}

// LeakyReLU adds y = max(x, slope·x) for 0 < slope < 1, as the defining equation
// (a DNLP, as ReLUMax), with bounds slope's image of x's.
func LeakyReLU(c *nnopt.Container, x *nnopt.Variable, slope float64) (Output, error) {
	if !(slope > 0 && slope < 1) {
		return Output{}, fmt.Errorf("activation leaky_relu of %q: slope %g; want one in (0, 1)", x.Name(), slope)
	}
	o, err := elementwise(c, x, "leaky_relu", func(a nnopt.Operand) *nnopt.Expr { return nnopt.Max(a, nnopt.Mul(nnopt.Const(slope), a)) }, math.Inf(-1), math.Inf(1))
	if err == nil {
		err = monotoneBounds("leaky_relu", o.Var, x, func(v float64) float64 { return math.Max(v, slope*v) })
	}
	return o, err
}

// ReLUComplementarity adds y = max(x, 0) as the complementarity 0 ≤ y ⊥ y - x ≥ 0
// for local solves with the reduced-gradient method (an NLP, no binaries), relaxed
// by tau ≥ 0 (Scholtes' regularisation): y ≥ 0, y ≥ x and y·(y - x) ≤ tau. The
// relaxed feasible y of an x lie between max(x, 0) and (x + √(x² + 4·tau))/2, so
// y overshoots the ReLU by at most √tau (at x = 0) and by tau/|x| away from it;
// tau = 0 is the exact complementarity, whose feasible set has no interior at
// x = 0 and which NLP methods handle badly: solve a sequence with tau going to 0
// (each from the last solution) instead. y's bounds are max(0, ·) of x's, and y
// starts inside the relaxation (halfway from max(x, 0) to its edge at x's
// levels), where the method finds its way better than on the kink.
func ReLUComplementarity(c *nnopt.Container, x *nnopt.Variable, tau float64) (Output, error) {
	if !(tau >= 0) || math.IsInf(tau, 1) {
		return Output{}, fmt.Errorf("activation relu of %q: complementarity relaxation %g; want a finite tau ≥ 0", x.Name(), tau)
	}
	d := x.Domain()
	name := c.UniqueName(x.Name() + "_relu")
	y := c.NewVariable(name, nnopt.Positive, d...)
	for i := range x.Lo {
		y.Lo[i], y.Up[i] = math.Max(0, x.Lo[i]), math.Max(0, x.Up[i])
		// Start inside the relaxation: halfway from max(x, 0) to its edge.
		v := x.L[i]
		y.L[i] = math.Min(y.Up[i], (math.Max(v, 0)+(v+math.Sqrt(v*v+4*tau))/2)/2)
	}
	above := c.NewEquation(c.UniqueName(name+"_above"), d...)
	if err := above.Define(nnopt.Ge(y, x)); err != nil {
		return Output{}, fmt.Errorf("activation relu of %q: %w", x.Name(), err)
	}
	comp := c.NewEquation(c.UniqueName(name+"_comp"), d...)
	if err := comp.Define(nnopt.Le(nnopt.Mul(y, nnopt.Sub(y, x)), nnopt.Const(tau))); err != nil {
		return Output{}, fmt.Errorf("activation relu of %q: %w", x.Name(), err)
	}
	return Output{y, []*nnopt.Equation{above, comp}}, nil
}
