// Package trace writes and reads trace files, the compact "end data" of solves, and
// solve trace files, the progress of one solve, in the layouts the reference's solver
// usage chapter describes.
//
// # Trace files
//
// A trace file starts with a header of comment lines that defines its records:
//
//   - Trace Record Definition
//   - GamsSolve
//   - JobDate JobTime InputFileName ModelType ...
//   - GamsStep
//   - JobDate JobTime InputFileName GAMS GamsVersionID ...
//     *
//
// followed by one line per record. A "* <type>" line opens the definition of a record
// type (GamsSolve, GamsStep or GamsExit); the "* ..." lines after it list its fields,
// separated by blanks or commas (the separator of the data lines too). A quoted field
// ("User1") is written quoted; a token that is no field name, such as GAMS, is a
// literal that marks the record type in the data lines. A lone "*" ends the header.
// Unknown values are written NA.
//
// The predefined formats (Format) are:
//
//	FormatStep (0, the default): GamsStep and GamsSolve records, blank separated, with
//	    the reference's standard field lists.
//	FormatExit (1): GamsExit and GamsSolve records, the same field lists.
//	FormatSolve (2): GamsSolve records only, the same field list.
//	FormatPerformance (3): GamsSolve records only, comma separated, with the fields of
//	    performance-world traces (InputFileName, ModelType, SolverName, NLP, MIP,
//	    JulianDate, Direction, counts, statuses, ObjectiveValue,
//	    ObjectiveValueEstimate, SolverTime, iterations, domain violations, nodes).
//	FormatAll (5): GamsExit and GamsSolve records with every field Record holds.
//
// Open appends to an existing trace file in the format of its own header, whatever
// format is asked for, so a series of runs builds one consistent file; a header this
// package cannot parse is an error naming the file and line. Headers edited by hand
// (fields added, removed or reordered) are followed as long as every field name is
// known. Each record is one write on a file opened for appending.
//
// Records come from a solved model with FromModel (or FromAttributes). A program such
// as cmd/train would, after each solve:
//
//	rec := trace.FromModel(m, trace.Info{InputFileName: "mnist-mlp", Direction: nnopt.Minimize})
//	if err := trace.Append("runs.trc", trace.FormatStep, rec); err != nil { ... }
//
// and cmd/tracereport (or Report) summarises the file, scoring each solve's model and
// solve status pair with the ModelSolveStat matrix (Score).
//
// # Solve traces
//
// A SolveTrace writes CSV lines "lineNum, seriesID, node, seconds, bestFound,
// bestBound": an S line when the solve starts, N lines every NodeFrequency iterations
// (an nnopt iteration counts as a node), T lines every TimeFrequency of solver time,
// and an E line at the end:
//
//	st := trace.NewSolveTrace(f, trace.SolveTraceOptions{Instance: m.Name(), NodeFrequency: 50, TimeFrequency: 5 * time.Second})
//	err := m.Solve(ctx, nnopt.Options{OnIteration: st.OnIteration()})
//	st.EndModel(m) // the E line and the closing comment
package trace
