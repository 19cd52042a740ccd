// Command tracereport reads trace files written by package trace (or by the reference's
// trace facility) and prints a trace report: the ModelSolveStat score matrix at a trace
// level, the Solve records whose score is not above it, record counts, return and
// status counts, size and timing totals and means, and status cross tables.
//
//	tracereport [-tl level] file.trc [more.trc ...]
//
// The exit status is 0 for a report without marked records, 1 when some Solve record
// is marked (its model and solve status pair scores at most the trace level), and 2 for
// usage errors or files that cannot be read or parsed (the error gives file and line).
// A torn last record, what a run killed while appending leaves, is skipped with a
// warning naming the file and line; a malformed record anywhere else is an error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/nnopt/nnopt/trace"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tracereport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tl := fs.Int("tl", 0, "trace level: Solve records whose ModelSolveStat score is at most this are marked, and only higher scores are shown in the matrix (0 to 9)")
	fs.IntVar(tl, "tracelevel", 0, "same as -tl")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tracereport [-tl level] file.trc [more.trc ...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if *tl < 0 || *tl > 9 {
		fmt.Fprintf(stderr, "tracereport: trace level %d out of range 0 to 9\n", *tl)
		return 2
	}
	var files []*trace.File
	for _, name := range fs.Args() {
		f, err := trace.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "tracereport: %v\n", err)
			return 2
		}
		if t := f.Torn; t != nil {
			fmt.Fprintf(stderr, "tracereport: warning: %s:%d: skipped the torn last record (no newline at its end, and %v)\n", name, t.Line, t.Err)
		}
		files = append(files, f)
	}
	marked, err := trace.Report(stdout, files, *tl)
	if err != nil {
		fmt.Fprintf(stderr, "tracereport: writing the report: %v\n", err)
		return 2
	}
	if len(marked) > 0 {
		fmt.Fprintf(stderr, "tracereport: %d marked trace record(s) at trace level %d\n", len(marked), *tl)
		return 1
	}
	return 0
}
