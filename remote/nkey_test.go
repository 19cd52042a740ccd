package remote

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/nnopt/nnopt"
)

// A server that knows users only by NKey: a worker and a client with the seed work
// together; a client without it is refused.
func TestNKey(t *testing.T) {
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := user.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := user.Seed()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "user.nk")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: filepath.Join(dir, "js"), NoSigs: true, NoLog: true, Nkeys: []*server.NkeyUser{{Nkey: pub}}})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
	if !srv.ReadyForConnections(30 * time.Second) {
		t.Fatal("server did not start")
	}
	if c, err := Connect(srv.ClientURL()); err == nil {
		c.Close()
		t.Fatal("a client without the NKey connected")
	}
	w, err := NewWorker(srv.ClientURL(), WorkerConfig{Name: "nk"}, WithNKeySeedFile(seedFile), WithResultTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { stop(); <-done }()
	c, err := Connect(srv.ClientURL(), WithNKeySeedFile(seedFile), WithResultTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if st, err := c.s.results.Status(context.Background()); err != nil || st.TTL() != time.Hour {
		t.Fatalf("result store TTL %v (%v), want 1h", st.TTL(), err)
	}
	m, _ := newTransport(t, 1)
	if err := c.Solve(context.Background(), m, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "with an NKey", m, localSolve(t, 1), 1e-9)
}
