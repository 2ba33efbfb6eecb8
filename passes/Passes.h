//===- Passes.h - Ternion's passes and pipelines ----------------*- C++ -*-===//
#ifndef TERNION_PASSES_PASSES_H
#define TERNION_PASSES_PASSES_H

#include "dialects/tern/TernDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace ternion {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Canonicalize, refine shapes and CSE: the clean-up after import.
void buildCleanupPipeline(mlir::OpPassManager &pm);

/// The graph-level optimization pipeline: clean-up, then linear and
/// attention fusion. `ternion-opt --tern-optimize` runs it.
void buildOptimizePipeline(mlir::OpPassManager &pm);

/// Registers every Ternion pass and named pipeline with MLIR's registry.
void registerAllPassesAndPipelines();

} // namespace ternion

#endif // TERNION_PASSES_PASSES_H
