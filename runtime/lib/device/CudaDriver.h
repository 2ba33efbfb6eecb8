//===- CudaDriver.h - The CUDA driver API, opened with dlopen ---*- C++ -*-===//
//
// The runtime reaches CUDA only through libcuda.so.1, loaded when the first
// CUDA artifact is opened, so that the runtime builds, links and runs CPU
// artifacts on machines with no CUDA at all. The few driver entry points it
// uses are declared here with the driver API's ABI (cuda.h is not needed to
// build); loadCudaDriver resolves them, initializes the driver and makes
// device 0's primary context current, or says what is missing.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_DEVICE_CUDADRIVER_H
#define TERNION_RUNTIME_LIB_DEVICE_CUDADRIVER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace ternion::runtime::cuda {

// The driver API's handle and status types (cuda.h), for the 64-bit ABI.
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
constexpr CUresult CUDA_SUCCESS = 0;
// cuDeviceGetAttribute's attributes and cuMemAllocManaged's flag.
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY = 83;
constexpr unsigned CU_MEM_ATTACH_GLOBAL = 1;

/// The entry points, by their exported (versioned) symbol names.
struct DriverApi {
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuDriverGetVersion)(int *version);
  CUresult (*cuDeviceGetCount)(int *count);
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
  CUresult (*cuDeviceGetName)(char *name, int length, CUdevice device);
  CUresult (*cuDeviceGetAttribute)(int *value, int attribute, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*cuCtxSetCurrent)(CUcontext context);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuMemAllocManaged)(CUdeviceptr *pointer, size_t bytes, unsigned flags);
  CUresult (*cuMemFree)(CUdeviceptr pointer);
  CUresult (*cuMemcpy)(CUdeviceptr destination, CUdeviceptr source, size_t bytes);
  CUresult (*cuMemsetD8)(CUdeviceptr destination, unsigned char value, size_t bytes);
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags);
  CUresult (*cuStreamSynchronize)(CUstream stream);
  CUresult (*cuModuleLoadData)(CUmodule *module, const void *image);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module, const char *name);
  CUresult (*cuLaunchKernel)(CUfunction function, unsigned gridX, unsigned gridY, unsigned gridZ,
                             unsigned blockX, unsigned blockY, unsigned blockZ,
                             unsigned sharedBytes, CUstream stream, void **parameters,
                             void **extra);
  CUresult (*cuGetErrorName)(CUresult error, const char **name);
  CUresult (*cuGetErrorString)(CUresult error, const char **text);
};

/// A driver that is loaded, initialized and has device 0's primary
/// context current on the thread that loaded it.
struct Driver {
  DriverApi api;
  CUdevice device = 0;
  CUcontext context = nullptr;
  /// "NVIDIA H100 80GB HBM3 (sm_90)".
  std::string deviceName;
  int computeCapability = 0; // 90 for sm_90
};

/// The process's driver, loaded on first use; null with `error` saying what
/// is missing (no libcuda.so.1, no device, an error from cuInit). The
/// library name can be overridden with TERNION_CUDA_DRIVER (tests point it
/// at a file that is not the driver).
const Driver *loadCudaDriver(std::string &error);

/// "CUDA_ERROR_OUT_OF_MEMORY (out of memory)" for `result`.
std::string describeCudaError(const Driver &driver, CUresult result);

} // namespace ternion::runtime::cuda

#endif // TERNION_RUNTIME_LIB_DEVICE_CUDADRIVER_H
