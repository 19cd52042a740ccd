package trace

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Format is a predefined trace file format, numbered as the reference's trace format
// option.
type Format int

// Trace file formats; see the package documentation.
const (
	FormatStep        Format = 0
	FormatExit        Format = 1
	FormatSolve       Format = 2
	FormatPerformance Format = 3
	FormatAll         Format = 5
	// FormatCustom is the Format of a header that matches no predefined one.
	FormatCustom Format = -1
)

func (f Format) String() string {
	switch f {
	case FormatStep:
		return "0 (step and solve records)"
	case FormatExit:
		return "1 (exit and solve records)"
	case FormatSolve:
		return "2 (solve records)"
	case FormatPerformance:
		return "3 (performance-world solve records)"
	case FormatAll:
		return "5 (exit and solve records, all fields)"
	}
	return "custom"
}

// Definition is the field list of one record type.
type Definition struct {
	Kind   Kind
	Fields []Field
}

// Field is one entry of a record definition: a field name, or a literal (such as GAMS)
// that marks the record type in data lines.
type Field struct {
	Name    string
	Quoted  bool // written in double quotes
	Literal bool
}

// Header is the record definition block of a trace file.
type Header struct {
	Definitions []Definition
	// Comma is true when fields are separated by commas, false for blanks.
	Comma bool
	// Lines is the number of header lines (in a file that was read).
	Lines int
}

// Definition returns the definition records of kind k are written with: an Exit
// record uses the GamsStep definition when the header has no GamsExit one. The second
// result is false when the header defines no such record.
func (h *Header) Definition(k Kind) (*Definition, bool) {
	for i := range h.Definitions {
		if h.Definitions[i].Kind == k {
			return &h.Definitions[i], true
		}
	}
	if k == Exit {
		return h.Definition(Step)
	}
	return nil, false
}

// Format returns the predefined format the header equals, or FormatCustom.
func (h *Header) Format() Format {
	for _, f := range []Format{FormatStep, FormatExit, FormatSolve, FormatPerformance, FormatAll} {
		p, _ := f.Header()
		if h.equal(p) {
			return f
		}
	}
	return FormatCustom
}

func (h *Header) equal(o *Header) bool {
	if h.Comma != o.Comma || len(h.Definitions) != len(o.Definitions) {
		return false
	}
	for i, d := range h.Definitions {
		if d.Kind != o.Definitions[i].Kind || !slices.Equal(d.Fields, o.Definitions[i].Fields) {
			return false
		}
	}
	return true
}

// The reference's standard field lists.
const (
	stepFields  = `JobDate JobTime InputFileName GAMS GamsVersionID GamsReturnCode GamsErrorCount GamsStartupTime GamsCompTime GamsExecTime GamsCloseDownTime GamsTotalTime "User1"`
	solveFields = `JobDate JobTime InputFileName ModelType SolverName SolverStatus ModelStatus SolveNumber SolveLine SolverID SolverVersion NumberOfEquations NumberOfVariables NumberOfNonZeros NumberOfNonlinearNonZeros NumberOfInstructions NumberOfIterations ModelGenerationTime SolverReadTime SolverCalcTime SolverWriteTime ObjectiveValue "User1"`
	perfFields  = `InputFileName,ModelType,SolverName,NLP,MIP,JulianDate,Direction,NumberOfEquations,NumberOfVariables,NumberOfDiscreteVariables,NumberOfNonZeros,NumberOfNonlinearNonZeros,OptionFile,ModelStatus,SolverStatus,ObjectiveValue,ObjectiveValueEstimate,SolverTime,NumberOfIterations,NumberOfDomainViolations,NumberOfNodes,User1`
	allExit     = `JobDate JobTime JulianDate InputFileName GAMS GamsVersionID GamsReturnCode GamsErrorCount GamsStartupTime GamsCompTime GamsExecTime GamsCloseDownTime GamsTotalTime GamsElapsedTime "User1"`
	allSolve    = `JobDate JobTime JulianDate InputFileName ModelName ModelType SolverName SolverVersion Direction SolverStatus ModelStatus SolveNumber SolveLine OptionFile NumberOfEquations NumberOfVariables NumberOfDiscreteVariables NumberOfNonZeros NumberOfNonlinearNonZeros NumberOfIterations NumberOfNodes NumberOfDomainViolations Marginals ObjectiveValue ObjectiveValueEstimate SolverTime ETSolver ETSolve ETInterface ETAlg ModelGenerationTime "User1"`
)

// Header returns the header of a predefined format.
func (f Format) Header() (*Header, error) {
	def := func(k Kind, list string) Definition {
		d := Definition{Kind: k}
		for _, tok := range splitFields(list, strings.Contains(list, ",")) {
			fd, _ := parseField(tok)
			d.Fields = append(d.Fields, fd)
		}
		return d
	}
	switch f {
	case FormatStep:
		return &Header{Definitions: []Definition{def(Step, stepFields), def(Solve, solveFields)}}, nil
	case FormatExit:
		return &Header{Definitions: []Definition{def(Exit, stepFields), def(Solve, solveFields)}}, nil
	case FormatSolve:
		return &Header{Definitions: []Definition{def(Solve, solveFields)}}, nil
	case FormatPerformance:
		return &Header{Definitions: []Definition{def(Solve, perfFields)}, Comma: true}, nil
	case FormatAll:
		return &Header{Definitions: []Definition{def(Exit, allExit), def(Solve, allSolve)}}, nil
	}
	return nil, fmt.Errorf("trace: unknown trace file format %d; want 0, 1, 2, 3 or 5", int(f))
}

const headerTitle = "Trace Record Definition"

// String returns the header lines, each ending in a newline.
func (h *Header) String() string {
	var b strings.Builder
	b.WriteString("* " + headerTitle + "\n")
	sep := " "
	if h.Comma {
		sep = ","
	}
	for _, d := range h.Definitions {
		b.WriteString("* " + d.Kind.String() + "\n")
		names := make([]string, len(d.Fields))
		for i, f := range d.Fields {
			names[i] = f.Name
			if f.Quoted {
				names[i] = `"` + f.Name + `"`
			}
		}
		b.WriteString("* " + strings.Join(names, sep) + "\n")
	}
	b.WriteString("*\n")
	return b.String()
}

// literals are tokens of a definition that are not fields but stand for themselves.
var literals = map[string]bool{"GAMS": true}

func parseField(tok string) (Field, error) {
	f := Field{Name: tok}
	if len(tok) >= 2 && tok[0] == '"' && tok[len(tok)-1] == '"' {
		f.Name, f.Quoted = tok[1:len(tok)-1], true
	}
	if literals[f.Name] {
		f.Literal = true
		return f, nil
	}
	if _, ok := fields[f.Name]; !ok {
		return f, fmt.Errorf("unknown trace field %q", f.Name)
	}
	return f, nil
}

// headerParser reads a header line by line.
type headerParser struct {
	name string
	h    Header
	line int
	done bool
	cur  *Definition
}

// add takes the next line, which starts with '*'; it sets done at the closing "*".
func (p *headerParser) add(text string) error {
	p.line++
	body := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "*"))
	if p.line == 1 {
		if !strings.EqualFold(body, headerTitle) {
			return fmt.Errorf("trace: %s:1: not a trace file: the first line must be %q, not %q", p.name, "* "+headerTitle, text)
		}
		return nil
	}
	if body == "" {
		p.done = true
		return nil
	}
	for k, n := range kindNames {
		if strings.EqualFold(body, n) {
			if p.index(Kind(k)) >= 0 {
				return fmt.Errorf("trace: %s:%d: record type %s defined twice", p.name, p.line, n)
			}
			p.h.Definitions = append(p.h.Definitions, Definition{Kind: Kind(k)})
			p.cur = &p.h.Definitions[len(p.h.Definitions)-1]
			return nil
		}
	}
	if p.cur == nil {
		return fmt.Errorf("trace: %s:%d: field list %q before any record type line (GamsSolve, GamsStep, GamsExit)", p.name, p.line, body)
	}
	comma := strings.Contains(body, ",")
	if comma {
		p.h.Comma = true
	}
	for _, tok := range splitFields(body, comma) {
		f, err := parseField(tok)
		if err != nil {
			return fmt.Errorf("trace: %s:%d: %w", p.name, p.line, err)
		}
		p.cur.Fields = append(p.cur.Fields, f)
	}
	return nil
}

func (p *headerParser) index(k Kind) int {
	for i, d := range p.h.Definitions {
		if d.Kind == k {
			return i
		}
	}
	return -1
}

// finish checks the header once its lines are read.
func (p *headerParser) finish() (*Header, error) {
	if p.line == 0 {
		return nil, fmt.Errorf("trace: %s: empty file: no trace header", p.name)
	}
	if len(p.h.Definitions) == 0 {
		return nil, fmt.Errorf("trace: %s:%d: the header defines no record type", p.name, p.line)
	}
	for _, d := range p.h.Definitions {
		if len(d.Fields) == 0 {
			return nil, fmt.Errorf("trace: %s: record type %s has no fields", p.name, d.Kind)
		}
	}
	p.h.Lines = p.line
	h := p.h
	return &h, nil
}

// ParseHeader parses header text (the lines starting with '*' at the top of a trace
// file); name is used in errors.
func ParseHeader(name, text string) (*Header, error) {
	p := &headerParser{name: name}
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "*") {
			return nil, fmt.Errorf("trace: %s:%d: header line does not start with '*': %q", name, p.line+1, l)
		}
		if err := p.add(l); err != nil {
			return nil, err
		}
		if p.done {
			break
		}
	}
	return p.finish()
}

// splitFields splits a data or field-list line: on commas, or on runs of blanks
// outside double quotes. Quotes are kept.
func splitFields(s string, comma bool) []string {
	var out []string
	var b strings.Builder
	quoted, any := false, false
	flush := func() {
		if comma || any {
			out = append(out, strings.TrimSpace(b.String()))
		}
		b.Reset()
		any = false
	}
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
			any = true
		case quoted:
			b.WriteRune(r)
		case comma && r == ',':
			flush()
		case !comma && (r == ' ' || r == '\t'):
			if any {
				flush()
			}
		default:
			b.WriteRune(r)
			any = true
		}
	}
	if comma || any {
		flush()
	}
	return out
}

// fieldSpec reads and writes one field of a Record.
type fieldSpec struct {
	get func(r *Record) string
	set func(r *Record, v string) error // nil: read and ignored
}

func intField(p func(*Record) *int) fieldSpec {
	return fieldSpec{
		get: func(r *Record) string { return strconv.Itoa(*p(r)) },
		set: func(r *Record, v string) error {
			n, err := parseInt(v)
			*p(r) = n
			return err
		},
	}
}

func floatField(p func(*Record) *float64) fieldSpec {
	return fieldSpec{
		get: func(r *Record) string { return formatFloat(*p(r)) },
		set: func(r *Record, v string) error {
			f, err := parseFloat(v)
			*p(r) = f
			return err
		},
	}
}

func stringField(p func(*Record) *string) fieldSpec {
	return fieldSpec{
		get: func(r *Record) string { return *p(r) },
		set: func(r *Record, v string) error { *p(r) = v; return nil },
	}
}

// na is a field nnopt does not have: written NA, ignored when read.
var na = fieldSpec{get: func(*Record) string { return "NA" }}

// typeSolver is a per-model-type solver field: the record's solver (nnopt, clp or
// cbc) for the types it solves.
func typeSolver(types ...string) fieldSpec {
	return fieldSpec{get: func(r *Record) string {
		if r.SolverName != "" {
			for _, t := range types {
				if t == r.ModelType || t == "" {
					return r.SolverName
				}
			}
		}
		return "NA"
	}}
}

var fields = map[string]fieldSpec{
	"JobDate": {
		get: func(r *Record) string { return r.Time.Format("01/02/06") },
		set: func(r *Record, v string) error {
			d, err := time.ParseInLocation("01/02/06", v, time.Local)
			if err != nil {
				return fmt.Errorf("invalid date %q, want MM/DD/YY", v)
			}
			h, m, s := r.Time.Clock()
			r.Time = time.Date(d.Year(), d.Month(), d.Day(), h, m, s, 0, time.Local)
			return nil
		},
	},
	"JobTime": {
		get: func(r *Record) string { return r.Time.Format("15:04:05") },
		set: func(r *Record, v string) error {
			c, err := time.Parse("15:04:05", v)
			if err != nil {
				return fmt.Errorf("invalid time %q, want HH:MM:SS", v)
			}
			y, mo, d := r.Time.Date()
			r.Time = time.Date(y, mo, d, c.Hour(), c.Minute(), c.Second(), 0, time.Local)
			return nil
		},
	},
	"JulianDate": {
		get: func(r *Record) string { return strconv.FormatFloat(julianDate(r.Time), 'f', 6, 64) },
		set: func(r *Record, v string) error {
			f, err := parseFloat(v)
			if err == nil && !math.IsNaN(f) {
				r.Time = fromJulianDate(f)
			}
			return err
		},
	},
	"InputFileName":             stringField(func(r *Record) *string { return &r.InputFileName }),
	"ModelName":                 stringField(func(r *Record) *string { return &r.ModelName }),
	"ModelType":                 stringField(func(r *Record) *string { return &r.ModelType }),
	"SolverName":                stringField(func(r *Record) *string { return &r.SolverName }),
	"SolverVersion":             stringField(func(r *Record) *string { return &r.SolverVersion }),
	"SolverSignature":           stringField(func(r *Record) *string { return &r.SolverVersion }),
	"GamsVersionID":             stringField(func(r *Record) *string { return &r.VersionID }),
	"User1":                     stringField(func(r *Record) *string { return &r.User1 }),
	"SolverStatus":              intField(func(r *Record) *int { return &r.SolverStatus }),
	"ModelStatus":               intField(func(r *Record) *int { return &r.ModelStatus }),
	"SolveNumber":               intField(func(r *Record) *int { return &r.SolveNumber }),
	"SolveLine":                 intField(func(r *Record) *int { return &r.SolveLine }),
	"OptionFile":                intField(func(r *Record) *int { return &r.OptionFile }),
	"Direction":                 intField(func(r *Record) *int { return &r.Direction }),
	"NumberOfEquations":         intField(func(r *Record) *int { return &r.NumberOfEquations }),
	"NumberOfVariables":         intField(func(r *Record) *int { return &r.NumberOfVariables }),
	"NumberOfDiscreteVariables": intField(func(r *Record) *int { return &r.NumberOfDiscreteVariables }),
	"NumberOfNonZeros":          intField(func(r *Record) *int { return &r.NumberOfNonZeros }),
	"NumberOfNonlinearNonZeros": intField(func(r *Record) *int { return &r.NumberOfNonlinearNonZeros }),
	"NumberOfIterations":        intField(func(r *Record) *int { return &r.NumberOfIterations }),
	"NumberOfNodes":             intField(func(r *Record) *int { return &r.NumberOfNodes }),
	"NumberOfDomainViolations":  intField(func(r *Record) *int { return &r.NumberOfDomainViolations }),
	"Marginals":                 intField(func(r *Record) *int { return &r.Marginals }),
	"GamsReturnCode":            intField(func(r *Record) *int { return &r.ReturnCode }),
	"GamsErrorCount":            intField(func(r *Record) *int { return &r.ErrorCount }),
	"ObjectiveValue":            floatField(func(r *Record) *float64 { return &r.ObjectiveValue }),
	"ObjectiveValueEstimate":    floatField(func(r *Record) *float64 { return &r.ObjectiveValueEstimate }),
	"SolverTime":                floatField(func(r *Record) *float64 { return &r.SolverTime }),
	"ETSolver":                  floatField(func(r *Record) *float64 { return &r.ETSolver }),
	"SolverElapsedTime":         floatField(func(r *Record) *float64 { return &r.ETSolver }),
	"SolverRealTime":            floatField(func(r *Record) *float64 { return &r.ETSolver }),
	"ETSolve":                   floatField(func(r *Record) *float64 { return &r.ETSolve }),
	"ETInterface":               floatField(func(r *Record) *float64 { return &r.ETInterface }),
	"ETAlg":                     floatField(func(r *Record) *float64 { return &r.ETAlg }),
	"ModelGenerationTime":       floatField(func(r *Record) *float64 { return &r.ModelGenerationTime }),
	"GamsStartupTime":           floatField(func(r *Record) *float64 { return &r.StartupTime }),
	"GamsCompTime":              floatField(func(r *Record) *float64 { return &r.CompTime }),
	"GamsExecTime":              floatField(func(r *Record) *float64 { return &r.ExecTime }),
	"GamsCloseDownTime":         floatField(func(r *Record) *float64 { return &r.CloseDownTime }),
	"GamsTotalTime":             floatField(func(r *Record) *float64 { return &r.TotalTime }),
	"GamsElapsedTime":           floatField(func(r *Record) *float64 { return &r.ElapsedTime }),

	"SolverID": na, "NumberOfInstructions": na, "SolverReadTime": na, "SolverCalcTime": na,
	"SolverWriteTime": na, "ComputerName": na, "UserName": na, "Platform": na,
	"GamsLineNumber": na, "GamsElements": na, "GamsSymbols": na,
	"User2": na, "User3": na, "User4": na, "User5": na,

	"LP": typeSolver("LP"), "NLP": typeSolver("NLP"), "QCP": typeSolver("QCP"), "DNLP": typeSolver("DNLP"),
	"RMIP": typeSolver("RMIP"), "RMINLP": typeSolver("RMINLP"), "RMIQCP": typeSolver("RMIQCP"), "CNS": typeSolver("CNS"),
	"MIP": typeSolver("MIP"), "MINLP": typeSolver(), "MIQCP": typeSolver(), "MCP": typeSolver(),
	"MPEC": typeSolver(), "RMPEC": typeSolver(), "EMP": typeSolver(),
}

func formatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NA"
	case math.IsInf(v, 1):
		return "+INF"
	case math.IsInf(v, -1):
		return "-INF"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func isNA(v string) bool { return v == "" || strings.EqualFold(v, "NA") }

func parseFloat(v string) (float64, error) {
	switch {
	case isNA(v):
		return math.NaN(), nil
	case strings.EqualFold(v, "INF") || strings.EqualFold(v, "+INF"):
		return math.Inf(1), nil
	case strings.EqualFold(v, "-INF"):
		return math.Inf(-1), nil
	case strings.EqualFold(v, "EPS"):
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return math.NaN(), fmt.Errorf("invalid number %q", v)
	}
	return f, nil
}

func parseInt(v string) (int, error) {
	if isNA(v) {
		return 0, nil
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("invalid integer %q", v)
	}
	return int(f), nil
}

// encode returns the data line of r under d, without the newline.
func (h *Header) encode(d *Definition, r *Record) string {
	vals := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		if f.Literal {
			vals[i] = f.Name
			continue
		}
		v := fields[f.Name].get(r)
		v = strings.ReplaceAll(v, `"`, "'")
		v = strings.Map(func(c rune) rune {
			if c == '\n' || c == '\r' {
				return ' '
			}
			return c
		}, v)
		if h.Comma {
			if strings.Contains(v, ",") || f.Quoted || strings.HasPrefix(v, "*") {
				v = `"` + v + `"`
			}
		} else if f.Quoted || v == "" || strings.ContainsAny(v, " \t") || strings.HasPrefix(v, "*") {
			v = `"` + v + `"`
		}
		vals[i] = v
	}
	sep := " "
	if h.Comma {
		sep = ","
	}
	return strings.Join(vals, sep)
}

// decode parses a data line; the error has no file position.
func (h *Header) decode(line string) (Record, error) {
	// Writers never leave a quote open (encode replaces quotes in values), so an
	// open one is a cut line, such as a torn record that ends inside "User1".
	if strings.Count(line, `"`)%2 != 0 {
		return Record{}, fmt.Errorf("unterminated quoted field")
	}
	toks := splitFields(line, h.Comma)
	var best *Definition
	bestLit := -1
	var counts []string
	for i := range h.Definitions {
		d := &h.Definitions[i]
		counts = append(counts, fmt.Sprintf("%s has %d", d.Kind, len(d.Fields)))
		if len(d.Fields) != len(toks) {
			continue
		}
		lit, ok := 0, true
		for j, f := range d.Fields {
			if f.Literal {
				if unquote(toks[j]) != f.Name {
					ok = false
					break
				}
				lit++
			}
		}
		if ok && lit > bestLit {
			best, bestLit = d, lit
		}
	}
	if best == nil {
		return Record{}, fmt.Errorf("a line of %d fields matches no record definition (%s)", len(toks), strings.Join(counts, ", "))
	}
	r := NewRecord(best.Kind)
	r.Time = time.Time{}
	for j, f := range best.Fields {
		if f.Literal {
			continue
		}
		if set := fields[f.Name].set; set != nil {
			if err := set(&r, unquote(toks[j])); err != nil {
				return Record{}, fmt.Errorf("field %d (%s): %w", j+1, f.Name, err)
			}
		}
	}
	return r, nil
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
