package nnopt

import (
	"errors"
	"fmt"
	"io"
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
//	                   expression trees over the symbols by name, the model's
//	                   problem type, sense and equation list, the container's and
//	                   the model's options, and a frozen model's modifiables
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
// with an error wrapping ErrUnsupported naming it: an expression with a Kernel
// (Apply), and options that are code or open resources (Output, OnIteration,
// Trace, Device).
//
// Frozen models. A frozen model's file also lists its modifiables and their data at
// Freeze (the base case of UpdateBaseCase); DecodeModel freezes the decoded model
// with them, on the file's data. Data that is not modifiable and was changed after
// Freeze reaches the decoded instance (the original's instance keeps it as it was
// at Freeze), so encode a frozen model before changing its fixed data. The data of
// one scenario, the modifiables' values, travel separately and small:
// Model.EncodeScenario writes them from one model, Model.ApplyScenario reads them
// into the container of another with the same modifiables (a decoded copy), whose
// next Solve applies them as Options.Freeze says.

// ModelFileVersion is the version of the model file format that Encode writes and
// DecodeModel reads.
const ModelFileVersion = 1

// ErrModelFile is wrapped by every error of DecodeModel, ApplyScenario and
// DecodeOptions about the bytes they read: a damaged file, one of another format or
// version, or one whose contents do not fit together.
var ErrModelFile = errors.New("bad model file")

// Encode writes the model and the part of its container that it needs to w in the
// model file format (see the package documentation's section on model files,
// modelfile.go). It fails, having written nothing, on a model that cannot be
// generated and on what a file cannot hold (ErrUnsupported).
func (m *Model) Encode(w io.Writer) error {
	return fmt.Errorf("nnopt: model %q: Encode: %w", m.name, ErrUnsupported)
}

// DecodeModel reads a model file written by Encode into a new Container and returns
// it with the model. A frozen model comes back frozen with the same modifiables.
func DecodeModel(r io.Reader) (*Container, *Model, error) {
	return nil, nil, fmt.Errorf("nnopt: DecodeModel: %w", ErrUnsupported)
}

// Save writes the model file of m (Encode) to path, atomically: a reader of path
// sees the old file or the new one, never part of it.
func (m *Model) Save(path string) error {
	return fmt.Errorf("nnopt: model %q: Save: %w", m.name, ErrUnsupported)
}

// LoadModel reads the model file at path (DecodeModel).
func LoadModel(path string) (*Container, *Model, error) {
	return nil, nil, fmt.Errorf("nnopt: LoadModel %s: %w", path, ErrUnsupported)
}

// EncodeScenario writes the data of the frozen model's modifiables to w, as they
// are in the container now: the values of each modifiable parameter and attribute,
// in a small file of the same framing as a model file (magic "NNOPTSCN"). It fails
// on a model that is not frozen.
func (m *Model) EncodeScenario(w io.Writer) error {
	return fmt.Errorf("nnopt: model %q: EncodeScenario: %w", m.name, ErrUnsupported)
}

// ApplyScenario reads scenario data written by EncodeScenario and copies it into the
// modifiables' data in m's container, where m's next Solve takes it from. m must be
// frozen with modifiables of the same names and sizes as the model that wrote it (a
// model decoded from that model's file); on an error nothing is changed.
func (m *Model) ApplyScenario(r io.Reader) error {
	return fmt.Errorf("nnopt: model %q: ApplyScenario: %w", m.name, ErrUnsupported)
}

// EncodeOptions writes o to w as a small JSON document (docs/model-file.md), the
// options a solve elsewhere is to use. Fields that are code or open resources
// (Output, OnIteration, Trace, Device) cannot travel: a set one is an error wrapping
// ErrUnsupported naming it.
func EncodeOptions(w io.Writer, o Options) error {
	return fmt.Errorf("nnopt: EncodeOptions: %w", ErrUnsupported)
}

// DecodeOptions reads options written by EncodeOptions. Settings are read, not
// validated: Solve validates them as it does any options.
func DecodeOptions(r io.Reader) (Options, error) {
	return Options{}, fmt.Errorf("nnopt: DecodeOptions: %w", ErrUnsupported)
}
