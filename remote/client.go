package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/nnopt/nnopt"
)

// Client submits models to workers and fetches their results.
type Client struct {
	nc    *nats.Conn
	own   bool // Close closes nc
	s     *stores
	cfg   *config
	codec codec

	mu     sync.Mutex
	tokens []Token                    // submitted and not fetched, in order
	frozen map[*nnopt.Model]frozenRef // frozen models uploaded, by the client's model
}

// frozenRef is a frozen model in the payload store.
type frozenRef struct {
	id string // the name in the payload store: model-<sha256 of the model file>
}

// Connect connects to the NATS server (or cluster: a comma-separated list of URLs)
// at url and creates the stream and buckets if they are missing.
func Connect(url string, opts ...Option) (*Client, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	nc, err := cfg.connect(url, "nnopt client")
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

func newClient(nc *nats.Conn, cfg *config) (*Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := openStores(ctx, nc, cfg.prefix, cfg.ttl)
	if err != nil {
		return nil, err
	}
	return &Client{nc: nc, s: s, cfg: cfg, codec: defaultCodec, frozen: map[*nnopt.Model]frozenRef{}}, nil
}

// Close closes the client's connection (not one StartLocal shares with its workers).
// Jobs submitted stay on the server.
func (c *Client) Close() error {
	if c.own {
		return c.nc.Drain()
	}
	return nil
}

// Solve solves m on a worker and writes the levels, marginals and attributes back
// into m, as m.Solve(ctx, opt) does locally. The error is that of the remote solve,
// or why the job could not be sent or its result fetched.
func (c *Client) Solve(ctx context.Context, m *nnopt.Model, opt nnopt.Options) error {
	tok, err := c.Submit(ctx, m, opt)
	if err != nil {
		return err
	}
	return c.Result(ctx, tok, m)
}

// Submit sends m to be solved with opt and returns at once with the job's token. A
// frozen model (Model.Freeze) is sent once per client; each later Submit of it
// ships only its modifiables' data, and a worker keeps the instance between
// scenarios (see ForgetModel for a model frozen again). The model is encoded now:
// changes to m after Submit do not reach the job.
func (c *Client) Submit(ctx context.Context, m *nnopt.Model, opt nnopt.Options) (Token, error) {
	if m == nil {
		return "", errors.New("remote: Submit of a nil model")
	}
	ob, err := c.codec.encodeOptions(opt)
	if err != nil {
		return "", fmt.Errorf("remote: model %q: options: %w", m.Name(), err)
	}
	kind, model := kindModel, ""
	var body []byte
	if m.Frozen() {
		kind = kindScenario
		if model, err = c.uploadFrozen(ctx, m); err != nil {
			return "", err
		}
		if body, err = c.codec.encodeScenario(m); err != nil {
			return "", fmt.Errorf("remote: model %q: scenario: %w", m.Name(), err)
		}
	} else if body, err = c.codec.encodeModel(m); err != nil {
		return "", fmt.Errorf("remote: model %q: %w", m.Name(), err)
	}
	tok := Token(nuid.Next())
	return tok, c.publish(ctx, tok, kind, model, envelope(ob, body))
}

// ForgetModel drops the client's record that the frozen model m was uploaded, so
// that the next Submit of m uploads it again: call it after Unfreeze and Freeze of
// the same model, or a change of its fixed data, which the uploaded copy lacks.
func (c *Client) ForgetModel(m *nnopt.Model) {
	c.mu.Lock()
	delete(c.frozen, m)
	c.mu.Unlock()
}

// uploadFrozen puts the frozen model's file in the payload store once and returns
// its name there.
func (c *Client) uploadFrozen(ctx context.Context, m *nnopt.Model) (string, error) {
	c.mu.Lock()
	ref, ok := c.frozen[m]
	c.mu.Unlock()
	if ok {
		return ref.id, nil
	}
	b, err := c.codec.encodeModel(m)
	if err != nil {
		return "", fmt.Errorf("remote: frozen model %q: %w", m.Name(), err)
	}
	sum := sha256.Sum256(b)
	id := "model-" + hex.EncodeToString(sum[:])
	if _, err := c.s.payloads.GetInfo(ctx, id); errors.Is(err, jetstream.ErrObjectNotFound) {
		if _, err := c.s.payloads.PutBytes(ctx, id, b); err != nil {
			return "", fmt.Errorf("remote: frozen model %q: store: %w", m.Name(), err)
		}
	} else if err != nil {
		return "", fmt.Errorf("remote: frozen model %q: payload store: %w", m.Name(), err)
	}
	c.mu.Lock()
	c.frozen[m] = frozenRef{id: id}
	c.mu.Unlock()
	return id, nil
}

// SubmitFile submits a model file (Model.Encode, Model.Save) as it is, to be solved
// with opt; Result writes the solution into a model decoded from the same file.
func (c *Client) SubmitFile(ctx context.Context, modelFile []byte, opt nnopt.Options) (Token, error) {
	ob, err := c.codec.encodeOptions(opt)
	if err != nil {
		return "", fmt.Errorf("remote: options: %w", err)
	}
	tok := Token(nuid.Next())
	return tok, c.publish(ctx, tok, kindModel, "", envelope(ob, modelFile))
}

func (c *Client) publish(ctx context.Context, tok Token, kind, model string, payload []byte) error {
	msg := nats.NewMsg(c.s.n.subject)
	msg.Header.Set(hdrToken, string(tok))
	msg.Header.Set(hdrKind, kind)
	msg.Header.Set(hdrVersion, jobVersion)
	if model != "" {
		msg.Header.Set(hdrModel, model)
	}
	if c.cfg.jobKey != nil {
		msg.Header.Set(hdrSignature, sign(c.cfg.jobKey, tok, kind, model, payload))
	}
	if len(payload) > c.s.inline {
		if _, err := c.s.payloads.PutBytes(ctx, payloadName(tok), payload); err != nil {
			return fmt.Errorf("remote: job %s: store its payload of %d bytes: %w", tok, len(payload), err)
		}
		msg.Header.Set(hdrPayload, "object")
	} else {
		msg.Data = payload
	}
	if err := c.s.putStatus(ctx, Status{Token: tok, State: Queued}); err != nil {
		return fmt.Errorf("remote: job %s: status: %w", tok, err)
	}
	if _, err := c.s.js.PublishMsg(ctx, msg, jetstream.WithMsgID(string(tok))); err != nil {
		return fmt.Errorf("remote: job %s: publish: %w", tok, err)
	}
	c.mu.Lock()
	c.tokens = append(c.tokens, tok)
	c.mu.Unlock()
	return nil
}

func payloadName(tok Token) string { return "job-" + string(tok) }

// Tokens returns the tokens this client submitted and has not fetched yet, in the
// order of submission.
func (c *Client) Tokens() []Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tokens)
}

// Status returns what the server knows of the job now.
func (c *Client) Status(tok Token) (Status, error) {
	if !tok.valid() {
		return Status{}, fmt.Errorf("remote: malformed token %q", tok)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.s.getStatus(ctx, tok)
}

// A JobError is the error result of a job that failed on the worker.
type JobError struct {
	Token Token
	Msg   string
}

func (e *JobError) Error() string { return fmt.Sprintf("remote: job %s failed: %s", e.Token, e.Msg) }

// Result waits until the job is finished (or ctx ends) and writes its result into m,
// which must be the model submitted (or one of the same symbols, such as a decoded
// copy). The result then leaves the server: a second Result of the token fails with
// ErrUnknownToken. A job that failed returns a *JobError and leaves m as it is.
func (c *Client) Result(ctx context.Context, tok Token, m *nnopt.Model) error {
	if m == nil {
		return fmt.Errorf("remote: job %s: Result into a nil model", tok)
	}
	st, err := c.wait(ctx, tok)
	if err != nil {
		return err
	}
	if st.State == Failed {
		c.forget(ctx, tok)
		return &JobError{Token: tok, Msg: st.Error}
	}
	b, err := c.s.results.GetBytes(ctx, string(tok))
	if err != nil {
		return fmt.Errorf("remote: job %s: fetch result: %w", tok, err)
	}
	syms, err := symbolsOf(m)
	if err != nil {
		return fmt.Errorf("remote: job %s: model %q: %w", tok, m.Name(), err)
	}
	if err := applyResult(m, syms, b); err != nil {
		return fmt.Errorf("remote: job %s: %w", tok, err)
	}
	c.forget(ctx, tok)
	return nil
}

// forget removes a fetched job's result and status from the server and its token
// from Tokens.
func (c *Client) forget(ctx context.Context, tok Token) {
	_ = c.s.results.Delete(ctx, string(tok))
	_ = c.s.status.Purge(ctx, string(tok))
	c.mu.Lock()
	if i := slices.Index(c.tokens, tok); i >= 0 {
		c.tokens = slices.Delete(c.tokens, i, i+1)
	}
	c.mu.Unlock()
}

// wait watches the job's status until it is finished.
func (c *Client) wait(ctx context.Context, tok Token) (Status, error) {
	if !tok.valid() {
		return Status{}, fmt.Errorf("remote: malformed token %q", tok)
	}
	// Most jobs of a batch are finished when their Result is asked for: one read
	// then, and a watch only for a job still on its way.
	if st, err := c.s.getStatus(ctx, tok); err != nil || st.Finished() {
		return st, err
	}
	w, err := c.s.status.Watch(ctx, string(tok))
	if err != nil {
		return Status{}, fmt.Errorf("remote: job %s: watch: %w", tok, err)
	}
	defer w.Stop()
	seen := false
	for {
		select {
		case <-ctx.Done():
			return Status{}, fmt.Errorf("remote: job %s: %w", tok, ctx.Err())
		case e, ok := <-w.Updates():
			if !ok {
				return Status{}, fmt.Errorf("remote: job %s: status watch closed", tok)
			}
			if e == nil { // the initial values have been delivered
				if !seen {
					return Status{}, fmt.Errorf("remote: job %s: %w", tok, ErrUnknownToken)
				}
				continue
			}
			if e.Operation() != jetstream.KeyValuePut {
				return Status{}, fmt.Errorf("remote: job %s: %w", tok, ErrUnknownToken)
			}
			seen = true
			st, err := decodeStatus(e.Value())
			if err != nil {
				return Status{}, err
			}
			if st.Finished() {
				return st, nil
			}
		}
	}
}

// Watch sends the status of each of the jobs whenever it changes, starting with the
// current one, until ctx ends or every job is finished or fetched; then it closes
// the channel. A status that changes quickly may skip a state, and a job fetched
// before the watch reads its last status ends without it.
// It is how a client shows progress (cmd/nnopt-submit draws a bar with it).
func (c *Client) Watch(ctx context.Context, toks ...Token) (<-chan Status, error) {
	want := make(map[Token]bool, len(toks))
	for _, t := range toks {
		if !t.valid() {
			return nil, fmt.Errorf("remote: malformed token %q", t)
		}
		want[t] = true
	}
	w, err := c.s.status.WatchAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("remote: watch: %w", err)
	}
	out := make(chan Status, 64)
	go func() {
		defer close(out)
		defer w.Stop()
		left := len(want)
		for left > 0 {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-w.Updates():
				if !ok {
					return
				}
				if e == nil || !want[Token(e.Key())] {
					continue
				}
				if e.Operation() != jetstream.KeyValuePut {
					// Fetched (or expired): finished, and its last status may be
					// gone with it.
					want[Token(e.Key())] = false
					left--
					continue
				}
				st, err := decodeStatus(e.Value())
				if err != nil {
					continue
				}
				if st.Finished() {
					want[st.Token] = false
					left--
				}
				select {
				case out <- st:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
