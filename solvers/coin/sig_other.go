//go:build !(linux && (amd64 || arm64))

package coin

// guardSIGINT does nothing here: the disposition is restored only where the
// kernel's sigaction layout is known (linux/amd64, linux/arm64).
func guardSIGINT() (restore func()) { return func() {} }
