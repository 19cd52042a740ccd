// Host stand-ins for the CUDA built-ins kernels.cu uses, so that a C++20 compiler can
// run its kernels on the CPU: one std::thread per device thread, a std::barrier for
// __syncthreads, GCC's atomic built-ins for the atomics. For emulate_test.go only.
#include <barrier>
#include <cmath>
#include <cstring>

struct dim3 {
	unsigned x = 0, y = 0, z = 0;
};
thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
std::barrier<> *blockBarrier;

inline void __syncthreads() { blockBarrier->arrive_and_wait(); }

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
