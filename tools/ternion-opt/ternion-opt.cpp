//===- ternion-opt.cpp - Ternion's opt tool --------------------------------===//
//
// mlir-opt with the tern dialect, every Ternion pass and named pipeline, and
// the upstream passes lowering uses (canonicalize, cse, ...).
//
//===----------------------------------------------------------------------===//
#include "dialects/tern/TernDialect.h"
#include "passes/Passes.h"
#include "ternion/Artifact/Passes.h"
#include "ternion/Conversion/KernelPasses.h"
#include "ternion/Conversion/Passes.h"
#include "ternion/Pipelines/LowerToLLVM.h"
#include "ternion/Version.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  // Lowering runs upstream passes (bufferization, linalg, *-to-llvm), so
  // all of them are available, as in mlir-opt.
  mlir::registerAllPasses();
  ternion::registerAllPassesAndPipelines();
  ternion::registerTernConversionPasses();
  ternion::registerTernKernelsPasses();
  ternion::registerTernArtifactPasses();
  ternion::registerLowerToLLVMPipeline();
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "Ternion version " << TERNION_VERSION << " (LLVM/MLIR " << TERNION_LLVM_VERSION
       << ")\n";
  });
  mlir::DialectRegistry registry;
  registry.insert<ternion::tern::TernDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Ternion optimizer driver\n", registry));
}
