package optfile

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/nnopt/nnopt/nlpsolve"
	"github.com/nnopt/nnopt/nlpsolve/grg"
)

// Solver is the solver name that option files are named after (nnopt.opt).
const Solver = "nnopt"

// Type is the type of an option's value.
type Type int

// Option value types.
const (
	Int   Type = iota // a whole number
	Float             // a real number
	Bool              // 1/0, yes/no, true/false, on/off
	Enum              // one of Option.Values
)

func (t Type) String() string {
	switch t {
	case Int:
		return "int"
	case Float:
		return "float"
	case Bool:
		return "bool"
	case Enum:
		return "enum"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Target says which symbols a dot option attribute applies to.
type Target uint8

// Dot option targets; an Option with Dot == 0 is a plain option.
const (
	Variables Target = 1 << iota
	Equations
)

func (t Target) String() string {
	switch t {
	case Variables:
		return "variables"
	case Equations:
		return "equations"
	case Variables | Equations:
		return "variables and equations"
	}
	return "no symbols"
}

// Value is a typed option value; the field that Type names holds it.
type Value struct {
	Type  Type
	Int   int64
	Float float64
	Bool  bool
	Str   string // Enum: the canonical (registered) spelling
}

// String formats v so that parsing it gives v back.
func (v Value) String() string {
	switch v.Type {
	case Int:
		return strconv.FormatInt(v.Int, 10)
	case Float:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case Bool:
		if v.Bool {
			return "1"
		}
		return "0"
	}
	return v.Str
}

// Option describes one registered option, or a dot option attribute when Dot
// is not zero.
type Option struct {
	// Name is canonical: lower case words of letters, digits and "-",
	// separated by single spaces.
	Name string
	// Aliases are other accepted spellings, canonical like Name.
	Aliases []string
	Type    Type
	// Min and Max bound Int and Float values (±Inf for none: values are
	// always finite); MinOpen and MaxOpen exclude the bound itself.
	Min, Max         float64
	MinOpen, MaxOpen bool
	// Values are the allowed Enum values, lower case.
	Values  []string
	Default Value
	// Doc is a one-line description.
	Doc string
	// Dot, when not zero, makes this a dot option attribute (x.scale 10) for
	// the symbols it names; plain option lines cannot set it.
	Dot Target
	// Apply stores a value in solver settings; nil for dot options, which the
	// caller applies to its symbols.
	Apply func(*nlpsolve.Settings, Value)
}

// Bounds describes the accepted values: "[0, 2147483647]", "(0, inf)",
// "lbfgs | newton-cg", "0 | 1"; empty when anything goes.
func (o *Option) Bounds() string {
	switch o.Type {
	case Bool:
		return "0 | 1"
	case Enum:
		return strings.Join(o.Values, " | ")
	}
	if math.IsInf(o.Min, -1) && math.IsInf(o.Max, 1) && !o.MinOpen && !o.MaxOpen {
		return ""
	}
	lb, rb := "[", "]"
	if o.MinOpen || math.IsInf(o.Min, -1) {
		lb = "("
	}
	if o.MaxOpen || math.IsInf(o.Max, 1) {
		rb = ")"
	}
	return lb + fmtBound(o.Min) + ", " + fmtBound(o.Max) + rb
}

func fmtBound(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case x == math.Trunc(x) && math.Abs(x) < 1e15:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// inBounds reports whether x is within the option's bounds; infinite bounds
// are never reached, so ±inf is never a value.
func (o *Option) inBounds(x float64) bool {
	if math.IsInf(x, 0) || x < o.Min || x > o.Max || (o.MinOpen && x == o.Min) || (o.MaxOpen && x == o.Max) {
		return false
	}
	return true
}

// expected says what a value of the option must be, for error messages.
func (o *Option) expected() string {
	switch o.Type {
	case Int:
		if b := o.Bounds(); b != "" {
			return "an integer in " + b
		}
		return "an integer"
	case Float:
		if b := o.Bounds(); b != "" {
			return "a real number in " + b
		}
		return "a real number"
	case Bool:
		return "a boolean (1/0, yes/no, true/false, on/off)"
	}
	return "one of " + strings.Join(o.Values, ", ")
}

// Registry holds the options one solver understands.
type Registry struct {
	opts     []*Option
	byName   map[string]*Option // canonical names and aliases
	maxWords int                // the most words in a name or alias
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]*Option{}} }

// Add registers o. It fails on a non-canonical or duplicate name, a reserved
// word ("echo"), a default outside the bounds, or an inconsistent type.
func (r *Registry) Add(o Option) error {
	names := append([]string{o.Name}, o.Aliases...)
	for _, n := range names {
		if !canonical(n) {
			return fmt.Errorf("optfile: option name %q is not canonical (lower case words of letters, digits and \"-\" separated by single spaces)", n)
		}
		if strings.SplitN(n, " ", 2)[0] == "echo" {
			return fmt.Errorf("optfile: option name %q: \"echo\" is reserved for echo on/off lines", n)
		}
		if _, dup := r.byName[n]; dup {
			return fmt.Errorf("optfile: option name %q registered twice", n)
		}
		if o.Dot != 0 && (n == "variables" || n == "equations") {
			return fmt.Errorf("optfile: dot option %q: the name is reserved", n)
		}
	}
	if o.Doc == "" || strings.ContainsAny(o.Doc, "\n\r|") {
		return fmt.Errorf("optfile: option %q needs a one-line Doc without \"|\"", o.Name)
	}
	if o.Dot&^(Variables|Equations) != 0 {
		return fmt.Errorf("optfile: option %q: bad Dot target %d", o.Name, o.Dot)
	}
	if o.Dot != 0 && o.Apply != nil {
		return fmt.Errorf("optfile: dot option %q cannot have an Apply function", o.Name)
	}
	if o.Dot == 0 && o.Apply == nil {
		return fmt.Errorf("optfile: option %q has no Apply function: an option must do something", o.Name)
	}
	if o.Default.Type != o.Type {
		return fmt.Errorf("optfile: option %q: default is %s, the option %s", o.Name, o.Default.Type, o.Type)
	}
	switch o.Type {
	case Int, Float:
		if math.IsNaN(o.Min) || math.IsNaN(o.Max) || o.Min > o.Max {
			return fmt.Errorf("optfile: option %q: bad bounds [%v, %v]", o.Name, o.Min, o.Max)
		}
		d := o.Default.Float
		if o.Type == Int {
			d = float64(o.Default.Int)
		}
		if !o.inBounds(d) {
			return fmt.Errorf("optfile: option %q: default %s is not in %s", o.Name, o.Default, o.Bounds())
		}
	case Bool:
	case Enum:
		if len(o.Values) == 0 {
			return fmt.Errorf("optfile: enum option %q has no values", o.Name)
		}
		seen := map[string]bool{}
		for _, v := range o.Values {
			if v == "" || v != strings.ToLower(v) || strings.IndexFunc(v, func(c rune) bool { return unicode.IsSpace(c) || c == '=' }) >= 0 || seen[v] {
				return fmt.Errorf("optfile: enum option %q: bad or duplicate value %q", o.Name, v)
			}
			seen[v] = true
		}
		if !seen[o.Default.Str] {
			return fmt.Errorf("optfile: enum option %q: default %q is not one of its values", o.Name, o.Default.Str)
		}
	default:
		return fmt.Errorf("optfile: option %q: unknown type %d", o.Name, o.Type)
	}
	p := &o
	p.Aliases = append([]string(nil), o.Aliases...)
	p.Values = append([]string(nil), o.Values...)
	r.opts = append(r.opts, p)
	for _, n := range names {
		r.byName[n] = p
		r.maxWords = max(r.maxWords, strings.Count(n, " ")+1)
	}
	return nil
}

// MustAdd is Add that panics on error, for registries built at init.
func (r *Registry) MustAdd(o Option) {
	if err := r.Add(o); err != nil {
		panic(err)
	}
}

// Lookup finds an option by a keyword as written in a file: case, runs of
// blanks and underscores between words do not matter.
func (r *Registry) Lookup(keyword string) (*Option, bool) {
	o, ok := r.byName[Normalize(keyword)]
	return o, ok
}

// Options returns the registered options sorted by name.
func (r *Registry) Options() []*Option {
	out := append([]*Option(nil), r.opts...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Normalize returns the canonical form of a keyword: lower case, words
// separated by single spaces, underscores counting as blanks.
func Normalize(keyword string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(keyword), func(c rune) bool {
		return c == '_' || unicode.IsSpace(c)
	}), " ")
}

func canonical(name string) bool {
	if name == "" || Normalize(name) != name {
		return false
	}
	for _, w := range strings.Split(name, " ") {
		if w[0] < 'a' || w[0] > 'z' {
			return false
		}
		for _, c := range w {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Suggest returns the registered name closest to keyword (plain options when
// dot is false, dot attributes otherwise), or "" when none is close: a name
// whose words start with the typed words ("grad tol" → "gradient tolerance"),
// else the one within the smallest edit distance (at most a third of its
// length, and at least 2).
func (r *Registry) Suggest(keyword string, dot bool) string {
	k := Normalize(keyword)
	if k == "" {
		return ""
	}
	best, bestD := "", math.MaxInt
	for _, o := range r.opts {
		if (o.Dot != 0) != dot {
			continue
		}
		for _, n := range append([]string{o.Name}, o.Aliases...) {
			if wordPrefix(k, n) {
				return o.Name
			}
			limit := max(2, len(n)/3)
			if len(k) > len(n)+limit || len(n) > len(k)+limit {
				continue // the distance is at least the difference in length
			}
			d := distance(k, n)
			if d <= limit && d < bestD {
				best, bestD = o.Name, d
			}
		}
	}
	return best
}

// wordPrefix reports whether every word of k starts the corresponding word
// of name, and k has at most as many words.
func wordPrefix(k, name string) bool {
	kw, nw := strings.Split(k, " "), strings.Split(name, " ")
	if len(kw) > len(nw) {
		return false
	}
	for i, w := range kw {
		if !strings.HasPrefix(nw[i], w) {
			return false
		}
	}
	return true
}

// distance is the optimal-string-alignment edit distance (insertions,
// deletions, substitutions and adjacent transpositions) between a and b.
func distance(a, b string) int {
	if len(a) > 200 || len(b) > 200 {
		return math.MaxInt / 2
	}
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Default returns nnopt's registry: the options that nlpsolve.Settings
// honours. Each call returns a fresh registry.
func Default() *Registry {
	r := NewRegistry()
	r.MustAdd(Option{
		Name: "iteration limit", Aliases: []string{"iterlim"}, Type: Int,
		Min: 0, Max: nlpsolve.MaxIterationLimit, Default: Value{Type: Int},
		Doc:   "Stop after this many iterations; 0 means no limit.",
		Apply: func(s *nlpsolve.Settings, v Value) { s.IterationLimit = int(v.Int) },
	})
	r.MustAdd(Option{
		Name: "time limit", Aliases: []string{"reslim"}, Type: Float,
		Min: 0, Max: nlpsolve.MaxTimeLimit.Seconds(), Default: Value{Type: Float},
		Doc: "Stop after this many seconds of solve time; 0 means no limit.",
		Apply: func(s *nlpsolve.Settings, v Value) {
			// The range check above is Seconds's, so the error cannot happen.
			s.TimeLimit, _ = nlpsolve.Seconds(v.Float)
		},
	})
	r.MustAdd(enumOption("method",
		"Search directions in the superbasic space: lbfgs (limited-memory quasi-Newton) or newton-cg (truncated Newton on exact Hessian products).",
		[]nlpsolve.Method{nlpsolve.LBFGS, nlpsolve.NewtonCG}, nlpsolve.DefaultMethod,
		func(s *nlpsolve.Settings, m nlpsolve.Method) { s.Method = m }))
	r.MustAdd(Option{
		Name: "gradient tolerance", Type: Float,
		Min: 0, Max: math.Inf(1), MinOpen: true, Default: Value{Type: Float, Float: nlpsolve.DefaultGradientTolerance},
		Doc:   "Optimal when the largest projected reduced gradient (RGmax) is at most this.",
		Apply: func(s *nlpsolve.Settings, v Value) { s.GradientTolerance = v.Float },
	})
	r.MustAdd(Option{
		Name: "memory", Type: Int,
		Min: 1, Max: nlpsolve.MaxMemory, Default: Value{Type: Int, Int: nlpsolve.DefaultMemory},
		Doc:   "Curvature pairs kept by the lbfgs method.",
		Apply: func(s *nlpsolve.Settings, v Value) { s.Memory = int(v.Int) },
	})
	r.MustAdd(Option{
		Name: "scale", Type: Float, Dot: Variables | Equations,
		Min: nlpsolve.MinScale, Max: nlpsolve.MaxScale, MinOpen: true, Default: Value{Type: Float, Float: 1},
		Doc: "Scale of the variable or equation elements the dot option names (x.scale 0.25, e.scale 100): the solver works on x/scale and on rows divided by their scale; levels and marginals are reported unscaled.",
	})
	r.MustAdd(enumOption("scaling",
		"Scaling of the variables the solver moves: auto (the variables' Scale times one factor per variable block, from the Jacobian's row norms; the general method refuses it) or user (the variables' Scale alone; without it the general method scales, where no Scale is set, each variable whose start is 10 or more in magnitude, and each row whose largest coefficient at the start is below 0.1; without it both methods hold an objective whose value and derivatives at the start (in the general method, at the start or where it stops) are below 0.1 to the gradient tolerance as if multiplied up to derivatives of about 1).",
		[]nlpsolve.Scaling{nlpsolve.ScaleAuto, nlpsolve.ScaleUser}, nlpsolve.ScaleAuto,
		func(s *nlpsolve.Settings, m nlpsolve.Scaling) { s.Scaling = m }))
	r.MustAdd(Option{
		Name: "feasibility tolerance", Type: Float,
		Min: 0, Max: nlpsolve.MaxFeasibilityTolerance, MinOpen: true, Default: Value{Type: Float, Float: nlpsolve.DefaultFeasibilityTolerance},
		Doc:   "General method: the largest row residual accepted as feasible; a row violated by more than this (or than 1e-6, where this is smaller) is reported infeasible.",
		Apply: func(s *nlpsolve.Settings, v Value) { s.FeasibilityTolerance = v.Float },
	})
	r.MustAdd(Option{
		Name: "phase1 objective weight", Type: Float,
		Min: 0, Max: math.Inf(1), Default: Value{Type: Float, Float: grg.DefaultPhase1ObjectiveWeight},
		Doc: "General method: phase 1 minimises the sum of infeasibilities plus a weight times the objective, the weight starting at this fraction of the ratio of their reduced gradients and falling as phase 1 proceeds; 0 gives the plain phase 1.",
		Apply: func(s *nlpsolve.Settings, v Value) {
			s.Phase1ObjectiveWeight = v.Float
			if v.Float == 0 {
				s.Phase1ObjectiveWeight = -1 // Settings' zero is the default; negative is off
			}
		},
	})
	r.MustAdd(Option{
		Name: "phase1 pin held rows", Type: Bool, Default: Value{Type: Bool},
		Doc:   "General method: phase 1 holds every row satisfied at its start as if an equality (an artificial basic at zero) instead of keeping its slack basic; another path, which may reach another local optimum.",
		Apply: func(s *nlpsolve.Settings, v Value) { s.Phase1PinHeldRows = v.Bool },
	})
	r.MustAdd(enumOption("elimination",
		"Equations that define a variable and are eliminated (the variable computed by a sweep, not moved by the solver): defined (every one the method can; the general method's log names them) or none (every equation stays rows; the general method).",
		[]nlpsolve.Elimination{nlpsolve.EliminateDefined, nlpsolve.EliminateNone}, nlpsolve.EliminateDefined,
		func(s *nlpsolve.Settings, e nlpsolve.Elimination) { s.Elimination = e }))
	return r
}

// enumOption is an Enum option whose values are the names (String) of values, with
// def's name as its default; Apply hands set the value named.
func enumOption[T fmt.Stringer](name, doc string, values []T, def T, set func(*nlpsolve.Settings, T)) Option {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = v.String()
	}
	return Option{
		Name: name, Type: Enum, Values: names, Doc: doc,
		Default: Value{Type: Enum, Str: def.String()},
		Apply: func(s *nlpsolve.Settings, v Value) {
			for _, x := range values {
				if x.String() == v.Str {
					set(s, x)
				}
			}
		},
	}
}
