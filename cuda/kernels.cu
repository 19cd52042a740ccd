// The kernels of package cuda, compiled at run time by NVRTC. Package cuda prepends
// a prelude (kernelSource in kernels.go) that defines, from package backend's
// values, C_<Code> for every backend.Code, F_<Func> for every backend.Func, M_<Mode>,
// R_<Reduction> and BLOCK, the threads per block of every launch.
//
// Every formula follows backend.Formula, FuncEval and FuncDerivs operation by
// operation, and the compiler is told not to fuse multiplies and adds, so that the
// results match the CPU backend's up to the last bits of the math functions.

// Everything is in a namespace, so that no name here can clash with the ones NVRTC
// declares implicitly; the kernels keep their plain names through extern "C".
namespace nnopt {

// MapArgs is one Map or Reduce call; mapArgs in kernels.go has the same layout.
struct MapArgs {
	const double *v[6]; // the arguments
	const int *g[6];    // their gathers, or null
	double *out;        // the destination; Reduce: the blocks' partial results
	const int *at;      // the destination's scatter, or null
	double p;           // Op.P
	long long n;        // the number of elements
	int code;           // Op.Code
	int fn;             // Op.Fn
	int mode;           // Out.Mode; Reduce: the Reduction
	int pad;
};

// FinishArgs is the second pass of Reduce; finishArgs in kernels.go has its layout.
struct FinishArgs {
	const double *partial; // count partial results
	double *result;        // where the combined one goes
	int count;
	int reduction;
};

// FillArgs is a small Upload, its values passed with the launch; fillArgs in
// kernels.go has its layout.
struct FillArgs {
	double *out;
	long long n; // at most FILL_MAX
	double values[FILL_MAX];
};

// ld reads argument k of element i: v[g[i]], 0 for a negative position.
__device__ double ld(const MapArgs &a, int k, long long i) {
	const int *g = a.g[k];
	if (g == nullptr) {
		return a.v[k][i];
	}
	int p = g[i];
	return p >= 0 ? a.v[k][p] : 0.0;
}

__device__ bool isNaN(double x) { return x != x; }

__device__ unsigned long long bitsOf(double x) { return (unsigned long long)__double_as_longlong(x); }

__device__ double fromBits(unsigned long long b) { return __longlong_as_double((long long)b); }

__device__ bool signBit(double x) { return __double_as_longlong(x) < 0; }

// goMax is Go's math.Max: NaN if either is, +0 over -0 (CUDA's fmax drops NaNs).
__device__ double goMax(double x, double y) {
	if (isNaN(x)) {
		return x;
	}
	if (isNaN(y)) {
		return y;
	}
	if (x == 0 && y == 0) {
		return signBit(x) ? y : x;
	}
	return x > y ? x : y;
}

// funcEval sets f(x), f′(x) and f″(x) as backend.FuncEval does.
__device__ void funcEval(int fn, double p, double x, double &f, double &d1, double &d2) {
	switch (fn) {
	case F_Tanh:
		f = tanh(x);
		d1 = 1 - f * f;
		d2 = -2 * f * d1;
		return;
	case F_Sigmoid:
		f = 1 / (1 + exp(-x));
		d1 = f * (1 - f);
		d2 = d1 * (1 - 2 * f);
		return;
	case F_Exp:
		f = exp(x);
		d1 = f;
		d2 = f;
		return;
	case F_Log:
		f = log(x);
		d1 = 1 / x;
		d2 = -d1 * d1;
		return;
	case F_Sqrt:
		f = sqrt(x);
		d1 = 0.5 / f;
		d2 = -0.5 * d1 / x;
		return;
	case F_Sqr:
		f = x * x;
		d1 = 2 * x;
		d2 = 2;
		return;
	case F_Power:
		f = pow(x, p);
		d1 = p * pow(x, p - 1);
		d2 = p * (p - 1) * pow(x, p - 2);
		return;
	case F_Sin:
		f = sin(x);
		d1 = cos(x);
		d2 = -f;
		return;
	case F_Cos:
		f = cos(x);
		d1 = -sin(x);
		d2 = -f;
		return;
	case F_Abs:
		f = fabs(x);
		d1 = x < 0 ? -1.0 : 1.0;
		d2 = 0;
		return;
	case F_Erf:
		f = erf(x);
		d1 = 1.1283791670955126 * exp(-x * x); // 2/√π
		d2 = -2 * x * d1;
		return;
	case F_Softplus:
		f = goMax(x, 0) + log1p(exp(-fabs(x)));
		d1 = 1 / (1 + exp(-x));
		d2 = d1 * (1 - d1);
		return;
	}
	f = d1 = d2 = 0;
}

// funcValue is f(x) alone.
__device__ double funcValue(int fn, double p, double x) {
	switch (fn) {
	case F_Tanh:
		return tanh(x);
	case F_Sigmoid:
		return 1 / (1 + exp(-x));
	case F_Exp:
		return exp(x);
	case F_Log:
		return log(x);
	case F_Sqrt:
		return sqrt(x);
	case F_Sqr:
		return x * x;
	case F_Power:
		return pow(x, p);
	case F_Sin:
		return sin(x);
	case F_Cos:
		return cos(x);
	case F_Abs:
		return fabs(x);
	case F_Erf:
		return erf(x);
	case F_Softplus:
		return goMax(x, 0) + log1p(exp(-fabs(x)));
	}
	return 0;
}

// funcDerivs sets f′(x) and f″(x) given f = f(x), as backend.FuncDerivs does.
__device__ void funcDerivs(int fn, double p, double x, double f, double &d1, double &d2) {
	switch (fn) {
	case F_Tanh:
		d1 = 1 - f * f;
		d2 = -2 * f * d1;
		return;
	case F_Sigmoid:
		d1 = f * (1 - f);
		d2 = d1 * (1 - 2 * f);
		return;
	case F_Exp:
		d1 = f;
		d2 = f;
		return;
	}
	double g;
	funcEval(fn, p, x, g, d1, d2);
}

// value is the op of element i, as backend.Formula computes it.
__device__ double value(const MapArgs &a, long long i) {
	switch (a.code) {
	case C_Const:
		return a.p;
	case C_Copy:
		return ld(a, 0, i);
	case C_Scale:
		return a.p * ld(a, 0, i);
	case C_Add:
		return ld(a, 0, i) + ld(a, 1, i);
	case C_Sub:
		return ld(a, 0, i) - ld(a, 1, i);
	case C_Mul:
		return ld(a, 0, i) * ld(a, 1, i);
	case C_Div:
		return ld(a, 0, i) / ld(a, 1, i);
	case C_MulPair:
		return ld(a, 0, i) * ld(a, 1, i) + ld(a, 2, i) * ld(a, 3, i);
	case C_DivTangent: {
		double a0 = ld(a, 0, i), a1 = ld(a, 1, i), a2 = ld(a, 2, i), a3 = ld(a, 3, i);
		return a0 / a2 - a1 * a3 / (a2 * a2);
	}
	case C_DivAdjoint: {
		double a0 = ld(a, 0, i), a1 = ld(a, 1, i), a2 = ld(a, 2, i);
		return -a0 * a1 / (a2 * a2);
	}
	case C_DivCurvature: {
		double a0 = ld(a, 0, i), a1 = ld(a, 1, i), a2 = ld(a, 2, i), a3 = ld(a, 3, i);
		double q = ld(a, 4, i), a5 = ld(a, 5, i);
		return -(a0 * a1 + a2 * a3) / (q * q) + 2 * a2 * a1 * a5 / (q * q * q);
	}
	case C_FuncValue:
		return funcValue(a.fn, a.p, ld(a, 0, i));
	case C_FuncTangent: {
		double d1, d2;
		funcDerivs(a.fn, a.p, ld(a, 0, i), ld(a, 1, i), d1, d2);
		return d1 * ld(a, 2, i);
	}
	case C_FuncCurvature: {
		double d1, d2;
		funcDerivs(a.fn, a.p, ld(a, 0, i), ld(a, 1, i), d1, d2);
		return d2 * ld(a, 2, i) * ld(a, 3, i) + d1 * ld(a, 4, i);
	}
	case C_ExpDiff:
		return exp(ld(a, 0, i) - ld(a, 1, i));
	case C_AddLog:
		return ld(a, 0, i) + log(ld(a, 1, i));
	case C_SoftCurvature: {
		double a0 = ld(a, 0, i), a1 = ld(a, 1, i), a2 = ld(a, 2, i), a3 = ld(a, 3, i), a4 = ld(a, 4, i);
		return a0 * a1 + a2 * a0 * (a3 - a4);
	}
	case C_Violation: {
		double a0 = ld(a, 0, i), a1 = ld(a, 1, i), a2 = ld(a, 2, i);
		return goMax(a1 - a0, a0 - a2);
	}
	case C_Axpy:
		return ld(a, 0, i) + a.p * ld(a, 1, i);
	case C_Magnitude:
		return fabs(ld(a, 0, i));
	case C_Pick:
		return ld(a, 0, i) >= ld(a, 1, i) ? ld(a, 2, i) : ld(a, 3, i);
	case C_ProjGrad: {
		double a0 = ld(a, 0, i), a1 = ld(a, 1, i), a2 = ld(a, 2, i), a3 = ld(a, 3, i);
		return (a1 <= a2 && a0 > 0) || (a1 >= a3 && a0 < 0) ? 0.0 : a0;
	}
	case C_HoldAtBound: {
		double a0 = ld(a, 0, i), a1 = ld(a, 1, i), a2 = ld(a, 2, i), a3 = ld(a, 3, i), a4 = ld(a, 4, i);
		return a1 == 0 && ((a2 <= a3 && a0 < 0) || (a2 >= a4 && a0 > 0)) ? 0.0 : a0;
	}
	case C_BoundStep: {
		double a0 = ld(a, 0, i), d = a.p * ld(a, 1, i), a2 = ld(a, 2, i), a3 = ld(a, 3, i);
		double inf = fromBits(0x7ff0000000000000ULL);
		if (d > 0 && a3 < inf) {
			return (a3 - a0) / d;
		}
		if (d < 0 && a2 > -inf) {
			return (a2 - a0) / d;
		}
		return inf;
	}
	}
	return 0; // unreachable: package backend checks the codes
}

// addAtomic adds y to *d where other threads may add to it too.
__device__ void addAtomic(double *d, double y) {
#if __CUDA_ARCH__ >= 600
	atomicAdd(d, y);
#else
	unsigned long long *u = (unsigned long long *)d;
	unsigned long long old = *u, seen;
	do {
		seen = old;
		old = atomicCAS(u, seen, bitsOf(fromBits(seen) + y));
	} while (old != seen);
#endif
}

// maxAtomic sets *d to y if y is larger, where other threads may too; like the CPU
// backend, a NaN y is never stored.
__device__ void maxAtomic(double *d, double y) {
	unsigned long long *u = (unsigned long long *)d;
	unsigned long long old = *u;
	while (y > fromBits(old)) {
		unsigned long long seen = atomicCAS(u, old, bitsOf(y));
		if (seen == old) {
			return;
		}
		old = seen;
	}
}

// store puts element i's value y in the destination as a.mode says.
__device__ void store(const MapArgs &a, long long i, double y) {
	long long p = i;
	if (a.at != nullptr) {
		p = a.at[i];
		if (p < 0) {
			return;
		}
	}
	double *d = a.out + p;
	switch (a.mode) {
	case M_Set:
		*d = y;
		return;
	case M_Accumulate:
		if (a.at == nullptr) {
			*d += y;
		} else {
			addAtomic(d, y);
		}
		return;
	case M_KeepMax:
		if (a.at == nullptr) {
			if (y > *d) {
				*d = y;
			}
		} else {
			maxAtomic(d, y);
		}
		return;
	}
}

extern "C" __global__ void nnopt_map(MapArgs a) {
	long long stride = (long long)gridDim.x * blockDim.x;
	for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < a.n; i += stride) {
		store(a, i, value(a, i));
	}
}

// identity is the reduction of no elements: 0, -Inf for the largest, +Inf for the
// smallest.
__device__ double identity(int r) {
	if (r == R_Sum) {
		return 0.0;
	}
	return fromBits(r == R_Largest ? 0xfff0000000000000ULL : 0x7ff0000000000000ULL);
}

// combine reduces two values; the largest and the smallest are NaN when either is,
// as on the CPU.
__device__ double combine(int r, double x, double y) {
	if (r == R_Sum) {
		return x + y;
	}
	if (isNaN(x)) {
		return x;
	}
	if (isNaN(y)) {
		return y;
	}
	if (r == R_Smallest) {
		return y < x ? y : x;
	}
	return y > x ? y : x;
}

// blockCombine reduces the values of a block's BLOCK threads; every thread gets the
// result.
__device__ double blockCombine(int r, double x) {
	__shared__ double s[BLOCK];
	s[threadIdx.x] = x;
	__syncthreads();
	for (unsigned h = BLOCK / 2; h > 0; h /= 2) {
		if (threadIdx.x < h) {
			s[threadIdx.x] = combine(r, s[threadIdx.x], s[threadIdx.x + h]);
		}
		__syncthreads();
	}
	return s[0];
}

// nnopt_reduce leaves in a.out[b] the reduction of the elements block b visits.
extern "C" __global__ void nnopt_reduce(MapArgs a) {
	double acc = identity(a.mode);
	long long stride = (long long)gridDim.x * blockDim.x;
	for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < a.n; i += stride) {
		acc = combine(a.mode, acc, value(a, i));
	}
	double t = blockCombine(a.mode, acc);
	if (threadIdx.x == 0) {
		a.out[blockIdx.x] = t;
	}
}

// nnopt_finish, one block, reduces the partial results of nnopt_reduce.
extern "C" __global__ void nnopt_finish(FinishArgs f) {
	double acc = identity(f.reduction);
	for (int i = threadIdx.x; i < f.count; i += BLOCK) {
		acc = combine(f.reduction, acc, f.partial[i]);
	}
	double t = blockCombine(f.reduction, acc);
	if (threadIdx.x == 0) {
		*f.result = t;
	}
}

// nnopt_fill, one block, stores the launch's values: an Upload that waits for
// nothing.
extern "C" __global__ void nnopt_fill(FillArgs f) {
	for (long long i = threadIdx.x; i < f.n; i += BLOCK) {
		f.out[i] = f.values[i];
	}
}

} // namespace nnopt
