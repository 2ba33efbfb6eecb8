//===- CudaLaunch.h - The kernel-launch ABI of CUDA artifacts ---*- C++ -*-===//
//
// The functions a CUDA artifact's model.so calls to load and launch its
// kernels: MLIR's gpu-to-llvm calling convention (mgpu*), defined by the
// runtime (CudaLaunch.cpp) and exported from it, so that the loader binds
// model.so's references to them. Declared once here for the definitions
// and the tests.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_DEVICE_CUDALAUNCH_H
#define TERNION_RUNTIME_LIB_DEVICE_CUDALAUNCH_H

#include <cstddef>
#include <cstdint>

#define TNX_LAUNCH_API __attribute__((visibility("default")))

extern "C" {
TNX_LAUNCH_API void *mgpuModuleLoad(void *data, size_t size);
TNX_LAUNCH_API void *mgpuModuleLoadJIT(void *data, int optLevel);
TNX_LAUNCH_API void mgpuModuleUnload(void *module);
TNX_LAUNCH_API void *mgpuModuleGetFunction(void *module, const char *name);
TNX_LAUNCH_API void *mgpuStreamCreate();
TNX_LAUNCH_API void mgpuStreamDestroy(void *stream);
TNX_LAUNCH_API void mgpuStreamSynchronize(void *stream);
TNX_LAUNCH_API void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                                     intptr_t blockX, intptr_t blockY, intptr_t blockZ,
                                     int32_t sharedBytes, void *stream, void **parameters,
                                     void **extra, size_t count);
}

#endif // TERNION_RUNTIME_LIB_DEVICE_CUDALAUNCH_H
