package nlpsolve

import (
	"context"
	"errors"
	"fmt"
)

// Algorithm names the method that produced a Result: Solve's triangular method or
// SolveGeneral's general one. It is not Settings.Method, which chooses the search
// directions within a method.
type Algorithm int

const (
	// NoAlgorithm is the zero value: the Result came from neither method.
	NoAlgorithm Algorithm = iota
	// TriangularAlgorithm is Solve: a forward sweep through every equation and a
	// bound-constrained problem in the remaining variables.
	TriangularAlgorithm
	// GeneralAlgorithm is SolveGeneral: the generalized reduced-gradient method
	// on the equations that cannot stay eliminated.
	GeneralAlgorithm
)

func (a Algorithm) String() string {
	switch a {
	case NoAlgorithm:
		return "none"
	case TriangularAlgorithm:
		return "triangular"
	case GeneralAlgorithm:
		return "general"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Optimize minimises (or maximises) the objective of p from x0 with whichever of
// the package's two methods fits p, and says which one produced the Result in
// Result.Algorithm. It is the entry point for callers that do not know the shape
// of their problem; Solve and SolveGeneral remain for those that do.
//
// The triangular method (Solve) is cheaper, and exact where it applies, so it is
// tried first, unless Settings.Elimination is EliminateNone, which only the general
// method honours. When Triangular(p) reports that p is not triangular (an equation
// defines no variable, two define the same one, or the definitions form a cycle),
// Optimize goes straight to the general method (SolveGeneral), whose checks of the
// settings and of x0 are then the ones that apply. Otherwise it runs Solve, which
// can still find that the forward sweep from x0 puts a defined variable outside
// its bounds: Solve keeps defined variables inside their bounds but cannot bring
// one back, so it gives up before its first iteration with Status Infeasible and
// an error wrapping ErrNotTriangular. Optimize answers that by running
// SolveGeneral from x0, which keeps such a variable's equation as rows. The Result
// is then the general method's alone (its iterations, evaluations and Elapsed),
// the log keeps the header Solve wrote, and a caller of Optimize never sees
// Status Infeasible.
//
// pat is read only by the general method. Errors are those of the method that ran,
// unchanged; in particular a setting SolveGeneral refuses (ErrUnsupportedSetting)
// is refused whenever Optimize chooses it, even for a fallback Solve would have
// run with it. With an error the Result is the method's: nil, or Solve's with
// Status EvaluationError at the point of the first sweep. A non-nil Result always
// has Algorithm set.
func Optimize(ctx context.Context, p *Problem, pat PatternFunc, x0 [][]float64, set Settings) (*Result, error) {
	if set.Elimination == EliminateNone || errors.Is(Triangular(p), ErrNotTriangular) {
		return SolveGeneral(ctx, p, pat, x0, set)
	}
	res, err := Solve(ctx, p, x0, set)
	if errors.Is(err, ErrNotTriangular) {
		return SolveGeneral(ctx, p, pat, x0, set)
	}
	return res, err
}
