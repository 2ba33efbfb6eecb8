//===- OnnxImporter.h - ONNX to tern dialect --------------------*- C++ -*-===//
#ifndef TERNION_IMPORT_ONNXIMPORTER_H
#define TERNION_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace ternion {

/// Oldest and newest default-domain opsets the importer knows. Models above
/// 17 are accepted where no op they use changed its semantics after 17.
constexpr int kMinOnnxOpset = 7;
constexpr int kMaxOnnxOpset = 23;

/// Imports the ONNX model at `path` (binary protobuf; ONNX text syntax when
/// the name ends in `.onnxtxt`) into a module with one function, `@main`.
/// Tensors in external data files are read relative to the model's folder.
/// On failure, errors are emitted on `context`'s diagnostic engine, each
/// naming the file, the node and the reason, and null is returned.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path,
                                                 mlir::MLIRContext *context);

/// Same, from bytes already in memory; `path` names the file for locations
/// and external data.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBuffer(llvm::StringRef bytes,
                                                   llvm::StringRef path,
                                                   mlir::MLIRContext *context);

/// Imports the ONNX model at `path` into an existing `module` as a function
/// named `<symbolPrefix>main` (e.g. `@draft_main` beside a target's
/// `@main`), so that several models can be compiled into one artifact. Its
/// weights are resources of their own (names made unique). Fails, with
/// errors as above, when the symbol exists already or the model does not
/// import; the module then has no function of it.
mlir::LogicalResult importOnnxFileInto(llvm::StringRef path, mlir::ModuleOp module,
                                       llvm::StringRef symbolPrefix);

/// Same, from bytes already in memory.
mlir::LogicalResult importOnnxBufferInto(llvm::StringRef bytes, llvm::StringRef path,
                                         mlir::ModuleOp module, llvm::StringRef symbolPrefix);

/// The ONNX op types (default domain) the importer translates, sorted.
std::vector<std::string> getSupportedOnnxOpTypes();

/// Registers `--import-onnx` with mlir-translate's registry.
void registerOnnxImportTranslation();

} // namespace ternion

#endif // TERNION_IMPORT_ONNXIMPORTER_H
