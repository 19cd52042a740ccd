#!/usr/bin/env bash
# Builds, into .gpu/ (ignored by git), what a GPU machine without a Go toolchain
# needs to verify and time the CUDA backend, and prints the command to run there:
#   cuda.test     the CUDA backend's own tests and the conformance suite (TestGPU*)
#   refmodel.test the reference networks' iterates on the GPU against the CPU
#   train.test    cmd/train with -device cuda and auto against the CPU's objective
#   bench.test    BenchmarkIteration: seconds per iteration, CPU against GPU
#   mnist/        the data the tests read ($NNOPT_TEST_DATA)
# Usage: bench/gpu_build.sh [MNIST_DIR]   (default ../shared/datasets/mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/mnist}
mkdir -p .gpu/mnist
grep -qx '.gpu/' .git/info/exclude 2>/dev/null || echo '.gpu/' >> .git/info/exclude
export CGO_ENABLED=0
go test -c -o .gpu/cuda.test ./cuda
go test -c -o .gpu/refmodel.test ./internal/refmodel
go test -c -o .gpu/train.test ./cmd/train
go test -c -o .gpu/bench.test ./bench
cp "$data"/*-ubyte* .gpu/mnist/
cat <<'RUN'
Run on the GPU machine (device tool, carry [".gpu"]):
  export NNOPT_TEST_DATA=$PWD/.gpu/mnist NNOPT_REQUIRE_CUDA=1; nvidia-smi --query-gpu=name,driver_version --format=csv;
  ./.gpu/cuda.test -test.v -test.run '^TestGPU|^TestProbe' 2>&1 | tee $OUT/cuda.log | tail -40;
  (cd internal/refmodel && ../../.gpu/refmodel.test -test.v -test.run '^TestCUDA' 2>&1 | tee $OUT/refmodel.log | tail -20);
  (cd cmd/train && ../../.gpu/train.test -test.v -test.run '^TestTrainOnCUDA$' 2>&1 | tee $OUT/train.log | tail -20);
  (cd bench && ../.gpu/bench.test -test.run x -test.bench Iteration -test.benchtime 3x 2>&1 | tee $OUT/bench.log)
RUN
