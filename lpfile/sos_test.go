package lpfile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/internal/glpk"
)

// sosProgram is maximise 3a + 2b + c s.t. a + b + c <= 4, a, b, c in [0, 3],
// SOS1{a, b, c} with weights 1, 2, 3.
func sosProgram() *Program {
	p := &Program{Name: "sos", Maximize: true, Costs: []Entry{en(0, 3), en(1, 2), en(2, 1)},
		Columns: []Column{{Name: "a", Up: 3}, {Name: "b", Up: 3}, {Name: "c", Up: 3}},
		Rows:    []Row{{Name: "cap", Rel: LE, RHS: 4, Entries: []Entry{en(0, 1), en(1, 1), en(2, 1)}}},
		SOS:     []SOS{{Name: "pick(one)", Type: 1, Entries: []Entry{en(0, 1), en(1, 2), en(2, 3)}}}}
	return p
}

func TestWriteSOS(t *testing.T) {
	var b bytes.Buffer
	if err := WriteLP(&b, sosProgram()); err != nil {
		t.Fatal(err)
	}
	if want := "Bounds\n 0 <= a <= 3\n 0 <= b <= 3\n 0 <= c <= 3\nSOS\n pick(one): S1:: a:1 b:2 c:3\nEnd\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("LP file ends\n%s\nwant\n%s", b.String(), want)
	}
	if err := WriteMPS(&bytes.Buffer{}, sosProgram()); err == nil || !strings.Contains(err.Error(), `SOS "pick(one)"`) {
		t.Errorf("WriteMPS: %v; want a refusal naming the set", err)
	}
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "sos.mps"), sosProgram()); err == nil {
		t.Error("WriteFile .mps with a set: no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "sos.mps")); err == nil {
		t.Error("the refused MPS file was written")
	}
	for _, tc := range []struct {
		change func(s *SOS)
		want   string
	}{
		{func(s *SOS) { s.Type = 0 }, "SOS 0 (pick(one)) has type 0"},
		{func(s *SOS) { s.Entries = nil }, "has no columns"},
		{func(s *SOS) { s.Entries[1].Index = 3 }, "has column 3, of 3 columns"},
		{func(s *SOS) { s.Entries[1].Index = 0 }, "has column 0 (a) twice"},
		{func(s *SOS) { s.Entries[2].Coef = 1 }, "weight 1 for column 2 (c); want finite weights that differ"},
	} {
		p := sosProgram()
		tc.change(&p.SOS[0])
		if err := WriteLP(&bytes.Buffer{}, p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// GLPK's LP reader has no SOS section: glpsol must refuse the file rather than
// solve it without the set (which would give 3·3 + 2·1 = 11, not the set's 9).
func TestGLPKRefusesSOS(t *testing.T) {
	if _, err := glpk.Path(); err != nil {
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "sos.lp")
	if err := WriteFile(path, sosProgram()); err != nil {
		t.Fatal(err)
	}
	sol, err := glpk.Solve(path, "--lp")
	if err == nil {
		t.Fatalf("glpsol read the SOS section and solved it: %+v", sol)
	}
	t.Logf("glpsol: %v", err)
}
