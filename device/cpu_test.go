package device

import (
	"strings"
	"testing"

	"github.com/nnopt/nnopt/openblas"
)

func TestUseBLAS(t *testing.T) {
	t.Cleanup(func() { UseBLAS("gonum") })
	_, loadErr := openblas.Load()
	for _, tc := range []struct {
		name, env string
		want      string // prefix of the description, or of the error
		fails     bool
	}{
		{name: "gonum", want: "gonum"},
		{name: "GoNum", want: "gonum"},
		{name: "", env: "gonum", want: "gonum"},
		{name: "cublas", want: `-blas "cublas": want auto, openblas or gonum`, fails: true},
		{name: "", env: "mkl", want: `$NNOPT_BLAS "mkl": want auto, openblas or gonum`, fails: true},
		{name: "auto", want: map[bool]string{true: "OpenBLAS", false: "gonum (pure Go; openblas: "}[loadErr == nil]},
		{name: "openblas", want: map[bool]string{true: "OpenBLAS", false: "openblas:"}[loadErr == nil], fails: loadErr != nil},
	} {
		t.Setenv(EnvBLAS, tc.env)
		got, err := UseBLAS(tc.name)
		if tc.fails {
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("UseBLAS(%q) with $%s=%q: error %v, want one starting %q", tc.name, EnvBLAS, tc.env, err, tc.want)
			}
			continue
		}
		if err != nil || !strings.HasPrefix(got, tc.want) {
			t.Errorf("UseBLAS(%q) with $%s=%q = %q, %v; want %q...", tc.name, EnvBLAS, tc.env, got, err, tc.want)
		}
	}
}
