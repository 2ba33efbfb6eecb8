//===- DotProductKernel.cpp - y += x * w^T, vectorized along K ------------===//
//
// The weight of tern.linear is [N, K] row-major, so a column of w^T is a
// contiguous weight row: a register tile of R rows of x and C weight rows
// keeps R*C vector accumulators, loads R + C vectors per step of K and
// issues R*C FMAs, and reduces each accumulator once per K block. No
// packing or transposition of the weight is needed, which matters for
// decode (M == 1): each weight row is streamed from memory exactly once, so
// the kernel runs at read bandwidth. The default 3 x 8 tile (24 accumulators,
// 28 of the 32 AVX-512 registers) measured ~15% faster than 4 x 4 and 4 x 6:
// each vector of x, which comes from L2, feeds 8 FMAs.
//
// K is blocked (`tileK`) so that the R + C rows of a register tile fit in
// L1 (K = 2048 rows are 8 KiB each; 8 of them do not): the C weight rows
// stay there while every row tile of x passes over them. Each block adds
// its reduced sums to y. A tile with fewer than R rows of x (decode) has
// nothing to reuse and takes K in one block: weight rows stream best whole
// (4 KiB blocks of 8 KiB rows cost the prefetchers a third of the
// bandwidth).
//
// Remainders: rows left over after the R-row tiles run as 1 x C tiles,
// weight rows left over after the C-column tiles as 1 x 1 tiles, and a K
// that is not a multiple of the vector width ends with one masked step in
// the last K block.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;

namespace ternion::kernels {
namespace {

struct DotProductEmitter {
  OpBuilder &b;
  Location loc;
  Value x, w, y;
  int64_t width;
  VectorType vectorType;
  /// Set (an i1) when y holds no values yet (its zero fill was dropped):
  /// true in the first K block, whose sums are stored instead of added to
  /// y. Reading y there would miss the cache on every register tile.
  Value firstBlock;

  /// y[at] = sum in the first K block (with firstBlock), else y[at] += sum.
  void storeSum(Value sum, ValueRange at, bool isVector) {
    auto accumulate = [&](OpBuilder &b, Location loc) {
      Value old = isVector ? Value(vector::LoadOp::create(b, loc, sum.getType(), y, at))
                           : Value(memref::LoadOp::create(b, loc, y, at));
      Value total = arith::AddFOp::create(b, loc, old, sum);
      if (isVector)
        vector::StoreOp::create(b, loc, total, y, at);
      else
        memref::StoreOp::create(b, loc, total, y, at);
    };
    if (!firstBlock)
      return accumulate(b, loc);
    scf::IfOp::create(
        b, loc, firstBlock,
        [&](OpBuilder &b, Location loc) {
          if (isVector)
            vector::StoreOp::create(b, loc, sum, y, at);
          else
            memref::StoreOp::create(b, loc, sum, y, at);
          scf::YieldOp::create(b, loc);
        },
        [&](OpBuilder &b, Location loc) {
          accumulate(b, loc);
          scf::YieldOp::create(b, loc);
        });
  }

  Value shuffle(Value v1, Value v2, ArrayRef<int64_t> mask) {
    return vector::ShuffleOp::create(b, loc, v1, v2, b.getDenseI64ArrayAttr(mask));
  }

  /// The lane sums of C accumulators (C a power of two <= width) as one
  /// C-lane vector, by a tree of shuffles and adds: each level pairs two
  /// vectors and adds their halves, so C sums cost about 3 (C - 1) + 3
  /// vector ops instead of C full reductions (~8 ops each) and C scalar
  /// read-modify-writes of y.
  Value reduceTogether(ArrayRef<Value> accs) {
    // Each vector holds `order.size()` groups of `group` lanes; group g
    // holds part of the sum of column order[g].
    struct Partial {
      Value v;
      SmallVector<int64_t> order;
    };
    SmallVector<Partial> level;
    for (auto [c, acc] : llvm::enumerate(accs))
      level.push_back({acc, {static_cast<int64_t>(c)}});
    int64_t group = width;
    while (level.size() > 1) {
      int64_t half = group / 2;
      SmallVector<Partial> next;
      for (size_t i = 0; i < level.size(); i += 2) {
        const Partial &p = level[i], &q = level[i + 1];
        // Group g of p and of q each split into two halves: lo gathers
        // the first halves (p's then q's, group by group), hi the second.
        SmallVector<int64_t> lo, hi;
        Partial out;
        for (size_t g = 0; g < p.order.size(); ++g) {
          for (int64_t j = 0; j < half; ++j) {
            lo.push_back(g * group + j);
            hi.push_back(g * group + half + j);
          }
          for (int64_t j = 0; j < half; ++j) {
            lo.push_back(width + g * group + j);
            hi.push_back(width + g * group + half + j);
          }
          out.order.append({p.order[g], q.order[g]});
        }
        out.v = arith::AddFOp::create(b, loc, shuffle(p.v, q.v, lo), shuffle(p.v, q.v, hi));
        next.push_back(std::move(out));
      }
      level = std::move(next);
      group = half;
    }
    // One vector of C groups of `group` lanes: add within groups.
    Partial last = level.front();
    int64_t count = last.order.size();
    while (group > 1) {
      int64_t half = group / 2;
      SmallVector<int64_t> lo, hi;
      for (int64_t g = 0; g < count; ++g)
        for (int64_t j = 0; j < half; ++j) {
          lo.push_back(g * group + j);
          hi.push_back(g * group + half + j);
        }
      last.v = arith::AddFOp::create(b, loc, shuffle(last.v, last.v, lo),
                                     shuffle(last.v, last.v, hi));
      group = half;
    }
    // Lanes back in column order.
    SmallVector<int64_t> inverse(count);
    for (int64_t g = 0; g < count; ++g)
      inverse[last.order[g]] = g;
    return shuffle(last.v, last.v, inverse);
  }

  /// One R x C register tile at (m, n) over k in [kBegin, kEnd) (whole
  /// vectors), then, with `tailMask`, one masked step at kEnd.
  void tile(Value m, Value n, int64_t rows, int64_t cols, Value kBegin, Value kEnd,
            Value tailMask) {
    Value zero = arith::ConstantOp::create(b, loc, vectorType, b.getZeroAttr(vectorType));
    SmallVector<Value> init(rows * cols, zero);
    // accs[r * cols + c] accumulates x[m + r, :] * w[n + c, :].
    auto step = [&](OpBuilder &b, Value kIv, ValueRange accs, Value mask) {
      auto load = [&](Value base, Value row) -> Value {
        SmallVector<Value> indices{row, kIv};
        if (mask)
          return vector::MaskedLoadOp::create(b, loc, vectorType, base, indices, mask, zero);
        return vector::LoadOp::create(b, loc, vectorType, base, indices);
      };
      SmallVector<Value> xs, next(accs.begin(), accs.end());
      for (int64_t r = 0; r < rows; ++r)
        xs.push_back(load(x, addIndex(b, loc, m, r)));
      for (int64_t c = 0; c < cols; ++c) {
        Value wv = load(w, addIndex(b, loc, n, c));
        for (int64_t r = 0; r < rows; ++r)
          next[r * cols + c] = vector::FMAOp::create(b, loc, xs[r], wv, next[r * cols + c]);
      }
      return next;
    };
    auto loop = scf::ForOp::create(
        b, loc, kBegin, kEnd, index(b, loc, width), init,
        [&](OpBuilder &nested, Location, Value kIv, ValueRange accs) {
          scf::YieldOp::create(nested, loc, step(nested, kIv, accs, Value()));
        });
    SmallVector<Value> accs(loop.getResults());
    // Lanes past K (all lanes, outside the last block) read as zero.
    if (tailMask)
      accs = step(b, kEnd, accs, tailMask);
    for (int64_t r = 0; r < rows; ++r) {
      if (llvm::isPowerOf2_64(cols) && cols > 1 && cols <= width &&
          llvm::isPowerOf2_64(width)) {
        // y[m + r, n : n + cols] += the sums of the row's accumulators.
        Value sums = reduceTogether(ArrayRef<Value>(accs).slice(r * cols, cols));
        storeSum(sums, {addIndex(b, loc, m, r), n}, /*isVector=*/true);
        continue;
      }
      for (int64_t c = 0; c < cols; ++c) {
        Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                                accs[r * cols + c], arith::FastMathFlags::reassoc);
        storeSum(sum, {addIndex(b, loc, m, r), addIndex(b, loc, n, c)}, /*isVector=*/false);
      }
    }
  }
};

} // namespace

void emitDotProductKernel(OpBuilder &b, Location loc, Value x, Value w, Value y,
                          const KernelShape &shape, bool yIsUninitialized) {
  int64_t width = shape.vectorWidth, rows = shape.dotRows, cols = shape.dotCols;
  // A block is whole vectors, so only the last one has a tail.
  int64_t blockK = std::max<int64_t>(width, shape.dotTileK / width * width);
  auto xType = cast<MemRefType>(x.getType());
  Value m = memref::DimOp::create(b, loc, x, 0);
  Value n = memref::DimOp::create(b, loc, w, 0);
  Value k = memref::DimOp::create(b, loc, x, 1);
  bool hasTail = xType.isDynamicDim(1) || xType.getDimSize(1) % width != 0;
  DotProductEmitter emitter{b, loc, x, w, y, width,
                            VectorType::get({width}, xType.getElementType()), Value()};
  Value zero = index(b, loc, 0);
  Value kMain = roundDown(b, loc, k, width);
  Value mMain = roundDown(b, loc, m, rows), nMain = roundDown(b, loc, n, cols);
  // With a tail the blocks cover all of K (a K below one vector still gets
  // its block); the tail belongs to the block that reaches K. Without a
  // full row tile, one block of kMain + width covers K.
  Value hasRowTile = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, mMain, zero);
  Value step = arith::SelectOp::create(b, loc, hasRowTile, index(b, loc, blockK),
                                       addIndex(b, loc, kMain, width));
  auto blocks = scf::ForOp::create(b, loc, zero, hasTail ? k : kMain, step);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(blocks.getBody());
    Value kBegin = blocks.getInductionVar();
    if (yIsUninitialized)
      emitter.firstBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, kBegin, zero);
    Value blockEnd = arith::AddIOp::create(b, loc, kBegin, step);
    Value kEnd = arith::MinUIOp::create(b, loc, blockEnd, kMain);
    Value tailMask;
    if (hasTail) {
      Value last = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, blockEnd, k);
      Value remaining = arith::SelectOp::create(b, loc, last,
                                                arith::SubIOp::create(b, loc, k, kMain), zero);
      auto maskType = VectorType::get({width}, b.getI1Type());
      tailMask = vector::CreateMaskOp::create(b, loc, maskType, ValueRange{remaining});
    }
    // Weight-row tiles outside, x-row tiles inside: the C weight rows of a
    // tile stay in L1 while every row of x passes over them.
    forLoop(b, loc, zero, nMain, cols, [&](OpBuilder &, Value nIv) {
      forLoop(b, loc, zero, mMain, rows, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, rows, cols, kBegin, kEnd, tailMask);
      });
      forLoop(b, loc, mMain, m, 1, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, 1, cols, kBegin, kEnd, tailMask);
      });
    });
    forLoop(b, loc, nMain, n, 1, [&](OpBuilder &, Value nIv) {
      forLoop(b, loc, zero, m, 1, [&](OpBuilder &, Value mIv) {
        emitter.tile(mIv, nIv, 1, 1, kBegin, kEnd, tailMask);
      });
    });
  }
}

} // namespace ternion::kernels
