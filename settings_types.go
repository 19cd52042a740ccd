package nnopt

import "github.com/nnopt/nnopt/nlpsolve"

// The solver's setting types, so that configuring a solve needs package nnopt
// alone. They are the solver's own types (aliases): a value set here is the value
// the solver reads, with no conversion to keep in step.

// Method chooses how the solver computes search directions.
type Method = nlpsolve.Method

// Methods.
const (
	DefaultMethod = nlpsolve.DefaultMethod // the method's own choice: LBFGS
	LBFGS         = nlpsolve.LBFGS         // limited-memory quasi-Newton
	NewtonCG      = nlpsolve.NewtonCG      // truncated Newton on exact Hessian products (triangular method only)
)

// Scaling chooses how the variables the solver moves are scaled.
type Scaling = nlpsolve.Scaling

// Scalings.
const (
	DefaultScaling = nlpsolve.DefaultScaling // the method's own: automatic for the triangular method; Scale, or without any the start's magnitudes, for the general one
	ScaleAuto      = nlpsolve.ScaleAuto      // Scale times one automatic factor per variable block (triangular method only)
	ScaleUser      = nlpsolve.ScaleUser      // the variables' Scale alone (no automatic scaling)
)

// Elimination chooses the equations that define a variable and are eliminated (the
// variable computed by a sweep rather than moved by the solver).
type Elimination = nlpsolve.Elimination

// Eliminations.
const (
	DefaultElimination = nlpsolve.DefaultElimination // EliminateDefined
	EliminateDefined   = nlpsolve.EliminateDefined   // every equation that defines a variable, where the method can
	EliminateNone      = nlpsolve.EliminateNone      // none: every equation rows, every variable columns (general method)
)

// Iteration is one line of the solver's iteration log, as Options.OnIteration
// receives it.
type Iteration = nlpsolve.Iteration
