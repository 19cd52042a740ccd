// Package remote solves nnopt models on other processes and machines through NATS
// with JetStream: synchronously (Client.Solve) or asynchronously (Client.Submit, then
// Client.Result with the token), by workers (Worker, cmd/nnopt-worker) that pull jobs
// from a work-queue stream. StartLocal runs the same thing in one process: an
// embedded NATS server with JetStream in a temporary directory and worker goroutines.
//
// The package is called remote, not engine, because internal/engine is nnopt's
// tensor engine; a second "engine" would make every import ambiguous.
//
// # Layout on the server
//
// Every name starts with a prefix (DefaultPrefix unless WithPrefix says otherwise),
// so that several deployments can share one NATS account:
//
//	stream  <PREFIX>_JOBS      subject <prefix>.jobs, work-queue retention: one
//	                           message per job, removed when a worker acknowledges it
//	consumer <prefix>-workers  durable pull consumer shared by all workers, explicit
//	                           acknowledgement; a job not acknowledged within the
//	                           ack wait (a worker died) is delivered to another
//	KV      <prefix>-status    per-job status (queued, running with its iteration
//	                           count, done, failed), key = token
//	objects <prefix>-results   results, name = token, until fetched or expired
//	objects <prefix>-payloads  job payloads too large for one message, and the
//	                           frozen models that scenarios refer to
//
// A job's message carries the token, its kind (a model, or a scenario of a frozen
// model already in the payload store) and the payload: the encoded options followed
// by the encoded model or scenario data. The token is the message id too, so the
// stream drops a job published twice.
//
// # Delivery
//
// A worker acknowledges a job after its result (or its error result) is stored, and
// tells the server it is still working while it solves. A worker killed mid-job
// therefore loses nothing: the server delivers the job again after the ack wait. A
// job solved twice (its first worker died between storing the result and the
// acknowledgement) stores the same result under the same token, and Result returns
// it once. A job that fails — a damaged payload, a model the solver refuses, a
// payload or solve over the worker's limits — gets an error result naming what is
// wrong; it never stops the worker.
//
// # Frozen models
//
// A frozen model (Model.Freeze) is uploaded to the payload store once per client;
// each Submit of it ships only the scenario (Model.EncodeScenario), and each worker
// slot keeps a decoded, frozen copy warm (WorkerConfig.WarmModels) and applies
// scenarios to it. A warm copy starts each solve where its last one ended, as a
// local frozen model does; which scenarios a copy solved before depends on the
// scheduling, so when a scenario's result must not depend on it (an LP with several
// optima, a nonconvex model), make the levels modifiable too and set them before
// each Submit (Freeze(p, x.LAttr()), then clear x.L for the levels at Freeze).
//
// # What is trusted
//
// A job is data, never code: the payload is a model in nnopt's file format (sets,
// parameters, variables, equations as expression trees over nnopt's fixed set of
// operations) and options, and a worker only decodes and solves it. Options that
// are code or open resources (Output, Trace, OnIteration, Device) cannot be
// encoded, and a worker refuses a job whose options name a file to write on its
// machine (SavePoint). The NATS connection is authenticated as NATS does it (user and
// password, NKey, credentials file, TLS; see the Option functions), and a worker
// with a job key (WithJobKey) refuses jobs whose HMAC-SHA256 signature does not
// verify with it, with an error result, so a client that can publish on the subject
// but does not hold the key cannot get work done. The key protects the workers'
// time, not the buckets: whoever may publish jobs may also write statuses and
// results (they are in the same account), so give untrusted users no access to the
// account, or NATS permissions that exclude the prefix's subjects.
package remote
