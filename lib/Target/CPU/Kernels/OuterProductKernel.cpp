//===- OuterProductKernel.cpp - c += a * b, vectorized along N ------------===//
//
// The classic register-blocked GEMM: an R x V tile of c (R rows, V vectors
// along N) lives in R*V vector registers; each step of k loads V vectors of
// a row of b, broadcasts R scalars of a column of a and issues R*V FMAs.
// K is blocked by `tileK`, and the tileK x (V * width) panel of b that a
// column of tiles sweeps is first copied into a contiguous stack buffer:
// rows of b a power-of-two stride apart (N = 2048: 8 KiB) map to the same
// few L1 sets, so reading the panel in place misses on every row; the copy
// stays in L1 while all rows of the output tile pass over it. The buffer is
// a heap allocation per output tile (freed at its end), not an alloca: the
// tile body becomes an OpenMP loop body inside a memref.alloca_scope, which
// cannot hold the multi-block loops an alloca would leave in it.
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
  /// only) limits the columns of the tile. With `pack`, row k of b's panel
  /// is row k - kBegin of `pack`.
  void tile(Value m, Value n, int64_t rows, int64_t vectors, Value kBegin, Value kEnd,
            Value mask, Value pack) {
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
          if (pack) {
            Value row = arith::SubIOp::create(nested, loc, kIv, kBegin);
            for (int64_t v = 0; v < vectors; ++v)
              bs.push_back(vector::LoadOp::create(nested, loc, vectorType, pack,
                                                  ValueRange{row, index(nested, loc, v * width)}));
          } else {
            for (int64_t v = 0; v < vectors; ++v)
              bs.push_back(load(nested, bm, kIv, column(nested, v)));
          }
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
  // One panel buffer per output tile (so per thread), outside every loop.
  Value pack = memref::AllocOp::create(
      b, loc, MemRefType::get({shape.tileK, tileCols}, elementType), b.getI64IntegerAttr(64));
  forLoop(b, loc, zero, k, shape.tileK, [&](OpBuilder &, Value kBegin) {
    Value kEnd = arith::MinUIOp::create(b, loc, addIndex(b, loc, kBegin, shape.tileK), k);
    // Column tiles outside, row tiles inside: the b panel of a column tile
    // is packed once and reused by every row tile.
    forLoop(b, loc, zero, nMain, tileCols, [&](OpBuilder &, Value nIv) {
      forLoop(b, loc, kBegin, kEnd, 1, [&](OpBuilder &, Value kIv) {
        Value row = arith::SubIOp::create(b, loc, kIv, kBegin);
        for (int64_t v = 0; v < shape.outerVectors; ++v) {
          Value col = index(b, loc, v * width);
          Value part = vector::LoadOp::create(b, loc, emitter.vectorType, bm,
                                              ValueRange{kIv, addIndex(b, loc, nIv, v * width)});
          vector::StoreOp::create(b, loc, part, pack, ValueRange{row, col});
        }
      });
      forLoop(b, loc, zero, mMain, rows, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, rows, shape.outerVectors, kBegin, kEnd, Value(), pack);
      });
      forLoop(b, loc, mMain, m, 1, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, 1, shape.outerVectors, kBegin, kEnd, Value(), pack);
      });
    });
    forLoop(b, loc, nMain, n, width, [&](OpBuilder &, Value nIv) {
      Value columns = arith::SubIOp::create(b, loc, n, nIv);
      Value mask = vector::CreateMaskOp::create(b, loc, maskType, ValueRange{columns});
      forLoop(b, loc, zero, mMain, rows, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, rows, 1, kBegin, kEnd, mask, Value());
      });
      forLoop(b, loc, mMain, m, 1, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, 1, 1, kBegin, kEnd, mask, Value());
      });
    });
  });
  memref::DeallocOp::create(b, loc, pack);
}

} // namespace ternion::kernels
