package remote

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/nnopt/nnopt"
)

func startLocal(t *testing.T, lc LocalConfig) (*Local, *Client) {
	t.Helper()
	l, err := StartLocalConfig(context.Background(), lc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	c, err := l.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return l, c
}

func localSolve(t testing.TB, bmult float64) *nnopt.Model {
	t.Helper()
	m, _ := newTransport(t, bmult)
	if err := m.Solve(context.Background(), nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	return m
}

// sameSolution compares the levels, marginals and objective of two solves of the
// transport LP.
func sameSolution(t *testing.T, what string, got, want *nnopt.Model, tol float64) {
	t.Helper()
	if want.Status == nnopt.StatusInfeasible {
		// The point an infeasible solve stops at depends on its path.
		if got.Status != want.Status {
			t.Fatalf("%s: status %v, local %v", what, got.Status, want.Status)
		}
		return
	}
	gs, err := symbolsOf(got)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := symbolsOf(want)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]symbol{}
	for _, g := range gs {
		byName[g.name] = g
	}
	for _, w := range ws {
		g, ok := byName[w.name]
		if !ok {
			t.Fatalf("%s: no %s", what, w.name)
		}
		for _, p := range [][2][]float64{{g.l, w.l}, {g.m, w.m}} {
			for e := range p[1] {
				if math.Abs(p[0][e]-p[1][e]) > tol {
					t.Fatalf("%s: %s element %d is %g, local %g", what, w.name, e, p[0][e], p[1][e])
				}
			}
		}
	}
	if got.Status != want.Status || math.Abs(got.ObjectiveValue-want.ObjectiveValue) > tol {
		t.Fatalf("%s: status %v objective %.12g, local %v %.12g", what, got.Status, got.ObjectiveValue, want.Status, want.ObjectiveValue)
	}
}

func TestSolveSyncAndAsync(t *testing.T) {
	_, c := startLocal(t, LocalConfig{Workers: 2})
	ctx := context.Background()

	m, _ := newTransport(t, 1)
	if err := c.Solve(ctx, m, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "sync", m, localSolve(t, 1), 1e-9)
	if math.Abs(m.ObjectiveValue-153.675) > 1e-6 {
		t.Fatalf("objective %v, want 153.675", m.ObjectiveValue)
	}

	mults := []float64{0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3}
	models := make([]*nnopt.Model, len(mults))
	toks := make([]Token, len(mults))
	for k, b := range mults {
		models[k], _ = newTransport(t, b)
		tok, err := c.Submit(ctx, models[k], nnopt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		toks[k] = tok
	}
	if got := c.Tokens(); len(got) != len(mults) {
		t.Fatalf("Tokens: %d, want %d", len(got), len(mults))
	}
	for k := len(mults) - 1; k >= 0; k-- {
		if err := c.Result(ctx, toks[k], models[k]); err != nil {
			t.Fatal(err)
		}
		sameSolution(t, "async", models[k], localSolve(t, mults[k]), 1e-9)
	}
	if got := c.Tokens(); len(got) != 0 {
		t.Fatalf("Tokens after fetching all: %v", got)
	}
	if err := c.Result(ctx, toks[0], models[0]); !errors.Is(err, ErrUnknownToken) {
		t.Fatalf("second Result: %v, want ErrUnknownToken", err)
	}
	if _, err := c.Status(toks[0]); !errors.Is(err, ErrUnknownToken) {
		t.Fatalf("Status after Result: %v, want ErrUnknownToken", err)
	}
}

func TestFrozenScenarios(t *testing.T) {
	_, c := startLocal(t, LocalConfig{Workers: 1})
	ctx := context.Background()
	m, bm := newTransport(t, 1)
	// The transport LP has several optima when a plant has spare supply, so the one
	// a solve ends at depends on where it starts: the levels are modifiable too, and
	// every scenario starts from the levels at Freeze, wherever it runs.
	x := containerOf[m].Lookup("x").(*nnopt.Variable)
	if err := m.Freeze(bm, x.LAttr()); err != nil {
		t.Fatal(err)
	}
	mults := []float64{0.6, 0.9, 1.2, 1.0}
	var toks []Token
	for _, b := range mults {
		bm.Values[0] = b
		clear(x.L)
		tok, err := c.Submit(ctx, m, nnopt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	if len(c.frozen) != 1 {
		t.Fatalf("frozen models uploaded: %d, want 1", len(c.frozen))
	}
	c.ForgetModel(m)
	if len(c.frozen) != 0 {
		t.Fatal("ForgetModel left the frozen model's record")
	}
	for k, tok := range toks {
		if err := c.Result(ctx, tok, m); err != nil {
			t.Fatal(err)
		}
		sameSolution(t, fmt.Sprint("scenario ", mults[k]), m, localSolve(t, mults[k]), 1e-9)
	}
}

// A damaged payload, an unsigned job and one over the size limit get error results
// naming what is wrong, and the worker goes on serving.
func TestErrorResults(t *testing.T) {
	_, c := startLocal(t, LocalConfig{Workers: 1, Worker: WorkerConfig{MaxPayload: 4096}})
	ctx := context.Background()
	m, _ := newTransport(t, 1)

	check := func(tok Token, want string) {
		t.Helper()
		err := c.Result(ctx, tok, m)
		var je *JobError
		if !errors.As(err, &je) || !strings.Contains(je.Msg, want) {
			t.Fatalf("job %s: %v, want a JobError containing %q", tok, err, want)
		}
	}
	// Damaged: the options' length prefix runs past the end.
	tok := Token("damaged1")
	if err := c.publish(ctx, tok, kindModel, "", []byte{0xff, 0x01}); err != nil {
		t.Fatal(err)
	}
	check(tok, "length prefix")
	// A model body that does not decode.
	tok = "damaged2"
	if err := c.publish(ctx, tok, kindModel, "", envelope([]byte("{}"), []byte("NNOPTMDL not a model"))); err != nil {
		t.Fatal(err)
	}
	check(tok, "bad model file")
	// Unknown kind.
	msg := nats.NewMsg(c.s.n.subject)
	msg.Header.Set(hdrToken, "oddkind")
	msg.Header.Set(hdrVersion, jobVersion)
	msg.Header.Set(hdrKind, "program")
	if err := c.s.putStatus(ctx, Status{Token: "oddkind", State: Queued}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.s.js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	check("oddkind", `job kind "program"`)
	// Over the size limit.
	tok = "big"
	if err := c.publish(ctx, tok, kindModel, "", envelope([]byte("{}"), make([]byte, 5000))); err != nil {
		t.Fatal(err)
	}
	check(tok, "over this worker's limit of 4096 bytes")
	// Options that would write a file on the worker.
	m2, _ := newTransport(t, 1)
	tok, err := c.Submit(ctx, m2, nnopt.Options{SavePoint: "/tmp/nnopt-remote-should-not-exist.safetensors"})
	if err != nil {
		t.Fatal(err)
	}
	check(tok, "SavePoint")
	// The worker still serves.
	if err := c.Solve(ctx, m, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "after errors", m, localSolve(t, 1), 1e-9)
}

func TestJobKey(t *testing.T) {
	key := []byte("0123456789abcdef-key")
	l, c := startLocal(t, LocalConfig{Workers: 0})
	ctx := context.Background()
	nc, err := l.conn("keyed worker")
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWorker(nc, &config{prefix: DefaultPrefix, jobKey: key}, WorkerConfig{Name: "keyed"})
	if err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	defer func() { stop(); <-done; nc.Close() }()

	m, _ := newTransport(t, 1)
	err = c.Solve(ctx, m, nnopt.Options{})
	var je *JobError
	if !errors.As(err, &je) || !strings.Contains(je.Msg, "not signed") {
		t.Fatalf("unsigned job: %v", err)
	}
	wrong, err := l.Connect(WithJobKey([]byte("another key of 16+ bytes")))
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	if err := wrong.Solve(ctx, m, nnopt.Options{}); !errors.As(err, &je) || !strings.Contains(je.Msg, "does not verify") {
		t.Fatalf("job signed with another key: %v", err)
	}
	signed, err := l.Connect(WithJobKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer signed.Close()
	if err := signed.Solve(ctx, m, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "signed", m, localSolve(t, 1), 1e-9)
}

// Watch reports queued, then done, for every job.
func TestWatch(t *testing.T) {
	_, c := startLocal(t, LocalConfig{Workers: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var toks []Token
	for _, b := range []float64{0.8, 1.0, 1.2} {
		m, _ := newTransport(t, b)
		tok, err := c.Submit(ctx, m, nnopt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	ch, err := c.Watch(ctx, toks...)
	if err != nil {
		t.Fatal(err)
	}
	done := map[Token]bool{}
	for st := range ch {
		if st.State == Done {
			done[st.Token] = true
			if st.Worker != "local-1" {
				t.Errorf("job %s done by %q, want local-1", st.Token, st.Worker)
			}
		}
	}
	if len(done) != len(toks) {
		t.Fatalf("Watch saw %d jobs done, want %d", len(done), len(toks))
	}
}
