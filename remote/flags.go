package remote

import "flag"

// ConnFlags are the command-line flags of the NATS connection and the job key that
// cmd/nnopt-worker, cmd/nnopt-engine and cmd/nnopt-submit share.
type ConnFlags struct {
	URL, User, Password, NKeySeed, Creds, CA, Cert, Key, JobKeyFile, Prefix string
}

// Register adds the flags to fs.
func (f *ConnFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.URL, "nats", "nats://127.0.0.1:4222", "NATS server URL (comma-separated for a cluster)")
	fs.StringVar(&f.User, "user", "", "NATS user (with -password)")
	fs.StringVar(&f.Password, "password", "", "NATS password")
	fs.StringVar(&f.NKeySeed, "nkey", "", "NKey seed file for NATS authentication")
	fs.StringVar(&f.Creds, "creds", "", "NATS credentials file (user JWT and seed)")
	fs.StringVar(&f.CA, "tls-ca", "", "PEM file of the CA that signed the server's certificate (TLS)")
	fs.StringVar(&f.Cert, "tls-cert", "", "client certificate PEM file (TLS, with -tls-key)")
	fs.StringVar(&f.Key, "tls-key", "", "client key PEM file (TLS)")
	fs.StringVar(&f.JobKeyFile, "job-key", "", "file with the shared job key: clients sign jobs with it, workers refuse jobs not signed with it")
	fs.StringVar(&f.Prefix, "prefix", DefaultPrefix, "prefix of the stream, consumer and buckets")
}

// Options are the Options the flags set.
func (f *ConnFlags) Options() []Option {
	opts := []Option{WithPrefix(f.Prefix)}
	if f.User != "" || f.Password != "" {
		opts = append(opts, WithUserPassword(f.User, f.Password))
	}
	if f.NKeySeed != "" {
		opts = append(opts, WithNKeySeedFile(f.NKeySeed))
	}
	if f.Creds != "" {
		opts = append(opts, WithCredentials(f.Creds))
	}
	if f.CA != "" || f.Cert != "" || f.Key != "" {
		opts = append(opts, WithTLS(f.CA, f.Cert, f.Key))
	}
	if f.JobKeyFile != "" {
		opts = append(opts, WithJobKeyFile(f.JobKeyFile))
	}
	return opts
}
