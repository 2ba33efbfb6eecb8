//===- AttentionToLinalg.cpp - reference lowering of tern.attention -------===//
//
// A reference lowering, kept alone in this file so a flash-attention kernel
// can replace it without touching the other patterns. It materializes the
// [B, Hq, S, T] scores:
//
//   scores = scale * Q K^T (+ mask), -inf where causal masking forbids
//   m = max_t scores, l = sum_t exp(scores - m)
//   out = (sum_t exp(scores - m) V) / l
//
// Grouped-query attention reads K and V through the indexing map
// h -> h floordiv (Hq / Hkv), so the kv heads are never repeated in memory.
// The division by l comes last, on the [B, Hq, S, Dv] output rather than on
// the scores. A row whose every key is masked has m = -inf and yields NaN,
// like the unfused graph (softmax of an all -inf row).
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

struct AttentionPattern : OpConversionPattern<AttentionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value q = adaptor.getQuery(), k = adaptor.getKey(), v = adaptor.getValue(),
          mask = adaptor.getMask();
    auto qType = dyn_cast<RankedTensorType>(q.getType());
    auto kType = dyn_cast<RankedTensorType>(k.getType());
    auto vType = dyn_cast<RankedTensorType>(v.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto maskType = mask ? dyn_cast<RankedTensorType>(mask.getType()) : RankedTensorType();
    if (!qType || !kType || !vType || !resultType || (mask && !maskType))
      return rejectUnsupported(op, rewriter, "unranked operands");
    // Sparse patterns are the target's kernels (the CPU's flash-attention
    // lowering); computing them densely here would ignore the decision.
    if (op.getSparsityAttr())
      return rejectUnsupported(op, rewriter,
                               "sparse attention (#tern.sparse_attention) has no reference "
                               "lowering; this target has no sparse kernels");
    int64_t hq = qType.getDimSize(1), hkv = kType.getDimSize(1);
    // The group size is a constant of the K/V indexing maps.
    int64_t group = 1;
    if (hq != hkv) {
      if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
        return rejectUnsupported(op, rewriter,
                                 "grouped-query attention needs static head counts (the "
                                 "query/kv head ratio is part of the indexing maps)");
      group = hq / hkv;
    }
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    Type element = qType.getElementType();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineExpr kvHead = group == 1 ? d(1) : d(1).floorDiv(group);
    using IT = utils::IteratorType;

    OpFoldResult batch = tensor::getMixedSize(rewriter, loc, q, 0);
    OpFoldResult heads = tensor::getMixedSize(rewriter, loc, q, 1);
    OpFoldResult queries = tensor::getMixedSize(rewriter, loc, q, 2);
    OpFoldResult keys = tensor::getMixedSize(rewriter, loc, k, 2);
    OpFoldResult valueDim = tensor::getMixedSize(rewriter, loc, v, 3);
    Value zero = floatConst(rewriter, loc, element, 0.0);

    // scores[b, h, s, t] = sum_d q[b, h, s, d] * k[b, h / G, t, d]
    // Loops (b, h, s, t, d).
    Value scoresInit = filledTensor(rewriter, loc, {batch, heads, queries, keys}, zero);
    Value scores =
        buildGeneric(rewriter, loc, scoresInit.getType(), ValueRange{q, k}, scoresInit,
                     {AffineMap::get(5, 0, {d(0), d(1), d(2), d(4)}, ctx),
                      AffineMap::get(5, 0, {d(0), kvHead, d(3), d(4)}, ctx),
                      AffineMap::get(5, 0, {d(0), d(1), d(2), d(3)}, ctx)},
                     {IT::parallel, IT::parallel, IT::parallel, IT::parallel, IT::reduction},
                     [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                       return {arith::AddFOp::create(b, l, a[2],
                                                     arith::MulFOp::create(b, l, a[0], a[1]))};
                     })
            .getResult(0);

    // Scale, mask, causal masking. Query i sits at absolute position
    // i + (T - S): the query block is aligned with the end of the keys.
    auto scoresType = cast<RankedTensorType>(scores.getType());
    AffineMap id4 = AffineMap::getMultiDimIdentityMap(4, ctx);
    SmallVector<Value> inputs{scores};
    SmallVector<AffineMap> maps{id4};
    if (mask) {
      inputs.push_back(mask);
      maps.push_back(getBroadcastMap(ctx, maskType, scoresType.getShape(), 4));
    }
    maps.push_back(id4);
    bool causal = op.getCausal();
    Value offset;
    if (causal)
      offset = arith::SubIOp::create(rewriter, loc, tensor::DimOp::create(rewriter, loc, k, 2),
                                     tensor::DimOp::create(rewriter, loc, q, 2));
    Value scale = floatConst(rewriter, loc, element, op.getScale().convertToDouble());
    Value negInf = lowestValue(rewriter, loc, element, false);
    Value maskedOut = emptyTensor(rewriter, loc, {batch, heads, queries, keys}, element);
    Value masked =
        buildGeneric(rewriter, loc, maskedOut.getType(), inputs, maskedOut, maps,
                     SmallVector<IT>(4, IT::parallel),
                     [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                       Value s = arith::MulFOp::create(b, l, a[0], scale);
                       if (mask)
                         s = arith::AddFOp::create(b, l, s, convertFloat(b, l, a[1], element));
                       if (causal) {
                         Value i = linalg::IndexOp::create(b, l, 2);
                         Value j = linalg::IndexOp::create(b, l, 3);
                         Value last = arith::AddIOp::create(b, l, i, offset);
                         Value future =
                             arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, j, last);
                         s = arith::SelectOp::create(b, l, future, negInf, s);
                       }
                       return {s};
                     })
            .getResult(0);

    // Stable softmax statistics over t.
    SmallVector<int64_t> keyAxis{3};
    Value max = buildReduction(rewriter, loc, masked, keyAxis, negInf,
                               [](OpBuilder &b, Location l, Value x, Value acc) -> Value {
                                 return arith::MaximumFOp::create(b, l, x, acc);
                               });
    Value sum = reduceWithStats(rewriter, loc, masked, max, keyAxis,
                                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return math::ExpOp::create(
                                      b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                                });

    // out[b, h, s, e] = sum_t exp(scores - m) * v[b, h / G, t, e]
    // Loops (b, h, s, e, t).
    Value outInit = filledTensor(rewriter, loc, {batch, heads, queries, valueDim}, zero);
    Value weighted =
        buildGeneric(rewriter, loc, outInit.getType(), ValueRange{masked, max, v}, outInit,
                     {AffineMap::get(5, 0, {d(0), d(1), d(2), d(4)}, ctx),
                      AffineMap::get(5, 0, {d(0), d(1), d(2)}, ctx),
                      AffineMap::get(5, 0, {d(0), kvHead, d(4), d(3)}, ctx),
                      AffineMap::get(5, 0, {d(0), d(1), d(2), d(3)}, ctx)},
                     {IT::parallel, IT::parallel, IT::parallel, IT::parallel, IT::reduction},
                     [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                       Value p = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                       return {arith::AddFOp::create(b, l, a[3],
                                                     arith::MulFOp::create(b, l, p, a[2]))};
                     })
            .getResult(0);

    Value resultOut = emptyTensor(rewriter, loc, {batch, heads, queries, valueDim}, element);
    Value y = buildGeneric(rewriter, loc, resultOut.getType(), ValueRange{weighted, sum},
                           resultOut,
                           {id4, AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx), id4},
                           SmallVector<IT>(4, IT::parallel),
                           [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                             return {arith::DivFOp::create(b, l, a[0], a[1])};
                           })
                  .getResult(0);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

} // namespace

void populateAttentionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionPattern>(patterns.getContext());
}

} // namespace ternion
