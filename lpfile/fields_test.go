package lpfile

import (
	"slices"
	"strings"
	"testing"
)

// TestAppendFields checks appendFields against strings.Fields.
func TestAppendFields(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a ", "  x1  r1  1.5  r2 -2 ", "a\tb\u00a0c\u0085d\u2003e", "\xff b \xfe", "MARKER 'INTORG'\r"} {
		got, want := appendFields([]string{"old"}, s)[1:], strings.Fields(s)
		if !slices.Equal(got, want) {
			t.Errorf("appendFields(%q) = %q, want %q", s, got, want)
		}
	}
}
