package device

import (
	"errors"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/cuda"
)

func TestOpen(t *testing.T) {
	cudaErr := cuda.Probe()
	for _, tc := range []struct {
		name, env string
		wantCPU   bool
		wantErr   string
	}{
		{name: "cpu", wantCPU: true},
		{name: "CPU", wantCPU: true},
		{env: "cpu", wantCPU: true},
		{name: "gpu", wantErr: `-device "gpu": want auto, cpu or cuda`},
		{env: "tpu", wantErr: `$NNOPT_DEVICE "tpu": want auto, cpu or cuda`},
	} {
		t.Setenv(Env, tc.env)
		be, line, err := Open(tc.name)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("Open(%q) with $%s=%q: err = %v, want %q", tc.name, Env, tc.env, err, tc.wantErr)
			}
			continue
		}
		if err != nil || be != backend.DefaultCPU || line != "device: cpu" {
			t.Errorf("Open(%q) with $%s=%q = %v, %q, %v; want the CPU", tc.name, Env, tc.env, be, line, err)
		}
	}
	if cudaErr == nil {
		t.Skip("CUDA is usable here: the fallbacks below need a machine without it")
	}
	t.Setenv(Env, "")
	be, line, err := Open("")
	if err != nil || be != backend.DefaultCPU || !strings.HasPrefix(line, "device: cpu (auto: no CUDA: ") || strings.Contains(line, "\n") {
		t.Errorf(`Open("") = %v, %q, %v; want the CPU and why not CUDA, in one line`, be, line, err)
	}
	_, _, err = Open("cuda")
	if err == nil || !errors.Is(err, backend.ErrUnavailable) || !strings.HasPrefix(err.Error(), "-device cuda: ") {
		t.Errorf(`Open("cuda") err = %v, want a -device cuda error wrapping backend.ErrUnavailable`, err)
	}
}
