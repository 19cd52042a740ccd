package optfile

import (
	"os"
	"testing"
)

// TestDocsUpToDate fails when docs/solver-options.md differs from the
// registry; regenerate it with "go generate ./optfile".
func TestDocsUpToDate(t *testing.T) {
	const path = "../docs/solver-options.md"
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run \"go generate ./optfile\"", err)
	}
	if want := Markdown(Default()); string(got) != want {
		t.Errorf("%s is stale; run \"go generate ./optfile\" and commit it", path)
	}
}
