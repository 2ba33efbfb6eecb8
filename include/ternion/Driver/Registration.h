//===- Registration.h - everything a Ternion tool registers -----*- C++ -*-===//
//
// One place that knows every dialect, pass and pipeline, so that
// ternion-opt, ternion-compile and ternion-translate accept the same
// pipelines (a pass added to a target is visible everywhere at once).
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_DRIVER_REGISTRATION_H
#define TERNION_DRIVER_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace ternion {

/// The tern dialect, every upstream dialect and extension, and the LLVM IR
/// translations (lowering and textual pipelines name upstream ops).
void registerAllTernionDialects(mlir::DialectRegistry &registry);

/// Every upstream pass (lowering runs them), every Ternion pass (graph,
/// conversion, each target's, artifact) and named pipeline
/// (tern-optimize, tern-lower-to-llvm, ...). Idempotent.
void registerAllTernionPasses();

} // namespace ternion

#endif // TERNION_DRIVER_REGISTRATION_H
