package nlpsolve

import (
	"fmt"
	"math"

	"github.com/nnopt/nnopt/backend"
)

// reduced is the objective as a function of the superbasic elements alone: a forward
// sweep computes every defined variable, an adjoint sweep the gradient and the
// equation multipliers, a second-order sweep Hessian-vector products. The sweeps run
// on the blocks' backend; the superbasic point and gradient are host slices.
type reduced struct {
	p    *Problem
	st   *structure
	sign float64 // +1 minimise, -1 maximise

	be backend.Backend
	// ob is the backend of the optimizer's vectors (the packed superbasics): be, or
	// the CPU when the host must see them (bounds); vec is its arithmetic.
	ob     backend.Backend
	vec    vecOps
	blocks []DeviceBlock
	// direct holds per equation its block as a Definer where it sweeps its defined
	// variable directly, else nil.
	direct []Definer
	x      []backend.Vector // full point
	r      []backend.Vector // residual buffer per equation
	bar    []backend.Vector // adjoints per variable block, slices of barAll
	w      []backend.Vector // per equation: the weights of its last VJP (-bar/coef)
	dx     []backend.Vector // tangents
	dbar   []backend.Vector // tangents of the adjoints
	dw     []backend.Vector
	// xAll, barAll, dxAll and dbarAll hold x, bar, dx and dbar each in one vector,
	// so that clearing one, or moving the superbasics of several blocks in or out
	// of it, is one operation (one kernel launch on a device).
	xAll, barAll, dxAll, dbarAll backend.Vector
	// packAt holds, when the superbasics span several segments, the position in
	// such a vector of each packed superbasic element; nil for one segment.
	packAt backend.Index
	// lo and up are the bounds of the defined variables that have one (else nil).
	lo, up []backend.Vector
	// segs holds per superbasic segment its elements' positions in the variable
	// block, nil when the segment is the whole block.
	segs  []backend.Index
	evals int
	// lastEval counts forward sweeps; gradAt is the sweep the adjoints belong to.
	lastEval, gradAt int
	// weightsStale says w lags the adjoints: a direct adjoint sweep does not form it.
	weightsStale bool
	// The reductions of a forward sweep (the objective, then the violation of each
	// bounded defined variable, violOf naming it) and their results.
	reds      []backend.Reducing
	violOf    []int
	results   []float64
	bounded   []bool  // per variable block: some element has a finite bound
	boundViol float64 // worst bound violation of a defined variable in the last sweep
	boundVar  string
}

func newReduced(p *Problem, st *structure, x0 [][]float64) (*reduced, error) {
	blocks, be, err := deviceBlocks(p)
	if err != nil {
		return nil, err
	}
	rf := &reduced{p: p, st: st, sign: 1, be: be, vec: vecOps{be}, blocks: blocks}
	rf.direct = make([]Definer, len(blocks))
	for ei, b := range blocks {
		e := p.Equations[ei]
		if d, ok := b.(Definer); ok && e.Defines >= 0 && st.defined[e.Defines] == ei && d.Direct(e.Defines, e.Coef) {
			rf.direct[ei] = d
		}
	}
	if p.Maximize {
		rf.sign = -1
	}
	alloc := func(sizes func(i int) int, n int) []backend.Vector {
		out := make([]backend.Vector, n)
		for i := range out {
			out[i] = be.NewVector(sizes(i))
		}
		return out
	}
	rows := func(i int) int { return p.Equations[i].Block.Rows() }
	total := 0
	for _, v := range p.Vars {
		total += v.Size()
	}
	// packed returns one vector of every variable block and the blocks as its slices.
	packed := func() (backend.Vector, []backend.Vector) {
		all, out, k := be.NewVector(total), make([]backend.Vector, len(p.Vars)), 0
		for i, v := range p.Vars {
			out[i] = be.Slice(all, k, k+v.Size())
			k += v.Size()
		}
		return all, out
	}
	rf.xAll, rf.x = packed()
	rf.barAll, rf.bar = packed()
	rf.dxAll, rf.dx = packed()
	rf.dbarAll, rf.dbar = packed()
	rf.r, rf.w, rf.dw = alloc(rows, len(p.Equations)), alloc(rows, len(p.Equations)), alloc(rows, len(p.Equations))
	rf.bounded = make([]bool, len(p.Vars))
	rf.lo, rf.up = make([]backend.Vector, len(p.Vars)), make([]backend.Vector, len(p.Vars))
	for i, v := range p.Vars {
		for k := range v.Lo {
			if !math.IsInf(v.Lo[k], -1) || !math.IsInf(v.Up[k], 1) {
				rf.bounded[i] = true
				break
			}
		}
		if rf.bounded[i] && st.defined[i] >= 0 {
			rf.lo[i], rf.up[i] = be.NewVector(v.Size()), be.NewVector(v.Size())
			be.Upload(rf.lo[i], v.Lo)
			be.Upload(rf.up[i], v.Up)
		}
	}
	buf := []float64(nil)
	for i := range x0 {
		buf = append(buf[:0], x0[i]...)
		projectOnBounds(buf, x0[i], p.Vars[i])
		be.Upload(rf.x[i], buf)
	}
	for _, sg := range st.segs {
		var at backend.Index
		if !sg.all {
			pos := make([]int32, len(sg.elem))
			for k, e := range sg.elem {
				pos[k] = int32(e)
			}
			at = be.NewIndex(pos)
		}
		rf.segs = append(rf.segs, at)
	}
	if len(st.segs) > 1 {
		offset := make([]int, len(p.Vars))
		for i := 1; i < len(p.Vars); i++ {
			offset[i] = offset[i-1] + p.Vars[i-1].Size()
		}
		if total > math.MaxInt32 {
			return nil, fmt.Errorf("nlpsolve: %d variable elements exceed the 32-bit positions of a backend index", total)
		}
		var pos []int32
		for _, sg := range st.segs {
			for _, e := range sg.elem {
				pos = append(pos, int32(offset[sg.vb]+e))
			}
		}
		rf.packAt = be.NewIndex(pos)
	}
	return rf, be.Err()
}

// unpack puts the packed superbasic values s into the blocks of vs, slices of all.
func (rf *reduced) unpack(s, all backend.Vector, vs []backend.Vector) {
	if rf.packAt != nil {
		rf.be.Map(backend.Op{Code: backend.Copy}, s.Len(), backend.Out{V: all, At: rf.packAt}, backend.In{V: s})
		return
	}
	k := 0
	for j, sg := range rf.st.segs {
		n := len(sg.elem)
		rf.be.Map(backend.Op{Code: backend.Copy}, n, backend.Out{V: vs[sg.vb], At: rf.segs[j]}, backend.In{V: rf.be.Slice(s, k, k+n)})
		k += n
	}
}

// pack stores the superbasic elements of vs, slices of all, in s.
func (rf *reduced) pack(all backend.Vector, vs []backend.Vector, s backend.Vector) {
	if rf.packAt != nil {
		rf.be.Map(backend.Op{Code: backend.Copy}, s.Len(), backend.Out{V: s}, backend.In{V: all, At: rf.packAt})
		return
	}
	k := 0
	for j, sg := range rf.st.segs {
		n := len(sg.elem)
		rf.be.Map(backend.Op{Code: backend.Copy}, n, backend.Out{V: rf.be.Slice(s, k, k+n)}, backend.In{V: vs[sg.vb], At: rf.segs[j]})
		k += n
	}
}

// point returns the full point on the host.
func (rf *reduced) point() [][]float64 {
	x := make([][]float64, len(rf.x))
	for i, v := range rf.x {
		x[i] = make([]float64, v.Len())
		rf.be.Download(x[i], v)
	}
	return x
}

func (rf *reduced) clear(v backend.Vector) {
	rf.be.Map(backend.Op{Code: backend.Const}, v.Len(), backend.Out{V: v})
}

// residualNorms evaluates every equation at the current full point without changing it
// (the infeasibility of the input point).
func (rf *reduced) residualNorms() (sum, max float64, count int) {
	var r []float64
	for _, ei := range rf.st.order {
		rf.blocks[ei].EvalOn(rf.x, rf.r[ei])
		r = append(r[:0], make([]float64, rf.r[ei].Len())...)
		rf.be.Download(r, rf.r[ei])
		for _, v := range r {
			a := math.Abs(v)
			sum += a
			if a > 1e-9 {
				count++
			}
			max = math.Max(max, a)
		}
	}
	rf.lastEval++
	return
}

// value sets the superbasics to s, sweeps forward and returns the (sign-adjusted)
// objective. It returns +Inf when a defined variable leaves its bounds or a value is
// not finite.
func (rf *reduced) value(s backend.Vector) float64 {
	rf.unpack(s, rf.xAll, rf.x)
	rf.evals++
	rf.lastEval++
	// The objective and the bound violations come back together, with one wait.
	rf.reds = append(rf.reds[:0], backend.Reducing{R: backend.Sum, Op: backend.Op{Code: backend.Copy}, N: 1, In: []backend.In{{V: rf.x[rf.p.Objective]}}})
	rf.violOf = rf.violOf[:0]
	for _, ei := range rf.st.order {
		e := rf.p.Equations[ei]
		v, rows := rf.x[e.Defines], rf.r[ei].Len()
		if d := rf.direct[ei]; d != nil {
			d.DefineOn(rf.x)
		} else {
			// The block is linear in v with coefficient Coef: at v = 0 its residual is
			// -Coef·v (an update of v's last value would lose it to cancellation
			// after a wild trial point).
			rf.be.Map(backend.Op{Code: backend.Const}, rows, backend.Out{V: v})
			rf.blocks[ei].EvalOn(rf.x, rf.r[ei])
			rf.be.Map(backend.Op{Code: backend.Scale, P: -1 / e.Coef}, rows, backend.Out{V: v}, backend.In{V: rf.r[ei]})
		}
		if lo := rf.lo[e.Defines]; lo != nil {
			rf.reds = append(rf.reds, backend.Reducing{R: backend.Largest, Op: backend.Op{Code: backend.Violation}, N: rows,
				In: []backend.In{{V: v}, {V: lo}, {V: rf.up[e.Defines]}}})
			rf.violOf = append(rf.violOf, e.Defines)
		}
	}
	if cap(rf.results) < len(rf.reds) {
		rf.results = make([]float64, len(rf.reds))
	}
	res := rf.results[:len(rf.reds)]
	rf.be.ReduceAll(res, rf.reds...)
	rf.boundViol = 0
	for k, vb := range rf.violOf {
		if viol := res[1+k]; viol > rf.boundViol {
			rf.boundViol, rf.boundVar = viol, rf.p.Vars[vb].Name
		}
	}
	f := rf.sign * res[0]
	if math.IsNaN(f) || rf.boundViol > 1e-9 {
		return math.Inf(1)
	}
	return f
}

// gradient runs the adjoint sweep at the point of the last value call and packs the
// sign-adjusted reduced gradient into g.
func (rf *reduced) gradient(g backend.Vector) {
	rf.clear(rf.barAll)
	// The seed ∂f/∂f = 1, set on the device: an upload would wait for the sweep
	// before it.
	rf.be.Map(backend.Op{Code: backend.Const, P: 1}, 1, backend.Out{V: rf.bar[rf.p.Objective]})
	for k := len(rf.st.order) - 1; k >= 0; k-- {
		ei := rf.st.order[k]
		if d := rf.direct[ei]; d != nil {
			d.PullDefinedOn(rf.bar)
			rf.weightsStale = true
			continue
		}
		rf.weightOf(ei)
		rf.blocks[ei].VJPOn(rf.w[ei], rf.bar)
	}
	rf.pack(rf.barAll, rf.bar, g)
	if rf.sign < 0 {
		rf.vec.scaleTo(g, -1, g)
	}
	rf.gradAt = rf.lastEval
}

// weightOf sets equation ei's row weights from the adjoint of the variable it
// defines: w = -bar/Coef zeroes the variable's own part of the adjoint sweep.
func (rf *reduced) weightOf(ei int) {
	e := rf.p.Equations[ei]
	rf.be.Map(backend.Op{Code: backend.Scale, P: -1 / e.Coef}, rf.w[ei].Len(), backend.Out{V: rf.w[ei]}, backend.In{V: rf.bar[e.Defines]})
}

// weights forms the row weights the direct adjoint sweeps of the last gradient
// call left out, for the Hessian products and the marginals.
func (rf *reduced) weights() {
	if !rf.weightsStale {
		return
	}
	for ei, d := range rf.direct {
		if d != nil {
			rf.weightOf(ei)
		}
	}
	rf.weightsStale = false
}

// hessVec stores the reduced Hessian times d in hd, at the point and multipliers of
// the last gradient call.
func (rf *reduced) hessVec(d, hd backend.Vector) error {
	if rf.gradAt != rf.lastEval {
		return fmt.Errorf("nlpsolve: internal: Hessian product requested away from the last gradient point")
	}
	rf.weights()
	rf.clear(rf.dxAll)
	rf.clear(rf.dbarAll)
	rf.unpack(d, rf.dxAll, rf.dx)
	for _, ei := range rf.st.order {
		e := rf.p.Equations[ei]
		rf.blocks[ei].JVPOn(rf.dx, rf.r[ei])
		rf.be.Map(backend.Op{Code: backend.Scale, P: -1 / e.Coef}, rf.r[ei].Len(), backend.Out{V: rf.dx[e.Defines]}, backend.In{V: rf.r[ei]})
	}
	for k := len(rf.st.order) - 1; k >= 0; k-- {
		ei := rf.st.order[k]
		e := rf.p.Equations[ei]
		rf.be.Map(backend.Op{Code: backend.Scale, P: -1 / e.Coef}, rf.dw[ei].Len(), backend.Out{V: rf.dw[ei]}, backend.In{V: rf.dbar[e.Defines]})
		rf.blocks[ei].HVPOn(rf.w[ei], rf.dw[ei], rf.dx, rf.dbar)
	}
	rf.pack(rf.dbarAll, rf.dbar, hd)
	if rf.sign < 0 {
		rf.vec.scaleTo(hd, -1, hd)
	}
	return rf.be.Err()
}

// marginals returns the equation marginals (∂objective/∂rhs, of the objective as
// stated, not sign-adjusted) and the variable marginals: the reduced cost of every
// element of a variable that is not defined by an equation, zero for defined ones.
func (rf *reduced) marginals() (eq, vars [][]float64) {
	rf.weights()
	eq = make([][]float64, len(rf.p.Equations))
	for ei, w := range rf.w {
		eq[ei] = make([]float64, w.Len())
		rf.be.Download(eq[ei], w)
		for i := range eq[ei] {
			eq[ei][i] = -eq[ei][i] // = bar/coef
		}
	}
	vars = make([][]float64, len(rf.p.Vars))
	for vb := range rf.p.Vars {
		vars[vb] = make([]float64, rf.p.Vars[vb].Size())
		if rf.st.defined[vb] < 0 {
			rf.be.Download(vars[vb], rf.bar[vb])
		}
	}
	return eq, vars
}

// projectOnBounds stores x0 projected onto v's bounds in x: a level outside its
// bounds starts at the nearest bound, and a fixed element (Lo = Up) at its value,
// whatever level it had from an earlier solve.
func projectOnBounds(x, x0 []float64, v Variable) {
	for k, val := range x0 {
		x[k] = clamp(val, v.Lo[k], v.Up[k])
	}
}

// firstNonFinite names the first defined variable element, in sweep order, that the
// last forward sweep left NaN or infinite, and the equation row that gave it: the
// place where the evaluation failed, since later rows only inherit it.
func (rf *reduced) firstNonFinite() error {
	var buf []float64
	for _, ei := range rf.st.order {
		e := &rf.p.Equations[ei]
		v := &rf.p.Vars[e.Defines]
		buf = append(buf[:0], make([]float64, rf.x[e.Defines].Len())...)
		rf.be.Download(buf, rf.x[e.Defines])
		for k, val := range buf {
			if math.IsNaN(val) || math.IsInf(val, 0) {
				return fmt.Errorf("nlpsolve: equation %s gives %s = %s: %w", e.rowName(k), v.elemName(k), fmtValue(val), ErrEvaluation)
			}
		}
	}
	return fmt.Errorf("nlpsolve: the objective %s is not finite: %w", rf.p.Vars[rf.p.Objective].Name, ErrEvaluation)
}

// checkGradient reports the first superbasic element whose reduced gradient g is
// NaN or infinite: a derivative that does not exist at the start (sqrt at 0, a
// power below 1 at 0), which no search direction can use.
func (rf *reduced) checkGradient(g backend.Vector) error {
	if m := rf.vec.maxAbs(g); !math.IsNaN(m) && !math.IsInf(m, 0) {
		return nil
	}
	gh := make([]float64, g.Len())
	rf.vec.be.Download(gh, g)
	k := 0
	for _, sg := range rf.st.segs {
		v := &rf.p.Vars[sg.vb]
		for _, el := range sg.elem {
			if val := gh[k]; math.IsNaN(val) || math.IsInf(val, 0) {
				return fmt.Errorf("nlpsolve: the derivative of the objective with respect to %s is %s at the start point: %w", v.elemName(el), fmtValue(val), ErrEvaluation)
			}
			k++
		}
	}
	return fmt.Errorf("nlpsolve: the reduced gradient is not finite at the start point: %w", ErrEvaluation)
}
