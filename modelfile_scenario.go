package nnopt

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/nnopt/nnopt/internal/modelfile"
	"github.com/nnopt/nnopt/safetensors"
)

// Scenario files: the data of a frozen model's modifiables, for a copy of the model
// decoded elsewhere (see the package documentation's section on model files).

// scenarioFormat names a scenario file's metadata.
const scenarioFormat = "nnopt-scenario"

// fileScenario is a scenario file's metadata: the model and its modifiables by
// name, in Freeze's order; modifiable k's data is the tensor scenario/<k>/data (a
// fixed value's lower bounds), and a fixed value's upper bounds scenario/<k>/up.
type fileScenario struct {
	Format      string   `json:"format"`
	Model       string   `json:"model"`
	Modifiables []string `json:"modifiables"`
}

// EncodeScenario writes the data of the frozen model's modifiables to w, as they
// are in the container now: the values of each modifiable parameter, the level or
// bounds of each modifiable attribute (both bounds for FxAttr), in a small file of
// the model file's framing (magic "NNOPTSCN"). It fails on a model that is not
// frozen.
func (m *Model) EncodeScenario(w io.Writer) error {
	if m.frozen == nil {
		return fmt.Errorf("nnopt: model %q: EncodeScenario: the model is not frozen; scenario data are a frozen model's modifiables", m.name)
	}
	f := fileScenario{Format: scenarioFormat, Model: m.name, Modifiables: []string{}}
	tensors := map[string]safetensors.Tensor{}
	for k, mod := range m.frozen.mods {
		f.Modifiables = append(f.Modifiables, mod.modifiableName())
		for _, a := range scenarioArrays(mod) {
			tensors[tensorKey("scenario", fmt.Sprint(k), a.name)] = safetensors.Tensor{DType: safetensors.F64, Shape: []int{len(a.data)}, Data: a.data}
		}
	}
	meta, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("nnopt: model %q: EncodeScenario: %w", m.name, err)
	}
	return modelfile.Write(w, modelfile.ScenarioMagic, meta, tensors)
}

// scenarioArray is one array of a modifiable's data.
type scenarioArray struct {
	name string
	data []float64
}

// scenarioArrays are the arrays of mod's data in the container.
func scenarioArrays(mod Modifiable) []scenarioArray {
	if a, ok := mod.(VarAttr); ok && a.kind == AttrFx {
		return []scenarioArray{{"data", a.v.Lo}, {"up", a.v.Up}}
	}
	return []scenarioArray{{"data", containerData(mod)}}
}

// ApplyScenario reads scenario data written by EncodeScenario and copies it into the
// modifiables' data in m's container, where m's next Solve takes it from. m must be
// frozen with modifiables of the same names, order and sizes as the model that
// wrote it (a model decoded from that model's file); on an error nothing is
// changed. Errors about the file wrap ErrModelFile.
func (m *Model) ApplyScenario(r io.Reader) error {
	if m.frozen == nil {
		return fmt.Errorf("nnopt: model %q: ApplyScenario: the model is not frozen; scenario data are a frozen model's modifiables", m.name)
	}
	fr, err := modelfile.Read(r, modelfile.ScenarioMagic, "scenario file")
	if err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("nnopt: scenario file for model %q: %w: %s", m.name, ErrModelFile, fmt.Sprintf(format, args...))
	}
	var f fileScenario
	if err := decodeJSON(fr.Meta, &f); err != nil {
		return bad("metadata: %v", err)
	}
	if f.Format != scenarioFormat {
		return bad("format %q, want %q", f.Format, scenarioFormat)
	}
	mods := m.frozen.mods
	if len(f.Modifiables) != len(mods) {
		return bad("%d modifiables %q; the model has %d", len(f.Modifiables), f.Modifiables, len(mods))
	}
	type move struct{ from, to []float64 }
	var moves []move
	for k, mod := range mods {
		if f.Modifiables[k] != mod.modifiableName() {
			return bad("modifiable %d is %q; the model's is %q", k, f.Modifiables[k], mod.modifiableName())
		}
		for _, a := range scenarioArrays(mod) {
			key := tensorKey("scenario", fmt.Sprint(k), a.name)
			t, ok := fr.Tensors[key]
			switch {
			case !ok:
				return bad("the data section has no tensor %q", key)
			case t.DType != safetensors.F64:
				return bad("tensor %q is %s; want F64", key, t.DType)
			case len(t.Data) != len(a.data):
				return bad("tensor %q (%s) has %d values; the model's has %d", key, mod.modifiableName(), len(t.Data), len(a.data))
			}
			moves = append(moves, move{t.Data, a.data})
		}
	}
	if len(fr.Tensors) != len(moves) {
		return bad("%d tensors for %d arrays of modifiables", len(fr.Tensors), len(moves))
	}
	for _, mv := range moves {
		copy(mv.to, mv.from)
	}
	return nil
}
