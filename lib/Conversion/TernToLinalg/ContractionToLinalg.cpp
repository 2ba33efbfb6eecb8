//===- ContractionToLinalg.cpp - MatMul and tern.linear -------------------===//
//
// Contractions become linalg contractions over a zero-filled accumulator:
// `tern.linear` is C[m, n] = sum_k X[m, k] W[n, k] over the flattened
// leading dims of X (the weight keeps its [N, K] layout, so quantized
// variants can replace this lowering alone; a weight packed in panels,
// [N / P, K, P], computes C as [M, N / P, P]). The contraction carries the
// linear's weight format (tern.weight_format), which the target's kernels
// dispatch on after bufferization; MatMul is a generic
// batched contraction with numpy broadcasting of the batch dims. Gemm's
// transposes are indexing maps (no transposed copies) and alpha/beta/C an
// elementwise epilogue that fusion folds into the consumer; MatMulInteger
// widens to i32 and subtracts the zero points inside the contraction body,
// so the i8/u8 operands are read once and never materialized widened.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
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

Value zeroFilled(OpBuilder &b, Location loc, Value empty) {
  Type element = cast<RankedTensorType>(empty.getType()).getElementType();
  Value zero = arith::ConstantOp::create(b, loc, element, b.getZeroAttr(element));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// Multiply-accumulate body of a float or integer contraction.
void macBody(OpBuilder &b, Location loc, ValueRange args) {
  Value acc;
  if (auto accType = dyn_cast<FloatType>(args[2].getType())) {
    // A weight stored narrower (f16, bf16 panels) is widened to the
    // accumulator's type first.
    Value weight = args[1];
    if (weight.getType() != accType)
      weight = arith::ExtFOp::create(b, loc, accType, weight);
    acc = arith::AddFOp::create(b, loc, args[2], arith::MulFOp::create(b, loc, args[0], weight));
  }
  else {
    acc = arith::AddIOp::create(b, loc, args[2], arith::MulIOp::create(b, loc, args[0], args[1]));
  }
  linalg::YieldOp::create(b, loc, acc);
}

struct MatMulPattern : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto lhsType = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
    auto rhsType = dyn_cast<RankedTensorType>(adaptor.getRhs().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!lhsType || !rhsType || !resultType || lhsType.getRank() < 2 || rhsType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "only ranked operands of rank >= 2 are lowered");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank(), batch = rank - 2;
    // Loops: batch dims, m, n, k.
    unsigned numLoops = rank + 1;
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto operandMap = [&](RankedTensorType t, bool isLhs) {
      SmallVector<AffineExpr> exprs;
      int64_t tb = t.getRank() - 2;
      for (int64_t i = 0; i < tb; ++i) {
        int64_t loop = i + batch - tb;
        bool broadcasts = t.getDimSize(i) == 1 && resultType.getDimSize(loop) != 1;
        exprs.push_back(broadcasts ? getAffineConstantExpr(0, ctx) : d(loop));
      }
      if (isLhs) {
        exprs.push_back(d(batch));
        exprs.push_back(d(batch + 2));
      } else {
        exprs.push_back(d(batch + 2));
        exprs.push_back(d(batch + 1));
      }
      return AffineMap::get(numLoops, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < rank; ++i)
      outExprs.push_back(d(i));
    SmallVector<AffineMap> maps{operandMap(lhsType, true), operandMap(rhsType, false),
                                AffineMap::get(numLoops, 0, outExprs, ctx)};
    // Result dims: batch dims from a non-broadcasting operand, m from lhs,
    // n from rhs.
    SmallVector<Value> dynamicSizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      Value size;
      if (i == rank - 2) {
        size = tensor::DimOp::create(rewriter, loc, adaptor.getLhs(), lhsType.getRank() - 2);
      } else if (i == rank - 1) {
        size = tensor::DimOp::create(rewriter, loc, adaptor.getRhs(), rhsType.getRank() - 1);
      } else {
        for (auto [v, t] : {std::pair(adaptor.getLhs(), lhsType), std::pair(adaptor.getRhs(), rhsType)}) {
          int64_t od = i - (batch - (t.getRank() - 2));
          if (od >= 0 && t.getDimSize(od) != 1) {
            size = tensor::DimOp::create(rewriter, loc, v, od);
            break;
          }
        }
      }
      if (!size)
        return rewriter.notifyMatchFailure(op, "a dynamic batch dim has no source");
      dynamicSizes.push_back(size);
    }
    Value init = zeroFilled(rewriter, loc,
                            tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                                    resultType.getElementType(), dynamicSizes));
    SmallVector<utils::IteratorType> iterators(numLoops, utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(rewriter, loc, resultType,
                                             ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                                             ValueRange{init}, maps, iterators, macBody);
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// The accumulator a linear starts from, of `type` ([M, N] or the
/// [M, N / P, P] of panels): the bias (`[N]`, or `[N / P, P]` for panels)
/// broadcast over rows, else zeros.
Value linearInit(OpBuilder &b, Location loc, Value bias, RankedTensorType type,
                 ValueRange dynamicSizes) {
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                       dynamicSizes);
  if (!bias)
    return zeroFilled(b, loc, init);
  MLIRContext *ctx = b.getContext();
  unsigned rank = type.getRank();
  SmallVector<AffineExpr> biasExprs;
  for (unsigned i = 1; i < rank; ++i)
    biasExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps{AffineMap::get(rank, 0, biasExprs, ctx),
                              AffineMap::getMultiDimIdentityMap(rank, ctx)};
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{bias}, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
             [](OpBuilder &b, Location l, ValueRange args) {
               linalg::YieldOp::create(b, l, args[0]);
             })
      .getResult(0);
}

/// y[m, n] = init[m, n] + sum_k x[m, k] * w[n, k] for a [N, K] weight.
Value buildRowContraction(OpBuilder &b, Location loc, Value x, Value weight, Value bias,
                          RankedTensorType flatType, ValueRange dynamicSizes,
                          WeightFormatAttrInterface format) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  Value acc = linearInit(b, loc, bias, flatType, dynamicSizes);
  // (m, n, k): x[m, k] * w[n, k]
  SmallVector<AffineMap> maps{AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                              AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                              AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel,
                                             utils::IteratorType::parallel,
                                             utils::IteratorType::reduction};
  auto contraction = linalg::GenericOp::create(b, loc, flatType, ValueRange{x, weight},
                                               ValueRange{acc}, maps, iterators, macBody);
  contraction->setAttr(kWeightFormatAttrName, format);
  return contraction.getResult(0);
}

/// The same for a weight packed in panels, [N / P, K, P]: the result is
/// computed as [M, N / P, P] (every map a projected permutation, so the
/// contraction tiles and bufferizes like any other) and collapsed to
/// [M, N], a view once bufferized.
Value buildPanelContraction(OpBuilder &b, Location loc, Value x, Value weight, Value bias,
                            RankedTensorType flatType, ValueRange dynamicSizes,
                            WeightFormatAttrInterface format) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t panels = weightType.getDimSize(0), width = weightType.getDimSize(2);
  auto panelType = RankedTensorType::get({flatType.getDimSize(0), panels, width},
                                         flatType.getElementType());
  SmallVector<ReassociationIndices> lastTwo{{0}, {1, 2}};
  if (bias)
    bias = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({panels, width}, flatType.getElementType()), bias,
        SmallVector<ReassociationIndices>{{0, 1}});
  Value acc = linearInit(b, loc, bias, panelType, dynamicSizes);
  // (m, p, j, k): x[m, k] * w[p, k, j]
  SmallVector<AffineMap> maps{AffineMap::get(4, 0, {d(0), d(3)}, ctx),
                              AffineMap::get(4, 0, {d(1), d(3), d(2)}, ctx),
                              AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx)};
  SmallVector<utils::IteratorType> iterators{
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::parallel, utils::IteratorType::reduction};
  auto contraction = linalg::GenericOp::create(b, loc, panelType, ValueRange{x, weight},
                                               ValueRange{acc}, maps, iterators, macBody);
  contraction->setAttr(kWeightFormatAttrName, format);
  Value y = contraction.getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, flatType, y, lastTwo);
}

struct LinearPattern : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    auto weightType = cast<RankedTensorType>(adaptor.getWeight().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType || inputType.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "input is unranked");
    WeightFormatAttrInterface format = op.getWeightFormatOrRows();
    bool panel = isa<PanelsAttr>(format);
    if (panel && !weightType.hasStaticShape())
      return rejectUnsupported(op, rewriter, "a weight packed in panels with a dynamic shape");
    Location loc = op.getLoc();
    // x becomes [M, K]: a 1-D x is one row; leading dims flatten into M.
    // The same reassociation maps the [M, N] result back.
    RowsView view = collapseToRows(rewriter, loc, adaptor.getInput());
    Value x = view.rows;
    auto x2Type = cast<RankedTensorType>(x.getType());
    int64_t n = op.getOutputFeatures();
    auto flatType = RankedTensorType::get({x2Type.getDimSize(0), n}, resultType.getElementType());
    SmallVector<Value> dynamicSizes;
    if (flatType.isDynamicDim(0))
      dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, x, 0));
    Value y = panel ? buildPanelContraction(rewriter, loc, x, adaptor.getWeight(),
                                            adaptor.getBias(), flatType, dynamicSizes, format)
                    : buildRowContraction(rewriter, loc, x, adaptor.getWeight(),
                                          adaptor.getBias(), flatType, dynamicSizes, format);
    y = expandFromRows(rewriter, loc, y, view, resultType);
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct GemmPattern : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value a = adaptor.getA(), b = adaptor.getB(), c = adaptor.getC();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!aType || !bType || !resultType)
      return rejectUnsupported(op, rewriter, "unranked operands");
    Type element = resultType.getElementType();
    if (!isa<FloatType>(element) && !cast<IntegerType>(element).isSignless())
      return rejectUnsupported(op, rewriter, "unsigned integer Gemm");
    double alpha = op.getAlpha().convertToDouble(), beta = op.getBeta().convertToDouble();
    if (!isa<FloatType>(element) && (alpha != std::trunc(alpha) || beta != std::trunc(beta)))
      return rejectUnsupported(op, rewriter, "integer Gemm with a non-integral alpha or beta");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    bool transA = op.getTransA(), transB = op.getTransB();
    // Loops (m, n, k); the transposes only swap the operand maps.
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps{
        AffineMap::get(3, 0, transA ? ArrayRef<AffineExpr>{d(2), d(0)} : ArrayRef<AffineExpr>{d(0), d(2)}, ctx),
        AffineMap::get(3, 0, transB ? ArrayRef<AffineExpr>{d(1), d(2)} : ArrayRef<AffineExpr>{d(2), d(1)}, ctx),
        AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    SmallVector<OpFoldResult> sizes{tensor::getMixedSize(rewriter, loc, a, transA ? 1 : 0),
                                    tensor::getMixedSize(rewriter, loc, b, transB ? 0 : 1)};
    Value init = zeroFilled(rewriter, loc, tensor::EmptyOp::create(rewriter, loc, sizes, element));
    SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel,
                                               utils::IteratorType::parallel,
                                               utils::IteratorType::reduction};
    Value y = linalg::GenericOp::create(rewriter, loc, init.getType(), ValueRange{a, b},
                                        ValueRange{init}, maps, iterators, macBody)
                  .getResult(0);
    // ORT skips C when beta is 0 (so an inf in C does not turn into NaN).
    bool useC = c && beta != 0.0;
    if (alpha != 1.0 || useC) {
      auto yType = cast<RankedTensorType>(y.getType());
      SmallVector<Value> inputs{y};
      SmallVector<AffineMap> epilogueMaps{AffineMap::getMultiDimIdentityMap(2, ctx)};
      if (useC) {
        auto cType = dyn_cast<RankedTensorType>(c.getType());
        if (!cType)
          return rejectUnsupported(op, rewriter, "unranked C");
        inputs.push_back(c);
        epilogueMaps.push_back(getBroadcastMap(ctx, cType, yType.getShape(), 2));
      }
      epilogueMaps.push_back(AffineMap::getMultiDimIdentityMap(2, ctx));
      Value out = tensor::EmptyOp::create(rewriter, loc, sizes, element);
      bool isFloat = isa<FloatType>(element);
      auto scalar = [&](double v) {
        return isFloat ? floatConst(rewriter, loc, element, v)
                       : intConst(rewriter, loc, element, int64_t(v));
      };
      Value alphaValue = scalar(alpha), betaValue = scalar(beta);
      auto mul = [&](OpBuilder &nb, Location l, Value x, Value s) -> Value {
        return isFloat ? Value(arith::MulFOp::create(nb, l, x, s))
                       : Value(arith::MulIOp::create(nb, l, x, s));
      };
      y = linalg::GenericOp::create(
              rewriter, loc, yType, inputs, ValueRange{out}, epilogueMaps,
              SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
              [&](OpBuilder &nb, Location l, ValueRange args) {
                Value v = args[0];
                if (alpha != 1.0)
                  v = mul(nb, l, v, alphaValue);
                if (useC) {
                  Value cv = args[1];
                  if (beta != 1.0)
                    cv = mul(nb, l, cv, betaValue);
                  v = isFloat ? Value(arith::AddFOp::create(nb, l, v, cv))
                              : Value(arith::AddIOp::create(nb, l, v, cv));
                }
                linalg::YieldOp::create(nb, l, v);
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

/// ONNX MatMulInteger: numpy.matmul of (A - a_zero_point) and
/// (B - b_zero_point), both widened to i32 before the subtraction.
struct MatMulIntegerPattern : OpConversionPattern<MatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(MatMulIntegerOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!aType || !bType || !resultType)
      return rejectUnsupported(op, rewriter, "unranked operands");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    bool hasM = aType.getRank() >= 2, hasN = bType.getRank() >= 2;
    int64_t batch = rank - (hasM ? 1 : 0) - (hasN ? 1 : 0);
    // Loops: batch dims, m (if A is not a vector), n (if B is not a vector), k.
    unsigned numLoops = rank + 1;
    unsigned mLoop = batch, nLoop = batch + (hasM ? 1 : 0), kLoop = rank;
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto batchExprs = [&](RankedTensorType t, int64_t tb) {
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i < tb; ++i) {
        int64_t loop = i + batch - tb;
        bool broadcasts = t.getDimSize(i) == 1 && resultType.getDimSize(loop) != 1;
        exprs.push_back(broadcasts ? getAffineConstantExpr(0, ctx) : d(loop));
      }
      return exprs;
    };
    SmallVector<AffineExpr> aExprs = batchExprs(aType, std::max<int64_t>(aType.getRank() - 2, 0));
    if (hasM)
      aExprs.push_back(d(mLoop));
    aExprs.push_back(d(kLoop));
    SmallVector<AffineExpr> bExprs = batchExprs(bType, std::max<int64_t>(bType.getRank() - 2, 0));
    bExprs.push_back(d(kLoop));
    if (hasN)
      bExprs.push_back(d(nLoop));
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < rank; ++i)
      outExprs.push_back(d(i));
    SmallVector<Value> inputs{a, b};
    SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, aExprs, ctx),
                                AffineMap::get(numLoops, 0, bExprs, ctx)};
    // A zero point is per tensor (one element) or, as a vector, per row of A
    // ([M]) or per column of B ([N]).
    auto addZeroPoint = [&](Value zp, bool isA) -> LogicalResult {
      auto zpType = dyn_cast<RankedTensorType>(zp.getType());
      if (!zpType)
        return failure();
      bool perTensor = llvm::all_of(zpType.getShape(), [](int64_t s) { return s == 1; });
      SmallVector<AffineExpr> exprs;
      if (perTensor) {
        exprs.assign(zpType.getRank(), getAffineConstantExpr(0, ctx));
      } else if (zpType.getRank() == 1 && (isA ? hasM : hasN)) {
        exprs.push_back(d(isA ? mLoop : nLoop));
      } else {
        return failure();
      }
      inputs.push_back(zp);
      maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
      return success();
    };
    bool hasAZp = bool(adaptor.getAZeroPoint()), hasBZp = bool(adaptor.getBZeroPoint());
    if ((hasAZp && failed(addZeroPoint(adaptor.getAZeroPoint(), true))) ||
        (hasBZp && failed(addZeroPoint(adaptor.getBZeroPoint(), false))))
      return rejectUnsupported(op, rewriter,
                               "zero points must be scalars, a [M] vector for A or a [N] "
                               "vector for B");
    maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));

    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i)) {
        sizes.push_back(rewriter.getIndexAttr(resultType.getDimSize(i)));
        continue;
      }
      Value size;
      if (hasM && i == mLoop) {
        size = tensor::DimOp::create(rewriter, loc, a, aType.getRank() - 2);
      } else if (hasN && i == nLoop) {
        size = tensor::DimOp::create(rewriter, loc, b, bType.getRank() - 1);
      } else {
        for (auto [v, t] : {std::pair(a, aType), std::pair(b, bType)}) {
          int64_t od = i - (batch - std::max<int64_t>(t.getRank() - 2, 0));
          if (od >= 0 && od < t.getRank() - 2 && t.getDimSize(od) != 1) {
            size = tensor::DimOp::create(rewriter, loc, v, od);
            break;
          }
        }
      }
      if (!size)
        return rejectUnsupported(op, rewriter, "a dynamic batch dim has no source");
      sizes.push_back(size);
    }
    Type i32 = rewriter.getI32Type();
    Value init = zeroFilled(rewriter, loc, tensor::EmptyOp::create(rewriter, loc, sizes, i32));
    SmallVector<utils::IteratorType> iterators(numLoops, utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;
    auto widen = [&](OpBuilder &nb, Location l, Value v, Type original) -> Value {
      if (isUnsignedInteger(original))
        return arith::ExtUIOp::create(nb, l, i32, v);
      return arith::ExtSIOp::create(nb, l, i32, v);
    };
    Type aElement = aType.getElementType(), bElement = bType.getElementType();
    Value y = buildGeneric(
                  rewriter, loc, init.getType(), inputs, init, maps, iterators,
                  [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
                    Value av = widen(nb, l, args[0], aElement);
                    Value bv = widen(nb, l, args[1], bElement);
                    unsigned next = 2;
                    if (hasAZp)
                      av = arith::SubIOp::create(
                          nb, l, av,
                          widen(nb, l, args[next++],
                                getElementTypeOrSelf(adaptor.getAZeroPoint().getType())));
                    if (hasBZp)
                      bv = arith::SubIOp::create(
                          nb, l, bv,
                          widen(nb, l, args[next++],
                                getElementTypeOrSelf(adaptor.getBZeroPoint().getType())));
                    return {arith::AddIOp::create(nb, l, args.back(),
                                                  arith::MulIOp::create(nb, l, av, bv))};
                  })
                  .getResult(0);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

} // namespace

void populateContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulPattern, LinearPattern, GemmPattern, MatMulIntegerPattern>(
      patterns.getContext());
}

} // namespace ternion
