// Package coin solves linear programs with COIN-OR Clp and mixed-integer
// linear programs with COIN-OR Cbc (branch and cut), through their C
// interfaces loaded at run time without cgo (github.com/ebitengine/purego),
// so that binaries built with CGO_ENABLED=0 use the solvers where they are
// installed and build and run everywhere else.
//
// The problem is an LP in compressed-column form, independent of nnopt's
// modelling layer (as package lpfile is). SolveLP calls Clp and returns row
// duals and reduced costs; SolveMIP calls Cbc and returns the incumbent and
// the best bound:
//
//	res, err := coin.SolveMIP(ctx, &lp, coin.Settings{TimeLimit: time.Minute, RelativeGap: 1e-4})
//
// Settings carry Cbc's limits and gaps, a MIP start, a cutoff with a solution
// limit (to decide whether the optimum passes a threshold, faster than
// optimising) and a cut generator (Settings.Cuts: Cbc_addCutCallback, called
// with each node's LP solution; Cbc 2.10's C interface has no incumbent or
// heuristic callback). ColumnRanges minimises and maximises columns over an
// LP's feasible set on one warm-started Clp model, for bound tightening.
// Special ordered sets (LP.SOS, of type 1 or 2) go to Cbc_addSOS; Clp cannot
// hold them and SolveLP refuses them.
//
// One package serves both solvers rather than two (cbc and clp): they share
// the LP, its validation, Settings, Result and Status, the library loading and
// the process-wide guards below, and Debian's libCbcSolver links libClp
// anyway.
//
// # Libraries
//
// SolveMIP loads libCbcSolver.so.3 (Debian package coinor-libcbc3) and
// SolveLP libClp.so.1 (coinor-libclp1), found by soname through the dynamic
// loader and in Debian's multiarch directory, or the files named by the
// environment variables NNOPT_CBC and NNOPT_CLP (and only those, when set).
// A missing library is an error naming the package to install; LoadCbc and
// LoadClp report it without solving anything.
//
// # Sign conventions
//
// Objective and Bound are in the problem's own sense (ObjOffset included),
// computed by this package from X. RowDuals and ReducedCosts follow GAMS's
// marginals: the dual of a row is the derivative of the optimal objective
// with respect to the row's active bound (d objective / d rhs), and the
// reduced cost of a column is the derivative of the objective with respect
// to the column's value with the other nonbasic columns held (c_j - y'A_j),
// for minimisation and maximisation alike. So, minimising, a binding >= row
// has a dual >= 0 and a binding <= row a dual <= 0; maximising, the reverse.
//
// # Concurrency, signals and cancellation
//
// The libraries keep global state (Cbc's solver driver uses static
// variables), so solves are serialised: concurrent calls wait for each other.
//
// Clp's and Cbc's solve drivers install their own SIGINT handler with
// signal(3) and put back the previous one without the SA_ONSTACK and
// SA_SIGINFO flags that Go's runtime needs, after which a Ctrl-C would crash
// a Go program ("non-Go code set up signal handler without SA_ONSTACK flag").
// On linux/amd64 and linux/arm64 every solve saves the SIGINT disposition
// before calling C and restores it, exactly, afterwards. During a solve a
// Ctrl-C reaches the solver's handler (which stops the solve: Cbc reports a
// user interruption) and not the Go program's signal.Notify channels.
//
// Neither C interface offers a way to interrupt a solve from another thread
// (Cbc's message and cut callbacks cannot stop the search, and the solver's
// SIGINT handler is process-wide). So a context is honoured as follows: a
// context already done stops the solve before it starts (Status Interrupted);
// a context deadline earlier than Settings.TimeLimit becomes the solver's time
// limit (and the result's Status is Interrupted when that limit stops it); a
// cancellation without a deadline during a solve takes effect only when the
// solve returns: the result is complete and the error wraps both
// ErrNotInterruptible and the context's error.
package coin
