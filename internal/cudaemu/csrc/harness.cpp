// Runs the kernels of kernels.cu on the CPU for emulate_test.go. Each case on stdin:
//
//	kind (0 Map, 1 Reduce) code fn p mode-or-reduction n inputs grid
//	per input: length values... gathered(0/1) [n positions]
//	Map only: length of out, its values... scattered(0/1) [n positions]
//
// or a small upload: 2 length-of-out n values... (n of them), after which it
// prints the destination.
//
// Floats are in Go's 'x' format, which strtod reads. It prints the destination
// after a Map, the result of a Reduce, one value a line in %a. Device threads are
// host threads: BLOCK of them, running a launch's blocks one after the other.
#include "shim.h"
#include "kernels.cu"

#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

// blockBarrier holds a block's threads at __syncthreads.
static std::barrier<> *blockBarrier;

void __syncthreads() { blockBarrier->arrive_and_wait(); }

using nnopt::MapArgs;
using nnopt::FinishArgs;
using nnopt::FillArgs;

static std::vector<double> readFloats(long long n) {
	std::vector<double> v(n);
	char buf[64];
	for (auto &x : v) {
		if (scanf("%63s", buf) != 1) exit(2);
		x = strtod(buf, nullptr);
	}
	return v;
}

static std::vector<int> readInts(long long n) {
	std::vector<int> v(n);
	for (auto &x : v) {
		if (scanf("%d", &x) != 1) exit(2);
	}
	return v;
}

// pool is BLOCK threads that run the blocks of every launch, one block at a time:
// the launches of a run reuse them, which costs far less than new threads.
struct pool {
	std::barrier<> start{BLOCK + 1}, done{BLOCK + 1};
	std::function<void()> kernel;
	unsigned block = 0;

	pool() {
		for (unsigned t = 0; t < BLOCK; t++) {
			std::thread([this, t] {
				threadIdx.x = t;
				for (;;) {
					start.arrive_and_wait();
					blockIdx.x = block;
					kernel();
					done.arrive_and_wait();
				}
			}).detach();
		}
	}
};

// launch runs kernel on grid blocks of BLOCK threads.
static void launch(pool &p, unsigned grid, std::function<void()> kernel) {
	gridDim.x = grid;
	blockDim.x = BLOCK;
	std::barrier<> barrier(BLOCK);
	blockBarrier = &barrier;
	p.kernel = kernel;
	for (unsigned b = 0; b < grid; b++) {
		p.block = b;
		p.start.arrive_and_wait();
		p.done.arrive_and_wait();
	}
}

int main() {
	pool &threads = *new pool; // never joined: they end with the process
	int kind;
	while (scanf("%d", &kind) == 1) {
		if (kind == 2) {
			long long len, n;
			if (scanf("%lld %lld", &len, &n) != 2 || n > FILL_MAX) return 2;
			std::vector<double> out(len, -1.0), values = readFloats(n);
			FillArgs f{};
			f.out = out.data();
			f.n = n;
			for (long long i = 0; i < n; i++) f.values[i] = values[i];
			launch(threads, 1, [&f] { nnopt::nnopt_fill(f); });
			for (double y : out) printf("%a\n", y);
			fflush(stdout);
			continue;
		}
		MapArgs a{};
		int code, fn, mode, inputs;
		unsigned grid;
		long long n;
		char p[64];
		if (scanf("%d %d %63s %d %lld %d %u", &code, &fn, p, &mode, &n, &inputs, &grid) != 7) return 2;
		a.p = strtod(p, nullptr);
		a.code = code;
		a.fn = fn;
		a.mode = mode;
		a.n = n;
		std::vector<std::vector<double>> values(inputs);
		std::vector<std::vector<int>> gathers(inputs);
		for (int k = 0; k < inputs; k++) {
			long long len;
			int gathered;
			if (scanf("%lld", &len) != 1) return 2;
			values[k] = readFloats(len);
			a.v[k] = values[k].data();
			if (scanf("%d", &gathered) != 1) return 2;
			if (gathered) {
				gathers[k] = readInts(n);
				a.g[k] = gathers[k].data();
			}
		}
		if (kind == 0) {
			long long len;
			int scattered;
			if (scanf("%lld", &len) != 1) return 2;
			std::vector<double> out = readFloats(len);
			std::vector<int> at;
			a.out = out.data();
			if (scanf("%d", &scattered) != 1) return 2;
			if (scattered) {
				at = readInts(n);
				a.at = at.data();
			}
			launch(threads, grid, [&a] { nnopt::nnopt_map(a); });
			for (double y : out) printf("%a\n", y);
		} else {
			std::vector<double> partial(grid + 1);
			a.out = partial.data();
			launch(threads, grid, [&a] { nnopt::nnopt_reduce(a); });
			FinishArgs f{partial.data(), partial.data() + grid, (int)grid, mode};
			launch(threads, 1, [&f] { nnopt::nnopt_finish(f); });
			printf("%a\n", partial[grid]);
		}
		fflush(stdout);
	}
	return 0;
}
