package remote

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
)

// A worker caps the solve time, solves Concurrency jobs at once, and takes payloads
// from the payload store when they are too large for a message.
func TestWorkerLimits(t *testing.T) {
	l, c := startLocal(t, LocalConfig{Workers: 0})
	ctx := context.Background()
	m, bm, x, err := bigTransport(slowPlants, slowMarkets, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Freeze(bm, x.LAttr()); err != nil {
		t.Fatal(err)
	}
	opt := nnopt.Options{Threads: 1}

	stop := runWorker(t, l, WorkerConfig{Name: "two", Concurrency: 2})
	t1, err := c.Submit(ctx, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := c.Submit(ctx, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	both := false
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !both; time.Sleep(2 * time.Millisecond) {
		s1, err1 := c.Status(t1)
		s2, err2 := c.Status(t2)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		both = s1.State == Running && s2.State == Running
		if s1.Finished() || s2.Finished() {
			break
		}
	}
	if !both {
		t.Error("a worker with Concurrency 2 was never seen running two jobs at once")
	}
	for _, tok := range []Token{t1, t2} {
		if err := c.Result(ctx, tok, m); err != nil {
			t.Fatal(err)
		}
	}
	stop()

	stop = runWorker(t, l, WorkerConfig{Name: "quick", MaxSolveTime: time.Millisecond})
	clear(x.L)
	if err := c.Solve(ctx, m, opt); err != nil {
		t.Fatal(err)
	}
	if m.SolveStatus != nnopt.SolveResourceInterrupt {
		t.Fatalf("solve status %v under a 1 ms cap, want %v", m.SolveStatus, nnopt.SolveResourceInterrupt)
	}

	stop()

	// Every payload through the payload store.
	stop = runWorker(t, l, WorkerConfig{Name: "plain"})
	defer stop()
	c.s.inline = 0
	m2, _ := newTransport(t, 1)
	if err := c.Solve(ctx, m2, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "payload store", m2, localSolve(t, 1), 1e-9)
	// The worker drops a job's payload after it has marked the job done, so the
	// client can see the result a moment before the payload is gone.
	var left []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		left = left[:0]
		if objs, err := c.s.payloads.List(ctx); err == nil {
			for _, o := range objs {
				if strings.HasPrefix(o.Name, "job-") {
					left = append(left, o.Name)
				}
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, name := range left {
		t.Errorf("payload %s left in the payload store 10 s after its job was done", name)
	}
}

// A server with a password refuses clients without it.
func TestUserPassword(t *testing.T) {
	l, err := StartLocalConfig(context.Background(), LocalConfig{Workers: 1, User: "solver", Password: "s3cret-pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if c, err := Connect(l.URL()); err == nil {
		c.Close()
		t.Fatal("a client without the password connected")
	}
	if c, err := Connect(l.URL(), WithUserPassword("solver", "wrong")); err == nil {
		c.Close()
		t.Fatal("a client with a wrong password connected")
	}
	c, err := Connect(l.URL(), WithUserPassword("solver", "s3cret-pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, _ := newTransport(t, 1)
	if err := c.Solve(context.Background(), m, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "with a password", m, localSolve(t, 1), 1e-9)
}
