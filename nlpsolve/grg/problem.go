package grg

import (
	"errors"
	"fmt"
	"math"
)

// Problem is min f(x) subject to c(x) = 0, given by callbacks on a fixed
// sparse Jacobian structure. Bounds lo ≤ x ≤ up are passed to Solve.
type Problem interface {
	// Dims returns the number of variables n and of rows m.
	Dims() (n, m int)
	// Pattern returns the structure of the m×n Jacobian in compressed-column
	// form: the rows of column j are rowIdx[colPtr[j]:colPtr[j+1]], each at most
	// once. The structure must not change between calls; Solve does not modify
	// the slices.
	Pattern() (colPtr, rowIdx []int)
	// Eval returns f(x) and stores c(x) in c (length m), ∇f(x) in grad (length n)
	// and the Jacobian's values in jac, in the positions of Pattern. A non-nil
	// error stops Solve, which returns it; non-finite values at a trial point only
	// make the line search step back.
	Eval(x, c, grad, jac []float64) (f float64, err error)
}

// Relation is the sense of a row c_i(x) ⋄ 0.
type Relation int8

// Relations.
const (
	Equal        Relation = iota // c_i(x) = 0
	LessEqual                    // c_i(x) ≤ 0
	GreaterEqual                 // c_i(x) ≥ 0
)

// Slacked is a problem with inequality rows turned into equalities by one slack
// column per inequality: row i becomes c_i(x) - s_i = 0 with s_i ≤ 0 (LessEqual)
// or s_i ≥ 0 (GreaterEqual). The slack equals the row activity c_i(x), so the
// dual of row i is ∂f*/∂ε for the perturbed row c_i(x) ⋄ ε, as for an equality.
// Its variables are those of the inner problem followed by the slacks, in row
// order.
type Slacked struct {
	Inner    Problem
	SlackRow []int // row of each slack column
	n, m     int
	colPtr   []int
	rowIdx   []int
	nnzInner int
	slo, sup []float64 // slack bounds
	grad     []float64 // EvalValues's scratch when Inner is no ValueEvaluator
	jac      []float64
}

// WithSlacks returns p with a slack for every row whose relation is not Equal,
// together with the extended bounds (lo and up of p followed by the slacks').
// rel has one entry per row.
func WithSlacks(p Problem, rel []Relation, lo, up []float64) (*Slacked, []float64, []float64, error) {
	if p == nil {
		return nil, nil, nil, errors.New("grg: WithSlacks: nil problem")
	}
	n, m := p.Dims()
	colPtr, rowIdx := p.Pattern()
	if err := checkPattern(n, m, colPtr, rowIdx); err != nil {
		return nil, nil, nil, err
	}
	if len(rel) != m {
		return nil, nil, nil, fmt.Errorf("grg: WithSlacks: %d relations for %d rows", len(rel), m)
	}
	if len(lo) != n || len(up) != n {
		return nil, nil, nil, fmt.Errorf("grg: WithSlacks: bounds have lengths %d and %d, want n = %d", len(lo), len(up), n)
	}
	s := &Slacked{Inner: p, m: m, nnzInner: colPtr[n]}
	s.colPtr = append([]int(nil), colPtr...)
	s.rowIdx = append([]int(nil), rowIdx...)
	lo2 := append([]float64(nil), lo...)
	up2 := append([]float64(nil), up...)
	for i, r := range rel {
		switch r {
		case Equal:
			continue
		case LessEqual:
			s.slo, s.sup = append(s.slo, math.Inf(-1)), append(s.sup, 0)
		case GreaterEqual:
			s.slo, s.sup = append(s.slo, 0), append(s.sup, math.Inf(1))
		default:
			return nil, nil, nil, fmt.Errorf("grg: WithSlacks: row %d: unknown relation %d", i, r)
		}
		s.SlackRow = append(s.SlackRow, i)
		s.rowIdx = append(s.rowIdx, i)
		s.colPtr = append(s.colPtr, len(s.rowIdx))
	}
	s.n = n + len(s.SlackRow)
	lo2 = append(lo2, s.slo...)
	up2 = append(up2, s.sup...)
	return s, lo2, up2, nil
}

// Dims implements Problem.
func (s *Slacked) Dims() (n, m int) { return s.n, s.m }

// Pattern implements Problem.
func (s *Slacked) Pattern() (colPtr, rowIdx []int) { return s.colPtr, s.rowIdx }

// Eval implements Problem.
func (s *Slacked) Eval(x, c, grad, jac []float64) (float64, error) {
	n0 := s.n - len(s.SlackRow)
	f, err := s.Inner.Eval(x[:n0], c, grad[:n0], jac[:s.nnzInner])
	if err != nil {
		return f, err
	}
	for k, i := range s.SlackRow {
		c[i] -= x[n0+k]
		grad[n0+k] = 0
		jac[s.nnzInner+k] = -1
	}
	return f, nil
}

// Start returns a starting point for the slacked problem: x followed by each
// slack set to its row's activity c_i(x), clipped to the slack's bounds.
func (s *Slacked) Start(x []float64) ([]float64, error) {
	n0 := s.n - len(s.SlackRow)
	if len(x) != n0 {
		return nil, fmt.Errorf("grg: Slacked.Start: len(x) = %d, want %d", len(x), n0)
	}
	c := make([]float64, s.m)
	if _, err := s.Inner.Eval(x, c, make([]float64, n0), make([]float64, s.nnzInner)); err != nil {
		return nil, err
	}
	lo, up := s.slo, s.sup
	out := append([]float64(nil), x...)
	for k, i := range s.SlackRow {
		out = append(out, math.Max(lo[k], math.Min(up[k], c[i])))
	}
	return out, nil
}

// Linear is the linear problem min Cᵀx subject to A·x - B = 0, with A (M×N)
// in compressed-column form. It implements Problem.
type Linear struct {
	N, M   int
	ColPtr []int
	RowIdx []int
	Val    []float64
	C, B   []float64
}

// Dims implements Problem.
func (l *Linear) Dims() (n, m int) { return l.N, l.M }

// Pattern implements Problem.
func (l *Linear) Pattern() (colPtr, rowIdx []int) { return l.ColPtr, l.RowIdx }

// Eval implements Problem.
func (l *Linear) Eval(x, c, grad, jac []float64) (float64, error) {
	f, err := l.EvalValues(x, c)
	if err != nil {
		return f, err
	}
	copy(grad, l.C)
	copy(jac, l.Val)
	return f, nil
}

func checkPattern(n, m int, colPtr, rowIdx []int) error {
	if n <= 0 || m < 0 {
		return fmt.Errorf("grg: Dims() = (%d, %d), want n > 0 and m ≥ 0", n, m)
	}
	if len(colPtr) != n+1 || colPtr[0] != 0 {
		return fmt.Errorf("grg: Pattern: len(colPtr) = %d (want n+1 = %d) and colPtr[0] must be 0", len(colPtr), n+1)
	}
	seen := make([]int, m)
	for j := 0; j < n; j++ {
		if colPtr[j+1] < colPtr[j] || colPtr[j+1] > len(rowIdx) {
			return fmt.Errorf("grg: Pattern: colPtr[%d] = %d out of order or past len(rowIdx) = %d", j+1, colPtr[j+1], len(rowIdx))
		}
		for t := colPtr[j]; t < colPtr[j+1]; t++ {
			i := rowIdx[t]
			if i < 0 || i >= m {
				return fmt.Errorf("grg: Pattern: rowIdx[%d] = %d in column %d, want a row in [0, %d)", t, i, j, m)
			}
			if seen[i] == j+1 {
				return fmt.Errorf("grg: Pattern: row %d repeated in column %d", i, j)
			}
			seen[i] = j + 1
		}
	}
	if colPtr[n] != len(rowIdx) {
		return fmt.Errorf("grg: Pattern: colPtr[n] = %d, want len(rowIdx) = %d", colPtr[n], len(rowIdx))
	}
	return nil
}

// A ValueEvaluator is a Problem that can evaluate f and c without their
// derivatives. Solve then asks for values only at the Newton iterations of
// restoration and at a line search's trial points, and for the derivatives once
// a point is accepted: a Jacobian computed by tangent sweeps through a network
// costs several evaluations, and most trial points are never used.
type ValueEvaluator interface {
	Problem
	// EvalValues returns f(x) and stores c(x) in c, as Eval does.
	EvalValues(x, c []float64) (f float64, err error)
}

// EvalValues implements ValueEvaluator. When the inner problem is no
// ValueEvaluator it evaluates the derivatives as well and drops them, and Solve
// does not call it.
func (s *Slacked) EvalValues(x, c []float64) (float64, error) {
	n0 := s.n - len(s.SlackRow)
	var f float64
	var err error
	if ve, ok := s.Inner.(ValueEvaluator); ok {
		f, err = ve.EvalValues(x[:n0], c)
	} else {
		if s.grad == nil {
			s.grad, s.jac = make([]float64, n0), make([]float64, s.nnzInner)
		}
		f, err = s.Inner.Eval(x[:n0], c, s.grad, s.jac)
	}
	if err != nil {
		return f, err
	}
	for k, i := range s.SlackRow {
		c[i] -= x[n0+k]
	}
	return f, nil
}

// valueEvaluator returns p as a ValueEvaluator when leaving the derivatives out
// saves work: a Slacked problem only when its inner problem is one.
func valueEvaluator(p Problem) (ValueEvaluator, bool) {
	if sl, ok := p.(*Slacked); ok {
		if _, inner := sl.Inner.(ValueEvaluator); !inner {
			return nil, false
		}
	}
	ve, ok := p.(ValueEvaluator)
	return ve, ok
}

// EvalValues implements ValueEvaluator.
func (l *Linear) EvalValues(x, c []float64) (float64, error) {
	if len(l.C) != l.N || len(l.B) != l.M || len(l.Val) != len(l.RowIdx) {
		return 0, fmt.Errorf("grg: Linear: len(C) = %d, len(B) = %d, len(Val) = %d; want %d, %d, %d",
			len(l.C), len(l.B), len(l.Val), l.N, l.M, len(l.RowIdx))
	}
	for i := range c {
		c[i] = -l.B[i]
	}
	f := 0.0
	for j := 0; j < l.N; j++ {
		f += l.C[j] * x[j]
		for t := l.ColPtr[j]; t < l.ColPtr[j+1]; t++ {
			c[l.RowIdx[t]] += l.Val[t] * x[j]
		}
	}
	return f, nil
}
