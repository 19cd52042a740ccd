// Command nnopt-submit sends model files (Model.Save) to nnopt workers through NATS
// (package remote), shows a progress bar while they are solved, and writes each
// solved model (levels, marginals and attributes) as a model file into -out:
//
//	go run ./cmd/nnopt-submit -nats nats://host:4222 -out solved/ models/*.nnopt
//
// Each model is read here first, so a file that does not decode is reported before
// anything is sent. The bar counts jobs done and failed, and the iterations of the
// ones running. A failed job is reported with its error; the exit status is 1 when
// any job failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/remote"
)

func main() {
	var cf remote.ConnFlags
	fs := flag.NewFlagSet("nnopt-submit", flag.ContinueOnError)
	cf.Register(fs)
	out := fs.String("out", "", "directory for the solved model files (default: none written)")
	iterLimit := fs.Int("iterlim", 0, "iteration limit of each solve (0: the model's own)")
	timeLimit := fs.Duration("time-limit", 0, "time limit of each solve (0: the model's own)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nnopt-submit [flags] model-file...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed, err := run(ctx, cf, fs.Args(), *out, nnopt.Options{IterationLimit: *iterLimit, TimeLimit: *timeLimit}, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nnopt-submit:", err)
		os.Exit(1)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

type job struct {
	path string
	m    *nnopt.Model
	tok  remote.Token
}

// run submits the files, draws the bar on bar and reports each job on w; it returns
// the number of failed jobs.
func run(ctx context.Context, cf remote.ConnFlags, files []string, out string, opt nnopt.Options, w, bar io.Writer) (int, error) {
	jobs := make([]*job, len(files))
	for k, f := range files {
		_, m, err := nnopt.LoadModel(f)
		if err != nil {
			return 0, err
		}
		jobs[k] = &job{path: f, m: m}
	}
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return 0, err
		}
	}
	c, err := remote.Connect(cf.URL, cf.Options()...)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	toks := make([]remote.Token, len(jobs))
	for k, j := range jobs {
		if j.tok, err = c.Submit(ctx, j.m, opt); err != nil {
			return 0, fmt.Errorf("%s: %w", j.path, err)
		}
		toks[k] = j.tok
	}
	statuses, err := c.Watch(ctx, toks...)
	if err != nil {
		return 0, err
	}
	p := newProgress(len(jobs), bar)
	for st := range statuses {
		p.update(st)
	}
	p.finish()
	if ctx.Err() != nil {
		return 0, fmt.Errorf("interrupted; the jobs stay queued on the server: %w", ctx.Err())
	}
	failed := 0
	for _, j := range jobs {
		err := c.Result(ctx, j.tok, j.m)
		var je *remote.JobError
		switch {
		case errors.As(err, &je):
			failed++
			fmt.Fprintf(w, "%s: failed: %s\n", j.path, je.Msg)
			continue
		case err != nil:
			return failed, fmt.Errorf("%s: %w", j.path, err)
		}
		fmt.Fprintf(w, "%s: %s, objective %.10g, %d iterations\n", j.path, j.m.Status, j.m.ObjectiveValue, j.m.NumIterations)
		if out != "" {
			dst := filepath.Join(out, filepath.Base(j.path))
			if err := j.m.Save(dst); err != nil {
				return failed, fmt.Errorf("%s: %w", dst, err)
			}
		}
	}
	return failed, nil
}

// progress draws a one-line bar: done and failed jobs of the total, and the
// iterations of the running ones.
type progress struct {
	total   int
	w       io.Writer
	state   map[remote.Token]remote.Status
	last    time.Time
	started time.Time
}

func newProgress(total int, w io.Writer) *progress {
	return &progress{total: total, w: w, state: map[remote.Token]remote.Status{}, started: time.Now()}
}

func (p *progress) update(st remote.Status) {
	p.state[st.Token] = st
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || st.Finished() {
		p.last = now
		p.draw()
	}
}

func (p *progress) draw() {
	done, failed, running, iters := 0, 0, 0, 0
	for _, st := range p.state {
		switch st.State {
		case remote.Done:
			done++
		case remote.Failed:
			failed++
		case remote.Running:
			running++
			iters += st.Iterations
		}
	}
	const width = 30
	filled := width * (done + failed) / max(p.total, 1)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d done, %d failed, %d running (%d iterations) %s ",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, p.total, failed, running, iters,
		time.Since(p.started).Round(100*time.Millisecond))
}

func (p *progress) finish() {
	p.draw()
	fmt.Fprintln(p.w)
}
