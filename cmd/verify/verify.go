package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/activation"
	"github.com/nnopt/nnopt/nn"
)

// The verdicts of an image.
const (
	Robust         = "robust"
	Counterexample = "counterexample"
	Unknown        = "unknown"
)

// settings of the verification of one image.
type settings struct {
	Eps       float64       // L∞ radius in pixel units (pixels run over [0, 1])
	TimeLimit time.Duration // of each MIP; 0 for none
	Mean, Std float64       // the normalisation the network was trained with
	// Tighten narrows the ReLUs' bounds before the MIPs, beyond interval
	// propagation (nn.Formulation.TightenBounds): by symbolic bounds, then by
	// LP for the neurons that can still change sign. NoSymbolic and NoLP leave
	// out one of the two.
	Tighten          bool
	NoSymbolic, NoLP bool
	// TightenLimit is the time budget of the tightening LPs per image (0: none).
	TightenLimit time.Duration
	// Optimize maximises each margin to optimality, so that a robust image's
	// bound is the largest margin; otherwise each MIP only decides whether a
	// margin above decisionCutoff exists (Cbc's cutoff, stopping at the first
	// such solution), which is much faster and proves the bound decisionCutoff.
	Optimize bool
	// CheckGLPSOL has GLPK's glpsol solve the verdict's MIPs again from the
	// LP files nnopt writes (checkGLPSOL), with TimeLimit each.
	CheckGLPSOL bool
	// Formulation is the ReLUs' (-formulation): activation.ReLUBigM (binaries)
	// or activation.ReLUSOS1 (special ordered sets); the zero value is big-M,
	// since every bound is finite.
	Formulation activation.ReLUFormulation
}

// formulations are -formulation's values.
var formulations = map[string]activation.ReLUFormulation{"bigm": activation.ReLUBigM, "sos1": activation.ReLUSOS1}

// decisionCutoff is the margin a deciding MIP looks above: a MIP without a
// solution above it proves every margin below it (so below 0 despite Cbc's
// tolerances); a solution above it is checked by inference.
const decisionCutoff = -1e-4

// validate checks the settings, naming the command-line flag of each.
func (s settings) validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case !finite(s.Eps) || s.Eps < 0:
		return fmt.Errorf("-eps %g: want a finite radius, 0 or above, in pixel units", s.Eps)
	case s.TimeLimit < 0:
		return fmt.Errorf("-time-limit %v: want 0 (no limit) or a positive duration", s.TimeLimit)
	case s.TightenLimit < 0:
		return fmt.Errorf("-tighten-limit %v: want 0 (no limit) or a positive duration", s.TightenLimit)
	case s.Formulation != activation.ReLUAuto && s.Formulation != activation.ReLUBigM && s.Formulation != activation.ReLUSOS1:
		return fmt.Errorf("-formulation %v: want bigm or sos1", s.Formulation)
	case s.CheckGLPSOL && s.Formulation == activation.ReLUSOS1:
		return errors.New("-check-glpsol with -formulation sos1: glpsol reads no SOS section of an LP file; check with -formulation bigm")
	case !finite(s.Mean):
		return fmt.Errorf("normalisation mean %g: want a finite number", s.Mean)
	case !finite(s.Std) || s.Std <= 0:
		return fmt.Errorf("normalisation std %g: want a finite number above 0", s.Std)
	}
	return nil
}

// target is the MIP of one other class t: the largest out[t] - out[label] over
// the input box.
type target struct {
	Class         int     `json:"class"`
	Status        string  `json:"status"`         // the model status after Cbc
	Objective     number  `json:"objective"`      // the best margin found (null without a solution)
	Bound         number  `json:"bound"`          // the proved upper bound on the margin (null without one)
	Nodes         int     `json:"nodes"`          // branch-and-bound nodes
	Seconds       float64 `json:"seconds"`        // the solve's wall time
	SolverSeconds float64 `json:"solver_seconds"` // of which in Cbc
	Confirmed     *bool   `json:"confirmed"`      // for a positive margin: whether inference flips the class
	Prediction    *int    `json:"prediction"`     // inference's class at the MIP's input, when it was run
	Inference     number  `json:"inference"`      // inference's out[t] - out[label] there
	Note          string  `json:"note,omitempty"`
	x             []float64
	proved        bool // no margin of 0 or above: Bound < 0
}

// verdict of one image.
type verdict struct {
	Index   int    `json:"index"`
	Label   int    `json:"label"`
	Verdict string `json:"verdict"`
	// Bound is the largest of the proved upper bounds on out[t] - out[label] over
	// the targets (robust: every one below 0); for a counterexample the margin
	// out[class] - out[label] the network gives there; for unknown the largest
	// bound when every target has one, else null.
	Bound number `json:"bound"`
	// Class is the network's prediction at the counterexample, and Found how it
	// was found: "clean image" (misclassified), "gradient corner" (the box's corner
	// a gradient sign points to, tried before the MIPs) or "MIP".
	Class    *int     `json:"class,omitempty"`
	Found    string   `json:"found,omitempty"`
	Reason   string   `json:"reason,omitempty"` // why unknown
	Seconds  float64  `json:"seconds"`
	Unstable int      `json:"unstable"` // ReLU neurons whose bounds let them change sign (binaries)
	Targets  []target `json:"targets,omitempty"`
	// Input is the counterexample, in pixel units, with -save-inputs.
	Input []float64 `json:"input,omitempty"`
	// Tightening is what LP bound tightening did, with -tighten.
	Tightening *tightening `json:"tightening,omitempty"`
	// GLPSOL is glpsol's check of the verdict, with -check-glpsol.
	GLPSOL *glpsolCheck `json:"glpsol,omitempty"`
}

// tightening is what LP bound tightening (nn.Formulation.TightenBounds) did to
// one image's embedding.
type tightening struct {
	Stable int `json:"stable"` // neurons that could change sign over the intervals and cannot after
	// SymbolicStable counts those of Stable that the symbolic bounds made
	// stable, before any LP.
	SymbolicStable int `json:"symbolic_stable"`
	// SpreadBefore and SpreadAfter are Σ (U - L) over the neurons that can
	// change sign, before and after: the big-M constants' total.
	SpreadBefore float64 `json:"m_before"`
	SpreadAfter  float64 `json:"m_after"`
	LPs          int     `json:"lps"`
	Seconds      float64 `json:"seconds"`
}

// verifier checks images against one network.
type verifier struct {
	net     *nn.Sequential
	classes int
	set     settings
}

func newVerifier(net *nn.Sequential, pixels int, set settings) (*verifier, error) {
	if err := set.validate(); err != nil {
		return nil, err
	}
	if err := nn.CheckFinite(net.StateDict()); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	classes, err := net.OutSize(pixels)
	if err != nil {
		return nil, err
	}
	if classes < 2 {
		return nil, fmt.Errorf("the network has %d outputs; verification needs at least 2 classes", classes)
	}
	return &verifier{net: net, classes: classes, set: set}, nil
}

// box returns the normalised image and the bounds of the input box: pixel p
// (bytes/255) moves over [max(0, p-eps), min(1, p+eps)].
func (v *verifier) box(pixels []uint8) (x, lo, up []float64) {
	n := len(pixels)
	x, lo, up = make([]float64, n), make([]float64, n), make([]float64, n)
	norm := func(p float64) float64 { return (p - v.set.Mean) / v.set.Std }
	for i, b := range pixels {
		p := float64(b) / 255
		x[i] = norm(p)
		lo[i] = math.Min(x[i], norm(math.Max(0, p-v.set.Eps)))
		up[i] = math.Max(x[i], norm(math.Min(1, p+v.set.Eps)))
	}
	return x, lo, up
}

// verify decides whether every image in the box around pixels keeps the class
// label (decide), and with settings.CheckGLPSOL has glpsol check the verdict.
func (v *verifier) verify(ctx context.Context, index int, pixels []uint8, label int) (verdict, error) {
	res, e, err := v.decide(ctx, index, pixels, label)
	if err != nil || !v.set.CheckGLPSOL {
		return res, err
	}
	x0, lo, up := v.box(pixels)
	if e == nil || (v.set.Tighten && !v.set.NoSymbolic) {
		// glpsol's MIPs get bounds that do not depend on the symbolic bounds
		// (LP tightening alone, as settings.NoSymbolic), so that the check
		// covers the margins those proved as well; the verdict's report keeps
		// what the verdict needed.
		w := *v
		w.set.NoSymbolic = true
		if e, err = w.embed(ctx, x0, lo, up); err != nil {
			return res, err
		}
	}
	others := make([]int, 0, v.classes-1)
	for t := range v.classes {
		if t != label {
			others = append(others, t)
		}
	}
	res.GLPSOL, err = v.checkGLPSOL(ctx, e, res, others, lo, up)
	if err != nil {
		err = fmt.Errorf("-check-glpsol: %w", err)
	}
	return res, err
}

// decide decides whether every image in the box around pixels keeps the class
// label: the clean image first, then the gradient corners (corner), then one MIP
// per other class, the classes with the highest clean outputs first; it stops at
// the first confirmed counterexample. It returns the embedding when it made one.
func (v *verifier) decide(ctx context.Context, index int, pixels []uint8, label int) (res verdict, e *embedding, err error) {
	start := time.Now()
	res = verdict{Index: index, Label: label, Bound: number(math.NaN())}
	defer func() { res.Seconds = time.Since(start).Seconds() }()
	if label < 0 || label >= v.classes {
		return res, e, fmt.Errorf("image %d: label %d is not one of the network's %d classes", index, label, v.classes)
	}
	x0, lo, up := v.box(pixels)
	clean, err := v.net.Forward(x0, 1)
	if err != nil {
		return res, e, err
	}
	if p := argmax(clean); p != label {
		res.Verdict, res.Found, res.Class, res.Bound = Counterexample, "clean image", &p, number(clean[p]-clean[label])
		res.Input = v.pixels(x0)
		return res, e, nil
	}

	e, err = v.embed(ctx, x0, lo, up)
	if err != nil {
		return res, e, err
	}
	res.Unstable = e.f.Unstable - e.tight.Stable
	if v.set.Tighten {
		res.Tightening = &e.tight
	}
	others := make([]int, 0, v.classes-1)
	for t := range v.classes {
		if t != label {
			others = append(others, t)
		}
	}
	sort.SliceStable(others, func(i, j int) bool { return clean[others[i]] > clean[others[j]] })

	if x, p, err := v.corner(x0, lo, up, label, others); err != nil {
		return res, e, err
	} else if x != nil {
		y, err := v.net.Forward(x, 1)
		if err != nil {
			return res, e, err
		}
		res.Verdict, res.Found, res.Class, res.Bound = Counterexample, "gradient corner", &p, number(y[p]-y[label])
		res.Input = v.pixels(x)
		return res, e, nil
	}

	if v.deferLP() {
		// The LPs only when the symbolic bounds leave a margin unproved.
		for _, t := range others {
			if _, ok, err := v.symbolic(e, t, label); err != nil {
				return res, e, err
			} else if !ok {
				if err := v.tighten(ctx, e, false); err != nil {
					return res, e, err
				}
				res.Unstable = e.f.Unstable - e.tight.Stable
				break
			}
		}
	}
	proved, bounded := true, true
	worst := math.Inf(-1) // the largest proved bound
	var reasons []string
	for _, t := range others {
		tg, ok, err := v.symbolic(e, t, label)
		if err != nil {
			return res, e, err
		}
		if !ok {
			m, err := e.margin(t, label)
			if err != nil {
				return res, e, err
			}
			copy(e.x.L, x0)
			tg, err = v.solve(ctx, m, e.x, t, label, lo, up)
			res.Targets = append(res.Targets, tg)
			if err != nil {
				return res, e, err
			}
		} else {
			res.Targets = append(res.Targets, tg)
		}
		if tg.Confirmed != nil && *tg.Confirmed {
			res.Verdict, res.Found, res.Class, res.Bound = Counterexample, "MIP", tg.Prediction, tg.Inference
			res.Input = v.pixels(tg.x)
			return res, e, nil
		}
		b := float64(tg.Bound)
		if math.IsNaN(b) {
			bounded = false
		} else {
			worst = math.Max(worst, b)
		}
		if !tg.proved {
			proved = false
			reasons = append(reasons, fmt.Sprintf("class %d: %s", t, tg.Note))
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		res.Verdict, res.Reason = Unknown, "interrupted"
		return res, e, err
	}
	if proved {
		res.Verdict, res.Bound = Robust, number(worst)
		return res, e, nil
	}
	res.Verdict = Unknown
	if bounded {
		res.Bound = number(worst)
	}
	res.Reason = strings.Join(reasons, "; ")
	return res, e, nil
}

// embedding is the network written into a container over one input box.
type embedding struct {
	c     *nnopt.Container
	x     *nnopt.Variable // the input, (1, pixels), boxed
	f     *nn.Formulation
	tight tightening // what tightening did (settings.Tighten)
}

// embed writes the network with fixed weights over the input x in [lo, up],
// starting at x0; the ReLUs that can change sign over the box get binaries (or
// sets, settings.Formulation).
func (v *verifier) embed(ctx context.Context, x0, lo, up []float64) (*embedding, error) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(1, len(x0))...)
	copy(x.L, x0)
	copy(x.Lo, lo)
	copy(x.Up, up)
	f, err := nn.Formulate(c, v.net, x, nn.FormulateSettings{Weights: nn.FixedWeights, ReLU: v.set.Formulation})
	if err != nil {
		return nil, err
	}
	if d := f.Output.Domain(); len(d) != 2 || d[1].Len() != v.classes {
		return nil, fmt.Errorf("network output over %d dimensions, want (1, %d classes)", len(d), v.classes)
	}
	e := &embedding{c: c, x: x, f: f}
	if v.set.Tighten {
		if err := v.tighten(ctx, e, v.set.NoLP || v.deferLP()); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// deferLP says whether the tightening LPs wait until the symbolic bounds fail to
// prove a margin (decide): they are the expensive part, and at small radii the
// symbolic bounds alone prove every margin.
func (v *verifier) deferLP() bool {
	return v.set.Tighten && !v.set.NoSymbolic && !v.set.NoLP && !v.set.Optimize
}

// tighten narrows e's ReLU bounds (nn.Formulation.TightenBounds), by LP as well
// unless noLP, and adds what it did to e.tight.
func (v *verifier) tighten(ctx context.Context, e *embedding, noLP bool) error {
	began := time.Now()
	rep, err := e.f.TightenBounds(ctx, e.c, nn.TightenSettings{TimeLimit: v.set.TightenLimit, NoSymbolic: v.set.NoSymbolic, NoLP: noLP})
	if err != nil {
		return fmt.Errorf("tightening the bounds: %w", err)
	}
	if rep.NoSymbolic != "" {
		return fmt.Errorf("tightening the bounds: no symbolic bounds for this network (%s); -symbolic=false tightens by LP alone", rep.NoSymbolic)
	}
	t := &e.tight
	if t.LPs == 0 && t.Seconds == 0 {
		t.SpreadBefore = rep.SpreadBefore
	}
	t.Stable += rep.Stable
	t.SymbolicStable += rep.SymbolicStable
	t.SpreadAfter = rep.SpreadAfter
	t.LPs += rep.LPs
	t.Seconds += time.Since(began).Seconds()
	return nil
}

// symbolicStatus is a target's Status when its symbolic bound proves it, without
// a MIP.
const symbolicStatus = "symbolic bound"

// symbolic proves out[t] - out[label] < 0 over the box, when it can, by the
// symbolic bound through the tightened ReLU bounds (nn.Formulation.SymbolicBound):
// with settings.Tighten and the symbolic bounds on, and not with
// settings.Optimize (whose bounds are the MIPs' optima). ok says whether it did.
func (v *verifier) symbolic(e *embedding, t, label int) (tg target, ok bool, err error) {
	if !v.set.Tighten || v.set.NoSymbolic || v.set.Optimize {
		return tg, false, nil
	}
	c := make([]float64, v.classes)
	c[t], c[label] = 1, -1
	b, err := e.f.SymbolicBound(c)
	if err != nil || !(b < 0) {
		return tg, false, err
	}
	return target{Class: t, Status: symbolicStatus, Objective: number(math.NaN()), Bound: number(b), Inference: number(math.NaN()),
		Note: fmt.Sprintf("symbolic bound %.6g below 0", b), proved: true}, true, nil
}

// margin is the MIP that maximises out[t] - out[label] over the box.
func (e *embedding) margin(t, label int) (*nnopt.Model, error) {
	out := e.f.Output
	return e.c.NewModel("margin"+strconv.Itoa(t), nnopt.ModelSpec{Equations: e.f.Equations, Problem: nnopt.MIP,
		Sense: nnopt.Maximize, Objective: nnopt.Sub(out.Elem("0", strconv.Itoa(t)), out.Elem("0", strconv.Itoa(label)))})
}

// solve maximises out[t] - out[label], or with settings.Optimize false decides
// whether it exceeds decisionCutoff, and judges the answer: the proved bound
// (Cbc's best bound, the optimum when Cbc proved it, or decisionCutoff when no
// solution passes it), and for a margin above decisionCutoff whether nn's
// inference at the MIP's input, clipped to the box, predicts another class than
// label.
func (v *verifier) solve(ctx context.Context, m *nnopt.Model, x *nnopt.Variable, t, label int, lo, up []float64) (target, error) {
	tg := target{Class: t, Objective: number(math.NaN()), Bound: number(math.NaN()), Inference: number(math.NaN())}
	opt := nnopt.Options{TimeLimit: v.set.TimeLimit}
	if !v.set.Optimize {
		opt.MIP = nnopt.MIPOptions{UseCutoff: true, Cutoff: decisionCutoff, SolutionLimit: 1}
	}
	err := m.Solve(ctx, opt)
	tg.Status, tg.Nodes, tg.Seconds, tg.SolverSeconds = m.Status.String(), m.NumNodes, m.TotalSolveTime, m.SolveModelTime
	if err != nil && ctx.Err() == nil {
		return tg, fmt.Errorf("class %d: %w", t, err)
	}
	found := m.Status == nnopt.StatusOptimal || m.Status == nnopt.StatusInteger
	if found {
		tg.Objective = number(m.ObjectiveValue)
	}
	switch bound := m.ObjectiveEstimate; {
	case !v.set.Optimize && m.Status == nnopt.StatusIntegerInfeasible:
		tg.Bound = decisionCutoff
	case m.Status == nnopt.StatusOptimal && v.set.Optimize && !math.IsNaN(bound):
		tg.Bound = number(math.Max(bound, m.ObjectiveValue))
	case m.Status == nnopt.StatusOptimal && v.set.Optimize:
		tg.Bound = number(m.ObjectiveValue)
	case !math.IsNaN(bound) && !math.IsInf(bound, 0) && bound >= m.ObjectiveValue:
		tg.Bound = number(bound)
	}
	tg.proved = tg.Bound < 0
	switch {
	case !v.set.Optimize && m.Status == nnopt.StatusIntegerInfeasible:
		tg.Note = fmt.Sprintf("no margin above %g", decisionCutoff)
	case m.Status == nnopt.StatusOptimal && v.set.Optimize:
		tg.Note = fmt.Sprintf("largest margin %.6g", m.ObjectiveValue)
	case found:
		tg.Note = fmt.Sprintf("%v (%v) with margin %.6g, bound %.6g not below 0", m.Status, m.SolveStatus, m.ObjectiveValue, float64(tg.Bound))
	default:
		tg.Note = fmt.Sprintf("%v (%v): no bound proved", m.Status, m.SolveStatus)
	}
	if !found || m.ObjectiveValue <= decisionCutoff {
		return tg, nil
	}
	// A positive margin: check it with the network's own float64 inference.
	tg.x = slices.Clone(x.L)
	for i := range tg.x {
		tg.x[i] = math.Min(math.Max(tg.x[i], lo[i]), up[i])
	}
	y, err := v.net.Forward(tg.x, 1)
	if err != nil {
		return tg, err
	}
	p := argmax(y)
	ok := p != label
	tg.Confirmed, tg.Prediction, tg.Inference = &ok, &p, number(y[t]-y[label])
	if !ok {
		tg.Note = fmt.Sprintf("the MIP's margin %.6g at its input is not confirmed: inference predicts the label %d there (margin %.6g)", m.ObjectiveValue, label, y[t]-y[label])
	}
	return tg, nil
}

// corner looks for a counterexample without a MIP: for each class t in order, the
// corner of the box that the gradient of out[t] - out[label] at x0 points to (a
// fast gradient sign step to the box's edge), classified by inference. It
// returns the first corner classified otherwise than label, and its class.
func (v *verifier) corner(x0, lo, up []float64, label int, classes []int) ([]float64, int, error) {
	x := make([]float64, len(x0))
	for _, t := range classes {
		g := gradient(v.net, x0, t, label)
		for i := range x {
			x[i] = lo[i]
			if g[i] > 0 {
				x[i] = up[i]
			}
		}
		y, err := v.net.Forward(x, 1)
		if err != nil {
			return nil, 0, err
		}
		if p := argmax(y); p != label {
			return x, p, nil
		}
	}
	return nil, 0, nil
}

// gradient returns d(out[c] - out[label])/dx at x of a network of Linear layers
// with ReLU between them (reluNetwork's), through its activation pattern at x.
func gradient(net *nn.Sequential, x []float64, c, label int) []float64 {
	var lins []*nn.Linear
	for _, l := range net.Layers {
		if l, ok := l.(*nn.Linear); ok {
			lins = append(lins, l)
		}
	}
	// The forward pass, keeping each hidden layer's pre-activations.
	a := x
	var pre [][]float64
	for k, l := range lins {
		z := make([]float64, l.Out)
		for o := range z {
			for i, w := range l.Weight[o*l.In : (o+1)*l.In] {
				z[o] += w * a[i]
			}
			if l.Bias != nil {
				z[o] += l.Bias[o]
			}
		}
		if k == len(lins)-1 {
			break
		}
		pre = append(pre, z)
		a = make([]float64, len(z))
		for i, v := range z {
			a[i] = math.Max(v, 0)
		}
	}
	// The backward pass from e_c - e_label.
	last := lins[len(lins)-1]
	g := make([]float64, last.Out)
	g[c], g[label] = 1, -1
	for k := len(lins) - 1; k >= 0; k-- {
		l := lins[k]
		in := make([]float64, l.In)
		for o, d := range g {
			for i, w := range l.Weight[o*l.In : (o+1)*l.In] {
				in[i] += w * d
			}
		}
		if k > 0 {
			for i, z := range pre[k-1] {
				if z <= 0 {
					in[i] = 0
				}
			}
		}
		g = in
	}
	return g
}

// pixels returns a normalised image in pixel units.
func (v *verifier) pixels(x []float64) []float64 {
	p := make([]float64, len(x))
	for i, z := range x {
		p[i] = z*v.set.Std + v.set.Mean
	}
	return p
}

func argmax(y []float64) int {
	best := 0
	for i, v := range y {
		if v > y[best] {
			best = i
		}
	}
	return best
}
