//===- ternion-translate.cpp - Ternion's translation tool -----------------===//
//
// mlir-translate with Ternion's translations: --import-onnx today;
// --export-llvmir and --export-ptx come with code generation.
//
//===----------------------------------------------------------------------===//
#include "ternion/Import/OnnxImporter.h"
#include "ternion/Version.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  ternion::registerOnnxImportTranslation();
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "Ternion version " << TERNION_VERSION << " (LLVM/MLIR " << TERNION_LLVM_VERSION
       << ")\n";
  });
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "Ternion translation driver"))
             ? 1
             : 0;
}
