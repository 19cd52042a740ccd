#!/usr/bin/env bash
# Train the reference MNIST MLP with nnopt (cmd/train) and with PyTorch's
# full-batch L-BFGS (bench/peers/torch_lbfgs_mlp.py) from the same initial
# weights, and print the time each needed to reach loss 1, 1e-3 and 1e-6.
#
# Usage (from the repository root): bench/compare_mlp.sh [DATA_DIR]
#   DATA_DIR        MNIST IDX files; default $NNOPT_DATA, else ../shared/datasets/mnist
#   NNOPT_THREADS   if set, GOMAXPROCS for nnopt and --threads for the peer
#                   (default: both use every CPU available)
#   PYTHON          interpreter with torch and numpy (default /usr/bin/python3)
set -euo pipefail

die() { echo "compare_mlp: $*" >&2; exit 1; }

[ -f go.mod ] && [ -d cmd/train ] || die "run from the repository root (no go.mod or cmd/train here)"

data=${1:-${NNOPT_DATA:-../shared/datasets/mnist}}
[ -d "$data" ] || die "MNIST directory '$data' not found: pass it as the first argument or set NNOPT_DATA"
data=$(cd "$data" && pwd)

py=${PYTHON:-/usr/bin/python3}
command -v "$py" >/dev/null || die "$py not found: apt-get install python3-torch python3-numpy"
"$py" -c 'import numpy, torch' 2>/dev/null ||
    die "PyTorch or numpy missing for $py: apt-get install python3-torch python3-numpy"

peer_threads=()
if [ -n "${NNOPT_THREADS:-}" ]; then
    export GOMAXPROCS=$NNOPT_THREADS
    peer_threads=(--threads "$NNOPT_THREADS")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== building cmd/train"
go build -o "$tmp/train" ./cmd/train

# The reference run (cmd/train's defaults: L-BFGS-B with automatic scaling, weights in
# [-5, 5]), Newton-CG on the same problem, the same without scaling, and L-BFGS
# without bounds: the problem the peer solves.
runs=(reference newton noscale unbounded)
declare -A run_args=(
    [reference]=""
    [newton]="-method newton-cg"
    [noscale]="-scale user"
    [unbounded]="-bound 0"
)
for r in "${runs[@]}"; do
    echo "== nnopt $r: train ${run_args[$r]}"
    # shellcheck disable=SC2086
    "$tmp/train" -data "$data" -q -iterlim 100000 -timelim 600 ${run_args[$r]} \
        -init-out "$tmp/init.safetensors" -out "$tmp/weights-$r.safetensors" -json "$tmp/nnopt-$r.json"
    [ -s "$tmp/nnopt-$r.json" ] || die "train wrote no JSON summary (-json) for the $r run"
done
[ -s "$tmp/init.safetensors" ] || die "train wrote no initial weights (-init-out)"

echo "== PyTorch L-BFGS (unconstrained), same initial weights"
"$py" bench/peers/torch_lbfgs_mlp.py --data "$data" --weights "$tmp/init.safetensors" \
    --thresholds 1,1e-3,1e-6 "${peer_threads[@]}" --json "$tmp/torch.json"

cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
echo
echo "== comparison"
"$py" - "$tmp/torch.json" "$(nproc)" "${cpu:-unknown}" "$(go version)" "${runs[@]/#/$tmp/nnopt-}" <<'EOF'
import datetime, json, math, os, sys

torch = json.load(open(sys.argv[1]))
nproc, cpu, gover = sys.argv[2], sys.argv[3], sys.argv[4]
runs = [(os.path.basename(p)[len("nnopt-"):], json.load(open(p + ".json"))) for p in sys.argv[5:]]


def hit(summary, threshold):
    for row in summary.get("thresholds") or []:
        if math.isclose(row["threshold"], threshold, rel_tol=1e-9):
            return row if row.get("seconds") is not None else None
    return None


def percent(value):
    # nnopt reports accuracy as a fraction; the peer reports percent.
    if value is None:
        return "-"
    return f"{value * 100 if value <= 1 else value:.2f}%"


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


print(f"{'nnopt run':<10} {'loss <=':>8} {'nnopt s':>10} {'iters':>7} {'torch s':>10} {'iters':>7} {'torch/nnopt':>12}")
for name, nnopt in runs:
    for thr in (1.0, 1e-3, 1e-6):
        a, b = hit(nnopt, thr), hit(torch, thr)
        ratio = b["seconds"] / a["seconds"] if a and b and a["seconds"] > 0 else None
        print(f"{name:<10} {thr:>8g} {fmt(a and a['seconds'], '10.3f'):>10} {fmt(a and a.get('iterations'), 'd'):>7}"
              f" {fmt(b and b['seconds'], '10.3f'):>10} {fmt(b and b.get('iterations'), 'd'):>7}"
              f" {fmt(ratio, '11.2f') + ('x' if ratio else ''):>12}")
print()
for name, nnopt in runs:
    print(f"{name}: {nnopt.get('method')}, final loss {fmt(nnopt.get('objective'), '.6e')}, {nnopt.get('iterations')} iterations, "
          f"{fmt(nnopt.get('solve_seconds'), '.3f')}s, {nnopt.get('solve_status_text')}, batch {percent(nnopt.get('batch_accuracy'))}, "
          f"test {percent(nnopt.get('test_accuracy'))}")
print(f"nnopt BLAS: {runs[0][1].get('blas')}")
print(f"torch: final loss {torch['final_loss']:.6e}, {torch['iterations']} iterations, "
      f"{torch['evaluations']} evaluations, {torch['seconds']:.3f}s, batch {percent(torch['batch_accuracy'])}, "
      f"test {percent(torch['test_accuracy'])}  (unconstrained: max |w| {torch['max_abs_weight']:.3g}, "
      f"{torch['weights_outside_bounds']} outside [-5,5]; stopped: {torch['stop_reason']})")
print(f"machine: {nproc} CPUs, {cpu}; {gover}; torch {torch['torch_version']} "
      f"({torch['threads']} thread(s), BLAS {torch['blas']})")
print(f"date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%SZ')}")
EOF
