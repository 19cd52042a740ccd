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
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	host, port, err := net.SplitHostPort(*listen)
	if err != nil {
		fail(fmt.Errorf("-listen %q: %w", *listen, err))
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		fail(fmt.Errorf("-listen %q: port %q is not 0..65535", *listen, port))
	}
	lc.Host, lc.Port, lc.Workers = host, p, *workers
	if p == 0 {
		lc.Port = -1 // a free port
	}
	lc.Worker.MaxPayload = *mib << 20
	if *jobKey != "" {
		b, err := os.ReadFile(*jobKey)
		if err != nil {
			fail(fmt.Errorf("-job-key: %w", err))
		}
		lc.JobKey = []byte(strings.TrimSpace(string(b)))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := remote.StartLocalConfig(ctx, lc)
	if err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "nnopt-engine: NATS with JetStream at %s, %d workers\n", l.URL(), lc.Workers)
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "nnopt-engine: stopping")
	if err := l.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "nnopt-engine:", err)
	os.Exit(1)
}
