package remote

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// DefaultPrefix starts the names of the stream, consumer and buckets (see the
// package documentation).
const DefaultPrefix = "nnopt"

// An Option configures a Client or a Worker: its NATS connection, the layout's
// prefix and the job key.
type Option func(*config) error

type config struct {
	ttl    time.Duration // of statuses, results and payloads; 0 for DefaultResultTTL
	prefix string
	nats   []nats.Option
	jobKey []byte
	name   string
}

func newConfig(opts []Option) (*config, error) {
	c := &config{prefix: DefaultPrefix}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// WithPrefix names the stream, consumer and buckets <prefix>... instead of nnopt...:
// clients and workers with the same prefix work together. A prefix is letters,
// digits, '-' and '_'.
func WithPrefix(p string) Option {
	return func(c *config) error {
		if p == "" || strings.IndexFunc(p, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) >= 0 {
			return fmt.Errorf("remote: prefix %q: want letters, digits, '-' and '_'", p)
		}
		c.prefix = p
		return nil
	}
}

// WithResultTTL sets how long statuses, results and payloads stay on the server
// unfetched (DefaultResultTTL when not given). It is a setting of the buckets, which
// the first client or worker creates; a later one with another TTL changes it for
// all.
func WithResultTTL(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("remote: result TTL %v; want a positive duration", d)
		}
		c.ttl = d
		return nil
	}
}

// WithUserPassword authenticates the NATS connection with a user and password.
func WithUserPassword(user, password string) Option {
	return func(c *config) error {
		c.nats = append(c.nats, nats.UserInfo(user, password))
		return nil
	}
}

// WithNKeySeedFile authenticates the NATS connection with the NKey whose seed is in
// the file (nk -gen user).
func WithNKeySeedFile(path string) Option {
	return func(c *config) error {
		o, err := nats.NkeyOptionFromSeed(path)
		if err != nil {
			return fmt.Errorf("remote: NKey seed file %s: %w", path, err)
		}
		c.nats = append(c.nats, o)
		return nil
	}
}

// WithCredentials authenticates the NATS connection with a credentials file (a user
// JWT and its NKey seed, as nsc writes it).
func WithCredentials(path string) Option {
	return func(c *config) error {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("remote: credentials file: %w", err)
		}
		c.nats = append(c.nats, nats.UserCredentials(path))
		return nil
	}
}

// WithTLS secures the NATS connection: caFile (PEM) verifies the server, and
// certFile and keyFile, when both are set, are the client's certificate for servers
// that verify clients. An empty caFile uses the system's roots.
func WithTLS(caFile, certFile, keyFile string) Option {
	return func(c *config) error {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if caFile != "" {
			pem, err := os.ReadFile(caFile)
			if err != nil {
				return fmt.Errorf("remote: TLS CA file: %w", err)
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return fmt.Errorf("remote: TLS CA file %s holds no PEM certificate", caFile)
			}
		}
		if (certFile == "") != (keyFile == "") {
			return errors.New("remote: TLS client certificate: give both the certificate and the key file, or neither")
		}
		if certFile != "" {
			cert, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				return fmt.Errorf("remote: TLS client certificate: %w", err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		c.nats = append(c.nats, nats.Secure(cfg))
		return nil
	}
}

// WithNATSOptions passes options to nats.Connect as they are, for what the other
// Options do not cover.
func WithNATSOptions(o ...nats.Option) Option {
	return func(c *config) error {
		c.nats = append(c.nats, o...)
		return nil
	}
}

// WithJobKey sets the shared secret that signs jobs (a client) or that jobs must be
// signed with (a worker): HMAC-SHA256 over the job's token, kind, model and payload.
// A worker with a key gives a job without a valid signature an error result and
// does not solve it. The key must be at least 16 bytes.
func WithJobKey(key []byte) Option {
	return func(c *config) error {
		if len(key) < 16 {
			return fmt.Errorf("remote: job key of %d bytes; want at least 16", len(key))
		}
		c.jobKey = append([]byte(nil), key...)
		return nil
	}
}

// WithJobKeyFile reads the job key from a file (surrounding white space removed).
func WithJobKeyFile(path string) Option {
	return func(c *config) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("remote: job key file: %w", err)
		}
		return WithJobKey([]byte(strings.TrimSpace(string(b))))(c)
	}
}

// connect opens the NATS connection with the configured options.
func (c *config) connect(url, name string) (*nats.Conn, error) {
	opts := append([]nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}, c.nats...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("remote: connect to NATS at %s: %w", url, err)
	}
	return nc, nil
}
