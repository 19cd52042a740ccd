#!/usr/bin/python3
"""PyTorch full-batch L-BFGS peer for nnopt's reference MNIST MLP.

Trains Flatten -> Linear(784,20) -> Tanh -> Linear(20,10) -> LogSoftmax (no
biases, float64) on the balanced 500-image batch with the summed NLL loss,
starting from the weights nnopt wrote with `train -init-out`, and reports the
wall-clock time at which the loss first reached each threshold.

Only the standard library, numpy and torch are used. See README.md beside this
file for the fairness choices.
"""

import argparse
import json
import math
import os
import sys
import time

# torch's idle OpenMP workers spin by default and then fight OpenBLAS's own
# GEMM threads for the cores (measured 2-4x slower with 2 threads on 2 cores);
# libgomp reads this once when torch is loaded, so it must be set before.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim.lbfgs as lbfgs_module

from blas_threads import loaded_blas_paths, set_blas_threads  # noqa: E402
from mnist_io import balanced_indices, load_safetensors, load_split, normalise  # noqa: E402

WEIGHT_BOUND = 5.0  # nnopt's bounds on every weight; L-BFGS ignores them


# ---------------------------------------------------------------- weights

def load_mlp_weights(path):
    """The two weight matrices of the MLP, checked for their shapes."""
    tensors, metadata = load_safetensors(path)
    for name, shape in (("1.weight", (20, 784)), ("3.weight", (10, 20))):
        if name not in tensors:
            raise SystemExit(f"error: {path}: no F64/F32 tensor {name!r} (file has {sorted(tensors)})")
        if tensors[name].shape != shape:
            raise SystemExit(f"error: {path}: {name} has shape {tensors[name].shape}, want {shape}")
    return tensors, metadata


# ---------------------------------------------------------------- training

class Stop(Exception):
    """Raised from inside LBFGS.step to end training between two iterations."""


class Recorder:
    """Times every L-BFGS iteration inside a single optimizer.step call.

    LBFGS.step runs its whole iteration loop inside one call, with no callback,
    and calling step once per iteration (max_iter=1) would cost an extra closure
    evaluation per iteration, since every step starts by re-evaluating the
    closure. So step is called once with max_iter = the iteration limit, and the
    module-level _strong_wolfe, which step calls exactly once per iteration and
    which returns the loss at the accepted point, is wrapped to record
    (iteration, evaluations, seconds, loss). The loss at trial points of the line
    search is deliberately not used: only accepted iterates count, as in nnopt.
    """

    def __init__(self, optimizer, thresholds, time_limit):
        self.optimizer = optimizer
        self.thresholds = sorted(thresholds, reverse=True)
        self.reached = {}
        self.time_limit = time_limit
        self.iterations = 0
        self.evaluations = 0
        self.loss = math.inf
        self.trace = []
        self.reason = None
        self.t0 = None
        self._line_search = lbfgs_module._strong_wolfe

    def __enter__(self):
        lbfgs_module._strong_wolfe = self._wrapped_line_search
        return self

    def __exit__(self, *exc):
        lbfgs_module._strong_wolfe = self._line_search
        return False

    def closure_done(self, loss):
        self.evaluations += 1
        if self.iterations == 0 and self.evaluations == 1 and self._record(loss):
            raise Stop  # the initial weights already meet every threshold

    def _record(self, loss):
        seconds = time.perf_counter() - self.t0
        self.loss = loss
        self.trace.append((self.iterations, self.evaluations, seconds, loss))
        for thr in self.thresholds:
            if thr not in self.reached and loss <= thr:
                self.reached[thr] = (seconds, self.iterations, self.evaluations)
        if len(self.reached) == len(self.thresholds):
            self.reason = f"loss <= {self.thresholds[-1]:g}"
        elif seconds >= self.time_limit:
            self.reason = f"time limit {self.time_limit:g}s"
        return self.reason is not None

    def _wrapped_line_search(self, obj_func, x, t, d, f, g, gtd, *args, **kwargs):
        f_new, g_new, t_new, evals = self._line_search(obj_func, x, t, d, f, g, gtd, *args, **kwargs)
        self.iterations += 1
        if self._record(float(f_new)):
            # step() applies x += t*d right after the line search returns; we leave
            # step() by exception, so apply it here to end on the accepted point.
            with torch.no_grad():
                self.optimizer._add_grad(t_new, d)
            raise Stop
        return f_new, g_new, t_new, evals


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(dim=1) == y).double().mean()) * 100.0


def parse_thresholds(text):
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise SystemExit(f"error: bad --thresholds {text!r}")
    if not values or any(v <= 0 for v in values):
        raise SystemExit("error: --thresholds needs positive numbers")
    return sorted(set(values), reverse=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="directory with the MNIST IDX files")
    ap.add_argument("--weights", required=True, help="initial weights (train -init-out): 1.weight and 3.weight for the mlp")
    ap.add_argument("--model", choices=("mlp", "cnn"), default="mlp",
                    help="mlp (default) or the reference cnn (train -model cnn)")
    ap.add_argument("--history", type=int, default=100, help="L-BFGS history size (default 100)")
    ap.add_argument("--max-iter", type=int, default=5000, help="L-BFGS iteration limit (default 5000)")
    ap.add_argument("--time-limit", type=float, default=300.0, help="seconds (default 300)")
    ap.add_argument("--thresholds", default="1,1e-3,1e-6", help="comma-separated loss thresholds")
    ap.add_argument("--threads", type=int, default=0,
                    help="torch intra-op threads (default: CPUs available to this process)")
    ap.add_argument("--json", help="write a JSON summary here")
    args = ap.parse_args()
    thresholds = parse_thresholds(args.thresholds)

    torch.set_default_dtype(torch.float64)
    threads = args.threads if args.threads > 0 else len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    blas_threads = set_blas_threads(threads)
    blas = ", ".join(loaded_blas_paths()) or "none (torch built-in kernels)"
    if blas_threads is not None:
        blas += f" ({blas_threads} thread(s))"
    if "/blas/libblas" in blas:
        print("warning: torch is using the reference (netlib) BLAS, several times slower than "
              "OpenBLAS for these matmuls: apt-get install libopenblas0-pthread", file=sys.stderr)

    train_images, train_labels = load_split(args.data, "train")
    test_images, test_labels = load_split(args.data, "t10k")
    picked = balanced_indices(train_labels)
    x = torch.from_numpy(normalise(train_images[picked]))
    y = torch.from_numpy(train_labels[picked].astype(np.int64))
    x_test = torch.from_numpy(normalise(test_images))
    y_test = torch.from_numpy(test_labels.astype(np.int64))

    if args.model == "cnn":
        from torch_load_cnn import reference_cnn
        weights, metadata = load_safetensors(args.weights)
        net = reference_cnn()
        net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()}, strict=True)
        model = nn.Sequential(net, nn.LogSoftmax(dim=1))
        x, x_test = x.reshape(-1, 1, 28, 28), x_test.reshape(-1, 1, 28, 28)
    else:
        weights, metadata = load_mlp_weights(args.weights)
        model = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 20, bias=False),
            nn.Tanh(),
            nn.Linear(20, 10, bias=False),
            nn.LogSoftmax(dim=1),
        )
        model.load_state_dict({k: torch.from_numpy(weights[k].copy()) for k in ("1.weight", "3.weight")})
    params = list(model.parameters())

    # One untimed forward/backward so one-off library start-up (thread pool,
    # allocator, kernel dispatch) is not charged to the optimisation.
    F.nll_loss(model(x), y, reduction="sum").backward()
    for p in params:
        p.grad = None

    # tolerance_grad=0 and tolerance_change=0 switch off LBFGS's own stopping
    # tests (they become "gradient exactly 0" / "step exactly 0"): the loss
    # thresholds, the iteration limit and the time limit decide when to stop.
    # max_eval defaults to 1.25*max_iter, which would cut runs short, so it is
    # effectively unlimited here.
    optimizer = torch.optim.LBFGS(
        params, lr=1.0, max_iter=args.max_iter, max_eval=2**62,
        tolerance_grad=0.0, tolerance_change=0.0,
        history_size=args.history, line_search_fn="strong_wolfe")

    with Recorder(optimizer, thresholds, args.time_limit) as rec:
        def closure():
            optimizer.zero_grad()
            loss = F.nll_loss(model(x), y, reduction="sum")
            loss.backward()
            rec.closure_done(float(loss))
            return loss

        rec.t0 = time.perf_counter()
        try:
            while rec.reason is None:
                remaining = args.max_iter - rec.iterations
                if remaining <= 0:
                    rec.reason = f"iteration limit {args.max_iter}"
                    break
                optimizer.param_groups[0]["max_iter"] = remaining
                before = (rec.iterations, rec.loss)
                optimizer.step(closure)
                # step() only returns by itself at the iteration limit or when
                # it can make no progress (zero step or non-descent direction);
                # one more call keeps the history and retries, a second
                # failure in a row means a genuine stall.
                if rec.iterations >= args.max_iter:
                    rec.reason = f"iteration limit {args.max_iter}"
                elif rec.iterations == before[0] or rec.loss >= before[1]:
                    rec.reason = "stalled: L-BFGS made no progress"
        except Stop:
            pass
        seconds = time.perf_counter() - rec.t0

    with torch.no_grad():
        final_loss = float(F.nll_loss(model(x), y, reduction="sum"))
    batch_acc = accuracy(model, x, y)
    test_acc = accuracy(model, x_test, y_test)
    all_w = torch.cat([p.detach().reshape(-1) for p in params])
    max_abs_w = float(all_w.abs().max())
    outside = int((all_w.abs() > WEIGHT_BOUND).sum())

    rows = []
    for thr in thresholds:
        hit = rec.reached.get(thr)
        rows.append({"threshold": thr,
                     "seconds": hit[0] if hit else None,
                     "iterations": hit[1] if hit else None,
                     "evaluations": hit[2] if hit else None})

    print(f"torch-lbfgs peer: torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"float64, history {args.history}, strong Wolfe")
    print(f"BLAS: {blas}")
    print(f"batch: {len(picked)} images (last index {picked[-1]}), weights: {args.weights}")
    print(f"{'threshold':>10} {'seconds':>10} {'iterations':>10} {'evaluations':>11}")
    for r in rows:
        if r["seconds"] is None:
            print(f"{r['threshold']:>10g} {'-':>10} {'-':>10} {'-':>11}")
        else:
            print(f"{r['threshold']:>10g} {r['seconds']:>10.3f} {r['iterations']:>10d} {r['evaluations']:>11d}")
    print(f"stopped: {rec.reason} after {rec.iterations} iterations, "
          f"{rec.evaluations} evaluations, {seconds:.3f}s")
    print(f"final loss {final_loss:.10e}, batch accuracy {batch_acc:.2f}%, test accuracy {test_acc:.2f}%")
    bound_note = (f"{outside} weight(s) outside [-{WEIGHT_BOUND:g},{WEIGHT_BOUND:g}]"
                  if outside else f"all weights within [-{WEIGHT_BOUND:g},{WEIGHT_BOUND:g}]")
    bounded_by_default = "nnopt bounds weights to" if args.model == "mlp" else "nnopt's cnn default has no bounds; bound for comparison"
    print(f"unconstrained ({bounded_by_default} [-{WEIGHT_BOUND:g},{WEIGHT_BOUND:g}]): "
          f"max |w| = {max_abs_w:.4g}, {bound_note}")

    if args.json:
        summary = {
            "peer": "torch-lbfgs",
            "torch_version": torch.__version__,
            "threads": torch.get_num_threads(),
            "blas": blas,
            "history": args.history,
            "thresholds": rows,
            "final_loss": final_loss,
            "iterations": rec.iterations,
            "evaluations": rec.evaluations,
            "seconds": seconds,
            "stop_reason": rec.reason,
            "batch_accuracy": batch_acc,
            "test_accuracy": test_acc,
            "max_abs_weight": max_abs_w,
            "weights_outside_bounds": outside,
            "weights_metadata": metadata,
            "trace": [list(t) for t in rec.trace],  # [iteration, evaluations, seconds, loss]
        }
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
