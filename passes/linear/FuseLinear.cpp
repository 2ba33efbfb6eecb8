//===- FuseLinear.cpp - form tern.linear ----------------------------------===//
//
// torch exports nn.Linear as MatMul(x, W^T) with the transpose folded into a
// [K, N] initializer (or as Gemm with transB=1 for 2-D inputs). tern.linear
// keeps the weight as [N, K], one row per output feature: the layout that
// row-scaled quantization and ternary packing work on.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/WeightTransforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ternion {
#define GEN_PASS_DEF_TERNFUSELINEAR
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion;
using namespace ternion::tern;

namespace {

struct Counters {
  int64_t matmul = 0, gemm = 0, bias = 0, transposed = 0;
  int64_t minFeatures = 1;
};

/// The [N, K] weight for a right-hand side `rhs` of shape [K, N]: the input
/// of a 2-D Transpose of a constant, or a transposed copy of a constant.
Value getNKWeight(PatternRewriter &rewriter, Value rhs, Counters &counters) {
  if (auto transpose = rhs.getDefiningOp<TransposeOp>()) {
    if (transpose.getPerm() == ArrayRef<int64_t>{1, 0} &&
        getConstantAttr(transpose.getInput()))
      return transpose.getInput();
  }
  ElementsAttr attr = getConstantAttr(rhs);
  if (!attr)
    return {};
  ElementsAttr transposed = transposeConstant2D(attr);
  if (!transposed)
    return {};
  ++counters.transposed;
  return ConstantOp::create(rewriter, rhs.getLoc(), transposed);
}

bool isConstant2DFloat(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getRank() == 2 && t.hasStaticShape() && isa<FloatType>(t.getElementType());
}

struct MatMulToLinear : OpRewritePattern<MatMulOp> {
  MatMulToLinear(MLIRContext *ctx, Counters &counters)
      : OpRewritePattern(ctx), counters(counters) {}

  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    Value rhs = op.getRhs();
    auto lhsType = dyn_cast<RankedTensorType>(op.getLhs().getType());
    if (!isConstant2DFloat(rhs) || !lhsType || lhsType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "not x[..., K] times a constant [K, N]");
    bool constantRhs = getConstantAttr(rhs) != nullptr;
    auto transpose = rhs.getDefiningOp<TransposeOp>();
    if (!constantRhs && !(transpose && getConstantAttr(transpose.getInput())))
      return rewriter.notifyMatchFailure(op, "weight is not constant");
    if (cast<RankedTensorType>(rhs.getType()).getDimSize(0) < counters.minFeatures)
      return rewriter.notifyMatchFailure(op, "fewer input features than min-features");
    Value weight = getNKWeight(rewriter, rhs, counters);
    if (!weight)
      return rewriter.notifyMatchFailure(op, "weight could not be transposed");
    rewriter.replaceOpWithNewOp<LinearOp>(op, op.getType(), op.getLhs(), weight, Value(),
                                          /*weight_format=*/nullptr);
    ++counters.matmul;
    return success();
  }
  Counters &counters;
};

struct GemmToLinear : OpRewritePattern<GemmOp> {
  GemmToLinear(MLIRContext *ctx, Counters &counters)
      : OpRewritePattern(ctx), counters(counters) {}

  LogicalResult matchAndRewrite(GemmOp op, PatternRewriter &rewriter) const override {
    if (op.getTransA() || op.getAlpha().convertToFloat() != 1.0f)
      return rewriter.notifyMatchFailure(op, "transA or alpha != 1");
    Value b = op.getB();
    if (!isConstant2DFloat(b) || !getConstantAttr(b))
      return rewriter.notifyMatchFailure(op, "B is not a 2-D float constant");
    Value bias = op.getC();
    if (bias) {
      auto biasType = dyn_cast<RankedTensorType>(bias.getType());
      if (op.getBeta().convertToFloat() != 1.0f || !getConstantAttr(bias) || !biasType ||
          biasType.getRank() != 1)
        return rewriter.notifyMatchFailure(op, "C is not a 1-D constant bias with beta 1");
      int64_t n = cast<RankedTensorType>(b.getType()).getDimSize(op.getTransB() ? 0 : 1);
      if (biasType.getDimSize(0) != n)
        return rewriter.notifyMatchFailure(op, "C broadcasts over rows");
    }
    Value weight = op.getTransB() ? b : getNKWeight(rewriter, b, counters);
    if (!weight)
      return rewriter.notifyMatchFailure(op, "weight could not be transposed");
    rewriter.replaceOpWithNewOp<LinearOp>(op, op.getType(), op.getA(), weight, bias,
                                          /*weight_format=*/nullptr);
    ++counters.gemm;
    return success();
  }
  Counters &counters;
};

/// linear(x, W) + b  ->  linear(x, W, b) for a constant b of N elements.
struct FoldBiasAdd : OpRewritePattern<AddOp> {
  FoldBiasAdd(MLIRContext *ctx, Counters &counters)
      : OpRewritePattern(ctx), counters(counters) {}

  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    for (auto [a, b] : {std::pair(op.getLhs(), op.getRhs()),
                        std::pair(op.getRhs(), op.getLhs())}) {
      auto linear = a.getDefiningOp<LinearOp>();
      auto biasType = dyn_cast<RankedTensorType>(b.getType());
      if (!linear || linear.getBias() || !linear->hasOneUse() || !biasType ||
          biasType.getRank() != 1 || !getConstantAttr(b) ||
          linear.getType() != op.getType())
        continue;
      if (biasType.getDimSize(0) != linear.getOutputFeatures())
        continue;
      rewriter.replaceOpWithNewOp<LinearOp>(op, op.getType(), linear.getInput(),
                                            linear.getWeight(), b,
                                            linear.getWeightFormatAttr());
      rewriter.eraseOp(linear);
      ++counters.bias;
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not linear + constant bias");
  }
  Counters &counters;
};

struct FuseLinearPass : ternion::impl::TernFuseLinearBase<FuseLinearPass> {
  using TernFuseLinearBase::TernFuseLinearBase;

  void runOnOperation() override {
    Counters counters;
    counters.minFeatures = minFeatures;
    RewritePatternSet patterns(&getContext());
    patterns.add<MatMulToLinear, GemmToLinear>(&getContext(), counters);
    if (fuseBias)
      patterns.add<FoldBiasAdd>(&getContext(), counters);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    numFusedMatMul = counters.matmul;
    numFusedGemm = counters.gemm;
    numFusedBias = counters.bias;
    numTransposedWeights = counters.transposed;
    if (report)
      getOperation().emitRemark()
          << "tern-fuse-linear: " << counters.matmul << " matmul, " << counters.gemm
          << " gemm fused into tern.linear; " << counters.bias << " bias adds folded; "
          << counters.transposed << " weights transposed";
  }
};

} // namespace
