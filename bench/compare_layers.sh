#!/usr/bin/env bash
# Time the reference networks' layers with nnopt (BenchmarkLayers in
# bench/layers_test.go: the compiled equation blocks of the reference models)
# and PyTorch (bench/peers/torch_layers.py), batch 500, float64, and print
# nnopt/torch time ratios per layer and op (below 1: nnopt faster). Times are
# the minimum over the repeated runs on both sides.
#
# Usage (from the repository root): bench/compare_layers.sh
#   NNOPT_THREADS   GOMAXPROCS for nnopt and --threads for the peer (default 2)
#   NNOPT_BLAS      nnopt's BLAS: auto (default), openblas or gonum
#   COUNT           go test -count, and the peer's --repeats (default 5)
#   BENCHTIME       go test -benchtime (default 0.5s)
#   PYTHON          interpreter with torch (default /usr/bin/python3)
set -euo pipefail

die() { echo "compare_layers: $*" >&2; exit 1; }

[ -f go.mod ] && [ -f bench/layers_test.go ] || die "run from the repository root"

py=${PYTHON:-/usr/bin/python3}
command -v "$py" >/dev/null || die "$py not found: apt-get install python3-torch"
"$py" -c 'import torch' 2>/dev/null || die "PyTorch missing for $py: apt-get install python3-torch"

threads=${NNOPT_THREADS:-2}
count=${COUNT:-5}
benchtime=${BENCHTIME:-0.5s}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== nnopt: go test -run '^\$' -bench '^BenchmarkLayers\$' -count $count -benchtime $benchtime ./bench (GOMAXPROCS=$threads)"
GOMAXPROCS=$threads go test -run '^$' -bench '^BenchmarkLayers$' -count "$count" -benchtime "$benchtime" -v ./bench >"$tmp/go.txt" ||
    { cat "$tmp/go.txt"; die "go test failed"; }
grep -E 'BLAS:' "$tmp/go.txt" | head -1 | sed 's/^ *//'

echo "== torch: $py bench/peers/torch_layers.py --threads $threads --repeats $count"
"$py" bench/peers/torch_layers.py --threads "$threads" --repeats "$count" --json "$tmp/torch.json" >"$tmp/torch.txt" ||
    { cat "$tmp/torch.txt"; die "peer failed"; }
tail -1 "$tmp/torch.txt"

cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
echo
"$py" - "$tmp/go.txt" "$tmp/torch.json" "$(nproc)" "${cpu:-unknown}" "$(go version)" <<'EOF'
import json, re, sys

go_txt, torch_json, nproc, cpu, gover = sys.argv[1:6]
line = re.compile(r"^BenchmarkLayers/(\S+?)/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)$")
nnopt, gflops = {}, {}
for text in open(go_txt):
    m = line.match(text)
    if not m:
        continue
    key, ns = (m.group(1), m.group(2)), float(m.group(3))
    nnopt[key] = min(ns / 1e3, nnopt.get(key, float("inf")))
    g = re.search(r"([\d.]+) GFLOP/s", m.group(4))
    if g:
        gflops[key] = max(float(g.group(1)), gflops.get(key, 0))
torch = json.load(open(torch_json))

print("nnopt: the reference models' compiled blocks (Model.Problem); hvp = JVP + HVP along a new")
print("direction (the pair the solver's Hessian sweep makes). Convolution blocks include the bias")
print("add and the residual; the peer's conv2d has neither. Layers without a peer row come last.")
print(f"{'layer':<16} {'op':<5} {'nnopt us':>10} {'GFLOP/s':>8} {'torch us':>10} {'nnopt/torch':>12}")
seen = set()
for row in torch["rows"]:
    layer, op, t = row["layer"], row["op"], row["min_s"] * 1e6
    seen.add((layer, op))
    us, g = nnopt.get((layer, op)), gflops.get((layer, op))
    print(f"{layer:<16} {op:<5} {'-' if us is None else f'{us:.1f}':>10} "
          f"{'-' if g is None else f'{g:.2f}':>8} {t:10.1f} {'-' if us is None else f'{us / t:11.2f}x':>12}")
for (layer, op), us in nnopt.items():
    if (layer, op) not in seen:
        g = gflops.get((layer, op))
        print(f"{layer:<16} {op:<5} {us:10.1f} {'-' if g is None else f'{g:.2f}':>8} {'-':>10} {'-':>12}")
print(f"machine: {nproc} CPUs, {cpu}; {gover}; torch {torch['torch_version']} "
      f"({torch['threads']} thread(s), OpenBLAS threads {torch['blas_threads']}), float64, batch {torch['batch']}")
EOF
