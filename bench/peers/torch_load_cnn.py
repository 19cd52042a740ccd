#!/usr/bin/python3
"""Load nnopt's trained reference CNN into PyTorch and measure its test accuracy.

The notebook side of `go run ./cmd/train -model cnn`: build the reference's
nn.Sequential, load the safetensors file train wrote with
load_state_dict(strict=True), and classify the 10,000 MNIST test images.

    /usr/bin/python3 bench/peers/torch_load_cnn.py --weights weights.safetensors \
        --data ../shared/datasets/mnist

The model runs in float64, the precision nnopt trained and evaluated in, so the
accuracy equals the one train printed image for image (a float32 model may
differ on an image or two whose two best classes nearly tie).

Only the standard library, numpy and torch are used.
"""

import argparse
import json
import sys

import numpy as np
import torch
import torch.nn as nn

from mnist_io import load_safetensors, load_split, normalise


class Flatten(nn.Module):
    """torch.flatten over the given consecutive dimensions, as in the reference."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.flatten(x, self.dims[0], self.dims[-1])


def reference_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 2, 5),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Conv2d(2, 3, 5),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Conv2d(3, 10, 4),
        Flatten([1, 2, 3]),
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", required=True, help="safetensors file written by train -model cnn")
    ap.add_argument("--data", required=True, help="directory with the MNIST test IDX files")
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args()

    tensors, _ = load_safetensors(args.weights)
    model = reference_cnn().double()
    try:
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    except RuntimeError as e:
        raise SystemExit(f"error: {args.weights}: {e}")

    images, labels = load_split(args.data, "t10k")
    x = torch.from_numpy(normalise(images).reshape(-1, 1, 28, 28))
    y = torch.from_numpy(labels.astype(np.int64))
    correct = 0
    with torch.no_grad():
        for start in range(0, len(y), 1000):
            pred = model(x[start:start + 1000]).argmax(dim=1)
            correct += int((pred == y[start:start + 1000]).sum())
    total = len(y)
    print(f"Test set accuracy: {correct}/{total} ({100 * correct / total:.2f}%)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"correct": correct, "total": total, "test_accuracy": correct / total}, f)


if __name__ == "__main__":
    sys.exit(main())
