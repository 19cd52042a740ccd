package remote

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Headers of a job message.
const (
	hdrToken     = "Nnopt-Token"
	hdrKind      = "Nnopt-Kind"      // kindModel or kindScenario
	hdrModel     = "Nnopt-Model"     // a scenario's frozen model in the payload store
	hdrPayload   = "Nnopt-Payload"   // "object": the payload is in the payload store
	hdrSignature = "Nnopt-Signature" // hex HMAC-SHA256, see sign
	hdrVersion   = "Nnopt-Version"
)

const (
	kindModel    = "model"
	kindScenario = "scenario"
	jobVersion   = "1"
)

// names are the server-side names of one prefix.
type names struct {
	stream, subject, consumer, status, results, payloads string
}

func layoutNames(prefix string) names {
	return names{
		stream:   strings.ToUpper(strings.ReplaceAll(prefix, "-", "_")) + "_JOBS",
		subject:  prefix + ".jobs",
		consumer: prefix + "-workers",
		status:   prefix + "-status",
		results:  prefix + "-results",
		payloads: prefix + "-payloads",
	}
}

// DefaultResultTTL is how long results and statuses stay on the server unfetched.
const DefaultResultTTL = 24 * time.Hour

// stores are the JetStream objects a client or a worker uses.
type stores struct {
	js       jetstream.JetStream
	n        names
	status   jetstream.KeyValue
	results  jetstream.ObjectStore
	payloads jetstream.ObjectStore
	// inline is the largest payload sent in the job message itself; larger ones go
	// through the payload store.
	inline int
}

// openStores creates the stream and buckets when they are missing and opens them.
// Creating is idempotent: clients and workers all call it.
func openStores(ctx context.Context, nc *nats.Conn, prefix string, ttl time.Duration) (*stores, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("remote: JetStream: %w", err)
	}
	if ttl <= 0 {
		ttl = DefaultResultTTL
	}
	n := layoutNames(prefix)
	s := &stores{js: js, n: n}
	maxPayload := int(nc.MaxPayload())
	s.inline = maxPayload - 64<<10
	if s.inline < 1024 {
		s.inline = maxPayload / 2
	}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: n.stream, Subjects: []string{n.subject}, Retention: jetstream.WorkQueuePolicy,
		Storage: jetstream.FileStorage, MaxAge: ttl, Duplicates: 10 * time.Minute,
	}); err != nil {
		return nil, fmt.Errorf("remote: job stream %s: %w", n.stream, err)
	}
	if s.status, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: n.status, TTL: ttl, Storage: jetstream.FileStorage}); err != nil {
		return nil, fmt.Errorf("remote: status bucket %s: %w", n.status, err)
	}
	if s.results, err = js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: n.results, TTL: ttl, Storage: jetstream.FileStorage}); err != nil {
		return nil, fmt.Errorf("remote: result store %s: %w", n.results, err)
	}
	if s.payloads, err = js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: n.payloads, TTL: ttl, Storage: jetstream.FileStorage}); err != nil {
		return nil, fmt.Errorf("remote: payload store %s: %w", n.payloads, err)
	}
	return s, nil
}

// State is where a job is in its life.
type State string

// Job states.
const (
	Queued  State = "queued"  // submitted, waiting for a worker
	Running State = "running" // a worker is solving it
	Done    State = "done"    // solved; the result waits in the result store
	Failed  State = "failed"  // the job could not be solved; Status.Error says why
)

// Status is what the server knows of a job.
type Status struct {
	Token Token `json:"token"`
	State State `json:"state"`
	// Iterations is the solver's iteration count so far (Running) or in the end.
	Iterations int `json:"iterations,omitempty"`
	// Worker names the worker that runs or ran it.
	Worker string `json:"worker,omitempty"`
	// Attempt is the delivery of the job this status comes from: above 1 after a
	// worker died or was stopped while it held the job.
	Attempt int `json:"attempt,omitempty"`
	// Error says why a Failed job failed.
	Error   string    `json:"error,omitempty"`
	Updated time.Time `json:"updated"`
}

// Finished reports whether the job is done or failed.
func (s Status) Finished() bool { return s.State == Done || s.State == Failed }

// Token identifies a submitted job; it is valid for any Client on the same server and
// prefix.
type Token string

func (t Token) valid() bool {
	if t == "" || len(t) > 128 {
		return false
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (s *stores) putStatus(ctx context.Context, st Status) error {
	st.Updated = time.Now().UTC()
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = s.status.Put(ctx, string(st.Token), b)
	return err
}

func (s *stores) getStatus(ctx context.Context, tok Token) (Status, error) {
	e, err := s.status.Get(ctx, string(tok))
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return Status{}, fmt.Errorf("remote: job %s: %w", tok, ErrUnknownToken)
		}
		return Status{}, fmt.Errorf("remote: job %s status: %w", tok, err)
	}
	return decodeStatus(e.Value())
}

func decodeStatus(b []byte) (Status, error) {
	var st Status
	if err := json.Unmarshal(b, &st); err != nil {
		return Status{}, fmt.Errorf("remote: damaged job status: %w", err)
	}
	return st, nil
}

// ErrUnknownToken is wrapped by errors about a token the server has no job for: never
// submitted, fetched already, or expired.
var ErrUnknownToken = errors.New("no such job (never submitted, already fetched, or expired)")

// envelope is a job's payload: the encoded options, then the encoded model or
// scenario. Its length prefix is a uvarint.
func envelope(options, body []byte) []byte {
	b := binary.AppendUvarint(make([]byte, 0, len(options)+len(body)+10), uint64(len(options)))
	b = append(b, options...)
	return append(b, body...)
}

func openEnvelope(p []byte) (options, body []byte, err error) {
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return nil, nil, errors.New("payload: the options' length prefix is damaged or runs past the end of the payload")
	}
	return p[k : k+int(n)], p[k+int(n):], nil
}

// sign is the job's signature: HMAC-SHA256 with key over its token, kind, model id
// and payload, each length-prefixed so that no two jobs sign the same bytes.
func sign(key []byte, tok Token, kind, model string, payload []byte) string {
	h := hmac.New(sha256.New, key)
	for _, part := range [][]byte{[]byte(tok), []byte(kind), []byte(model), payload} {
		h.Write(binary.AppendUvarint(nil, uint64(len(part))))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func verify(key []byte, sig string, tok Token, kind, model string, payload []byte) bool {
	want := sign(key, tok, kind, model, payload)
	return hmac.Equal([]byte(want), []byte(strings.ToLower(sig)))
}
