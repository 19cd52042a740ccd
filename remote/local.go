package remote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// LocalConfig configures StartLocalConfig. The zero value is StartLocal's setup with
// no workers.
type LocalConfig struct {
	// Workers is the number of worker goroutines, each solving one job at a time.
	Workers int
	// Worker are the workers' limits (Concurrency is ignored: see Workers).
	Worker WorkerConfig
	// Host and Port are where the server listens for other processes (workers,
	// clients); "" and 0 for 127.0.0.1 on a free port.
	Host string
	Port int
	// StoreDir holds JetStream's files; "" for a temporary directory that Close
	// removes.
	StoreDir string
	// User and Password, when set, are required of every connection; the local
	// workers and Local.Connect use them.
	User, Password string
	// Prefix is the layout's prefix; "" for DefaultPrefix.
	Prefix string
	// JobKey, when set, is the local workers' job key (WithJobKey): they refuse jobs
	// not signed with it.
	JobKey []byte
}

// Local is an embedded NATS server with JetStream and its worker goroutines.
type Local struct {
	srv    *server.Server
	dir    string // removed by Close when temporary
	cfg    LocalConfig
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	errs   chan error
}

// StartLocal starts an in-process NATS server with JetStream in a temporary
// directory, listening on 127.0.0.1 on a free port, and workers worker goroutines;
// they run until ctx ends or Close. Connect a client with Local.Connect, or with
// Connect(Local.URL()) from anywhere on the machine.
func StartLocal(ctx context.Context, workers int) (*Local, error) {
	return StartLocalConfig(ctx, LocalConfig{Workers: workers})
}

// StartLocalConfig is StartLocal with settings.
func StartLocalConfig(ctx context.Context, lc LocalConfig) (*Local, error) {
	if lc.Workers < 0 {
		return nil, fmt.Errorf("remote: %d workers", lc.Workers)
	}
	if lc.Prefix == "" {
		lc.Prefix = DefaultPrefix
	}
	if lc.Host == "" {
		lc.Host = "127.0.0.1"
	}
	if lc.Port == 0 {
		lc.Port = server.RANDOM_PORT
	}
	l := &Local{cfg: lc}
	dir := lc.StoreDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "nnopt-nats-"); err != nil {
			return nil, fmt.Errorf("remote: JetStream directory: %w", err)
		}
		l.dir = dir
	}
	srv, err := server.NewServer(&server.Options{
		ServerName: "nnopt-local", Host: lc.Host, Port: lc.Port, JetStream: true, StoreDir: dir,
		NoSigs: true, NoLog: true, Username: lc.User, Password: lc.Password,
	})
	if err != nil {
		l.removeDir()
		return nil, fmt.Errorf("remote: NATS server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		l.removeDir()
		return nil, errors.New("remote: the embedded NATS server did not start within 30 s")
	}
	l.srv = srv
	wctx, cancel := context.WithCancel(ctx)
	l.cancel = cancel
	l.errs = make(chan error, lc.Workers)
	for i := range lc.Workers {
		wc := lc.Worker
		wc.Concurrency = 1
		if wc.Name == "" {
			wc.Name = fmt.Sprintf("local-%d", i+1)
		} else {
			wc.Name = fmt.Sprintf("%s-%d", wc.Name, i+1)
		}
		nc, err := l.conn("nnopt worker " + wc.Name)
		if err != nil {
			l.Close()
			return nil, err
		}
		cfg := &config{prefix: lc.Prefix}
		if lc.JobKey != nil {
			if err := WithJobKey(lc.JobKey)(cfg); err != nil {
				nc.Close()
				l.Close()
				return nil, err
			}
		}
		w, err := newWorker(nc, cfg, wc)
		if err != nil {
			nc.Close()
			l.Close()
			return nil, err
		}
		w.own = true
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			if err := w.Run(wctx); err != nil {
				l.errs <- err
			}
		}()
	}
	return l, nil
}

// conn is an in-process connection to the server.
func (l *Local) conn(name string) (*nats.Conn, error) {
	opts := []nats.Option{nats.InProcessServer(l.srv), nats.Name(name),
		// Errors of a connection closing with the server are expected.
		nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {})}
	if l.cfg.User != "" {
		opts = append(opts, nats.UserInfo(l.cfg.User, l.cfg.Password))
	}
	nc, err := nats.Connect("", opts...)
	if err != nil {
		return nil, fmt.Errorf("remote: connect to the embedded NATS server: %w", err)
	}
	return nc, nil
}

// URL is the server's address for Connect, NewWorker and cmd/nnopt-worker.
func (l *Local) URL() string { return l.srv.ClientURL() }

// Connect returns a client on an in-process connection to the server.
func (l *Local) Connect(opts ...Option) (*Client, error) {
	cfg, err := newConfig(append([]Option{WithPrefix(l.cfg.Prefix)}, opts...))
	if err != nil {
		return nil, err
	}
	nc, err := l.conn("nnopt client")
	if err != nil {
		return nil, err
	}
	c, err := newClient(nc, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	c.own = true
	return c, nil
}

// Close stops the workers (as WorkerConfig.Grace says), shuts the server down and
// removes a temporary store. Jobs not finished are lost with a temporary store.
func (l *Local) Close() error {
	var err error
	l.once.Do(func() {
		if l.cancel != nil {
			l.cancel()
		}
		l.wg.Wait()
		close(l.errs)
		for e := range l.errs {
			err = errors.Join(err, e)
		}
		if l.srv != nil {
			l.srv.Shutdown()
			l.srv.WaitForShutdown()
		}
		l.removeDir()
	})
	return err
}

func (l *Local) removeDir() {
	if l.dir != "" {
		os.RemoveAll(l.dir)
	}
}
