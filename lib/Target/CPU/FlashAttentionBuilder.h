//===- FlashAttentionBuilder.h - tiled online-softmax attention -*- C++ -*-===//
//
// The builder behind the CPU lowering of tern.attention (FlashAttention.cpp
// describes the tilings), shared with the sparse prefill of ops that carry
// #tern.sparse_attention (SparseAttention.cpp), which runs the same block
// step over the keys of each head's pattern.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TARGET_CPU_FLASHATTENTIONBUILDER_H
#define TERNION_TARGET_CPU_FLASHATTENTIONBUILDER_H

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <memory>

namespace ternion::cpu {

using namespace mlir;
using tern::AttentionOp;

/// Queries per prefill tile and keys per block: a 64 x 64 f32 score tile is
/// 16 KiB, small enough to stay in L1 next to the Q, K and V tiles. 64
/// queries read each K/V block half as often as 32 did: dense prefill
/// attention took 0.32 s instead of 0.48 s at 8K tokens and 1.35 s instead
/// of 1.9 s at 16K (Zen 3, 2 threads, bench/attention); 128 was within 5%
/// of 64 and wastes more of the diagonal tile on short prompts. It is also
/// the sparse patterns' query block, so the sparse kernel's speedup over
/// this one is the sparsity's alone.
inline constexpr int64_t kRows = 64;
inline constexpr int64_t kBlock = 64;
/// Keys per block of a decode tile, whose rows are the few query heads of a
/// group: a G x 512 score tile is still a few KiB, and each block's step
/// (a dozen small linalg ops, their buffers and the online-softmax update)
/// costs the same at any width, so 8x fewer blocks than kBlock take 8x less
/// of that fixed cost (at 600 cached tokens it was most of a decode step's
/// attention time).
inline constexpr int64_t kDecodeBlock = 512;

/// Mask entries at or below kMaskedBelow forbid their key (exported causal
/// masks hold the lowest finite float or -inf there). Once every row of a
/// prefill tile has a running max above kSeenAbove, a block whose entries
/// are all forbidden would add p = 0 to every row (s + mask - m is below
/// -8e29, and p is 0 below kExpUnderflow) and leave m, so skipping it
/// changes no bit of the result, for finite q, k, v with |scale q.k| below
/// 1e29. Until then blocks are computed: a row that meets only forbidden
/// keys (a padding row) gets the unfused graph's answer. In f16 both
/// limits round to -inf, so only -inf masks are skipped there.
inline constexpr double kMaskedBelow = -1e30;
inline constexpr double kSeenAbove = -1e29;
/// exp(x) is below the smallest normal f32 (and 0 in f32 below ~-104).
inline constexpr double kExpUnderflow = -88.0;

/// Where a tile's rows and columns sit in the op's index space, for masks
/// and causality. A prefill tile's rows are consecutive queries of one head;
/// a decode tile's rows are consecutive heads at one query.
struct TilePosition {
  Value batch;
  Value headBase;
  Value queryBase;
  /// Rows advance the head (decode) rather than the query (prefill).
  bool rowsAreHeads;
  /// Key position of column c: `keyBase + c`, or `keyPositions[c]` when
  /// the tile's keys were gathered (a 1-D index tensor).
  Value keyBase;
  /// The keys operand is k^T, [batch, kv head, head_dim, key].
  bool keysTransposed = false;
  Value keyPositions = {};
  /// Keys after their query are excluded (-inf): the op's causal flag for
  /// the dense tilings; always for the sparse prefill, whose patterns are
  /// causal whatever a mask says.
  bool causal = false;

  Value key(OpBuilder &b, Location loc, Value col) const {
    if (keyPositions)
      return tensor::ExtractOp::create(b, loc, keyPositions, ValueRange{col});
    return arith::AddIOp::create(b, loc, keyBase, col);
  }

  Value head(OpBuilder &b, Location loc, Value row) const {
    return rowsAreHeads ? Value(arith::AddIOp::create(b, loc, headBase, row)) : headBase;
  }
  Value query(OpBuilder &b, Location loc, Value row) const {
    return rowsAreHeads ? queryBase : Value(arith::AddIOp::create(b, loc, queryBase, row));
  }
};

/// The multiply-accumulate body of the tile contractions.
inline SmallVector<Value> multiplyAccumulate(OpBuilder &b, Location loc, ValueRange a) {
  return {arith::AddFOp::create(b, loc, a[2], arith::MulFOp::create(b, loc, a[0], a[1]))};
}

class FlashAttentionBuilder {
public:
  FlashAttentionBuilder(AttentionOp op, Value q, Value k, Value v, Value mask, int64_t group)
      : op(op), q(q), k(k), v(v), mask(mask), group(group), ctx(op.getContext()),
        element(cast<RankedTensorType>(q.getType()).getElementType()) {}

  virtual ~FlashAttentionBuilder() = default;

  Value build(OpBuilder &b, Location loc);

protected:
  /// The tiling of a prefill (S > 1); the sparse builder chooses by length.
  virtual Value buildPrefill(OpBuilder &b, Location loc, Value init) {
    return prefill(b, loc, init);
  }
  AffineExpr d(unsigned i) { return getAffineDimExpr(i, ctx); }

  /// One key block: returns the updated (m, l, acc).
  std::tuple<Value, Value, Value> attendBlock(OpBuilder &b, Location loc, Value qTile, Value kTile,
                                              Value vTile, Value m, Value l, Value acc,
                                              const TilePosition &pos);
  /// The mask value at (row, column) of a tile, read with tensor.extract
  /// (broadcast dims of the mask read index 0).
  Value maskAt(OpBuilder &b, Location loc, const TilePosition &pos, Value row, Value col);
  /// True when every mask entry of the block (rows x cols at `pos`) is at
  /// most kMaskedBelow: a block above the diagonal of a causal mask.
  Value blockFullyMasked(OpBuilder &b, Location loc, const TilePosition &pos, Value rows,
                         Value cols);
  /// True when every row of m has a maximum above kSeenAbove, i.e. has met
  /// a key its mask allows.
  Value rowsSeen(OpBuilder &b, Location loc, Value m);
  /// The next (m, l, acc, seen) of a prefill key loop with a mask, given
  /// its carried state: `attend` computes the block unless every row has
  /// been seen and the block at `pos` is fully masked.
  SmallVector<Value>
  attendUnlessMasked(OpBuilder &b, Location loc, ValueRange carried, const TilePosition &pos,
                     Value rows, Value cols,
                     function_ref<SmallVector<Value>(OpBuilder &, Location)> attend);
  /// acc / l, the finished rows of a tile.
  Value normalize(OpBuilder &b, Location loc, Value acc, Value l);
  /// Runs the key loop, `keyBlock` keys at a time, for one tile of rows and
  /// returns its output [rows, Dv].
  Value attendRows(OpBuilder &b, Location loc, Value qTile, Value rows, Value kvHead,
                   int64_t keyBlock, Value keyEnd, const TilePosition &pos);

  /// Sets keyTransposed to k^T, [batch, kv head, head_dim, key].
  void transposeKeys(OpBuilder &b, Location loc);
  Value prefill(OpBuilder &b, Location loc, Value init);
  Value decode(OpBuilder &b, Location loc, Value init);

  AttentionOp op;
  Value q, k, v, mask;
  /// k^T for the prefill tiling, built once per op (transposeKeys()).
  TypedValue<RankedTensorType> keyTransposed;
  int64_t group;
  MLIRContext *ctx;
  Type element;
  // Sizes, set by build().
  Value batch, heads, kvHeads, queries, keys, headDim, valueDim;
  Value scale, negInf, zero;
};

/// The builder for `op`: the sparse one (SparseAttention.cpp) when the op
/// carries #tern.sparse_attention, else the dense one.
std::unique_ptr<FlashAttentionBuilder> makeAttentionBuilder(AttentionOp op, Value q, Value k,
                                                            Value v, Value mask, int64_t group);

} // namespace ternion::cpu

#endif // TERNION_TARGET_CPU_FLASHATTENTIONBUILDER_H
