package cuda

import (
	"fmt"
	"strconv"
	"unsafe"
)

// driverAPI is the part of the CUDA driver API (libcuda) the backend calls. CUresult
// is a C enum (int32), CUdevice an int, CUdeviceptr an unsigned long long; contexts,
// modules, functions and streams are opaque pointers kept as uintptr, never
// dereferenced.
type driverAPI struct {
	cuInit                   func(flags uint32) int32
	cuDriverGetVersion       func(version *int32) int32
	cuDeviceGetCount         func(count *int32) int32
	cuDeviceGet              func(dev *int32, ordinal int32) int32
	cuDeviceGetAttribute     func(value *int32, attr int32, dev int32) int32
	cuDeviceGetName          func(name *byte, size int32, dev int32) int32
	cuDevicePrimaryCtxRetain func(ctx *uintptr, dev int32) int32
	cuCtxSetCurrent          func(ctx uintptr) int32
	cuCtxSynchronize         func() int32
	cuMemAlloc               func(dptr *uint64, size uintptr) int32
	cuMemFree                func(dptr uint64) int32
	cuMemcpyHtoD             func(dst uint64, src unsafe.Pointer, size uintptr) int32
	cuMemcpyDtoH             func(dst unsafe.Pointer, src uint64, size uintptr) int32
	cuMemsetD8               func(dst uint64, value uint8, count uintptr) int32
	cuModuleLoadData         func(module *uintptr, image unsafe.Pointer) int32
	cuModuleUnload           func(module uintptr) int32
	cuModuleGetFunction      func(fn *uintptr, module uintptr, name *byte) int32
	cuLaunchKernel           func(fn uintptr, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes uint32, stream uintptr, params *unsafe.Pointer, extra *unsafe.Pointer) int32
	cuGetErrorName           func(result int32, name **byte) int32
	cuGetErrorString         func(result int32, text **byte) int32
}

// symbols lists the entry points with the names libcuda exports: the _v2 names are
// the 64-bit-size versions that cuda.h's macros select.
func (d *driverAPI) symbols() []symbol {
	return []symbol{
		{&d.cuInit, "cuInit"},
		{&d.cuDriverGetVersion, "cuDriverGetVersion"},
		{&d.cuDeviceGetCount, "cuDeviceGetCount"},
		{&d.cuDeviceGet, "cuDeviceGet"},
		{&d.cuDeviceGetAttribute, "cuDeviceGetAttribute"},
		{&d.cuDeviceGetName, "cuDeviceGetName"},
		{&d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"},
		{&d.cuCtxSetCurrent, "cuCtxSetCurrent"},
		{&d.cuCtxSynchronize, "cuCtxSynchronize"},
		{&d.cuMemAlloc, "cuMemAlloc_v2"},
		{&d.cuMemFree, "cuMemFree_v2"},
		{&d.cuMemcpyHtoD, "cuMemcpyHtoD_v2"},
		{&d.cuMemcpyDtoH, "cuMemcpyDtoH_v2"},
		{&d.cuMemsetD8, "cuMemsetD8_v2"},
		{&d.cuModuleLoadData, "cuModuleLoadData"},
		{&d.cuModuleUnload, "cuModuleUnload"},
		{&d.cuModuleGetFunction, "cuModuleGetFunction"},
		{&d.cuLaunchKernel, "cuLaunchKernel"},
		{&d.cuGetErrorName, "cuGetErrorName"},
		{&d.cuGetErrorString, "cuGetErrorString"},
	}
}

// Device attributes (CUdevice_attribute in cuda.h).
const (
	attrMultiprocessorCount = 16
	attrComputeMajor        = 75
	attrComputeMinor        = 76
)

// describe names a CUresult: "CUDA_ERROR_OUT_OF_MEMORY (out of memory)".
func (d *driverAPI) describe(r int32) string {
	var name, text *byte
	if d.cuGetErrorName == nil || d.cuGetErrorName(r, &name) != 0 || name == nil {
		return "CUresult " + strconv.Itoa(int(r))
	}
	s := goString(name)
	if d.cuGetErrorString(r, &text) == 0 && text != nil {
		s += " (" + goString(text) + ")"
	}
	return s
}

// nvrtcAPI is the part of NVRTC the backend calls. nvrtcResult is a C enum (int32),
// nvrtcProgram an opaque pointer, sizes are size_t.
type nvrtcAPI struct {
	nvrtcVersion           func(major, minor *int32) int32
	nvrtcGetErrorString    func(result int32) string
	nvrtcCreateProgram     func(prog *uintptr, src *byte, name *byte, numHeaders int32, headers **byte, includeNames **byte) int32
	nvrtcCompileProgram    func(prog uintptr, numOptions int32, options **byte) int32
	nvrtcDestroyProgram    func(prog *uintptr) int32
	nvrtcGetProgramLogSize func(prog uintptr, size *uintptr) int32
	nvrtcGetProgramLog     func(prog uintptr, log *byte) int32
	nvrtcGetPTXSize        func(prog uintptr, size *uintptr) int32
	nvrtcGetPTX            func(prog uintptr, ptx *byte) int32

	// Optional: NVRTC 11.1 and later (nil before).
	nvrtcGetCUBINSize func(prog uintptr, size *uintptr) int32
	nvrtcGetCUBIN     func(prog uintptr, cubin *byte) int32
	// Optional: NVRTC 11.2 and later.
	nvrtcGetNumSupportedArchs func(n *int32) int32
	nvrtcGetSupportedArchs    func(archs *int32) int32
}

func (n *nvrtcAPI) symbols() []symbol {
	return []symbol{
		{&n.nvrtcVersion, "nvrtcVersion"},
		{&n.nvrtcGetErrorString, "nvrtcGetErrorString"},
		{&n.nvrtcCreateProgram, "nvrtcCreateProgram"},
		{&n.nvrtcCompileProgram, "nvrtcCompileProgram"},
		{&n.nvrtcDestroyProgram, "nvrtcDestroyProgram"},
		{&n.nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize"},
		{&n.nvrtcGetProgramLog, "nvrtcGetProgramLog"},
		{&n.nvrtcGetPTXSize, "nvrtcGetPTXSize"},
		{&n.nvrtcGetPTX, "nvrtcGetPTX"},
	}
}

func (n *nvrtcAPI) optional() []symbol {
	return []symbol{
		{&n.nvrtcGetCUBINSize, "nvrtcGetCUBINSize"},
		{&n.nvrtcGetCUBIN, "nvrtcGetCUBIN"},
		{&n.nvrtcGetNumSupportedArchs, "nvrtcGetNumSupportedArchs"},
		{&n.nvrtcGetSupportedArchs, "nvrtcGetSupportedArchs"},
	}
}

func (n *nvrtcAPI) describe(r int32) string {
	return fmt.Sprintf("%s (nvrtcResult %d)", n.nvrtcGetErrorString(r), r)
}

// blasAPI is the part of cuBLAS (the v2 API) the backend calls. cublasStatus_t and
// cublasOperation_t are C enums (int32), the sizes C ints, the handle an opaque
// pointer; alpha and beta are host pointers (the default pointer mode).
type blasAPI struct {
	cublasCreate func(handle *uintptr) int32
	cublasDgemm  func(handle uintptr, transa, transb int32, m, n, k int32, alpha *float64, a uint64, lda int32, b uint64, ldb int32, beta *float64, c uint64, ldc int32) int32
}

func (b *blasAPI) symbols() []symbol {
	return []symbol{
		{&b.cublasCreate, "cublasCreate_v2"},
		{&b.cublasDgemm, "cublasDgemm_v2"},
	}
}

// cublasOperation_t.
const (
	cublasOpN = 0
	cublasOpT = 1
)

// blasStatus names a cublasStatus_t (cublas_api.h).
func blasStatus(s int32) string {
	names := map[int32]string{
		0: "CUBLAS_STATUS_SUCCESS", 1: "CUBLAS_STATUS_NOT_INITIALIZED", 3: "CUBLAS_STATUS_ALLOC_FAILED",
		7: "CUBLAS_STATUS_INVALID_VALUE", 8: "CUBLAS_STATUS_ARCH_MISMATCH", 11: "CUBLAS_STATUS_MAPPING_ERROR",
		13: "CUBLAS_STATUS_EXECUTION_FAILED", 14: "CUBLAS_STATUS_INTERNAL_ERROR", 15: "CUBLAS_STATUS_NOT_SUPPORTED",
		16: "CUBLAS_STATUS_LICENSE_ERROR",
	}
	if name, ok := names[s]; ok {
		return name
	}
	return "cublasStatus_t " + strconv.Itoa(int(s))
}

// A symbol is a function variable to bind and the name the library exports it by.
type symbol struct {
	fptr any
	name string
}

// goString copies a NUL-terminated C string.
func goString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// cString returns s as a NUL-terminated byte slice for C.
func cString(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}
