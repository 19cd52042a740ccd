package formulations

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnopt/nnopt"
)

var kernelFileReaders = map[string]func(json.RawMessage) (nnopt.Kernel, error){
	"conv2d": readConv2d, "avg_pool2d": readAvgPool2d, "flatten": readFlatten, "taps": readTaps,
}

// Every kernel of the package read back from its parameters computes what it did.
func TestKernelsInModelFiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	h, _ := newWindow("height", 5, 3, 2, 1, 1)
	w, _ := newWindow("width", 4, 2, 1, 0, 0)
	taps := newPoolTaps(h, w)
	for _, k := range []nnopt.FileKernel{
		&conv2dKernel{n: 2, c: 3, o: 4, h: h, w: w},
		&avgPool2dKernel{n: 2, c: 3, h: h, w: w},
		copyKernel{7},
		&tapKernel{name: "in", maps: 3, size: taps.inSize, at: taps.in},
		&tapKernel{name: "sum", maps: 3, size: taps.outSize, at: taps.out, sum: true},
	} {
		kind, params, err := k.KernelFile()
		if err != nil {
			t.Fatal(err)
		}
		k2, err := kernelFileReaders[kind](params)
		if err != nil {
			t.Fatalf("%s %s: %v", kind, params, err)
		}
		n, lens := k.Lens()
		n2, lens2 := k2.Lens()
		if k2.Name() != k.Name() || n != n2 || len(lens) != len(lens2) {
			t.Fatalf("%s: read back as %s with lens %d %v, want %s %d %v", kind, k2.Name(), n2, lens2, k.Name(), n, lens)
		}
		args := make([][]float64, len(lens))
		for i, l := range lens {
			args[i] = random(rng, l)
		}
		out, out2 := make([]float64, n), make([]float64, n)
		k.Apply(out, args)
		k2.Apply(out2, args)
		for i := range out {
			if math.Float64bits(out[i]) != math.Float64bits(out2[i]) {
				t.Fatalf("%s: output %d is %v, read back %v", kind, i, out[i], out2[i])
			}
		}
	}
	for _, tc := range []struct{ kind, params, want string }{
		{"conv2d", `{"N":1,"C":1,"O":1,"H":{"In":5,"Out":1,"K":3,"Stride":2,"PadLo":1},"W":{"In":4,"Out":3,"K":2,"Stride":1,"PadLo":0}}`, "give 2 outputs"},
		{"conv2d", `{"N":-1,"C":1,"O":1,"H":{"In":5,"Out":3,"K":3,"Stride":2,"PadLo":1},"W":{"In":4,"Out":3,"K":2,"Stride":1,"PadLo":0}}`, "count -1"},
		{"conv2d", `{"N":1073741824,"C":1073741824,"O":1,"H":{"In":5,"Out":3,"K":3,"Stride":2,"PadLo":1},"W":{"In":4,"Out":3,"K":2,"Stride":1,"PadLo":0}}`, "more than"},
		{"avg_pool2d", `{"N":1,"C":1,"H":{"In":5,"Out":3,"K":0,"Stride":2,"PadLo":1},"W":{"In":4,"Out":3,"K":2,"Stride":1,"PadLo":0}}`, "counts must be positive"},
		{"flatten", `{"Size":0}`, "count 0"},
		{"flatten", `{"Size":3,"Colour":1}`, `unknown field "Colour"`},
		{"taps", `{"Name":"t","Maps":2,"Size":4,"At":[0,4],"Sum":false}`, "tap 1 reads pixel 4 of a map of 4"},
		{"taps", `{"Name":"","Maps":2,"Size":4,"At":[0],"Sum":false}`, "no name"},
		{"taps", `[1,2]`, "parameters"},
	} {
		if _, err := kernelFileReaders[tc.kind](json.RawMessage(tc.params)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v; want %q", tc.kind, tc.params, err, tc.want)
		}
	}
}

// A max-pooling MIP (taps kernels) written to a model file and read back generates
// the same, and encodes to the same bytes.
func TestMaxPoolModelFile(t *testing.T) {
	c := nnopt.NewContainer()
	x := c.NewVariable("x", nnopt.Free, c.Dims(1, 2, 4, 4)...)
	x.SetBounds(-1, 1)
	p := must(NewMaxPool2d(c, 2, Pool2dSettings{}))(t)
	out := must(p.Apply(x))(t)
	m := must(c.NewModel("pool", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.MIP, Sense: nnopt.Maximize,
		Objective: nnopt.Sum(out.Var, out.Var.Domain()...)}))(t)
	var file bytes.Buffer
	if err := m.Encode(&file); err != nil {
		t.Fatal(err)
	}
	_, m2, err := nnopt.DecodeModel(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := m2.Encode(&again); err != nil || !bytes.Equal(again.Bytes(), file.Bytes()) {
		t.Errorf("the decoded model encodes differently (%v)", err)
	}
	st1, err1 := m.Statistics()
	st2, err2 := m2.Statistics()
	if err1 != nil || err2 != nil || st1 != st2 || st1.Constraints == 0 {
		t.Errorf("statistics %+v (%v), decoded %+v (%v)", st1, err1, st2, err2)
	}
}
