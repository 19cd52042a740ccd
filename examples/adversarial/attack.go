package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nn"
)

// settings of one attack.
type settings struct {
	EpsMax    float64 // largest L∞ radius tried, in pixel units (pixels run over [0, 1])
	Tol       float64 // bisection stops when the bracket is this narrow (pixel units)
	IterLimit int     // per solve; 0 for none
	GradTol   float64 // the solver's reduced-gradient tolerance; 0 for its default
	Mean, Std float64 // the normalisation the network was trained with
}

// validate checks the settings, naming the command-line flag of each, so that main
// rejects a bad flag before reading any file and attack rejects the same settings
// from a test. An infinite radius would bisect forever (its midpoint is +Inf again)
// and a NaN one would compare false with everything.
func (s settings) validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case !finite(s.EpsMax) || s.EpsMax <= 0:
		return fmt.Errorf("-eps-max %g: want a finite radius above 0, in pixel units", s.EpsMax)
	case !finite(s.Tol) || s.Tol <= 0:
		return fmt.Errorf("-tol %g: want a finite tolerance above 0, in pixel units", s.Tol)
	case s.IterLimit < 0:
		return fmt.Errorf("-iterlim %d: want 0 (no limit) or a positive iteration limit", s.IterLimit)
	case !finite(s.GradTol) || s.GradTol < 0:
		return fmt.Errorf("-gradtol %g: want a finite tolerance, 0 or above (0 for the solver's default)", s.GradTol)
	case !finite(s.Mean):
		return fmt.Errorf("normalisation mean %g: want a finite number", s.Mean)
	case !finite(s.Std) || s.Std <= 0:
		return fmt.Errorf("normalisation std %g: want a finite number above 0", s.Std)
	}
	return nil
}

// maxHalvings bounds the bisection. Sixty halvings narrow the bracket by 2^-60,
// more than the 53 bits of a float64 radius resolve, so a tolerance too small to
// reach ends here (or earlier, when the midpoint meets an endpoint) instead of
// repeating identical solves.
const maxHalvings = 60

// bisect narrows [lo, hi], where flips(hi) is true and flips(lo) is taken to be
// false, until it is at most tol wide, calling flips once per radius and never twice
// for one radius. It returns the final bracket and, when it stopped before reaching
// tol, why: the midpoint rounded to an endpoint, or maxHalvings were spent. It
// returns early, with the bracket so far, on an error or when ctx is done.
func bisect(ctx context.Context, lo, hi, tol float64, flips func(eps float64) (bool, error)) (float64, float64, string, error) {
	for n := 0; hi-lo > tol; n++ {
		if err := ctx.Err(); err != nil {
			return lo, hi, "", nil
		}
		if n == maxHalvings {
			return lo, hi, fmt.Sprintf("stopped after %d halvings: the bracket [%g, %g] is still wider than -tol %g", maxHalvings, lo, hi, tol), nil
		}
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			return lo, hi, fmt.Sprintf("stopped at the float64 resolution: the bracket [%g, %g] has no midpoint, yet is wider than -tol %g", lo, hi, tol), nil
		}
		ok, err := flips(mid)
		if err != nil {
			return lo, hi, "", err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo, hi, "", nil
}

// solve is one local NLP solve at radius Eps.
type solve struct {
	Eps     float64
	Status  nnopt.ModelStatus
	Solve   nnopt.SolveStatus
	Iters   int
	Margin  float64 // the smallest of the targeted margins at the solution
	Digit   int     // the network's prediction for that row's perturbed image
	Flipped bool    // some row's prediction differs from the original one
	Elapsed time.Duration
}

// result of an attack. Eps is the smallest radius at which a solve found a
// flip (an upper bound on the true minimum: the solves are local); Perturbed is
// that flipped image, normalised like the input.
type result struct {
	Pred, Digit int
	Eps, LInf   float64 // the bisection radius and ‖δ‖∞ of Perturbed, pixel units
	Perturbed   []float64
	Solves      []solve
	// Stopped says why the bisection ended before its bracket narrowed to Tol (see
	// bisect); empty when it reached Tol, was cancelled, or found no flip.
	Stopped string
}

// attacker is the embedding model, built once and re-solved for each radius:
// x holds one copy of the image per target class t ≠ pred, each free inside its
// own box, and the objective is the sum of the targeted margins
// out[r, pred] - out[r, t_r]. The rows do not interact, so minimising the sum
// minimises every margin: one solve tries all targets.
type attacker struct {
	net     *nn.Sequential
	image   []float64
	pred    int
	targets []int
	x       *nnopt.Variable
	out     *nnopt.Variable
	model   *nnopt.Model
	set     settings
}

// attack looks for the smallest L∞ perturbation of image (one normalised sample
// laid out as shape, such as (784) or (1, 28, 28)) that changes net's predicted
// class, bisecting on the radius with a local solve at each radius.
func attack(ctx context.Context, net *nn.Sequential, shape []int, image []float64, set settings) (*result, error) {
	if err := set.validate(); err != nil {
		return nil, err
	}
	a, err := newAttacker(net, shape, image, set)
	if err != nil {
		return nil, err
	}
	res := &result{Pred: a.pred, Digit: a.pred}
	try := func(eps float64) (bool, error) {
		s, x, err := a.solveAt(ctx, eps)
		if err != nil {
			return false, err
		}
		res.Solves = append(res.Solves, s)
		if s.Flipped {
			res.Eps, res.Digit, res.Perturbed = eps, s.Digit, x
		}
		return s.Flipped, nil
	}
	if ok, err := try(set.EpsMax); err != nil || !ok {
		return res, err
	}
	if _, _, res.Stopped, err = bisect(ctx, 0, set.EpsMax, set.Tol, try); err != nil {
		return res, err
	}
	for i, v := range res.Perturbed {
		res.LInf = math.Max(res.LInf, math.Abs(v-image[i%len(image)])*set.Std)
	}
	return res, nil
}

func newAttacker(net *nn.Sequential, shape []int, image []float64, set settings) (*attacker, error) {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if len(image) != n {
		return nil, fmt.Errorf("image has %d values, want %d for shape %v", len(image), n, shape)
	}
	for i, v := range image {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("image value %d is %g; want a finite number", i, v)
		}
	}
	if err := nn.CheckFinite(net.StateDict()); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	p, err := net.Predict(image, 1)
	if err != nil {
		return nil, err
	}
	classes, err := net.OutSize(n)
	if err != nil {
		return nil, err
	}
	if classes < 2 {
		return nil, fmt.Errorf("the network has %d outputs; a flip needs at least 2 classes", classes)
	}
	a := &attacker{net: net, image: image, pred: p[0], set: set}
	for t := 0; t < classes; t++ {
		if t != a.pred {
			a.targets = append(a.targets, t)
		}
	}
	rows := len(a.targets)
	c := nnopt.NewContainer()
	a.x = c.NewVariable("x", nnopt.Free, c.Dims(append([]int{rows}, shape...)...)...)
	for r := 0; r < rows; r++ {
		copy(a.x.L[r*n:], image)
	}
	// ReLU layers enter as y = max(x, 0): the attack is a local search (a DNLP),
	// not a proof, so no binaries.
	f, err := nn.Formulate(c, net, a.x, nn.FormulateSettings{Weights: nn.FixedWeights, ReLU: activation.ReLUMax})
	if err != nil {
		return nil, err
	}
	a.out = f.Output
	if d := a.out.Domain(); len(d) != 2 || d[0].Len() != rows || d[1].Len() != classes {
		return nil, fmt.Errorf("network output over %d dimensions, want (batch, %d classes)", len(d), classes)
	}
	predSet := c.NewSubset("pred", a.out.Domain()...)
	targetSet := c.NewSubset("target", a.out.Domain()...)
	var pt, tt [][]int
	for r, t := range a.targets {
		pt = append(pt, []int{r, a.pred})
		tt = append(tt, []int{r, t})
	}
	if err := errors.Join(predSet.SetMembers(pt...), targetSet.SetMembers(tt...)); err != nil {
		return nil, err
	}
	margin := c.NewVariable("margin", nnopt.Free)
	def := c.NewEquation("calc_margin")
	if err := def.Define(nnopt.Eq(margin, nnopt.Sub(nnopt.SumIn(predSet, a.out), nnopt.SumIn(targetSet, a.out)))); err != nil {
		return nil, err
	}
	a.model, err = c.NewModel("attack", nnopt.ModelSpec{Equations: append(slices.Clone(f.Equations), def), Problem: nnopt.DNLP, Sense: nnopt.Minimize, Objective: margin})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// solveAt minimises the margins over the box |δ| ≤ eps (pixel units) that also
// keeps every pixel in [0, 1], from δ = 0, and checks every row with the
// network's own inference. It returns the flipped image with the lowest margin.
func (a *attacker) solveAt(ctx context.Context, eps float64) (solve, []float64, error) {
	n := len(a.image)
	lo, up := (0-a.set.Mean)/a.set.Std, (1-a.set.Mean)/a.set.Std
	e := eps / a.set.Std
	for r := range a.targets {
		for i, v := range a.image {
			k := r*n + i
			a.x.L[k] = v
			a.x.Lo[k] = math.Min(v, math.Max(v-e, lo))
			a.x.Up[k] = math.Max(v, math.Min(v+e, up))
		}
	}
	start := time.Now()
	if err := a.model.Solve(ctx, nnopt.Options{IterationLimit: a.set.IterLimit, GradientTolerance: a.set.GradTol, Method: nlpsolve.LBFGS}); err != nil {
		return solve{}, nil, err
	}
	s := solve{Eps: eps, Status: a.model.Status, Solve: a.model.SolveStatus, Iters: a.model.NumIterations, Margin: math.Inf(1), Digit: a.pred, Elapsed: time.Since(start)}
	pred, err := a.net.Predict(a.x.L, len(a.targets))
	if err != nil {
		return solve{}, nil, err
	}
	classes := len(a.targets) + 1
	best := -1
	for r, t := range a.targets {
		m := a.out.L[r*classes+a.pred] - a.out.L[r*classes+t]
		s.Margin = math.Min(s.Margin, m)
		if pred[r] != a.pred && (best < 0 || m < a.out.L[best*classes+a.pred]-a.out.L[best*classes+a.targets[best]]) {
			best = r
		}
	}
	if best < 0 {
		return s, nil, nil
	}
	s.Flipped, s.Digit = true, pred[best]
	return s, slices.Clone(a.x.L[best*n : (best+1)*n]), nil
}
