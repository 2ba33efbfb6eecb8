//===- NormalizationToLinalg.cpp - Softmax, LogSoftmax, LayerNormalization ===//
//
// Normalizations are reductions into a tensor that drops the normalized
// dims followed by one elementwise generic that reads those statistics
// through broadcasting maps. Softmax subtracts the row maximum before exp so
// large logits do not overflow (ONNX's *_large_number tests), and recomputes
// exp(x - max) in the final generic instead of materializing it: fusion then
// leaves two passes over the input and no intermediate of its size.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

template <typename OpTy, bool IsLog>
struct SoftmaxPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!xType || !resultType)
      return rejectUnsupported(op, rewriter, "unranked input");
    auto axis = normalizeAxis(op.getAxis(), xType.getRank());
    if (!axis)
      return rejectUnsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    unsigned rank = xType.getRank();
    Type element = xType.getElementType();
    SmallVector<int64_t> axes{*axis};
    // maximumf propagates NaN, as the reference's max does.
    Value max = buildReduction(rewriter, loc, x, axes, lowestValue(rewriter, loc, element, false),
                               [](OpBuilder &b, Location l, Value v, Value acc) -> Value {
                                 return arith::MaximumFOp::create(b, l, v, acc);
                               });
    Value sum = reduceWithStats(rewriter, loc, x, max, axes,
                                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return math::ExpOp::create(
                                      b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                                });
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap dropped = getDroppedDimsMap(ctx, rank, axes);
    Value out = emptyTensor(rewriter, loc, getSizes(rewriter, loc, x), element);
    Value y = buildGeneric(rewriter, loc, out.getType(), ValueRange{x, max, sum}, out,
                           {id, dropped, dropped, id},
                           SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                           [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                             Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
                             if (IsLog)
                               return {arith::SubFOp::create(b, l, shifted,
                                                             math::LogOp::create(b, l, a[2]))};
                             return {arith::DivFOp::create(
                                 b, l, math::ExpOp::create(b, l, shifted), a[2])};
                           })
                  .getResult(0);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

/// ONNX LayerNormalization (stash_type 1): mean and variance over dims
/// [axis, rank), Y = (X - mean) / sqrt(var + epsilon) * scale + bias, with
/// scale and bias broadcast to the normalized dims. The op has only Y: the
/// importer expands a LayerNormalization whose Mean/InvStdDev outputs are
/// used into ONNX's function body instead.
struct LayerNormPattern : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto scaleType = dyn_cast<RankedTensorType>(adaptor.getScale().getType());
    Value bias = adaptor.getBias();
    if (!xType || !resultType || !scaleType ||
        (bias && !isa<RankedTensorType>(bias.getType())))
      return rejectUnsupported(op, rewriter, "unranked operands");
    auto axis = normalizeAxis(op.getAxis(), xType.getRank());
    if (!axis)
      return rejectUnsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    unsigned rank = xType.getRank();
    Type element = xType.getElementType();
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(*axis, rank));

    // 1 / (number of normalized elements), computed once.
    Value count = getNumElements(rewriter, loc, x, axes);
    Value countFloat = arith::UIToFPOp::create(
        rewriter, loc, element,
        arith::IndexCastUIOp::create(rewriter, loc, rewriter.getI64Type(), count));
    Value invCount =
        arith::DivFOp::create(rewriter, loc, floatConst(rewriter, loc, element, 1.0), countFloat);

    Value sum = reduceWithStats(rewriter, loc, x, {}, axes,
                                [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    // Two-pass variance (mean of squared deviations), as the reference
    // computes it: no cancellation for inputs with a large mean.
    Value sqSum = reduceWithStats(rewriter, loc, x, sum, axes,
                                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                    Value mean = arith::MulFOp::create(b, l, a[1], invCount);
                                    Value dev = arith::SubFOp::create(b, l, a[0], mean);
                                    return arith::MulFOp::create(b, l, dev, dev);
                                  });
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap dropped = getDroppedDimsMap(ctx, rank, axes);
    SmallVector<Value> inputs{x, sum, sqSum, adaptor.getScale()};
    SmallVector<AffineMap> maps{id, dropped, dropped,
                                getBroadcastMap(ctx, scaleType, xType.getShape(), rank)};
    if (bias) {
      inputs.push_back(bias);
      maps.push_back(
          getBroadcastMap(ctx, cast<RankedTensorType>(bias.getType()), xType.getShape(), rank));
    }
    maps.push_back(id);
    Value epsilon = floatConst(rewriter, loc, element, op.getEpsilon().convertToDouble());
    Value out = emptyTensor(rewriter, loc, getSizes(rewriter, loc, x), element);
    Value y = buildGeneric(
                  rewriter, loc, out.getType(), inputs, out, maps,
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                    Value mean = arith::MulFOp::create(b, l, a[1], invCount);
                    Value var = arith::MulFOp::create(b, l, a[2], invCount);
                    Value stdDev = math::SqrtOp::create(
                        b, l, arith::AddFOp::create(b, l, var, epsilon));
                    Value normalized = arith::DivFOp::create(
                        b, l, arith::SubFOp::create(b, l, a[0], mean), stdDev);
                    Value v = arith::MulFOp::create(b, l, normalized, a[3]);
                    if (bias)
                      v = arith::AddFOp::create(b, l, v, a[4]);
                    return {v};
                  })
                  .getResult(0);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

} // namespace

void populateNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxPattern<SoftmaxOp, false>, SoftmaxPattern<LogSoftmaxOp, true>,
               LayerNormPattern>(patterns.getContext());
}

} // namespace ternion
