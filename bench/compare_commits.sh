#!/usr/bin/env bash
# Compare the benchmarks of two commits on this machine: build each commit's test
# binaries from a clean `git archive` (no working-tree edits), run them in turn,
# one -count at a time (before, after, before, ...), so that drift in the
# machine's speed falls on both sides alike, and print benchstat's comparison.
#
# Usage (from the repository root): bench/compare_commits.sh BEFORE AFTER
#   ROUNDS      alternations (default 6)
#   BENCHTIME   go test -benchtime for every suite (default: each suite's own below)
#   OUT         directory for the raw outputs (default a temporary one, printed)
# The benchmarks: the reference MLP and CNN's generation and statistics
# (internal/refmodel), a solve iteration and the engine's blocks (bench), the
# convolution kernels (formulations). benchstat is installed with
#   go install golang.org/x/perf/cmd/benchstat@latest
set -euo pipefail

die() { echo "compare_commits: $*" >&2; exit 1; }

[ -f go.mod ] || die "run from the repository root"
[ $# -eq 2 ] || die "usage: bench/compare_commits.sh BEFORE AFTER"
benchstat=$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")
[ -x "$benchstat" ] || die "benchstat not found: go install golang.org/x/perf/cmd/benchstat@latest"
[ -n "${NNOPT_TEST_DATA:-}" ] || [ -d ../shared/datasets/mnist ] || die "set NNOPT_TEST_DATA to the MNIST directory"
export NNOPT_TEST_DATA=${NNOPT_TEST_DATA:-$(cd ../shared/datasets/mnist && pwd)}

rounds=${ROUNDS:-6}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package  benchmarks  benchtime
suites=(
	"internal/refmodel BenchmarkReferenceGeneration 20x"
	"bench BenchmarkIteration 1x"
	"bench BenchmarkLayers 0.2s"
	"formulations BenchmarkConv2dKernel 20x"
)

for side in before after; do
	rev=$1
	[ "$side" = after ] && rev=$2
	git rev-parse --verify -q "$rev^{commit}" >/dev/null || die "$rev is not a commit"
	mkdir -p "$work/$side"
	git archive "$rev" | tar -x -C "$work/$side"
	for s in "${suites[@]}"; do
		read -r pkg _ _ <<<"$s"
		(cd "$work/$side" && go test -c -o "$work/$side-$(basename "$pkg").test" "./$pkg") || die "building $pkg at $rev"
	done
	git rev-parse "$rev" >"$out/$side.commit"
done

: >"$out/before.txt"
: >"$out/after.txt"
for ((r = 1; r <= rounds; r++)); do
	for side in before after; do
		for s in "${suites[@]}"; do
			read -r pkg bench bt <<<"$s"
			# go test runs a package's tests in its directory; so do these.
			(cd "$work/$side/$pkg" && "$work/$side-$(basename "$pkg").test" -test.run '^$' \
				-test.bench "$bench" -test.benchtime "${BENCHTIME:-$bt}" -test.count 1 -test.benchmem) >>"$out/$side.txt"
		done
	done
	echo "round $r of $rounds done" >&2
done
echo "raw outputs in $out" >&2
"$benchstat" "$out/before.txt" "$out/after.txt"
