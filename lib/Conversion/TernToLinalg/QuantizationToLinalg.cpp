//===- QuantizationToLinalg.cpp - (De)QuantizeLinear, DynamicQuantizeLinear ===//
//
// ONNX linear quantization as elementwise generics: the scale and zero point
// are read through indexing maps (constant for per-tensor, the axis loop for
// per-axis), so no broadcast copies exist. Rounding is half to even
// (math.roundeven) and saturation clamps in floating point before the
// conversion to the 8-bit type, as the ONNX reference does; fptosi/fptoui
// of an out-of-range value would be poison. DynamicQuantizeLinear is a
// min/max reduction into rank-0 tensors, a rank-0 generic for the scale and
// zero point, and the quantizing generic that reads both.
//
//===----------------------------------------------------------------------===//
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

/// The map that reads a scale or zero point of type `paramType` inside the
/// `rank` loops of the quantized tensor: per tensor when it has one element,
/// per axis when it is a vector along `axis`. Null otherwise (blocked
/// quantization, which the importer already rejects).
AffineMap getParamMap(MLIRContext *ctx, RankedTensorType paramType, RankedTensorType xType,
                      int64_t axis) {
  unsigned rank = xType.getRank();
  if (llvm::all_of(paramType.getShape(), [](int64_t s) { return s == 1; })) {
    SmallVector<AffineExpr> zeros(paramType.getRank(), getAffineConstantExpr(0, ctx));
    return AffineMap::get(rank, 0, zeros, ctx);
  }
  if (paramType.getRank() != 1 || axis < 0 || axis >= int64_t(rank))
    return {};
  int64_t n = paramType.getDimSize(0), dim = xType.getDimSize(axis);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(dim) && n != dim)
    return {};
  return AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx), ctx);
}

/// Converts the integer `v` (signless, `original` says its signedness) to
/// the float type `to`.
Value intToFloat(OpBuilder &b, Location loc, Value v, Type original, Type to) {
  if (isUnsignedInteger(original))
    return arith::UIToFPOp::create(b, loc, to, v);
  return arith::SIToFPOp::create(b, loc, to, v);
}

/// saturate(roundeven(v) + zeroPoint) as the signless integer type of
/// `quantized` (ui8 or i8); `v` and `zeroPoint` are floats.
Value quantizeScalar(OpBuilder &b, Location loc, Value v, Value zeroPoint, Type quantized) {
  Type floatType = v.getType();
  bool isUnsigned = isUnsignedInteger(quantized);
  unsigned width = quantized.getIntOrFloatBitWidth();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  Value r = math::RoundEvenOp::create(b, loc, v);
  if (zeroPoint)
    r = arith::AddFOp::create(b, loc, r, zeroPoint);
  r = arith::MaximumFOp::create(b, loc, r, floatConst(b, loc, floatType, lo));
  r = arith::MinimumFOp::create(b, loc, r, floatConst(b, loc, floatType, hi));
  Type signless = getSignless(quantized);
  if (isUnsigned)
    return arith::FPToUIOp::create(b, loc, signless, r);
  return arith::FPToSIOp::create(b, loc, signless, r);
}

template <typename OpTy, bool IsQuantize>
struct LinearQuantPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput(), scale = adaptor.getScale(), zp = adaptor.getZeroPoint();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto scaleType = dyn_cast<RankedTensorType>(scale.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto zpType = zp ? dyn_cast<RankedTensorType>(zp.getType()) : RankedTensorType();
    if (!xType || !scaleType || !resultType || (zp && !zpType))
      return rejectUnsupported(op, rewriter, "unranked operands");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    unsigned rank = xType.getRank();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    AffineMap scaleMap = getParamMap(ctx, scaleType, xType, axis);
    AffineMap zpMap = zp ? getParamMap(ctx, zpType, xType, axis) : AffineMap();
    if (!scaleMap || (zp && !zpMap))
      return rejectUnsupported(
          op, rewriter,
          "scale and zero point must have one element or be a vector along `axis`");
    Type xElement = xType.getElementType(), resultElement = resultType.getElementType();
    Type zpElement = zp ? zpType.getElementType() : Type();
    SmallVector<Value> inputs{x, scale};
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    SmallVector<AffineMap> maps{id, scaleMap};
    if (zp) {
      inputs.push_back(zp);
      maps.push_back(zpMap);
    }
    maps.push_back(id);
    Value out = emptyTensor(rewriter, loc, getSizes(rewriter, loc, x), resultElement);
    Value y = buildGeneric(
                  rewriter, loc, out.getType(), inputs, out, maps,
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                    if (IsQuantize) {
                      Value s = convertFloat(b, l, a[1], xElement);
                      Value z = zp ? intToFloat(b, l, a[2], zpElement, xElement) : Value();
                      Value v = arith::DivFOp::create(b, l, a[0], s);
                      return {quantizeScalar(b, l, v, z, resultElement)};
                    }
                    // (x - zero_point) * scale, both converted to float first
                    // like the reference (exact for 8-bit values).
                    Value v = intToFloat(b, l, a[0], xElement, resultElement);
                    if (zp)
                      v = arith::SubFOp::create(
                          b, l, v, intToFloat(b, l, a[2], zpElement, resultElement));
                    return {arith::MulFOp::create(b, l, v,
                                                  convertFloat(b, l, a[1], resultElement))};
                  })
                  .getResult(0);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

/// ONNX DynamicQuantizeLinear (uint8):
///   x_min = min(0, min(x)), x_max = max(0, max(x))
///   scale = (x_max - x_min) / 255
///   zero_point = roundeven(saturate(0 - x_min / scale))
///   y = saturate(roundeven(x / scale) + zero_point)
/// An all-zero input would give scale 0 and NaNs; like onnxruntime and the
/// newer ONNX reference, the range is then taken as 1.
struct DynamicQuantizePattern : OpConversionPattern<DynamicQuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType)
      return rejectUnsupported(op, rewriter, "unranked input");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    unsigned rank = xType.getRank();
    Type f32 = rewriter.getF32Type();
    Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
    SmallVector<utils::IteratorType> reduction(rank, utils::IteratorType::reduction);
    SmallVector<utils::IteratorType> parallel(rank, utils::IteratorType::parallel);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalarMap = AffineMap::get(rank, 0, {}, ctx);

    // Accumulators start at 0, which folds in the min(0, .)/max(0, .).
    Value zero = floatConst(rewriter, loc, f32, 0.0);
    Value minInit = filledTensor(rewriter, loc, {}, zero);
    Value maxInit = filledTensor(rewriter, loc, {}, zero);
    auto range = buildGeneric(rewriter, loc, TypeRange{minInit.getType(), maxInit.getType()}, x,
                              ValueRange{minInit, maxInit}, {id, scalarMap, scalarMap},
                              reduction,
                              [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                                return {arith::MinimumFOp::create(b, l, a[0], a[1]),
                                        arith::MaximumFOp::create(b, l, a[0], a[2])};
                              });
    Value scaleOut = emptyTensor(rewriter, loc, {}, f32);
    Value zpOut = emptyTensor(rewriter, loc, {}, u8);
    AffineMap rank0 = AffineMap::get(0, 0, {}, ctx);
    auto params = buildGeneric(
        rewriter, loc, TypeRange{scaleOut.getType(), zpOut.getType()}, range.getResults(),
        ValueRange{scaleOut, zpOut}, {rank0, rank0, rank0, rank0}, {},
        [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
          Value lo = a[0], hi = a[1];
          Value width = arith::SubFOp::create(b, l, hi, lo);
          Value degenerate =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, width, zero);
          width = arith::SelectOp::create(b, l, degenerate, floatConst(b, l, f32, 1.0), width);
          Value scale = arith::DivFOp::create(b, l, width, floatConst(b, l, f32, 255.0));
          Value zp = arith::SubFOp::create(b, l, zero, arith::DivFOp::create(b, l, lo, scale));
          return {scale, quantizeScalar(b, l, zp, Value(), u8)};
        });
    Value scale = params.getResult(0), zp = params.getResult(1);
    Value yOut = emptyTensor(rewriter, loc, getSizes(rewriter, loc, x), u8);
    Value y = buildGeneric(rewriter, loc, yOut.getType(), ValueRange{x, scale, zp}, yOut,
                           {id, scalarMap, scalarMap, id}, parallel,
                           [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                             Value v = arith::DivFOp::create(b, l, a[0], a[1]);
                             Value z = arith::UIToFPOp::create(b, l, f32, a[2]);
                             return {quantizeScalar(b, l, v, z, u8)};
                           })
                  .getResult(0);
    SmallVector<Value> results{y, scale, zp};
    for (auto [v, result] : llvm::zip_equal(results, op.getResults()))
      if (v.getType() != result.getType())
        v = tensor::CastOp::create(rewriter, loc, result.getType(), v);
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateQuantizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LinearQuantPattern<QuantizeLinearOp, true>,
               LinearQuantPattern<DequantizeLinearOp, false>, DynamicQuantizePattern>(
      patterns.getContext());
}

} // namespace ternion
