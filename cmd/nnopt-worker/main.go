// Command nnopt-worker solves nnopt jobs from a NATS JetStream server (package
// remote): it pulls jobs from the work-queue stream, solves them and stores the
// results, until SIGTERM or Ctrl-C, after which running solves get -grace to finish
// before their jobs are released to other workers.
//
//	go run ./cmd/nnopt-worker -nats nats://host:4222 -concurrency 2
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nnopt/nnopt/remote"
)

func main() {
	var (
		cf  remote.ConnFlags
		wc  remote.WorkerConfig
		fs  = flag.NewFlagSet("nnopt-worker", flag.ContinueOnError)
		mib int
	)
	cf.Register(fs)
	fs.StringVar(&wc.Name, "name", "", "worker name in job statuses (default host-pid-random)")
	fs.IntVar(&wc.Concurrency, "concurrency", 1, "jobs solved at once")
	fs.IntVar(&mib, "max-payload-mib", 256, "largest job payload taken, in MiB")
	fs.DurationVar(&wc.MaxSolveTime, "max-solve-time", 0, "cap on each solve's time limit (0: none)")
	fs.DurationVar(&wc.AckWait, "ack-wait", 30*time.Second, "how long a silent worker keeps a job before it is redelivered (the same for all workers)")
	fs.IntVar(&wc.MaxAttempts, "max-attempts", 5, "deliveries of a job before it gets an error result")
	fs.DurationVar(&wc.Grace, "grace", 10*time.Second, "time running solves get to finish after SIGTERM")
	quiet := fs.Bool("quiet", false, "no log line per job")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "nnopt-worker: unexpected arguments %q\n", fs.Args())
		os.Exit(2)
	}
	wc.MaxPayload = mib << 20
	if !*quiet {
		wc.Log = log.New(os.Stderr, "", log.LstdFlags)
	}
	w, err := remote.NewWorker(cf.URL, wc, cf.Options()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nnopt-worker:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "nnopt-worker %s: serving %s\n", w.Name(), cf.URL)
	if err := w.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "nnopt-worker:", err)
		os.Exit(1)
	}
}
