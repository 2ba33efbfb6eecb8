//===- KernelBuilders.cpp - Index arithmetic and loops for the kernels ----===//
//
// Arithmetic is emitted with arith ops on `index` so that it folds to
// constants (canonicalize) when the sizes are static, and stays correct
// when they are not.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;

namespace ternion::kernels {

Value index(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value addIndex(OpBuilder &b, Location loc, Value v, int64_t offset) {
  if (offset == 0)
    return v;
  return arith::AddIOp::create(b, loc, v, index(b, loc, offset));
}

Value roundDown(OpBuilder &b, Location loc, Value v, int64_t step) {
  if (step == 1)
    return v;
  Value rem = arith::RemUIOp::create(b, loc, v, index(b, loc, step));
  return arith::SubIOp::create(b, loc, v, rem);
}

void forLoop(OpBuilder &b, Location loc, Value lb, Value ub, int64_t step,
             const std::function<void(OpBuilder &, Value)> &body) {
  scf::ForOp::create(b, loc, lb, ub, index(b, loc, step), ValueRange{},
                     [&](OpBuilder &nested, Location nestedLoc, Value iv, ValueRange) {
                       body(nested, iv);
                       scf::YieldOp::create(nested, nestedLoc);
                     });
}

void addTileSums(OpBuilder &b, Location loc, Value acc, Value m, int64_t rows, Value n,
                 int64_t cols, ValueRange sums) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      Value sum =
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, sums[r * cols + c]);
      SmallVector<Value> at{addIndex(b, loc, m, r), addIndex(b, loc, n, c)};
      Value old = memref::LoadOp::create(b, loc, acc, at);
      Value total = isa<FloatType>(sum.getType())
                        ? Value(arith::AddFOp::create(b, loc, old, sum))
                        : Value(arith::AddIOp::create(b, loc, old, sum));
      memref::StoreOp::create(b, loc, total, acc, at);
    }
}

void emitOutputTiles(OpBuilder &b, Location loc, Value m, Value n, const OutputTiling &tiling,
                     llvm::function_ref<void(Value, int64_t, Value, int64_t)> tile) {
  int64_t rows = tiling.rows;
  int64_t unit = std::lcm(tiling.cols, tiling.rowCols);
  int64_t tileM = llvm::divideCeil(tiling.tileM, rows) * rows;
  int64_t tileN = llvm::divideCeil(tiling.tileN, unit) * unit;
  auto each = [&](Value lb, Value ub, int64_t step, llvm::function_ref<void(Value)> body) {
    forLoop(b, loc, lb, ub, step, [&](OpBuilder &, Value iv) { body(iv); });
  };
  // One output tile [m0, m0 + tileM) x [n0, n0 + tileN).
  auto outputTile = [&](Value m0, Value n0) {
    Value mEnd = arith::MinUIOp::create(b, loc, addIndex(b, loc, m0, tileM), m);
    Value nEnd = arith::MinUIOp::create(b, loc, addIndex(b, loc, n0, tileN), n);
    auto columns = [&](Value row, int64_t tileRows) {
      int64_t cols = tileRows == 1 ? tiling.rowCols : tiling.cols;
      Value nFull = arith::AddIOp::create(
          b, loc, n0, roundDown(b, loc, arith::SubIOp::create(b, loc, nEnd, n0), cols));
      each(n0, nFull, cols, [&](Value col) { tile(row, tileRows, col, cols); });
      if (cols > 1)
        each(nFull, nEnd, 1, [&](Value col) { tile(row, tileRows, col, 1); });
    };
    Value mFull = arith::AddIOp::create(
        b, loc, m0, roundDown(b, loc, arith::SubIOp::create(b, loc, mEnd, m0), rows));
    each(m0, mFull, rows, [&](Value row) { columns(row, rows); });
    if (rows > 1)
      each(mFull, mEnd, 1, [&](Value row) { columns(row, 1); });
  };
  if (tiling.parallel) {
    SmallVector<OpFoldResult> lbs{b.getIndexAttr(0), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> ubs{m, n};
    SmallVector<OpFoldResult> steps{b.getIndexAttr(tileM), b.getIndexAttr(tileN)};
    auto forall = scf::ForallOp::create(b, loc, lbs, ubs, steps, ValueRange{}, std::nullopt);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(forall.getBody()->getTerminator());
    outputTile(forall.getInductionVar(0), forall.getInductionVar(1));
    return;
  }
  each(index(b, loc, 0), m, tileM,
       [&](Value m0) { each(index(b, loc, 0), n, tileN, [&](Value n0) { outputTile(m0, n0); }); });
}

} // namespace ternion::kernels
