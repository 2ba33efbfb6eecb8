//===- CpuDevice.h - Buffers in host memory ---------------------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_DEVICE_CPUDEVICE_H
#define TERNION_RUNTIME_LIB_DEVICE_CPUDEVICE_H

#include "device/Device.h"

namespace ternion::runtime {

/// The host CPU, shared by every artifact compiled for it and by tensors
/// the caller creates. Never destroyed: tensors may be released during
/// static destruction.
Device &cpuDevice();

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_DEVICE_CPUDEVICE_H
