// Package choice resolves a setting named by a flag or, when the flag is empty, by an
// environment variable, for the commands' -blas and -device.
package choice

import "os"

// Resolve returns the value of the setting: name, else $env, else def;
// source names where it came from (flag or "$"+env), for errors.
func Resolve(name, flag, env, def string) (value, source string) {
	source = flag
	if name == "" {
		name, source = os.Getenv(env), "$"+env
		if name == "" {
			name = def
		}
	}
	return name, source
}
