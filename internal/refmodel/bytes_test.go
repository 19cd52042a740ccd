package refmodel

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/nlpsolve"
)

// peakHeap runs f and returns the largest heap it saw above the heap before
// f, sampled every millisecond.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	<-stopped
	runtime.ReadMemStats(&ms)
	return max(peak.Load(), ms.HeapAlloc) - base
}

// The estimates are within a factor of 2 of the peak heap of building the
// reference models and solving them for a few iterations.
func TestModelBytesMeasured(t *testing.T) {
	for _, tc := range []struct {
		model                 string
		batch, hidden, memory int
		long                  bool
	}{
		{model: "mlp", batch: 500, hidden: 20}, // cmd/train's defaults
		{model: "mlp", batch: 500, hidden: 20, memory: 200},
		{model: "mlp", batch: 1000, hidden: 200, long: true},
		{model: "cnn", batch: 100, long: true},
	} {
		if tc.long && testing.Short() {
			continue
		}
		x, labels := referenceBatch(t, tc.batch)
		var est float64
		peak := peakHeap(func() {
			rng := rand.New(rand.NewPCG(7, 7))
			var m *nnopt.Model
			if tc.model == "cnn" {
				est = CNNBytes(tc.batch, tc.memory)
				c, err := NewCNNWith(x, labels, rng, 0, TargetOneHot)
				if err != nil {
					t.Fatal(err)
				}
				m = c.Model
			} else {
				est = MLPBytes(tc.batch, 784, tc.hidden, 10, tc.memory)
				w1, w2 := make([]float64, 784*tc.hidden), make([]float64, tc.hidden*10)
				for i := range w1 {
					w1[i] = (rng.Float64() - 0.5) / 10
				}
				for i := range w2 {
					w2[i] = rng.Float64() - 0.5
				}
				mlp, err := NewMLPWith(x, labels, 784, tc.hidden, 10, w1, w2, 5, TargetOneHot)
				if err != nil {
					t.Fatal(err)
				}
				m = mlp.Model
			}
			if err := m.Solve(context.Background(), nnopt.Options{IterationLimit: 3, Memory: tc.memory, Method: nlpsolve.LBFGS}); err != nil {
				t.Fatal(err)
			}
		})
		ratio := est / float64(peak)
		t.Logf("%s batch %d hidden %d memory %d: estimate %.1f MB, measured peak heap %.1f MB (ratio %.2f)", tc.model, tc.batch, tc.hidden, tc.memory, est/1e6, float64(peak)/1e6, ratio)
		if ratio < 0.5 || ratio > 2 {
			t.Errorf("%s batch %d hidden %d memory %d: estimate %.1f MB, measured %.1f MB: not within a factor of 2", tc.model, tc.batch, tc.hidden, tc.memory, est/1e6, float64(peak)/1e6)
		}
	}
}

// The estimates grow with every size and stay finite far beyond int's range of
// products (cmd/train refuses -hidden 1e12 by its estimate, not by a crash).
func TestModelBytesGrow(t *testing.T) {
	base := MLPBytes(500, 784, 20, 10, 0)
	for _, got := range []float64{MLPBytes(1000, 784, 20, 10, 0), MLPBytes(500, 784, 40, 10, 0), MLPBytes(500, 784, 20, 10, 100)} {
		if !(got > base) {
			t.Errorf("estimate %g not above the defaults' %g", got, base)
		}
	}
	if huge := MLPBytes(math.MaxInt32, 784, 1e12, 10, 1000); math.IsInf(huge, 0) || huge < 1e18 {
		t.Errorf("huge MLP: estimate %g, want finite and above 1e18", huge)
	}
	if !(CNNBytes(1000, 0) > CNNBytes(500, 0)) {
		t.Error("CNN estimate does not grow with the batch")
	}
}
