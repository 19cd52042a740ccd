package formulations

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/backend/backendtest"
)

// deviceKernels are every kernel type on shapes with padding, stride 2, several
// channels and batches.
func deviceKernels(t *testing.T) []namedKernel {
	var ks []namedKernel
	add := func(name string, k nnopt.Kernel) { ks = append(ks, namedKernel{name, k}) }
	for _, tc := range convCases {
		k, _, err := Conv2dKernel(tc.n, tc.c, tc.o, tc.h, tc.w, tc.k, tc.stride, tc.pad)
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprintf("conv%+v", tc), k)
	}
	for _, tc := range []struct{ n, c, h, w, k, s, p int }{{2, 3, 6, 6, 2, 2, 0}, {1, 2, 7, 5, 3, 2, 1}, {3, 1, 5, 5, 3, 1, 1}} {
		k, _, err := AvgPool2dKernel(tc.n, tc.c, tc.h, tc.w, tc.k, tc.s, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprintf("avgpool%+v", tc), k)
	}
	for _, tc := range []struct{ maps, h, w, k, s, p int }{{6, 6, 6, 2, 2, 0}, {3, 5, 4, 3, 2, 1}, {2, 7, 7, 3, 1, 1}} {
		h, _ := newWindow("height", tc.h, tc.k, tc.s, tc.p, tc.p)
		w, _ := newWindow("width", tc.w, tc.k, tc.s, tc.p, tc.p)
		taps := newPoolTaps(h, w)
		add(fmt.Sprintf("taps in %+v", tc), &tapKernel{name: "in", maps: tc.maps, size: taps.inSize, at: taps.in})
		add(fmt.Sprintf("taps out %+v", tc), &tapKernel{name: "out", maps: tc.maps, size: taps.outSize, at: taps.out})
		add(fmt.Sprintf("taps sum %+v", tc), &tapKernel{name: "sum", maps: tc.maps, size: taps.outSize, at: taps.out, sum: true})
	}
	add("flatten", copyKernel{37})
	return ks
}

type namedKernel struct {
	name string
	k    nnopt.Kernel
}

// The device forms compute what the host forms do, on a device backend and on the
// CPU backend in turn (a kernel keeps its state for the backend it last ran on).
func TestKernelsOnDeviceMatchHost(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, nk := range deviceKernels(t) {
		k := nk.k
		t.Run(nk.name, func(t *testing.T) {
			dk, ok := k.(nnopt.DeviceKernel)
			if !ok {
				t.Fatalf("%T has no device form", k)
			}
			for _, be := range []backend.Backend{&backendtest.Emulated{}, &backend.CPU{}, &backendtest.Emulated{}} {
				checkOnDevice(t, dk, be, rng)
			}
		})
	}
}

func checkOnDevice(t *testing.T, k nnopt.DeviceKernel, be backend.Backend, rng *rand.Rand) {
	t.Helper()
	up := func(x []float64) backend.Vector {
		v := be.NewVector(len(x))
		be.Upload(v, x)
		return v
	}
	down := func(v backend.Vector) []float64 {
		x := make([]float64, v.Len())
		be.Download(x, v)
		return x
	}
	outLen, lens := k.Lens()
	args := make([][]float64, len(lens))
	vecs := make([]backend.Vector, len(lens))
	for i, n := range lens {
		args[i] = random(rng, n)
		vecs[i] = up(args[i])
	}
	want := make([]float64, outLen)
	k.Apply(want, args)
	out := up(random(rng, outLen)) // ApplyOn must overwrite
	k.ApplyOn(be, out, vecs)
	compare(t, fmt.Sprintf("%s: ApplyOn", be.Name()), down(out), want)

	w := random(rng, outLen)
	for i, n := range lens {
		dst := random(rng, n) // TransposeOn must add to it
		want := append([]float64(nil), dst...)
		k.Transpose(i, want, w, args)
		dv := up(dst)
		k.TransposeOn(be, i, dv, up(w), vecs)
		compare(t, fmt.Sprintf("%s: TransposeOn(%d)", be.Name(), i), down(dv), want)
	}
}

func compare(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s: element %d = %.17g, want %.17g", what, i, got[i], want[i])
		}
	}
}
