//===- OnnxDiagnostics.h - errors in the words of an ONNX model -*- C++ -*-===//
#ifndef TERNION_LIB_DRIVER_ONNXDIAGNOSTICS_H
#define TERNION_LIB_DRIVER_ONNXDIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

namespace ternion {

/// Diagnostics on imported ONNX ops are located at NameLoc(node name,
/// file:node-index:0); prints them in words ("model.onnx: node 'x' (#3):
/// error: ..."). Fails for other locations (.mlir input has real lines for
/// the SourceMgr handler).
mlir::LogicalResult printOnnxDiagnostic(mlir::Diagnostic &diag);

} // namespace ternion

#endif // TERNION_LIB_DRIVER_ONNXDIAGNOSTICS_H
