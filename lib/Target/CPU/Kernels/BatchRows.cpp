//===- BatchRows.cpp - Batched rows times one matrix, as a 2-D contraction ===//
//
// MatMul of a [B, S, K] activation and a [K, N] weight lowers to a
// contraction with a batch loop in which the weight does not take part.
// Its batch and row loops are one loop over B*S rows of contiguous
// buffers, so collapsing them (memref.collapse_shape, only where the layout
// guarantees it) gives the 2-D form the kernels take.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace ternion::kernels {

linalg::GenericOp collapseBatchRows(RewriterBase &rewriter, linalg::GenericOp op) {
  unsigned loops = op.getNumLoops();
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      loops < 4 || getWeightFormat(op) || !isMultiplyAdd(op))
    return {};
  auto iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i + 1 < loops; ++i)
    if (iterators[i] != utils::IteratorType::parallel)
      return {};
  if (iterators.back() != utils::IteratorType::reduction)
    return {};
  MLIRContext *ctx = op.getContext();
  unsigned batch = loops - 3, m = batch, n = batch + 1, k = batch + 2;
  auto map = [&](ArrayRef<unsigned> dims, unsigned numDims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(numDims, 0, exprs, ctx);
  };
  SmallVector<unsigned> aDims, cDims;
  for (unsigned i = 0; i < batch; ++i) {
    aDims.push_back(i);
    cDims.push_back(i);
  }
  aDims.append({m, k});
  cDims.append({m, n});
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != map(aDims, loops) || maps[2] != map(cDims, loops))
    return {};
  bool transposed = maps[1] == map({n, k}, loops);
  if (!transposed && maps[1] != map({k, n}, loops))
    return {};
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1], c = op.getDpsInits()[0];
  for (Value v : {a, b, c})
    if (!cast<MemRefType>(v.getType()).getElementType().isF32())
      return {};
  ReassociationIndices rows;
  for (unsigned i = 0; i <= batch; ++i)
    rows.push_back(i);
  SmallVector<ReassociationIndices> reassociation{rows, {static_cast<int64_t>(batch + 1)}};
  for (Value v : {a, c})
    if (!memref::CollapseShapeOp::isGuaranteedCollapsible(cast<MemRefType>(v.getType()),
                                                          reassociation))
      return {};

  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value a2 = memref::CollapseShapeOp::create(rewriter, loc, a, reassociation);
  Value c2 = memref::CollapseShapeOp::create(rewriter, loc, c, reassociation);
  SmallVector<AffineMap> maps2{map({0, 2}, 3), transposed ? map({1, 2}, 3) : map({2, 1}, 3),
                               map({0, 1}, 3)};
  SmallVector<utils::IteratorType> iterators2{utils::IteratorType::parallel,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::reduction};
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{}, ValueRange{a2, b}, ValueRange{c2}, maps2, iterators2,
      [](OpBuilder &builder, Location l, ValueRange args) {
        Value product = arith::MulFOp::create(builder, l, args[0], args[1]);
        linalg::YieldOp::create(builder, l,
                                ValueRange{arith::AddFOp::create(builder, l, args[2], product)});
      });
  rewriter.eraseOp(op);
  return generic;
}

} // namespace ternion::kernels
