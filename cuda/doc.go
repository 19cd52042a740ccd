// Package cuda is a backend.Backend that runs nnopt's array operations on an NVIDIA
// GPU. It needs no cgo and no CUDA toolkit at build time: it loads NVIDIA's shared
// libraries at run time through github.com/ebitengine/purego, so binaries built with
// CGO_ENABLED=0 run everywhere and use the GPU where one is set up.
//
//	be := backend.Backend(&backend.CPU{})
//	if gpu, err := cuda.Open(); err == nil {
//		be = gpu
//	} else if !errors.Is(err, backend.ErrUnavailable) {
//		log.Fatal(err)
//	}
//
// It loads three libraries, each from the file its environment variable names if set
// (and nothing else then), else by soname through the dynamic loader, else from
// well-known directories:
//   - the driver, libcuda.so.1 (NNOPT_LIBCUDA), installed with the NVIDIA driver;
//   - NVRTC, libnvrtc.so.13, .12 or .11.2 (NNOPT_NVRTC), which compiles the kernels;
//   - cuBLAS, libcublas.so.13, .12 or .11 (NNOPT_CUBLAS), which runs Gemm.
//
// NVRTC and cuBLAS are looked for in $CUDA_HOME and $CUDA_PATH, /usr/local/cuda and
// /usr/local/cuda-*, the system library directories, and the nvidia/*/lib directories
// of NVIDIA's Python wheels (nvidia-cuda-nvrtc, nvidia-cublas, CUDA 13's nvidia/cu13)
// in virtual environments, site-packages and dist-packages, /opt/*/.venv included.
// Versions newer than the driver supports are tried last.
//
// Open uses the first device, through its primary context, on one OS thread that
// makes every CUDA call. Its kernels (kernels.cu) are compiled by NVRTC on first use
// for the device's architecture, without fast math or fused multiply-adds so that
// results match the CPU backend's, and the compiled image is cached in
// nnopt/cuda under os.UserCacheDir (NNOPT_CUDA_CACHE names another directory, "off"
// disables it), named by a hash of the source, the options and NVRTC's version.
//
// Every error from a missing library or device wraps backend.ErrUnavailable and
// names what was tried; Probe returns it. Failures of operations on the device are
// kept for Err, as backend.Backend describes.
package cuda
