// Package freeze keeps the instance of a frozen model (nnopt's Model.Freeze) between
// solves: it applies the modifiables' data to the instance before each solve, as the
// update type says.
//
// The data is dense, so an element holds a record when its value differs from the
// modifiable's default, or is the default with the other sign of zero (Eps, negative
// zero, against 0). A fixed-value modifiable (x.fx) holds a record where the
// variable's lower and upper bounds are equal.
package freeze

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Update says how the elements of a modifiable that hold no record are applied. The
// values are those of nnopt.UpdateType.
type Update int

// Update types.
const (
	BaseCase   Update = iota // the element's value at Freeze
	Zero                     // the default value
	Accumulate               // the value the last solve left
)

// ErrUnmatchedRecords is wrapped by the error of an update whose modifiables hold more
// records outside the instance than its limit.
var ErrUnmatchedRecords = errors.New("unmatched record limit exceeded")

// Mod is one modifiable: where the container holds its data and where the instance
// does.
type Mod struct {
	Name string
	// Data returns the container's data of the modifiable now (for a fixed value,
	// the variable's lower bounds).
	Data func() []float64
	// Bounds returns the variable's lower and upper bounds now, for a fixed value;
	// nil for any other modifiable.
	Bounds func() (lo, up []float64)
	// Element names element i of the modifiable, as name('l1','l2').
	Element func(i int) string

	Act  []bool    // elements the instance contains; nil for all
	Def  float64   // default value (fixed value: unused)
	Cur  []float64 // instance data (fixed value: the lower bounds)
	Base []float64 // instance data at Freeze
	// Fixed value: upper bounds and levels of the instance, the bounds at Freeze and
	// the type's default bounds.
	CurUp, Lev   []float64
	BaseUp       []float64
	DefLo, DefUp float64
}

// fixed reports whether md is a fixed value.
func (md *Mod) fixed() bool { return md.Bounds != nil }

// Order sorts mods so that fixed values come first, in their order, and the others
// after them, in theirs: a fixed value applies before the bounds and the level, so
// that where x.fx has no record, a modifiable x.lo or x.up still decides its own
// bound.
func Order(mods []*Mod) {
	slices.SortStableFunc(mods, func(a, b *Mod) int { return boolInt(b.fixed()) - boolInt(a.fixed()) })
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Apply writes the container's data of every modifiable into the instance, as u says
// for the elements without a record. It checks everything first and changes nothing
// on an error: a modifiable whose size differs from the instance's, and more than
// noMatchLimit records, over all modifiables, on elements the instance does not
// contain (an error wrapping ErrUnmatchedRecords).
func Apply(mods []*Mod, u Update, noMatchLimit int) error {
	unmatched := 0
	for _, md := range mods {
		data := md.Data()
		shape := len(data) != len(md.Base)
		if md.fixed() {
			_, up := md.Bounds()
			shape = shape || len(up) != len(md.Base)
		}
		if shape {
			return fmt.Errorf("modifiable %s has %d elements, the frozen instance %d: a modifiable cannot change its shape (Unfreeze and Freeze again)", md.Name, len(data), len(md.Base))
		}
		if md.Act == nil {
			continue
		}
		n, first := md.unmatched()
		unmatched += n
		if unmatched > noMatchLimit {
			return fmt.Errorf("%w while processing modifiable %s: %d record(s) on elements the instance does not contain (first: %s), FreezeOptions.NoMatchLimit is %d", ErrUnmatchedRecords, md.Name, n, md.Element(first), noMatchLimit)
		}
	}
	for _, md := range mods {
		md.apply(u)
	}
	return nil
}

// isRecord reports whether v is a record against the default def: a different value,
// or the same with the other sign of zero (Eps against 0).
func isRecord(v, def float64) bool { return v != def || math.Signbit(v) != math.Signbit(def) }

// unmatched counts the records on elements outside the instance and returns the
// first one's position.
func (md *Mod) unmatched() (n, first int) {
	first = -1
	var rec func(i int) bool
	if md.fixed() {
		lo, up := md.Bounds()
		rec = func(i int) bool { return lo[i] == up[i] }
	} else {
		data := md.Data()
		rec = func(i int) bool { return isRecord(data[i], md.Def) }
	}
	for i, in := range md.Act {
		if !in && rec(i) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return n, first
}

// apply writes the container's data into the instance's elements.
func (md *Mod) apply(u Update) {
	if !md.fixed() {
		applyDense(md.Cur, md.Data(), md.Base, md.Def, md.Act, u)
		return
	}
	lo, up := md.Bounds()
	for i := range md.Cur {
		if md.Act != nil && !md.Act[i] {
			continue
		}
		switch {
		case lo[i] == up[i]:
			x := lo[i] + 0
			md.Cur[i], md.CurUp[i], md.Lev[i] = x, x, x
		case u == Zero:
			md.Cur[i], md.CurUp[i] = md.DefLo, md.DefUp
		case u == BaseCase:
			md.Cur[i], md.CurUp[i] = md.Base[i], md.BaseUp[i]
		}
	}
}

// applyDense sets cur from data where data holds a record against def, and elsewhere
// as the update type says, on the elements act marks (all when act is nil).
func applyDense(cur, data, base []float64, def float64, act []bool, u Update) {
	if u == Zero && act == nil {
		// A missing element equals def, so both cases are v (+0 for Eps).
		for i, v := range data {
			cur[i] = v + 0
		}
		return
	}
	for i, v := range data {
		if act != nil && !act[i] {
			continue
		}
		if isRecord(v, def) {
			cur[i] = v + 0 // Eps becomes +0
			continue
		}
		switch u {
		case Zero:
			cur[i] = def
		case BaseCase:
			cur[i] = base[i]
		}
	}
}
