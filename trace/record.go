package trace

import (
	"math"
	"time"

	"github.com/nnopt/nnopt"
)

// Kind is a trace record type.
type Kind int

// Record types.
const (
	Solve Kind = iota // GamsSolve: one solve
	Step              // GamsStep: an execution phase of a job
	Exit              // GamsExit: the end of a job
)

var kindNames = [...]string{"GamsSolve", "GamsStep", "GamsExit"}

func (k Kind) String() string { return kindNames[k] }

// SolverName is the SolverName of nnopt's records.
const SolverName = "nnopt"

// Record holds the fields of one trace record. Floats that are unknown are NaN
// (written NA); integer fields read as NA are 0. Step and Exit records use the job
// fields (ReturnCode to TotalTime, VersionID), Solve records the rest; Time, the input
// file name and User1 belong to both.
type Record struct {
	Kind Kind
	// Time is when the job (or solve) started: JobDate, JobTime and JulianDate, to the
	// second, in local time.
	Time          time.Time
	InputFileName string
	ModelName     string
	ModelType     string // "NLP", ...
	SolverName    string
	SolverVersion string
	SolverStatus  int // nnopt.SolveStatus code
	ModelStatus   int // nnopt.ModelStatus code
	SolveNumber   int
	SolveLine     int
	OptionFile    int
	Direction     int // 0 minimise, 1 maximise

	NumberOfEquations         int
	NumberOfVariables         int
	NumberOfDiscreteVariables int
	NumberOfNonZeros          int
	NumberOfNonlinearNonZeros int
	NumberOfIterations        int
	NumberOfNodes             int
	NumberOfDomainViolations  int
	Marginals                 int // 1 when marginals are available

	ObjectiveValue         float64
	ObjectiveValueEstimate float64 // best bound; NaN for a local NLP solve
	SolverTime             float64 // seconds the solver reports
	ETSolver               float64 // elapsed seconds in the solver
	ETSolve                float64 // elapsed seconds of the whole solve
	ETInterface            float64 // ETSolve less generation and solver time
	ETAlg                  float64 // elapsed seconds of the algorithm
	ModelGenerationTime    float64

	// Job fields (GamsStep, GamsExit).
	VersionID     string // GamsVersionID
	ReturnCode    int    // GamsReturnCode
	ErrorCount    int    // GamsErrorCount
	StartupTime   float64
	CompTime      float64
	ExecTime      float64
	CloseDownTime float64
	TotalTime     float64 // GamsTotalTime
	ElapsedTime   float64 // GamsElapsedTime

	User1 string

	// Line is the line of the record in the file it was read from (0 when built).
	Line int
}

// NewRecord returns a record of the kind with every float unknown (NaN) and Time now.
func NewRecord(k Kind) Record {
	nan := math.NaN()
	return Record{Kind: k, Time: time.Now(),
		ObjectiveValue: nan, ObjectiveValueEstimate: nan, SolverTime: nan, ETSolver: nan, ETSolve: nan,
		ETInterface: nan, ETAlg: nan, ModelGenerationTime: nan, StartupTime: nan, CompTime: nan,
		ExecTime: nan, CloseDownTime: nan, TotalTime: nan, ElapsedTime: nan}
}

// Info is what a trace record needs beyond a model's attributes.
type Info struct {
	// InputFileName names the run (a program, a configuration); the model name when
	// empty.
	InputFileName string
	Direction     nnopt.Sense // Max gives Direction 1, otherwise 0
	SolveNumber   int         // 1 when 0
	Time          time.Time   // now when zero
	User1         string
}

// FromModel returns the Solve record of m's last Solve.
func FromModel(m *nnopt.Model, info Info) Record {
	return FromAttributes(m.Name(), m.Attributes, info)
}

// FromAttributes returns the Solve record of a model with the given name and
// attributes (set by nnopt's Model.Solve).
func FromAttributes(modelName string, a nnopt.Attributes, info Info) Record {
	r := NewRecord(Solve)
	if !info.Time.IsZero() {
		r.Time = info.Time
	}
	r.Time = r.Time.Truncate(time.Second)
	r.InputFileName = info.InputFileName
	if r.InputFileName == "" {
		r.InputFileName = modelName
	}
	r.ModelName, r.ModelType = modelName, a.UsedModelType.String()
	r.SolverName, r.SolverVersion = a.Solver, a.SolverVersion
	if r.SolverName == "" { // attributes from before Attributes.Solver
		r.SolverName = SolverName
	}
	r.SolverStatus, r.ModelStatus = int(a.SolveStatus), int(a.Status)
	r.SolveNumber = max(info.SolveNumber, 1)
	if info.Direction == nnopt.Maximize {
		r.Direction = 1
	}
	r.NumberOfEquations, r.NumberOfVariables = a.NumEquations, a.NumVariables
	r.NumberOfDiscreteVariables = a.NumDiscreteVariables
	r.NumberOfNonZeros, r.NumberOfNonlinearNonZeros = a.NumNonzeros, a.NumNonlinearZeros
	r.NumberOfIterations = a.NumIterations
	if a.Marginals {
		r.Marginals = 1
	}
	if a.SolveStatus == nnopt.SolveEvaluationInterrupt {
		r.NumberOfDomainViolations = 1
	}
	if a.Status != nnopt.StatusNoSolutionReturned && a.Status != nnopt.StatusErrorNoSolution {
		r.ObjectiveValue = a.ObjectiveValue
	}
	r.SolverTime, r.ETSolver, r.ETAlg = a.SolveModelTime, a.SolveModelTime, a.SolveModelTime
	r.ETSolve, r.ModelGenerationTime = a.TotalSolveTime, a.ModelGenerationTime
	r.ETInterface = max(0, a.TotalSolveTime-a.SolveModelTime-a.ModelGenerationTime)
	r.User1 = info.User1
	return r
}

// julianOrigin is day 0 of JulianDate: the day numbers of the reference's date
// functions and of spreadsheets (1 = 1900-01-01 after the 1900 leap-year quirk).
var julianOrigin = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func julianDate(t time.Time) float64 {
	// Day numbers count wall-clock time, so measure the local clock reading.
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	wall := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	return wall.Sub(julianOrigin).Seconds() / 86400
}

func fromJulianDate(v float64) time.Time {
	wall := julianOrigin.Add(time.Duration(math.Round(v*86400)) * time.Second)
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.Local)
}
