//===- FlashAttention.cpp - tiled online-softmax lowering of tern.attention ===//
//
// The default lowering of tern.attention, in the flash-attention style: no
// [S, T] score matrix exists, only one [rows, kBlock] tile at a time, with a
// running max m, running denominator l and running output acc per row:
//
//   for each key block:  s = scale * Q K^T (+ mask, causal -> -inf)
//                        m' = max(m, rowmax s);  p = exp(s - m')
//                        alpha = exp(m - m');   l = l * alpha + rowsum p
//                        acc = acc * alpha + p V
//   out = acc / l
//
// Two tilings share that block step, chosen at run time by the query length:
//
// - prefill (S > 1): scf.forall over (batch, query head, block of kRows
//   queries); the key loop stops at the block's causal limit, so blocks
//   above the diagonal are never visited;
// - decode (S == 1): scf.forall over (batch, kv head); the rows are the G
//   query heads of the group, so each K/V block is read once for all of
//   them (grouped-query heads share K/V without copies in both tilings).
//
// A prefill with a mask operand instead of the causal flag (exported
// models build their causal mask in the graph) skips the key blocks whose
// mask entries are all forbidden once every row of the tile has met an
// allowed key: the blocks above the diagonal, at the cost of reading the
// mask block (see kMaskedBelow for why that is exact).
//
// Memory per (batch, head) is O(rows * (D + kBlock)), independent of T.
// A row whose every key is masked yields NaN, like the unfused graph.
//
//===----------------------------------------------------------------------===//
#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/ShapeUtils.h"
#include "ternion/Target/CPU/Passes.h"

#include "FlashAttentionBuilder.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace ternion {
#define GEN_PASS_DEF_CPUFLASHATTENTION
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion::tern;
using IT = utils::IteratorType;

namespace ternion::cpu {

Value FlashAttentionBuilder::maskAt(OpBuilder &b, Location loc, const TilePosition &pos,
                                    Value row, Value col) {
  auto maskType = cast<RankedTensorType>(mask.getType());
  int64_t rank = maskType.getRank();
  // [B, Hq, S, T] positions, aligned with the mask's dims from the end.
  Value full[4] = {pos.batch, pos.head(b, loc, row), pos.query(b, loc, row),
                   pos.key(b, loc, col)};
  SmallVector<Value> indices;
  for (int64_t i = 0; i < rank; ++i)
    indices.push_back(maskType.getDimSize(i) == 1 ? indexConstant(b, loc, 0) : full[4 - rank + i]);
  Value value = tensor::ExtractOp::create(b, loc, mask, indices);
  return convertFloat(b, loc, value, element);
}

Value FlashAttentionBuilder::blockFullyMasked(OpBuilder &b, Location loc, const TilePosition &pos,
                                         Value rows, Value cols) {
  // Plain loops with a scalar result: a linalg reduction would allocate its
  // 0-d output once per block after bufferization.
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);
  Value limit = floatConst(b, loc, element, kMaskedBelow);
  Value noneYet = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  auto rowLoop = scf::ForOp::create(
      b, loc, c0, rows, c1, ValueRange{noneYet},
      [&](OpBuilder &b, Location l, Value row, ValueRange rowAllowed) {
        auto colLoop = scf::ForOp::create(
            b, l, c0, cols, c1, rowAllowed,
            [&](OpBuilder &b, Location l, Value col, ValueRange allowed) {
              // UGT: a NaN entry counts as allowed, so it is not skipped.
              Value allows = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UGT,
                                                   maskAt(b, l, pos, row, col), limit);
              scf::YieldOp::create(b, l,
                                   ValueRange{arith::OrIOp::create(b, l, allowed[0], allows)});
            });
        scf::YieldOp::create(b, l, colLoop.getResults());
      });
  // Fully masked = no entry allows its key.
  return arith::XOrIOp::create(b, loc, rowLoop.getResult(0),
                               arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
}

Value FlashAttentionBuilder::rowsSeen(OpBuilder &b, Location loc, Value m) {
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);
  Value floor = floatConst(b, loc, element, kSeenAbove);
  Value all = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  auto loop = scf::ForOp::create(
      b, loc, c0, tensor::DimOp::create(b, loc, m, 0), c1, ValueRange{all},
      [&](OpBuilder &b, Location l, Value row, ValueRange seen) {
        Value value = tensor::ExtractOp::create(b, l, m, ValueRange{row});
        Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, value, floor);
        scf::YieldOp::create(b, l, ValueRange{arith::AndIOp::create(b, l, seen[0], above)});
      });
  return loop.getResult(0);
}

std::tuple<Value, Value, Value>
FlashAttentionBuilder::attendBlock(OpBuilder &b, Location loc, Value qTile, Value kTile,
                                   Value vTile, Value m, Value l, Value acc,
                                   const TilePosition &pos) {
  OpFoldResult rows = tensor::getMixedSize(b, loc, qTile, 0);
  OpFoldResult cols = tensor::getMixedSize(b, loc, kTile, pos.keysTransposed ? 1 : 0);
  bool causal = pos.causal;

  // s[r, c] = scale * sum_d q[r, d] k[c, d] (+ mask) (-inf above the
  // diagonal). Loops (r, c, d). With the keys transposed (prefill) the tile
  // is k^T[d, c] and this is a matmul (the outer-product kernel) instead of
  // rows of 64-long dot products, whose reductions would dominate.
  Value sInit = filledTensor(b, loc, {rows, cols}, zero);
  Value s = buildGeneric(b, loc, sInit.getType(), ValueRange{qTile, kTile}, sInit,
                         {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                          pos.keysTransposed ? AffineMap::get(3, 0, {d(2), d(1)}, ctx)
                                             : AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                          AffineMap::get(3, 0, {d(0), d(1)}, ctx)},
                         {IT::parallel, IT::parallel, IT::reduction}, multiplyAccumulate)
                .getResult(0);
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  Value offset; // T - S: query i sits at absolute position i + T - S
  if (causal)
    offset = arith::SubIOp::create(b, loc, keys, queries);
  Value sOut = emptyTensor(b, loc, {rows, cols}, element);
  s = buildGeneric(
          b, loc, sOut.getType(), ValueRange{s}, sOut, {id2, id2},
          {IT::parallel, IT::parallel},
          [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
            Value x = arith::MulFOp::create(b, l, a[0], scale);
            if (!mask && !causal)
              return {x};
            Value row = linalg::IndexOp::create(b, l, 0);
            Value col = linalg::IndexOp::create(b, l, 1);
            if (mask)
              x = arith::AddFOp::create(b, l, x, maskAt(b, l, pos, row, col));
            if (causal) {
              Value query = pos.query(b, l, row);
              Value key = pos.key(b, l, col);
              Value last = arith::AddIOp::create(b, l, query, offset);
              Value future = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, key, last);
              x = arith::SelectOp::create(b, l, future, negInf, x);
            }
            return {x};
          })
          .getResult(0);

  // m' = max(m, rowmax s): a reduction into a copy of m.
  Value mNew = buildGeneric(b, loc, m.getType(), ValueRange{s}, m,
                            {id2, AffineMap::get(2, 0, {d(0)}, ctx)},
                            {IT::parallel, IT::reduction},
                            [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                              return {arith::MaximumFOp::create(b, l, a[0], a[1])};
                            })
                   .getResult(0);
  // A row with no allowed key so far has m' = -inf; exponentiate against 0
  // then, so exp(-inf - 0) = 0 instead of exp(-inf + inf) = NaN.
  auto safeMax = [&](OpBuilder &b, Location l, Value mx) -> Value {
    Value isNegInf = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, mx, negInf);
    return arith::SelectOp::create(b, l, isNegInf, zero, mx);
  };
  AffineMap rowOf2 = AffineMap::get(2, 0, {d(0)}, ctx);
  AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
  Value alphaOut = emptyTensor(b, loc, {rows}, element);
  Value alpha = buildGeneric(b, loc, alphaOut.getType(), ValueRange{m, mNew}, alphaOut,
                             {id1, id1, id1}, {IT::parallel},
                             [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                               Value diff = arith::SubFOp::create(b, l, a[0], safeMax(b, l, a[1]));
                               return {math::ExpOp::create(b, l, diff)};
                             })
                    .getResult(0);
  // p = exp(s - m'), exactly 0 where exp underflows: the polynomial exp of
  // tern-approximate-math returns the smallest normal float there, and a
  // masked key must add nothing (see kMaskedBelow).
  Value pOut = emptyTensor(b, loc, {rows, cols}, element);
  Value underflow = floatConst(b, loc, element, kExpUnderflow);
  Value p = buildGeneric(b, loc, pOut.getType(), ValueRange{s, mNew}, pOut,
                         {id2, rowOf2, id2}, {IT::parallel, IT::parallel},
                         [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                           Value diff = arith::SubFOp::create(b, l, a[0], safeMax(b, l, a[1]));
                           Value tiny = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                                              diff, underflow);
                           return {arith::SelectOp::create(b, l, tiny, zero,
                                                           math::ExpOp::create(b, l, diff))};
                         })
                .getResult(0);

  // l' = l * alpha + rowsum p.
  Value lScaled = buildGeneric(b, loc, l.getType(), ValueRange{alpha}, l, {id1, id1},
                               {IT::parallel},
                               [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                                 return {arith::MulFOp::create(b, l, a[1], a[0])};
                               })
                      .getResult(0);
  Value lNew = buildGeneric(b, loc, l.getType(), ValueRange{p}, lScaled, {id2, rowOf2},
                            {IT::parallel, IT::reduction},
                            [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                              // reassoc lets LLVM vectorize the row sums.
                              return {arith::AddFOp::create(b, l, a[0], a[1],
                                                            arith::FastMathFlags::reassoc)};
                            })
                   .getResult(0);

  // acc' = acc * alpha + p V. Loops (r, e, c).
  Value accScaled = buildGeneric(b, loc, acc.getType(), ValueRange{alpha}, acc,
                                 {rowOf2, id2}, {IT::parallel, IT::parallel},
                                 [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                                   return {arith::MulFOp::create(b, l, a[1], a[0])};
                                 })
                        .getResult(0);
  Value accNew = buildGeneric(b, loc, acc.getType(), ValueRange{p, vTile}, accScaled,
                              {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                               AffineMap::get(3, 0, {d(2), d(1)}, ctx),
                               AffineMap::get(3, 0, {d(0), d(1)}, ctx)},
                              {IT::parallel, IT::parallel, IT::reduction}, multiplyAccumulate)
                     .getResult(0);
  return {mNew, lNew, accNew};
}

Value FlashAttentionBuilder::normalize(OpBuilder &b, Location loc, Value acc, Value l) {
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  Value out = emptyTensor(b, loc, tensor::getMixedSizes(b, loc, acc), element);
  return buildGeneric(b, loc, out.getType(), ValueRange{acc, l}, out,
                      {id2, AffineMap::get(2, 0, {d(0)}, ctx), id2},
                      {IT::parallel, IT::parallel},
                      [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
                        return {arith::DivFOp::create(b, l, a[0], a[1])};
                      })
      .getResult(0);
}

SmallVector<Value> FlashAttentionBuilder::attendUnlessMasked(
    OpBuilder &b, Location loc, ValueRange carried, const TilePosition &pos, Value rows,
    Value cols, function_ref<SmallVector<Value>(OpBuilder &, Location)> attend) {
  // Both tests only run when they can change the outcome: the mask block is
  // read once every row has been seen, the rows' maxima until then.
  Value seen = carried[3];
  using BuildValue = function_ref<Value(OpBuilder &, Location)>;
  auto ifElse = [&](Value condition, BuildValue then, BuildValue otherwise) {
    return scf::IfOp::create(
               b, loc, condition,
               [&](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, ValueRange{then(b, l)}); },
               [&](OpBuilder &b, Location l) {
                 scf::YieldOp::create(b, l, ValueRange{otherwise(b, l)});
               })
        .getResult(0);
  };
  auto boolConstant = [](bool value) {
    return [value](OpBuilder &b, Location l) -> Value {
      return arith::ConstantOp::create(b, l, b.getBoolAttr(value));
    };
  };
  Value skip = ifElse(
      seen, [&](OpBuilder &b, Location l) { return blockFullyMasked(b, l, pos, rows, cols); },
      boolConstant(false));
  auto branch = scf::IfOp::create(
      b, loc, skip,
      [&](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, carried.take_front(3)); },
      [&](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, attend(b, l)); });
  Value nowSeen = ifElse(seen, boolConstant(true), [&](OpBuilder &b, Location l) {
    return rowsSeen(b, l, branch.getResult(0));
  });
  SmallVector<Value> next(branch.getResults());
  next.push_back(nowSeen);
  return next;
}

Value FlashAttentionBuilder::attendRows(OpBuilder &b, Location loc, Value qTile, Value rows,
                                        Value kvHead, int64_t keyBlock, Value keyEnd,
                                        const TilePosition &pos) {
  OpFoldResult rowsFold = getAsOpFoldResult(rows);
  Value m0 = filledTensor(b, loc, {rowsFold}, negInf);
  Value l0 = filledTensor(b, loc, {rowsFold}, zero);
  Value acc0 = filledTensor(b, loc, {rowsFold, getAsOpFoldResult(valueDim)}, zero);
  Value c0 = indexConstant(b, loc, 0), block = indexConstant(b, loc, keyBlock);
  // Prefill with a mask but no causal flag carries whether every row has
  // met an allowed key; from then on fully masked blocks are skipped (see
  // kMaskedBelow). With the flag the loop already stops at the diagonal.
  bool skipMasked = mask && pos.keysTransposed && !op.getCausal();
  SmallVector<Value> state{m0, l0, acc0};
  if (skipMasked)
    state.push_back(arith::ConstantOp::create(b, loc, b.getBoolAttr(false)));
  auto loop = scf::ForOp::create(
      b, loc, c0, keyEnd, block, state,
      [&](OpBuilder &b, Location l, Value keyStart, ValueRange carried) {
        Value cols = minIndex(b, l, block, arith::SubIOp::create(b, l, keyEnd, keyStart));
        auto tile = [&](Value source, Value width) {
          auto type = RankedTensorType::get(
              {ShapedType::kDynamic,
               cast<RankedTensorType>(source.getType()).getDimSize(3)},
              element);
          return tensor::ExtractSliceOp::create(
              b, l, type, source,
              ArrayRef<OpFoldResult>{pos.batch, kvHead, keyStart, b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), cols,
                                     getAsOpFoldResult(width)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                                     b.getIndexAttr(1), b.getIndexAttr(1)});
        };
        TilePosition blockPos = pos;
        blockPos.keyBase = keyStart;
        auto attend = [&](OpBuilder &b, Location l) -> SmallVector<Value> {
          // Prefill reads k^T[d, key] (transposed once per op), decode k itself.
          Value kTile;
          if (pos.keysTransposed)
            kTile = tensor::ExtractSliceOp::create(
                b, l, RankedTensorType::get({keyTransposed.getType().getDimSize(2),
                                             ShapedType::kDynamic},
                                            element),
                keyTransposed,
                ArrayRef<OpFoldResult>{pos.batch, kvHead, b.getIndexAttr(0), keyStart},
                ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                                       getAsOpFoldResult(headDim), cols},
                ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                                       b.getIndexAttr(1), b.getIndexAttr(1)});
          else
            kTile = tile(k, headDim);
          auto [m, lsum, acc] = attendBlock(b, l, qTile, kTile, tile(v, valueDim), carried[0],
                                            carried[1], carried[2], blockPos);
          return {m, lsum, acc};
        };
        scf::YieldOp::create(b, l,
                             skipMasked
                                 ? attendUnlessMasked(b, l, carried, blockPos, rows, cols, attend)
                                 : attend(b, l));
      });
  return normalize(b, loc, loop.getResult(2), loop.getResult(1));
}

void FlashAttentionBuilder::transposeKeys(OpBuilder &b, Location loc) {
  // k^T once per op: T * D copies per kv head, against the S * T * D
  // multiply-adds of the scores, and every query tile's Q K^T becomes a
  // matmul. (Decode reads each key once, so it keeps k as it is.)
  Value kT = emptyTensor(b, loc, {tensor::getMixedSize(b, loc, k, 0),
                                   tensor::getMixedSize(b, loc, k, 1),
                                   tensor::getMixedSize(b, loc, k, 3),
                                   tensor::getMixedSize(b, loc, k, 2)},
                         element);
  keyTransposed = cast<TypedValue<RankedTensorType>>(
      linalg::TransposeOp::create(b, loc, k, kT, ArrayRef<int64_t>{0, 1, 3, 2}).getResult()[0]);
}

Value FlashAttentionBuilder::prefill(OpBuilder &b, Location loc, Value init) {
  transposeKeys(b, loc);
  Value rowsPerTile = indexConstant(b, loc, kRows);
  Value tiles = arith::CeilDivSIOp::create(b, loc, queries, rowsPerTile);
  auto forall = scf::ForallOp::create(
      b, loc,
      ArrayRef<OpFoldResult>{getAsOpFoldResult(batch), getAsOpFoldResult(heads),
                             getAsOpFoldResult(tiles)},
      ValueRange{init}, std::nullopt,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value bi = args[0], h = args[1], tileIndex = args[2], out = args[3];
        Value first = arith::MulIOp::create(b, l, tileIndex, rowsPerTile);
        Value rows = minIndex(b, l, rowsPerTile, arith::SubIOp::create(b, l, queries, first));
        Value kvHead = group == 1 ? h
                                  : Value(arith::DivUIOp::create(b, l, h, indexConstant(b, l, group)));
        auto qType = cast<RankedTensorType>(q.getType());
        Value qTile = tensor::ExtractSliceOp::create(
            b, l, RankedTensorType::get({ShapedType::kDynamic, qType.getDimSize(3)}, element), q,
            ArrayRef<OpFoldResult>{bi, h, first, b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), rows, getAsOpFoldResult(headDim)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1),
                                   b.getIndexAttr(1)});
        // Causal: the tile's last query (first + rows - 1, at absolute
        // position + T - S) sees keys up to there; later blocks are skipped.
        Value keyEnd = keys;
        if (op.getCausal()) {
          Value limit = arith::AddIOp::create(
              b, l, arith::AddIOp::create(b, l, first, rows),
              arith::SubIOp::create(b, l, keys, queries));
          keyEnd = minIndex(b, l, keys, limit);
        }
        TilePosition pos{bi, h, first, /*rowsAreHeads=*/false, Value(),
                         /*keysTransposed=*/true};
        pos.causal = op.getCausal();
        Value result = attendRows(b, l, qTile, rows, kvHead, kBlock, keyEnd, pos);
        auto inParallel = scf::InParallelOp::create(b, l);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(inParallel.getBody());
        tensor::ParallelInsertSliceOp::create(
            b, l, result, out, ArrayRef<OpFoldResult>{bi, h, first, b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), rows, getAsOpFoldResult(valueDim)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1),
                                   b.getIndexAttr(1)});
      });
  return forall.getResult(0);
}

Value FlashAttentionBuilder::decode(OpBuilder &b, Location loc, Value init) {
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{getAsOpFoldResult(batch), getAsOpFoldResult(kvHeads)},
      ValueRange{init}, std::nullopt,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value bi = args[0], kvHead = args[1], out = args[2];
        Value firstHead = group == 1 ? kvHead
                                     : Value(arith::MulIOp::create(b, l, kvHead,
                                                                   indexConstant(b, l, group)));
        Value zeroIndex = indexConstant(b, l, 0);
        auto qType = cast<RankedTensorType>(q.getType());
        // The group's G query heads, query 0: rows of one [G, D] tile.
        Value qTile = tensor::ExtractSliceOp::create(
            b, l, RankedTensorType::get({group, qType.getDimSize(3)}, element), q,
            ArrayRef<OpFoldResult>{bi, firstHead, b.getIndexAttr(0), b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(group), b.getIndexAttr(1),
                                   getAsOpFoldResult(headDim)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1),
                                   b.getIndexAttr(1)});
        // One query at position T - 1 sees every key: no causal limit.
        TilePosition pos{bi, firstHead, zeroIndex, /*rowsAreHeads=*/true, Value()};
        pos.causal = op.getCausal();
        Value result =
            attendRows(b, l, qTile, indexConstant(b, l, group), kvHead, kDecodeBlock, keys, pos);
        if (cast<RankedTensorType>(result.getType()).isDynamicDim(0))
          result = tensor::CastOp::create(
              b, l,
              RankedTensorType::get(
                  {group, cast<RankedTensorType>(result.getType()).getDimSize(1)}, element),
              result);
        auto inParallel = scf::InParallelOp::create(b, l);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(inParallel.getBody());
        tensor::ParallelInsertSliceOp::create(
            b, l, result, out,
            ArrayRef<OpFoldResult>{bi, firstHead, b.getIndexAttr(0), b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(group), b.getIndexAttr(1),
                                   getAsOpFoldResult(valueDim)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1),
                                   b.getIndexAttr(1)});
      });
  return forall.getResult(0);
}

Value FlashAttentionBuilder::build(OpBuilder &b, Location loc) {
  auto dim = [&](Value t, int64_t i) { return tensor::getMixedSize(b, loc, t, i); };
  auto asValue = [&](OpFoldResult f) { return getValueOrCreateConstantIndexOp(b, loc, f); };
  batch = asValue(dim(q, 0));
  heads = asValue(dim(q, 1));
  kvHeads = asValue(dim(k, 1));
  queries = asValue(dim(q, 2));
  keys = asValue(dim(k, 2));
  headDim = asValue(dim(q, 3));
  valueDim = asValue(dim(v, 3));
  scale = floatConst(b, loc, element, op.getScale().convertToDouble());
  negInf = lowestValue(b, loc, element, false);
  zero = floatConst(b, loc, element, 0.0);

  Value init = emptyTensor(
      b, loc, {dim(q, 0), dim(q, 1), dim(q, 2), dim(v, 3)}, element);
  Value isDecode =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, queries, indexConstant(b, loc, 1));
  auto branch = scf::IfOp::create(
      b, loc, isDecode,
      [&](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, decode(b, l, init)); },
      [&](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, buildPrefill(b, l, init)); });
  return branch.getResult(0);
}

} // namespace ternion::cpu

namespace ternion {
namespace {

struct FlashAttentionPattern : OpConversionPattern<AttentionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value q = adaptor.getQuery(), k = adaptor.getKey(), v = adaptor.getValue(),
          mask = adaptor.getMask();
    auto qType = dyn_cast<RankedTensorType>(q.getType());
    auto kType = dyn_cast<RankedTensorType>(k.getType());
    auto vType = dyn_cast<RankedTensorType>(v.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!qType || !kType || !vType || !resultType ||
        (mask && !isa<RankedTensorType>(mask.getType())))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    int64_t hq = qType.getDimSize(1), hkv = kType.getDimSize(1);
    // The decode tiling takes the G heads of a group as one static tile;
    // graphs with dynamic head counts (exported models have static ones)
    // are left to convert-tern-to-linalg's reference lowering.
    if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv) || hkv == 0 || hq % hkv != 0)
      return rewriter.notifyMatchFailure(op, "head counts are not static multiples");
    Value y = cpu::makeAttentionBuilder(op, q, k, v, mask, hq / hkv)->build(rewriter, op.getLoc());
    rewriter.replaceOp(op, castTo(rewriter, op.getLoc(), y, resultType));
    return success();
  }
};

struct CpuFlashAttentionPass : impl::CpuFlashAttentionBase<CpuFlashAttentionPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Partial conversion with tern ops of unknown legality: an attention op
    // the pattern declines stays for convert-tern-to-linalg, and no other
    // tern op is touched.
    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect, arith::ArithDialect,
                           math::MathDialect, scf::SCFDialect>();
    target.addLegalOp<UnrealizedConversionCastOp>();
    RewritePatternSet patterns(ctx);
    populateCpuFlashAttentionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateCpuFlashAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<FlashAttentionPattern>(patterns.getContext());
}

} // namespace ternion
