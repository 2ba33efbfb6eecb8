//===- ContractionToLinalg.cpp - MatMul and tern.linear -------------------===//
//
// Contractions become linalg contractions over a zero-filled accumulator:
// `tern.linear` is C[m, n] = sum_k X[m, k] W[n, k] over the flattened
// leading dims of X (the weight keeps its [N, K] layout, so packed and
// quantized variants can replace this lowering alone); MatMul is a generic
// batched contraction with numpy broadcasting of the batch dims.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
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
  if (isa<FloatType>(args[2].getType()))
    acc = arith::AddFOp::create(b, loc, args[2], arith::MulFOp::create(b, loc, args[0], args[1]));
  else
    acc = arith::AddIOp::create(b, loc, args[2], arith::MulIOp::create(b, loc, args[0], args[1]));
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

struct LinearPattern : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    auto weightType = cast<RankedTensorType>(adaptor.getWeight().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType || inputType.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "input is unranked");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    int64_t rank = inputType.getRank();
    // x becomes [M, K]: a 1-D x is one row; leading dims flatten into M.
    // The same reassociation maps the [M, N] result back.
    Value x = adaptor.getInput();
    SmallVector<ReassociationIndices> reassociation;
    if (rank == 1) {
      reassociation = {{0, 1}};
      auto rowType = RankedTensorType::get({1, inputType.getDimSize(0)},
                                           inputType.getElementType());
      x = tensor::ExpandShapeOp::create(rewriter, loc, rowType, x, reassociation);
    } else if (rank > 2) {
      ReassociationIndices leading;
      for (int64_t i = 0; i < rank - 1; ++i)
        leading.push_back(i);
      reassociation = {leading, {rank - 1}};
      x = tensor::CollapseShapeOp::create(rewriter, loc, x, reassociation);
    }
    auto x2Type = cast<RankedTensorType>(x.getType());
    int64_t n = weightType.getDimSize(0);
    auto flatType = RankedTensorType::get({x2Type.getDimSize(0), n}, resultType.getElementType());
    SmallVector<Value> dynamicSizes;
    if (flatType.isDynamicDim(0))
      dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, x, 0));
    Value init = tensor::EmptyOp::create(rewriter, loc, flatType.getShape(),
                                         flatType.getElementType(), dynamicSizes);
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    Value acc;
    if (Value bias = adaptor.getBias()) {
      // Start from the bias broadcast over rows instead of zero.
      SmallVector<AffineMap> maps{AffineMap::get(2, 0, {d(1)}, ctx),
                                  AffineMap::getMultiDimIdentityMap(2, ctx)};
      acc = linalg::GenericOp::create(
                rewriter, loc, flatType, ValueRange{bias}, ValueRange{init}, maps,
                SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                [](OpBuilder &b, Location l, ValueRange args) {
                  linalg::YieldOp::create(b, l, args[0]);
                })
                .getResult(0);
    } else {
      acc = zeroFilled(rewriter, loc, init);
    }
    // (m, n, k): x[m, k] * w[n, k]
    SmallVector<AffineMap> maps{AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                                AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel,
                                               utils::IteratorType::parallel,
                                               utils::IteratorType::reduction};
    Value y = linalg::GenericOp::create(rewriter, loc, flatType,
                                        ValueRange{x, adaptor.getWeight()}, ValueRange{acc},
                                        maps, iterators, macBody)
                  .getResult(0);
    if (rank == 1) {
      y = tensor::CollapseShapeOp::create(rewriter, loc, resultType, y, reassociation);
    } else if (rank > 2) {
      SmallVector<OpFoldResult> outputShape;
      for (int64_t i = 0; i < resultType.getRank(); ++i) {
        if (!resultType.isDynamicDim(i))
          outputShape.push_back(rewriter.getIndexAttr(resultType.getDimSize(i)));
        else
          outputShape.push_back(
              tensor::DimOp::create(rewriter, loc, adaptor.getInput(), i).getResult());
      }
      y = tensor::ExpandShapeOp::create(rewriter, loc, resultType, y, reassociation,
                                        outputShape);
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populateContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulPattern, LinearPattern>(patterns.getContext());
}

} // namespace ternion
