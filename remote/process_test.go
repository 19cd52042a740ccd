//go:build unix

package remote

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
)

// buildWorker builds cmd/nnopt-worker into a temporary directory.
func buildWorker(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nnopt-worker")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, "github.com/nnopt/nnopt/cmd/nnopt-worker")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build nnopt-worker: %v\n%s", err, out)
	}
	return bin
}

// Bar 1 of issue 24: a NATS server and three worker processes; 200 scenarios of the
// frozen transport LP (demand multipliers) submitted asynchronously all come back,
// each equal to the local solve to 1e-9, while one worker is killed with SIGKILL
// as it runs a job: nothing is lost, nothing comes back twice, nothing is left on
// the server.
func TestWorkerProcessesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/nnopt-worker and runs three worker processes (about 15 s); skipped with -short")
	}
	bin := buildWorker(t)
	l, c := startLocal(t, LocalConfig{Workers: 0})
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()

	// Workers first, so that the consumer exists with the short ack wait.
	const ackWait = 2 * time.Second
	procs := make([]*exec.Cmd, 3)
	for k := range procs {
		cmd := exec.Command(bin, "-nats", l.URL(), "-name", fmt.Sprintf("w%d", k+1), "-ack-wait", ackWait.String(), "-quiet")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[k] = cmd
	}
	defer func() {
		for _, p := range procs {
			if p.ProcessState == nil {
				_ = p.Process.Signal(syscall.SIGTERM)
				_ = p.Wait()
			}
		}
	}()

	m, bm := newTransport(t, 1)
	x := containerOf[m].Lookup("x").(*nnopt.Variable)
	if err := m.Freeze(bm, x.LAttr()); err != nil {
		t.Fatal(err)
	}
	const n = 200
	mult := func(k int) float64 { return 0.5 + 0.55*float64(k)/(n-1) }
	toks := make([]Token, n)
	for k := range n {
		bm.Values[0] = mult(k)
		clear(x.L) // every scenario starts from the levels at Freeze
		tok, err := c.Submit(ctx, m, nnopt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		toks[k] = tok
	}

	// Kill w1 in the middle of a job: stop it when it is seen running one, and kill
	// it if the job is still running (else let it go on and wait for another).
	statuses, err := c.Watch(ctx, toks...)
	if err != nil {
		t.Fatal(err)
	}
	var (
		killed  Token
		retried = map[Token]bool{}
	)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for st := range statuses {
			if killed == "" && st.State == Running && st.Worker == "w1" {
				_ = procs[0].Process.Signal(syscall.SIGSTOP)
				if now, err := c.Status(st.Token); err == nil && now.State == Running && now.Worker == "w1" {
					killed = st.Token
					_ = procs[0].Process.Kill()
					_ = procs[0].Wait()
				} else {
					_ = procs[0].Process.Signal(syscall.SIGCONT)
				}
			}
			if st.Attempt > 1 {
				retried[st.Token] = true
			}
		}
	}()

	// The local solves, from the same base point.
	lm, lbm := newTransport(t, 1)
	lx := containerOf[lm].Lookup("x").(*nnopt.Variable)
	if err := lm.Freeze(lbm, lx.LAttr()); err != nil {
		t.Fatal(err)
	}
	for k, tok := range toks {
		lbm.Values[0] = mult(k)
		clear(lx.L)
		if err := lm.Solve(ctx, nnopt.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := c.Result(ctx, tok, m); err != nil {
			t.Fatalf("scenario %d: %v", k, err)
		}
		sameSolution(t, fmt.Sprintf("scenario %d (bmult %g)", k, mult(k)), m, lm, 1e-9)
		if m.Status != nnopt.StatusOptimal {
			t.Fatalf("scenario %d: status %v", k, m.Status)
		}
	}
	<-watched
	if killed == "" {
		t.Fatal("w1 was never caught running a job, so it was not killed")
	}
	t.Logf("w1 killed while it ran job %s; jobs delivered again: %d", killed, len(retried))
	if !retried[killed] {
		t.Fatalf("job %s, which w1 held when it was killed, was not delivered again", killed)
	}
	if got := c.Tokens(); len(got) != 0 {
		t.Fatalf("%d tokens left", len(got))
	}
	// Nothing left on the server: no job unacknowledged, no result unfetched.
	info, err := c.s.js.Stream(ctx, c.s.n.stream)
	if err != nil {
		t.Fatal(err)
	}
	si, err := info.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if si.State.Msgs != 0 {
		t.Fatalf("%d jobs left in the stream", si.State.Msgs)
	}
	if objs, err := c.s.results.List(ctx); err == nil && len(objs) != 0 {
		t.Fatalf("%d results left in the result store (solved twice?)", len(objs))
	}
}
