//===- OuterProductKernel.cpp - c += a * b, vectorized along N ------------===//
//
// The classic register-blocked GEMM: an R x V tile of c (R rows, V vectors
// along N) lives in R*V vector registers; each step of k loads V vectors of
// a row of b, broadcasts R scalars of a column of a and issues R*V FMAs.
// K is blocked by `tileK` so the K x (V * width) panel of b a tile sweeps
// stays in L1 while all rows of the output tile pass over it.
//
// Remainders: rows left over after the R-row tiles run as 1-row tiles;
// columns left over after the V-vector tiles run one vector at a time, the
// last vector masked (masked loads and stores touch nothing past N).
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace ternion::kernels {
namespace {

struct OuterProductEmitter {
  OpBuilder &b;
  Location loc;
  Value a, bm, c;
  int64_t width;
  VectorType vectorType;

  /// One R x V tile at (m, n) over k in [kBegin, kEnd); `mask` (V == 1
  /// only) limits the columns of the tile.
  void tile(Value m, Value n, int64_t rows, int64_t vectors, Value kBegin, Value kEnd,
            Value mask) {
    Value zero;
    if (mask)
      zero = arith::ConstantOp::create(b, loc, vectorType, b.getZeroAttr(vectorType));
    auto column = [&](OpBuilder &b, int64_t v) { return addIndex(b, loc, n, v * width); };
    auto load = [&](OpBuilder &b, Value base, Value row, Value col) -> Value {
      SmallVector<Value> at{row, col};
      if (mask)
        return vector::MaskedLoadOp::create(b, loc, vectorType, base, at, mask, zero);
      return vector::LoadOp::create(b, loc, vectorType, base, at);
    };
    SmallVector<Value> init;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v)
        init.push_back(load(b, c, addIndex(b, loc, m, r), column(b, v)));
    auto loop = scf::ForOp::create(
        b, loc, kBegin, kEnd, index(b, loc, 1), init,
        [&](OpBuilder &nested, Location, Value kIv, ValueRange accs) {
          SmallVector<Value> bs, next(accs.begin(), accs.end());
          for (int64_t v = 0; v < vectors; ++v)
            bs.push_back(load(nested, bm, kIv, column(nested, v)));
          for (int64_t r = 0; r < rows; ++r) {
            Value scalar = memref::LoadOp::create(
                nested, loc, a, ValueRange{addIndex(nested, loc, m, r), kIv});
            Value splat = vector::BroadcastOp::create(nested, loc, vectorType, scalar);
            for (int64_t v = 0; v < vectors; ++v)
              next[r * vectors + v] =
                  vector::FMAOp::create(nested, loc, splat, bs[v], next[r * vectors + v]);
          }
          scf::YieldOp::create(nested, loc, next);
        });
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t v = 0; v < vectors; ++v) {
        Value acc = loop.getResult(r * vectors + v);
        SmallVector<Value> at{addIndex(b, loc, m, r), column(b, v)};
        if (mask)
          vector::MaskedStoreOp::create(b, loc, c, at, mask, acc);
        else
          vector::StoreOp::create(b, loc, acc, c, at);
      }
    }
  }
};

} // namespace

void emitOuterProductKernel(OpBuilder &b, Location loc, Value a, Value bm, Value c,
                            const KernelShape &shape) {
  int64_t width = shape.vectorWidth, rows = shape.outerRows;
  int64_t tileCols = shape.outerVectors * width;
  auto elementType = cast<MemRefType>(a.getType()).getElementType();
  OuterProductEmitter emitter{b, loc, a, bm, c, width, VectorType::get({width}, elementType)};
  Value m = memref::DimOp::create(b, loc, a, 0);
  Value k = memref::DimOp::create(b, loc, a, 1);
  Value n = memref::DimOp::create(b, loc, bm, 1);
  Value zero = index(b, loc, 0);
  Value mMain = roundDown(b, loc, m, rows), nMain = roundDown(b, loc, n, tileCols);
  auto maskType = VectorType::get({width}, b.getI1Type());
  forLoop(b, loc, zero, k, shape.tileK, [&](OpBuilder &, Value kBegin) {
    Value kEnd = arith::MinUIOp::create(b, loc, addIndex(b, loc, kBegin, shape.tileK), k);
    // Column tiles outside, row tiles inside: the b panel of a column tile
    // is reused by every row tile.
    forLoop(b, loc, zero, nMain, tileCols, [&](OpBuilder &, Value nIv) {
      forLoop(b, loc, zero, mMain, rows, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, rows, shape.outerVectors, kBegin, kEnd, Value());
      });
      forLoop(b, loc, mMain, m, 1, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, 1, shape.outerVectors, kBegin, kEnd, Value());
      });
    });
    forLoop(b, loc, nMain, n, width, [&](OpBuilder &, Value nIv) {
      Value columns = arith::SubIOp::create(b, loc, n, nIv);
      Value mask = vector::CreateMaskOp::create(b, loc, maskType, ValueRange{columns});
      forLoop(b, loc, zero, mMain, rows, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, rows, 1, kBegin, kEnd, mask);
      });
      forLoop(b, loc, mMain, m, 1, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, 1, 1, kBegin, kEnd, mask);
      });
    });
  });
}

} // namespace ternion::kernels
