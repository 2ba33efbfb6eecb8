//===- LowerToLLVM.cpp - tern on tensors -> LLVM dialect ------------------===//
//
// The CPU lowering spine. Each stage is an upstream pass except the first,
// so a better contraction or attention lowering replaces one pattern set in
// convert-tern-to-linalg (or adds a transform step) without touching the
// rest. Function boundaries use identity-layout memrefs so the C interface
// the runtime calls stays a plain memref descriptor.
//
//===----------------------------------------------------------------------===//
#include "ternion/Pipelines/LowerToLLVM.h"

#include "ternion/Conversion/Passes.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace ternion {

// Kept as one textual pipeline so `ternion-opt --tern-lower-to-llvm` and
// --mlir-print-ir-after-all show exactly these stages by name.
static constexpr const char *kLowerToLLVM =
    "func.func(convert-tern-to-linalg, canonicalize, linalg-fuse-elementwise-ops),"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,"
    // Deallocation clones a buffer a function returns without owning it
    // (an identity function returns its argument); lower the clones.
    "convert-bufferization-to-memref,"
    "func.func(convert-linalg-to-loops, lower-affine, convert-scf-to-cf),"
    "expand-strided-metadata, lower-affine,"
    "finalize-memref-to-llvm, convert-math-to-llvm, convert-math-to-libm,"
    "convert-arith-to-llvm, convert-index-to-llvm, convert-func-to-llvm,"
    "convert-cf-to-llvm, reconcile-unrealized-casts";

LogicalResult buildLowerToLLVMPipeline(OpPassManager &pm) {
  return parsePassPipeline(kLowerToLLVM, pm);
}

void registerLowerToLLVMPipeline() {
  PassPipelineRegistration<>(
      "tern-lower-to-llvm",
      "Lower tern (after tern-optimize) through linalg and bufferization to the LLVM dialect",
      [](OpPassManager &pm) {
        if (failed(buildLowerToLLVMPipeline(pm)))
          llvm::report_fatal_error("tern-lower-to-llvm: invalid built-in pipeline");
      });
}

} // namespace ternion
