package formulations

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt/device"
)

// BenchmarkConv2dKernel times the reference CNN's three convolutions at batch 500:
// the forward product and the two transposed products of a gradient sweep. A
// moving input (new values every call) is the case of the inner layers; conv1 reads
// the fixed data batch.
func BenchmarkConv2dKernel(b *testing.B) {
	desc, err := device.UseBLAS("")
	if err != nil {
		b.Fatal(err)
	}
	b.Log(desc)
	for _, tc := range []struct {
		name        string
		c, o, hw, k int
		fixedInput  bool
	}{
		{"conv1", 1, 2, 28, 5, true},
		{"conv2", 2, 3, 12, 5, false},
		{"conv3", 3, 10, 4, 4, false},
	} {
		k, _, err := Conv2dKernel(500, tc.c, tc.o, tc.hw, tc.hw, tc.k, 1, Padding{})
		if err != nil {
			b.Fatal(err)
		}
		outLen, argLens := k.Lens()
		rng := rand.New(rand.NewPCG(1, 2))
		xs := [][]float64{random(rng, argLens[0]), random(rng, argLens[0]), random(rng, argLens[0])}
		w := random(rng, argLens[1])
		out, adj := make([]float64, outLen), random(rng, outLen)
		dx, dw := make([]float64, argLens[0]), make([]float64, argLens[1])
		flops := float64(2 * k.(*conv2dKernel).JacobianCount(0))
		input := func(i int) []float64 {
			if tc.fixedInput {
				return xs[0]
			}
			return xs[i%3]
		}
		for _, op := range []struct {
			name string
			run  func(i int)
		}{
			{"apply", func(i int) { k.Apply(out, [][]float64{input(i), w}) }},
			{"transpose-x", func(i int) { k.Transpose(0, dx, adj, [][]float64{input(i), w}) }},
			{"transpose-w", func(i int) { k.Transpose(1, dw, adj, [][]float64{input(i), w}) }},
		} {
			b.Run(fmt.Sprintf("%s/%s", tc.name, op.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					op.run(i)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
