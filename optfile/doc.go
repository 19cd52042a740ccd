// Package optfile reads nnopt solver option files, in the style of GAMS solver
// option files (nnopt.opt, nnopt.op2, ...).
//
// # Registry
//
// A [Registry] lists the options a solver understands: canonical name, type
// (int, float, bool or enum), bounds, default and a one-line description.
// [Default] returns nnopt's own registry; it holds only options that the
// nlpsolve solver honours today, and [File.Apply] maps them onto an
// *nlpsolve.Settings. docs/solver-options.md is generated from it:
//
//	go generate ./optfile
//
// Canonical names are lower case words separated by single spaces
// ("iteration limit"). A keyword in a file matches a name when, ignoring case,
// its words are the same: words may be separated by any run of blanks and/or
// underscores, so "Iteration_Limit", "iteration   limit" and "ITERATION LIMIT"
// all name "iteration limit". "iterationlimit" does not (words must be
// separated), but an option may register aliases such as "iterlim".
//
// # File syntax
//
// One entry per line; blank lines are ignored. A line whose first column is
// an asterisk is a comment. Otherwise:
//
//	iteration limit 500          keyword(s), then the value
//	time_limit = 60              an optional "=" between keyword and value
//	method newton-cg             enum values ignore case
//	echo off                     stop echoing the following lines to the log
//	echo on                      echo again
//	x.scale 10                   dot option: attribute of every element of x
//	x.scale(seattle,new-york) 2  ... of one element
//	x.scale(*,'new york') 3      ... of a slice; * is the wildcard
//	variables.scale 1            ... of all variables (equations.<attr>: all equations)
//
// Dot options exist only for attributes registered with a Dot target; nnopt's
// [Default] registry has one, scale for variables, which nnopt.Model's
// ApplyDotOptions sets on the model's variables.
//
// Values: integers (1e6 is accepted when integral), finite reals (1e-6, 0.5,
// 0x1p-20), booleans (1/0, yes/no, true/false, on/off; a
// boolean keyword alone means true) and enum strings. Labels are unquoted
// (letters, digits, "_", "+", "-") or quoted with ' or " (trailing blanks
// inside the quotes are dropped, as GAMS does). There are no inline comments:
// text after the value is an error. Dot options are kept in file order, so a
// later line overrides an earlier one for the elements they share.
//
// Every error names the file and line and what was expected; an unknown
// keyword comes with the closest registered one.
package optfile

//go:generate go run ./internal/gen -o ../docs/solver-options.md
