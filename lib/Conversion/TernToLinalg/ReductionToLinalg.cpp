//===- ReductionToLinalg.cpp - ReduceMean/Sum/Max, ArgMax, CumSum ---------===//
//
// Reductions are one linalg.generic with reduction iterators over a filled
// accumulator that drops the reduced dims; keepdims reinserts them with
// tensor.expand_shape, so the reduction itself has the projected-permutation
// maps that tiling and fusion expect. ArgMax carries the running maximum as
// a second accumulator. CumSum has no upstream scan op in linalg: it is a
// generic with an extra reduction loop over the axis that masks the terms
// outside the prefix (quadratic in the axis length, which is fine for the
// short axes of transformer graphs: position ids from an attention mask).
//
//===----------------------------------------------------------------------===//
#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

/// The shape of `inputType` with `axes` dropped or, with keepdims, set to 1.
RankedTensorType getReducedType(RankedTensorType inputType, ArrayRef<int64_t> axes,
                                bool keepdims, Type element) {
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < inputType.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(inputType.getDimSize(d));
    else if (keepdims)
      shape.push_back(1);
  }
  return RankedTensorType::get(shape, element);
}

enum class ReduceKind { Sum, Mean, Max };

template <typename OpTy, ReduceKind Kind>
struct ReducePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType)
      return rejectUnsupported(op, rewriter, "unranked input");
    Location loc = op.getLoc();
    int64_t rank = inputType.getRank();
    // ONNX: absent or empty axes reduce over all dims, unless
    // noop_with_empty_axes makes the op an identity.
    SmallVector<int64_t> axes;
    std::optional<ArrayAttr> axesAttr = op.getAxes();
    if (axesAttr && !axesAttr->empty()) {
      for (Attribute a : *axesAttr) {
        auto axis = normalizeAxis(cast<IntegerAttr>(a).getInt(), rank);
        if (!axis)
          return rejectUnsupported(op, rewriter, "axis out of range");
        if (!llvm::is_contained(axes, *axis))
          axes.push_back(*axis);
      }
      llvm::sort(axes);
    } else if (op.getNoopWithEmptyAxes()) {
      rewriter.replaceOp(op, castTo(rewriter, loc, input, resultType));
      return success();
    } else {
      axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    }

    Type element = inputType.getElementType();
    Type signless = getSignless(element);
    bool isFloat = isa<FloatType>(element);
    bool isUnsigned = isUnsignedInteger(element);
    Value init = Kind == ReduceKind::Max ? lowestValue(rewriter, loc, signless, isUnsigned)
                                         : Value(arith::ConstantOp::create(
                                               rewriter, loc, signless,
                                               rewriter.getZeroAttr(signless)));
    Value reduced = buildReduction(
        rewriter, loc, input, axes, init,
        [&](OpBuilder &b, Location l, Value x, Value acc) -> Value {
          if (Kind == ReduceKind::Max) {
            // maximumf propagates NaN like numpy's maximum.reduce.
            if (isFloat)
              return arith::MaximumFOp::create(b, l, x, acc);
            if (isUnsigned)
              return arith::MaxUIOp::create(b, l, x, acc);
            return arith::MaxSIOp::create(b, l, x, acc);
          }
          // reassoc: the sum may be computed in any order, so LLVM
          // vectorizes it instead of running one add after another.
          if (isFloat)
            return arith::AddFOp::create(b, l, x, acc, arith::FastMathFlags::reassoc);
          return arith::AddIOp::create(b, l, x, acc);
        });
    if (Kind == ReduceKind::Mean) {
      Value count = getNumElements(rewriter, loc, input, axes);
      Value countInt = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), count);
      // Integer means divide in i64 (truncating, then narrowed back): the
      // count need not fit the element type.
      Value divisor = isFloat ? Value(arith::SIToFPOp::create(rewriter, loc, signless, countInt))
                              : countInt;
      Type i64 = rewriter.getI64Type();
      auto reducedType = cast<RankedTensorType>(reduced.getType());
      unsigned r = reducedType.getRank();
      SmallVector<AffineMap> maps(2, AffineMap::getMultiDimIdentityMap(r, op.getContext()));
      Value out = emptyTensor(rewriter, loc, getSizes(rewriter, loc, reduced), element);
      reduced = buildGeneric(rewriter, loc, out.getType(), reduced, out, maps,
                             SmallVector<utils::IteratorType>(r, utils::IteratorType::parallel),
                             [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                               if (isFloat)
                                 return {arith::DivFOp::create(b, l, args[0], divisor)};
                               if (signless == i64)
                                 return {arith::DivSIOp::create(b, l, args[0], divisor)};
                               Value wide =
                                   isUnsigned ? Value(arith::ExtUIOp::create(b, l, i64, args[0]))
                                              : Value(arith::ExtSIOp::create(b, l, i64, args[0]));
                               Value mean = isUnsigned
                                                ? Value(arith::DivUIOp::create(b, l, wide, divisor))
                                                : Value(arith::DivSIOp::create(b, l, wide, divisor));
                               return {arith::TruncIOp::create(b, l, signless, mean)};
                             })
                    .getResult(0);
    }
    if (op.getKeepdims())
      reduced = expandReducedDims(rewriter, loc, reduced,
                                  getReducedType(inputType, axes, true, element), axes);
    rewriter.replaceOp(op, castTo(rewriter, loc, reduced, resultType));
    return success();
  }
};

struct ArgMaxPattern : OpConversionPattern<ArgMaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ArgMaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType)
      return rejectUnsupported(op, rewriter, "unranked input");
    auto axis = normalizeAxis(op.getAxis(), inputType.getRank());
    if (!axis)
      return rejectUnsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    unsigned rank = inputType.getRank();
    Type element = inputType.getElementType();
    Type signless = getSignless(element);
    bool isFloat = isa<FloatType>(element);
    bool isUnsigned = isUnsignedInteger(element);
    bool last = op.getSelectLastIndex();

    SmallVector<OpFoldResult> sizes;
    SmallVector<OpFoldResult> inputSizes = getSizes(rewriter, loc, input);
    for (unsigned d = 0; d < rank; ++d)
      if (d != *axis)
        sizes.push_back(inputSizes[d]);
    Value maxInit = filledTensor(rewriter, loc, sizes,
                                 lowestValue(rewriter, loc, signless, isUnsigned), element);
    Value indexInit =
        filledTensor(rewriter, loc, sizes, intConst(rewriter, loc, rewriter.getI64Type(), 0));
    AffineMap reducedMap = getDroppedDimsMap(ctx, rank, {*axis});
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx), reducedMap,
                                reducedMap};
    auto generic = buildGeneric(
        rewriter, loc, TypeRange{maxInit.getType(), indexInit.getType()}, input,
        ValueRange{maxInit, indexInit}, maps, getIterators(rank, {*axis}),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value x = args[0], best = args[1], bestIndex = args[2];
          // Ties keep the first index (strict >) unless select_last_index
          // (>=). A NaN wins like in numpy.argmax: the first NaN, or the
          // last one with select_last_index.
          Value take;
          if (isFloat) {
            Value xNaN = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
            if (last) {
              Value ge = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, x, best);
              take = arith::OrIOp::create(b, l, ge, xNaN);
            } else {
              Value gt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, best);
              Value bestOrdered =
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::ORD, best, best);
              take = arith::OrIOp::create(b, l, gt,
                                          arith::AndIOp::create(b, l, xNaN, bestOrdered));
            }
          } else {
            arith::CmpIPredicate pred =
                isUnsigned ? (last ? arith::CmpIPredicate::uge : arith::CmpIPredicate::ugt)
                           : (last ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sgt);
            take = arith::CmpIOp::create(b, l, pred, x, best);
          }
          Value index = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                   linalg::IndexOp::create(b, l, *axis));
          return {arith::SelectOp::create(b, l, take, x, best),
                  arith::SelectOp::create(b, l, take, index, bestIndex)};
        });
    Value result = generic.getResult(1);
    if (op.getKeepdims())
      result = expandReducedDims(
          rewriter, loc, result,
          getReducedType(inputType, {*axis}, true, rewriter.getI64Type()), {*axis});
    rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
    return success();
  }
};

struct CumSumPattern : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType || inputType.getRank() == 0)
      return rejectUnsupported(op, rewriter, "the input must be ranked with rank >= 1");
    auto axis = normalizeAxis(op.getAxis(), inputType.getRank());
    if (!axis)
      return rejectUnsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    unsigned rank = inputType.getRank();
    Type signless = getSignless(inputType.getElementType());
    bool isFloat = isa<FloatType>(signless);
    bool exclusive = op.getExclusive(), reverse = op.getReverse();

    // Loops: the output dims, then j (the summed position along the axis).
    // out[.., i, ..] = sum_j x[.., j, ..] for j in the prefix (or suffix) of i.
    Value init = filledTensor(rewriter, loc, getSizes(rewriter, loc, input),
                              arith::ConstantOp::create(rewriter, loc, signless,
                                                        rewriter.getZeroAttr(signless)),
                              inputType.getElementType());
    SmallVector<AffineExpr> inputExprs;
    for (unsigned d = 0; d < rank; ++d)
      inputExprs.push_back(getAffineDimExpr(d == *axis ? rank : d, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, inputExprs, ctx),
                                getDroppedDimsMap(ctx, rank + 1, {int64_t(rank)})};
    SmallVector<utils::IteratorType> iterators(rank + 1, utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;
    arith::CmpIPredicate pred = reverse ? (exclusive ? arith::CmpIPredicate::sgt
                                                     : arith::CmpIPredicate::sge)
                                        : (exclusive ? arith::CmpIPredicate::slt
                                                     : arith::CmpIPredicate::sle);
    Value sum =
        buildGeneric(rewriter, loc, init.getType(), input, init, maps, iterators,
                     [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                       Value i = linalg::IndexOp::create(b, l, *axis);
                       Value j = linalg::IndexOp::create(b, l, rank);
                       Value inPrefix = arith::CmpIOp::create(b, l, pred, j, i);
                       Value zero = arith::ConstantOp::create(b, l, signless,
                                                              b.getZeroAttr(signless));
                       Value term = arith::SelectOp::create(b, l, inPrefix, args[0], zero);
                       if (isFloat)
                         return {arith::AddFOp::create(b, l, args[1], term)};
                       return {arith::AddIOp::create(b, l, args[1], term)};
                     })
            .getResult(0);
    rewriter.replaceOp(op, castTo(rewriter, loc, sum, resultType));
    return success();
  }
};

} // namespace

void populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ReducePattern<ReduceSumOp, ReduceKind::Sum>,
               ReducePattern<ReduceMeanOp, ReduceKind::Mean>,
               ReducePattern<ReduceMaxOp, ReduceKind::Max>, ArgMaxPattern, CumSumPattern>(ctx);
}

} // namespace ternion
