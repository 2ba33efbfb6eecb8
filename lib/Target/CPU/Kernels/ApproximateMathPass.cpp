//===- ApproximateMathPass.cpp - the tern-approximate-math pass -----------===//
//
// Upstream's polynomial approximations, limited to the functions whose
// approximations are accurate in f32 over the whole range (include/ternion/Target/CPU/Passes.td).
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ternion {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

struct ApproximateMathPass : impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      name.consume_front("math.");
      return llvm::is_contained({"exp", "expm1", "tanh", "erf", "log", "log1p", "log2"}, name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace ternion
