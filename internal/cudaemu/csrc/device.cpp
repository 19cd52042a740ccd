// A CUDA device on the CPU, for tests: the entry points of libcuda, NVRTC and cuBLAS
// that package cuda binds, in one shared library that NNOPT_LIBCUDA, NNOPT_NVRTC and
// NNOPT_CUBLAS all name. Package cuda then runs as on a GPU, its loading, its calls
// through purego, its kernels' launches and parameter structs, its cuBLAS calls and
// its error handling included; only the device is the CPU.
//
// What it checks as a driver would, and more strictly:
//   - every call but cuInit, cuDriverGetVersion and the error names needs cuInit, and
//     the calls that use a context need it current on the calling thread;
//   - copies, sets and GEMMs must stay inside one live allocation; cuMemFree takes
//     only the start of one;
//   - a launch is one-dimensional, with no dynamic shared memory, on the default
//     stream, of a function of a loaded module.
// Launches, GEMMs and sets are queued to a device thread in order, as on the default
// stream; copies to and from the host wait for the queue, as the driver's do from
// pageable memory. A failure on the device thread is sticky: every later call
// returns it, as after a fault on a GPU. Each misuse is also written to stderr.
//
// NNOPT_EMU_FAIL makes it fail where a GPU can, for the tests of the error paths:
// "compile" fails every NVRTC compilation, "launch:N" the Nth kernel launch (1 the
// first) as a fault on the device.
//
// NVRTC "compiles" with the host's C++ compiler: the source after shim.h, then
// fibers.h and a wrapper per kernel, into a shared library whose path is the image.
// The environment says how: NNOPT_EMU_CXX (the compiler), NNOPT_EMU_DIR (where
// shim.h and fibers.h are), NNOPT_EMU_WORK (where the libraries go), NNOPT_EMU_SMS
// (multiprocessors, 2) and NNOPT_EMU_ARCH (compute capability, 90).
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <dlfcn.h>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

namespace {

// CUresult values (cuda.h).
enum : int {
	CUDA_SUCCESS = 0,
	CUDA_ERROR_INVALID_VALUE = 1,
	CUDA_ERROR_OUT_OF_MEMORY = 2,
	CUDA_ERROR_NOT_INITIALIZED = 3,
	CUDA_ERROR_INVALID_DEVICE = 101,
	CUDA_ERROR_INVALID_IMAGE = 200,
	CUDA_ERROR_INVALID_CONTEXT = 201,
	CUDA_ERROR_INVALID_HANDLE = 400,
	CUDA_ERROR_NOT_FOUND = 500,
	CUDA_ERROR_ILLEGAL_ADDRESS = 700,
	CUDA_ERROR_LAUNCH_FAILED = 719,
};

const std::map<int, std::pair<const char *, const char *>> errorTexts = {
	{CUDA_SUCCESS, {"CUDA_SUCCESS", "no error"}},
	{CUDA_ERROR_INVALID_VALUE, {"CUDA_ERROR_INVALID_VALUE", "invalid argument"}},
	{CUDA_ERROR_OUT_OF_MEMORY, {"CUDA_ERROR_OUT_OF_MEMORY", "out of memory"}},
	{CUDA_ERROR_NOT_INITIALIZED, {"CUDA_ERROR_NOT_INITIALIZED", "initialization error"}},
	{CUDA_ERROR_INVALID_DEVICE, {"CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"}},
	{CUDA_ERROR_INVALID_IMAGE, {"CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"}},
	{CUDA_ERROR_INVALID_CONTEXT, {"CUDA_ERROR_INVALID_CONTEXT", "invalid device context"}},
	{CUDA_ERROR_INVALID_HANDLE, {"CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"}},
	{CUDA_ERROR_NOT_FOUND, {"CUDA_ERROR_NOT_FOUND", "named symbol not found"}},
	{CUDA_ERROR_ILLEGAL_ADDRESS, {"CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"}},
	{CUDA_ERROR_LAUNCH_FAILED, {"CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"}},
};

void complain(const char *call, const std::string &what) { fprintf(stderr, "emulated CUDA: %s: %s\n", call, what.c_str()); }

int envInt(const char *name, int fallback) {
	const char *s = getenv(name);
	return s && *s ? atoi(s) : fallback;
}

// The device: its memory, its queue and its sticky error.
struct Device {
	std::mutex mu;
	std::condition_variable cv;
	std::deque<std::function<int()>> queue; // each returns a CUresult
	bool busy = false;
	int sticky = CUDA_SUCCESS;
	std::map<uint64_t, size_t> allocs; // start → bytes
	size_t allocated = 0;

	Device() {
		std::thread([this] {
			sigset_t all;
			sigfillset(&all);
			pthread_sigmask(SIG_BLOCK, &all, nullptr); // signals are for the Go threads
			for (;;) {
				std::function<int()> work;
				{
					std::unique_lock<std::mutex> lock(mu);
					cv.wait(lock, [this] { return !queue.empty(); });
					work = std::move(queue.front());
					queue.pop_front();
					busy = true;
				}
				int r = sticky == CUDA_SUCCESS ? work() : CUDA_SUCCESS;
				std::lock_guard<std::mutex> lock(mu);
				if (r != CUDA_SUCCESS && sticky == CUDA_SUCCESS) {
					sticky = r;
				}
				busy = false;
				cv.notify_all();
			}
		}).detach();
	}

	void post(std::function<int()> work) {
		std::lock_guard<std::mutex> lock(mu);
		queue.push_back(std::move(work));
		cv.notify_all();
	}

	// drain waits for the queue and returns the sticky error.
	int drain() {
		std::unique_lock<std::mutex> lock(mu);
		cv.wait(lock, [this] { return queue.empty() && !busy; });
		return sticky;
	}

	int stuck() {
		std::lock_guard<std::mutex> lock(mu);
		return sticky;
	}

	// inside reports whether [p, p+n) lies in one live allocation.
	bool inside(uint64_t p, size_t n) {
		std::lock_guard<std::mutex> lock(mu);
		auto it = allocs.upper_bound(p);
		if (it == allocs.begin()) {
			return false;
		}
		--it;
		return p + n <= it->first + it->second;
	}
};

Device &device() {
	static Device *d = new Device; // never destroyed: its thread runs to the end
	return *d;
}

bool initialized = false;
thread_local bool contextCurrent = false;
int primaryContext; // its address is the context

// ready checks the state a call needs: cuInit, a current context when it uses one,
// and no sticky failure.
int ready(const char *call, bool needsContext = true) {
	if (!initialized) {
		complain(call, "called before cuInit");
		return CUDA_ERROR_NOT_INITIALIZED;
	}
	if (needsContext && !contextCurrent) {
		complain(call, "no context is current on this thread");
		return CUDA_ERROR_INVALID_CONTEXT;
	}
	return device().stuck();
}

// readyDevice is ready for a call about device dev, which must be the one device.
int readyDevice(const char *call, int dev) {
	if (int r = ready(call, false)) {
		return r;
	}
	return dev == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

std::string hex(uint64_t p) {
	char b[32];
	snprintf(b, sizeof b, "0x%llx", (unsigned long long)p);
	return b;
}

// A Module is a loaded kernel library; a Function one kernel of it.
struct Module {
	void *lib;
	bool loaded = true;
	const char *(*launch)(void (*)(const void *), const void *, unsigned, unsigned);
};

struct Function {
	Module *module;
	std::string name;
	void (*kernel)(const void *);
	size_t argBytes;
};

// failingLaunch is the launch NNOPT_EMU_FAIL=launch:N makes fail, 0 for none.
int failingLaunch() {
	const char *s = getenv("NNOPT_EMU_FAIL");
	return s && strncmp(s, "launch:", 7) == 0 ? atoi(s + 7) : 0;
}

std::set<Module *> modules;
std::set<Function *> functions;

const char modulePrefix[] = "nnopt-emulated-module:";

} // namespace

extern "C" {

int cuInit(unsigned flags) {
	if (flags != 0) {
		complain("cuInit", "flags must be 0");
		return CUDA_ERROR_INVALID_VALUE;
	}
	device();
	initialized = true;
	return CUDA_SUCCESS;
}

int cuDriverGetVersion(int *version) {
	if (!version) {
		return CUDA_ERROR_INVALID_VALUE;
	}
	*version = 13000;
	return CUDA_SUCCESS;
}

int cuDeviceGetCount(int *count) {
	if (int r = ready("cuDeviceGetCount", false)) {
		return r;
	}
	*count = 1;
	return CUDA_SUCCESS;
}

int cuDeviceGet(int *dev, int ordinal) {
	if (int r = ready("cuDeviceGet", false)) {
		return r;
	}
	if (ordinal != 0) {
		return CUDA_ERROR_INVALID_DEVICE;
	}
	*dev = 0;
	return CUDA_SUCCESS;
}

int cuDeviceGetAttribute(int *value, int attr, int dev) {
	if (int r = readyDevice("cuDeviceGetAttribute", dev)) {
		return r;
	}
	int arch = envInt("NNOPT_EMU_ARCH", 90);
	switch (attr) {
	case 16: // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
		*value = envInt("NNOPT_EMU_SMS", 2);
		return CUDA_SUCCESS;
	case 75: // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
		*value = arch / 10;
		return CUDA_SUCCESS;
	case 76: // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
		*value = arch % 10;
		return CUDA_SUCCESS;
	}
	complain("cuDeviceGetAttribute", "the emulation knows attributes 16, 75 and 76, not " + std::to_string(attr));
	return CUDA_ERROR_INVALID_VALUE;
}

int cuDeviceGetName(char *name, int size, int dev) {
	if (int r = readyDevice("cuDeviceGetName", dev)) {
		return r;
	}
	if (!name || size <= 0) {
		return CUDA_ERROR_INVALID_VALUE;
	}
	snprintf(name, size, "nnopt emulated device");
	return CUDA_SUCCESS;
}

int cuDevicePrimaryCtxRetain(void **ctx, int dev) {
	if (int r = readyDevice("cuDevicePrimaryCtxRetain", dev)) {
		return r;
	}
	*ctx = &primaryContext;
	return CUDA_SUCCESS;
}

int cuCtxSetCurrent(void *ctx) {
	if (int r = ready("cuCtxSetCurrent", false)) {
		return r;
	}
	if (ctx != nullptr && ctx != &primaryContext) {
		return CUDA_ERROR_INVALID_CONTEXT;
	}
	contextCurrent = ctx != nullptr;
	return CUDA_SUCCESS;
}

int cuCtxSynchronize() {
	if (int r = ready("cuCtxSynchronize")) {
		return r;
	}
	return device().drain();
}

int cuMemAlloc_v2(uint64_t *dptr, size_t bytes) {
	if (int r = ready("cuMemAlloc_v2")) {
		return r;
	}
	if (bytes == 0) {
		complain("cuMemAlloc_v2", "0 bytes");
		return CUDA_ERROR_INVALID_VALUE;
	}
	Device &d = device();
	size_t limit = size_t(envInt("NNOPT_EMU_MEMORY_MIB", 4096)) << 20;
	size_t rounded = (bytes + 255) / 256 * 256;
	{
		std::lock_guard<std::mutex> lock(d.mu);
		if (rounded < bytes || d.allocated + rounded > limit) {
			return CUDA_ERROR_OUT_OF_MEMORY;
		}
	}
	void *p = aligned_alloc(256, rounded);
	if (!p) {
		return CUDA_ERROR_OUT_OF_MEMORY;
	}
	memset(p, 0xA5, rounded); // not zeros: device memory starts as whatever was there
	std::lock_guard<std::mutex> lock(d.mu);
	d.allocs[uint64_t(p)] = bytes;
	d.allocated += rounded;
	*dptr = uint64_t(p);
	return CUDA_SUCCESS;
}

int cuMemFree_v2(uint64_t dptr) {
	if (int r = ready("cuMemFree_v2")) {
		return r;
	}
	Device &d = device();
	d.drain(); // as cudaFree: the work queued before may still use it
	std::lock_guard<std::mutex> lock(d.mu);
	auto it = d.allocs.find(dptr);
	if (it == d.allocs.end()) {
		complain("cuMemFree_v2", hex(dptr) + " is not the start of a live allocation");
		return CUDA_ERROR_INVALID_VALUE;
	}
	d.allocated -= (it->second + 255) / 256 * 256;
	d.allocs.erase(it);
	free(reinterpret_cast<void *>(dptr));
	return CUDA_SUCCESS;
}

// checkRange reports a device range outside every allocation.
static int checkRange(const char *call, uint64_t p, size_t n) {
	if (!device().inside(p, n)) {
		complain(call, std::to_string(n) + " bytes at " + hex(p) + " are not inside one live allocation");
		return CUDA_ERROR_INVALID_VALUE;
	}
	return CUDA_SUCCESS;
}

// hostCopy copies n bytes between the host and the device range at dev, once the
// queue is done, as the driver does with pageable host memory.
static int hostCopy(const char *call, uint64_t dev, void *to, const void *from, size_t n) {
	if (int r = ready(call)) {
		return r;
	}
	if (n == 0) {
		return CUDA_SUCCESS;
	}
	if (int r = checkRange(call, dev, n)) {
		return r;
	}
	if (int r = device().drain()) {
		return r;
	}
	memcpy(to, from, n);
	return CUDA_SUCCESS;
}

int cuMemcpyHtoD_v2(uint64_t dst, const void *src, size_t n) {
	return hostCopy("cuMemcpyHtoD_v2", dst, reinterpret_cast<void *>(dst), src, n);
}

int cuMemcpyDtoH_v2(void *dst, uint64_t src, size_t n) {
	return hostCopy("cuMemcpyDtoH_v2", src, dst, reinterpret_cast<const void *>(src), n);
}

int cuMemsetD8_v2(uint64_t dst, unsigned char value, size_t n) {
	if (int r = ready("cuMemsetD8_v2")) {
		return r;
	}
	if (n == 0) {
		return CUDA_SUCCESS;
	}
	if (int r = checkRange("cuMemsetD8_v2", dst, n)) {
		return r;
	}
	device().post([=] {
		memset(reinterpret_cast<void *>(dst), value, n);
		return CUDA_SUCCESS;
	});
	return CUDA_SUCCESS;
}

int cuModuleLoadData(void **module, const void *image) {
	if (int r = ready("cuModuleLoadData")) {
		return r;
	}
	const char *s = static_cast<const char *>(image);
	if (strncmp(s, modulePrefix, sizeof modulePrefix - 1) != 0) {
		complain("cuModuleLoadData", "not an image of the emulated NVRTC");
		return CUDA_ERROR_INVALID_IMAGE;
	}
	const char *path = s + sizeof modulePrefix - 1;
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!lib) {
		complain("cuModuleLoadData", dlerror());
		return CUDA_ERROR_INVALID_IMAGE;
	}
	auto launch = reinterpret_cast<const char *(*)(void (*)(const void *), const void *, unsigned, unsigned)>(dlsym(lib, "emu_launch"));
	if (!launch) {
		complain("cuModuleLoadData", std::string(path) + " has no emu_launch");
		return CUDA_ERROR_INVALID_IMAGE;
	}
	Module *m = new Module{lib, true, launch};
	modules.insert(m);
	*module = m;
	return CUDA_SUCCESS;
}

int cuModuleUnload(void *module) {
	if (int r = ready("cuModuleUnload")) {
		return r;
	}
	Module *m = static_cast<Module *>(module);
	if (!modules.count(m) || !m->loaded) {
		return CUDA_ERROR_INVALID_HANDLE;
	}
	device().drain();
	m->loaded = false; // the library stays mapped (RTLD_NODELETE): its fibers live on
	return CUDA_SUCCESS;
}

int cuModuleGetFunction(void **fn, void *module, const char *name) {
	if (int r = ready("cuModuleGetFunction")) {
		return r;
	}
	Module *m = static_cast<Module *>(module);
	if (!modules.count(m) || !m->loaded) {
		return CUDA_ERROR_INVALID_HANDLE;
	}
	auto kernel = reinterpret_cast<void (*)(const void *)>(dlsym(m->lib, ("emu_kernel_" + std::string(name)).c_str()));
	auto argBytes = reinterpret_cast<size_t (*)()>(dlsym(m->lib, ("emu_argbytes_" + std::string(name)).c_str()));
	if (!kernel || !argBytes) {
		return CUDA_ERROR_NOT_FOUND;
	}
	Function *f = new Function{m, name, kernel, argBytes()};
	functions.insert(f);
	*fn = f;
	return CUDA_SUCCESS;
}

int cuLaunchKernel(void *fn, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX, unsigned blockY,
                   unsigned blockZ, unsigned sharedBytes, void *stream, void **params, void **extra) {
	if (int r = ready("cuLaunchKernel")) {
		return r;
	}
	Function *f = static_cast<Function *>(fn);
	if (!functions.count(f) || !f->module->loaded) {
		complain("cuLaunchKernel", "not a function of a loaded module");
		return CUDA_ERROR_INVALID_HANDLE;
	}
	std::string why;
	if (gridY != 1 || gridZ != 1 || blockY != 1 || blockZ != 1) {
		why = "the emulation launches one-dimensional grids and blocks only";
	} else if (gridX == 0 || blockX == 0 || blockX > 1024) {
		why = "a grid of " + std::to_string(gridX) + " blocks of " + std::to_string(blockX) + " threads";
	} else if (sharedBytes != 0) {
		why = "the emulation has no dynamic shared memory";
	} else if (stream != nullptr) {
		why = "the emulation has the default stream only";
	} else if (extra != nullptr || params == nullptr || params[0] == nullptr) {
		why = "the emulation takes the parameters through kernelParams only";
	}
	if (!why.empty()) {
		complain(("cuLaunchKernel " + f->name).c_str(), why);
		return CUDA_ERROR_INVALID_VALUE;
	}
	static int launches = 0;
	bool fail = ++launches == failingLaunch();
	// As the driver does, take the parameter's value now: the caller may reuse it.
	auto arg = std::make_shared<std::vector<char>>(static_cast<const char *>(params[0]),
	                                               static_cast<const char *>(params[0]) + f->argBytes);
	device().post([f, arg, gridX, blockX, fail] {
		if (fail) {
			complain(("kernel " + f->name).c_str(), "failing as NNOPT_EMU_FAIL asks");
			return CUDA_ERROR_LAUNCH_FAILED;
		}
		if (const char *err = f->module->launch(f->kernel, arg->data(), gridX, blockX)) {
			complain(("kernel " + f->name).c_str(), err);
			return CUDA_ERROR_LAUNCH_FAILED;
		}
		return CUDA_SUCCESS;
	});
	return CUDA_SUCCESS;
}

int cuGetErrorName(int result, const char **name) {
	auto it = errorTexts.find(result);
	if (it == errorTexts.end()) {
		return CUDA_ERROR_INVALID_VALUE;
	}
	*name = it->second.first;
	return CUDA_SUCCESS;
}

int cuGetErrorString(int result, const char **text) {
	auto it = errorTexts.find(result);
	if (it == errorTexts.end()) {
		return CUDA_ERROR_INVALID_VALUE;
	}
	*text = it->second.second;
	return CUDA_SUCCESS;
}

} // extern "C"

// NVRTC.
namespace {

enum : int {
	NVRTC_SUCCESS = 0,
	NVRTC_ERROR_INVALID_INPUT = 3,
	NVRTC_ERROR_INVALID_PROGRAM = 4,
	NVRTC_ERROR_INVALID_OPTION = 5,
	NVRTC_ERROR_COMPILATION = 6,
};

const int supportedArchs[] = {75, 80, 86, 89, 90, 100, 120};

struct Program {
	std::string source, name, log, image;
	bool cubin = false;
};

std::set<Program *> programs;

std::string shellQuote(const std::string &s) {
	std::string q = "'";
	for (char c : s) {
		q += c == '\'' ? std::string("'\\''") : std::string(1, c);
	}
	return q + "'";
}

bool writeFile(const std::string &path, const std::string &data) {
	FILE *f = fopen(path.c_str(), "w");
	if (!f) {
		return false;
	}
	bool ok = fwrite(data.data(), 1, data.size(), f) == data.size();
	return fclose(f) == 0 && ok;
}

// wrappers declares, for each kernel of src, emu_kernel_<name>(const void *arg),
// which calls it with *arg, and emu_argbytes_<name>(), the size of its parameter;
// false with why for a kernel of other than one parameter.
bool wrappers(const std::string &src, std::string &out, std::string &why) {
	out = "namespace emu_wrappers {\n";
	std::regex ns(R"(namespace\s+(\w+)\s*\{)");
	for (auto it = std::sregex_iterator(src.begin(), src.end(), ns); it != std::sregex_iterator(); ++it) {
		out += "using namespace " + (*it)[1].str() + ";\n";
	}
	std::regex kernel(R"(__global__\s+void\s+(\w+)\s*\(([^)]*)\))");
	std::regex oneParam(R"(\s*(?:const\s+)?(\w+)\s+\w+\s*)");
	for (auto it = std::sregex_iterator(src.begin(), src.end(), kernel); it != std::sregex_iterator(); ++it) {
		std::string name = (*it)[1], params = (*it)[2];
		std::smatch m;
		if (!std::regex_match(params, m, oneParam)) {
			why = "the emulation launches kernels of one parameter passed by value; " + name + " takes (" + params + ")";
			return false;
		}
		std::string type = m[1];
		out += "extern \"C\" void emu_kernel_" + name + "(const void *arg) { " + name + "(*static_cast<const " + type +
		       " *>(arg)); }\n";
		out += "extern \"C\" unsigned long emu_argbytes_" + name + "() { return sizeof(" + type + "); }\n";
	}
	out += "}\n";
	return true;
}

} // namespace

extern "C" {

int nvrtcVersion(int *major, int *minor) {
	*major = 13;
	*minor = 0;
	return NVRTC_SUCCESS;
}

const char *nvrtcGetErrorString(int result) {
	switch (result) {
	case NVRTC_SUCCESS:
		return "NVRTC_SUCCESS";
	case NVRTC_ERROR_INVALID_INPUT:
		return "NVRTC_ERROR_INVALID_INPUT";
	case NVRTC_ERROR_INVALID_PROGRAM:
		return "NVRTC_ERROR_INVALID_PROGRAM";
	case NVRTC_ERROR_INVALID_OPTION:
		return "NVRTC_ERROR_INVALID_OPTION";
	case NVRTC_ERROR_COMPILATION:
		return "NVRTC_ERROR_COMPILATION";
	}
	return "NVRTC_ERROR unknown";
}

int nvrtcGetNumSupportedArchs(int *n) {
	*n = sizeof supportedArchs / sizeof supportedArchs[0];
	return NVRTC_SUCCESS;
}

int nvrtcGetSupportedArchs(int *archs) {
	std::copy(std::begin(supportedArchs), std::end(supportedArchs), archs);
	return NVRTC_SUCCESS;
}

int nvrtcCreateProgram(void **prog, const char *src, const char *name, int numHeaders, const char *const *headers,
                       const char *const *includeNames) {
	if (!prog || !src) {
		return NVRTC_ERROR_INVALID_INPUT;
	}
	if (numHeaders != 0) {
		complain("nvrtcCreateProgram", "the emulation takes no headers");
		return NVRTC_ERROR_INVALID_INPUT;
	}
	Program *p = new Program{src, name ? name : "default_program"};
	programs.insert(p);
	*prog = p;
	return NVRTC_SUCCESS;
}

int nvrtcDestroyProgram(void **prog) {
	Program *p = static_cast<Program *>(*prog);
	if (!programs.erase(p)) {
		return NVRTC_ERROR_INVALID_PROGRAM;
	}
	delete p;
	*prog = nullptr;
	return NVRTC_SUCCESS;
}

int nvrtcCompileProgram(void *prog, int numOptions, const char *const *options) {
	Program *p = static_cast<Program *>(prog);
	if (!programs.count(p)) {
		return NVRTC_ERROR_INVALID_PROGRAM;
	}
	int arch = 0;
	std::string contract = "-ffp-contract=fast", std = "-std=c++17";
	for (int i = 0; i < numOptions; i++) {
		std::string o = options[i];
		std::smatch m;
		if (std::regex_match(o, m, std::regex(R"((?:--gpu-architecture=|-arch=)(sm|compute)_(\d+))"))) {
			arch = std::stoi(m[2]);
			p->cubin = m[1] == "sm";
		} else if (o == "--fmad=false" || o == "-fmad=false") {
			contract = "-ffp-contract=off";
		} else if (o == "--fmad=true" || o == "-fmad=true") {
			contract = "-ffp-contract=fast";
		} else if (std::regex_match(o, m, std::regex(R"(--?std=(c\+\+\d\d))"))) {
			std = "-std=" + m[1].str();
		} else if (o == "-default-device" || o == "--device-as-default-execution-space") {
		} else {
			p->log = "emulated NVRTC: unknown option " + o;
			return NVRTC_ERROR_INVALID_OPTION;
		}
	}
	if (const char *fail = getenv("NNOPT_EMU_FAIL"); fail && strcmp(fail, "compile") == 0) {
		p->log = "nnopt_kernels.cu(1): error: failing as NNOPT_EMU_FAIL=compile asks";
		return NVRTC_ERROR_COMPILATION;
	}
	if (std::find(std::begin(supportedArchs), std::end(supportedArchs), arch) == std::end(supportedArchs)) {
		p->log = "emulated NVRTC: no supported --gpu-architecture among the options";
		return NVRTC_ERROR_INVALID_OPTION;
	}
	const char *cxx = getenv("NNOPT_EMU_CXX"), *dir = getenv("NNOPT_EMU_DIR"), *work = getenv("NNOPT_EMU_WORK");
	if (!cxx || !dir) {
		p->log = "emulated NVRTC: NNOPT_EMU_CXX and NNOPT_EMU_DIR must name the C++ compiler and the emulation's headers";
		return NVRTC_ERROR_COMPILATION;
	}
	std::string wrap, why;
	if (!wrappers(p->source, wrap, why)) {
		p->log = "emulated NVRTC: " + why;
		return NVRTC_ERROR_COMPILATION;
	}
	std::string tmpl = std::string(work && *work ? work : "/tmp") + "/nnopt-emulated-XXXXXX";
	std::vector<char> buf(tmpl.begin(), tmpl.end());
	buf.push_back(0);
	if (!mkdtemp(buf.data())) {
		p->log = "emulated NVRTC: cannot make a directory like " + tmpl;
		return NVRTC_ERROR_COMPILATION;
	}
	std::string out = buf.data(), d = dir;
	std::string module = "#include \"shim.h\"\n#include \"" + p->name + "\"\n#include \"fibers.h\"\n" + wrap;
	if (!writeFile(out + "/" + p->name, p->source) || !writeFile(out + "/module.cpp", module)) {
		p->log = "emulated NVRTC: cannot write the sources into " + out;
		return NVRTC_ERROR_COMPILATION;
	}
	std::string lib = out + "/module.so";
	std::string cmd = shellQuote(cxx) + " " + std + " -O1 " + contract + " -U_FORTIFY_SOURCE -fPIC -shared -D__CUDA_ARCH__=" +
	                  std::to_string(arch * 10) + " -I" + shellQuote(d) + " -I" + shellQuote(out) + " -o " + shellQuote(lib) +
	                  " " + shellQuote(out + "/module.cpp") + " 2>&1";
	FILE *pipe = popen(cmd.c_str(), "r");
	if (!pipe) {
		p->log = "emulated NVRTC: cannot run " + cmd;
		return NVRTC_ERROR_COMPILATION;
	}
	std::string log;
	char chunk[4096];
	for (size_t n; (n = fread(chunk, 1, sizeof chunk, pipe)) > 0;) {
		log.append(chunk, n);
	}
	if (pclose(pipe) != 0) {
		p->log = cmd + "\n" + log;
		return NVRTC_ERROR_COMPILATION;
	}
	p->log = log;
	p->image = modulePrefix + lib;
	fprintf(stderr, "emulated NVRTC: built %s\n", lib.c_str());
	return NVRTC_SUCCESS;
}

int nvrtcGetProgramLogSize(void *prog, size_t *size) {
	Program *p = static_cast<Program *>(prog);
	if (!programs.count(p)) {
		return NVRTC_ERROR_INVALID_PROGRAM;
	}
	*size = p->log.size() + 1;
	return NVRTC_SUCCESS;
}

int nvrtcGetProgramLog(void *prog, char *log) {
	Program *p = static_cast<Program *>(prog);
	if (!programs.count(p)) {
		return NVRTC_ERROR_INVALID_PROGRAM;
	}
	memcpy(log, p->log.c_str(), p->log.size() + 1);
	return NVRTC_SUCCESS;
}

// getImage gives the image, NUL-terminated, as PTX or, for an sm_ target, as a CUBIN.
int getImage(void *prog, size_t *size, char *image, bool cubin) {
	Program *p = static_cast<Program *>(prog);
	if (!programs.count(p)) {
		return NVRTC_ERROR_INVALID_PROGRAM;
	}
	if (p->image.empty() || (cubin && !p->cubin)) {
		return NVRTC_ERROR_INVALID_INPUT;
	}
	if (size) {
		*size = p->image.size() + 1;
	}
	if (image) {
		memcpy(image, p->image.c_str(), p->image.size() + 1);
	}
	return NVRTC_SUCCESS;
}

int nvrtcGetPTXSize(void *prog, size_t *size) { return getImage(prog, size, nullptr, false); }
int nvrtcGetPTX(void *prog, char *ptx) { return getImage(prog, nullptr, ptx, false); }
int nvrtcGetCUBINSize(void *prog, size_t *size) { return getImage(prog, size, nullptr, true); }
int nvrtcGetCUBIN(void *prog, char *cubin) { return getImage(prog, nullptr, cubin, true); }

} // extern "C"

// cuBLAS.
namespace {

enum : int {
	CUBLAS_STATUS_SUCCESS = 0,
	CUBLAS_STATUS_NOT_INITIALIZED = 1,
	CUBLAS_STATUS_INVALID_VALUE = 7,
	CUBLAS_STATUS_EXECUTION_FAILED = 13,
};

int blasHandle; // its address is the handle

} // namespace

extern "C" {

int cublasCreate_v2(void **handle) {
	if (ready("cublasCreate_v2") != CUDA_SUCCESS) {
		return CUBLAS_STATUS_NOT_INITIALIZED;
	}
	*handle = &blasHandle;
	return CUBLAS_STATUS_SUCCESS;
}

// cublasDgemm_v2 sets C = alpha·op(A)·op(B) + beta·C, column-major, reading the
// scalars from the host; with beta 0, C is not read.
int cublasDgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const double *alpha, uint64_t A, int lda,
                   uint64_t B, int ldb, const double *beta, uint64_t C, int ldc) {
	if (handle != &blasHandle || ready("cublasDgemm_v2") != CUDA_SUCCESS) {
		return CUBLAS_STATUS_NOT_INITIALIZED;
	}
	bool ta = transa != 0, tb = transb != 0;
	if (transa < 0 || transa > 2 || transb < 0 || transb > 2 || m < 0 || n < 0 || k < 0 ||
	    lda < std::max(1, ta ? k : m) || ldb < std::max(1, tb ? n : k) || ldc < std::max(1, m)) {
		complain("cublasDgemm_v2", "invalid sizes or leading dimensions");
		return CUBLAS_STATUS_INVALID_VALUE;
	}
	if (m == 0 || n == 0) {
		return CUBLAS_STATUS_SUCCESS;
	}
	// The extent of a column-major rows×cols matrix with leading dimension ld.
	auto extent = [](long rows, long cols, long ld) { return size_t(8 * (ld * (cols - 1) + rows)); };
	if (k > 0 && (checkRange("cublasDgemm_v2 A", A, extent(ta ? k : m, ta ? m : k, lda)) ||
	              checkRange("cublasDgemm_v2 B", B, extent(tb ? n : k, tb ? k : n, ldb)))) {
		return CUBLAS_STATUS_EXECUTION_FAILED;
	}
	if (checkRange("cublasDgemm_v2 C", C, extent(m, n, ldc))) {
		return CUBLAS_STATUS_EXECUTION_FAILED;
	}
	double al = *alpha, be = *beta;
	device().post([=] {
		const double *a = reinterpret_cast<const double *>(A), *b = reinterpret_cast<const double *>(B);
		double *c = reinterpret_cast<double *>(C);
		for (long j = 0; j < n; j++) {
			for (long i = 0; i < m; i++) {
				double s = 0;
				for (long l = 0; l < k; l++) {
					s += (ta ? a[l + i * lda] : a[i + l * lda]) * (tb ? b[j + l * ldb] : b[l + j * ldb]);
				}
				double &y = c[i + j * ldc];
				double prod = al == 0 ? 0.0 : al * s; // alpha 0: A and B are not read
				y = be == 0 ? prod : prod + be * y;
			}
		}
		return CUDA_SUCCESS;
	});
	return CUBLAS_STATUS_SUCCESS;
}

} // extern "C"
