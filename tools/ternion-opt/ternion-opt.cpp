//===- ternion-opt.cpp - Ternion's opt tool --------------------------------===//
//
// mlir-opt with the tern dialect, every Ternion pass and named pipeline, and
// every upstream pass (lowering runs them), registered in one place
// (lib/Driver/Registration.cpp) shared with ternion-compile.
//
//===----------------------------------------------------------------------===//
#include "ternion/Driver/Registration.h"
#include "ternion/VersionPrinter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  ternion::registerAllTernionPasses();
  ternion::registerTernionVersionPrinter();
  mlir::DialectRegistry registry;
  ternion::registerAllTernionDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Ternion optimizer driver\n", registry));
}
