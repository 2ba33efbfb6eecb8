//===- Passes.h - Ternion's conversion passes -------------------*- C++ -*-===//
#ifndef TERNION_CONVERSION_PASSES_H
#define TERNION_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
} // namespace mlir

namespace ternion {

#define GEN_PASS_DECL
#include "ternion/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ternion/Conversion/Passes.h.inc"

/// Pattern sets, one per op family (lib/Conversion/TernToLinalg/*.cpp).
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateContractionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateConstantToArithPatterns(mlir::RewritePatternSet &patterns);
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQuantizationToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateAttentionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateLayoutToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateIndexingToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateShapeOpsToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateTernaryToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQuantizedLinearToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace ternion

#endif // TERNION_CONVERSION_PASSES_H
