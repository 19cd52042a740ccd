package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/safetensors"
)

// codec turns models, options and scenarios into payloads and back: the model file
// format of issue 24 part 1. Behind an interface so that the transport does not
// depend on the format's details.
type codec interface {
	encodeModel(m *nnopt.Model) ([]byte, error)
	decodeModel(b []byte) (*nnopt.Container, *nnopt.Model, error)
	encodeOptions(o nnopt.Options) ([]byte, error)
	decodeOptions(b []byte) (nnopt.Options, error)
	// encodeScenario is the data of a frozen model's modifiables; applyScenario
	// sets it in a model decoded from the same frozen model.
	encodeScenario(m *nnopt.Model) ([]byte, error)
	applyScenario(m *nnopt.Model, b []byte) error
}

// resultFormat is the metadata value that marks a result.
const resultFormat = "nnopt remote result 1"

// A result is a safetensors file: "<symbol>.l" and "<symbol>.m" for every variable
// and equation of the solved model, flat, in float64, and metadata "format" and
// "attributes" (the model's Attributes as JSON).
func encodeResult(m *nnopt.Model, syms []symbol) ([]byte, error) {
	attrs, err := json.Marshal(attributesMap(m.Attributes))
	if err != nil {
		return nil, fmt.Errorf("result attributes: %w", err)
	}
	tensors := make(map[string]safetensors.Tensor, 2*len(syms))
	for _, s := range syms {
		tensors[s.name+".l"] = safetensors.Tensor{DType: safetensors.F64, Shape: []int{len(s.l)}, Data: s.l}
		tensors[s.name+".m"] = safetensors.Tensor{DType: safetensors.F64, Shape: []int{len(s.m)}, Data: s.m}
	}
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, tensors, map[string]string{"format": resultFormat, "attributes": string(attrs)}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// applyResult writes a result into m, as a local solve would: levels and marginals
// of the symbols the result and m share, then the attributes. A symbol of m's whose
// size differs from the result's is an error, and then nothing is written.
func applyResult(m *nnopt.Model, syms []symbol, b []byte) error {
	tensors, meta, err := safetensors.Read(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("remote: damaged result: %w", err)
	}
	if meta["format"] != resultFormat {
		return fmt.Errorf("remote: result format %q, want %q", meta["format"], resultFormat)
	}
	var am map[string]string
	if err := json.Unmarshal([]byte(meta["attributes"]), &am); err != nil {
		return fmt.Errorf("remote: result attributes: %w", err)
	}
	a, err := attributesFrom(am)
	if err != nil {
		return fmt.Errorf("remote: result attributes: %w", err)
	}
	type copyOp struct{ dst, src []float64 }
	var ops []copyOp
	for _, s := range syms {
		for _, part := range []struct {
			key string
			dst []float64
		}{{s.name + ".l", s.l}, {s.name + ".m", s.m}} {
			t, ok := tensors[part.key]
			if !ok {
				return fmt.Errorf("remote: result lacks %q of the model's symbol %q", part.key, s.name)
			}
			if len(t.Data) != len(part.dst) {
				return fmt.Errorf("remote: result's %q has %d elements, the model's symbol %d", part.key, len(t.Data), len(part.dst))
			}
			ops = append(ops, copyOp{part.dst, t.Data})
		}
	}
	for _, op := range ops {
		copy(op.dst, op.src)
	}
	m.Attributes = a
	return nil
}

// symbol is the levels and marginals of a variable or equation, by name.
type symbol struct {
	name string
	l, m []float64
}

// fileCodec is the codec of nnopt's model file format (modelfile.go).
type fileCodec struct{}

func (fileCodec) encodeModel(m *nnopt.Model) ([]byte, error) {
	var b bytes.Buffer
	err := m.Encode(&b)
	return b.Bytes(), err
}

func (fileCodec) decodeModel(b []byte) (*nnopt.Container, *nnopt.Model, error) {
	return nnopt.DecodeModel(bytes.NewReader(b))
}

func (fileCodec) encodeOptions(o nnopt.Options) ([]byte, error) {
	var b bytes.Buffer
	err := nnopt.EncodeOptions(&b, o)
	return b.Bytes(), err
}

func (fileCodec) decodeOptions(b []byte) (nnopt.Options, error) {
	return nnopt.DecodeOptions(bytes.NewReader(b))
}

func (fileCodec) encodeScenario(m *nnopt.Model) ([]byte, error) {
	var b bytes.Buffer
	err := m.EncodeScenario(&b)
	return b.Bytes(), err
}

func (fileCodec) applyScenario(m *nnopt.Model, b []byte) error {
	return m.ApplyScenario(bytes.NewReader(b))
}

// symbolsOf lists the variables and equations whose levels and marginals a solve of
// m writes (Model.Symbols), sorted by name.
func symbolsOf(m *nnopt.Model) ([]symbol, error) {
	vars, eqs := m.Symbols()
	out := make([]symbol, 0, len(vars)+len(eqs))
	seen := map[string]bool{}
	for _, v := range vars {
		if seen[v.Name()] {
			return nil, fmt.Errorf("two variables named %q", v.Name())
		}
		seen[v.Name()] = true
		out = append(out, symbol{v.Name(), v.L, v.M})
	}
	for _, e := range eqs {
		if seen[e.Name()] {
			return nil, fmt.Errorf("two symbols named %q", e.Name())
		}
		seen[e.Name()] = true
		out = append(out, symbol{e.Name(), e.L, e.M})
	}
	slices.SortFunc(out, func(a, b symbol) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// defaultCodec is the codec clients and workers start with.
var defaultCodec codec = fileCodec{}

// attributesMap writes the attributes field by field as text, floats in the
// shortest form that reads back exactly (NaN and infinities included, which JSON
// numbers cannot hold).
func attributesMap(a nnopt.Attributes) map[string]string {
	v := reflect.ValueOf(a)
	out := make(map[string]string, v.NumField())
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Float64:
			out[v.Type().Field(i).Name] = strconv.FormatFloat(f.Float(), 'g', -1, 64)
		case reflect.Int:
			out[v.Type().Field(i).Name] = strconv.FormatInt(f.Int(), 10)
		case reflect.Bool:
			out[v.Type().Field(i).Name] = strconv.FormatBool(f.Bool())
		case reflect.String:
			out[v.Type().Field(i).Name] = f.String()
		}
	}
	return out
}

// attributesFrom reads attributesMap's text; a field the text lacks stays zero, so
// that a newer worker's result reads in an older client.
func attributesFrom(m map[string]string) (nnopt.Attributes, error) {
	var a nnopt.Attributes
	v := reflect.ValueOf(&a).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		s, ok := m[name]
		if !ok {
			continue
		}
		f := v.Field(i)
		var err error
		switch f.Kind() {
		case reflect.Float64:
			var x float64
			x, err = strconv.ParseFloat(s, 64)
			f.SetFloat(x)
		case reflect.Int:
			var x int64
			x, err = strconv.ParseInt(s, 10, 64)
			f.SetInt(x)
		case reflect.Bool:
			var x bool
			x, err = strconv.ParseBool(s)
			f.SetBool(x)
		case reflect.String:
			f.SetString(s)
		}
		if err != nil {
			return a, fmt.Errorf("%s: %w", name, err)
		}
	}
	return a, nil
}
