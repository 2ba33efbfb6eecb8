//===- Registration.cpp - dialects, passes and pipelines of every tool ----===//
#include "ternion/Driver/Registration.h"

#include "dialects/tern/TernDialect.h"
#include "passes/Passes.h"
#include "ternion/Artifact/Passes.h"
#include "ternion/Conversion/Passes.h"
#include "ternion/Target/CPU/Passes.h"
#include "ternion/Target/CPU/Pipeline.h"
#include "ternion/Target/CUDA/CudaTarget.h"
#include "ternion/Target/CUDA/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

namespace ternion {

void registerAllTernionDialects(mlir::DialectRegistry &registry) {
  registry.insert<tern::TernDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
}

void registerAllTernionPasses() {
  // The registries are global; a second registration would abort.
  static bool registered = [] {
    mlir::registerAllPasses();
    registerAllPassesAndPipelines();
    registerTernConversionPasses();
    registerTernArtifactPasses();
    registerTernCPUPasses();
    cpu::registerLowerToLLVMPipeline();
    registerTernCUDAPasses();
    cuda::registerGpuPipelines();
    return true;
  }();
  (void)registered;
}

} // namespace ternion
