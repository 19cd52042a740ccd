// Package listing writes a solution listing, as the reference's listing file shows a
// solution: per symbol a table of its elements' labels, lower bounds, levels, upper
// bounds and marginals.
package listing

import (
	"fmt"
	"io"
	"strings"
)

// Table is one symbol of a listing.
type Table struct {
	Kind, Name string // the kind (VAR, EQU) and the symbol's name
	// Label names element k, (a,b), or "" for a scalar.
	Label        func(k int) string
	Lo, L, Up, M []float64
}

// Write writes a listing of the tables under the title line, showing at most rows
// elements of a table and the number of those it leaves out.
func Write(w io.Writer, title string, tables []Table, rows int) error {
	var b strings.Builder
	b.WriteString(title)
	b.WriteByte('\n')
	for _, t := range tables {
		fmt.Fprintf(&b, "\n---- %s %s\n", t.Kind, t.Name)
		fmt.Fprintf(&b, "%-24s %14s %14s %14s %14s\n", "", "LOWER", "LEVEL", "UPPER", "MARGINAL")
		for k := range t.L {
			if k == rows {
				fmt.Fprintf(&b, "... %d more\n", len(t.L)-rows)
				break
			}
			fmt.Fprintf(&b, "%-24s %14.6g %14.6g %14.6g %14.6g\n", t.Label(k), t.Lo[k], t.L[k], t.Up[k], t.M[k])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
