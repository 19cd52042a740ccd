package nlpsolve

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// The accepted ranges of the numeric settings. They are the one statement of what a
// setting may be: Settings.Validate, nnopt's Options, the option file registry and
// cmd/train's flags all check against them, so a value refused in one place is
// refused in every other.
const (
	// MaxIterationLimit is the largest IterationLimit.
	MaxIterationLimit = math.MaxInt32
	// MaxTimeLimit is the largest TimeLimit: about 31 years, far beyond any solve,
	// and far from time.Duration's overflow.
	MaxTimeLimit = 1e9 * time.Second
	// MaxMemory is the largest Memory: each pair costs two vectors of the
	// superbasics, so a larger memory costs more than it can save.
	MaxMemory = 1000
	// DefaultMemory is the Memory used when it is 0.
	DefaultMemory = 10
	// DefaultGradientTolerance is the GradientTolerance used when it is 0.
	DefaultGradientTolerance = 1e-7
	// UnboundedObjective: a minimised objective below its negative (a maximised one
	// above it) stops the solve as Unbounded; the general method's bound too.
	UnboundedObjective = 1e20
)

// errNilContext is returned for a nil context: a solve stops through its context, so
// it needs one (context.Background() for none).
var errNilContext = errors.New("nlpsolve: nil context; pass context.Background() for a solve that is never cancelled")

// Validate says whether every setting is in its range; the error names the setting,
// its value and what is accepted. Solve and SolveGeneral call it.
func (s *Settings) Validate() error {
	if s.IterationLimit < 0 || s.IterationLimit > MaxIterationLimit {
		return fmt.Errorf("nlpsolve: iteration limit %d: want a count in [0, %d] (0: no limit)", s.IterationLimit, MaxIterationLimit)
	}
	if s.TimeLimit < 0 || s.TimeLimit > MaxTimeLimit {
		return fmt.Errorf("nlpsolve: time limit %v: want a duration in [0, %v] (0: no limit)", s.TimeLimit, MaxTimeLimit)
	}
	if math.IsNaN(s.GradientTolerance) || s.GradientTolerance < 0 || math.IsInf(s.GradientTolerance, 1) {
		return fmt.Errorf("nlpsolve: gradient tolerance %g: want a finite positive number (0: the default %g)", s.GradientTolerance, DefaultGradientTolerance)
	}
	if s.Memory < 0 || s.Memory > MaxMemory {
		return fmt.Errorf("nlpsolve: memory %d: want a number of curvature pairs in [1, %d] (0: the default %d)", s.Memory, MaxMemory, DefaultMemory)
	}
	switch s.Method {
	case DefaultMethod, LBFGS, NewtonCG:
	default:
		return fmt.Errorf("nlpsolve: method %d: want lbfgs or newton-cg", int(s.Method))
	}
	switch s.Scaling {
	case DefaultScaling, ScaleAuto, ScaleUser:
	default:
		return fmt.Errorf("nlpsolve: scaling %d: want auto or user", int(s.Scaling))
	}
	return nil
}

// withDefaults returns s with its zero settings replaced by the defaults.
func (s Settings) withDefaults() Settings {
	if s.GradientTolerance == 0 {
		s.GradientTolerance = DefaultGradientTolerance
	}
	if s.Memory == 0 {
		s.Memory = DefaultMemory
	}
	return s
}

// Seconds converts a time limit given in seconds, as flags and option files state
// it, to a TimeLimit. NaN, infinities, negative values and values above
// MaxTimeLimit are errors rather than the wrapped-around durations a plain
// conversion gives.
func Seconds(s float64) (time.Duration, error) {
	if !(s >= 0 && s <= MaxTimeLimit.Seconds()) {
		return 0, fmt.Errorf("time limit %g s: want a number of seconds in [0, %g] (0: no limit)", s, MaxTimeLimit.Seconds())
	}
	return time.Duration(math.Round(s * float64(time.Second))), nil
}
