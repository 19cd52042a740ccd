package coin

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"
)

// solveMu serialises solves: the libraries keep global state, and the SIGINT
// guard and the log callback are process-wide.
var solveMu sync.Mutex

// logTo is where the message callback writes during a solve (guarded by
// solveMu).
var logTo struct {
	w      io.Writer
	solver string
}

// messageCallback is the one C function pointer both libraries call for
// their messages (purego's callbacks are never freed, so it is made once).
var messageCallback = sync.OnceValue(func() uintptr {
	return purego.NewCallback(func(_ uintptr, msgno int32, nd int32, dv *float64, ni int32, iv *int32, nc int32, cv **byte) {
		if logTo.w == nil {
			return
		}
		fmt.Fprintln(logTo.w, formatMessage(logTo.solver, int(msgno), cSlice(dv, nd), cSlice(iv, ni), cStrings(cv, nc)))
	})
})

// formatMessage writes one message as the libraries' own log would prefix
// it, with its fields: COIN's generic text messages as their text.
func formatMessage(solver string, msgno int, doubles []float64, ints []int32, strs []string) string {
	prefix := solver
	if msgno >= 1000000 {
		prefix, msgno = "Coin", msgno-1000000
	}
	if msgno == 1000 && len(strs) == 1 && len(doubles) == 0 && len(ints) == 0 {
		return strings.TrimSpace(strs[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%04d", prefix, msgno)
	for _, v := range ints {
		b.WriteString(" " + strconv.Itoa(int(v)))
	}
	for _, v := range doubles {
		b.WriteString(" " + strconv.FormatFloat(v, 'g', -1, 64))
	}
	for _, s := range strs {
		b.WriteString(" " + strings.TrimSpace(s))
	}
	return b.String()
}

// cSlice copies n elements of a C array (nil when there are none).
func cSlice[T any](p *T, n int32) []T {
	if p == nil || n <= 0 {
		return nil
	}
	return append([]T(nil), unsafe.Slice(p, n)...)
}

// cStrings copies n NUL-terminated C strings.
func cStrings(p **byte, n int32) []string {
	if p == nil || n <= 0 {
		return nil
	}
	var out []string
	for _, s := range unsafe.Slice(p, n) {
		if s == nil {
			out = append(out, "")
			continue
		}
		k := 0
		for *(*byte)(unsafe.Add(unsafe.Pointer(s), k)) != 0 {
			k++
		}
		out = append(out, string(unsafe.Slice(s, k)))
	}
	return out
}

// cProblem is an LP converted for Clp_loadProblem and Cbc_loadProblem:
// 32-bit indices, infinite bounds as DBL_MAX, nil slices as NULL.
type cProblem struct {
	ncols, nrows                                 int32
	start, index                                 []int32
	value, colLower, colUpper, obj, rowLo, rowUp []float64
}

func convert(p *LP) *cProblem {
	c := &cProblem{ncols: int32(p.NumCols), nrows: int32(p.NumRows)}
	c.start = make([]int32, len(p.ColStart))
	for i, v := range p.ColStart {
		c.start[i] = int32(v)
	}
	c.index = make([]int32, len(p.RowIndex))
	for i, v := range p.RowIndex {
		c.index[i] = int32(v)
	}
	c.value = p.Value
	c.colLower, c.colUpper = finite(p.ColLower), finite(p.ColUpper)
	c.obj = p.Obj
	c.rowLo, c.rowUp = finite(p.RowLower), finite(p.RowUpper)
	return c
}

// finite copies s with ±Inf as ±DBL_MAX, COIN's infinity.
func finite(s []float64) []float64 {
	if s == nil {
		return nil
	}
	out := make([]float64, len(s))
	for i, v := range s {
		switch {
		case math.IsInf(v, 1):
			v = math.MaxFloat64
		case math.IsInf(v, -1):
			v = -math.MaxFloat64
		}
		out[i] = v
	}
	return out
}

// ptr returns &s[0], or nil (NULL) for an empty slice.
func ptr[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// timeBudget combines Settings.TimeLimit with the context's deadline: the
// limit to give the solver (0: none), whether the deadline set it, and
// whether the context is already done.
func timeBudget(ctx context.Context, limit time.Duration) (time.Duration, bool, bool) {
	if ctx.Err() != nil {
		return 0, false, true
	}
	d, ok := ctx.Deadline()
	if !ok {
		return limit, false, false
	}
	left := time.Until(d)
	if left <= 0 {
		return 0, false, true
	}
	if limit == 0 || left < limit {
		return left, true, false
	}
	return limit, false, false
}

// seconds formats a time limit for Cbc's parameter parser.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(max(d.Seconds(), 1e-3), 'g', -1, 64)
}

// objective returns Obj'x + ObjOffset.
func objective(p *LP, x []float64) float64 {
	f := p.ObjOffset
	for j, c := range p.Obj[:min(len(p.Obj), len(x))] {
		f += c * x[j]
	}
	return f
}

// interrupted finishes a result whose context was done before the solve.
func interrupted(solver string) *Result {
	return &Result{Status: Interrupted, Objective: math.NaN(), Bound: math.NaN(), Solver: solver}
}

// afterSolve turns a cancellation during a solve that no limit stopped into
// the error documented for ErrNotInterruptible.
func afterSolve(ctx context.Context, solver string, res *Result) (*Result, error) {
	if err := ctx.Err(); err != nil && res.Status != Interrupted {
		return res, fmt.Errorf("coin: %s: context done during the solve, which ran to its end (%v): %w: %w",
			solver, res.Status, ErrNotInterruptible, err)
	}
	return res, nil
}
