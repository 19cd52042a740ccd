package remote

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
)

// BenchmarkThroughput is bar 2 of issue 24: scenarios of a 100 × 120 transport LP
// (each 50 ms or more to solve) through StartLocal with 1 and 2 workers, submitted
// all at once and then fetched, against the same scenarios solved locally by 1 and
// 2 goroutines in the same run. ns/op is the wall time per scenario; jobs/s the
// throughput; solve-ms/job the workers' own solve time (TotalSolveTime) and
// overhead-ms/job the rest of the wall time per job spread over the workers (what
// the messaging and encoding cost a worker).
//
//	go test -run '^$' -bench Throughput -benchtime 40x ./remote
func BenchmarkThroughput(b *testing.B) {
	// The peer: the same scenarios solved in this process by 1 and 2 goroutines,
	// each with its own frozen copy, without NATS: the speed-up the machine allows.
	for _, g := range []int{1, 2} {
		b.Run(fmt.Sprintf("local/goroutines=%d", g), func(b *testing.B) {
			type copyOf struct {
				m  *nnopt.Model
				bm *nnopt.Parameter
				x  *nnopt.Variable
			}
			copies := make([]copyOf, g)
			for k := range copies {
				m, bm, x, err := bigTransport(speedupPlants, speedupMarkets, 7, 1)
				if err != nil {
					b.Fatal(err)
				}
				if err := m.Freeze(bm, x.LAttr()); err != nil {
					b.Fatal(err)
				}
				copies[k] = copyOf{m, bm, x}
			}
			jobs := make(chan int)
			var wg sync.WaitGroup
			solve := make([]float64, g)
			b.ResetTimer()
			start := time.Now()
			for k := range copies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cp := copies[k]
					for j := range jobs {
						cp.bm.Values[0] = 0.7 + 0.3*float64(j%16)/15
						clear(cp.x.L)
						if err := cp.m.Solve(context.Background(), nnopt.Options{Threads: 1}); err != nil || cp.m.Status != nnopt.StatusOptimal {
							b.Errorf("scenario %d: %v %v", j, err, cp.m.Status)
						}
						solve[k] += cp.m.TotalSolveTime
					}
				}()
			}
			for j := range b.N {
				jobs <- j
			}
			close(jobs)
			wg.Wait()
			wall := time.Since(start).Seconds()
			b.StopTimer()
			total := 0.0
			for _, v := range solve {
				total += v
			}
			b.ReportMetric(float64(b.N)/wall, "jobs/s")
			b.ReportMetric(1e3*total/float64(b.N), "solve-ms/job")
		})
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("remote/workers=%d", workers), func(b *testing.B) {
			l, err := StartLocal(context.Background(), workers)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			c, err := l.Connect()
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			m, bm, x, err := bigTransport(speedupPlants, speedupMarkets, 7, 1)
			if err != nil {
				b.Fatal(err)
			}
			if err := m.Freeze(bm, x.LAttr()); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			opt := nnopt.Options{Threads: 1}
			// Warm the workers: each decodes the frozen model once.
			for range 2 * workers {
				if err := c.Solve(ctx, m, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			start := time.Now()
			toks := make([]Token, b.N)
			for k := range b.N {
				bm.Values[0] = 0.7 + 0.3*float64(k%16)/15
				clear(x.L)
				if toks[k], err = c.Submit(ctx, m, opt); err != nil {
					b.Fatal(err)
				}
			}
			solve, minSolve := 0.0, 1e9
			for _, tok := range toks {
				if err := c.Result(ctx, tok, m); err != nil {
					b.Fatal(err)
				}
				if m.Status != nnopt.StatusOptimal {
					b.Fatalf("status %v", m.Status)
				}
				solve += m.TotalSolveTime
				minSolve = min(minSolve, m.TotalSolveTime)
			}
			wall := time.Since(start).Seconds()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/wall, "jobs/s")
			b.ReportMetric(1e3*solve/float64(b.N), "solve-ms/job")
			b.ReportMetric(1e3*minSolve, "min-solve-ms")
			b.ReportMetric(1e3*(wall*float64(workers)-solve)/float64(b.N), "overhead-ms/job")
		})
	}
}

// BenchmarkRoundTrip is the messaging overhead of one synchronous remote solve of
// the reference's 2 × 3 transport LP (a solve of well under a millisecond): its
// wall time against the same solve done locally, in the same run.
//
//	go test -run '^$' -bench RoundTrip ./remote
func BenchmarkRoundTrip(b *testing.B) {
	ctx := context.Background()
	b.Run("local", func(b *testing.B) {
		m, _ := newTransport(b, 1)
		for b.Loop() {
			if err := m.Solve(ctx, nnopt.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, frozen := range []bool{false, true} {
		b.Run(fmt.Sprintf("remote/frozen=%v", frozen), func(b *testing.B) {
			l, err := StartLocal(ctx, 1)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			c, err := l.Connect()
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			m, bm := newTransport(b, 1)
			if frozen {
				if err := m.Freeze(bm); err != nil {
					b.Fatal(err)
				}
			}
			solve := 0.0
			for b.Loop() {
				if err := c.Solve(ctx, m, nnopt.Options{}); err != nil {
					b.Fatal(err)
				}
				solve += m.TotalSolveTime
			}
			b.StopTimer()
			b.ReportMetric(1e3*solve/float64(b.N), "solve-ms/job")
		})
	}
}

// BenchmarkSpeedup is bar 2 measured so that the machine's changing load falls on
// both sides alike: each round solves a batch of 8 scenarios of the 100 × 120
// transport LP through StartLocal with 1 worker, then with 2 workers, then locally
// with 1 and 2 goroutines, and the reported figures are the medians over the
// rounds of the speed-ups (wall time with 1 / wall time with 2).
//
//	go test -run '^$' -bench Speedup -benchtime 6x ./remote
//
// speedupPlants and speedupMarkets size BenchmarkSpeedup's transport LP so that one
// solve takes at least 50 ms on one core (issue 24's bar): the simplex method solves
// the 24 × 36 LP in about 3 ms, which measured messaging rather than solving.
const speedupPlants, speedupMarkets = 100, 120

func BenchmarkSpeedup(b *testing.B) {
	ctx := context.Background()
	const batch = 8
	type side struct {
		c  *Client
		m  *nnopt.Model
		bm *nnopt.Parameter
		x  *nnopt.Variable
	}
	frozen := func() (*nnopt.Model, *nnopt.Parameter, *nnopt.Variable) {
		m, bm, x, err := bigTransport(speedupPlants, speedupMarkets, 7, 1)
		if err == nil {
			err = m.Freeze(bm, x.LAttr())
		}
		if err != nil {
			b.Fatal(err)
		}
		return m, bm, x
	}
	opt := nnopt.Options{Threads: 1}
	mult := func(k int) float64 { return 0.7 + 0.3*float64(k%batch)/(batch-1) }
	var remote [2]side
	for k := range remote {
		l, err := StartLocal(ctx, k+1)
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		c, err := l.Connect()
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		m, bm, x := frozen()
		remote[k] = side{c, m, bm, x}
		for range 2 * (k + 1) { // every worker decodes the frozen model once
			if err := c.Solve(ctx, m, opt); err != nil {
				b.Fatal(err)
			}
		}
	}
	var local [2]side
	for k := range local {
		m, bm, x := frozen()
		local[k] = side{nil, m, bm, x}
	}
	remoteBatch := func(s side) float64 {
		start := time.Now()
		toks := make([]Token, batch)
		for k := range toks {
			s.bm.Values[0] = mult(k)
			clear(s.x.L)
			var err error
			if toks[k], err = s.c.Submit(ctx, s.m, opt); err != nil {
				b.Fatal(err)
			}
		}
		for _, tok := range toks {
			if err := s.c.Result(ctx, tok, s.m); err != nil || s.m.Status != nnopt.StatusOptimal {
				b.Fatalf("%v %v", err, s.m.Status)
			}
		}
		return time.Since(start).Seconds()
	}
	localBatch := func(sides []side) float64 {
		start := time.Now()
		var wg sync.WaitGroup
		for g, s := range sides {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := g; k < batch; k += len(sides) {
					s.bm.Values[0] = mult(k)
					clear(s.x.L)
					if err := s.m.Solve(ctx, opt); err != nil || s.m.Status != nnopt.StatusOptimal {
						b.Errorf("%v %v", err, s.m.Status)
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start).Seconds()
	}
	var rs, ls []float64
	var r1, r2, l1 float64
	b.ResetTimer()
	for range b.N {
		t1 := remoteBatch(remote[0])
		t2 := remoteBatch(remote[1])
		u1 := localBatch(local[:1])
		u2 := localBatch(local[:2])
		rs, ls = append(rs, t1/t2), append(ls, u1/u2)
		r1, r2, l1 = r1+t1, r2+t2, l1+u1
		b.Logf("round: remote 1 worker %.3f s, 2 workers %.3f s (x%.2f); local 1 goroutine %.3f s, 2 %.3f s (x%.2f)", t1, t2, t1/t2, u1, u2, u1/u2)
	}
	b.StopTimer()
	b.ReportMetric(median(rs), "remote-speedup")
	b.ReportMetric(median(ls), "local-speedup")
	b.ReportMetric(1e3*l1/float64(b.N*batch), "ms/solve-local")
	b.ReportMetric(float64(b.N*batch)/r1, "jobs/s-1worker")
	b.ReportMetric(float64(b.N*batch)/r2, "jobs/s-2workers")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return math.NaN()
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
