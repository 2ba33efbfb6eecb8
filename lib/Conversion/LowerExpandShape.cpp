//===- LowerExpandShape.cpp - memref.expand_shape from its output_shape ---===//
#include "ternion/Conversion/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ternion {
#define GEN_PASS_DEF_LOWEREXPANDSHAPE
#include "ternion/Conversion/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

struct ExpandShapeToReinterpretCast : OpRewritePattern<memref::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::ExpandShapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto metadata = memref::ExtractStridedMetadataOp::create(rewriter, loc, op.getSrc());
    SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
    SmallVector<OpFoldResult> strides(sizes.size());
    for (auto [sourceDim, group] : llvm::enumerate(op.getReassociationIndices())) {
      OpFoldResult stride = getAsOpFoldResult(metadata.getStrides()[sourceDim]);
      for (int64_t i = static_cast<int64_t>(group.size()) - 1; i >= 0; --i) {
        int64_t dim = group[i];
        strides[dim] = stride;
        if (i > 0)
          stride = getAsOpFoldResult(arith::MulIOp::create(
              rewriter, loc, getValueOrCreateConstantIndexOp(rewriter, loc, stride),
              getValueOrCreateConstantIndexOp(rewriter, loc, sizes[dim])));
      }
    }
    // reinterpret_cast must restate what the result type makes static (an
    // identity layout has offset 0 and static inner strides).
    auto [staticStrides, staticOffset] = op.getResultType().getStridesAndOffset();
    for (auto [stride, known] : llvm::zip(strides, staticStrides))
      if (!ShapedType::isDynamic(known))
        stride = rewriter.getIndexAttr(known);
    OpFoldResult offset = ShapedType::isDynamic(staticOffset)
                              ? getAsOpFoldResult(metadata.getOffset())
                              : OpFoldResult(rewriter.getIndexAttr(staticOffset));
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, op.getResultType(), metadata.getBaseBuffer(), offset, sizes, strides);
    return success();
  }
};

struct LowerExpandShapePass : impl::LowerExpandShapeBase<LowerExpandShapePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandShapeToReinterpretCast>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace ternion
