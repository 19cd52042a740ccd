// Runs a launch's device threads as fibers on the calling OS thread, for the kernel
// modules that device.cpp's NVRTC builds: a block's threads run one after the other
// up to their next __syncthreads, then again up to the next, until all have ended.
// A switch is a _setjmp/_longjmp pair, no system call, so a launch of many blocks
// costs microseconds per block where OS threads cost near a millisecond.
//
// Shared memory (shim.h's static __shared__) is one copy that the blocks take in
// turn, as on a device. Atomics run uncontended here; harness.cpp's OS threads are
// the test of the kernels under contention.
#include <csetjmp>
#include <cstdlib>
#include <ucontext.h>

namespace emu {

constexpr unsigned maxThreads = 1024;     // per block, as on every CUDA device
constexpr size_t stackBytes = 256 << 10; // a fiber's stack

// A Fiber is one device thread. Once started it never returns: it runs the kernel
// for every block it is given, parking itself between them.
struct Fiber {
	jmp_buf parked;    // where it waits: at __syncthreads, or done with a block
	ucontext_t start;  // its first entry, onto its own stack
	char *stack = nullptr;
	bool started = false;
	bool done = false; // it finished the current block
};

static Fiber fibers[maxThreads];
static jmp_buf scheduler;
static unsigned running;
static void (*kernel)(const void *);
static const void *kernelArg;

// park saves the running fiber and goes back to the scheduler.
static void park() {
	if (!_setjmp(fibers[running].parked)) {
		_longjmp(scheduler, 1);
	}
}

static void fiberMain() {
	for (;;) {
		kernel(kernelArg);
		fibers[running].done = true;
		park();
	}
}

// resume runs fiber t until it parks.
static void resume(unsigned t) {
	running = t;
	threadIdx.x = t;
	threadIdx.y = threadIdx.z = 0;
	Fiber &f = fibers[t];
	if (_setjmp(scheduler)) {
		return;
	}
	if (f.started) {
		_longjmp(f.parked, 1);
	}
	if (f.stack == nullptr) {
		f.stack = static_cast<char *>(malloc(stackBytes));
		if (f.stack == nullptr) {
			abort();
		}
	}
	getcontext(&f.start);
	f.start.uc_stack.ss_sp = f.stack;
	f.start.uc_stack.ss_size = stackBytes;
	f.start.uc_link = nullptr;
	makecontext(&f.start, fiberMain, 0);
	f.started = true;
	setcontext(&f.start);
}

// restart forgets every fiber's place, after a launch that went wrong left some
// inside the kernel.
static void restart() {
	for (Fiber &f : fibers) {
		f.started = false;
	}
}

} // namespace emu

void __syncthreads() { emu::park(); }

// emu_launch runs k(arg) on grid blocks of block threads, one block after the other.
// It returns null, or what went wrong.
extern "C" const char *emu_launch(void (*k)(const void *), const void *arg, unsigned grid, unsigned block) {
	using namespace emu;
	if (block == 0 || block > maxThreads || grid == 0) {
		return "a launch of no blocks, no threads or over 1024 threads a block";
	}
	kernel = k;
	kernelArg = arg;
	gridDim.x = grid;
	blockDim.x = block;
	gridDim.y = gridDim.z = blockDim.y = blockDim.z = 1;
	blockIdx.y = blockIdx.z = 0;
	for (unsigned b = 0; b < grid; b++) {
		blockIdx.x = b;
		for (unsigned t = 0; t < block; t++) {
			fibers[t].done = false;
		}
		for (;;) {
			unsigned done = 0;
			for (unsigned t = 0; t < block; t++) {
				if (!fibers[t].done) {
					resume(t);
				}
				done += fibers[t].done;
			}
			if (done == block) {
				break;
			}
			if (done > 0) {
				restart();
				return "__syncthreads was reached by some threads of a block, not all: they wait "
				       "for ever on a device";
			}
		}
	}
	return nullptr;
}
