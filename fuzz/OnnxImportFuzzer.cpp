//===- OnnxImportFuzzer.cpp - Fuzzing the ONNX importer -------------------===//
//
// Bytes -> ModelProto parse -> import into tern -> verify -> tern-optimize,
// which is what ternion-compile does with a model before any code
// generation. Diagnostics are the expected outcome for most inputs and are
// discarded; a crash, a sanitizer report, a hang or an allocation over
// libFuzzer's -malloc_limit_mb is a finding.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "ternion/Driver/Registration.h"
#include "ternion/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <cstddef>
#include <cstdint>

namespace {

mlir::MLIRContext &fuzzContext() {
  static mlir::MLIRContext *context = [] {
    mlir::DialectRegistry registry;
    ternion::registerAllTernionDialects(registry);
    // One thread: libFuzzer measures and reproduces one input at a time.
    auto *created = new mlir::MLIRContext(
        registry, mlir::MLIRContext::Threading::DISABLED);
    created->loadAllAvailableDialects();
    return created;
  }();
  return *context;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &context = fuzzContext();
  mlir::ScopedDiagnosticHandler discard(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      ternion::importOnnxBuffer(bytes, "fuzz.onnx", &context);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  mlir::PassManager pm(&context);
  ternion::buildOptimizePipeline(pm);
  (void)pm.run(*module);
  return 0;
}
