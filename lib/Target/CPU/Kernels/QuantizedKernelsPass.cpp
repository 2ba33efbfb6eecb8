//===- QuantizedKernelsPass.cpp - the tern-cpu-quantized-kernels pass -----===//
//
// On bufferized IR, like the other kernel passes. The contraction is
// recognized by its #tern.group_quantized format and checked against the
// exact form convert-tern-to-linalg gives it (QuantizedLinearToLinalg.cpp).
// Codes packed for the vector registers (lanes > 1: 2, 4 and 8 bits, which
// tern-cpu-pack-quantized repacks) get the kernel; codes of 3, 5 and 6
// bits, which straddle bytes, keep the contraction's loop, and the pass
// says so once per function rather than leaving it silent.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"
#include "ternion/Target/CPU/Passes.h"

#include "dialects/tern/TernAttributes.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"

namespace ternion {
#define GEN_PASS_DEF_TERNCPUQUANTIZEDKERNELS
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

bool isRowMajorBuffer(Value v, Type element) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getRank() == 2 && type.getLayout().isIdentity() &&
         type.getElementType() == element;
}

/// The structure QuantizedLinearToLinalg gives a quantized contraction.
LogicalResult checkQuantizedContraction(linalg::GenericOp op, tern::GroupQuantizedAttr format) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 4 || op.getNumDpsInits() != 1)
    return op.emitError("tern-cpu-quantized-kernels: a quantized contraction must have four "
                        "inputs and one output buffer");
  Value xs = op.getDpsInputs()[0], codes = op.getDpsInputs()[1], scales = op.getDpsInputs()[2];
  Value zeros = op.getDpsInputs()[3];
  Value acc = op.getDpsInits()[0];
  Builder b(op.getContext());
  if (!isRowMajorBuffer(xs, b.getF32Type()) || !isRowMajorBuffer(codes, b.getI8Type()) ||
      !isRowMajorBuffer(scales, b.getF16Type()) || !isRowMajorBuffer(zeros, b.getF16Type()) ||
      !isRowMajorBuffer(acc, b.getF32Type()))
    return op.emitError("tern-cpu-quantized-kernels: expected row-major f32 activations, i8 "
                        "codes, f16 scales and zero points and an f32 accumulator");
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineExpr byteOfK = format.getCodesPerByte()
                           ? d(2).floorDiv(format.getBlockCodes()) * format.getLanes() +
                                 d(2) % format.getLanes()
                           : (d(2) * format.getBits()).floorDiv(8);
  AffineMap groupOfK = AffineMap::get(3, 0, {d(1), d(2).floorDiv(format.getGroup())}, ctx);
  SmallVector<AffineMap> expected{AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                  AffineMap::get(3, 0, {d(1), byteOfK}, ctx), groupOfK, groupOfK,
                                  AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  if (op.getIndexingMapsArray() != expected)
    return op.emitError("tern-cpu-quantized-kernels: the contraction's indexing maps are not "
                        "those of ")
           << format;
  auto xsType = cast<MemRefType>(xs.getType()), codesType = cast<MemRefType>(codes.getType());
  auto scalesType = cast<MemRefType>(scales.getType());
  if (xsType.isDynamicDim(1) || codesType.isDynamicDim(1) || scalesType.isDynamicDim(1) ||
      xsType.getDimSize(1) != scalesType.getDimSize(1) * format.getGroup() ||
      codesType.getDimSize(1) != scalesType.getDimSize(1) * format.getGroupBytes())
    return op.emitError("tern-cpu-quantized-kernels: activations of ")
           << xsType.getDimSize(1) << " columns do not match codes of "
           << codesType.getDimSize(1) << " bytes per row in " << format;
  return success();
}

struct QuantizedKernelsPass : impl::TernCpuQuantizedKernelsBase<QuantizedKernelsPass> {
  using TernCpuQuantizedKernelsBase::TernCpuQuantizedKernelsBase;

  void runOnOperation() override {
    if (rows < 1 || cols < 1 || rowCols < 1 || tileM < 1 || tileN < 1) {
      getOperation().emitError("tern-cpu-quantized-kernels: sizes must be positive");
      return signalPassFailure();
    }
    kernels::QuantizedKernelShape shape;
    shape.rows = rows;
    shape.cols = cols;
    shape.rowCols = rowCols;
    shape.panelMinRows = panelMinRows;
    shape.panelWidth = panelWidth;
    shape.vectorWidth = vectorWidth;
    shape.panelRows = panelRows;
    shape.tileM = tileM;
    shape.tileN = tileN;
    shape.parallel = parallel;
    SmallVector<std::pair<linalg::GenericOp, tern::GroupQuantizedAttr>> work;
    std::optional<int64_t> loopBits;
    bool failedMatch = false;
    getOperation().walk([&](linalg::GenericOp op) {
      auto format = op->getAttrOfType<tern::GroupQuantizedAttr>(tern::kWeightFormatAttrName);
      if (!format)
        return;
      if (failed(checkQuantizedContraction(op, format))) {
        failedMatch = true;
        return;
      }
      // Bit-stream codes (3, 5, 6 bits, or 2, 4, 8 bits not repacked) have
      // no fused kernel: they are dequantized a panel at a time for every
      // row count, which needs N in whole panels; otherwise the loop stays.
      int64_t n = cast<MemRefType>(op.getDpsInputs()[1].getType()).getDimSize(0);
      if (format.getLanes() == 1 && (panelWidth <= 0 || n % panelWidth != 0 ||
                                     panelWidth % vectorWidth != 0)) {
        loopBits = format.getBits();
        ++numLoops;
        return;
      }
      work.emplace_back(op, format);
    });
    if (failedMatch)
      return signalPassFailure();
    if (loopBits)
      getOperation().emitWarning()
          << "tern-cpu-quantized-kernels: " << *loopBits
          << "-bit codes in layers whose outputs are not whole panels of " << int64_t(panelWidth)
          << " have no kernel; they run as scalar loops, correct but slow";
    IRRewriter rewriter(&getContext());
    for (auto [op, format] : work) {
      rewriter.setInsertionPoint(op);
      kernels::QuantizedKernelShape opShape = shape;
      if (op->getParentOfType<scf::ForallOp>() || op->getParentOfType<scf::ParallelOp>())
        opShape.parallel = false;
      Value xs = op.getDpsInputs()[0], codes = op.getDpsInputs()[1];
      Value scales = op.getDpsInputs()[2], zeros = op.getDpsInputs()[3], acc = op.getDpsInits()[0];
      if (format.getLanes() == 1)
        kernels::emitDequantizedPanels(rewriter, op.getLoc(), xs, codes, scales, zeros, acc, format,
                                       opShape);
      else
        kernels::emitQuantizedKernel(rewriter, op.getLoc(), xs, codes, scales, zeros, acc, format,
                                     opShape);
      rewriter.eraseOp(op);
      ++numKernels;
    }
  }
};

} // namespace
} // namespace ternion
