package nn_test

import (
	"bytes"
	"fmt"
	"log"
	"sort"

	"github.com/nnopt/nnopt/nn"
)

func ExampleWriteSafetensors() {
	// A tiny network: 3 inputs, 2 outputs, with bias.
	net := &nn.Sequential{Layers: []nn.Layer{
		nn.Flatten{},
		&nn.Linear{In: 3, Out: 2, Weight: []float64{1, 2, 3, 4, 5, 6}, Bias: []float64{0.5, -0.5}},
		nn.LogSoftmax{},
	}}
	sd := net.StateDict()
	w := sd["1.weight"]
	w.DType = nn.F32 // PyTorch's default precision; the values are exact in float32.
	sd["1.weight"] = w

	var buf bytes.Buffer
	if err := nn.WriteSafetensors(&buf, sd, map[string]string{"format": "pt"}); err != nil {
		log.Fatal(err)
	}
	tensors, metadata, err := nn.ReadSafetensors(&buf)
	if err != nil {
		log.Fatal(err)
	}
	keys := make([]string, 0, len(tensors))
	for k := range tensors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t := tensors[k]
		fmt.Println(k, t.DType, t.Shape, t.Data)
	}
	fmt.Println("format:", metadata["format"])

	// Output:
	// 1.bias F64 [2] [0.5 -0.5]
	// 1.weight F32 [2 3] [1 2 3 4 5 6]
	// format: pt
}

func ExampleSequential() {
	net := &nn.Sequential{Layers: []nn.Layer{
		&nn.Linear{In: 2, Out: 2, Weight: []float64{1, 0, 0, 1}}, // Identity, no bias.
		nn.ReLU{},
	}}
	// Two samples of two values each.
	x := []float64{
		1, -2,
		-3, 4,
	}
	out, err := net.Forward(x, 2)
	if err != nil {
		log.Fatal(err)
	}
	pred, err := net.Predict(x, 2)
	if err != nil {
		log.Fatal(err)
	}
	acc, err := net.Accuracy(x, []uint8{0, 0}, 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out, pred, acc)

	// Output:
	// [1 0 0 4] [0 1] 0.5
}
