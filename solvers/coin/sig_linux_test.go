//go:build linux && (amd64 || arm64)

package coin

import (
	"context"
	"testing"
)

// TestSIGINTRestored checks that a solve leaves SIGINT's disposition as Go's
// runtime set it: Clp's driver puts it back through signal(3), without
// SA_ONSTACK and SA_SIGINFO.
func TestSIGINTRestored(t *testing.T) {
	requireLib(t, LoadClp)
	requireLib(t, LoadCbc)
	before, ok := getSigaction(sigint)
	if !ok {
		t.Skip("rt_sigaction failed")
	}
	if _, err := SolveLP(context.Background(), transport(), Settings{}); err != nil {
		t.Fatal(err)
	}
	p := knapsack()
	if _, err := SolveMIP(context.Background(), p, Settings{}); err != nil {
		t.Fatal(err)
	}
	if after, _ := getSigaction(sigint); after != before {
		t.Errorf("SIGINT disposition %+x, was %+x", after, before)
	}
}
