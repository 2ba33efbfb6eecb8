//===- Pipeline.h - the CPU lowering: tern -> LLVM dialect ------*- C++ -*-===//
#ifndef TERNION_TARGET_CPU_PIPELINE_H
#define TERNION_TARGET_CPU_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace ternion::cpu {

/// tern (after tern-optimize) -> linalg on tensors -> one-shot bufferization
/// with ownership-based deallocation -> loops -> LLVM dialect. Fails (with a
/// diagnostic naming the op) when an op has no lowering.
mlir::LogicalResult buildLowerToLLVMPipeline(mlir::OpPassManager &pm);

/// The first half of tern-lower-to-llvm: tern -> linalg -> bufferized,
/// deallocated memref IR (function boundaries use identity-layout memrefs).
mlir::LogicalResult buildLowerToBuffersPipeline(mlir::OpPassManager &pm);

/// The second half: bufferized memref IR -> kernels and loops -> LLVM
/// dialect. `kernelOptions` ("tile-m=32 dot-cols=8") configures
/// tern-contraction-kernels, `ternaryOptions` ("isa=avx2 rows=2")
/// tern-cpu-ternary-kernels, `quantizedOptions` ("rows=2 cols=3")
/// tern-cpu-quantized-kernels.
mlir::LogicalResult buildBuffersToLLVMPipeline(mlir::OpPassManager &pm,
                                               llvm::StringRef kernelOptions = "",
                                               llvm::StringRef ternaryOptions = "",
                                               llvm::StringRef quantizedOptions = "");

/// Registers `tern-lower-to-llvm`, `tern-lower-to-buffers` and
/// `tern-buffers-to-llvm` with MLIR's pipeline registry.
void registerLowerToLLVMPipeline();

} // namespace ternion::cpu

#endif // TERNION_TARGET_CPU_PIPELINE_H
