//===- ContractionKernelsPass.cpp - the tern-contraction-kernels pass -----===//
//
// Runs on bufferized IR, after deallocation and the point where
// ternion-compile externalizes weights, for three reasons: the kernels read
// and write buffers in place (no destination-passing bookkeeping for
// scf.forall results or vector transfers on tensors), nothing they create
// has to go through the ownership-based deallocation (which does not model
// scf.forall), and the weights a kernel streams are already the artifact's.
//
// Two levels: scf::tileUsingSCF cuts the op into tile-m x tile-n output
// tiles (the parallel loop), then a kernel replaces each tiled op with
// register-tiled vector code (Kernels.h).
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"
#include "ternion/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"

#include <algorithm>

namespace ternion {
#define GEN_PASS_DEF_CONTRACTIONKERNELS
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

/// The zero fill of `op`'s output that `op` reads first, if any: the last op
/// with memory effects before `op` in its block is a linalg.fill of 0.0
/// into the very same buffer. The dot-product kernel then stores its first
/// K block instead of adding it, and the fill can go.
linalg::FillOp zeroFillOfOutput(linalg::GenericOp op) {
  Value out = op.getDpsInits()[0];
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (isMemoryEffectFree(prev))
      continue;
    auto fill = dyn_cast<linalg::FillOp>(prev);
    if (!fill || fill.getDpsInits()[0] != out)
      return {};
    auto value = fill.getDpsInputs()[0].getDefiningOp<arith::ConstantOp>();
    auto zero = value ? dyn_cast<FloatAttr>(value.getValue()) : FloatAttr();
    return zero && zero.getValue().isZero() ? fill : linalg::FillOp();
  }
  return {};
}

struct ContractionKernelsPass : impl::ContractionKernelsBase<ContractionKernelsPass> {
  using ContractionKernelsBase::ContractionKernelsBase;

  void runOnOperation() override {
    if (vectorWidth < 1 || dotRows < 1 || dotCols < 1 || outerRows < 1 || outerVectors < 1 ||
        panelRows < 1 || tileK < 1 || dotTileK < 1 || panelTileK < 1 || tileM < 0 ||
        tileN < 0 || panelTileM < 0 || panelTileN < 0 || panelDecodeTileN < 0) {
      getOperation().emitError("tern-contraction-kernels: sizes must be positive");
      return signalPassFailure();
    }
    kernels::KernelShape shape;
    shape.vectorWidth = vectorWidth;
    shape.dotRows = dotRows;
    shape.dotCols = dotCols;
    shape.outerRows = outerRows;
    shape.outerVectors = outerVectors;
    shape.panelRows = panelRows;
    shape.tileK = tileK;
    shape.panelTileK = panelTileK;
    shape.dotTileK = dotTileK;

    IRRewriter rewriter(&getContext());
    SmallVector<std::pair<linalg::GenericOp, kernels::ContractionForm>> work;
    bool matchFailed = false;
    getOperation().walk([&](linalg::GenericOp op) {
      if (linalg::GenericOp rows = kernels::collapseBatchRows(rewriter, op))
        op = rows;
      FailureOr<std::optional<kernels::ContractionForm>> form = kernels::matchContraction(op);
      if (failed(form))
        matchFailed = true;
      else if (*form)
        work.emplace_back(op, **form);
    });
    if (matchFailed)
      return signalPassFailure();
    for (auto [op, form] : work) {
      auto tileable = dyn_cast<TilingInterface>(op.getOperation());
      if (!tileable) {
        op.emitError("linalg.generic does not implement TilingInterface "
                     "(linalg's external models are not registered)");
        return signalPassFailure();
      }
      scf::SCFTilingOptions options;
      // k stays whole: a tile owns its outputs, so tiles never race. A panel
      // contraction tiles (m, p) and keeps whole panels (j).
      if (form == kernels::ContractionForm::Panel) {
        int64_t panelWidth = cast<tern::PanelsAttr>(kernels::getWeightFormat(op)).getWidth();
        if (panelWidth % vectorWidth != 0) {
          // Correct but slow: say so rather than fall back silently.
          op.emitWarning() << "tern-contraction-kernels: panels of " << panelWidth
                           << " are not whole vectors of " << static_cast<int64_t>(vectorWidth)
                           << "; the contraction is left to the scalar loop lowering";
          continue;
        }
        // Fewer rows than a register tile (decode) read each panel once and
        // are bandwidth-bound: their tiles take more panels, so that a row
        // streams several at once. Chosen at run time from x's row count.
        int64_t prefillPanels = std::max<int64_t>(1, panelTileN / panelWidth);
        int64_t decodePanels = std::max<int64_t>(1, panelDecodeTileN / panelWidth);
        int64_t rowTile = panelRows, rowsPerTile = panelTileM;
        options.setTileSizeComputationFunction(
            [=](OpBuilder &b, Operation *target) -> SmallVector<OpFoldResult> {
              OpFoldResult panels = b.getIndexAttr(prefillPanels);
              if (decodePanels != prefillPanels) {
                Location loc = target->getLoc();
                Value x = cast<linalg::GenericOp>(target).getDpsInputs()[0];
                Value rows = memref::DimOp::create(b, loc, x, 0);
                Value isDecode = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, rows,
                                                       kernels::index(b, loc, rowTile));
                panels = arith::SelectOp::create(b, loc, isDecode,
                                                 kernels::index(b, loc, decodePanels),
                                                 kernels::index(b, loc, prefillPanels))
                             .getResult();
              }
              return {b.getIndexAttr(rowsPerTile), panels, b.getIndexAttr(0), b.getIndexAttr(0)};
            });
      } else {
        options.setTileSizes(getAsIndexOpFoldResult(&getContext(), {tileM, tileN, 0}));
      }
      // A contraction that already runs inside a parallel loop (the tiles of
      // flash attention) gets serial tiles: nested OpenMP regions would only
      // oversubscribe the cores.
      bool nested = op->getParentOfType<scf::ForallOp>() || op->getParentOfType<scf::ParallelOp>();
      options.setLoopType(parallel && !nested ? scf::SCFTilingOptions::LoopType::ForallOp
                                              : scf::SCFTilingOptions::LoopType::ForOp);
      // With a static, non-empty K every output element is stored in the
      // first K block, so the zero fill is dead work (and its misses).
      bool dropFill = false;
      auto xType = cast<MemRefType>(op.getDpsInputs()[0].getType());
      if (form != kernels::ContractionForm::OuterProduct && !xType.isDynamicDim(1) &&
          xType.getDimSize(1) > 0)
        if (linalg::FillOp fill = zeroFillOfOutput(op)) {
          rewriter.eraseOp(fill);
          dropFill = true;
        }
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(rewriter, tileable, options);
      if (failed(tiled)) {
        op.emitError("tern-contraction-kernels: tiling failed");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
      auto tile = cast<linalg::GenericOp>(tiled->tiledOps.front());
      rewriter.setInsertionPoint(tile);
      Value lhs = tile.getDpsInputs()[0], rhs = tile.getDpsInputs()[1];
      Value out = tile.getDpsInits()[0];
      if (form == kernels::ContractionForm::DotProduct)
        kernels::emitDotProductKernel(rewriter, tile.getLoc(), lhs, rhs, out, shape, dropFill);
      else if (form == kernels::ContractionForm::Panel)
        kernels::emitPanelKernel(rewriter, tile.getLoc(), lhs, rhs, out, shape, dropFill);
      else
        kernels::emitOuterProductKernel(rewriter, tile.getLoc(), lhs, rhs, out, shape);
      rewriter.eraseOp(tile);
    }
  }
};

} // namespace
} // namespace ternion
