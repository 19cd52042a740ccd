#!/usr/bin/python3
"""Train the small ReLU MLP that cmd/verify checks, and write its weights.

    /usr/bin/python3 bench/peers/train_relu.py --data ../shared/datasets/mnist \
        --out testdata/relu_mlp.safetensors

The network is

    nn.Sequential(nn.Flatten(), nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 50),
                  nn.ReLU(), nn.Linear(50, 10))

trained with Adam (lr 1e-3, mini-batches of 64, cross-entropy) on the shared
training images (the first 10,000 of MNIST's), normalised with mean 0.1307 and
std 0.3081, for --epochs epochs from --seed, single-threaded on the CPU. The
weights go out as float32 safetensors under the state-dict keys 1.weight,
1.bias, 3.weight, 3.bias, 5.weight, 5.bias, which nn.Sequential.LoadStateDict
reads into the same layers.

testdata/relu_mlp.safetensors was written by the command above (defaults: 10
epochs, seed 0) with Debian's python3-torch 1.13.0a0 on 2 CPUs in 3 s: test accuracy
94.09% on the 10,000 MNIST test images.

Only the standard library, numpy and torch are used.
"""

import argparse
import sys

import numpy as np
import torch
import torch.nn as nn

from mnist_io import load_split, normalise, save_safetensors


def relu_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 50),
                         nn.ReLU(), nn.Linear(50, 10))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="directory with the MNIST IDX files")
    ap.add_argument("--out", required=True, help="safetensors file to write")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    args = ap.parse_args()
    if args.epochs < 1 or args.batch < 1 or not args.lr > 0:
        raise SystemExit("error: --epochs and --batch must be at least 1, --lr above 0")

    torch.manual_seed(args.seed)
    torch.set_num_threads(1)  # the same result on every machine with this torch
    train_x, train_y = load_split(args.data, "train")
    test_x, test_y = load_split(args.data, "t10k")
    x = torch.tensor(normalise(train_x), dtype=torch.float32)
    y = torch.tensor(train_y.astype(np.int64))
    tx = torch.tensor(normalise(test_x), dtype=torch.float32)
    ty = torch.tensor(test_y.astype(np.int64))

    net = relu_mlp()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        perm = torch.randperm(x.shape[0], generator=gen)
        total = 0.0
        for k in range(0, x.shape[0], args.batch):
            idx = perm[k:k + args.batch]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        with torch.no_grad():
            acc = (net(tx).argmax(1) == ty).double().mean().item()
        print(f"epoch {epoch + 1}: training loss {total / x.shape[0]:.4f}, test accuracy {100 * acc:.2f}%")

    with torch.no_grad():
        acc = (net(tx).argmax(1) == ty).double().mean().item()
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    save_safetensors(args.out, sd, {"format": "pt", "test_accuracy": f"{acc:.4f}",
                                    "epochs": args.epochs, "seed": args.seed})
    print(f"test accuracy {100 * acc:.2f}% ({len(ty)} images); wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
