package remote

import (
	"context"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
)

// runWorker runs an in-process worker of l until the returned stop is called; stop
// waits for Run to return.
func runWorker(t *testing.T, l *Local, wc WorkerConfig) (stop func()) {
	t.Helper()
	nc, err := l.conn("worker " + wc.Name)
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWorker(nc, &config{prefix: DefaultPrefix}, wc)
	if err != nil {
		t.Fatal(err)
	}
	w.own = true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func waitState(t *testing.T, c *Client, tok Token, want State, worker string) Status {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		st, err := c.Status(tok)
		if err != nil {
			t.Fatal(err)
		}
		if st.State == want && (worker == "" || st.Worker == worker) {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("job %s never %s by %q", tok, want, worker)
	return Status{}
}

// A stopping worker finishes its solve within the grace period, and releases the
// job to another worker when it has none.
func TestGracefulStop(t *testing.T) {
	l, c := startLocal(t, LocalConfig{Workers: 0})
	ctx := context.Background()
	m, bm, x, err := bigTransport(slowPlants, slowMarkets, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Freeze(bm, x.LAttr()); err != nil {
		t.Fatal(err)
	}
	opt := nnopt.Options{Threads: 1}

	// Grace: the running solve finishes, by the stopping worker.
	tok, err := c.Submit(ctx, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	stop := runWorker(t, l, WorkerConfig{Name: "patient", Grace: time.Minute})
	waitState(t, c, tok, Running, "patient")
	// Progress: the running job's status counts the solver's iterations.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		st, err := c.Status(tok)
		if err != nil {
			t.Fatal(err)
		}
		if st.State == Running && st.Iterations > 0 {
			break
		}
		if st.Finished() || time.Now().After(deadline) {
			t.Fatalf("never saw the job running with iterations: %+v", st)
		}
	}
	stop()
	st := waitState(t, c, tok, Done, "patient")
	if st.Attempt != 1 {
		t.Fatalf("finished on attempt %d, want 1", st.Attempt)
	}
	if err := c.Result(ctx, tok, m); err != nil {
		t.Fatal(err)
	}
	want := m.ObjectiveValue

	// No grace: the job goes back to the queue and another worker solves it.
	clear(x.L)
	if tok, err = c.Submit(ctx, m, opt); err != nil {
		t.Fatal(err)
	}
	stop = runWorker(t, l, WorkerConfig{Name: "hasty", Grace: -1})
	waitState(t, c, tok, Running, "hasty")
	start := time.Now()
	stop()
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("a worker without grace took %v to stop", d)
	}
	waitState(t, c, tok, Queued, "")
	stop = runWorker(t, l, WorkerConfig{Name: "next"})
	defer stop()
	if err := c.Result(ctx, tok, m); err != nil {
		t.Fatal(err)
	}
	if m.ObjectiveValue != want || m.Status != nnopt.StatusOptimal {
		t.Fatalf("released job solved to %v (%v), want %v", m.ObjectiveValue, m.Status, want)
	}
}
