//===- ternion-translate.cpp - Ternion's translation tool -----------------===//
//
// mlir-translate with Ternion's translations: --import-onnx today;
// --export-llvmir and --export-ptx come with code generation.
//
//===----------------------------------------------------------------------===//
#include "ternion/Import/OnnxImporter.h"
#include "ternion/VersionPrinter.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  ternion::registerOnnxImportTranslation();
  ternion::registerTernionVersionPrinter();
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "Ternion translation driver"))
             ? 1
             : 0;
}
