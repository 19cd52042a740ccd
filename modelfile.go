package nnopt

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/nnopt/nnopt/internal/freeze"
	"github.com/nnopt/nnopt/internal/fsutil"
	"github.com/nnopt/nnopt/internal/modelfile"
	"github.com/nnopt/nnopt/safetensors"
)

// Model files
//
// A model file holds one model and everything its solve reads, so that the model
// can be solved later or elsewhere: Model.Encode writes it, DecodeModel reads it
// into a new Container, and the decoded model gives the statistics and, solved with
// the same options, the levels, marginals and objective of the original, bit for
// bit. Model.Save and LoadModel do the same with a file on disk. docs/model-file.md
// describes the format in full; in short, version 1 is
//
//	magic     8 bytes  "NNOPTMDL"
//	version   4 bytes  little-endian uint32, ModelFileVersion
//	meta      8 bytes  little-endian uint64 length n, then n bytes of JSON: the
//	                   symbols (sets with their labels, dimensions, aliases,
//	                   subsets; parameters, variables and equations with their
//	                   domains and types), the equations and the objective as
//	                   one list of expression nodes over the symbols by name
//	                   (modelfile_expr.go), the model's problem type, sense and
//	                   equation list, the container's and the model's options,
//	                   and a frozen model's modifiables
//	bulk      8 bytes  little-endian uint64 length n, then n bytes of safetensors:
//	                   every numeric array (parameter values and records, subset
//	                   members, variable levels, marginals, bounds and scales,
//	                   equation levels, marginals and scales) as F64, so that the
//	                   round trip is exact
//	checksum  4 bytes  little-endian CRC-32 (IEEE) of everything before it
//
// The container written is the part of the model's container the model needs: the
// sets, parameters and variables its equations and objective refer to, its
// equations, and a frozen model's modifiables. A model file is data, never code: a
// reader builds symbols and expressions from it through the same checks as the
// constructors, so a damaged file, a file of another version or a file that names
// a symbol it does not hold is an error wrapping ErrModelFile that says what is
// wrong and where, never a panic. What a file cannot hold is refused by Encode
// with an error wrapping ErrUnsupported naming it: a Kernel that is not a
// FileKernel (modelfile_kernel.go), and options that are code or open resources
// (Output, OnIteration, Trace, Device).
//
// Frozen models. A frozen model's file also holds its instance's state: the
// modifiables, each one's data at Freeze (the base case of UpdateBaseCase) and in
// the instance now (what UpdateAccumulate keeps), and the levels the next solve
// starts from. DecodeModel freezes the decoded model on the file's data and gives
// its instance that state. Data that is not modifiable and was changed after
// Freeze reaches the decoded instance (the original's instance keeps it as it was
// at Freeze), so encode a frozen model before changing its fixed data. The data of
// one scenario, the modifiables' values, travel separately and small:
// Model.EncodeScenario writes them from one model, Model.ApplyScenario reads them
// into the container of another with the same modifiables (a decoded copy), whose
// next Solve applies them as Options.Freeze says.

// ModelFileVersion is the version of the model file format that Encode writes and
// DecodeModel reads.
const ModelFileVersion = modelfile.Version

// ErrModelFile is wrapped by every error of DecodeModel, ApplyScenario and
// DecodeOptions about the bytes they read: a damaged file, one of another format or
// version, or one whose contents do not fit together.
var ErrModelFile = modelfile.ErrBad

// modelFormat names a model file's metadata.
const modelFormat = "nnopt-model"

// fileModel is a model file's metadata section.
type fileModel struct {
	Format    string   `json:"format"`
	Name      string   `json:"model"`
	Problem   string   `json:"problem"`
	Sense     string   `json:"sense"`
	Equations []string `json:"equations"`
	Objective *int     `json:"objective,omitempty"` // a node
	// Nodes are the expressions of the equations and the objective (see
	// modelfile_expr.go).
	Nodes            []fileExpr   `json:"nodes"`
	Options          *fileOptions `json:"options,omitempty"`
	ContainerOptions *fileOptions `json:"container_options,omitempty"`
	// Sets are the container's sets the model needs, in creation order;
	// Conditions the subsets the expressions use that are no symbols.
	Sets            []fileSet      `json:"sets"`
	Conditions      []fileSet      `json:"conditions,omitempty"`
	Parameters      []fileSymbol   `json:"parameters,omitempty"`
	Variables       []fileSymbol   `json:"variables,omitempty"`
	EquationSymbols []fileEquation `json:"equation_symbols,omitempty"`
	Frozen          *fileFrozen    `json:"frozen,omitempty"`
}

// fileSet is a set, a dimension, an alias or a subset (Kind, as kindOf names it).
type fileSet struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Labels []string `json:"labels,omitempty"` // a set's
	Size   int      `json:"size,omitempty"`   // a dimension's
	Of     string   `json:"of,omitempty"`     // an alias's set
	Domain []string `json:"domain,omitempty"` // a subset's sets
}

// fileSymbol is a parameter (Sparse) or a variable (Type).
type fileSymbol struct {
	Name   string   `json:"name"`
	Domain []string `json:"domain,omitempty"`
	Sparse bool     `json:"sparse,omitempty"`
	Type   string   `json:"type,omitempty"`
}

// fileEquation is an equation: its domain, its type, its condition and its
// definition, lhs Relation rhs (Type can differ from Relation where a program set
// Equation.Type after Define).
type fileEquation struct {
	Name       string   `json:"name"`
	Domain     []string `json:"domain,omitempty"`
	Type       string   `json:"type"`
	Cond       string   `json:"cond,omitempty"`
	InlineCond *int     `json:"inline_cond,omitempty"`
	Relation   string   `json:"relation"`
	LHS        *int     `json:"lhs"` // nodes
	RHS        *int     `json:"rhs"`
}

// fileFrozen is the state of a frozen model's instance: the modifiables in
// Freeze's order, each one's data at Freeze (tensors frozen/<k>/base, and base_up
// for a fixed value's upper bounds) and in the instance now (frozen/<k>/cur,
// cur_up), and the instance's variables in order with the levels it starts the
// next solve from (instance/<i>/l; none for a variable an equation defines).
type fileFrozen struct {
	Modifiables []fileModifiable `json:"modifiables"`
	Variables   []string         `json:"variables"`
}

// fileModifiable is a parameter or a variable's attribute.
type fileModifiable struct {
	Parameter string `json:"parameter,omitempty"`
	Variable  string `json:"variable,omitempty"`
	Attr      string `json:"attr,omitempty"`
}

// The names of the arrays in the data section.
func tensorKey(kind, name, array string) string { return kind + "/" + name + "/" + array }

// modelEncoder collects what a model needs while writing its expressions.
type modelEncoder struct {
	c       *Container
	sets    map[*Set]bool
	syms    map[any]bool
	inline  []*Set
	inlineK map[*Set]int
	nodes   []fileExpr
	nodeOf  map[*Expr]int
}

// useSet marks s and the sets it depends on as needed.
func (enc *modelEncoder) useSet(s *Set) error {
	if enc.sets[s] {
		return nil
	}
	if enc.c.symbols[s.name] != s {
		return fmt.Errorf("set %q is not a symbol of the model's container", s.name)
	}
	enc.sets[s] = true
	if s.aliasOf != nil {
		if err := enc.useSet(s.aliasOf); err != nil {
			return err
		}
	}
	for _, d := range s.domain {
		if err := enc.useSet(d); err != nil {
			return err
		}
	}
	if s.labels == nil && s.member == nil && s.aliasOf == nil && s.size > 0 {
		// A dimension: those of its size that AddDims made before it too, so
		// that the reader's AddDims numbers the next one as the writer's would.
		for _, d := range enc.c.dims[s.size] {
			enc.sets[d] = true
		}
	}
	return nil
}

func (enc *modelEncoder) useSets(sets []*Set) error {
	for _, s := range sets {
		if err := enc.useSet(s); err != nil {
			return err
		}
	}
	return nil
}

// symbol marks a parameter or variable and its domain as needed.
func (enc *modelEncoder) symbol(sym any) error {
	var name string
	var domain []*Set
	switch s := sym.(type) {
	case *Parameter:
		name, domain = s.name, s.domain
	case *Variable:
		name, domain = s.name, s.domain
	}
	if enc.c.symbols[name] != sym {
		return fmt.Errorf("%s %q is not a symbol of the model's container", kindOf(sym), name)
	}
	enc.syms[sym] = true
	return enc.useSets(domain)
}

// condition names the subset s: a container set, or one of the file's conditions.
func (enc *modelEncoder) condition(s *Set, name *string, inline **int) error {
	if s == nil {
		return nil
	}
	if enc.c.symbols[s.name] == s {
		*name = s.name
		return enc.useSet(s)
	}
	k, ok := enc.inlineK[s]
	if !ok {
		if err := enc.useSets(s.domain); err != nil {
			return err
		}
		k = len(enc.inline)
		enc.inline = append(enc.inline, s)
		enc.inlineK[s] = k
	}
	*inline = &k
	return nil
}

// expr writes e, with the sets its operands name marked as needed, and returns
// its node.
func (enc *modelEncoder) expr(e *Expr) (*int, error) {
	var mark func(*Expr) error
	mark = func(e *Expr) error {
		if err := enc.useSets(e.idx); err != nil {
			return err
		}
		for _, a := range e.args {
			if err := mark(a); err != nil {
				return err
			}
		}
		return nil
	}
	k, err := enc.writeExpr(e)
	if err == nil {
		err = mark(e)
	}
	return &k, err
}

// Encode writes the model and the part of its container that it needs to w in the
// model file format (see the package documentation's section on model files,
// modelfile.go). It fails, having written nothing, on a model with an equation
// without a definition and on what a file cannot hold (ErrUnsupported).
func (m *Model) Encode(w io.Writer) error {
	meta, tensors, err := m.encode()
	if err != nil {
		return fmt.Errorf("nnopt: model %q: Encode: %w", m.name, err)
	}
	return modelfile.Write(w, modelfile.ModelMagic, meta, tensors)
}

// encode is the metadata and the data section of m's file.
func (m *Model) encode() ([]byte, map[string]safetensors.Tensor, error) {
	c := m.c
	enc := &modelEncoder{c: c, sets: map[*Set]bool{}, syms: map[any]bool{}, inlineK: map[*Set]int{}, nodeOf: map[*Expr]int{}}
	f := &fileModel{Format: modelFormat, Name: m.name, Problem: m.problem.String(), Sense: m.sense.String(), Sets: []fileSet{}}
	var err error
	if s, err := m.heldSOS1(); err != nil {
		return nil, nil, err
	} else if s != nil {
		return nil, nil, fmt.Errorf("SOS1 %q: model files hold no special ordered sets yet: %w", s.name, ErrUnsupported)
	}
	if f.Options, err = m.Options.toFile("Model.Options"); err != nil {
		return nil, nil, err
	}
	if f.ContainerOptions, err = c.Options.toFile("Container.Options"); err != nil {
		return nil, nil, err
	}
	if m.objective != nil {
		if f.Objective, err = enc.expr(m.objective); err != nil {
			return nil, nil, fmt.Errorf("objective: %w", err)
		}
	}
	eqs := map[*Equation]bool{}
	for _, e := range m.equations {
		f.Equations = append(f.Equations, e.name)
		if c.symbols[e.name] != e {
			return nil, nil, fmt.Errorf("equation %q is not a symbol of the model's container", e.name)
		}
		if eqs[e] {
			continue
		}
		eqs[e] = true
		if e.def == nil {
			return nil, nil, fmt.Errorf("equation %q has no definition", e.name)
		}
		fe := fileEquation{Name: e.name, Domain: setNames(e.domain), Type: e.Type.String(), Relation: e.def.typ.String()}
		if err := enc.useSets(e.domain); err != nil {
			return nil, nil, fmt.Errorf("equation %q: %w", e.name, err)
		}
		if err := enc.condition(e.cond, &fe.Cond, &fe.InlineCond); err != nil {
			return nil, nil, fmt.Errorf("equation %q: %w", e.name, err)
		}
		if fe.LHS, err = enc.expr(e.def.lhs); err == nil {
			fe.RHS, err = enc.expr(e.def.rhs)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("equation %q: %w", e.name, err)
		}
		f.EquationSymbols = append(f.EquationSymbols, fe)
	}
	tensors := map[string]safetensors.Tensor{}
	put := func(key string, shape []int, data []float64) {
		tensors[key] = safetensors.Tensor{DType: safetensors.F64, Shape: shape, Data: data}
	}
	if fr := m.frozen; fr != nil {
		f.Frozen = &fileFrozen{Modifiables: []fileModifiable{}}
		base := map[string]*freeze.Mod{}
		for _, md := range fr.kept.Mods {
			base[md.Name] = md
		}
		for k, mod := range fr.mods {
			var fm fileModifiable
			var shape []int
			switch x := mod.(type) {
			case *Parameter:
				fm.Parameter, shape = x.name, shapeOf(x.domain)
				err = enc.symbol(x)
			case VarAttr:
				fm.Variable, fm.Attr, shape = x.v.name, x.kind.String(), shapeOf(x.v.domain)
				err = enc.symbol(x.v)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("modifiable %s: %w", mod.modifiableName(), err)
			}
			md := base[mod.modifiableName()]
			if md == nil {
				return nil, nil, fmt.Errorf("modifiable %s: the frozen instance does not hold it", mod.modifiableName())
			}
			put(tensorKey("frozen", fmt.Sprint(k), "base"), shape, md.Base)
			put(tensorKey("frozen", fmt.Sprint(k), "cur"), shape, md.Cur)
			if md.BaseUp != nil {
				put(tensorKey("frozen", fmt.Sprint(k), "base_up"), shape, md.BaseUp)
				put(tensorKey("frozen", fmt.Sprint(k), "cur_up"), shape, md.CurUp)
			}
			f.Frozen.Modifiables = append(f.Frozen.Modifiables, fm)
		}
		f.Frozen.Variables = []string{}
		for i, v := range fr.inst.vars {
			f.Frozen.Variables = append(f.Frozen.Variables, v.name)
			if l := fr.kept.Lev[i]; l != nil {
				put(tensorKey("instance", fmt.Sprint(i), "l"), []int{len(l)}, l)
			}
		}
	}
	for _, name := range c.order {
		switch s := c.symbols[name].(type) {
		case *Set:
			if !enc.sets[s] {
				continue
			}
			fs := fileSet{Name: s.name, Kind: kindOf(s)}
			switch fs.Kind {
			case "set":
				fs.Labels = s.labels
			case "dimension":
				fs.Size = s.size
			case "alias":
				fs.Of = s.aliasOf.name
			case "subset":
				fs.Domain = setNames(s.domain)
				put(tensorKey("set", s.name, "members"), []int{s.count}, memberPositions(s))
			}
			f.Sets = append(f.Sets, fs)
		case *Parameter:
			if !enc.syms[s] {
				continue
			}
			f.Parameters = append(f.Parameters, fileSymbol{Name: s.name, Domain: setNames(s.domain), Sparse: s.recs != nil})
			if s.recs != nil {
				recs := make([]float64, len(s.recs))
				for k, at := range s.recs {
					recs[k] = float64(at)
				}
				put(tensorKey("parameter", s.name, "records"), []int{len(recs)}, recs)
				put(tensorKey("parameter", s.name, "values"), []int{len(s.Values)}, s.Values)
			} else {
				put(tensorKey("parameter", s.name, "values"), shapeOf(s.domain), s.Values)
			}
		case *Variable:
			if !enc.syms[s] {
				continue
			}
			f.Variables = append(f.Variables, fileSymbol{Name: s.name, Domain: setNames(s.domain), Type: s.Type.String()})
			shape := shapeOf(s.domain)
			for _, a := range []struct {
				name string
				data []float64
			}{{"l", s.L}, {"m", s.M}, {"lo", s.Lo}, {"up", s.Up}, {"scale", s.Scale}} {
				put(tensorKey("variable", s.name, a.name), shape, a.data)
			}
		case *Equation:
			if !eqs[s] {
				continue
			}
			shape := shapeOf(s.domain)
			put(tensorKey("equation", s.name, "l"), shape, s.L)
			put(tensorKey("equation", s.name, "m"), shape, s.M)
			put(tensorKey("equation", s.name, "scale"), shape, s.Scale)
		}
	}
	for k, s := range enc.inline {
		f.Conditions = append(f.Conditions, fileSet{Name: s.name, Kind: "subset", Domain: setNames(s.domain)})
		put(tensorKey("condition", fmt.Sprint(k), "members"), []int{s.count}, memberPositions(s))
	}
	f.Nodes = enc.nodes
	if f.Nodes == nil {
		f.Nodes = []fileExpr{}
	}
	meta, err := json.Marshal(f)
	if err != nil {
		return nil, nil, err
	}
	return meta, tensors, nil
}

// memberPositions are the row-major positions of a subset's members.
func memberPositions(s *Set) []float64 {
	out := make([]float64, 0, s.count)
	for off, in := range s.member {
		if in {
			out = append(out, float64(off))
		}
	}
	return out
}

// modelDecoder builds a container from a file.
type modelDecoder struct {
	c       *Container
	tensors map[string]safetensors.Tensor
	used    map[string]bool
	conds   []*Set
	// exprs are the file's expression nodes, built; usedNode says which ones an
	// argument, an equation or the objective uses.
	exprs    []*Expr
	usedNode []bool
}

// set is the set of the container named name.
func (dec *modelDecoder) set(name string) (*Set, error) {
	s, ok := dec.c.symbols[name].(*Set)
	if !ok {
		return nil, fmt.Errorf("set %s", describe(name, dec.c.symbols[name]))
	}
	return s, nil
}

func (dec *modelDecoder) setList(names []string) ([]*Set, error) {
	out := make([]*Set, len(names))
	for i, n := range names {
		s, err := dec.set(n)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// condition is the subset a condition names: a set of the container, or the
// file's inline condition k.
func (dec *modelDecoder) condition(name string, inline *int) (*Set, error) {
	if inline != nil {
		if name != "" || *inline < 0 || *inline >= len(dec.conds) {
			return nil, fmt.Errorf("condition %d: the file has %d conditions", *inline, len(dec.conds))
		}
		return dec.conds[*inline], nil
	}
	s, err := dec.set(name)
	if err != nil {
		return nil, err
	}
	if s.member == nil {
		return nil, fmt.Errorf("condition %q is not a subset", name)
	}
	return s, nil
}

// array is the tensor key of the data section, which must hold n float64s.
func (dec *modelDecoder) array(key string, n int) ([]float64, error) {
	t, ok := dec.tensors[key]
	if !ok {
		return nil, fmt.Errorf("the data section has no tensor %q", key)
	}
	if t.DType != safetensors.F64 {
		return nil, fmt.Errorf("tensor %q is %s; a model file's arrays are F64, which keep every bit", key, t.DType)
	}
	if len(t.Data) != n {
		return nil, fmt.Errorf("tensor %q has %d values, want %d", key, len(t.Data), n)
	}
	dec.used[key] = true
	return t.Data, nil
}

// positions reads the tensor key as increasing row-major positions below n.
func (dec *modelDecoder) positions(key string, n int) ([]int64, error) {
	t, ok := dec.tensors[key]
	if !ok {
		return nil, fmt.Errorf("the data section has no tensor %q", key)
	}
	data, err := dec.array(key, len(t.Data))
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(data))
	for k, v := range data {
		if !(v >= 0 && v < float64(n) && v == math.Trunc(v)) {
			return nil, fmt.Errorf("tensor %q: position %d is %g; want a whole number from 0 to %d", key, k, v, n-1)
		}
		out[k] = int64(v)
		if k > 0 && out[k] <= out[k-1] {
			return nil, fmt.Errorf("tensor %q: positions %d and %d are %d and %d; want them increasing", key, k-1, k, out[k-1], out[k])
		}
	}
	return out, nil
}

// subset makes the subset fs, with members from the tensor key; register says
// whether it is a symbol of the container.
func (dec *modelDecoder) subset(fs fileSet, key string, register bool) (*Set, error) {
	domain, err := dec.setList(fs.Domain)
	if err != nil {
		return nil, err
	}
	if len(domain) == 0 {
		return nil, fmt.Errorf("subset %q without domain sets", fs.Name)
	}
	for _, d := range domain {
		if len(d.domain) > 0 {
			return nil, fmt.Errorf("subset %q: domain %q is itself a subset", fs.Name, d.name)
		}
	}
	n, err := domainLen("subset", fs.Name, domain)
	if err == nil {
		err = checkMemory("subset", fs.Name, domain, n, 1)
	}
	if err != nil {
		return nil, err
	}
	pos, err := dec.positions(key, n)
	if err != nil {
		return nil, err
	}
	s := &Set{name: fs.Name, size: n, domain: domain, member: make([]bool, n), count: len(pos)}
	for _, at := range pos {
		s.member[at] = true
	}
	if register {
		if err := dec.c.add("subset", fs.Name, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// DecodeModel reads a model file written by Encode into a new Container and returns
// it with the model. A frozen model comes back frozen, its instance in the state
// the file holds (see the package documentation's section on model files). Every
// error wraps ErrModelFile, that of freezing a decoded frozen model (which
// generates it) included.
func DecodeModel(r io.Reader) (*Container, *Model, error) {
	fr, err := modelfile.Read(r, modelfile.ModelMagic, "model file")
	if err != nil {
		return nil, nil, err
	}
	var f fileModel
	if err := decodeJSON(fr.Meta, &f); err != nil {
		return nil, nil, fmt.Errorf("nnopt: model file: %w: metadata: %v", ErrModelFile, err)
	}
	c, m, err := decodeModel(&f, fr.Tensors)
	if err != nil {
		return nil, nil, fmt.Errorf("nnopt: model file of model %q: %w: %v", f.Name, ErrModelFile, err)
	}
	return c, m, nil
}

func decodeModel(f *fileModel, tensors map[string]safetensors.Tensor) (*Container, *Model, error) {
	if f.Format != modelFormat {
		return nil, nil, fmt.Errorf("format %q, want %q", f.Format, modelFormat)
	}
	c := NewContainer()
	dec := &modelDecoder{c: c, tensors: tensors, used: map[string]bool{}}
	var err error
	if f.ContainerOptions != nil {
		if c.Options, err = f.ContainerOptions.options("container options"); err != nil {
			return nil, nil, err
		}
	}
	for _, fs := range f.Sets {
		if err := dec.addSet(fs); err != nil {
			return nil, nil, fmt.Errorf("set %q: %w", fs.Name, err)
		}
	}
	for k, fs := range f.Conditions {
		s, err := dec.subset(fs, tensorKey("condition", fmt.Sprint(k), "members"), false)
		if err != nil {
			return nil, nil, fmt.Errorf("condition %d %q: %w", k, fs.Name, err)
		}
		dec.conds = append(dec.conds, s)
	}
	for _, fp := range f.Parameters {
		if err := dec.addParameter(fp); err != nil {
			return nil, nil, fmt.Errorf("parameter %q: %w", fp.Name, err)
		}
	}
	for _, fv := range f.Variables {
		if err := dec.addVariable(fv); err != nil {
			return nil, nil, fmt.Errorf("variable %q: %w", fv.Name, err)
		}
	}
	if err := dec.readExprs(f.Nodes); err != nil {
		return nil, nil, err
	}
	for _, fe := range f.EquationSymbols {
		if err := dec.addEquation(fe); err != nil {
			return nil, nil, fmt.Errorf("equation %q: %w", fe.Name, err)
		}
	}
	spec := ModelSpec{}
	if spec.Problem, err = ParseProblem(f.Problem); err != nil {
		return nil, nil, err
	}
	if spec.Sense, err = parseSense(f.Sense); err != nil {
		return nil, nil, err
	}
	for _, n := range f.Equations {
		e, ok := c.symbols[n].(*Equation)
		if !ok {
			return nil, nil, fmt.Errorf("the model's equation %s", describe(n, c.symbols[n]))
		}
		spec.Equations = append(spec.Equations, e)
	}
	if f.Objective != nil {
		if spec.Objective, err = dec.expr(f.Objective); err != nil {
			return nil, nil, fmt.Errorf("objective: %w", err)
		}
	}
	m, err := c.NewModel(f.Name, spec)
	if err != nil {
		return nil, nil, err
	}
	if f.Options != nil {
		if m.Options, err = f.Options.options("model options"); err != nil {
			return nil, nil, err
		}
	}
	for k, used := range dec.usedNode {
		if !used {
			return nil, nil, fmt.Errorf("expression node %d (%s) is used by nothing", k, f.Nodes[k].Op)
		}
	}
	if f.Frozen != nil { // last: freezing generates the model
		if err := dec.freeze(m, f.Frozen); err != nil {
			return nil, nil, err
		}
	}
	for key := range tensors {
		if !dec.used[key] {
			return nil, nil, fmt.Errorf("the data section's tensor %q belongs to nothing in the metadata", key)
		}
	}
	return c, m, nil
}

func parseSense(s string) (Sense, error) {
	for _, x := range []Sense{Minimize, Maximize, Feasibility} {
		if x.String() == s {
			return x, nil
		}
	}
	return 0, fmt.Errorf("unknown sense %q; want MIN, MAX or FEASIBILITY", s)
}

func (dec *modelDecoder) addSet(fs fileSet) error {
	c := dec.c
	switch fs.Kind {
	case "set":
		_, err := c.AddSet(fs.Name, fs.Labels...)
		return err
	case "dimension":
		k := len(c.dims[fs.Size]) + 1
		if want := fmt.Sprintf("DenseDim%d_%d", fs.Size, k); fs.Size <= 0 || fs.Name != want {
			return fmt.Errorf("dimension of size %d named %q; want %q, the next dimension of that size", fs.Size, fs.Name, want)
		}
		// AddDims with k sizes adds the k-th dimension, the others being there.
		sizes := make([]int, k)
		for q := range sizes {
			sizes[q] = fs.Size
		}
		_, err := c.AddDims(sizes...)
		return err
	case "alias":
		of, err := dec.set(fs.Of)
		if err != nil {
			return err
		}
		_, err = c.AddAlias(fs.Name, of)
		return err
	case "subset":
		_, err := dec.subset(fs, tensorKey("set", fs.Name, "members"), true)
		return err
	}
	return fmt.Errorf("unknown kind %q; want set, dimension, alias or subset", fs.Kind)
}

func (dec *modelDecoder) addParameter(fp fileSymbol) error {
	if fp.Type != "" {
		return fmt.Errorf("a parameter with a type %q", fp.Type)
	}
	domain, err := dec.setList(fp.Domain)
	if err != nil {
		return err
	}
	n, err := checkDomain("parameter", fp.Name, domain)
	if err != nil {
		return err
	}
	p := &Parameter{name: fp.Name, domain: domain}
	if fp.Sparse {
		if p.recs, err = dec.positions(tensorKey("parameter", fp.Name, "records"), n); err != nil {
			return err
		}
		if p.Values, err = dec.array(tensorKey("parameter", fp.Name, "values"), len(p.recs)); err != nil {
			return err
		}
	} else if p.Values, err = dec.array(tensorKey("parameter", fp.Name, "values"), n); err != nil {
		return err
	}
	return dec.c.add("parameter", fp.Name, p)
}

func (dec *modelDecoder) addVariable(fv fileSymbol) error {
	if fv.Sparse {
		return fmt.Errorf("a sparse variable")
	}
	typ := VarType(-1)
	for t := Free; t <= Integer; t++ {
		if t.String() == fv.Type {
			typ = t
		}
	}
	if typ < 0 {
		return fmt.Errorf("unknown type %q; want free, positive, negative, binary or integer", fv.Type)
	}
	domain, err := dec.setList(fv.Domain)
	if err != nil {
		return err
	}
	n, err := checkDomain("variable", fv.Name, domain)
	if err != nil {
		return err
	}
	v := &Variable{name: fv.Name, domain: domain, Type: typ}
	for _, a := range []arrayField{{"l", &v.L}, {"m", &v.M}, {"lo", &v.Lo}, {"up", &v.Up}, {"scale", &v.Scale}} {
		if *a.to, err = dec.array(tensorKey("variable", fv.Name, a.name), n); err != nil {
			return err
		}
	}
	return dec.c.add("variable", fv.Name, v)
}

func parseEqType(s string) (EqType, error) {
	for t := EQ; t <= NB; t++ {
		if t.String() == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown relation %q; want =E=, =L=, =G= or =N=", s)
}

func (dec *modelDecoder) addEquation(fe fileEquation) error {
	typ, err := parseEqType(fe.Type)
	if err != nil {
		return err
	}
	rel, err := parseEqType(fe.Relation)
	if err != nil {
		return err
	}
	domain, err := dec.setList(fe.Domain)
	if err != nil {
		return err
	}
	n, err := checkDomain("equation", fe.Name, domain)
	if err != nil {
		return err
	}
	e := &Equation{name: fe.Name, domain: domain}
	for _, a := range []arrayField{{"l", &e.L}, {"m", &e.M}, {"scale", &e.Scale}} {
		if *a.to, err = dec.array(tensorKey("equation", fe.Name, a.name), n); err != nil {
			return err
		}
	}
	if err := dec.c.add("equation", fe.Name, e); err != nil {
		return err
	}
	if fe.Cond != "" || fe.InlineCond != nil {
		cond, err := dec.condition(fe.Cond, fe.InlineCond)
		if err != nil {
			return err
		}
		if err := e.Where(cond); err != nil {
			return err
		}
	}
	lhs, err := dec.expr(fe.LHS)
	if err != nil {
		return fmt.Errorf("lhs: %w", err)
	}
	rhs, err := dec.expr(fe.RHS)
	if err != nil {
		return fmt.Errorf("rhs: %w", err)
	}
	if err := e.Define(&Relation{typ: rel, lhs: lhs, rhs: rhs}); err != nil {
		return err
	}
	e.Type = typ
	return nil
}

// freeze freezes the decoded model with the file's modifiables and gives them the
// base case of the file.
func (dec *modelDecoder) freeze(m *Model, ff *fileFrozen) error {
	mods := make([]Modifiable, len(ff.Modifiables))
	for k, fm := range ff.Modifiables {
		switch {
		case fm.Parameter != "" && fm.Variable == "" && fm.Attr == "":
			p, ok := dec.c.symbols[fm.Parameter].(*Parameter)
			if !ok {
				return fmt.Errorf("modifiable %d: parameter %s", k, describe(fm.Parameter, dec.c.symbols[fm.Parameter]))
			}
			mods[k] = p
		case fm.Parameter == "" && fm.Variable != "":
			v, ok := dec.c.symbols[fm.Variable].(*Variable)
			if !ok {
				return fmt.Errorf("modifiable %d: variable %s", k, describe(fm.Variable, dec.c.symbols[fm.Variable]))
			}
			kind, ok := attrKinds[fm.Attr]
			if !ok {
				return fmt.Errorf("modifiable %d: unknown attribute %q of variable %q", k, fm.Attr, fm.Variable)
			}
			mods[k] = VarAttr{v, kind}
		default:
			return fmt.Errorf("modifiable %d: want a parameter, or a variable and an attribute", k)
		}
	}
	// The modifiables' data at Freeze and now: the tensors are checked before the
	// model is frozen.
	type modData struct{ base, baseUp, cur, curUp []float64 }
	data := make([]modData, len(mods))
	for k, mod := range mods {
		n := len(containerData(mod))
		arrays := []arrayField{{"base", &data[k].base}, {"cur", &data[k].cur}}
		if a, ok := mod.(VarAttr); ok && a.kind == AttrFx {
			arrays = append(arrays, arrayField{"base_up", &data[k].baseUp}, arrayField{"cur_up", &data[k].curUp})
		}
		for _, a := range arrays {
			var err error
			if *a.to, err = dec.array(tensorKey("frozen", fmt.Sprint(k), a.name), n); err != nil {
				return fmt.Errorf("modifiable %s: %w", mod.modifiableName(), err)
			}
		}
	}
	if err := m.Freeze(mods...); err != nil {
		return fmt.Errorf("freezing the decoded model: %w", err)
	}
	f := m.frozen
	byName := map[string]*freeze.Mod{}
	for _, md := range f.kept.Mods {
		byName[md.Name] = md
	}
	for k, mod := range mods {
		md := byName[mod.modifiableName()]
		copy(md.Base, data[k].base)
		copy(md.Cur, data[k].cur)
		if md.BaseUp != nil {
			copy(md.BaseUp, data[k].baseUp)
			copy(md.CurUp, data[k].curUp)
		}
	}
	// The levels the instance starts from.
	if len(ff.Variables) != len(f.inst.vars) {
		return fmt.Errorf("the frozen instance has %d variables, the file %d", len(f.inst.vars), len(ff.Variables))
	}
	for i, v := range f.inst.vars {
		if ff.Variables[i] != v.name {
			return fmt.Errorf("the frozen instance's variable %d is %q, the file's %q", i, v.name, ff.Variables[i])
		}
		if l := f.kept.Lev[i]; l != nil {
			lev, err := dec.array(tensorKey("instance", fmt.Sprint(i), "l"), len(l))
			if err != nil {
				return err
			}
			copy(l, lev)
		}
	}
	return nil
}

// arrayField is an array of the data section and where its values go.
type arrayField struct {
	name string
	to   *[]float64
}

// containerData is the container's data of a modifiable (a fixed value's lower
// bounds).
func containerData(mod Modifiable) []float64 {
	switch x := mod.(type) {
	case *Parameter:
		return x.Values
	case VarAttr:
		return x.data()
	}
	return nil
}

// Save writes the model file of m (Encode) to path, atomically: a reader of path
// sees the old file or the new one, never part of it.
func (m *Model) Save(path string) error {
	meta, tensors, err := m.encode()
	if err != nil {
		return fmt.Errorf("nnopt: model %q: Save: %w", m.name, err)
	}
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		if err := modelfile.Write(bw, modelfile.ModelMagic, meta, tensors); err != nil {
			return err
		}
		return bw.Flush()
	}, 0o644)
}

// LoadModel reads the model file at path (DecodeModel).
func LoadModel(path string) (*Container, *Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("nnopt: %w", err)
	}
	defer f.Close()
	c, m, err := DecodeModel(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, m, nil
}
