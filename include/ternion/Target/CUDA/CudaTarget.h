//===- CudaTarget.h - the CUDA GPU target -----------------------*- C++ -*-===//
#ifndef TERNION_TARGET_CUDA_CUDATARGET_H
#define TERNION_TARGET_CUDA_CUDATARGET_H

#include "ternion/Target/Target.h"

namespace ternion::cuda {

/// The CUDA target: linalg loops mapped to blocks and threads, outlined into
/// gpu.module kernels, lowered to NVVM and compiled to PTX by LLVM's NVPTX
/// backend (a fatbin with the cubin too when a CUDA toolkit is found); the
/// host code that launches them is x86-64 and calls the runtime's mgpu*
/// functions (runtime/lib/device/CudaLaunch.cpp).
llvm::Expected<std::unique_ptr<TargetBackend>> createCudaTarget(const TargetOptions &options);

/// Registers `tern-buffers-to-gpu` and `tern-gpu-to-llvm`, the two halves of
/// the CUDA lowering for sm_90 without a toolkit, for ternion-opt and lit.
void registerGpuPipelines();

} // namespace ternion::cuda

#endif // TERNION_TARGET_CUDA_CUDATARGET_H
