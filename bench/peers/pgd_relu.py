#!/usr/bin/python3
"""Attack the ReLU MLP that cmd/verify checks with projected gradient descent, and
compare with cmd/verify's verdicts: an image cmd/verify proves robust must never
fall to the attack.

    /usr/bin/python3 bench/peers/pgd_relu.py --data ../shared/datasets/mnist \
        --weights testdata/relu_mlp.safetensors --eps 0.02 --images 20 \
        --verify eps0.02.json

For each image: PGD in pixel units (pixels in [0, 1], the box [p - eps, p + eps]
clipped to [0, 1]; the network sees the image normalised with mean 0.1307 and std
0.3081) on the cross-entropy of the true label, --steps steps of size 2.5 eps/steps,
from the clean image and from --restarts random starts in the box, in float64. It
prints one line per image: whether the attack found another class, and
cmd/verify's verdict from the -json file given by --verify. It exits with status 1
when the attack breaks an image cmd/verify calls robust.

Only the standard library, numpy and torch are used.
"""

import argparse
import json
import sys

import numpy as np
import torch
import torch.nn as nn

from mnist_io import MEAN, STD, load_safetensors, load_split


def network(weights):
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 50),
                        nn.ReLU(), nn.Linear(50, 10)).double()
    tensors, _ = load_safetensors(weights)
    net.load_state_dict({k: torch.tensor(v) for k, v in tensors.items()}, strict=True)
    return net


def attack(net, pixels, label, eps, steps, restarts, gen):
    """Returns the class PGD reaches other than label, or None."""
    p = torch.tensor(pixels, dtype=torch.float64).reshape(1, 784)
    lo, up = (p - eps).clamp(0, 1), (p + eps).clamp(0, 1)
    y = torch.tensor([label])
    loss_fn = nn.CrossEntropyLoss()
    starts = [p.clone()] + [lo + (up - lo) * torch.rand(p.shape, generator=gen, dtype=torch.float64)
                            for _ in range(restarts)]
    step = 2.5 * eps / steps
    for x in starts:
        for _ in range(steps):
            x = x.detach().requires_grad_(True)
            out = net((x - MEAN) / STD)
            pred = out.argmax(1).item()
            if pred != label:
                return pred
            loss = loss_fn(out, y)
            loss.backward()
            x = torch.min(torch.max(x + step * x.grad.sign(), lo), up)
        pred = net((x - MEAN) / STD).argmax(1).item()
        if pred != label:
            return pred
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="directory with the MNIST IDX files")
    ap.add_argument("--weights", required=True, help="the network's safetensors file")
    ap.add_argument("--eps", type=float, required=True, help="L-infinity radius in pixel units")
    ap.add_argument("--images", type=int, default=20)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--restarts", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--verify", help="cmd/verify's -json output for the same images and eps")
    args = ap.parse_args()
    if not (args.eps >= 0) or args.images < 1 or args.steps < 1 or args.restarts < 0:
        raise SystemExit("error: --eps must be 0 or above, --images and --steps at least 1, --restarts 0 or above")

    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(args.seed)
    net = network(args.weights)
    images, labels = load_split(args.data, "t10k")
    verdicts = {}
    if args.verify:
        with open(args.verify) as f:
            v = json.load(f)
        if abs(v["eps"] - args.eps) > 1e-12:
            raise SystemExit(f"error: {args.verify} is for eps {v['eps']}, not {args.eps}")
        verdicts = {im["index"]: im["verdict"] for im in v["images"]}
    broken = attacked = 0
    for i in range(args.first, args.first + args.images):
        label = int(labels[i])
        cls = attack(net, images[i].reshape(-1) / 255.0, label, args.eps, args.steps, args.restarts, gen)
        verdict = verdicts.get(i, "-")
        if cls is not None:
            attacked += 1
        if cls is not None and verdict == "robust":
            broken += 1
        found = "no attack found" if cls is None else f"attack: class {cls}"
        print(f"image {i} (label {label}): {found}; cmd/verify: {verdict}")
    print(f"eps {args.eps}: {attacked} of {args.images} images attacked; "
          f"{broken} of them called robust by cmd/verify")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
