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
	// DefaultFeasibilityTolerance is the FeasibilityTolerance used when it is 0.
	DefaultFeasibilityTolerance = 1e-9
	// MaxFeasibilityTolerance bounds FeasibilityTolerance: a residual as large as
	// the rows' own scale is no longer feasible in any useful sense.
	MaxFeasibilityTolerance = 0.1
	// ReportFeasibilityTolerance is the row violation above which a Result counts
	// a row infeasible (NumInfeasibilities) when FeasibilityTolerance is smaller.
	ReportFeasibilityTolerance = 1e-6
	// UnboundedObjective: a minimised objective below its negative (a maximised one
	// above it) stops the solve as Unbounded; the general method's bound too.
	UnboundedObjective = 1e20
)

// ErrUnsupportedSetting is wrapped by the error of a method given a setting it
// cannot honour: every setting is honoured or refused, never ignored.
var ErrUnsupportedSetting = errors.New("setting not supported by this method")

// errNilContext is returned for a nil context: a solve stops through its context, so
// it needs one (context.Background() for none).
var errNilContext = errors.New("nlpsolve: nil context; pass context.Background() for a solve that is never cancelled")

// A RangeError says that a setting is outside its range. Callers that know the
// setting by another name (a command-line flag) build their own message from Want.
type RangeError struct {
	Setting string // "memory"
	Value   string // the value given, formatted
	Want    string // what is accepted
}

func (e *RangeError) Error() string { return e.Setting + " " + e.Value + ": want " + e.Want }

// Validate says whether every setting is in its range; the error wraps a
// *RangeError naming the setting, its value and what is accepted. Solve and
// SolveGeneral call it.
func (s *Settings) Validate() error {
	bad := func(setting, value, want string) error {
		return fmt.Errorf("nlpsolve: %w", &RangeError{Setting: setting, Value: value, Want: want})
	}
	if s.IterationLimit < 0 || s.IterationLimit > MaxIterationLimit {
		return bad("iteration limit", fmt.Sprint(s.IterationLimit), fmt.Sprintf("a count in [0, %d] (0: no limit)", MaxIterationLimit))
	}
	if s.TimeLimit < 0 || s.TimeLimit > MaxTimeLimit {
		return bad("time limit", s.TimeLimit.String(), fmt.Sprintf("a duration in [0, %v] (0: no limit)", MaxTimeLimit))
	}
	if math.IsNaN(s.GradientTolerance) || s.GradientTolerance < 0 || math.IsInf(s.GradientTolerance, 1) {
		return bad("gradient tolerance", fmtValue(s.GradientTolerance), fmt.Sprintf("a finite positive number (0: the default %g)", DefaultGradientTolerance))
	}
	if !(s.FeasibilityTolerance >= 0 && s.FeasibilityTolerance <= MaxFeasibilityTolerance) {
		return bad("feasibility tolerance", fmtValue(s.FeasibilityTolerance), fmt.Sprintf("a number in [0, %g] (0: the default %g)", MaxFeasibilityTolerance, DefaultFeasibilityTolerance))
	}
	if math.IsNaN(s.Phase1ObjectiveWeight) || math.IsInf(s.Phase1ObjectiveWeight, 0) {
		return bad("phase 1 objective weight", fmtValue(s.Phase1ObjectiveWeight), "a finite number (0: the default, negative: the plain phase 1)")
	}
	if s.Memory < 0 || s.Memory > MaxMemory {
		return bad("memory", fmt.Sprint(s.Memory), fmt.Sprintf("a number of curvature pairs in [1, %d] (0: the default %d)", MaxMemory, DefaultMemory))
	}
	switch s.Method {
	case DefaultMethod, LBFGS, NewtonCG:
	default:
		return bad("method", fmt.Sprint(int(s.Method)), "lbfgs or newton-cg")
	}
	switch s.Scaling {
	case DefaultScaling, ScaleAuto, ScaleUser:
	default:
		return bad("scaling", fmt.Sprint(int(s.Scaling)), "auto or user")
	}
	switch s.Elimination {
	case DefaultElimination, EliminateDefined, EliminateNone:
	default:
		return bad("elimination", fmt.Sprint(int(s.Elimination)), "defined or none")
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
		return 0, &RangeError{Setting: "time limit", Value: fmtValue(s) + " s", Want: fmt.Sprintf("a number of seconds in [0, %g] (0: no limit)", MaxTimeLimit.Seconds())}
	}
	return time.Duration(math.Round(s * float64(time.Second))), nil
}
