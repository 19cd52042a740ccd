// Command nnopt-engine runs a NATS server with JetStream and nnopt workers in one
// process (package remote's StartLocalConfig): a solve engine for one machine or a
// small cluster, which clients reach with remote.Connect and more machines join
// with cmd/nnopt-worker. It runs until SIGTERM or Ctrl-C; running solves then get
// -grace to finish.
//
//	go run ./cmd/nnopt-engine -listen 0.0.0.0:4222 -workers 4 -store /var/lib/nnopt
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nnopt/nnopt/remote"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], func(url string, workers int) {
		fmt.Fprintf(os.Stderr, "nnopt-engine: NATS with JetStream at %s, %d workers\n", url, workers)
	})
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fail(err)
	}
}

var errUsage = errors.New("usage")

// run parses the flags, starts the server and workers, calls ready, and stops them
// when ctx ends.
func run(ctx context.Context, args []string, ready func(url string, workers int)) error {
	var (
		lc      remote.LocalConfig
		fs      = flag.NewFlagSet("nnopt-engine", flag.ContinueOnError)
		listen  = fs.String("listen", "127.0.0.1:4222", "host:port the NATS server listens on (port 0: a free one)")
		jobKey  = fs.String("job-key", "", "file with the job key: the workers refuse jobs not signed with it")
		mib     = fs.Int("max-payload-mib", 256, "largest job payload taken, in MiB")
		workers = fs.Int("workers", runtime.NumCPU(), "worker goroutines, one job each")
	)
	fs.StringVar(&lc.StoreDir, "store", "", "JetStream directory (default: a temporary one, removed at exit, so queued jobs do not survive a restart)")
	fs.StringVar(&lc.User, "user", "", "user every connection must give (with -password)")
	fs.StringVar(&lc.Password, "password", "", "password every connection must give")
	fs.StringVar(&lc.Prefix, "prefix", remote.DefaultPrefix, "prefix of the stream, consumer and buckets")
	fs.DurationVar(&lc.Worker.MaxSolveTime, "max-solve-time", 0, "cap on each solve's time limit (0: none)")
	fs.DurationVar(&lc.Worker.AckWait, "ack-wait", 30*time.Second, "how long a silent worker keeps a job before it is redelivered")
	fs.DurationVar(&lc.Worker.Grace, "grace", 10*time.Second, "time running solves get to finish at shutdown")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	host, port, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", *listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("-listen %q: port %q is not 0..65535", *listen, port)
	}
	lc.Host, lc.Port, lc.Workers = host, p, *workers
	lc.Worker.MaxPayload = *mib << 20
	if *jobKey != "" {
		b, err := os.ReadFile(*jobKey)
		if err != nil {
			return fmt.Errorf("-job-key: %w", err)
		}
		lc.JobKey = []byte(strings.TrimSpace(string(b)))
	}
	l, err := remote.StartLocalConfig(ctx, lc)
	if err != nil {
		return err
	}
	ready(l.URL(), lc.Workers)
	<-ctx.Done()
	return l.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "nnopt-engine:", err)
	os.Exit(1)
}
