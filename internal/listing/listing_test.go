package listing

import (
	"strconv"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	label := func(k int) string { return "(" + strconv.Itoa(k) + ")" }
	tables := []Table{
		{Kind: "VAR", Name: "x", Label: label, Lo: []float64{0, 0, 0}, L: []float64{1, 2.5, 3}, Up: []float64{9, 9, 9}, M: []float64{0, 0, -1}},
		{Kind: "EQU", Name: "e", Label: func(int) string { return "" }, Lo: []float64{0}, L: []float64{1e-9}, Up: []float64{0}, M: []float64{2}},
	}
	var b strings.Builder
	if err := Write(&b, "Solution of model m", tables, 2); err != nil {
		t.Fatal(err)
	}
	want := `Solution of model m

---- VAR x
                                  LOWER          LEVEL          UPPER       MARGINAL
(0)                                   0              1              9              0
(1)                                   0            2.5              9              0
... 1 more

---- EQU e
                                  LOWER          LEVEL          UPPER       MARGINAL
                                      0          1e-09              0              2
`
	if b.String() != want {
		t.Errorf("listing\n%s\nwant\n%s", b.String(), want)
	}
}
