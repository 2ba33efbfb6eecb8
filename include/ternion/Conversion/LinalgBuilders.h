//===- LinalgBuilders.h - shared helpers of the compute lowerings -*- C++ -*-===//
//
// The reduction, normalization, quantization and attention lowerings all
// build linalg.generic ops over tensors whose elements may be unsigned
// (ONNX uint8 imports as ui8) and reduce over some dims into a tensor that
// drops them. These helpers keep that plumbing in one place.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_CONVERSION_LINALGBUILDERS_H
#define TERNION_CONVERSION_LINALGBUILDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace ternion {

/// Body of a generic built by buildGeneric: receives the block arguments as
/// signless scalars and returns the values to yield (signless too).
using SignlessBodyBuilder = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// linalg.generic whose body sees signless scalars: arith rejects ui8/si8,
/// so unsigned block arguments are cast to signless on entry and the yielded
/// values back to the output element types. The casts are
/// unrealized_conversion_casts between types of one width that the LLVM
/// lowering erases (both sides become the same LLVM integer).
mlir::linalg::GenericOp buildGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::TypeRange resultTypes, mlir::ValueRange inputs,
                                     mlir::ValueRange outputs,
                                     llvm::ArrayRef<mlir::AffineMap> maps,
                                     llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                                     SignlessBodyBuilder body);

/// The signless integer type of the same width for a signed/unsigned
/// integer; other types unchanged.
mlir::Type getSignless(mlir::Type type);
mlir::Value toSignless(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
mlir::Value fromSignless(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type type);

bool isUnsignedInteger(mlir::Type type);

/// `v` as `type` (a tensor.cast when only static information differs: the
/// declared result type may be more refined than what a lowering derives).
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type type);

/// Scalar constants of `type` (float or integer, signless is assumed for
/// integers).
mlir::Value floatConst(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type, double v);
mlir::Value intConst(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type, int64_t v);

/// `v` (a float) extended or truncated to the float type `to`.
mlir::Value convertFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type to);

/// The identity of max: -inf for floats, the smallest value for integers
/// (0 when `isUnsigned`).
mlir::Value lowestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                        bool isUnsigned);

/// tensor.empty of `shape` x `element` where dynamic dims come from `sizes`
/// (one OpFoldResult per dim).
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes, mlir::Type element);

/// A tensor of `sizes` x `element` filled with the signless scalar `value`
/// (linalg.fill; a generic that yields it for an unsigned `element`).
/// `element` defaults to the type of `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes, mlir::Value value,
                         mlir::Type element = {});

/// The sizes of `source` (static as attributes, dynamic as tensor.dim).
llvm::SmallVector<mlir::OpFoldResult> getSizes(mlir::OpBuilder &b, mlir::Location loc,
                                               mlir::Value source);

/// (d0, ..., d{rank-1}) -> the dims not in `axes` (sorted).
mlir::AffineMap getDroppedDimsMap(mlir::MLIRContext *ctx, unsigned rank,
                                  llvm::ArrayRef<int64_t> axes);

/// Iterator types over `rank` loops: reduction for `axes`, parallel else.
llvm::SmallVector<mlir::utils::IteratorType> getIterators(unsigned rank,
                                                          llvm::ArrayRef<int64_t> axes);

/// The number of elements of `source` over `dims` as an index: one constant
/// for the static dims times tensor.dim of each dynamic one.
mlir::Value getNumElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source,
                           llvm::ArrayRef<int64_t> dims);

/// `axis` in [-rank, rank) normalized to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Reduces `input` over the sorted `axes` into a tensor of `element` (the
/// input's element type when null) without those dims, starting from the
/// signless scalar `init`: acc = combine(element, acc) on signless scalars.
mlir::Value buildReduction(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value input, llvm::ArrayRef<int64_t> axes,
    mlir::Value init,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value, mlir::Value)>
        combine,
    mlir::Type element = {});

/// sum over the sorted `axes` of term(x, stats...) where `stats` are tensors
/// that drop `axes` (read with the accumulator's map): the shared shape of
/// softmax denominators and normalization moments. Float `x` only.
mlir::Value reduceWithStats(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::ValueRange stats,
    llvm::ArrayRef<int64_t> axes,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)> term);

/// Reinserts the reduced `axes` as 1s (keepdims) with tensor.expand_shape.
mlir::Value expandReducedDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value reduced,
                              mlir::RankedTensorType keptType, llvm::ArrayRef<int64_t> axes);

/// The rows of a [..., K] tensor as a 2-D [M, K] one, for the linear layers'
/// lowerings: leading dims collapsed into M, a 1-D tensor as one row.
struct RowsView {
  /// [M, K].
  mlir::Value rows;
  /// The original tensor and the reassociation between it and `rows`
  /// (empty when it was 2-D already).
  mlir::Value source;
  llvm::SmallVector<mlir::ReassociationIndices> reassociation;
};
RowsView collapseToRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source);

/// An [M, N] result of rows back in the leading dims of `view.source`:
/// `resultType` is [..., N].
mlir::Value expandFromRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value rows,
                           const RowsView &view, mlir::RankedTensorType resultType);

/// Emits "... is not supported by the CPU lowering: <reason>" on `op` and
/// fails the match, so the conversion fails with a message that says why.
mlir::LogicalResult rejectUnsupported(mlir::Operation *op,
                                      mlir::ConversionPatternRewriter &rewriter,
                                      const llvm::Twine &reason);

} // namespace ternion

#endif // TERNION_CONVERSION_LINALGBUILDERS_H
