//===- SparseAttention.cpp - sparse prefill of tern.attention (MInference) ===//
//
// A tern.attention with #tern.sparse_attention runs its long prefills on
// the keys of each query head's pattern only. Three steps, all in the
// compiled code, each prompt:
//
// 1. Estimate (per batch and head, scf.forall), as MInference does:
//    - vertical-slash: the last 64 queries against every key, softmax,
//      column sums (verticals) and diagonal sums (slashes); the first
//      columns and diagonals forced in; top-k of each;
//    - block-sparse: queries and keys mean-pooled over blocks of 64, the
//      pooled scores causal per block row, the first and diagonal blocks
//      forced in; top-k per row.
// 2. Index (per batch, head and block of 64 queries): the pattern becomes
//    sorted, disjoint key ranges (A-shape: the sink and the window; block-
//    sparse: the kept blocks, adjacent ones merged; vertical-slash: each
//    kept diagonal's span over the block, overlapping spans merged) and a
//    list of the kept columns outside those ranges.
// 3. Attend: the flash-attention block step over every range, 64 keys at a
//    time, then over the listed columns gathered into tiles of 64: one
//    kernel for every pattern, parallel over (batch, head, query block).
//
// Causality is applied per query inside each block, so every pattern is a
// subset of causal attention and a full budget gives dense attention.
// Prefills shorter than min_tokens, and decode, take the dense tilings.
//
//===----------------------------------------------------------------------===//
#include "FlashAttentionBuilder.h"
#include "ScfBuilders.h"
#include "TopK.h"

#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/ShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/SetVector.h"

#include <limits>

using namespace mlir;
using namespace ternion::tern;
using IT = utils::IteratorType;

namespace ternion::cpu {
namespace {

constexpr int64_t kSparseBlock = SparseAttentionAttr::kBlock;

/// Each head's pattern as a number, for scf.index_switch.
enum PatternCode : int64_t {
  kDenseCode = 0,
  kAShapeCode = 1,
  kVerticalSlashCode = 2,
  kBlockSparseCode = 3
};

SmallVector<OpFoldResult> ones(OpBuilder &b, unsigned n) {
  return SmallVector<OpFoldResult>(n, b.getIndexAttr(1));
}

/// A constant 1-D index tensor.
Value indexTable(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, b.getIndexType());
  SmallVector<APInt> bits;
  for (int64_t v : values)
    bits.emplace_back(64, v, /*isSigned=*/true);
  return arith::ConstantOp::create(b, loc, DenseIntElementsAttr::get(type, bits));
}

class SparseAttentionBuilder : public FlashAttentionBuilder {
public:
  SparseAttentionBuilder(AttentionOp op, Value q, Value k, Value v, Value mask, int64_t group,
                         SparseAttentionAttr sparsity)
      : FlashAttentionBuilder(op, q, k, v, mask, group), sparsity(sparsity) {
    for (auto [h, pattern] : llvm::enumerate(sparsity.getHeads())) {
      int64_t code = kDenseCode, first = 0, second = 0, slot = 0;
      if (auto a = dyn_cast<AShapeAttr>(pattern)) {
        code = kAShapeCode, first = a.getSink(), second = a.getLocal();
      } else if (auto vs = dyn_cast<VerticalSlashAttr>(pattern)) {
        code = kVerticalSlashCode, first = vs.getVertical(), second = vs.getSlash();
        slot = verticalSlashHeads.size();
        verticalSlashHeads.push_back(h);
        maxVertical = std::max(maxVertical, first);
        maxSlash = std::max(maxSlash, second);
      } else if (auto bs = dyn_cast<BlockSparseAttr>(pattern)) {
        code = kBlockSparseCode, first = bs.getBlocks();
        slot = blockSparseHeads.size();
        blockSparseHeads.push_back(h);
        maxBlocks = std::max(maxBlocks, first);
      }
      codes.push_back(code);
      firsts.push_back(first);
      seconds.push_back(second);
      slots.push_back(slot);
      codesPresent.insert(code);
    }
  }

protected:
  Value buildPrefill(OpBuilder &b, Location loc, Value init) override {
    Value isLong = cmpIndex(b, loc, arith::CmpIPredicate::sge, queries,
                            indexConstant(b, loc, sparsity.getMinTokens()));
    return ifElse(
        b, loc, isLong,
        [&](OpBuilder &b, Location l) -> SmallVector<Value> { return {sparsePrefill(b, l, init)}; },
        [&](OpBuilder &b, Location l) -> SmallVector<Value> { return {prefill(b, l, init)}; })[0];
  }

private:
  /// The estimates of every vertical-slash head: kept columns [B, nVS, V],
  /// kept diagonals [B, nVS, S] and their counts [B, nVS, 2].
  struct VerticalSlashEstimate {
    Value verticals, slashes, counts;
  };
  /// The kept key blocks of every block-sparse head: [B, nBS, query block,
  /// blocks] and their counts [B, nBS, query block].
  struct BlockSparseEstimate {
    Value blocks, counts;
  };
  /// One query block's pattern: sorted, disjoint key ranges [R, 2] and the
  /// kept columns outside them [C], with their counts.
  struct BlockIndex {
    Value ranges, rangeCount, columns, columnCount;
  };

  Value sparsePrefill(OpBuilder &b, Location loc, Value init);
  VerticalSlashEstimate estimateVerticalSlash(OpBuilder &b, Location loc);
  BlockSparseEstimate estimateBlockSparse(OpBuilder &b, Location loc);
  /// verticals [V], slashes [S] and their counts for query head h.
  SmallVector<Value> estimateHeadVerticalSlash(OpBuilder &b, Location loc, Value bi, Value h,
                                               Value nv, Value ns);
  /// blocks [query block, B] and counts [query block] for query head h.
  SmallVector<Value> estimateHeadBlockSparse(OpBuilder &b, Location loc, Value bi, Value h,
                                             Value budget);
  /// The mean over blocks of 64 rows of `source` [b, head, rows, D] ->
  /// [ceil(rows / 64), D].
  Value meanPool(OpBuilder &b, Location loc, Value source, Value bi, Value head, Value rows);
  BlockIndex indexBlock(OpBuilder &b, Location loc, Value bi, Value h, Value p0, Value p1,
                        const VerticalSlashEstimate &vs, const BlockSparseEstimate &bs,
                        Value queryBlock);
  /// Appends [start, end) to the ranges, merging it into the last range
  /// when they overlap or touch (starts arrive in ascending order).
  std::pair<Value, Value> appendRange(OpBuilder &b, Location loc, Value ranges, Value count,
                                      Value start, Value end);
  /// The (m, l, acc) after attending the tile to every key of the index.
  SmallVector<Value> attendIndex(OpBuilder &b, Location loc, Value qTile, Value kvHead,
                                 const BlockIndex &index, TilePosition pos);
  /// The most ranges and listed columns a query block's index can hold:
  /// the budgets, capped by the keys (large budgets mean "everything").
  int64_t rangeBudget() const {
    int64_t budget = 2; // dense: 1; A-shape: 2
    if (!blockSparseHeads.empty())
      budget = std::max(budget, maxBlocks);
    if (!verticalSlashHeads.empty())
      budget = std::max(budget, maxSlash);
    return budget;
  }
  /// min(budget, limit), at least 1 so that every index tensor can be read.
  Value capacity(OpBuilder &b, Location loc, int64_t budget, Value limit) {
    return maxIndex(b, loc, minIndex(b, loc, indexConstant(b, loc, budget), limit),
                    indexConstant(b, loc, 1));
  }
  Value emptyIndices(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes) {
    return emptyTensor(b, loc, sizes, b.getIndexType());
  }

  SparseAttentionAttr sparsity;
  SmallVector<int64_t> codes, firsts, seconds, slots;
  SmallVector<int64_t> verticalSlashHeads, blockSparseHeads;
  llvm::SmallSetVector<int64_t, 4> codesPresent;
  int64_t maxVertical = 0, maxSlash = 1, maxBlocks = 2;
  // Set by sparsePrefill().
  Value offset, queryBlocks, keyBlocks;
  Value rangeCapacity, columnCapacity, slashCapacity, blockCapacity;
};

Value SparseAttentionBuilder::meanPool(OpBuilder &b, Location loc, Value source, Value bi,
                                       Value head, Value rows) {
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1),
        block = indexConstant(b, loc, kSparseBlock);
  Value blocks = arith::CeilDivSIOp::create(b, loc, rows, block);
  Value depth = tensor::DimOp::create(b, loc, source, 3);
  Value pooled = filledTensor(b, loc, {blocks, depth}, zero);
  // Sums of each block's rows, then a division by the block's row count
  // (the last block may be partial): S * D adds per head, next to the
  // S * T * D of attention.
  pooled =
      scf::ForOp::create(
          b, loc, c0, rows, c1, ValueRange{pooled},
          [&](OpBuilder &b, Location l, Value row, ValueRange acc) {
            Value at = arith::DivUIOp::create(b, l, row, block);
            auto inner = scf::ForOp::create(
                b, l, c0, depth, c1, acc, [&](OpBuilder &b, Location l, Value d, ValueRange acc) {
                  Value sum = arith::AddFOp::create(b, l, extract(b, l, acc[0], {at, d}),
                                                    extract(b, l, source, {bi, head, row, d}));
                  scf::YieldOp::create(b, l, ValueRange{insert(b, l, sum, acc[0], {at, d})});
                });
            scf::YieldOp::create(b, l, inner.getResults());
          })
          .getResult(0);
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  Value out = emptyTensor(b, loc, {blocks, depth}, element);
  return buildGeneric(b, loc, out.getType(), ValueRange{pooled}, out, {id2, id2},
                      {IT::parallel, IT::parallel},
                      [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                        Value first = mulIndex(b, l, linalg::IndexOp::create(b, l, 0), block);
                        Value count = minIndex(b, l, block, subIndex(b, l, rows, first));
                        Value asFloat = arith::UIToFPOp::create(
                            b, l, element, arith::IndexCastOp::create(b, l, b.getI64Type(), count));
                        return {arith::DivFOp::create(b, l, a[0], asFloat)};
                      })
      .getResult(0);
}

SmallVector<Value> SparseAttentionBuilder::estimateHeadVerticalSlash(OpBuilder &b, Location loc,
                                                                     Value bi, Value h, Value nv,
                                                                     Value ns) {
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);
  Value kvHead =
      group == 1 ? h : Value(arith::DivUIOp::create(b, loc, h, indexConstant(b, loc, group)));
  // The last L = min(64, S) queries against every key.
  Value last =
      minIndex(b, loc, indexConstant(b, loc, VerticalSlashAttr::kEstimateQueries), queries);
  Value qStart = subIndex(b, loc, queries, last);
  int64_t depth = cast<RankedTensorType>(q.getType()).getDimSize(3);
  Value qLast = tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({ShapedType::kDynamic, depth}, element), q,
      ArrayRef<OpFoldResult>{bi, h, qStart, b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), last,
                             getAsOpFoldResult(headDim)},
      ones(b, 4));
  Value kAll = tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({depth, ShapedType::kDynamic}, element), keyTransposed,
      ArrayRef<OpFoldResult>{bi, kvHead, b.getIndexAttr(0), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), getAsOpFoldResult(headDim),
                             keys},
      ones(b, 4));
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap rowOf2 = AffineMap::get(2, 0, {d(0)}, ctx);
  AffineMap colOf2 = AffineMap::get(2, 0, {d(1)}, ctx);
  Value scores = filledTensor(b, loc, {last, keys}, zero);
  scores = buildGeneric(b, loc, scores.getType(), ValueRange{qLast, kAll}, scores,
                        {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                         AffineMap::get(3, 0, {d(2), d(1)}, ctx),
                         AffineMap::get(3, 0, {d(0), d(1)}, ctx)},
                        {IT::parallel, IT::parallel, IT::reduction}, multiplyAccumulate)
               .getResult(0);
  TilePosition pos{bi, h, qStart, /*rowsAreHeads=*/false, c0, /*keysTransposed=*/true};
  Value masked = emptyTensor(b, loc, {last, keys}, element);
  masked = buildGeneric(b, loc, masked.getType(), ValueRange{scores}, masked, {id2, id2},
                        {IT::parallel, IT::parallel},
                        [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                          Value x = arith::MulFOp::create(b, l, a[0], scale);
                          Value row = linalg::IndexOp::create(b, l, 0);
                          Value col = linalg::IndexOp::create(b, l, 1);
                          if (mask)
                            x = arith::AddFOp::create(b, l, x, maskAt(b, l, pos, row, col));
                          Value position = addIndex(b, l, pos.query(b, l, row), offset);
                          Value future = cmpIndex(b, l, arith::CmpIPredicate::sgt, col, position);
                          return {arith::SelectOp::create(b, l, future, negInf, x)};
                        })
               .getResult(0);
  // Softmax per row; each row's own key is allowed, so its max is finite.
  Value rowMax = filledTensor(b, loc, {last}, negInf);
  rowMax = buildGeneric(b, loc, rowMax.getType(), ValueRange{masked}, rowMax, {id2, rowOf2},
                        {IT::parallel, IT::reduction},
                        [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                          return {arith::MaximumFOp::create(b, l, a[0], a[1])};
                        })
               .getResult(0);
  Value probabilities = emptyTensor(b, loc, {last, keys}, element);
  Value underflow = floatConst(b, loc, element, kExpUnderflow);
  probabilities =
      buildGeneric(
          b, loc, probabilities.getType(), ValueRange{masked, rowMax}, probabilities,
          {id2, rowOf2, id2}, {IT::parallel, IT::parallel},
          [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
            Value diff = arith::SubFOp::create(b, l, a[0], a[1]);
            Value tiny = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, diff, underflow);
            return {arith::SelectOp::create(b, l, tiny, zero, math::ExpOp::create(b, l, diff))};
          })
          .getResult(0);
  Value rowSum = filledTensor(b, loc, {last}, zero);
  rowSum = buildGeneric(
               b, loc, rowSum.getType(), ValueRange{probabilities}, rowSum, {id2, rowOf2},
               {IT::parallel, IT::reduction},
               [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                 return {arith::AddFOp::create(b, l, a[0], a[1], arith::FastMathFlags::reassoc)};
               })
               .getResult(0);
  // Column sums of the normalized rows: sum_r p[r, c] / l[r].
  Value vertical = filledTensor(b, loc, {keys}, zero);
  vertical = buildGeneric(b, loc, vertical.getType(), ValueRange{probabilities, rowSum}, vertical,
                          {id2, rowOf2, colOf2}, {IT::reduction, IT::parallel},
                          [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                            return {arith::AddFOp::create(b, l, a[2],
                                                          arith::DivFOp::create(b, l, a[0], a[1]))};
                          })
                 .getResult(0);
  // Diagonal sums: slash[p_r - c] += p[r, c] / l[r] for the keys c <= p_r
  // of row r at absolute position p_r (L * T scalar adds).
  Value slash = filledTensor(b, loc, {keys}, zero);
  slash = scf::ForOp::create(
              b, loc, c0, last, c1, ValueRange{slash},
              [&](OpBuilder &b, Location l, Value row, ValueRange acc) {
                Value position = addIndex(b, l, addIndex(b, l, qStart, row), offset);
                Value inverse = arith::DivFOp::create(b, l, floatConst(b, l, element, 1.0),
                                                      extract(b, l, rowSum, {row}));
                auto inner = scf::ForOp::create(
                    b, l, c0, addIndex(b, l, position, c1), c1, acc,
                    [&](OpBuilder &b, Location l, Value col, ValueRange acc) {
                      Value diagonal = subIndex(b, l, position, col);
                      Value p = arith::MulFOp::create(
                          b, l, extract(b, l, probabilities, {row, col}), inverse);
                      Value sum = arith::AddFOp::create(b, l, extract(b, l, acc[0], {diagonal}), p);
                      scf::YieldOp::create(b, l, ValueRange{insert(b, l, sum, acc[0], {diagonal})});
                    });
                scf::YieldOp::create(b, l, inner.getResults());
              })
              .getResult(0);
  // The first columns (attention sinks) and diagonals (the local window)
  // are kept whatever the estimate says, as far as the budgets go.
  Value posInf = floatConst(b, loc, element, std::numeric_limits<double>::infinity());
  AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
  auto force = [&](Value scores, int64_t forced, Value budget) {
    Value limit = minIndex(b, loc, indexConstant(b, loc, forced), budget);
    Value out = emptyTensor(b, loc, {keys}, element);
    return buildGeneric(b, loc, out.getType(), ValueRange{scores}, out, {id1, id1}, {IT::parallel},
                        [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                          Value low = cmpIndex(b, l, arith::CmpIPredicate::slt,
                                               linalg::IndexOp::create(b, l, 0), limit);
                          return {arith::SelectOp::create(b, l, low, posInf, a[0])};
                        })
        .getResult(0);
  };
  vertical = force(vertical, VerticalSlashAttr::kForcedVertical, nv);
  slash = force(slash, VerticalSlashAttr::kForcedSlash, ns);
  auto [verticals, verticalCount] =
      buildTopK(b, loc, vertical, keys, nv, emptyIndices(b, loc, {columnCapacity}));
  auto [slashes, slashCount] =
      buildTopK(b, loc, slash, keys, ns, emptyIndices(b, loc, {slashCapacity}));
  return {verticals, verticalCount, slashes, slashCount};
}

SparseAttentionBuilder::VerticalSlashEstimate
SparseAttentionBuilder::estimateVerticalSlash(OpBuilder &b, Location loc) {
  int64_t heads = verticalSlashHeads.size();
  Value headTable = indexTable(b, loc, verticalSlashHeads);
  Value firstTable = indexTable(b, loc, firsts), secondTable = indexTable(b, loc, seconds);
  Value verticals = emptyIndices(b, loc, {batch, b.getIndexAttr(heads), columnCapacity});
  Value slashes = emptyIndices(b, loc, {batch, b.getIndexAttr(heads), slashCapacity});
  Value counts = emptyIndices(b, loc, {batch, b.getIndexAttr(heads), b.getIndexAttr(2)});
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{getAsOpFoldResult(batch), b.getIndexAttr(heads)},
      ValueRange{verticals, slashes, counts}, std::nullopt,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value bi = args[0], slot = args[1];
        Value h = extract(b, l, headTable, {slot});
        SmallVector<Value> found = estimateHeadVerticalSlash(
            b, l, bi, h, extract(b, l, firstTable, {h}), extract(b, l, secondTable, {h}));
        Value countPair = tensor::FromElementsOp::create(
            b, l, RankedTensorType::get({2}, b.getIndexType()), ValueRange{found[1], found[3]});
        auto inParallel = scf::InParallelOp::create(b, l);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(inParallel.getBody());
        auto put = [&](Value value, Value into, OpFoldResult width) {
          tensor::ParallelInsertSliceOp::create(
              b, l, value, into, ArrayRef<OpFoldResult>{bi, slot, b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), width}, ones(b, 3));
        };
        put(found[0], args[2], columnCapacity);
        put(found[2], args[3], slashCapacity);
        put(countPair, args[4], b.getIndexAttr(2));
      });
  return {forall.getResult(0), forall.getResult(1), forall.getResult(2)};
}

SmallVector<Value> SparseAttentionBuilder::estimateHeadBlockSparse(OpBuilder &b, Location loc,
                                                                   Value bi, Value h,
                                                                   Value budget) {
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1),
        block = indexConstant(b, loc, kSparseBlock);
  Value kvHead =
      group == 1 ? h : Value(arith::DivUIOp::create(b, loc, h, indexConstant(b, loc, group)));
  Value queryPool = meanPool(b, loc, q, bi, h, queries);
  Value keyPool = meanPool(b, loc, k, bi, kvHead, keys);
  Value scores = filledTensor(b, loc, {queryBlocks, keyBlocks}, zero);
  scores = buildGeneric(b, loc, scores.getType(), ValueRange{queryPool, keyPool}, scores,
                        {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                         AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                         AffineMap::get(3, 0, {d(0), d(1)}, ctx)},
                        {IT::parallel, IT::parallel, IT::reduction}, multiplyAccumulate)
               .getResult(0);
  Value posInf = floatConst(b, loc, element, std::numeric_limits<double>::infinity());
  Value blocks = emptyIndices(b, loc, {queryBlocks, blockCapacity});
  Value counts = emptyIndices(b, loc, {queryBlocks});
  auto rows = scf::ForOp::create(
      b, loc, c0, queryBlocks, c1, ValueRange{blocks, counts},
      [&](OpBuilder &b, Location l, Value row, ValueRange acc) {
        Value first = mulIndex(b, l, row, block);
        Value rowsHere = minIndex(b, l, block, subIndex(b, l, queries, first));
        Value p0 = addIndex(b, l, first, offset);
        Value p1 = subIndex(b, l, addIndex(b, l, p0, rowsHere), c1);
        Value firstDiagonal = arith::DivUIOp::create(b, l, p0, block);
        Value lastDiagonal = arith::DivUIOp::create(b, l, p1, block);
        Value rowScores = tensor::ExtractSliceOp::create(
            b, l, RankedTensorType::get({ShapedType::kDynamic}, element), scores,
            ArrayRef<OpFoldResult>{row, b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), keyBlocks}, ones(b, 2));
        AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
        Value forced = emptyTensor(b, l, {keyBlocks}, element);
        forced =
            buildGeneric(
                b, l, forced.getType(), ValueRange{rowScores}, forced, {id1, id1}, {IT::parallel},
                [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                  Value col = linalg::IndexOp::create(b, l, 0);
                  Value future = cmpIndex(b, l, arith::CmpIPredicate::sgt, col, lastDiagonal);
                  Value kept = arith::OrIOp::create(
                      b, l, cmpIndex(b, l, arith::CmpIPredicate::eq, col, indexConstant(b, l, 0)),
                      cmpIndex(b, l, arith::CmpIPredicate::sge, col, firstDiagonal));
                  Value x = arith::SelectOp::create(b, l, kept, posInf, a[0]);
                  return {arith::SelectOp::create(b, l, future, negInf, x)};
                })
                .getResult(0);
        auto [kept, count] =
            buildTopK(b, l, forced, keyBlocks, budget, emptyIndices(b, l, {blockCapacity}));
        Value nextBlocks = tensor::InsertSliceOp::create(
            b, l, kept, acc[0], ArrayRef<OpFoldResult>{row, b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), blockCapacity}, ones(b, 2));
        scf::YieldOp::create(b, l, ValueRange{nextBlocks, insert(b, l, count, acc[1], {row})});
      });
  return {rows.getResult(0), rows.getResult(1)};
}

SparseAttentionBuilder::BlockSparseEstimate
SparseAttentionBuilder::estimateBlockSparse(OpBuilder &b, Location loc) {
  int64_t heads = blockSparseHeads.size();
  Value headTable = indexTable(b, loc, blockSparseHeads);
  Value firstTable = indexTable(b, loc, firsts);
  Value blocks = emptyIndices(b, loc, {batch, b.getIndexAttr(heads), queryBlocks, blockCapacity});
  Value counts = emptyIndices(b, loc, {batch, b.getIndexAttr(heads), queryBlocks});
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{getAsOpFoldResult(batch), b.getIndexAttr(heads)},
      ValueRange{blocks, counts}, std::nullopt, [&](OpBuilder &b, Location l, ValueRange args) {
        Value bi = args[0], slot = args[1];
        Value h = extract(b, l, headTable, {slot});
        SmallVector<Value> found =
            estimateHeadBlockSparse(b, l, bi, h, extract(b, l, firstTable, {h}));
        auto inParallel = scf::InParallelOp::create(b, l);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(inParallel.getBody());
        tensor::ParallelInsertSliceOp::create(
            b, l, found[0], args[2],
            ArrayRef<OpFoldResult>{bi, slot, b.getIndexAttr(0), b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), queryBlocks,
                                   blockCapacity},
            ones(b, 4));
        tensor::ParallelInsertSliceOp::create(
            b, l, found[1], args[3], ArrayRef<OpFoldResult>{bi, slot, b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), queryBlocks}, ones(b, 3));
      });
  return {forall.getResult(0), forall.getResult(1)};
}

std::pair<Value, Value> SparseAttentionBuilder::appendRange(OpBuilder &b, Location loc,
                                                            Value ranges, Value count, Value start,
                                                            Value end) {
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);
  Value lastIndex = maxIndex(b, loc, subIndex(b, loc, count, c1), c0);
  Value lastEnd = extract(b, loc, ranges, {lastIndex, c1});
  Value merges =
      arith::AndIOp::create(b, loc, cmpIndex(b, loc, arith::CmpIPredicate::sgt, count, c0),
                            cmpIndex(b, loc, arith::CmpIPredicate::sle, start, lastEnd));
  SmallVector<Value> next = ifElse(
      b, loc, merges,
      [&](OpBuilder &b, Location l) -> SmallVector<Value> {
        Value merged = insert(b, l, maxIndex(b, l, lastEnd, end), ranges, {lastIndex, c1});
        return {merged, count};
      },
      [&](OpBuilder &b, Location l) -> SmallVector<Value> {
        Value added = insert(b, l, start, ranges, {count, c0});
        added = insert(b, l, end, added, {count, c1});
        return {added, addIndex(b, l, count, c1)};
      });
  return {next[0], next[1]};
}

SparseAttentionBuilder::BlockIndex
SparseAttentionBuilder::indexBlock(OpBuilder &b, Location loc, Value bi, Value h, Value p0,
                                   Value p1, const VerticalSlashEstimate &vs,
                                   const BlockSparseEstimate &bs, Value queryBlock) {
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1),
        block = indexConstant(b, loc, kSparseBlock);
  Value keyEnd = addIndex(b, loc, p1, c1);
  Type indexType = b.getIndexType();
  Value emptyRanges = emptyIndices(b, loc, {rangeCapacity, b.getIndexAttr(2)});
  Value emptyColumns = emptyIndices(b, loc, {columnCapacity});
  Value code = extract(b, loc, indexTable(b, loc, codes), {h});
  Value slot = extract(b, loc, indexTable(b, loc, slots), {h});
  Value first = extract(b, loc, indexTable(b, loc, firsts), {h});
  Value second = extract(b, loc, indexTable(b, loc, seconds), {h});

  SmallVector<int64_t> cases;
  for (int64_t present : codesPresent)
    if (present != kDenseCode)
      cases.push_back(present);
  SmallVector<Type> types{emptyRanges.getType(), indexType, emptyColumns.getType(), indexType};
  auto indexSwitch = scf::IndexSwitchOp::create(b, loc, types, code, cases, cases.size());
  auto yieldIndex = [&](OpBuilder &b, Location l, Value ranges, Value rangeCount, Value columns,
                        Value columnCount) {
    scf::YieldOp::create(b, l, ValueRange{ranges, rangeCount, columns, columnCount});
  };
  {
    // Dense: every causal key.
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&indexSwitch.getDefaultRegion());
    auto [ranges, count] = appendRange(b, loc, emptyRanges, c0, c0, keyEnd);
    yieldIndex(b, loc, ranges, count, emptyColumns, c0);
  }
  for (auto [i, caseCode] : llvm::enumerate(cases)) {
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&indexSwitch.getCaseRegions()[i]);
    if (caseCode == kAShapeCode) {
      // The sink [0, sink) and the window (p0 - local, p1].
      Value windowStart = maxIndex(b, loc, subIndex(b, loc, addIndex(b, loc, p0, c1), second), c0);
      auto [ranges, count] =
          appendRange(b, loc, emptyRanges, c0, c0, minIndex(b, loc, first, keyEnd));
      std::tie(ranges, count) = appendRange(b, loc, ranges, count, windowStart, keyEnd);
      yieldIndex(b, loc, ranges, count, emptyColumns, c0);
    } else if (caseCode == kBlockSparseCode) {
      Value kept = extract(b, loc, bs.counts, {bi, slot, queryBlock});
      auto loop =
          scf::ForOp::create(b, loc, c0, kept, c1, ValueRange{emptyRanges, c0},
                             [&](OpBuilder &b, Location l, Value i, ValueRange acc) {
                               Value keyBlock = extract(b, l, bs.blocks, {bi, slot, queryBlock, i});
                               Value start = mulIndex(b, l, keyBlock, block);
                               Value end = minIndex(b, l, addIndex(b, l, start, block), keyEnd);
                               auto [ranges, count] = appendRange(b, l, acc[0], acc[1], start, end);
                               scf::YieldOp::create(b, l, ValueRange{ranges, count});
                             });
      yieldIndex(b, loc, loop.getResult(0), loop.getResult(1), emptyColumns, c0);
    } else {
      assert(caseCode == kVerticalSlashCode);
      // Diagonal d spans keys [p0 - d, p1 - d] over the block; the largest
      // d first, so the spans arrive in ascending order of start.
      Value slashCount = extract(b, loc, vs.counts, {bi, slot, c1});
      auto slashes = scf::ForOp::create(
          b, loc, c0, slashCount, c1, ValueRange{emptyRanges, c0},
          [&](OpBuilder &b, Location l, Value j, ValueRange acc) {
            Value i = subIndex(b, l, subIndex(b, l, slashCount, c1), j);
            Value diagonal = extract(b, l, vs.slashes, {bi, slot, i});
            Value start = maxIndex(b, l, subIndex(b, l, p0, diagonal), c0);
            Value end = minIndex(b, l, subIndex(b, l, keyEnd, diagonal), keyEnd);
            Value nonEmpty = cmpIndex(b, l, arith::CmpIPredicate::sgt, end, start);
            SmallVector<Value> next = ifElse(
                b, l, nonEmpty,
                [&](OpBuilder &b, Location l) -> SmallVector<Value> {
                  auto [ranges, count] = appendRange(b, l, acc[0], acc[1], start, end);
                  return {ranges, count};
                },
                [&](OpBuilder &, Location) -> SmallVector<Value> {
                  return {acc[0], acc[1]};
                });
            scf::YieldOp::create(b, l, next);
          });
      Value ranges = slashes.getResult(0), rangeCount = slashes.getResult(1);
      // The kept columns that no range covers, walking both in ascending
      // order (r: the first range that ends after the column).
      Value verticalCount = extract(b, loc, vs.counts, {bi, slot, c0});
      Value lastRange = subIndex(b, loc, rangeCapacity, c1);
      auto columns = scf::ForOp::create(
          b, loc, c0, verticalCount, c1, ValueRange{emptyColumns, c0, c0},
          [&](OpBuilder &b, Location l, Value i, ValueRange acc) {
            Value column = extract(b, l, vs.verticals, {bi, slot, i});
            auto advance = scf::WhileOp::create(
                b, l, TypeRange{indexType}, ValueRange{acc[2]},
                [&](OpBuilder &b, Location l, ValueRange r) {
                  Value inRanges = cmpIndex(b, l, arith::CmpIPredicate::slt, r[0], rangeCount);
                  Value end = extract(b, l, ranges, {minIndex(b, l, r[0], lastRange), c1});
                  Value before = cmpIndex(b, l, arith::CmpIPredicate::sle, end, column);
                  scf::ConditionOp::create(b, l, arith::AndIOp::create(b, l, inRanges, before), r);
                },
                [&](OpBuilder &b, Location l, ValueRange r) {
                  scf::YieldOp::create(b, l, ValueRange{addIndex(b, l, r[0], c1)});
                });
            Value r = advance.getResult(0);
            Value start = extract(b, l, ranges, {minIndex(b, l, r, lastRange), c0});
            Value covered = arith::AndIOp::create(
                b, l, cmpIndex(b, l, arith::CmpIPredicate::slt, r, rangeCount),
                cmpIndex(b, l, arith::CmpIPredicate::sle, start, column));
            Value causal = cmpIndex(b, l, arith::CmpIPredicate::slt, column, keyEnd);
            Value take = arith::AndIOp::create(
                b, l, causal,
                arith::XOrIOp::create(b, l, covered,
                                      arith::ConstantOp::create(b, l, b.getBoolAttr(true))));
            SmallVector<Value> next = ifElse(
                b, l, take,
                [&](OpBuilder &b, Location l) -> SmallVector<Value> {
                  return {insert(b, l, column, acc[0], {acc[1]}), addIndex(b, l, acc[1], c1)};
                },
                [&](OpBuilder &, Location) -> SmallVector<Value> {
                  return {acc[0], acc[1]};
                });
            scf::YieldOp::create(b, l, ValueRange{next[0], next[1], r});
          });
      yieldIndex(b, loc, ranges, rangeCount, columns.getResult(0), columns.getResult(1));
    }
  }
  return {indexSwitch.getResult(0), indexSwitch.getResult(1), indexSwitch.getResult(2),
          indexSwitch.getResult(3)};
}

SmallVector<Value> SparseAttentionBuilder::attendIndex(OpBuilder &b, Location loc, Value qTile,
                                                       Value kvHead, const BlockIndex &index,
                                                       TilePosition pos) {
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1),
        block = indexConstant(b, loc, kSparseBlock);
  OpFoldResult rows = tensor::getMixedSize(b, loc, qTile, 0);
  Value m0 = filledTensor(b, loc, {rows}, negInf);
  Value l0 = filledTensor(b, loc, {rows}, zero);
  Value acc0 = filledTensor(b, loc, {rows, getAsOpFoldResult(valueDim)}, zero);
  int64_t depth = keyTransposed.getType().getDimSize(2);
  int64_t valueDepth = cast<RankedTensorType>(v.getType()).getDimSize(3);
  auto attend = [&](OpBuilder &b, Location l, Value kTile, Value vTile, ValueRange state,
                    const TilePosition &at) -> SmallVector<Value> {
    auto [m, lsum, acc] = attendBlock(b, l, qTile, kTile, vTile, state[0], state[1], state[2], at);
    return {m, lsum, acc};
  };
  // The ranges, 64 keys at a time.
  auto ranges = scf::ForOp::create(
      b, loc, c0, index.rangeCount, c1, ValueRange{m0, l0, acc0},
      [&](OpBuilder &b, Location l, Value r, ValueRange state) {
        Value start = extract(b, l, index.ranges, {r, c0});
        Value end = extract(b, l, index.ranges, {r, c1});
        auto keysLoop = scf::ForOp::create(
            b, l, start, end, block, state,
            [&](OpBuilder &b, Location l, Value keyStart, ValueRange state) {
              Value width = minIndex(b, l, block, subIndex(b, l, end, keyStart));
              Value kTile = tensor::ExtractSliceOp::create(
                  b, l, RankedTensorType::get({depth, ShapedType::kDynamic}, element),
                  keyTransposed,
                  ArrayRef<OpFoldResult>{pos.batch, kvHead, b.getIndexAttr(0), keyStart},
                  ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                                         getAsOpFoldResult(headDim), width},
                  ones(b, 4));
              Value vTile = tensor::ExtractSliceOp::create(
                  b, l, RankedTensorType::get({ShapedType::kDynamic, valueDepth}, element), v,
                  ArrayRef<OpFoldResult>{pos.batch, kvHead, keyStart, b.getIndexAttr(0)},
                  ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), width,
                                         getAsOpFoldResult(valueDim)},
                  ones(b, 4));
              TilePosition at = pos;
              at.keyBase = keyStart;
              scf::YieldOp::create(b, l, attend(b, l, kTile, vTile, state, at));
            });
        scf::YieldOp::create(b, l, keysLoop.getResults());
      });
  // The listed columns, gathered 64 at a time into dense tiles.
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  auto columns = scf::ForOp::create(
      b, loc, c0, index.columnCount, block, ranges.getResults(),
      [&](OpBuilder &b, Location l, Value start, ValueRange state) {
        Value width = minIndex(b, l, block, subIndex(b, l, index.columnCount, start));
        Value positions = tensor::ExtractSliceOp::create(
            b, l, RankedTensorType::get({ShapedType::kDynamic}, b.getIndexType()), index.columns,
            ArrayRef<OpFoldResult>{start}, ArrayRef<OpFoldResult>{width}, ones(b, 1));
        Value kTile = emptyTensor(b, l, {b.getIndexAttr(depth), width}, element);
        kTile = buildGeneric(
                    b, l, kTile.getType(), ValueRange{}, kTile, {id2}, {IT::parallel, IT::parallel},
                    [&](OpBuilder &b, Location l, ValueRange) -> SmallVector<Value> {
                      Value key = extract(b, l, positions, {linalg::IndexOp::create(b, l, 1)});
                      return {extract(b, l, keyTransposed,
                                      {pos.batch, kvHead, linalg::IndexOp::create(b, l, 0), key})};
                    })
                    .getResult(0);
        Value vTile = emptyTensor(b, l, {width, b.getIndexAttr(valueDepth)}, element);
        vTile = buildGeneric(
                    b, l, vTile.getType(), ValueRange{}, vTile, {id2}, {IT::parallel, IT::parallel},
                    [&](OpBuilder &b, Location l, ValueRange) -> SmallVector<Value> {
                      Value key = extract(b, l, positions, {linalg::IndexOp::create(b, l, 0)});
                      return {extract(b, l, v,
                                      {pos.batch, kvHead, key, linalg::IndexOp::create(b, l, 1)})};
                    })
                    .getResult(0);
        TilePosition at = pos;
        at.keyPositions = positions;
        scf::YieldOp::create(b, l, attend(b, l, kTile, vTile, state, at));
      });
  return columns.getResults();
}

Value SparseAttentionBuilder::sparsePrefill(OpBuilder &b, Location loc, Value init) {
  transposeKeys(b, loc);
  Value block = indexConstant(b, loc, kSparseBlock);
  offset = subIndex(b, loc, keys, queries);
  queryBlocks = arith::CeilDivSIOp::create(b, loc, queries, block);
  keyBlocks = arith::CeilDivSIOp::create(b, loc, keys, block);
  rangeCapacity = capacity(b, loc, rangeBudget(), keys);
  columnCapacity = capacity(b, loc, maxVertical, keys);
  slashCapacity = capacity(b, loc, maxSlash, keys);
  blockCapacity = capacity(b, loc, maxBlocks, keyBlocks);
  VerticalSlashEstimate vs;
  BlockSparseEstimate bs;
  if (!verticalSlashHeads.empty())
    vs = estimateVerticalSlash(b, loc);
  if (!blockSparseHeads.empty())
    bs = estimateBlockSparse(b, loc);
  auto forall = scf::ForallOp::create(
      b, loc,
      ArrayRef<OpFoldResult>{getAsOpFoldResult(batch), getAsOpFoldResult(heads),
                             getAsOpFoldResult(queryBlocks)},
      ValueRange{init}, std::nullopt, [&](OpBuilder &b, Location l, ValueRange args) {
        Value bi = args[0], h = args[1], queryBlock = args[2], out = args[3];
        Value first = mulIndex(b, l, queryBlock, block);
        Value rows = minIndex(b, l, block, subIndex(b, l, queries, first));
        Value p0 = addIndex(b, l, first, offset);
        Value p1 = subIndex(b, l, addIndex(b, l, p0, rows), indexConstant(b, l, 1));
        Value kvHead =
            group == 1 ? h : Value(arith::DivUIOp::create(b, l, h, indexConstant(b, l, group)));
        BlockIndex index = indexBlock(b, l, bi, h, p0, p1, vs, bs, queryBlock);
        auto qType = cast<RankedTensorType>(q.getType());
        Value qTile = tensor::ExtractSliceOp::create(
            b, l, RankedTensorType::get({ShapedType::kDynamic, qType.getDimSize(3)}, element), q,
            ArrayRef<OpFoldResult>{bi, h, first, b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), rows,
                                   getAsOpFoldResult(headDim)},
            ones(b, 4));
        TilePosition pos{bi, h, first, /*rowsAreHeads=*/false, Value(), /*keysTransposed=*/true};
        // With a mask instead of the causal flag (exported decoders), the
        // mask applies on top of the patterns, which are causal.
        pos.causal = true;
        SmallVector<Value> state = attendIndex(b, l, qTile, kvHead, index, pos);
        Value result = normalize(b, l, state[2], state[1]);
        auto inParallel = scf::InParallelOp::create(b, l);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(inParallel.getBody());
        tensor::ParallelInsertSliceOp::create(
            b, l, result, out, ArrayRef<OpFoldResult>{bi, h, first, b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), rows,
                                   getAsOpFoldResult(valueDim)},
            ones(b, 4));
      });
  return forall.getResult(0);
}

} // namespace

std::unique_ptr<FlashAttentionBuilder> makeAttentionBuilder(AttentionOp op, Value q, Value k,
                                                            Value v, Value mask, int64_t group) {
  if (SparseAttentionAttr sparsity = op.getSparsityAttr())
    return std::make_unique<SparseAttentionBuilder>(op, q, k, v, mask, group, sparsity);
  return std::make_unique<FlashAttentionBuilder>(op, q, k, v, mask, group);
}

} // namespace ternion::cpu
