package grg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNonlinearInequality: min -x - y s.t. x² + y² ≤ 1 through WithSlacks; the
// dual of the ≤ row is ∂f*/∂ε = -√2/2.
func TestNonlinearInequality(t *testing.T) {
	disk := &funcProblem{n: 2, m: 1, colPtr: []int{0, 1, 2}, rowIdx: []int{0, 0},
		eval: func(x, c, g, jac []float64) float64 {
			c[0] = x[0]*x[0] + x[1]*x[1] - 1
			g[0], g[1] = -1, -1
			jac[0], jac[1] = 2*x[0], 2*x[1]
			return -x[0] - x[1]
		}}
	p, lo, up, err := WithSlacks(disk, []Relation{LessEqual}, []float64{-inf, -inf}, []float64{inf, inf})
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.Start([]float64{0.1, 0.3})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Solve(p, x, lo, up, nil)
	if err != nil || res.Status != Optimal {
		t.Fatalf("%v %v", res.Status, err)
	}
	t.Logf("f = %.10g at %.6g, dual %.8g, %d iterations", res.F, x, res.Duals, res.Iterations)
	if math.Abs(res.F+math.Sqrt2) > 1e-8 || math.Abs(res.Duals[0]+math.Sqrt2/2) > 1e-6 {
		t.Errorf("f = %v (want -√2), dual %v (want -√2/2)", res.F, res.Duals[0])
	}
	checkKKT(t, p, x, lo, up, res, 1e-6)
}

func TestIterationLimit(t *testing.T) {
	x := []float64{3, 0.2}
	res, err := Solve(hyperbola(), x, []float64{0, 0}, []float64{inf, inf}, &Settings{IterationLimit: 2})
	if err != nil || res.Status != IterationLimit || res.Iterations != 2 {
		t.Fatalf("%v after %d iterations, err %v", res.Status, res.Iterations, err)
	}
	if res.MaxResidual > 1e-8 {
		t.Errorf("point left infeasible: residual %g", res.MaxResidual)
	}
}

func TestStop(t *testing.T) {
	calls := 0
	stop := func() bool { calls++; return calls > 3 }
	x := []float64{3, 0.2}
	res, err := Solve(hyperbola(), x, []float64{0, 0}, []float64{inf, inf}, &Settings{Stop: stop})
	if err != nil || res.Status != Stopped || res.Iterations != 3 {
		t.Fatalf("%v after %d iterations (%d Stop calls), err %v; want stopped after 3", res.Status, res.Iterations, calls, err)
	}
	if res.MaxResidual > 1e-8 || len(res.Duals) != 1 {
		t.Errorf("stopped point: residual %g, %d duals", res.MaxResidual, len(res.Duals))
	}
}

// TestRandomLP compares random bounded LPs (mixed ≤, ≥, = rows, degenerate
// right-hand sides) with glpsol.
func TestRandomLP(t *testing.T) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Skip("glpsol not installed")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for inst := 0; inst < randomLPs; inst++ {
		m, n := 5+rng.IntN(15), 10+rng.IntN(25)
		a := make([][]float64, m)
		xf := make([]float64, n) // a feasible point, often at bounds
		for j := range xf {
			if rng.IntN(2) == 0 {
				xf[j] = float64(rng.IntN(5))
			}
		}
		rel := make([]Relation, m)
		b := make([]float64, m)
		for i := range a {
			a[i] = make([]float64, n)
			act := 0.0
			for j := range a[i] {
				if rng.Float64() < 0.3 {
					a[i][j] = float64(rng.IntN(9) - 4)
				}
			}
			if k := rng.IntN(n); a[i][k] == 0 {
				a[i][k] = 1
			}
			for j := range a[i] {
				act += a[i][j] * xf[j]
			}
			rel[i] = Relation(rng.IntN(3))
			switch {
			case rel[i] == LessEqual && rng.IntN(2) == 0:
				act += float64(rng.IntN(3))
			case rel[i] == GreaterEqual && rng.IntN(2) == 0:
				act -= float64(rng.IntN(3))
			}
			b[i] = act
		}
		c := make([]float64, n)
		for j := range c {
			c[j] = float64(rng.IntN(11) - 5)
		}
		lo, up := make([]float64, n), make([]float64, n)
		for j := range up {
			up[j] = 5
		}
		lp := dense(a, b, c)
		p, lo2, up2, err := WithSlacks(lp, rel, lo, up)
		if err != nil {
			t.Fatal(err)
		}
		x, err := p.Start(make([]float64, n))
		if err != nil {
			t.Fatal(err)
		}
		var set *Settings
		if os.Getenv("GRG_DBG") == strconv.Itoa(inst) {
			set = &Settings{Log: os.Stderr}
		}
		res, err := Solve(p, x, lo2, up2, set)
		if err != nil {
			t.Fatal(err)
		}
		// glpsol on the same LP.
		var sb strings.Builder
		sb.WriteString("Minimize\n obj:")
		for j, v := range c {
			fmt.Fprintf(&sb, " %+g x%d", v, j)
		}
		sb.WriteString("\nSubject To\n")
		for i := range a {
			fmt.Fprintf(&sb, " r%d:", i)
			for j, v := range a[i] {
				if v != 0 {
					fmt.Fprintf(&sb, " %+g x%d", v, j)
				}
			}
			fmt.Fprintf(&sb, " %s %g\n", [...]string{"=", "<=", ">="}[rel[i]], b[i])
		}
		sb.WriteString("Bounds\n")
		for j := range c {
			fmt.Fprintf(&sb, " 0 <= x%d <= 5\n", j)
		}
		sb.WriteString("End\n")
		dir := t.TempDir()
		lpFile, out := filepath.Join(dir, "r.lp"), filepath.Join(dir, "r.out")
		if err := os.WriteFile(lpFile, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if b, err := exec.Command(glpsol, "--lp", lpFile, "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("glpsol: %v\n%s", err, b)
		}
		text, _ := os.ReadFile(out)
		var obj float64
		for _, line := range strings.Split(string(text), "\n") {
			if f := strings.Fields(line); len(f) >= 4 && f[0] == "Objective:" {
				obj, _ = strconv.ParseFloat(f[3], 64)
			}
		}
		t.Logf("instance %d (%d×%d): %v f = %.6g (glpsol %.6g), %d iterations, %d in phase 1", inst, m, n, res.Status, res.F, obj, res.Iterations, res.Phase1Iter)
		if res.Status != Optimal {
			t.Errorf("instance %d: status %v", inst, res.Status)
			continue
		}
		if math.Abs(res.F-obj) > 1e-6*(1+math.Abs(obj)) {
			t.Errorf("instance %d: f = %.10g, glpsol %.10g", inst, res.F, obj)
		}
		checkKKT(t, p, x, lo2, up2, res, 1e-7)
	}
}

// randomLPs is the number of TestRandomLP instances (GRG_RANDOM_LPS overrides).
var randomLPs = func() int {
	if v, err := strconv.Atoi(os.Getenv("GRG_RANDOM_LPS")); err == nil && v > 0 {
		return v
	}
	return 12
}()

// valueProblem is a funcProblem that can also evaluate values alone; it counts
// both kinds of call.
type valueProblem struct {
	*funcProblem
	full, values int
	g, jac       []float64
}

func (p *valueProblem) Eval(x, c, g, jac []float64) (float64, error) {
	p.full++
	return p.funcProblem.Eval(x, c, g, jac)
}

func (p *valueProblem) EvalValues(x, c []float64) (float64, error) {
	p.values++
	if p.g == nil {
		p.g, p.jac = make([]float64, p.n), make([]float64, len(p.rowIdx))
	}
	return p.funcProblem.Eval(x, c, p.g, p.jac)
}

// TestValueEvaluator: a ValueEvaluator is asked for values at restoration's
// trial points and for derivatives only at accepted points, and the solve is the
// same as with derivatives everywhere (they are never read at a trial point),
// directly and through WithSlacks.
func TestValueEvaluator(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     func() *funcProblem
		x, lo []float64
		up    []float64
		rel   []Relation
	}{
		{"circle, phase 1", circle, []float64{0.1, 0.1}, []float64{0, 0}, []float64{0.8, inf}, nil},
		{"hyperbola", hyperbola, []float64{2, 0.1}, []float64{0, 0}, []float64{inf, inf}, nil},
		{"circle as x² + y² ≥ 1, slacked", circle, []float64{0.1, 0.1}, []float64{0, 0}, []float64{inf, inf}, []Relation{GreaterEqual}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			solve := func(p Problem) (Result, []float64) {
				x, lo, up := append([]float64(nil), tc.x...), tc.lo, tc.up
				if tc.rel != nil {
					sl, slo, sup, err := WithSlacks(p, tc.rel, lo, up)
					if err != nil {
						t.Fatal(err)
					}
					if x, err = sl.Start(x); err != nil {
						t.Fatal(err)
					}
					p, lo, up = sl, slo, sup
				}
				res, err := Solve(p, x, lo, up, nil)
				if err != nil {
					t.Fatal(err)
				}
				return res, x
			}
			want, wantX := solve(tc.p())
			vp := &valueProblem{funcProblem: tc.p()}
			got, gotX := solve(vp)
			if got.Status != want.Status || got.F != want.F || got.Iterations != want.Iterations {
				t.Errorf("with values alone: %v, f = %v, %d iterations; with derivatives: %v, f = %v, %d iterations",
					got.Status, got.F, got.Iterations, want.Status, want.F, want.Iterations)
			}
			for j := range wantX {
				if gotX[j] != wantX[j] {
					t.Errorf("x%d = %v, with derivatives everywhere %v", j, gotX[j], wantX[j])
				}
			}
			if vp.values == 0 || vp.full > vp.values {
				t.Errorf("%d evaluations with derivatives, %d of values alone: want values alone at trial points", vp.full, vp.values)
			}
			t.Logf("%v after %d iterations: %d evaluations with derivatives, %d of values alone", got.Status, got.Iterations, vp.full, vp.values)
		})
	}
}
