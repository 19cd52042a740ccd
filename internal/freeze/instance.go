package freeze

import (
	"fmt"
	"slices"

	"github.com/nnopt/nnopt/internal/engine"
	"github.com/nnopt/nnopt/nlpsolve"
)

// Instance is what a frozen model keeps of its compiled instance besides the blocks
// and the solver's problem: the modifiables, the levels the next solve starts from,
// and the sensitivity blocks that give the modifiable parameters' marginals.
type Instance struct {
	Mods []*Mod
	// Lev are the instance's levels per variable block; nil for a variable that an
	// equation defines (the solver's forward sweep computes it from the others).
	Lev [][]float64
	// ParamData are the modifiable parameters' data in the instance, in order.
	ParamData [][]float64
	// Sens are the equations that read a modifiable parameter, compiled with the
	// parameters as variable blocks after the instance's own.
	Sens  []Sens
	SensX [][]float64 // point of the sensitivity blocks: instance variables, then ParamData
	SensG [][]float64 // their adjoints (nil for blocks no sensitivity block reads)
}

// Sens is the sensitivity block of one equation.
type Sens struct {
	Eq    int // index of the equation's block in the instance
	Block *engine.Block
	r, w  []float64
}

// Kind is the attribute a modifiable attribute is.
type Kind int

// Attribute kinds.
const (
	Level Kind = iota
	Lower
	Upper
	Fixed // lower = upper = level
)

// Param is a modifiable parameter.
type Param struct {
	Handle any  // how the blocks' references name it (engine.Node.Param)
	Mod    *Mod // Name, Data and Element set; Keep sets the rest
}

// Attr is a modifiable attribute of a variable.
type Attr struct {
	VB   int    // the variable's block; -1 when it is not part of the model
	Var  string // the variable's name
	Kind Kind
	// Lo and Up are the default bounds of the variable's type.
	Lo, Up float64
	Mod    *Mod // Name, Data, Element and for Fixed Bounds set; Keep sets the rest
}

// Spec is what Keep makes the kept state of: a compiled model and its modifiables.
type Spec struct {
	Blocks  []*engine.Block
	Problem *nlpsolve.Problem
	Levels  [][]float64 // the variables' levels, per variable block
	Params  []Param
	Attrs   []Attr
	// Data returns the values behind a reference's handle when the instance is to
	// read them as data fixed at Keep (a parameter that is not modifiable), and
	// false for any other handle.
	Data func(handle any) ([]float64, bool)
	// Compile compiles the block of equation eq with the modifiable parameters as
	// variable blocks after the instance's own, in order.
	Compile func(eq int) (*engine.Block, error)
}

// Keep makes the instance of s its own and returns what a frozen model keeps of it.
// The problem's variables get bounds of their own, and the blocks' references to
// data read buffers of their own: copies taken now, and for each modifiable
// parameter its ParamData. Keep changes s's blocks and problem also when it fails: a
// parameter no equation reads, an attribute of a variable outside the model, or an
// error of Compile.
func Keep(s Spec) (*Instance, error) {
	p := s.Problem
	nv := len(s.Levels)
	in := &Instance{}
	// Levels: the instance keeps those of the variables no equation defines (and of
	// modifiable levels); a defined variable's level follows from the others in the
	// solver's forward sweep, so its container level is left as it is, which saves
	// two copies of every layer's activations per solve.
	defined := make([]bool, nv)
	for _, e := range p.Equations {
		if e.Defines >= 0 {
			defined[e.Defines] = true
		}
	}
	for _, a := range s.Attrs {
		if (a.Kind == Level || a.Kind == Fixed) && a.VB >= 0 {
			defined[a.VB] = false
		}
	}
	in.Lev = make([][]float64, nv)
	for i := range p.Vars {
		p.Vars[i].Lo, p.Vars[i].Up = slices.Clone(p.Vars[i].Lo), slices.Clone(p.Vars[i].Up)
		if !defined[i] {
			in.Lev[i] = slices.Clone(s.Levels[i])
		}
	}
	// Data: modifiable parameters read their ParamData, other data a copy taken now.
	modParam := map[any]int{}
	bufs := map[any][]float64{}
	in.ParamData = make([][]float64, len(s.Params))
	for j, q := range s.Params {
		modParam[q.Handle] = j
		in.ParamData[j] = slices.Clone(q.Mod.Data())
		bufs[q.Handle] = in.ParamData[j]
	}
	retarget := func(b *engine.Block) {
		for _, n := range b.Nodes() {
			if n.Op != engine.OpRef || n.Param == nil {
				continue
			}
			buf, ok := bufs[n.Param]
			if !ok {
				vals, data := s.Data(n.Param)
				if !data {
					continue
				}
				buf = slices.Clone(vals)
				bufs[n.Param] = buf
			}
			n.Val = buf
		}
	}
	uses := make([]bool, len(s.Params))
	for k, b := range s.Blocks {
		retarget(b)
		reads := false
		for _, n := range b.Nodes() {
			if j, ok := modParam[n.Param]; ok && n.Op == engine.OpRef {
				uses[j], reads = true, true
			}
		}
		if reads {
			in.Sens = append(in.Sens, Sens{Eq: k})
		}
	}
	for j, q := range s.Params {
		if !uses[j] {
			return nil, fmt.Errorf("modifiable parameter %q is not used by any of its equations", q.Mod.Name)
		}
	}
	for _, a := range s.Attrs {
		if a.VB < 0 {
			return nil, fmt.Errorf("modifiable %s: variable %q is not part of the model", a.Mod.Name, a.Var)
		}
	}
	acts := active(s)
	all := func(a []bool) []bool {
		for _, on := range a {
			if !on {
				return a
			}
		}
		return nil
	}
	for j, q := range s.Params {
		md := q.Mod
		md.Act, md.Cur, md.Base = all(acts[q.Handle]), in.ParamData[j], slices.Clone(in.ParamData[j])
		in.Mods = append(in.Mods, md)
	}
	for _, a := range s.Attrs {
		act := acts[a.VB]
		if a.VB == p.Objective {
			act = nil
		} else if act == nil {
			act = make([]bool, len(s.Levels[a.VB])) // no active row reads it
		}
		md := a.Mod
		md.Act = all(act)
		pv := p.Vars[a.VB]
		switch a.Kind {
		case Level:
			md.Cur, md.Def = in.Lev[a.VB], 0
		case Lower:
			md.Cur, md.Def = pv.Lo, a.Lo
		case Upper:
			md.Cur, md.Def = pv.Up, a.Up
		case Fixed:
			md.Cur, md.CurUp, md.Lev = pv.Lo, pv.Up, in.Lev[a.VB]
			md.BaseUp, md.DefLo, md.DefUp = slices.Clone(pv.Up), a.Lo, a.Up
		}
		md.Base = slices.Clone(md.Cur)
		in.Mods = append(in.Mods, md)
	}
	Order(in.Mods)
	// Sensitivity blocks, reading the instance's variables and the parameters' data.
	in.SensX = make([][]float64, nv+len(s.Params))
	in.SensG = make([][]float64, len(in.SensX))
	copy(in.SensX, s.Levels)
	copy(in.SensX[nv:], in.ParamData)
	for k := range in.Sens {
		sb := &in.Sens[k]
		b, err := s.Compile(sb.Eq)
		if err != nil {
			return nil, err
		}
		retarget(b)
		sb.Block, sb.r, sb.w = b, make([]float64, b.Rows()), make([]float64, b.Rows())
	}
	// Adjoints only for the parameters: a reference whose adjoint buffer is nil gets
	// none, and neither does a product towards it (no GEMM for a weight's adjoint).
	for j := range s.Params {
		in.SensG[nv+j] = make([]float64, len(in.ParamData[j]))
	}
	return in, nil
}

// active finds the elements of each modifiable that the instance contains: those
// some active row reads. The map's keys are the parameters' handles and the
// attributes' variable blocks.
func active(s Spec) map[any][]bool {
	want := map[any]int{} // the size of each wanted symbol
	for _, q := range s.Params {
		want[q.Handle] = len(q.Mod.Data())
	}
	for _, a := range s.Attrs {
		want[a.VB] = len(s.Levels[a.VB])
	}
	acts := map[any][]bool{}
	mark := func(key any, act []bool) {
		size, ok := want[key]
		if !ok {
			return
		}
		dst := acts[key]
		if dst == nil {
			dst = make([]bool, size)
			acts[key] = dst
		}
		for i, on := range act {
			dst[i] = dst[i] || on
		}
	}
	for _, b := range s.Blocks {
		b.Reach(func(h any, act []bool) { mark(h, act) }, func(vb int, act []bool) { mark(vb, act) })
	}
	return acts
}

// Update applies the modifiables' data to the instance (Apply) and puts the
// instance's levels into x, the variables' levels, where the solve starts from.
func (in *Instance) Update(x [][]float64, u Update, noMatchLimit int) error {
	if err := Apply(in.Mods, u, noMatchLimit); err != nil {
		return err
	}
	for i, l := range in.Lev {
		if l != nil {
			copy(x[i], l)
		}
	}
	return nil
}

// Solved runs after a solve of the instance ended at x with equation marginals eqM
// (per block): the instance keeps x's levels as its next starting point, and paramM,
// the marginals of the modifiable parameters, get the objective's derivatives with
// respect to the parameters (the adjoint of the equations that read them, weighted by
// the equations' marginals).
func (in *Instance) Solved(x, eqM, paramM [][]float64) {
	for i, l := range in.Lev {
		if l != nil {
			copy(l, x[i])
		}
	}
	for _, g := range in.SensG {
		clear(g)
	}
	for _, s := range in.Sens {
		s.Block.Eval(in.SensX, s.r)
		for i, y := range eqM[s.Eq] {
			s.w[i] = -y
		}
		s.Block.VJP(s.w, in.SensG)
	}
	n := len(in.Lev)
	for j, m := range paramM {
		if g := in.SensG[n+j]; g != nil {
			copy(m, g)
		}
	}
}
