//===- Pipeline.h - the CUDA lowering: buffers -> gpu -> LLVM ---*- C++ -*-===//
#ifndef TERNION_LIB_TARGET_CUDA_PIPELINE_H
#define TERNION_LIB_TARGET_CUDA_PIPELINE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace ternion::cuda {

/// How the device code is compiled and embedded.
struct DeviceCodeOptions {
  /// sm_NN.
  std::string chip = "sm_90";
  /// The PTX ISA version the code declares, e.g. "+ptx80".
  std::string features = "+ptx80";
  /// A CUDA toolkit directory (ptxas, fatbinary, libdevice) or empty.
  std::string toolkit;
  /// Threads per block of the elementwise and reduction loops.
  int64_t blockSize = 256;
};

/// Bufferized memref IR -> host functions that launch outlined gpu.module
/// kernels (--emit=gpu).
mlir::LogicalResult buildBuffersToGpuPipeline(mlir::OpPassManager &pm,
                                              const DeviceCodeOptions &options);

/// The gpu stage -> the LLVM dialect: kernels to NVVM, compiled by LLVM's
/// NVPTX backend into a gpu.binary (a fatbin with PTX and cubin when a
/// toolkit is given, else PTX), host code calling the mgpu* launch ABI.
mlir::LogicalResult buildGpuToLLVMPipeline(mlir::OpPassManager &pm,
                                           const DeviceCodeOptions &options);

/// Bufferized memref IR -> the LLVM dialect with every gpu.launch run as
/// host loops (--cuda-emulate-on-host): the CUDA lowering's decisions
/// checked on a CPU.
mlir::LogicalResult buildEmulationPipeline(mlir::OpPassManager &pm,
                                           const DeviceCodeOptions &options);

/// The gpu stage -> gpu.binary ops holding PTX, host code left as it is:
/// what --emit=ptx reads the assembly from.
mlir::LogicalResult buildGpuToAssemblyPipeline(mlir::OpPassManager &pm,
                                               const DeviceCodeOptions &options);

} // namespace ternion::cuda

#endif // TERNION_LIB_TARGET_CUDA_PIPELINE_H
