package remote

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
)

// BenchmarkThroughput is bar 2 of issue 24: scenarios of a 24 × 36 transport LP
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
				m, bm, x, err := bigTransport(24, 36, 7, 1)
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
			m, bm, x, err := bigTransport(24, 36, 7, 1)
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
