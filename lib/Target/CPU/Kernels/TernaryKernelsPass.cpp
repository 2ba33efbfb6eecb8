//===- TernaryKernelsPass.cpp - the tern-cpu-ternary-kernels pass ---------===//
//
// On bufferized IR, like tern-contraction-kernels (its file says why). The
// contraction is recognized by its format attribute and checked against
// the exact form convert-tern-to-linalg gives it (TernaryToLinalg.cpp): a
// ternary contraction the kernel cannot take is an error, never a scalar
// loop left behind.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"
#include "ternion/Target/CPU/Passes.h"

#include "dialects/tern/TernAttributes.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"

namespace ternion {
#define GEN_PASS_DEF_TERNCPUTERNARYKERNELS
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

bool isRowMajorBuffer(Value v, unsigned bits, int64_t rank = 2) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getRank() == rank && type.getLayout().isIdentity() &&
         type.getElementType().isInteger(bits);
}

/// The structure TernaryToLinalg gives a ternary contraction.
LogicalResult checkTernaryContraction(linalg::GenericOp op, tern::TernaryAttr format) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return op.emitError("tern-cpu-ternary-kernels: a ternary contraction must have two "
                        "inputs and one output buffer");
  Value q = op.getDpsInputs()[0], codes = op.getDpsInputs()[1], acc = op.getDpsInits()[0];
  // pairs codes are [N / lanes, row bytes, lanes] (checked below).
  if (!isRowMajorBuffer(q, 8) || !isRowMajorBuffer(codes, 8, format.interleavesRows() ? 3 : 2) ||
      !isRowMajorBuffer(acc, 32))
    return op.emitError("tern-cpu-ternary-kernels: expected row-major i8 activations and "
                        "codes and an i32 accumulator");
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  int64_t lanes = format.getLanes();
  AffineExpr byteOfK = d(2).floorDiv(format.getBlockWeights()) * lanes + d(2) % lanes;
  AffineMap codesMap =
      format.interleavesRows()
          ? AffineMap::get(3, 0, {d(1).floorDiv(lanes), d(2).floorDiv(4), d(1) % lanes}, ctx)
          : AffineMap::get(3, 0, {d(1), byteOfK}, ctx);
  SmallVector<AffineMap> expected{AffineMap::get(3, 0, {d(0), d(2)}, ctx), codesMap,
                                  AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  if (op.getIndexingMapsArray() != expected)
    return op.emitError("tern-cpu-ternary-kernels: the contraction's indexing maps are not "
                        "those of ")
           << format;
  auto qType = cast<MemRefType>(q.getType()), codesType = cast<MemRefType>(codes.getType());
  if (qType.isDynamicDim(1) || codesType.isDynamicDim(1) ||
      (!format.interleavesRows() && codesType.getDimSize(1) % format.getLanes() != 0) ||
      qType.getDimSize(1) != codesType.getDimSize(1) * format.getDigitsPerByte())
    return op.emitError("tern-cpu-ternary-kernels: activations of ")
           << qType.getDimSize(1) << " columns do not match codes of "
           << codesType.getDimSize(1) << " bytes per row in " << format;
  auto accType = cast<MemRefType>(acc.getType());
  if (format.interleavesRows() &&
      (codesType.getDimSize(2) != format.getLanes() ||
       accType.getDimSize(1) != codesType.getDimSize(0) * format.getLanes()))
    return op.emitError("tern-cpu-ternary-kernels: ")
           << accType.getDimSize(1) << " outputs are not the " << codesType.getDimSize(0)
           << " row tiles of " << format;
  return success();
}

struct TernaryKernelsPass : impl::TernCpuTernaryKernelsBase<TernaryKernelsPass> {
  using TernCpuTernaryKernelsBase::TernCpuTernaryKernelsBase;

  void runOnOperation() override {
    std::optional<kernels::Int8DotIsa> parsed = kernels::parseInt8DotIsa(isa);
    if (!parsed) {
      getOperation().emitError() << "tern-cpu-ternary-kernels: unknown isa '" << isa
                                 << "' (avx512-vnni, avx512bw, avx-vnni, avx2 or generic)";
      return signalPassFailure();
    }
    if (rows < 1 || cols < 1 || tileM < 1 || tileN < 1 || lutRows < 1) {
      getOperation().emitError("tern-cpu-ternary-kernels: sizes must be positive");
      return signalPassFailure();
    }
    // Two pairs add at most 2 x 256 to an i16 lane per code column.
    if (lutChunk < 1 || lutChunk > 63) {
      getOperation().emitError("tern-cpu-ternary-kernels: lut-chunk must be 1..63 (the i16 "
                               "sums of more columns could overflow)");
      return signalPassFailure();
    }
    kernels::TernaryKernelShape shape{*parsed, rows,    cols,    tileM,
                                      tileN,   parallel, lutRows, lutChunk};
    SmallVector<std::pair<linalg::GenericOp, tern::TernaryAttr>> work;
    bool failedMatch = false;
    getOperation().walk([&](linalg::GenericOp op) {
      auto format = op->getAttrOfType<tern::TernaryAttr>(tern::kWeightFormatAttrName);
      if (!format)
        return;
      if (failed(checkTernaryContraction(op, format)))
        failedMatch = true;
      else
        work.emplace_back(op, format);
    });
    if (failedMatch)
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    for (auto [op, format] : work) {
      rewriter.setInsertionPoint(op);
      kernels::TernaryKernelShape opShape = shape;
      // Inside another parallel loop, tiles run serially (no nested OpenMP).
      if (op->getParentOfType<scf::ForallOp>() || op->getParentOfType<scf::ParallelOp>())
        opShape.parallel = false;
      auto emit = format.interleavesRows() ? kernels::emitTernaryLutKernel
                                           : kernels::emitTernaryKernel;
      emit(rewriter, op.getLoc(), op.getDpsInputs()[0], op.getDpsInputs()[1],
           op.getDpsInits()[0], format, opShape);
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
} // namespace ternion
