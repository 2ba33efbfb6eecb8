//===- Target.cpp - the targets this build knows --------------------------===//
#include "ternion/Target/Target.h"

#include "ternion/Target/CPU/CpuTarget.h"
#include "ternion/Target/CUDA/CudaTarget.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringExtras.h"

namespace ternion {

TargetBackend::~TargetBackend() = default;

mlir::LogicalResult TargetBackend::addBuffersToGpuPasses(mlir::OpPassManager &) const {
  return mlir::failure();
}

mlir::LogicalResult TargetBackend::addGpuToLLVMPasses(mlir::OpPassManager &) const {
  return mlir::failure();
}

llvm::Expected<std::string> TargetBackend::emitDeviceAssembly(mlir::ModuleOp) const {
  return llvm::createStringError("target '" + getName() + "' has no device code");
}

std::vector<std::string> getTargetNames() { return {"cpu", "cuda"}; }

llvm::Expected<std::unique_ptr<TargetBackend>> createTarget(const TargetOptions &options) {
  if (options.linearWeightType != "f32" && options.linearWeightType != "f16" &&
      options.linearWeightType != "bf16")
    return llvm::createStringError("--weights-dtype '" + options.linearWeightType +
                                   "' is not f32, f16 or bf16");
  if (options.name == "cpu")
    return cpu::createCpuTarget(options);
  if (options.name == "cuda")
    return cuda::createCudaTarget(options);
  return llvm::createStringError("unknown target '" + options.name + "' (known: " +
                                 llvm::join(getTargetNames(), ", ") + ")");
}

} // namespace ternion
