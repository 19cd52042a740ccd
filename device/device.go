// Package device opens, by name, the backend nnopt's equation blocks run on (the
// value of Options.Device): the CPU, or an NVIDIA GPU through package cuda.
package device

import (
	"fmt"
	"strings"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/cuda"
	"github.com/nnopt/nnopt/internal/choice"
)

// Env names the environment variable that chooses the device when Open is given "".
const Env = "NNOPT_DEVICE"

// Open returns the backend name asks for, and a line for logs saying what runs:
//
//   - "cpu": the CPU, with the process's BLAS (UseBLAS);
//   - "cuda": the first NVIDIA GPU; an error naming what is missing when CUDA
//     cannot be used (no driver, no device, a library not found);
//   - "auto": CUDA when it can be used, else the CPU, and the line says why not;
//   - "": the value of $NNOPT_DEVICE, else "auto".
func Open(name string) (backend.Backend, string, error) {
	name, source := choice.Resolve(name, "-device", Env, "auto")
	switch strings.ToLower(name) {
	case "cpu":
		return backend.DefaultCPU, "device: cpu", nil
	case "cuda":
		be, err := cuda.Open()
		if err != nil {
			return nil, "", fmt.Errorf("%s cuda: %w", source, err)
		}
		return be, "device: " + be.Name(), nil
	case "auto":
		be, err := cuda.Open()
		if err != nil {
			return backend.DefaultCPU, "device: cpu (auto: no CUDA: " + oneLine(err) + ")", nil
		}
		return be, "device: " + be.Name() + " (auto)", nil
	default:
		return nil, "", fmt.Errorf("%s %q: want auto, cpu or cuda", source, name)
	}
}

// oneLine folds a multi-line error (a list of files tried) into one log line.
func oneLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return lines[0] + " " + strings.Join(lines[1:], "; ")
}
