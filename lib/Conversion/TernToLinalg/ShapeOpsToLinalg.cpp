//===- ShapeOpsToLinalg.cpp - Shape, ConstantOfShape, Range, Trilu --------===//
//
// The ops that make shapes, masks and position ids in decoder graphs. When
// their inputs are constant the tern folders have already replaced them;
// what reaches this lowering depends on run-time sizes, so every size here
// is read from the operands (tensor.dim, tensor.extract) at run time.
// Generators are linalg.generics over linalg.index, so they fuse with their
// consumers like any elementwise op. (tern.identity is lowered with the
// elementwise ops.)
//
//===----------------------------------------------------------------------===//
#include "ternion/Conversion/ShapeUtils.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <algorithm>

using namespace mlir;
using namespace ternion::tern;
using arith::CmpIPredicate;

namespace ternion {
namespace {

struct ShapePattern : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    // Opset 15: start and end count from the back when negative and clamp
    // to [0, rank].
    int64_t rank = inputType.getRank();
    auto clampBound = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
    int64_t start = clampBound(int64_t(op.getStart()));
    int64_t end = op.getEnd() ? clampBound(int64_t(*op.getEnd())) : rank;
    Location loc = op.getLoc();
    Type i64 = rewriter.getI64Type();
    SmallVector<Value> dims;
    for (int64_t d = start; d < end; ++d)
      dims.push_back(fromIndex(rewriter, loc, dimValue(rewriter, loc, adaptor.getInput(), d), i64));
    auto type = RankedTensorType::get({int64_t(dims.size())}, i64);
    Value shape;
    if (dims.empty())
      shape = arith::ConstantOp::create(rewriter, loc,
                                        DenseElementsAttr::get(type, ArrayRef<int64_t>{}));
    else
      shape = tensor::FromElementsOp::create(rewriter, loc, type, dims);
    rewriter.replaceOp(op, castTo(rewriter, loc, shape, op.getType()));
    return success();
  }
};

/// The one element of a ConstantOfShape value (dense or dense_resource).
TypedAttr scalarOf(ElementsAttr value) {
  Type element = value.getElementType();
  if (auto ints = getIntValues(value); ints && isa<IntegerType>(element))
    return IntegerAttr::get(element, (*ints)[0]);
  if (auto floats = getFloatValues(value); floats && isa<FloatType>(element))
    return FloatAttr::get(element, (*floats)[0]);
  return {};
}

struct ConstantOfShapePattern : OpConversionPattern<ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ConstantOfShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        rankedOrReport(op.getResult(), "the result (a shape of unknown length)", op, rewriter);
    if (!resultType)
      return failure();
    TypedAttr scalar = scalarOf(op.getValue());
    if (!scalar)
      return unsupported(op, rewriter, "a value that is not an integer or float");
    Location loc = op.getLoc();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      sizes.push_back(resultType.isDynamicDim(d)
                          ? extractElement(rewriter, loc, adaptor.getShape(), d, true)
                          : Value());
    Value init = emptyWithSizes(rewriter, loc, resultType, sizes);
    Value fill = arith::ConstantOp::create(rewriter, loc, scalar);
    rewriter.replaceOp(op, linalg::FillOp::create(rewriter, loc, fill, init).getResults());
    return success();
  }
};

struct RangePattern : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    for (Value v : adaptor.getOperands())
      if (!rankedOrReport(v, "an operand", op, rewriter))
        return failure();
    Location loc = op.getLoc();
    Type element = resultType.getElementType();
    Value start = extractElement(rewriter, loc, adaptor.getStart(), 0, false);
    Value limit = extractElement(rewriter, loc, adaptor.getLimit(), 0, false);
    Value delta = extractElement(rewriter, loc, adaptor.getDelta(), 0, false);
    // max(ceil((limit - start) / delta), 0) elements; floats in double, as
    // numpy.arange (ONNX's reference) computes the length.
    Value length;
    if (auto floatType = dyn_cast<FloatType>(element)) {
      Type f64 = rewriter.getF64Type();
      auto wide = [&](Value v) -> Value {
        return floatType.getWidth() < 64 ? Value(arith::ExtFOp::create(rewriter, loc, f64, v)) : v;
      };
      Value q = arith::DivFOp::create(
          rewriter, loc, arith::SubFOp::create(rewriter, loc, wide(limit), wide(start)),
          wide(delta));
      length = arith::FPToSIOp::create(rewriter, loc, rewriter.getI64Type(),
                                       math::CeilOp::create(rewriter, loc, q));
    } else if (isa<IntegerType>(element)) {
      length = arith::CeilDivSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, limit, start), delta);
    } else {
      return unsupported(op, rewriter, "an element type that is not an integer or float");
    }
    length =
        maxIndex(rewriter, loc, toIndex(rewriter, loc, length), indexConstant(rewriter, loc, 0));
    Value init = emptyWithSizes(rewriter, loc, resultType, {length});
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(1, op.getContext())},
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange) {
          // Element i is start + i * delta.
          Value i = linalg::IndexOp::create(b, l, 0);
          Value v;
          if (isa<FloatType>(element)) {
            Value fi = arith::SIToFPOp::create(b, l, element,
                                               arith::IndexCastOp::create(b, l, b.getI64Type(), i));
            v = arith::AddFOp::create(b, l, start, arith::MulFOp::create(b, l, fi, delta));
          } else {
            v = arith::AddIOp::create(
                b, l, start, arith::MulIOp::create(b, l, fromIndex(b, l, i, element), delta));
          }
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct TriluPattern : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = inputType.getRank();
    Value k = adaptor.getK() ? extractElement(rewriter, loc, adaptor.getK(), 0, true)
                             : indexConstant(rewriter, loc, 0);
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(dimValue(rewriter, loc, input, d));
    Value init = emptyWithSizes(rewriter, loc, resultType, sizes);
    bool upper = op.getUpper();
    Value zero = zeroOf(rewriter, loc, resultType.getElementType());
    auto identity = AffineMap::getMultiDimIdentityMap(rank, op.getContext());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{input}, ValueRange{init},
        SmallVector<AffineMap>{identity, identity},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          // Element (i, j) is kept when j - i >= k (upper) or <= k (lower).
          Value i = linalg::IndexOp::create(b, l, rank - 2);
          Value j = linalg::IndexOp::create(b, l, rank - 1);
          Value diff = subIndex(b, l, j, i);
          Value keep = cmpIndex(b, l, upper ? CmpIPredicate::sge : CmpIPredicate::sle, diff, k);
          linalg::YieldOp::create(b, l,
                                  arith::SelectOp::create(b, l, keep, args[0], zero).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void populateShapeOpsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ShapePattern, ConstantOfShapePattern, RangePattern, TriluPattern>(
      patterns.getContext());
}

} // namespace ternion
