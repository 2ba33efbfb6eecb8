//===- FuseElementwisePass.cpp - the tern-fuse-elementwise pass -----------===//
//
// The pattern sets of upstream linalg-fuse-elementwise-ops with a control
// function that leaves contractions alone (include/ternion/Target/CPU/Passes.td says why).
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Passes.h"

#include "dialects/tern/TernAttributes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ternion {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

/// Contractions, and every linalg op carrying a weight format (a ternary
/// or quantized layer's contraction reads packed codes, which the
/// contraction interface does not recognize, and must reach its kernel
/// as lowered).
bool isContraction(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && (linalg::isaContractionOpInterface(linalgOp) ||
                      op->hasAttr(tern::kWeightFormatAttrName));
}

struct FuseElementwisePass : impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Upstream's control (a producer with one use), minus contractions on
    // either side: `fusedOperand` belongs to the consumer (a linalg op or,
    // when a reshape is folded, the reshape) and is produced by the producer.
    linalg::ControlFusionFn control = [](OpOperand *fusedOperand) {
      Operation *producer = fusedOperand->get().getDefiningOp();
      return producer && producer->hasOneUse() && !isContraction(producer) &&
             !isContraction(fusedOperand->getOwner());
    };
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);
  }
};

} // namespace
} // namespace ternion
