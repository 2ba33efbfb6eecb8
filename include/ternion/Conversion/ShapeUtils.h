//===- ShapeUtils.h - index arithmetic for shape-moving lowerings -*- C++ -*-===//
//
// The data-movement lowerings read shapes, axes and bounds that may be
// run-time tensors. These helpers turn such values into `index` arithmetic
// (which canonicalization folds away when the values are constant) and
// report what the CPU lowering rejects in one uniform wording.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_CONVERSION_SHAPEUTILS_H
#define TERNION_CONVERSION_SHAPEUTILS_H

#include "ternion/Conversion/LinalgBuilders.h" // normalizeAxis
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace ternion {

/// Emits "<op> not supported by the CPU lowering: <reason>" on `op` and
/// fails the pattern, so the conversion stops with that message.
mlir::LogicalResult unsupported(mlir::Operation *op, mlir::ConversionPatternRewriter &rewriter,
                                const llvm::Twine &reason);

/// The ranked type of `v`, or null (after reporting `unsupported`) when it
/// is unranked: buffers of unknown rank cannot be laid out.
mlir::RankedTensorType rankedOrReport(mlir::Value v, llvm::StringRef what, mlir::Operation *op,
                                      mlir::ConversionPatternRewriter &rewriter);

mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

/// A signed integer (or index) scalar as `index`.
mlir::Value toIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

/// An `index` as a signless integer of type `type`.
mlir::Value fromIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type type);

/// Element `i` of a 1-D tensor (or the element of a 0-d or one-element
/// tensor when `i` is 0), as `index` when `asIndex`.
mlir::Value extractElement(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor, int64_t i,
                           bool asIndex);

/// The size of dim `d` of `v` as an `index` value (constant when static).
mlir::Value dimValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t d);

/// `v` as an OpFoldResult: the static size when `staticSize` is not dynamic.
mlir::OpFoldResult sizeOr(mlir::OpBuilder &b, int64_t staticSize, mlir::Value v);

/// `offset` as a static OpFoldResult when it is a constant inside a dim of
/// static size `dimSize`, else the value: the slice verifiers reject a
/// static offset at or past a static end even for an empty slice.
mlir::OpFoldResult offsetOr(mlir::Value offset, int64_t dimSize);

/// tensor.empty of `type` whose dynamic dims are taken from `sizes` (one
/// per dim; the static ones are ignored).
mlir::Value emptyWithSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                           llvm::ArrayRef<mlir::Value> sizes);


/// The zero of `type` (float, integer or i1).
mlir::Value zeroOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);

/// Index arithmetic on signed `index` values.
mlir::Value addIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value subIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value mulIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value minIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value maxIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value clampIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Value lo,
                       mlir::Value hi);
/// `c ? x : y`.
mlir::Value selectIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value c, mlir::Value x,
                        mlir::Value y);
mlir::Value cmpIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::arith::CmpIPredicate p,
                     mlir::Value x, mlir::Value y);

} // namespace ternion

#endif // TERNION_CONVERSION_SHAPEUTILS_H
