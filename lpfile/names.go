package lpfile

import (
	"fmt"
	"strings"
)

// namer makes names valid in LP and MPS files and unique within one namespace.
type namer struct{ taken map[string]bool }

func newNamer() *namer { return &namer{taken: map[string]bool{}} }

var lpKeywords = map[string]bool{
	"min": true, "max": true, "minimize": true, "minimise": true, "minimum": true, "maximize": true, "maximise": true, "maximum": true,
	"st": true, "s.t.": true, "st.": true, "subject": true, "such": true, "bound": true, "bounds": true,
	"general": true, "generals": true, "gen": true, "integer": true, "integers": true, "int": true,
	"binary": true, "binaries": true, "bin": true, "end": true, "free": true, "inf": true, "infinity": true,
}

// lpName turns s into a name the LP and MPS formats both accept.
func lpName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(`!"#$%&()/,.;?@_`+"`"+`'{}|~`, r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || n[0] >= '0' && n[0] <= '9' || n[0] == '.' || n[0] == '$' || lpKeywords[strings.ToLower(n)] {
		n = "_" + n
	}
	const maxLen = 240 // GLPK and CPLEX take 255
	if len(n) > maxLen {
		n = n[:maxLen]
	}
	return n
}

// name is s made LP-safe and, with _2, _3, ..., different from every name it gave
// before.
func (nm *namer) name(s string) string {
	n := lpName(s)
	if nm.taken[n] {
		for k := 2; ; k++ {
			if c := fmt.Sprintf("%s_%d", n, k); !nm.taken[c] {
				n = c
				break
			}
		}
	}
	nm.taken[n] = true
	return n
}
