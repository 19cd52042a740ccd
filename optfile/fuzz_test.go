package optfile

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// stripLines drops line numbers, which Format does not keep (blank lines go).
func stripLines(es []ent) []ent {
	for i := range es {
		es[i].Line = 0
	}
	return es
}

// FuzzParse checks that Parse never panics, that every error names the file
// and a line, and that a file that parses formats to text that parses to the
// same entries (and formats to the same text again).
//
//	go test -run x -fuzz FuzzParse -fuzztime 60s ./optfile
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"* nnopt options\niteration limit 500\ntime_limit = 60\nmethod newton-cg\ngradient tolerance 1e-8\nmemory 5\n",
		"ITERATION_LIMIT 1e3\r\nreslim 2.5\r\niterlim=7",
		"echo off\nx.scale 10\nx.scale(seattle,new-york) 2\nv.scale(*, 'j2 ') 5\ne.tolerance( 'i3 ',*) 6\necho on\n",
		"variables.scale 1\nequations.tolerance 1e-6\nw.branch_priority(\"a'b\") 3\n",
		"log iterations\nlog iterations off\n",
		"\ufeff*\n\n  \t\nmemory +3\n",
		// invalid
		"iteration limt 100\n",
		"grad tol 1e-5",
		"memory 0\nmethod bfgs\ntime limit -1\ngradient tolerance nan\n",
		"  * indented\necho\necho maybe\n",
		"x.scale(a,b 2\nx.scale('a) 2\nx.scale() 2\nx.scale('*') 1\n1x.scale 2\nx. 3\n",
		"scale 10\nx.memory 5\n= 5\nmemory 5 # pairs\n",
		"x.scale(" + strings.Repeat("a,", 25) + "a) 1",
		"time limit inf\ngradient tolerance 0x1p-20\niteration limit 99999999999999999999\n",
	} {
		f.Add(s)
	}
	reg := testRegistry()
	f.Fuzz(func(t *testing.T, in string) {
		file, err := Parse("fuzz.opt", strings.NewReader(in), reg)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.File != "fuzz.opt" || e.Line < 1 || e.Msg == "" || !strings.HasPrefix(e.Error(), "fuzz.opt:") {
					t.Fatalf("bad error %+v", e)
				}
			}
			return
		}
		out := file.Format()
		again, err := Parse("fuzz.opt", strings.NewReader(out), reg)
		if err != nil {
			t.Fatalf("formatted text does not parse: %v\ninput %q\nformatted %q", err, in, out)
		}
		if a, b := stripLines(ents(file)), stripLines(ents(again)); !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip changed the entries\ninput %q\nformatted %q\nfirst  %+v\nsecond %+v", in, out, a, b)
		}
		if out2 := again.Format(); out2 != out {
			t.Fatalf("Format is not stable: %q then %q", out, out2)
		}
		var b strings.Builder
		if err := file.Echo(&b); err != nil {
			t.Fatal(err)
		}
	})
}
