// Host stand-ins for the CUDA built-ins kernels.cu uses, so that a C++ compiler can
// run its kernels on the CPU: GCC's atomic built-ins for the atomics, and
// __syncthreads left to the runner of the threads (harness.cpp: OS threads and a
// barrier; fibers.h: fibers on one OS thread).
#include <cmath>
#include <cstring>

struct dim3 {
	unsigned x = 0, y = 0, z = 0;
};
thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;

void __syncthreads();

#define __device__
#define __global__
#define __shared__ static

inline long long __double_as_longlong(double x) {
	long long r;
	memcpy(&r, &x, 8);
	return r;
}

inline double __longlong_as_double(long long x) {
	double r;
	memcpy(&r, &x, 8);
	return r;
}

inline unsigned long long atomicCAS(unsigned long long *p, unsigned long long cmp, unsigned long long v) {
	__atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return cmp;
}

inline double atomicAdd(double *p, double y) {
	unsigned long long *u = (unsigned long long *)p, old = __atomic_load_n(u, __ATOMIC_SEQ_CST);
	for (;;) {
		double o = __longlong_as_double(old);
		if (__atomic_compare_exchange_n(u, &old, __double_as_longlong(o + y), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			return o;
		}
	}
}
