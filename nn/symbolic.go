package nn

import (
	"errors"
	"fmt"
	"math"
)

// Symbolic (back-substituted linear) bounds of a ReLU network's pre-activations,
// in the manner of DeepPoly (Singh, Gehr, Püschel and Vechev, "An abstract domain
// for certifying neural networks", POPL 2019) and CROWN (Zhang et al., NeurIPS
// 2018): each ReLU y = max(z, 0) whose input z ∈ [l, u] can change sign is
// bounded by two lines, y ≤ u (z - l) / (u - l) above and y ≥ α z below (α = 1
// when u ≥ -l, else 0); a pre-activation's bound is then found by substituting
// these lines and the affine layers backwards, from the neuron down to the input
// box, where a linear function's extremes are read off coefficient by
// coefficient. The bounds cost a few matrix-vector products per neuron, are never
// looser than interval propagation through the same bounds, and are usually much
// tighter, because the dependence of the layers on the same inputs is kept.

// symbolicNet is what the symbolic bounds need of a formulation: the affine
// layers lins, each but the last followed by the big-M ReLU f.relus[k].
type symbolicNet struct {
	lins   []*Linear
	lo, up []float64 // the input box
}

// symbolic returns f's network as a symbolicNet, or an error saying why the
// symbolic bounds do not apply: they need a network of Linear layers with a
// big-M ReLU between each two (a Flatten of a flat input is allowed, a last ReLU
// too), over an input variable of one sample with finite bounds.
func (f *Formulation) symbolic() (*symbolicNet, error) {
	if f.net == nil || f.input == nil {
		return nil, errors.New("the network's input is not a variable")
	}
	d := f.input.Domain()
	if len(d) != 2 || d[0].Len() != 1 {
		return nil, fmt.Errorf("input %q: want one sample of flat features, (1, n)", f.input.Name())
	}
	for i := range f.input.Lo {
		if math.IsInf(f.input.Lo[i], 0) || math.IsInf(f.input.Up[i], 0) {
			return nil, fmt.Errorf("input %q: element %d has infinite bounds", f.input.Name(), i)
		}
	}
	s := &symbolicNet{lo: f.input.Lo, up: f.input.Up}
	relu := 0 // ReLU layers seen
	for i, l := range f.net.Layers {
		switch l := l.(type) {
		case *Linear:
			if len(s.lins) > relu {
				return nil, fmt.Errorf("layer %d: two Linear layers without a ReLU between them", i)
			}
			s.lins = append(s.lins, l)
		case ReLU, *ReLU:
			if relu >= len(f.relus) || f.relus[relu].layer != i {
				return nil, fmt.Errorf("layer %d: the ReLU is not a big-M one", i)
			}
			if len(s.lins) != relu+1 {
				return nil, fmt.Errorf("layer %d: a ReLU that does not follow a Linear layer", i)
			}
			relu++
		case Flatten, *Flatten:
			// Formulate adds nothing for a flat input, the only kind allowed here.
		default:
			return nil, fmt.Errorf("layer %d (%s): only Linear, ReLU and Flatten layers have symbolic bounds", i, layerName(l))
		}
	}
	if len(s.lins) == 0 || relu != len(f.relus) {
		return nil, errors.New("no Linear layer, or ReLUs outside the pattern")
	}
	return s, nil
}

// bounds returns bounds of the outputs of s.lins[k] over the input box, the
// ReLUs before it relaxed over the bounds of their inputs pre[j] = (lo, up) of
// s.lins[j]'s output, j < k. Each bound is widened against rounding.
func (s *symbolicNet) bounds(k int, pre [][2][]float64) (lo, up []float64) {
	l := s.lins[k]
	lo, up = make([]float64, l.Out), make([]float64, l.Out)
	row := make([]float64, l.In)
	for o := range l.Out {
		c := 0.0
		if l.Bias != nil {
			c = l.Bias[o]
		}
		for sign, dst := range [2][]float64{lo, up} {
			copy(row, l.Weight[o*l.In:(o+1)*l.In])
			dst[o] = s.back(k, row, c, pre, sign == 1)
		}
	}
	return lo, up
}

// back bounds a·h + c, h the input of s.lins[k] (the ReLU output of layer k-1, or
// the network's input for k = 0), from above (upper) or below, by substituting
// the ReLU relaxations and the affine layers down to the input box. It reuses a.
func (s *symbolicNet) back(k int, a []float64, c float64, pre [][2][]float64, upper bool) float64 {
	for j := k - 1; j >= 0; j-- {
		// a weighs h = relu(z), z the output of s.lins[j]: rewrite it over z.
		zl, zu := pre[j][0], pre[j][1]
		for i, w := range a {
			l, u := zl[i], zu[i]
			switch {
			case w == 0 || u <= 0:
				a[i] = 0
			case l >= 0:
			default:
				// The line above (through (l, 0) and (u, u)) where it bounds the
				// sought direction, else the line below, α z.
				if (w > 0) == upper {
					sl := u / (u - l)
					a[i], c = w*sl, c-w*sl*l
				} else if u < -l {
					a[i] = 0
				}
			}
		}
		// z = W h' + b: a·z = (aᵀW)·h' + a·b.
		lin := s.lins[j]
		next := make([]float64, lin.In)
		for o, w := range a {
			if w == 0 {
				continue
			}
			if lin.Bias != nil {
				c += w * lin.Bias[o]
			}
			for i, v := range lin.Weight[o*lin.In : (o+1)*lin.In] {
				next[i] += w * v
			}
		}
		a = next
	}
	v, mag := c, math.Abs(c)
	for i, w := range a {
		x := s.lo[i]
		if (w > 0) == upper {
			x = s.up[i]
		}
		v += w * x
		mag += math.Abs(w * x)
	}
	// Rounding: well above the float64 error of the sums, far below any gain.
	tol := tightenMargin*(1+math.Abs(v)) + 1e-12*mag
	if upper {
		return v + tol
	}
	return v - tol
}

// SymbolicBound returns an upper bound of c·y over the input box, y the
// network's output, by the symbolic bounds through the ReLUs' current input
// bounds (those of Formulate, narrowed by TightenBounds). Verification uses it
// to prove a margin out[t] - out[label] below 0 without a MIP. It needs a
// network of Linear layers with big-M ReLUs between them that ends with a
// Linear layer, over one sample; otherwise it returns an error saying why.
func (f *Formulation) SymbolicBound(c []float64) (float64, error) {
	s, err := f.symbolic()
	if err != nil {
		return 0, fmt.Errorf("nn: SymbolicBound: %w", err)
	}
	k := len(s.lins) - 1
	if k != len(f.relus) {
		return 0, errors.New("nn: SymbolicBound: the network ends with a ReLU, not a Linear layer")
	}
	l := s.lins[k]
	if len(c) != l.Out {
		return 0, fmt.Errorf("nn: SymbolicBound: %d coefficients for %d outputs", len(c), l.Out)
	}
	a, b := make([]float64, l.In), 0.0
	for o, w := range c {
		if w == 0 {
			continue
		}
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return 0, fmt.Errorf("nn: SymbolicBound: coefficient %d is %g", o, w)
		}
		if l.Bias != nil {
			b += w * l.Bias[o]
		}
		for i, v := range l.Weight[o*l.In : (o+1)*l.In] {
			a[i] += w * v
		}
	}
	pre := make([][2][]float64, len(f.relus))
	for j, r := range f.relus {
		pre[j] = [2][]float64{r.in.Lo, r.in.Up}
	}
	return s.back(k, a, b, pre, true), nil
}
