//===- PanelKernel.cpp - y += x * w for a weight packed in panels ---------===//
//
// tern.linear with `weight_format = #tern.panels<P>` keeps its weight as [N / P, K, P]
// (tern-pack-linear-weights): for each k, the P weights of one panel of
// outputs sit side by side. That is the layout the register-blocked
// outer-product GEMM wants, without the per-tile copy the MatMul kernel
// (OuterProductKernel.cpp) makes of a row-major b: an R x V tile of y
// (R rows, V = P / width vectors, one panel) lives in R * V registers; each
// step of k loads the V vectors of the panel's row k, broadcasts x[m + r, k]
// for each of the R rows and issues R * V FMAs. Compared with the
// dot-product kernel on [N, K] rows there is one weight stream instead of
// eight rows a power-of-two stride apart, and no reduction across lanes.
//
// A row tile takes K in blocks of `panelTileK` (4096: in practice all of
// K), so its accumulators stay in registers from the first k to the last
// and y is written once; the tile's panel column (K x P, 192 KiB for
// K = 768, P = 64) streams from L2 while the 6 rows of x stay in L1. On
// the LLM's layers this measured ~15% faster than 12 x 2-vector tiles over
// panels of 32 with 256-long K blocks that kept the panel block in L1:
// half the broadcasts per FMA (10 loads per 24 FMAs instead of 14), and no
// 12 rows of x a power-of-two stride apart competing for one L1 set. An
// output tile spans many rows (panel-tile-m, 512) so that each panel is
// read from memory once.
//
// Rows with no full tile (decode, M == 1) take K in one block, `group`
// panels at a time: one broadcast feeds group x V FMA chains, and K is split
// into ranges read side by side so that at least four weight streams are
// in flight (one stream per thread measured ~8% below the read bandwidth).
// The rows left after the R-row tiles (fewer than R) run as one tile of
// exactly that many rows when there are two or more, so that each panel is
// read once for all of them: a speculative decoding target verifying 2-5
// tokens, or the end of a prompt, costs about one decode step rather than
// one per row. A single row left runs as a decode row.
// In the first K block of a y whose zero fill was dropped, the
// accumulators start at zero instead of y's contents.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;

namespace ternion::kernels {
namespace {

/// Independent FMA chains a register tile needs to hide FMA latency: two
/// FMA ports x 4 cycles.
constexpr int64_t kMinChains = 8;
/// Weight streams a single row keeps in flight: one stream per thread
/// measured ~8% below the read bandwidth, four reach it.
constexpr int64_t kMinStreams = 4;

struct PanelEmitter {
  OpBuilder &b;
  Location loc;
  Value x, w, y;
  int64_t width, vectors;
  VectorType vectorType;
  /// The weights' vectors: vectorType, or its f16 / bf16 form.
  VectorType weightVectorType;
  /// Set (an i1) when y holds no values yet: true in the first K block.
  Value firstBlock;

  /// Where accumulator (r, q, v) of a tile of `group` panels lives in y.
  SmallVector<Value> at(OpBuilder &b, Value m, Value p, int64_t r, int64_t q, int64_t v) {
    return {addIndex(b, loc, m, r), addIndex(b, loc, p, q), index(b, loc, v * width)};
  }

  /// The accumulators of y[m .. m + rows, p .. p + group, :] before a K block.
  SmallVector<Value> loadTile(OpBuilder &b, Value m, Value p, int64_t rows, int64_t group) {
    SmallVector<Value> accs;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t q = 0; q < group; ++q)
        for (int64_t v = 0; v < vectors; ++v)
          accs.push_back(vector::LoadOp::create(b, loc, vectorType, y, at(b, m, p, r, q, v)));
    return accs;
  }

  /// One tile of `rows` rows at m and `group` panels at p (rows x group x V
  /// accumulators) over k in [kBegin, kEnd).
  void tile(Value m, Value p, int64_t rows, int64_t group, Value kBegin, Value kEnd) {
    SmallVector<Value> init;
    if (!firstBlock) {
      init = loadTile(b, m, p, rows, group);
    } else {
      // The result types come from the yields.
      auto start = scf::IfOp::create(
          b, loc, firstBlock,
          [&](OpBuilder &b, Location loc) {
            Value zero = arith::ConstantOp::create(b, loc, vectorType,
                                                   b.getZeroAttr(vectorType));
            scf::YieldOp::create(b, loc, SmallVector<Value>(rows * group * vectors, zero));
          },
          [&](OpBuilder &b, Location loc) {
            scf::YieldOp::create(b, loc, loadTile(b, m, p, rows, group));
          });
      init.assign(start.getResults().begin(), start.getResults().end());
    }
    int64_t count = rows * group * vectors;
    // accs[(r * group + q) * V + v] += x[m + r, k] * w[p + q, k, v * width ...]
    auto step = [&](OpBuilder &b, Value kIv, ValueRange accs) {
      SmallVector<Value> ws, next(accs.begin(), accs.end());
      for (int64_t q = 0; q < group; ++q)
        for (int64_t v = 0; v < vectors; ++v) {
          Value weights = vector::LoadOp::create(
              b, loc, weightVectorType, w,
              ValueRange{addIndex(b, loc, p, q), kIv, index(b, loc, v * width)});
          // f16 / bf16 panels widen in registers (vcvtph2ps; a shift for
          // bf16): half the bytes streamed per FMA.
          if (weightVectorType != vectorType)
            weights = arith::ExtFOp::create(b, loc, vectorType, weights);
          ws.push_back(weights);
        }
      for (int64_t r = 0; r < rows; ++r) {
        Value scalar =
            memref::LoadOp::create(b, loc, x, ValueRange{addIndex(b, loc, m, r), kIv});
        Value splat = vector::BroadcastOp::create(b, loc, vectorType, scalar);
        for (int64_t i = 0; i < group * vectors; ++i)
          next[r * group * vectors + i] =
              vector::FMAOp::create(b, loc, splat, ws[i], next[r * group * vectors + i]);
      }
      return next;
    };
    // A tile of few accumulators (a decode row: 1 x V) would wait on FMA
    // latency, each step on the last, and a single row is bound by how many
    // weight streams are in flight: K is split into `splits` equal ranges
    // read side by side, each with its own partial sums (at least
    // kMinChains chains, and a single row at least kMinStreams streams),
    // added at the end. What the ranges leave runs after them.
    int64_t splits = std::max<int64_t>(1, llvm::divideCeil(kMinChains, count));
    if (rows == 1)
      splits = std::max<int64_t>(splits, llvm::divideCeil(kMinStreams, group));
    else if (count <= 12)
      // A tile of the 2-3 rows left (a speculative target's verification)
      // reads its panel as two streams: measured 13-25% faster passes on
      // llama-medium than one (docs/performance.md), and 2 x 12
      // accumulators still fit the registers.
      splits = std::max<int64_t>(splits, 2);
    SmallVector<Value> accs(init);
    Value kSplitEnd = kBegin;
    if (splits > 1) {
      Value span = arith::SubIOp::create(b, loc, kEnd, kBegin);
      Value chunk = arith::DivUIOp::create(b, loc, span, index(b, loc, splits));
      SmallVector<Value> bases;
      for (int64_t u = 0; u < splits; ++u)
        bases.push_back(arith::AddIOp::create(
            b, loc, kBegin, arith::MulIOp::create(b, loc, chunk, index(b, loc, u))));
      kSplitEnd = arith::AddIOp::create(
          b, loc, kBegin, arith::MulIOp::create(b, loc, chunk, index(b, loc, splits)));
      Value zero = arith::ConstantOp::create(b, loc, vectorType, b.getZeroAttr(vectorType));
      SmallVector<Value> sets(init);
      sets.append((splits - 1) * count, zero);
      auto split = scf::ForOp::create(
          b, loc, index(b, loc, 0), chunk, index(b, loc, 1), sets,
          [&](OpBuilder &nested, Location, Value i, ValueRange iterArgs) {
            SmallVector<Value> next;
            for (int64_t u = 0; u < splits; ++u)
              llvm::append_range(
                  next, step(nested, arith::AddIOp::create(nested, loc, bases[u], i),
                             iterArgs.slice(u * count, count)));
            scf::YieldOp::create(nested, loc, next);
          });
      for (int64_t i = 0; i < count; ++i) {
        accs[i] = split.getResult(i);
        for (int64_t u = 1; u < splits; ++u)
          accs[i] = arith::AddFOp::create(b, loc, accs[i], split.getResult(u * count + i));
      }
    }
    auto loop = scf::ForOp::create(
        b, loc, kSplitEnd, kEnd, index(b, loc, 1), accs,
        [&](OpBuilder &nested, Location, Value kIv, ValueRange iterArgs) {
          scf::YieldOp::create(nested, loc, step(nested, kIv, iterArgs));
        });
    for (int64_t r = 0, i = 0; r < rows; ++r)
      for (int64_t q = 0; q < group; ++q)
        for (int64_t v = 0; v < vectors; ++v, ++i)
          vector::StoreOp::create(b, loc, loop.getResult(i), y, at(b, m, p, r, q, v));
  }
};

} // namespace

void emitPanelKernel(OpBuilder &b, Location loc, Value x, Value w, Value y,
                     const KernelShape &shape, bool yIsUninitialized) {
  int64_t width = shape.vectorWidth, rows = shape.panelRows;
  auto wType = cast<MemRefType>(w.getType());
  int64_t panelWidth = wType.getDimSize(2);
  // Accumulators are f32 (y's type); the weights may be stored narrower.
  Type accumulator = cast<MemRefType>(y.getType()).getElementType();
  PanelEmitter emitter{b,
                       loc,
                       x,
                       w,
                       y,
                       width,
                       panelWidth / width,
                       VectorType::get({width}, accumulator),
                       VectorType::get({width}, wType.getElementType()),
                       Value()};
  Value zero = index(b, loc, 0);
  Value m = memref::DimOp::create(b, loc, x, 0);
  Value k = memref::DimOp::create(b, loc, x, 1);
  Value panels = memref::DimOp::create(b, loc, w, 0);
  // Row tiles of `rows`, then one tile of the 2..rows-1 rows left, or a
  // single row.
  Value mMain = roundDown(b, loc, m, rows);
  Value left = arith::SubIOp::create(b, loc, m, mMain);
  Value severalLeft =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, left, index(b, loc, 2));
  Value mSingle = arith::SelectOp::create(b, loc, severalLeft, m, mMain);
  Value hasRowTile = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, mMain, zero);
  // K, but at least 1: a decode row takes all of K as one block, and a
  // block step of 0 would never end.
  Value kSpan = arith::MaxUIOp::create(b, loc, k, index(b, loc, 1));
  Value step = arith::SelectOp::create(b, loc, hasRowTile, index(b, loc, shape.panelTileK), kSpan);
  auto blocks = scf::ForOp::create(b, loc, zero, kSpan, step);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(blocks.getBody());
  Value kBegin = blocks.getInductionVar();
  if (yIsUninitialized)
    emitter.firstBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, kBegin, zero);
  Value kEnd = arith::MinUIOp::create(b, loc, arith::AddIOp::create(b, loc, kBegin, step), k);
  // Panels outside, row tiles inside: every row tile of x streams the same
  // panel column (its K block) from L2 while its own rows stay in L1.
  forLoop(b, loc, zero, panels, 1, [&](OpBuilder &, Value p) {
    forLoop(b, loc, zero, mMain, rows,
            [&](OpBuilder &, Value mIv) { emitter.tile(mIv, p, rows, 1, kBegin, kEnd); });
    // One variant per count of rows left, each a full register tile.
    for (int64_t count = 2; count < rows; ++count) {
      Value isCount =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, left, index(b, loc, count));
      auto ifCount = scf::IfOp::create(b, loc, isCount, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(ifCount.thenBlock());
      emitter.tile(mMain, p, count, 1, kBegin, kEnd);
    }
  });
  // Single rows (all of a decode step) take `group` panels at a time, enough
  // accumulators for the FMAs; tile() splits K so that at least kMinStreams
  // weight streams are in flight.
  int64_t group = std::max<int64_t>(1, llvm::divideCeil(kMinChains, emitter.vectors));
  Value pMain = roundDown(b, loc, panels, group);
  forLoop(b, loc, mSingle, m, 1, [&](OpBuilder &, Value mIv) {
    forLoop(b, loc, zero, pMain, group,
            [&](OpBuilder &, Value p) { emitter.tile(mIv, p, 1, group, kBegin, kEnd); });
    forLoop(b, loc, pMain, panels, 1,
            [&](OpBuilder &, Value p) { emitter.tile(mIv, p, 1, 1, kBegin, kEnd); });
  });
}

} // namespace ternion::kernels
