package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nnopt/nnopt/datasets"
)

// BenchmarkVerify verifies a representative part of the 20 images at eps 0.01,
// 0.02 and 0.05 (the whole set takes an hour on a loaded two-CPU machine):
// images 0-4 at eps 0.02, and image 0 at eps 0.05, with the ReLUs' bounds from
// interval propagation alone and after LP tightening; each MIP decides the
// margin's sign, with a time limit of 300 s (at eps 0.05, interval bounds
// alone leave every MIP undecided at that limit). Metrics, over the images: the
// ReLUs that can change sign (binaries) after each mode's bounds, the ones LP
// tightening made stable, the big-M constants' total Σ (U - L) before and after
// tightening, and the verdicts.
//
//	go test -run '^$' -bench Verify -benchtime 1x -timeout 3h ./cmd/verify
func BenchmarkVerify(b *testing.B) {
	net, test, _ := committed(b)
	needCbc(b)
	for _, part := range []struct {
		eps           float64
		first, images int
	}{{0.02, 0, 5}, {0.05, 0, 1}} {
		eps, first, images := part.eps, part.first, part.images
		for _, mode := range []struct {
			name    string
			tighten bool
		}{{"intervals", false}, {"lp", true}} {
			b.Run(fmt.Sprintf("eps%g/%s", eps, mode.name), func(b *testing.B) {
				set := settings{Eps: eps, TimeLimit: 300 * time.Second, Mean: datasets.MNISTMean, Std: datasets.MNISTStd, Tighten: mode.tighten}
				v, err := newVerifier(net, test.Images.Size(), set)
				if err != nil {
					b.Fatal(err)
				}
				var unstable, stable, robust, decided int
				var before, after float64
				for b.Loop() {
					unstable, stable, robust, decided, before, after = 0, 0, 0, 0, 0, 0
					for i := first; i < first+images; i++ {
						r, err := v.verify(context.Background(), i, test.Images.Image(i), int(test.Labels[i]))
						if err != nil {
							b.Fatal(err)
						}
						unstable += r.Unstable
						if r.Verdict == Robust {
							robust++
						}
						if r.Verdict != Unknown {
							decided++
						}
						if tg := r.Tightening; tg != nil {
							stable += tg.Stable
							before += tg.SpreadBefore
							after += tg.SpreadAfter
						}
					}
				}
				b.ReportMetric(float64(unstable), "unstable")
				b.ReportMetric(float64(robust), "robust")
				b.ReportMetric(float64(decided), "decided")
				if mode.tighten {
					b.ReportMetric(float64(stable), "stabilised")
					b.ReportMetric(before, "M-before")
					b.ReportMetric(after, "M-after")
				}
			})
		}
	}
}
