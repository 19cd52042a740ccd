package nnopt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
)

// The options as a model file and EncodeOptions write them: a JSON object of the
// fields that are data, each omitted when zero (not set), enumerations by name and
// numbers as exact decimal strings (see jfloat).

// optionsFormat names the document EncodeOptions writes.
const optionsFormat = "nnopt-options"

// fileOptions is Options in a file.
type fileOptions struct {
	Format            string            `json:"format,omitempty"` // optionsFormat in a document of its own
	Version           int               `json:"version,omitempty"`
	IterationLimit    int               `json:"iteration_limit,omitempty"`
	TimeLimit         time.Duration     `json:"time_limit_ns,omitempty"`
	Method            string            `json:"method,omitempty"`
	GradientTolerance jfloat            `json:"gradient_tolerance,omitempty"`
	Memory            int               `json:"memory,omitempty"`
	Scaling           string            `json:"scaling,omitempty"`
	Elimination       string            `json:"elimination,omitempty"`
	FeasibilityTol    jfloat            `json:"feasibility_tolerance,omitempty"`
	Phase1Weight      jfloat            `json:"phase1_objective_weight,omitempty"`
	Phase1PinHeldRows bool              `json:"phase1_pin_held_rows,omitempty"`
	Solvers           map[string]string `json:"solvers,omitempty"`
	SavePoint         string            `json:"save_point,omitempty"`
	Threads           int               `json:"threads,omitempty"`
	ReportSolution    string            `json:"report_solution,omitempty"`
	Freeze            *fileFreezeOpts   `json:"freeze,omitempty"`
	MIP               *fileMIPOpts      `json:"mip,omitempty"`
}

type fileFreezeOpts struct {
	UpdateType   string `json:"update_type"`
	NoMatchLimit int    `json:"no_match_limit"`
}

type fileMIPOpts struct {
	RelativeGap jfloat `json:"relative_gap,omitempty"`
	AbsoluteGap jfloat `json:"absolute_gap,omitempty"`
	NodeLimit   int    `json:"node_limit,omitempty"`
	Start       bool   `json:"start,omitempty"`
}

// The names of the enumerations' values in a file, the zero value ("not set")
// included, so that every value the options hold travels as itself.
var (
	methodNames      = map[Method]string{DefaultMethod: "default", LBFGS: "lbfgs", NewtonCG: "newton-cg"}
	scalingNames     = map[Scaling]string{DefaultScaling: "default", ScaleAuto: "auto", ScaleUser: "user"}
	eliminationNames = map[Elimination]string{DefaultElimination: "default", EliminateDefined: "defined", EliminateNone: "none"}
	reportNames      = map[Report]string{ReportUnset: "unset", ReportListing: "listing", ReportNone: "none"}
)

// nameOf is the file name of v in names; zero values are omitted from the file.
func nameOf[T comparable](field string, v T, names map[T]string) (string, error) {
	var zero T
	if v == zero {
		return "", nil
	}
	n, ok := names[v]
	if !ok {
		return "", fmt.Errorf("nnopt: option %s: value %v has no name in a model file; want one of %v", field, v, sortedNames(names))
	}
	return n, nil
}

// valueOf is the value named n in names ("" for the zero value).
func valueOf[T comparable](field, n string, names map[T]string) (T, error) {
	var zero T
	if n == "" {
		return zero, nil
	}
	for v, name := range names {
		if name == n {
			return v, nil
		}
	}
	return zero, fmt.Errorf("option %s: unknown value %q; want one of %v", field, n, sortedNames(names))
}

func sortedNames[T comparable](names map[T]string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// toFile converts o, refusing the fields that cannot travel. where prefixes the
// fields' names in errors (Options, Container.Options, ...).
func (o Options) toFile(where string) (*fileOptions, error) {
	refuse := func(field, what string) error {
		return fmt.Errorf("nnopt: %s.%s is %s, which cannot be written to a file; clear it and set it where the model is solved (%w)", where, field, what, ErrUnsupported)
	}
	switch {
	case o.Output != nil:
		return nil, refuse("Output", "a writer")
	case o.OnIteration != nil:
		return nil, refuse("OnIteration", "a function")
	case o.Trace != nil:
		return nil, refuse("Trace", "a recorder")
	case o.Device != nil:
		return nil, refuse("Device", "an open backend")
	}
	f := &fileOptions{IterationLimit: o.IterationLimit, TimeLimit: o.TimeLimit, GradientTolerance: jfloat(o.GradientTolerance),
		Memory: o.Memory, SavePoint: o.SavePoint, Threads: o.Threads,
		FeasibilityTol: jfloat(o.FeasibilityTolerance), Phase1Weight: jfloat(o.Phase1ObjectiveWeight), Phase1PinHeldRows: o.Phase1PinHeldRows}
	var err error
	if f.Method, err = nameOf(where+".Method", o.Method, methodNames); err != nil {
		return nil, err
	}
	if f.Scaling, err = nameOf(where+".Scaling", o.Scaling, scalingNames); err != nil {
		return nil, err
	}
	if f.Elimination, err = nameOf(where+".Elimination", o.Elimination, eliminationNames); err != nil {
		return nil, err
	}
	if f.ReportSolution, err = nameOf(where+".ReportSolution", o.ReportSolution, reportNames); err != nil {
		return nil, err
	}
	if len(o.Solvers) > 0 {
		f.Solvers = make(map[string]string, len(o.Solvers))
		for p, s := range o.Solvers {
			if p < LP || p > MPSGE {
				return nil, fmt.Errorf("nnopt: %s.Solvers: unknown problem type %d", where, int(p))
			}
			f.Solvers[p.String()] = s
		}
	}
	if o.Freeze != (FreezeOptions{}) {
		if o.Freeze.UpdateType < UpdateBaseCase || o.Freeze.UpdateType > UpdateAccumulate {
			return nil, fmt.Errorf("nnopt: %s.Freeze.UpdateType %d: want UpdateBaseCase, UpdateZero or UpdateAccumulate", where, int(o.Freeze.UpdateType))
		}
		f.Freeze = &fileFreezeOpts{UpdateType: o.Freeze.UpdateType.String(), NoMatchLimit: o.Freeze.NoMatchLimit}
	}
	if o.MIP != (MIPOptions{}) {
		f.MIP = &fileMIPOpts{RelativeGap: jfloat(o.MIP.RelativeGap), AbsoluteGap: jfloat(o.MIP.AbsoluteGap), NodeLimit: o.MIP.NodeLimit, Start: o.MIP.Start}
	}
	return f, nil
}

// options converts a file's options back; where names them in errors.
func (f *fileOptions) options(where string) (Options, error) {
	o := Options{IterationLimit: f.IterationLimit, TimeLimit: f.TimeLimit, GradientTolerance: float64(f.GradientTolerance),
		Memory: f.Memory, SavePoint: f.SavePoint, Threads: f.Threads,
		FeasibilityTolerance: float64(f.FeasibilityTol), Phase1ObjectiveWeight: float64(f.Phase1Weight), Phase1PinHeldRows: f.Phase1PinHeldRows}
	var err error
	wrap := func(err error) error { return fmt.Errorf("%s: %w", where, err) }
	if o.Method, err = valueOf("method", f.Method, methodNames); err != nil {
		return Options{}, wrap(err)
	}
	if o.Scaling, err = valueOf("scaling", f.Scaling, scalingNames); err != nil {
		return Options{}, wrap(err)
	}
	if o.Elimination, err = valueOf("elimination", f.Elimination, eliminationNames); err != nil {
		return Options{}, wrap(err)
	}
	if o.ReportSolution, err = valueOf("report_solution", f.ReportSolution, reportNames); err != nil {
		return Options{}, wrap(err)
	}
	if len(f.Solvers) > 0 {
		o.Solvers = make(map[Problem]string, len(f.Solvers))
		for p, s := range f.Solvers {
			prob, err := ParseProblem(p)
			if err != nil {
				return Options{}, wrap(fmt.Errorf("option solvers: %w", err))
			}
			o.Solvers[prob] = s
		}
	}
	if f.Freeze != nil {
		u, err := ParseUpdateType(f.Freeze.UpdateType)
		if err != nil {
			return Options{}, wrap(fmt.Errorf("option freeze: %w", err))
		}
		o.Freeze = FreezeOptions{UpdateType: u, NoMatchLimit: f.Freeze.NoMatchLimit}
	}
	if f.MIP != nil {
		o.MIP = MIPOptions{RelativeGap: float64(f.MIP.RelativeGap), AbsoluteGap: float64(f.MIP.AbsoluteGap), NodeLimit: f.MIP.NodeLimit, Start: f.MIP.Start}
	}
	return o, nil
}

// EncodeOptions writes o to w as a small JSON document (docs/model-file.md), the
// options a solve elsewhere is to use. Fields that are code or open resources
// (Output, OnIteration, Trace, Device) cannot travel: a set one is an error wrapping
// ErrUnsupported naming it, and nothing is written.
func EncodeOptions(w io.Writer, o Options) error {
	f, err := o.toFile("Options")
	if err != nil {
		return err
	}
	f.Format, f.Version = optionsFormat, ModelFileVersion
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("nnopt: EncodeOptions: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// maxOptionsBytes bounds an options document: its fields are a few hundred bytes.
const maxOptionsBytes = 1 << 20

// DecodeOptions reads options written by EncodeOptions. Settings are read, not
// validated: Solve validates them as it does any options. A document of another
// format or version, a field it does not know and a bad value are errors wrapping
// ErrModelFile.
func DecodeOptions(r io.Reader) (Options, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxOptionsBytes+1))
	if err != nil {
		return Options{}, fmt.Errorf("nnopt: options: %w", err)
	}
	if len(b) > maxOptionsBytes {
		return Options{}, fmt.Errorf("nnopt: options: %w: more than %d bytes", ErrModelFile, maxOptionsBytes)
	}
	var f fileOptions
	if err := decodeJSON(b, &f); err != nil {
		return Options{}, fmt.Errorf("nnopt: options: %w: %v", ErrModelFile, err)
	}
	if f.Format != optionsFormat {
		return Options{}, fmt.Errorf("nnopt: options: %w: format %q, want %q", ErrModelFile, f.Format, optionsFormat)
	}
	if f.Version != ModelFileVersion {
		return Options{}, fmt.Errorf("nnopt: options: %w: version %d, this nnopt reads version %d", ErrModelFile, f.Version, ModelFileVersion)
	}
	o, err := f.options("options")
	if err != nil {
		return Options{}, fmt.Errorf("nnopt: %w: %v", ErrModelFile, err)
	}
	return o, nil
}

// decodeJSON reads exactly one JSON value into v, refusing fields v does not have:
// a field of a newer writer must not be dropped without a word.
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// jfloat is a float64 written as the shortest decimal string that reads back to
// the same bits, so that ±Inf and NaN travel too ("+Inf", "NaN"); -0 is "-0".
type jfloat float64

func (f jfloat) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, formatFloat(float64(f))), nil
}

// UnmarshalJSON reads a quoted decimal string, or a plain JSON number as a person
// would write one.
func (f *jfloat) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		var err error
		if s, err = strconv.Unquote(s); err != nil {
			return fmt.Errorf("number %s: a bad string", b)
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("number %s: want a decimal number, or +Inf, -Inf or NaN in quotes", b)
	}
	*f = jfloat(v)
	return nil
}

func formatFloat(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
