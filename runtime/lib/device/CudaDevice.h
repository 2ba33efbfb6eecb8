//===- CudaDevice.h - Buffers in CUDA memory --------------------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_DEVICE_CUDADEVICE_H
#define TERNION_RUNTIME_LIB_DEVICE_CUDADEVICE_H

#include "device/Device.h"

#include <string>

namespace ternion::runtime {

/// GPU 0 through the CUDA driver (loaded with dlopen on the first call).
/// Null with an error status naming what is missing when this machine has
/// no usable CUDA driver or GPU; `what` (the artifact's path) leads the
/// message. Never destroyed once created.
tnx_status_t openCudaDevice(const std::string &what, Device *&out);

namespace cuda {
struct Driver;
} // namespace cuda

/// The driver behind the open CUDA device; null before openCudaDevice
/// succeeded. The compiled code's mgpu* calls (CudaLaunch.cpp) use it.
const cuda::Driver *openedCudaDriver();

/// Keeps `error` as the pending launch error unless one is pending.
void recordCudaLaunchError(const std::string &error);
/// Whether an error is pending: later launches of the same call are skipped.
bool cudaLaunchErrorPending();

/// The first error a kernel load or launch hit since the last call (the
/// compiled code's mgpu* calls cannot return one), cleared by the call;
/// null when there was none.
tnx_status_t takeCudaLaunchError();

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_DEVICE_CUDADEVICE_H
