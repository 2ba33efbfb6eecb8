//===- Target.cpp - the targets this build knows --------------------------===//
#include "ternion/Target/Target.h"

#include "ternion/Target/CPU/CpuTarget.h"

#include "llvm/ADT/StringExtras.h"

namespace ternion {

TargetBackend::~TargetBackend() = default;

std::vector<std::string> getTargetNames() { return {"cpu"}; }

llvm::Expected<std::unique_ptr<TargetBackend>> createTarget(const TargetOptions &options) {
  if (options.name == "cpu")
    return cpu::createCpuTarget(options);
  if (options.name == "cuda")
    return llvm::createStringError(
        "the CUDA target is not part of this build of Ternion yet; --target=cpu is");
  return llvm::createStringError("unknown target '" + options.name + "' (known: " +
                                 llvm::join(getTargetNames(), ", ") + ")");
}

} // namespace ternion
