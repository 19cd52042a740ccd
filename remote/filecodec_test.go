package remote

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

// The model file format end to end: a model, a frozen model's scenarios (with the
// parameter's sensitivity, bmult_var's marginal) and a damaged model file.
func TestModelFileJobs(t *testing.T) {
	_, c := startLocal(t, LocalConfig{Workers: 2})
	ctx := context.Background()

	m, bm := newTransport(t, 0.9)
	if err := c.Solve(ctx, m, nnopt.Options{IterationLimit: 1000}); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "model file", m, localSolve(t, 0.9), 1e-9)

	x := containerOf[m].Lookup("x").(*nnopt.Variable)
	if err := m.Freeze(bm, x.LAttr()); err != nil {
		t.Fatal(err)
	}
	// The local frozen model, frozen at the same point (the solution at 0.9, which
	// the levels of every scenario start from: x.L cleared holds no records, so the
	// base case applies).
	lm := localSolve(t, 0.9)
	lbm := containerOf[lm].Lookup("bmult").(*nnopt.Parameter)
	lx := containerOf[lm].Lookup("x").(*nnopt.Variable)
	if err := lm.Freeze(lbm, lx.LAttr()); err != nil {
		t.Fatal(err)
	}
	mults := []float64{0.55, 0.8, 1.05, 0.7}
	toks := make([]Token, len(mults))
	for k, b := range mults {
		bm.Values[0] = b
		clear(x.L)
		tok, err := c.Submit(ctx, m, nnopt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		toks[k] = tok
	}
	for k, b := range mults {
		if err := c.Result(ctx, toks[k], m); err != nil {
			t.Fatal(err)
		}
		lbm.Values[0] = b
		clear(lx.L)
		if err := lm.Solve(ctx, nnopt.Options{}); err != nil {
			t.Fatal(err)
		}
		sameSolution(t, "frozen scenario", m, lm, 1e-9)
		if got, want := containerOf[m].Lookup("bmult_var").(*nnopt.Variable).M[0], containerOf[lm].Lookup("bmult_var").(*nnopt.Variable).M[0]; got != want || got == 0 {
			t.Fatalf("scenario %g: bmult_var.m %g, local %g", b, got, want)
		}
	}

	// A damaged model file: an error result naming it, and the workers go on.
	good, err := c.codec.encodeModel(localSolve(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)/2] ^= 0x55
	tok, err := c.SubmitFile(ctx, bad, nnopt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var je *JobError
	if err := c.Result(ctx, tok, m); !errors.As(err, &je) || !strings.Contains(je.Msg, nnopt.ErrModelFile.Error()) {
		t.Fatalf("damaged model file: %v, want a JobError about a bad model file", err)
	}
	t.Logf("damaged model file: %v", je)
	m2, _ := newTransport(t, 1)
	tok, err = c.SubmitFile(ctx, good, nnopt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Result(ctx, tok, m2); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "after the damaged file", m2, localSolve(t, 1), 1e-9)
}
