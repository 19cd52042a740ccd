package optfile

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nnopt/nnopt/nlpsolve"
)

// Kind is the kind of a file entry.
type Kind int

// Entry kinds.
const (
	OptionEntry  Kind = iota // keyword(s) value
	DotEntry                 // symbol.attribute(labels) value
	EchoEntry                // echo on | echo off
	CommentEntry             // * text
)

func (k Kind) String() string {
	if k < 0 || k > CommentEntry {
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
	return [...]string{"option", "dot option", "echo", "comment"}[k]
}

// Wildcard is the label that matches every element in its index position.
const Wildcard = "*"

// Symbols that a dot option may name to mean every variable or every equation.
const (
	AllVariables = "variables"
	AllEquations = "equations"
)

// MaxDim is the most labels a dot option may have.
const MaxDim = 20

// Entry is one non-blank line of an option file.
type Entry struct {
	Kind Kind
	Line int // 1-based line number
	// Option is the registered option (OptionEntry) or attribute (DotEntry).
	Option *Option
	Value  Value
	// Symbol is the symbol name as written, or AllVariables / AllEquations
	// (DotEntry).
	Symbol string
	// Labels are the index labels (DotEntry): nil for the whole symbol, else
	// one per index position, Wildcard for every element.
	Labels []string
	Echo   bool   // EchoEntry: on
	Text   string // CommentEntry: the text after the "*", trailing blanks dropped
}

// Matches reports whether a dot entry covers the element of its symbol with
// these labels: a whole-symbol entry matches everything, else the labels must
// be as many and each equal (ignoring case, as GAMS does) or Wildcard.
func (e *Entry) Matches(labels []string) bool {
	if e.Labels == nil {
		return true
	}
	if len(labels) != len(e.Labels) {
		return false
	}
	for i, l := range e.Labels {
		if l != Wildcard && !strings.EqualFold(l, labels[i]) {
			return false
		}
	}
	return true
}

// String formats the entry as one option file line.
func (e *Entry) String() string {
	switch e.Kind {
	case CommentEntry:
		return "*" + e.Text
	case EchoEntry:
		if e.Echo {
			return "echo on"
		}
		return "echo off"
	}
	if e.Option == nil {
		return "* (an entry without an option)"
	}
	if e.Kind == OptionEntry {
		return e.Option.Name + " " + e.Value.String()
	}
	var b strings.Builder
	b.WriteString(e.Symbol)
	b.WriteByte('.')
	b.WriteString(strings.ReplaceAll(e.Option.Name, " ", "_"))
	if e.Labels != nil {
		b.WriteByte('(')
		for i, l := range e.Labels {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteLabel(l))
		}
		b.WriteByte(')')
	}
	b.WriteByte(' ')
	b.WriteString(e.Value.String())
	return b.String()
}

func quoteLabel(l string) string {
	if l == Wildcard {
		return l
	}
	plain := l != ""
	for i := 0; i < len(l); i++ {
		if !labelByte(l[i]) {
			plain = false
			break
		}
	}
	if plain {
		return l
	}
	if strings.Contains(l, "'") {
		return `"` + l + `"`
	}
	return "'" + l + "'"
}

// labelByte reports whether c may appear in an unquoted label.
func labelByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '+' || c == '-'
}

// File is a parsed option file.
type File struct {
	Name    string
	Entries []Entry
	lines   []string
}

// Format writes the entries back as option file text, one line each, in
// canonical spelling; parsing it gives the same entries (line numbers aside).
func (f *File) Format() string {
	var b strings.Builder
	for i := range f.Entries {
		b.WriteString(f.Entries[i].String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Echo writes the file's lines as a solver echoes its option file to the log:
// every line except those after an "echo off" and before the next "echo on"
// (the "echo off" line itself is not written, "echo on" is).
func (f *File) Echo(w io.Writer) error {
	on := true
	echo := map[int]bool{}
	for _, e := range f.Entries {
		if e.Kind == EchoEntry {
			echo[e.Line] = e.Echo
		}
	}
	for i, l := range f.lines {
		if v, ok := echo[i+1]; ok {
			on = v
		}
		if on {
			if _, err := fmt.Fprintf(w, "    %s\n", l); err != nil {
				return err
			}
		}
	}
	return nil
}

// Apply stores the plain options, in file order, in set (a later line wins).
// Dot options are left to the caller: see DotOptions.
func (f *File) Apply(set *nlpsolve.Settings) {
	for _, e := range f.Entries {
		if e.Kind == OptionEntry && e.Option.Apply != nil {
			e.Option.Apply(set, e.Value)
		}
	}
}

// DotOptions returns the dot option entries in file order, the order in which
// they are to be applied.
func (f *File) DotOptions() []Entry {
	var out []Entry
	for _, e := range f.Entries {
		if e.Kind == DotEntry {
			out = append(out, e)
		}
	}
	return out
}

// Error is a problem on one line of an option file.
type Error struct {
	File string
	Line int // 0 when not about a line (a read error)
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ErrorList is every error of a file, in line order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap gives errors.As access to each *Error.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// maxErrors is the most errors Parse reports before giving up.
const maxErrors = 25

// OptFileName is the name of option file number n of a solver, as GAMS names
// them: 1 → solver.opt, 2..9 → solver.op2..op9, 10..99 → solver.o10..o99,
// 100..999 → solver.100..999. It is "" for n outside 1..999 (no option file).
func OptFileName(solver string, n int) string {
	s := strings.ToLower(solver)
	switch {
	case n == 1:
		return s + ".opt"
	case n >= 2 && n <= 9:
		return s + ".op" + strconv.Itoa(n)
	case n >= 10 && n <= 99:
		return s + ".o" + strconv.Itoa(n)
	case n >= 100 && n <= 999:
		return s + "." + strconv.Itoa(n)
	}
	return ""
}

// ReadFile parses the option file at path; errors name the path.
func ReadFile(path string, reg *Registry) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return Parse(path, fh, reg)
}

// Parse reads an option file; name is used in error messages. On error it
// returns an ErrorList with every bad line (up to 25).
func Parse(name string, r io.Reader, reg *Registry) (*File, error) {
	if reg == nil {
		reg = NewRegistry()
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, ErrorList{{File: name, Msg: "read: " + err.Error()}}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	lines := strings.Split(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	f := &File{Name: name, lines: lines}
	var errs ErrorList
	for i, l := range lines {
		e, msg := parseLine(l, reg)
		if msg != "" {
			errs = append(errs, &Error{File: name, Line: i + 1, Msg: msg})
			if len(errs) == maxErrors {
				errs = append(errs, &Error{File: name, Line: i + 1, Msg: "too many errors; stopped here"})
				break
			}
			continue
		}
		if e != nil {
			e.Line = i + 1
			f.Entries = append(f.Entries, *e)
		}
	}
	if errs != nil {
		return nil, errs
	}
	return f, nil
}

// parseLine parses one line; a nil entry and "" is a blank line.
func parseLine(line string, reg *Registry) (*Entry, string) {
	if strings.HasPrefix(line, "*") {
		return &Entry{Kind: CommentEntry, Text: strings.TrimRightFunc(line[1:], unicode.IsSpace)}, ""
	}
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil, ""
	}
	if strings.HasPrefix(fields[0], "*") {
		return nil, "a comment must start with \"*\" in the first column"
	}
	if strings.EqualFold(fields[0], "echo") {
		if len(fields) == 2 {
			switch strings.ToLower(fields[1]) {
			case "on":
				return &Entry{Kind: EchoEntry, Echo: true}, ""
			case "off":
				return &Entry{Kind: EchoEntry}, ""
			}
		}
		return nil, fmt.Sprintf("echo: expected \"echo on\" or \"echo off\", got %q", clip(strings.Join(fields, " ")))
	}
	// A dot option's first word has a "." (before any "=": time_limit=2.5
	// is a plain option).
	if head, _, _ := strings.Cut(fields[0], "="); strings.Contains(head, ".") {
		return parseDot(line, reg)
	}
	return parsePlain(fields, reg)
}

// splitEquals splits tokens further at "=", keeping "=" as a token.
func splitEquals(fields []string) []string {
	var out []string
	for _, f := range fields {
		for f != "" {
			i := strings.IndexByte(f, '=')
			if i < 0 {
				out = append(out, f)
				break
			}
			if i > 0 {
				out = append(out, f[:i])
			}
			out = append(out, "=")
			f = f[i+1:]
		}
	}
	return out
}

func parsePlain(fields []string, reg *Registry) (*Entry, string) {
	toks := splitEquals(fields)
	var opt *Option
	var rest []string
	if eq := indexOf(toks, "="); eq >= 0 && eq <= reg.maxWords {
		if o, ok := reg.Lookup(strings.Join(toks[:eq], " ")); ok {
			opt, rest = o, toks[eq:]
		}
	} else {
		// A token holds at least one word, so a keyword spans at most
		// maxWords tokens.
		for k := min(len(toks), reg.maxWords); k >= 1; k-- {
			if o, ok := reg.Lookup(strings.Join(toks[:k], " ")); ok {
				opt, rest = o, toks[k:]
				break
			}
		}
	}
	if opt == nil {
		return nil, unknownKeyword(toks, reg)
	}
	if opt.Dot != 0 {
		return nil, fmt.Sprintf("%q is a dot option: write <symbol>.%s <value> (for %s)", opt.Name, strings.ReplaceAll(opt.Name, " ", "_"), opt.Dot)
	}
	v, msg := parseValue(opt, rest)
	if msg != "" {
		return nil, msg
	}
	return &Entry{Kind: OptionEntry, Option: opt, Value: v}, ""
}

func indexOf(s []string, x string) int {
	for i, t := range s {
		if t == x {
			return i
		}
	}
	return -1
}

func unknownKeyword(toks []string, reg *Registry) string {
	kw := toks
	if eq := indexOf(toks, "="); eq >= 0 {
		kw = toks[:eq]
	} else if len(toks) > 1 {
		kw = toks[:len(toks)-1]
	}
	// The closest name over every word prefix of the line.
	best, bestKw, bestD := "", "", math.MaxInt
	for k := 1; k <= len(toks) && k <= 8; k++ {
		if toks[k-1] == "=" {
			break
		}
		cand := Normalize(strings.Join(toks[:k], " "))
		if s := reg.Suggest(cand, false); s != "" {
			if d := distance(cand, s); d <= bestD {
				best, bestKw, bestD = s, cand, d
			}
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown option %q; did you mean %q?", bestKw, best)
	}
	if len(kw) > 8 {
		kw = append(kw[:8:8], "...")
	}
	msg := fmt.Sprintf("unknown option %q", clip(strings.Join(kw, " ")))
	if len(kw) == 0 {
		msg = "expected an option keyword before \"=\""
	}
	var names []string
	for _, x := range reg.Options() {
		if x.Dot == 0 {
			names = append(names, x.Name)
		}
	}
	if len(names) > 0 && len(names) <= 12 {
		msg += "; expected one of: " + strings.Join(names, ", ")
	}
	return msg
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 60 {
		i := 57
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "..."
	}
	return s
}

// parseValue parses the tokens after a keyword: an optional "=", then one value.
func parseValue(o *Option, toks []string) (Value, string) {
	if len(toks) > 0 && toks[0] == "=" {
		toks = toks[1:]
	}
	if len(toks) == 0 {
		if o.Type == Bool {
			return Value{Type: Bool, Bool: true}, ""
		}
		return Value{}, fmt.Sprintf("%s: missing value; expected %s", o.Name, o.expected())
	}
	if len(toks) > 1 {
		return Value{}, fmt.Sprintf("%s: unexpected %q after the value %q (one value per line; comments need \"*\" in the first column)", o.Name, clip(strings.Join(toks[1:], " ")), clip(toks[0]))
	}
	s := toks[0]
	bad := func() (Value, string) {
		return Value{}, fmt.Sprintf("%s: bad value %q; expected %s", o.Name, clip(s), o.expected())
	}
	switch o.Type {
	case Int:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
				return bad()
			}
			i = int64(f)
		}
		if !o.inBounds(float64(i)) {
			return bad()
		}
		return Value{Type: Int, Int: i}, ""
	case Float:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || !o.inBounds(f) {
			return bad()
		}
		return Value{Type: Float, Float: f}, ""
	case Bool:
		switch strings.ToLower(s) {
		case "1", "yes", "true", "on":
			return Value{Type: Bool, Bool: true}, ""
		case "0", "no", "false", "off":
			return Value{Type: Bool}, ""
		}
		return bad()
	}
	ls := strings.ToLower(s)
	for _, v := range o.Values {
		if v == ls {
			return Value{Type: Enum, Str: v}, ""
		}
	}
	return bad()
}

// scanner walks a dot option line.
type scanner struct {
	s string
	i int
}

func (sc *scanner) skipSpace() {
	for sc.i < len(sc.s) {
		r, n := utf8.DecodeRuneInString(sc.s[sc.i:])
		if !unicode.IsSpace(r) {
			return
		}
		sc.i += n
	}
}

func (sc *scanner) peek() byte {
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

// ident scans letters, digits and underscores.
func (sc *scanner) ident() string {
	j := sc.i
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			break
		}
		sc.i++
	}
	return sc.s[j:sc.i]
}

func parseDot(line string, reg *Registry) (*Entry, string) {
	sc := &scanner{s: line}
	sc.skipSpace()
	sym := sc.ident()
	if sym == "" || !(sym[0] >= 'a' && sym[0] <= 'z' || sym[0] >= 'A' && sym[0] <= 'Z') || sc.peek() != '.' {
		return nil, fmt.Sprintf("expected a dot option <symbol>.<attribute> [(labels)] <value> with a symbol name (a letter, then letters, digits, \"_\") before the \".\", got %q", clip(strings.Fields(line)[0]))
	}
	sc.i++
	attr := sc.ident()
	if attr == "" {
		return nil, fmt.Sprintf("%s.: expected an attribute name after the \".\"", sym)
	}
	opt, ok := reg.Lookup(attr)
	if !ok || opt.Dot == 0 {
		if ok {
			return nil, fmt.Sprintf("%s.%s: %q is not a dot option; set it on a line of its own: %s <value>", sym, attr, opt.Name, opt.Name)
		}
		if s := reg.Suggest(attr, true); s != "" {
			return nil, fmt.Sprintf("%s.%s: unknown dot option %q; did you mean %q?", sym, attr, Normalize(attr), s)
		}
		var names []string
		for _, o := range reg.Options() {
			if o.Dot != 0 {
				names = append(names, strings.ReplaceAll(o.Name, " ", "_"))
			}
		}
		if names == nil {
			return nil, fmt.Sprintf("%s.%s: unknown dot option %q; there are no dot options", sym, attr, Normalize(attr))
		}
		return nil, fmt.Sprintf("%s.%s: unknown dot option %q; expected one of: %s", sym, attr, Normalize(attr), strings.Join(names, ", "))
	}
	e := &Entry{Kind: DotEntry, Option: opt, Symbol: sym}
	where := sym + "." + attr
	switch ls := strings.ToLower(sym); ls {
	case AllVariables, AllEquations:
		e.Symbol = ls
		t := Variables
		if ls == AllEquations {
			t = Equations
		}
		if opt.Dot&t == 0 {
			return nil, fmt.Sprintf("%s: %q applies to %s only", where, opt.Name, opt.Dot)
		}
	}
	sc.skipSpace()
	if sc.peek() == '(' {
		if e.Symbol == AllVariables || e.Symbol == AllEquations {
			return nil, fmt.Sprintf("%s: %s.%s takes no labels", where, e.Symbol, attr)
		}
		sc.i++
		e.Labels = []string{}
		for {
			sc.skipSpace()
			l, msg := sc.label()
			if msg != "" {
				return nil, fmt.Sprintf("%s: %s", where, msg)
			}
			e.Labels = append(e.Labels, l)
			if len(e.Labels) > MaxDim {
				return nil, fmt.Sprintf("%s: more than %d labels", where, MaxDim)
			}
			sc.skipSpace()
			c := sc.peek()
			sc.i++
			if c == ')' {
				break
			}
			if c != ',' {
				return nil, fmt.Sprintf("%s: expected \",\" or \")\" after label %q", where, clip(l))
			}
		}
	}
	v, msg := parseValue(opt, splitEquals(strings.Fields(sc.s[min(sc.i, len(sc.s)):])))
	if msg != "" {
		return nil, where + ": " + msg
	}
	e.Value = v
	return e, ""
}

// label scans one label: *, 'quoted', "quoted" or unquoted.
func (sc *scanner) label() (string, string) {
	c := sc.peek()
	switch {
	case c == '*':
		sc.i++
		return Wildcard, ""
	case c == '\'' || c == '"':
		j := strings.IndexByte(sc.s[sc.i+1:], c)
		if j < 0 {
			return "", fmt.Sprintf("missing closing %c in a quoted label", c)
		}
		l := strings.TrimRightFunc(sc.s[sc.i+1:sc.i+1+j], unicode.IsSpace)
		sc.i += j + 2
		if l == "" {
			return "", "empty label"
		}
		if l == Wildcard {
			return "", "'*' cannot be a label: write * unquoted for every element"
		}
		if strings.IndexFunc(l, func(r rune) bool { return unicode.IsControl(r) }) >= 0 {
			return "", fmt.Sprintf("label %q has a control character", clip(l))
		}
		return l, ""
	case labelByte(c):
		j := sc.i
		for sc.i < len(sc.s) && labelByte(sc.s[sc.i]) {
			sc.i++
		}
		return sc.s[j:sc.i], ""
	case c == 0:
		return "", "expected a label and \")\" before the end of the line"
	}
	r, _ := utf8.DecodeRuneInString(sc.s[sc.i:])
	return "", fmt.Sprintf("expected a label (letters, digits, _, +, -; or quoted with ' or \"; or *), got %q", r)
}
