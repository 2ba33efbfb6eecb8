//===- OnnxDiagnostics.cpp - errors in the words of an ONNX model ---------===//
#include "OnnxDiagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace ternion {

LogicalResult printOnnxDiagnostic(Diagnostic &diag) {
  NameLoc name;
  FileLineColLoc file;
  diag.getLocation()->walk([&](Location loc) {
    if (!name)
      name = dyn_cast<NameLoc>(loc);
    if (!file)
      file = dyn_cast<FileLineColLoc>(loc);
    return WalkResult::advance();
  });
  // .onnx and .onnxtxt models; .mlir input has real lines for SourceMgr.
  if (!file || file.getFilename().getValue().ends_with(".mlir"))
    return failure();
  llvm::raw_ostream &os = llvm::errs();
  os << file.getFilename().getValue() << ": ";
  std::string message = diag.str();
  // The importer's own messages already name the node or the initializer.
  llvm::StringRef text(message);
  if (name && !text.starts_with("node '") &&
      !text.starts_with(("tensor '" + name.getName().getValue() + "'").str()))
    os << "node '" << name.getName().getValue() << "' (#" << file.getLine() << "): ";
  const char *severity = diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
                         : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                                             : "note";
  os << severity << ": " << message << "\n";
  for (Diagnostic &note : diag.getNotes())
    os << "  note: " << note.str() << "\n";
  return success();
}

} // namespace ternion
