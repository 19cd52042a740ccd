package simplex

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomLP is a feasible and bounded LP with m rows (about half equalities, the
// rest ranges and one-sided rows), n boxed or one-sided columns and a few
// entries per column: its rows hold at a random point inside the bounds.
func randomLP(n, m int, seed uint64) *Problem {
	r := rand.New(rand.NewPCG(seed, 7))
	p := &Problem{N: n, M: m, ColPtr: make([]int, n+1), C: make([]float64, n), Lo: make([]float64, n), Up: make([]float64, n),
		RowLo: make([]float64, m), RowUp: make([]float64, m)}
	x := make([]float64, n)
	act := make([]float64, m)
	for j := 0; j < n; j++ {
		p.Lo[j], p.Up[j] = 0, 1+9*r.Float64()
		if j%4 == 3 {
			p.Up[j] = math.Inf(1)
		}
		x[j] = 3 * r.Float64()
		if x[j] > p.Up[j] {
			x[j] = p.Up[j]
		}
		p.C[j] = r.Float64()*2 - 0.5
		seen := map[int]bool{}
		for k := 0; k < 2+r.IntN(3); k++ {
			i := r.IntN(m)
			if seen[i] {
				continue
			}
			seen[i] = true
			v := r.Float64()*4 - 2
			p.RowIdx = append(p.RowIdx, i)
			p.Val = append(p.Val, v)
			act[i] += v * x[j]
		}
		p.ColPtr[j+1] = len(p.RowIdx)
	}
	for i := 0; i < m; i++ {
		switch i % 4 {
		case 0, 1:
			p.RowLo[i], p.RowUp[i] = act[i], act[i]
		case 2:
			p.RowLo[i], p.RowUp[i] = act[i]-1, act[i]+r.Float64()
		default:
			p.RowLo[i], p.RowUp[i] = math.Inf(-1), act[i]+r.Float64()
		}
	}
	return p
}

// TestPrimalWeightsExact runs the primal method for a number of iterations and
// compares every nonbasic's updated projected steepest-edge weight with its
// definition, γ_j = [j ∈ R] + Σ_{p: head[p] ∈ R} (B⁻¹a_j)_p².
func TestPrimalWeightsExact(t *testing.T) {
	cases := 0
	for _, limit := range []int{3, 10, 25, 60} {
		for seed := uint64(1); seed <= 3; seed++ {
			s, err := newSolver(randomLP(60, 40, seed), &Settings{NoDual: true, IterationLimit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if st := s.run(); st != IterationLimit {
				continue // solved within the limit
			}
			if s.lu.Stats().Updates == 0 {
				continue // just refactored: the weights are as exact as before, but nothing to check of the updates
			}
			col := make([]float64, s.m)
			checked := 0
			for j, st := range s.st {
				if st == isBasic || st == isFixed {
					continue
				}
				clear(col)
				rows, vals := s.column(j)
				for t, i := range rows {
					col[i] = vals[t]
				}
				s.lu.SolveVec(col, col)
				g := 0.0
				if s.ref[j] {
					g = 1
				}
				for p, a := range col {
					if s.ref[s.head[p]] {
						g += a * a
					}
				}
				if math.Abs(s.w[j]-g) > 1e-7*(1+g) {
					t.Errorf("limit %d seed %d: weight of %d is %.10g, want %.10g", limit, seed, j, s.w[j], g)
				}
				checked++
			}
			if checked == 0 {
				t.Errorf("limit %d seed %d: no nonbasic to check", limit, seed)
			}
			cases++
		}
	}
	if cases < 6 {
		t.Errorf("only %d of 12 runs stopped at the limit with updates to check", cases)
	}
}

// TestDualWeightsExact runs the dual method from the slack basis of a transport
// LP and compares every basis position's updated dual steepest-edge weight with
// its definition ‖e_pᵀB⁻¹‖².
func TestDualWeightsExact(t *testing.T) {
	for _, limit := range []int{2, 8, 20} {
		lp := transport(12, 12, 3)
		s, err := newSolver(lp, &Settings{IterationLimit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if !s.refactor() {
			t.Fatal("slack basis not factored")
		}
		st, done := s.runDual()
		if !done || st != IterationLimit {
			t.Fatalf("limit %d: the dual method ended with %v (done %v), want the iteration limit", limit, st, done)
		}
		row := make([]float64, s.m)
		for p := range s.head {
			clear(row)
			row[p] = 1
			s.lu.SolveTransVec(row, row)
			w := 0.0
			for _, v := range row {
				w += v * v
			}
			if math.Abs(s.dw[p]-w) > 1e-8*(1+w) {
				t.Errorf("limit %d: dual weight of position %d is %.10g, want %.10g", limit, p, s.dw[p], w)
			}
		}
	}
}

// TestCrash checks the crash basis of random LPs: it takes in structural
// columns, only in place of equality rows' logicals, the basis it makes is
// nonsingular, and the primal method from it reaches the optimum found from the
// slack basis.
func TestCrash(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		p := randomLP(80, 50, seed)
		s, err := newSolver(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		k := s.crash()
		if k == 0 {
			t.Fatalf("seed %d: the crash took no column", seed)
		}
		structurals := 0
		for _, j := range s.head {
			if j < s.n {
				structurals++
			}
		}
		if structurals != k {
			t.Errorf("seed %d: %d structurals in the basis, crash reported %d", seed, structurals, k)
		}
		for i := 0; i < s.m; i++ {
			if s.pos[s.n+i] < 0 && p.RowLo[i] != p.RowUp[i] {
				t.Errorf("seed %d: the logical of inequality row %d left the basis", seed, i)
			}
		}
		if !s.refactor() {
			t.Fatalf("seed %d: crash basis not factored", seed)
		}
		if cols, _ := s.lu.Dependent(); len(cols) > 0 {
			t.Errorf("seed %d: crash basis singular (%d dependent columns)", seed, len(cols))
		}
		crash, err := Solve(p, &Settings{NoDual: true})
		if err != nil {
			t.Fatal(err)
		}
		slack, err := Solve(p, &Settings{NoDual: true, NoCrash: true})
		if err != nil {
			t.Fatal(err)
		}
		if crash.Status != Optimal || slack.Status != Optimal || math.Abs(crash.Objective-slack.Objective) > 1e-8*(1+math.Abs(slack.Objective)) {
			t.Errorf("seed %d: from the crash basis %v %.12g, from the slack basis %v %.12g", seed, crash.Status, crash.Objective, slack.Status, slack.Objective)
		}
	}
}

// TestDualCrash checks that the dual method starts from the crash basis when
// that basis is dual feasible, and from the slack basis, restored as it was,
// when it is not.
func TestDualCrash(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		// Kept: the columns the crash takes cost nothing and the others cost
		// more than nothing, so that y = 0 and d = c ≥ 0 at the crash basis.
		p := randomLP(80, 50, seed)
		probe, err := newSolver(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		probe.crash()
		for j := 0; j < p.N; j++ {
			p.C[j] = 0.1 + float64(j%7)
			if probe.pos[j] >= 0 {
				p.C[j] = 0
			}
		}
		s, err := newSolver(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !s.refactor() {
			t.Fatal("slack basis not factored")
		}
		if !s.dualCrash() {
			t.Errorf("seed %d: a dual feasible crash basis was not kept", seed)
		}
		res, err := Solve(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Solve(p, &Settings{NoCrash: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != Optimal || ref.Status != Optimal || math.Abs(res.Objective-ref.Objective) > 1e-8*(1+math.Abs(ref.Objective)) {
			t.Errorf("seed %d: from the crash basis %v %.12g, from the slack basis %v %.12g", seed, res.Status, res.Objective, ref.Status, ref.Objective)
		}
	}
	// Restored: a balanced transport LP (equality rows, positive costs) has a
	// dual feasible slack basis but a crash basis that is not.
	lp := transport(20, 20, 5)
	supply := 0.0
	for i := 0; i < 20; i++ {
		supply += lp.RowUp[i]
		lp.RowLo[i] = lp.RowUp[i]
	}
	demand := 0.0
	for j := 0; j < 20; j++ {
		demand += lp.RowLo[20+j]
	}
	for j := 0; j < 20; j++ {
		lp.RowLo[20+j] *= supply / demand
		lp.RowUp[20+j] = lp.RowLo[20+j]
	}
	s, err := newSolver(lp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s.refactor() {
		t.Fatal("slack basis not factored")
	}
	if s.dualCrash() {
		t.Fatal("the crash basis of a balanced transport LP was kept as dual feasible")
	}
	for p, k := range s.head {
		if k != s.n+p {
			t.Fatalf("basis position %d holds %d after the restore, want the logical %d", p, k, s.n+p)
		}
	}
	for j := 0; j < s.n; j++ {
		if s.st[j] != atLo || s.x[j] != s.lo[j] {
			t.Fatalf("column %d: state %d, x %g after the restore, want at its lower bound", j, s.st[j], s.x[j])
		}
	}
	res, err := Solve(lp, nil)
	if err != nil || res.Status != Optimal {
		t.Fatalf("balanced transport: %v, %v", res.Status, err)
	}
}
