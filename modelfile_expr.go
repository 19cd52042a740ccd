package nnopt

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// Expressions in a model file. The model's expressions are one list of nodes, each
// an operation by name with the operands it needs and its arguments by their
// positions in the list, always earlier ones: a flat list rather than nested JSON,
// so that an expression of any depth (a sum written as a chain of 10,000 Adds) is
// read without recursion and within JSON's nesting limits, and a subexpression used
// twice is written once. Symbols and sets are named, so a reader rebuilds each node
// through the constructors (Add, Sum, Where, ...), which check it as they check an
// expression written in a program. Every operation of the algebra has its entry in
// exprCodecs, the one table of the format's operations
// (TestEveryOperationHasAFileForm fails for one without).

// fileExpr is one node of the expressions.
type fileExpr struct {
	Op   string `json:"op"`
	Args []int  `json:"args,omitempty"` // positions of earlier nodes
	// Sym names the symbol of a reference, and Attr the variable attribute (l, m,
	// lo, up, fx) that a reference to an attribute reads.
	Sym  string `json:"sym,omitempty"`
	Attr string `json:"attr,omitempty"`
	// Sets are the index sets of a reference, the sets a sum or a log-sum-exp binds,
	// and the set a shift runs along.
	Sets []string `json:"sets,omitempty"`
	Fn   string   `json:"fn,omitempty"`    // an element-wise function by name
	Val  *jfloat  `json:"val,omitempty"`   // a constant; a function's parameter
	Lag  int      `json:"shift,omitempty"` // a shift's offset: -k for Lag(k), k for Lead(k)
	// Cond names the subset of a condition, a set of the container; InlineCond
	// instead points into the file's conditions, the subsets that are no symbols
	// (Elem's one-element conditions).
	Cond       string `json:"cond,omitempty"`
	InlineCond *int   `json:"inline_cond,omitempty"`
	// Kernel is a kernel's registered kind and Params its parameters
	// (modelfile_kernel.go); Sets are then its output sets.
	Kernel string          `json:"kernel,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
}

// opCodec is how one operation is written and read.
type opCodec struct {
	name  string
	arity int // the number of arguments; -1 for any
	// write fills in the operands of f, whose Op and Args are set, from e.
	write func(enc *modelEncoder, e *Expr, f *fileExpr) error
	// read builds the expression of f from its arguments, already read.
	read func(dec *modelDecoder, f *fileExpr, args []*Expr) (*Expr, error)
}

// notInExpressions are the operations no expression holds, with the reason.
var notInExpressions = map[engine.Op]string{
	engine.OpContract: "the compiler makes it of a sum over a product",
}

// exprCodecs is the table of the format's operations.
var exprCodecs map[engine.Op]opCodec

// fileFuncs are the element-wise functions by the name the engine prints them with.
var fileFuncs = map[string]backend.Func{}

func init() {
	for _, fn := range backend.Funcs() {
		if n := engine.FunctionName(fn); n != "" {
			fileFuncs[n] = fn
		}
	}
	binaryCodec := func(name string, op engine.Op) opCodec {
		return opCodec{name: name, arity: 2, write: noOperands,
			read: func(_ *modelDecoder, _ *fileExpr, a []*Expr) (*Expr, error) { return binary(op, a[0], a[1]), nil }}
	}
	exprCodecs = map[engine.Op]opCodec{
		engine.OpConst: {name: "const", write: func(_ *modelEncoder, e *Expr, f *fileExpr) error {
			v := jfloat(e.val)
			f.Val = &v
			return nil
		}, read: func(_ *modelDecoder, f *fileExpr, _ []*Expr) (*Expr, error) {
			if f.Val == nil {
				return nil, fmt.Errorf("a constant without its value")
			}
			return Const(float64(*f.Val)), nil
		}},
		engine.OpRef:  {name: "ref", write: writeRef, read: readRef},
		engine.OpAdd:  binaryCodec("add", engine.OpAdd),
		engine.OpSub:  binaryCodec("sub", engine.OpSub),
		engine.OpMul:  binaryCodec("mul", engine.OpMul),
		engine.OpDiv:  binaryCodec("div", engine.OpDiv),
		engine.OpMax:  binaryCodec("max", engine.OpMax),
		engine.OpMin:  binaryCodec("min", engine.OpMin),
		engine.OpNeg:  {name: "neg", arity: 1, write: noOperands, read: func(_ *modelDecoder, _ *fileExpr, a []*Expr) (*Expr, error) { return Neg(a[0]), nil }},
		engine.OpFunc: {name: "func", arity: 1, write: writeFunc, read: readFunc},
		engine.OpSum: {name: "sum", arity: 1, write: writeSets, read: func(dec *modelDecoder, f *fileExpr, a []*Expr) (*Expr, error) {
			over, err := dec.boundSets(f, a[0], 0)
			if err != nil {
				return nil, err
			}
			return Sum(a[0], over...), nil
		}},
		engine.OpLogSumExp: {name: "logsumexp", arity: 1, write: writeSets, read: func(dec *modelDecoder, f *fileExpr, a []*Expr) (*Expr, error) {
			over, err := dec.boundSets(f, a[0], 1)
			if err != nil {
				return nil, err
			}
			return LogSumExp(a[0], over[0]), nil
		}},
		engine.OpWhere: {name: "where", arity: 1, write: func(enc *modelEncoder, e *Expr, f *fileExpr) error {
			return enc.condition(e.cond, &f.Cond, &f.InlineCond)
		}, read: func(dec *modelDecoder, f *fileExpr, a []*Expr) (*Expr, error) {
			cond, err := dec.condition(f.Cond, f.InlineCond)
			if err != nil {
				return nil, err
			}
			return Where(a[0], cond), nil
		}},
		engine.OpShift: {name: "shift", arity: 1, write: func(_ *modelEncoder, e *Expr, f *fileExpr) error {
			f.Sets, f.Lag = []string{e.idx[0].name}, e.shift
			return nil
		}, read: func(dec *modelDecoder, f *fileExpr, a []*Expr) (*Expr, error) {
			if len(f.Sets) != 1 || f.Lag == 0 {
				return nil, fmt.Errorf("a shift needs one set and a nonzero offset, has %d sets and offset %d", len(f.Sets), f.Lag)
			}
			s, err := dec.set(f.Sets[0])
			if err != nil {
				return nil, err
			}
			return shift(a[0], s, f.Lag, "shift"), nil
		}},
		engine.OpKernel: {name: "kernel", arity: -1, write: writeKernel, read: readKernel},
	}
}

func noOperands(*modelEncoder, *Expr, *fileExpr) error { return nil }

// opByName is the operation of a file's name.
func opByName(name string) (engine.Op, opCodec, bool) {
	for op, c := range exprCodecs {
		if c.name == name {
			return op, c, true
		}
	}
	return 0, opCodec{}, false
}

func writeSets(_ *modelEncoder, e *Expr, f *fileExpr) error {
	f.Sets = setNames(e.idx)
	return nil
}

func setNames(sets []*Set) []string {
	out := make([]string, len(sets))
	for i, s := range sets {
		out[i] = s.name
	}
	return out
}

func writeFunc(_ *modelEncoder, e *Expr, f *fileExpr) error {
	f.Fn = engine.FunctionName(e.fn)
	if f.Fn == "" {
		return fmt.Errorf("function %v has no name in a model file", e.fn)
	}
	if math.Float64bits(e.val) != 0 { // a parameter, -0 included

		v := jfloat(e.val)
		f.Val = &v
	}
	return nil
}

func readFunc(_ *modelDecoder, f *fileExpr, a []*Expr) (*Expr, error) {
	fn, ok := fileFuncs[f.Fn]
	if !ok {
		return nil, fmt.Errorf("unknown function %q", f.Fn)
	}
	var p float64
	if f.Val != nil {
		p = float64(*f.Val)
	}
	return unary(fn, a[0], p), nil
}

// writeRef names the symbol of a reference, or the variable of an attribute.
func writeRef(enc *modelEncoder, e *Expr, f *fileExpr) error {
	f.Sets = setNames(e.idx)
	switch s := e.sym.(type) {
	case *Variable:
		f.Sym = s.name
		return enc.symbol(s)
	case *Parameter:
		if s.attr != nil {
			f.Sym, f.Attr = s.attr.v.name, s.attr.kind.String()
			return enc.symbol(s.attr.v)
		}
		f.Sym = s.name
		return enc.symbol(s)
	}
	return fmt.Errorf("reference %q to %T", e.name, e.sym)
}

var attrKinds = map[string]AttrKind{"l": AttrL, "m": AttrM, "lo": AttrLo, "up": AttrUp, "fx": AttrFx}

func readRef(dec *modelDecoder, f *fileExpr, _ []*Expr) (*Expr, error) {
	idx := make([]*Set, len(f.Sets))
	for i, n := range f.Sets {
		s, err := dec.set(n)
		if err != nil {
			return nil, err
		}
		idx[i] = s
	}
	sym := dec.c.symbols[f.Sym]
	if f.Attr != "" {
		v, ok := sym.(*Variable)
		if !ok {
			return nil, fmt.Errorf("attribute %s.%s of %s; want a variable", f.Sym, f.Attr, describe(f.Sym, sym))
		}
		kind, ok := attrKinds[f.Attr]
		if !ok {
			return nil, fmt.Errorf("unknown attribute %q of variable %q; want l, m, lo, up or fx", f.Attr, f.Sym)
		}
		return VarAttr{v, kind}.At(idx...), nil
	}
	switch s := sym.(type) {
	case *Variable:
		return s.At(idx...), nil
	case *Parameter:
		return s.At(idx...), nil
	}
	return nil, fmt.Errorf("reference to %s; want a variable or a parameter", describe(f.Sym, sym))
}

// describe names what the file's name stands for in the decoded container.
func describe(name string, sym any) string {
	if sym == nil {
		return fmt.Sprintf("%q, which the file does not define", name)
	}
	return fmt.Sprintf("%q, %s", name, withArticle(kindOf(sym)))
}

// writeExpr adds e and the nodes it needs to the encoder's nodes and returns its
// position; a node already there is not written again.
func (enc *modelEncoder) writeExpr(e *Expr) (int, error) {
	if k, ok := enc.nodeOf[e]; ok {
		return k, nil
	}
	if e.err != nil {
		return 0, e.err
	}
	c, ok := exprCodecs[e.op]
	if !ok {
		return 0, fmt.Errorf("operation %d has no form in a model file", e.op)
	}
	f := fileExpr{Op: c.name}
	if err := c.write(enc, e, &f); err != nil {
		return 0, err
	}
	for _, a := range e.args {
		k, err := enc.writeExpr(a)
		if err != nil {
			return 0, err
		}
		f.Args = append(f.Args, k)
	}
	enc.nodeOf[e] = len(enc.nodes)
	enc.nodes = append(enc.nodes, f)
	return len(enc.nodes) - 1, nil
}

// readExprs builds every node of the file in order, each from earlier ones.
func (dec *modelDecoder) readExprs(nodes []fileExpr) error {
	dec.exprs = make([]*Expr, len(nodes))
	dec.usedNode = make([]bool, len(nodes))
	for i, f := range nodes {
		e, err := dec.readNode(i, f)
		if err != nil {
			return fmt.Errorf("expression node %d (%s): %w", i, f.Op, err)
		}
		dec.exprs[i] = e
	}
	return nil
}

func (dec *modelDecoder) readNode(i int, f fileExpr) (*Expr, error) {
	_, c, ok := opByName(f.Op)
	if !ok {
		return nil, fmt.Errorf("unknown operation %q", f.Op)
	}
	if c.arity >= 0 && len(f.Args) != c.arity {
		return nil, fmt.Errorf("%d arguments, want %d", len(f.Args), c.arity)
	}
	args := make([]*Expr, len(f.Args))
	for q, k := range f.Args {
		if k < 0 || k >= i {
			return nil, fmt.Errorf("argument %d is node %d; want an earlier node (0 to %d)", q, k, i-1)
		}
		args[q] = dec.exprs[k]
		dec.usedNode[k] = true
	}
	e, err := c.read(dec, &f, args)
	if err == nil && e.err != nil {
		err = e.err
	}
	return e, err
}

// expr is the node at position k, for an equation's side or the objective.
func (dec *modelDecoder) expr(k *int) (*Expr, error) {
	if k == nil || *k < 0 || *k >= len(dec.exprs) {
		if k == nil {
			return nil, fmt.Errorf("no expression")
		}
		return nil, fmt.Errorf("expression node %d; the file has %d", *k, len(dec.exprs))
	}
	dec.usedNode[*k] = true
	return dec.exprs[*k], nil
}

// boundSets are the sets a sum (n = 0: one or more) or a log-sum-exp (n = 1)
// binds, each one the argument varies over, as the writer's were.
func (dec *modelDecoder) boundSets(f *fileExpr, arg *Expr, n int) ([]*Set, error) {
	if len(f.Sets) == 0 || n > 0 && len(f.Sets) != n {
		return nil, fmt.Errorf("%d bound sets", len(f.Sets))
	}
	out := make([]*Set, len(f.Sets))
	for i, name := range f.Sets {
		s, err := dec.set(name)
		if err != nil {
			return nil, err
		}
		if !containsSet(arg.free, s) {
			return nil, fmt.Errorf("bound set %q, which the argument does not vary over", name)
		}
		out[i] = s
	}
	return out, nil
}
