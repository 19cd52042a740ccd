// Command gen writes docs/solver-options.md from optfile.Default():
//
//	go generate ./optfile
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nnopt/nnopt/optfile"
)

func main() {
	out := flag.String("o", "", "output file (default stdout)")
	flag.Parse()
	md := optfile.Markdown(optfile.Default())
	if *out == "" {
		fmt.Print(md)
		return
	}
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
