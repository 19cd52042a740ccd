package nn

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const python = "/usr/bin/python3"

// torchScript reads safetensors files with nothing but the standard
// library and numpy (deliberately not the safetensors package, so the test
// checks the format itself), loads the Go weights into the reference
// PyTorch MLP in float64 with strict load_state_dict, and runs it on the
// Go input. It also writes the state dict of a float32 PyTorch-initialised
// MLP, in the file layout PyTorch users produce, for Go to read back.
const torchScript = `
import json, struct, sys
import numpy as np
import torch
from torch import nn

def load(path):
    with open(path, "rb") as f:
        b = f.read()
    n = struct.unpack("<Q", b[:8])[0]
    hdr = json.loads(b[8:8 + n])
    data = b[8 + n:]
    meta = hdr.pop("__metadata__", None)
    out = {}
    for k, v in hdr.items():
        dt = {"F32": "<f4", "F64": "<f8"}[v["dtype"]]
        s, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[s:e], dtype=dt).reshape(v["shape"]).copy())
    return out, meta

def save(path, tensors):
    hdr, blobs, off = {}, [], 0
    # Reverse key order, so Go sees data not in sorted key order.
    for k in sorted(tensors, reverse=True):
        a = np.ascontiguousarray(tensors[k].detach().numpy().astype("<f4"))
        hdr[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        off += a.nbytes
        blobs.append(a.tobytes())
    h = json.dumps(hdr).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 20, bias=False), nn.Tanh(),
                         nn.Linear(20, 10, bias=False), nn.LogSoftmax(dim=1))

weights, meta = load(sys.argv[1])
inp, _ = load(sys.argv[2])
x = inp["x"]

model = mlp().double()
model.load_state_dict(weights, strict=True)
with torch.no_grad():
    y = model(x)

torch.manual_seed(0)
m32 = mlp()
save(sys.argv[3], m32.state_dict())
with torch.no_grad():
    y32 = m32(x.float())

print(json.dumps({
    "shape": list(y.shape),
    "y": y.flatten().tolist(),
    "y32": y32.double().flatten().tolist(),
    "meta": meta,
}))
`

// TestTorchInterop checks that PyTorch loads the state dict written here
// into the reference nn.Sequential and computes the same outputs, and that
// weights written from PyTorch load here.
func TestTorchInterop(t *testing.T) {
	if err := exec.Command(python, "-c", "import torch, numpy").Run(); err != nil {
		t.Skipf("python3 with torch not found (%s -c 'import torch, numpy': %v); apt-get install python3-torch", python, err)
	}
	dir := t.TempDir()
	weightsPath := filepath.Join(dir, "mlp.safetensors")
	inputPath := filepath.Join(dir, "x.safetensors")
	torchPath := filepath.Join(dir, "torch.safetensors")

	net := mlp(rand.New(rand.NewPCG(2024, 1)))
	if err := SaveSafetensors(weightsPath, net.StateDict(), map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	// Inputs shaped as MNIST images, (batch, 1, 28, 28), so that Flatten
	// has work to do on the PyTorch side.
	const batch = 6
	x := randomInput(rand.New(rand.NewPCG(3, 4)), batch*784)
	x[0] = 50 // Saturate tanh for one sample.
	if err := SaveSafetensors(inputPath, map[string]Tensor{
		"x": {DType: F64, Shape: []int{batch, 1, 28, 28}, Data: x},
	}, nil); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", torchScript, weightsPath, inputPath, torchPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.Bytes())
	}
	var res struct {
		Shape []int
		Y     []float64
		Y32   []float64
		Meta  map[string]string
	}
	if err := json.Unmarshal(stdout, &res); err != nil {
		t.Fatalf("parsing python output %q: %v", stdout, err)
	}
	if len(res.Shape) != 2 || res.Shape[0] != batch || res.Shape[1] != 10 {
		t.Errorf("PyTorch output shape %v, want [%d 10]", res.Shape, batch)
	}
	if res.Meta["format"] != "pt" {
		t.Errorf("PyTorch read metadata %v", res.Meta)
	}

	got, err := net.Forward(x, batch)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(got, res.Y); !(d <= 1e-12) {
		t.Errorf("float64: Go and PyTorch outputs differ by %g, want <= 1e-12", d)
	} else {
		t.Logf("float64: max |Go - PyTorch| = %g", d)
	}

	// Weights written by PyTorch (float32, data not in key order) load
	// into the Go network and give PyTorch's float32 outputs up to
	// float32 rounding.
	sd, _, err := LoadSafetensors(torchPath)
	if err != nil {
		t.Fatal(err)
	}
	from := mlp(nil)
	if err := from.LoadStateDict(sd); err != nil {
		t.Fatal(err)
	}
	got, err = from.Forward(x, batch)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(got, res.Y32); !(d <= 1e-4) {
		t.Errorf("float32: Go and PyTorch outputs differ by %g, want <= 1e-4", d)
	} else {
		t.Logf("float32 PyTorch weights: max |Go - PyTorch| = %g", d)
	}
}

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}
