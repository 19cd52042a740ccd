#!/usr/bin/env python3
"""Time the reference networks' layers in PyTorch (float64, batch 500).

For each layer: forward (no graph), JVP (forward-mode AD, primal included),
VJP (one backward through a retained graph) and HVP (one backward through the
retained double-backward graph: the Hessian of w.y times v plus J^T wdot, the
product nnopt's blocks compute). Inputs are random; the arguments that vary
are those that are variables in the reference models (conv1 and linear1 read
the images, so only their weights vary). Prints a table; --json writes one.
"""

import argparse
import json
import os
import statistics
import sys
import time

# Idle OpenMP workers spinning on a 2-core machine slow everything (see README).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.autograd.forward_ad as fwAD  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from blas_threads import set_blas_threads  # noqa: E402

BATCH = 500


def layers():
    """(name, function, argument shapes, which arguments vary)."""
    n = BATCH
    return [
        ("conv1", F.conv2d, [(n, 1, 28, 28), (2, 1, 5, 5)], [False, True]),
        ("tanh", torch.tanh, [(n, 2, 24, 24)], [True]),
        ("avgpool", lambda x: F.avg_pool2d(x, 2), [(n, 2, 24, 24)], [True]),
        ("conv2", F.conv2d, [(n, 2, 12, 12), (3, 2, 5, 5)], [True, True]),
        ("conv3", F.conv2d, [(n, 3, 4, 4), (10, 3, 4, 4)], [True, True]),
        ("flatten", lambda x: torch.flatten(x, 1), [(n, 10, 1, 1)], [True]),
        ("log_softmax", lambda x: F.log_softmax(x, -1), [(n, 10)], [True]),
        ("linear1", F.linear, [(n, 784), (20, 784)], [False, True]),
        ("linear2", F.linear, [(n, 20), (10, 20)], [True, True]),
    ]


def measure(fn, min_time, repeats):
    """Seconds per call: the minimum and median over repeats of calibrated loops."""
    for _ in range(3):
        fn()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t
        if dt >= min_time:
            break
        n *= 2 if dt <= 0 else max(2, min(10, int(1.5 * min_time / dt)))
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t) / n)
    return min(runs), statistics.median(runs)


def ops(fn, shapes, varies, gen):
    args = [torch.rand(s, generator=gen) * 2 - 1 for s in shapes]
    dots = [torch.rand(s, generator=gen) * 2 - 1 for s in shapes]
    with torch.no_grad():
        out_shape = fn(*args).shape
    adj = torch.rand(out_shape, generator=gen) * 2 - 1
    adjdot = torch.rand(out_shape, generator=gen) * 2 - 1

    def forward():
        with torch.no_grad():
            fn(*args)

    def jvp():
        with fwAD.dual_level():
            duals = [fwAD.make_dual(a, d) if v else a for a, d, v in zip(args, dots, varies)]
            fwAD.unpack_dual(fn(*duals)).tangent

    leaves = [a.clone().requires_grad_(v) for a, v in zip(args, varies)]
    wrt = [a for a, v in zip(leaves, varies) if v]
    y = fn(*leaves)

    def vjp():
        torch.autograd.grad(y, wrt, grad_outputs=adj, retain_graph=True)

    y2 = fn(*leaves)
    g = torch.autograd.grad(y2, wrt, grad_outputs=adj, create_graph=True)
    vs = [d for d, v in zip(dots, varies) if v]
    # A gradient that does not depend on the arguments (a layer linear in them) has
    # no second-order term.
    outs = [gi for gi in g if gi.requires_grad] + [y2]
    grads = [vi for gi, vi in zip(g, vs) if gi.requires_grad] + [adjdot]

    def hvp():
        torch.autograd.grad(outs, wrt, grad_outputs=grads, retain_graph=True, allow_unused=True)

    return {"eval": forward, "jvp": jvp, "vjp": vjp, "hvp": hvp}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2, help="torch and OpenBLAS threads (default 2)")
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per timed loop (default 0.2)")
    ap.add_argument("--repeats", type=int, default=5, help="timed loops per op (default 5)")
    ap.add_argument("--layers", help="comma-separated subset of the layers")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(a.threads)
    blas_threads = set_blas_threads(a.threads)
    gen = torch.Generator().manual_seed(1)
    want = set(a.layers.split(",")) if a.layers else None

    rows = []
    print(f"{'layer':<12} {'op':<5} {'min us':>11} {'median us':>11}")
    for name, fn, shapes, varies in layers():
        if want is not None and name not in want:
            continue
        for op, f in ops(fn, shapes, varies, gen).items():
            lo, med = measure(f, a.min_time, a.repeats)
            rows.append({"layer": name, "op": op, "min_s": lo, "median_s": med})
            print(f"{name:<12} {op:<5} {lo * 1e6:11.1f} {med * 1e6:11.1f}", flush=True)
    info = {
        "peer": "torch-layers",
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas_threads": blas_threads,
        "batch": BATCH,
        "rows": rows,
    }
    print(f"torch {info['torch_version']}, {info['threads']} thread(s), OpenBLAS threads {blas_threads}, float64, batch {BATCH}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(info, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
