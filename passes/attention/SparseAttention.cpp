//===- SparseAttention.cpp - the tern-sparse-attention pass ---------------===//
//
// Passes.td describes the pass; docs/sparse-attention.md the patterns and
// how the CPU target computes them.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/attention/PatternFile.h"

#include "dialects/tern/TernOps.h"

#include "llvm/Support/MemoryBuffer.h"

namespace ternion {
#define GEN_PASS_DEF_TERNSPARSEATTENTION
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

/// Prefills shorter than this run dense when neither the option nor the
/// file says: below about a thousand tokens dense attention is a small
/// share of a prefill, and the estimate's fixed cost would not pay.
constexpr int64_t kDefaultMinTokens = 1024;

class TernSparseAttention : public impl::TernSparseAttentionBase<TernSparseAttention> {
public:
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.getSymName() != function || fn.isExternal())
      return;
    if (patterns.empty()) {
      fn.emitError() << "tern-sparse-attention: no pattern file (patterns=FILE)";
      return signalPassFailure();
    }
    auto buffer = llvm::MemoryBuffer::getFile(patterns, /*IsText=*/true);
    if (!buffer) {
      fn.emitError() << "tern-sparse-attention: cannot read '" << patterns
                     << "': " << buffer.getError().message();
      return signalPassFailure();
    }
    llvm::Expected<PatternFile> file = parsePatternFile((*buffer)->getBuffer(), patterns);
    if (!file) {
      fn.emitError() << "tern-sparse-attention: " << llvm::toString(file.takeError());
      return signalPassFailure();
    }

    SmallVector<AttentionOp> attentions;
    fn.walk([&](AttentionOp op) { attentions.push_back(op); });
    if (attentions.size() != file->layers.size()) {
      fn.emitError() << "tern-sparse-attention: '" << patterns << "' has " << file->layers.size()
                     << " layers, but @" << fn.getSymName() << " has " << attentions.size()
                     << " attention ops";
      return signalPassFailure();
    }
    int64_t threshold = minTokens > 0         ? minTokens
                        : file->minTokens > 0 ? file->minTokens
                                              : kDefaultMinTokens;
    for (auto [layer, op] : llvm::enumerate(attentions)) {
      FailureOr<SparseAttentionAttr> sparsity =
          buildSparsity(op, layer, file->layers[layer], threshold);
      if (failed(sparsity))
        return signalPassFailure();
      op.setSparsityAttr(*sparsity);
      ++numLayers;
    }
    // Statistics are no-ops in NDEBUG builds of MLIR (docs/passes.md).
    if (report)
      fn.emitRemark() << "tern-sparse-attention: " << attentions.size() << " layers (min_tokens "
                      << threshold << "): " << counts.aShape << " a_shape, " << counts.verticalSlash
                      << " vertical_slash, " << counts.blockSparse << " block_sparse, "
                      << counts.dense << " dense heads";
  }

private:
  struct Counts {
    int64_t aShape = 0, verticalSlash = 0, blockSparse = 0, dense = 0;
  } counts;

  FailureOr<SparseAttentionAttr> buildSparsity(AttentionOp op, size_t layer,
                                               ArrayRef<HeadPattern> heads, int64_t threshold) {
    auto fail = [&]() -> InFlightDiagnostic {
      return op.emitError() << "tern-sparse-attention: '" << patterns << "' layers[" << layer
                            << "]: ";
    };
    // Exported decoders build causality into a mask that also holds the
    // padding (not provably the causal mask): the kernels apply the mask
    // on top of the patterns, which keep only keys at or before the query.
    if (!op.getCausal() && !op.getMask()) {
      fail() << "the attention is neither causal nor masked (bidirectional), and the sparse "
                "patterns are causal";
      return failure();
    }
    int64_t queryHeads = cast<RankedTensorType>(op.getQuery().getType()).getDimSize(1);
    if (ShapedType::isDynamic(queryHeads) || queryHeads != static_cast<int64_t>(heads.size())) {
      fail() << heads.size() << " head patterns, but the op has "
             << (ShapedType::isDynamic(queryHeads) ? std::string("a dynamic number of")
                                                   : std::to_string(queryHeads))
             << " query heads";
      return failure();
    }
    MLIRContext *ctx = op.getContext();
    SmallVector<Attribute> attrs;
    for (auto [index, head] : llvm::enumerate(heads)) {
      auto emitHeadError = [&, index = index]() -> InFlightDiagnostic {
        return fail() << "heads[" << index << "]: ";
      };
      Attribute attr;
      switch (head.kind) {
      case HeadPatternKind::Dense:
        attr = DenseHeadAttr::get(ctx);
        ++numDense, ++counts.dense;
        break;
      case HeadPatternKind::AShape:
        attr = AShapeAttr::getChecked(emitHeadError, ctx, head.first, head.second);
        ++numAShape, ++counts.aShape;
        break;
      case HeadPatternKind::VerticalSlash:
        attr = VerticalSlashAttr::getChecked(emitHeadError, ctx, head.first, head.second);
        ++numVerticalSlash, ++counts.verticalSlash;
        break;
      case HeadPatternKind::BlockSparse:
        attr = BlockSparseAttr::getChecked(emitHeadError, ctx, head.first);
        ++numBlockSparse, ++counts.blockSparse;
        break;
      }
      if (!attr)
        return failure();
      attrs.push_back(attr);
    }
    return SparseAttentionAttr::get(ctx, threshold, ArrayAttr::get(ctx, attrs));
  }
};

} // namespace
} // namespace ternion
