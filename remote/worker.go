package remote

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/nnopt/nnopt"
	// The kernels of nnopt's layers (convolution, pooling, flatten), so that a
	// worker decodes models that use them; a model file names kernels, the reader
	// runs only those registered (nnopt.RegisterKernel).
	_ "github.com/nnopt/nnopt/formulations"
)

// WorkerConfig are a worker's limits. The zero value means the defaults.
type WorkerConfig struct {
	// Name identifies the worker in job statuses; "" for host-pid-random.
	Name string
	// Concurrency is how many jobs the worker solves at once; 0 for 1.
	Concurrency int
	// MaxPayload is the largest job payload, in bytes, the worker takes; larger jobs
	// get an error result. 0 for 256 MiB.
	MaxPayload int
	// MaxSolveTime caps each solve's time limit (Options.TimeLimit); 0 for no cap.
	MaxSolveTime time.Duration
	// AckWait is how long the server waits for a silent worker before it gives the
	// job to another: a worker tells the server it is alive every third of it while
	// it solves, so this is the delay before a dead worker's job is redelivered. All
	// workers of a prefix must use the same. 0 for 30 s.
	AckWait time.Duration
	// MaxAttempts is how many deliveries a job gets: a job that was delivered more
	// often (its workers died on it) gets an error result. 0 for 5.
	MaxAttempts int
	// Grace is how long a stopping worker lets running solves finish; a solve still
	// running then is interrupted and its job released to another worker. 0 for
	// 10 s; negative to release at once.
	Grace time.Duration
	// WarmModels is how many frozen model instances each of the worker's slots keeps
	// between scenarios; 0 for 4.
	WarmModels int
	// Log receives one line per job and per problem; nil for none.
	Log *log.Logger
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	if c.Name == "" {
		host, _ := os.Hostname()
		c.Name = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), nuid.Next()[16:])
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.MaxPayload <= 0 {
		c.MaxPayload = 256 << 20
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.Grace == 0 {
		c.Grace = 10 * time.Second
	}
	if c.WarmModels <= 0 {
		c.WarmModels = 4
	}
	return c
}

// Worker pulls jobs from the job stream and solves them.
type Worker struct {
	nc    *nats.Conn
	own   bool
	s     *stores
	cfg   *config
	wc    WorkerConfig
	codec codec
	cons  jetstream.Consumer
}

// NewWorker connects to the NATS server at url and creates the stream, buckets and
// the workers' consumer if they are missing. Run starts the work.
func NewWorker(url string, wc WorkerConfig, opts ...Option) (*Worker, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	wc = wc.withDefaults()
	nc, err := cfg.connect(url, "nnopt worker "+wc.Name)
	if err != nil {
		return nil, err
	}
	w, err := newWorker(nc, cfg, wc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	w.own = true
	return w, nil
}

func newWorker(nc *nats.Conn, cfg *config, wc WorkerConfig) (*Worker, error) {
	wc = wc.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := openStores(ctx, nc, cfg.prefix, cfg.ttl)
	if err != nil {
		return nil, err
	}
	cons, err := s.js.CreateOrUpdateConsumer(ctx, s.n.stream, jetstream.ConsumerConfig{
		Durable: s.n.consumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: wc.AckWait,
		MaxDeliver: -1, MaxAckPending: -1, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("remote: workers' consumer %s: %w", s.n.consumer, err)
	}
	return &Worker{nc: nc, s: s, cfg: cfg, wc: wc, codec: defaultCodec, cons: cons}, nil
}

// Name is the worker's name in job statuses.
func (w *Worker) Name() string { return w.wc.Name }

// Run solves jobs until ctx ends, then stops as WorkerConfig.Grace says and closes
// the worker's own connection. It returns nil after a stop by ctx.
func (w *Worker) Run(ctx context.Context) error {
	// hard ends the solves: Grace after ctx.
	hard, cancelHard := context.WithCancel(context.Background())
	defer cancelHard()
	go func() {
		<-ctx.Done()
		if w.wc.Grace > 0 {
			t := time.NewTimer(w.wc.Grace)
			defer t.Stop()
			select {
			case <-t.C:
			case <-hard.Done():
			}
		}
		cancelHard()
	}()
	var wg sync.WaitGroup
	for range w.wc.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := &slot{warm: map[string]*warmModel{}}
			for ctx.Err() == nil {
				msg, err := w.cons.Next(jetstream.FetchMaxWait(time.Second))
				if err != nil {
					if !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
						w.logf("fetch: %v", err)
						time.Sleep(100 * time.Millisecond)
					}
					continue
				}
				w.handle(hard, msg, sl)
			}
		}()
	}
	wg.Wait()
	if w.own {
		return w.nc.Drain()
	}
	return nil
}

func (w *Worker) logf(format string, args ...any) {
	if w.wc.Log != nil {
		w.wc.Log.Printf(w.wc.Name+": "+format, args...)
	}
}

// slot is one of a worker's concurrent solvers, with its warm frozen models.
type slot struct {
	warm map[string]*warmModel
	tick int
}

type warmModel struct {
	c    *nnopt.Container
	m    *nnopt.Model
	syms []symbol
	used int
}

// handle runs one job: it stores a result or an error result and acknowledges the
// job, or releases it when the worker stops before the solve finished.
func (w *Worker) handle(hard context.Context, msg jetstream.Msg, sl *slot) {
	ctx := context.Background()
	h := msg.Headers()
	tok := Token(h.Get(hdrToken))
	if !tok.valid() {
		// No token: nowhere to put an error result.
		w.logf("job without a valid token (%q) dropped", tok)
		_ = msg.TermWithReason("no valid token")
		return
	}
	attempt := 1
	if md, err := msg.Metadata(); err == nil {
		attempt = int(md.NumDelivered)
	}
	fail := func(format string, args ...any) {
		text := fmt.Sprintf(format, args...)
		w.logf("job %s failed: %s", tok, text)
		if err := w.s.putStatus(ctx, Status{Token: tok, State: Failed, Worker: w.wc.Name, Attempt: attempt, Error: text}); err != nil {
			w.logf("job %s: status: %v; released", tok, err)
			_ = msg.Nak()
			return
		}
		_ = msg.DoubleAck(ctx)
		w.dropPayload(ctx, h, tok)
	}
	// A job already finished (solved by a worker that died before acknowledging it)
	// is not solved again.
	if st, err := w.s.getStatus(ctx, tok); err == nil && st.Finished() {
		_ = msg.DoubleAck(ctx)
		return
	}
	if attempt > w.wc.MaxAttempts {
		fail("delivered %d times, over the limit of %d: the workers that took it stopped or died before finishing it", attempt, w.wc.MaxAttempts)
		return
	}
	if v := h.Get(hdrVersion); v != jobVersion {
		fail("job format version %q; this worker reads version %s", v, jobVersion)
		return
	}
	kind, model := h.Get(hdrKind), h.Get(hdrModel)
	if kind != kindModel && kind != kindScenario {
		fail("job kind %q; want %q or %q", kind, kindModel, kindScenario)
		return
	}
	payload := msg.Data()
	if h.Get(hdrPayload) == "object" {
		info, err := w.s.payloads.GetInfo(ctx, payloadName(tok))
		if err != nil {
			fail("payload %s not in the payload store: %v", payloadName(tok), err)
			return
		}
		if info.Size > uint64(w.wc.MaxPayload) {
			fail("payload of %d bytes is over this worker's limit of %d bytes", info.Size, w.wc.MaxPayload)
			return
		}
		if payload, err = w.s.payloads.GetBytes(ctx, payloadName(tok)); err != nil {
			fail("payload %s: %v", payloadName(tok), err)
			return
		}
	}
	if len(payload) > w.wc.MaxPayload {
		fail("payload of %d bytes is over this worker's limit of %d bytes", len(payload), w.wc.MaxPayload)
		return
	}
	if w.cfg.jobKey != nil {
		sig := h.Get(hdrSignature)
		if sig == "" {
			fail("job is not signed, and this worker takes only jobs signed with its job key")
			return
		}
		if !verify(w.cfg.jobKey, sig, tok, kind, model, payload) {
			fail("job signature does not verify with this worker's job key")
			return
		}
	}
	ob, body, err := openEnvelope(payload)
	if err != nil {
		fail("%v", err)
		return
	}
	opt, err := w.codec.decodeOptions(ob)
	if err != nil {
		fail("options: %v", err)
		return
	}
	if err := w.s.putStatus(ctx, Status{Token: tok, State: Running, Worker: w.wc.Name, Attempt: attempt}); err != nil {
		w.logf("job %s: status: %v", tok, err)
	}
	// Tell the server this worker is alive while it works.
	beat, stopBeat := context.WithCancel(ctx)
	defer stopBeat()
	go func() {
		t := time.NewTicker(w.wc.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-beat.Done():
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	// A panic in decoding or solving is a bug in nnopt, but it fails the job, not the
	// worker.
	defer func() {
		if r := recover(); r != nil {
			if kind == kindScenario {
				delete(sl.warm, model)
			}
			fail("internal error (please report): %v", r)
		}
	}()
	m, syms, err := w.model(ctx, sl, kind, model, body)
	if err != nil {
		fail("%v", err)
		return
	}
	eff := m.EffectiveOptions(opt)
	if eff.SavePoint != "" {
		// A job must not write files on the worker's machine.
		fail("option SavePoint %q names a file on the worker's machine, which a job may not write; save the point on the client after Result", eff.SavePoint)
		return
	}
	solveCtx := hard
	if w.wc.MaxSolveTime > 0 {
		if eff.TimeLimit == 0 || eff.TimeLimit > w.wc.MaxSolveTime {
			opt.TimeLimit = w.wc.MaxSolveTime
		}
		var cancel context.CancelFunc
		solveCtx, cancel = context.WithTimeout(hard, w.wc.MaxSolveTime+5*time.Second)
		defer cancel()
	}
	var last time.Time
	opt.OnIteration = func(it nnopt.Iteration) {
		if now := time.Now(); now.Sub(last) > 250*time.Millisecond {
			last = now
			_ = w.s.putStatus(ctx, Status{Token: tok, State: Running, Worker: w.wc.Name, Attempt: attempt, Iterations: it.Iter})
		}
	}
	serr := m.Solve(solveCtx, opt)
	if hard.Err() != nil {
		// Stopped: another worker solves it from the start.
		w.logf("job %s released: the worker stopped", tok)
		_ = w.s.putStatus(ctx, Status{Token: tok, State: Queued, Attempt: attempt})
		_ = msg.Nak()
		if kind == kindScenario {
			delete(sl.warm, model) // its state is part-way
		}
		return
	}
	if serr != nil {
		fail("solve: %v", serr)
		return
	}
	res, err := encodeResult(m, syms)
	if err != nil {
		fail("%v", err)
		return
	}
	if _, err := w.s.results.PutBytes(ctx, string(tok), res); err != nil {
		w.logf("job %s: store result: %v; released", tok, err)
		_ = msg.Nak()
		return
	}
	if err := w.s.putStatus(ctx, Status{Token: tok, State: Done, Worker: w.wc.Name, Attempt: attempt, Iterations: m.NumIterations}); err != nil {
		w.logf("job %s: status: %v; released", tok, err)
		_ = msg.Nak()
		return
	}
	if err := msg.DoubleAck(ctx); err != nil {
		w.logf("job %s: acknowledge: %v", tok, err)
	}
	w.dropPayload(ctx, h, tok)
	w.logf("job %s done: %s, %d iterations", tok, m.Status, m.NumIterations)
}

func (w *Worker) dropPayload(ctx context.Context, h nats.Header, tok Token) {
	if h.Get(hdrPayload) == "object" {
		_ = w.s.payloads.Delete(ctx, payloadName(tok))
	}
}

// model is the job's model: decoded from the body, or a scenario applied to a warm
// copy of its frozen model.
func (w *Worker) model(ctx context.Context, sl *slot, kind, model string, body []byte) (*nnopt.Model, []symbol, error) {
	if kind == kindModel {
		_, m, err := w.codec.decodeModel(body)
		if err != nil {
			return nil, nil, fmt.Errorf("model: %w", err)
		}
		syms, err := symbolsOf(m)
		if err != nil {
			return nil, nil, fmt.Errorf("model %q: %w", m.Name(), err)
		}
		return m, syms, nil
	}
	sl.tick++
	wm, ok := sl.warm[model]
	if !ok {
		b, err := w.s.payloads.GetBytes(ctx, model)
		if err != nil {
			return nil, nil, fmt.Errorf("frozen model %s: %w", model, err)
		}
		if len(b) > w.wc.MaxPayload {
			return nil, nil, fmt.Errorf("frozen model %s of %d bytes is over this worker's limit of %d bytes", model, len(b), w.wc.MaxPayload)
		}
		c, m, err := w.codec.decodeModel(b)
		if err != nil {
			return nil, nil, fmt.Errorf("frozen model %s: %w", model, err)
		}
		if !m.Frozen() {
			return nil, nil, fmt.Errorf("model %s of a scenario is not frozen", model)
		}
		syms, err := symbolsOf(m)
		if err != nil {
			return nil, nil, fmt.Errorf("frozen model %q: %w", m.Name(), err)
		}
		if len(sl.warm) >= w.wc.WarmModels {
			oldest := ""
			for id, x := range sl.warm {
				if oldest == "" || x.used < sl.warm[oldest].used {
					oldest = id
				}
			}
			sl.warm[oldest].m.Unfreeze()
			delete(sl.warm, oldest)
		}
		wm = &warmModel{c: c, m: m, syms: syms}
		sl.warm[model] = wm
	}
	wm.used = sl.tick
	if err := w.codec.applyScenario(wm.m, body); err != nil {
		return nil, nil, fmt.Errorf("scenario: %w", err)
	}
	return wm.m, wm.syms, nil
}
