//===- ParallelizeLoopsPass.cpp - the tern-parallelize-loops pass ---------===//
//
// Cuts large linalg ops on buffers into scf.forall chunks along one parallel
// dim (include/ternion/Target/CPU/Passes.td says which and when). Runs after
// tern-contraction-kernels, whose kernels replace the contractions they take
// with loops that are no linalg ops, and before convert-linalg-to-loops,
// which turns each chunk's op into plain loops.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Passes.h"

#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace ternion {
#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

/// The parallel loop to cut into chunks: the outermost one whose extent is
/// not statically 1 (batch dims of 1 would give one chunk), except that a
/// dynamic outermost one gives way to the next dynamic one, if any. In the
/// [batch, sequence, ...] activations of a model both are dynamic, and the
/// batch is 1 when serving one prompt: chunks of it would leave every core
/// but one waiting.
std::optional<unsigned> chunkedLoop(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> candidates;
  for (unsigned i = 0, e = iterators.size(); i < e; ++i)
    if (iterators[i] == utils::IteratorType::parallel && ranges[i] != 1)
      candidates.push_back(i);
  if (candidates.empty())
    return std::nullopt;
  if (ShapedType::isDynamic(ranges[candidates.front()]))
    for (unsigned i : llvm::drop_begin(candidates))
      if (ShapedType::isDynamic(ranges[i]))
        return i;
  return candidates.front();
}

/// The number of iteration points, when every loop extent is static.
std::optional<int64_t> staticWork(linalg::LinalgOp op) {
  int64_t work = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return std::nullopt;
    work = range > 0 && work > std::numeric_limits<int64_t>::max() / range
               ? std::numeric_limits<int64_t>::max()
               : work * range;
  }
  return work;
}

struct ParallelizeLoopsPass : impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using ParallelizeLoopsBase::ParallelizeLoopsBase;

  void runOnOperation() override {
    if (chunks < 2 || minWork < 0) {
      getOperation().emitError("tern-parallelize-loops: chunks must be at least 2 and "
                               "min-work not negative");
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && isa<TilingInterface>(op.getOperation()) &&
          !op->getParentOfType<scf::ForallOp>() && !op->getParentOfType<scf::ParallelOp>() &&
          chunkedLoop(op))
        work.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : work)
      if (failed(parallelize(rewriter, op)))
        return signalPassFailure();
  }

  LogicalResult parallelize(IRRewriter &rewriter, linalg::LinalgOp op) {
    std::optional<int64_t> points = staticWork(op);
    if (points && *points < minWork)
      return success();
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    if (!points) {
      // Decide at run time: the op moves into the else branch unchanged and
      // a copy in the then branch is chunked.
      Value product = arith::ConstantIndexOp::create(rewriter, loc, 1);
      for (Range range : op.createLoopRanges(rewriter, loc))
        product = arith::MulIOp::create(
            rewriter, loc, product, getValueOrCreateConstantIndexOp(rewriter, loc, range.size));
      Value threshold = arith::ConstantIndexOp::create(rewriter, loc, minWork);
      Value large = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, product,
                                          threshold);
      auto branch = scf::IfOp::create(rewriter, loc, large, /*withElseRegion=*/true);
      rewriter.moveOpBefore(op, branch.elseBlock()->getTerminator());
      rewriter.setInsertionPoint(branch.thenBlock()->getTerminator());
      op = cast<linalg::LinalgOp>(rewriter.clone(*op));
    }
    SmallVector<OpFoldResult> numThreads(op.getNumLoops(), rewriter.getIndexAttr(0));
    numThreads[*chunkedLoop(op)] = rewriter.getIndexAttr(chunks);
    scf::SCFTilingOptions options;
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    options.setNumThreads(numThreads);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return op.emitError("tern-parallelize-loops: tiling failed");
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace
} // namespace ternion
