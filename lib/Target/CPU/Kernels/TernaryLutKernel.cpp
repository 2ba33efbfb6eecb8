//===- TernaryLutKernel.cpp - ternary layers by table lookups -------------===//
//
// The lookup-table family of ternary kernels (T-MAC; bitnet.cpp's TL1), for
// codes in #tern.ternary<pairs, lanes = L>:
//
//   acc[m, n] += sum_p table[m, p][index(n, p)]
//   table[m, p][3 d0 + d1] = (d0 - 1) q[m, 2p] + (d1 - 1) q[m, 2p + 1]
//
// Each pair of activations has 9 possible partial sums, one per pair of
// weights; they are computed once per row (before the output tiles) and
// then every weight row only looks its sum up. One L-byte load of codes
// holds the indices of two pairs for L output rows, and `pshufb` (one
// 16-entry byte table per 128-bit lane, broadcast) looks up L sums at once.
//
// Exactness. A partial sum lies in [-256, 256], which needs 16 bits, and
// pshufb returns bytes: each table is stored as its low bytes and its high
// bytes (16 + 16), both are looked up, and the unpack instructions
// (vpunpcklbw/vpunpckhbw, as vector.shuffle) interleave them into exact i16
// sums. Two pairs add at most 512 to an i16 lane, so `chunk` (<= 63) code
// columns are summed in i16 before they are widened into the i32
// accumulator: every sum is exact, equal to the multiply-add kernel's.
//
// The unpacks leave rows in lane order [0-7, 16-23, ...] and [8-15, 24-31,
// ...]; one shuffle a chunk puts them back in order. A register tile is
// `rows` rows of activations by one code vector: each unpacked index vector
// feeds every row. Without x86 (isa=generic) the lookups are gathers from
// the same tables.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "dialects/tern/TernAttributes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace ternion::kernels {

namespace {

/// Bytes of one pair's table: 16 low bytes, then 16 high bytes.
constexpr int64_t kTableBytes = 32;

struct LutEmitter {
  OpBuilder &b;
  Location loc;
  Value tables, codes, acc;
  int64_t lanes, pairBytes;
  bool shuffles; // pshufb lookups (x86), else gathers
  VectorType bytesType, halfWords, words, wideType;

  LutEmitter(OpBuilder &b, Location loc, Value tables, Value codes, Value acc, int64_t lanes,
             Int8DotIsa isa)
      : b(b), loc(loc), tables(tables), codes(codes), acc(acc), lanes(lanes) {
    // pshufb exists for 16, 32 and 64 bytes (SSSE3, AVX2, AVX-512BW): every
    // x86 isa of Int8DotIsa has the width of its register and below.
    shuffles = isa != Int8DotIsa::Generic && (lanes == 16 || lanes == 32 || lanes == 64) &&
               lanes <= getInt8DotBytes(isa);
    bytesType = VectorType::get({lanes}, b.getI8Type());
    halfWords = VectorType::get({lanes / 2}, b.getI16Type());
    words = VectorType::get({lanes}, b.getI16Type());
    wideType = VectorType::get({lanes}, b.getI32Type());
  }

  Value splat(VectorType type, int64_t value) {
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getIntegerAttr(type.getElementType(), value)));
  }

  Value shuffle(Value lhs, Value rhs, ArrayRef<int64_t> mask) {
    return vector::ShuffleOp::create(b, loc, lhs, rhs, mask);
  }

  /// The 16 bytes at tables[m, pair, offset], in every 128-bit lane.
  Value broadcastTable(Value m, Value pair, int64_t offset) {
    auto sixteen = VectorType::get({16}, b.getI8Type());
    Value table =
        vector::LoadOp::create(b, loc, sixteen, tables, ValueRange{m, pair, index(b, loc, offset)});
    if (lanes == 16)
      return table;
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < lanes; ++i)
      mask.push_back(i % 16);
    return shuffle(table, table, mask);
  }

  Value pshufb(Value table, Value indices) {
    const char *name = lanes == 64   ? "llvm.x86.avx512.pshuf.b.512"
                       : lanes == 32 ? "llvm.x86.avx2.pshuf.b"
                                     : "llvm.x86.ssse3.pshuf.b.128";
    return LLVM::CallIntrinsicOp::create(b, loc, bytesType, b.getStringAttr(name),
                                         ValueRange{table, indices})
        .getResult(0);
  }

  /// The exact i16 sums that pair `pair` of row m contributes for the L
  /// rows' `indices`: two half vectors in unpack order (pshufb), or one
  /// vector in row order (gathers).
  SmallVector<Value> lookUp(Value m, Value pair, Value indices) {
    if (!shuffles) {
      Value wide = arith::ExtUIOp::create(b, loc, wideType, indices);
      Value all = splat(VectorType::get({lanes}, b.getI1Type()), 1);
      Value zero = splat(bytesType, 0);
      auto gather = [&](int64_t offset) -> Value {
        return vector::GatherOp::create(b, loc, bytesType, tables,
                                        ValueRange{m, pair, index(b, loc, offset)}, wide, all, zero,
                                        IntegerAttr());
      };
      Value low = arith::ExtUIOp::create(b, loc, words, gather(0));
      Value high = arith::ExtSIOp::create(b, loc, words, gather(16));
      high = arith::ShLIOp::create(b, loc, high, splat(words, 8));
      return {arith::OrIOp::create(b, loc, high, low)};
    }
    Value low = pshufb(broadcastTable(m, pair, 0), indices);
    Value high = pshufb(broadcastTable(m, pair, 16), indices);
    // vpunpcklbw / vpunpckhbw: bytes i < 8 (then i >= 8) of each 128-bit
    // lane, low byte from `low`, high byte from `high`.
    SmallVector<int64_t> first, second;
    for (int64_t lane = 0; lane < lanes; lane += 16)
      for (int64_t i = 0; i < 8; ++i) {
        first.append({lane + i, lanes + lane + i});
        second.append({lane + 8 + i, lanes + lane + 8 + i});
      }
    return {vector::BitCastOp::create(b, loc, halfWords, shuffle(low, high, first)),
            vector::BitCastOp::create(b, loc, halfWords, shuffle(low, high, second))};
  }

  /// The L row sums in row order, from lookUp's order.
  Value rowOrder(ArrayRef<Value> sums) {
    if (sums.size() == 1)
      return sums[0];
    // Row 16c + i is in sums[0] at 8c + i (i < 8), else in sums[1] at
    // 8c + i - 8.
    SmallVector<int64_t> mask;
    for (int64_t lane = 0; lane < lanes; lane += 16)
      for (int64_t i = 0; i < 16; ++i)
        mask.push_back(i < 8 ? lane / 2 + i : lanes / 2 + lane / 2 + i - 8);
    return shuffle(sums[0], sums[1], mask);
  }

  /// acc[m : m + rows, n : n + L] += the sums over code columns
  /// [begin, begin + count) of code tile `tile` (count <= chunk).
  void chunk(Value m, int64_t rows, Value n, Value tile, Value begin, int64_t count) {
    int64_t parts = shuffles ? 2 : 1;
    Value zero = splat(shuffles ? halfWords : words, 0);
    SmallVector<Value> init(rows * parts, zero);
    auto loop = scf::ForOp::create(
        b, loc, begin, addIndex(b, loc, begin, count), index(b, loc, 1), init,
        [&](OpBuilder &nested, Location, Value column, ValueRange sums) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToEnd(nested.getInsertionBlock());
          Value codeBytes = vector::LoadOp::create(b, loc, bytesType, codes,
                                                   ValueRange{tile, column, index(b, loc, 0)});
          // Pair 2j in the low nibble, 2j + 1 in the high one.
          Value firstIndices = arith::AndIOp::create(b, loc, codeBytes, splat(bytesType, 15));
          Value secondIndices = arith::ShRUIOp::create(b, loc, codeBytes, splat(bytesType, 4));
          Value firstPair = arith::MulIOp::create(b, loc, column, index(b, loc, 2));
          Value secondPair = addIndex(b, loc, firstPair, 1);
          SmallVector<Value> next(sums.begin(), sums.end());
          for (int64_t r = 0; r < rows; ++r) {
            Value row = addIndex(b, loc, m, r);
            SmallVector<Value> a = lookUp(row, firstPair, firstIndices);
            SmallVector<Value> c = lookUp(row, secondPair, secondIndices);
            for (int64_t i = 0; i < parts; ++i) {
              Value both = arith::AddIOp::create(b, loc, a[i], c[i]);
              next[r * parts + i] = arith::AddIOp::create(b, loc, next[r * parts + i], both);
            }
          }
          scf::YieldOp::create(b, loc, next);
        });
    for (int64_t r = 0; r < rows; ++r) {
      ValueRange sums = loop.getResults().slice(r * parts, parts);
      Value widened = arith::ExtSIOp::create(b, loc, wideType, rowOrder(SmallVector<Value>(sums)));
      SmallVector<Value> at{addIndex(b, loc, m, r), n};
      Value old = vector::LoadOp::create(b, loc, wideType, acc, at);
      vector::StoreOp::create(b, loc, arith::AddIOp::create(b, loc, old, widened), acc, at);
    }
  }

  /// The register tile: rows of activations by the L weight rows from n.
  void tile(Value m, int64_t rows, Value n, int64_t columns, int64_t chunkColumns) {
    Value codeTile = arith::DivUIOp::create(b, loc, n, index(b, loc, lanes));
    int64_t full = columns / chunkColumns * chunkColumns;
    if (full > 0)
      forLoop(b, loc, index(b, loc, 0), index(b, loc, full), chunkColumns,
              [&](OpBuilder &, Value begin) { chunk(m, rows, n, codeTile, begin, chunkColumns); });
    if (full < columns)
      chunk(m, rows, n, codeTile, index(b, loc, full), columns - full);
  }
};

/// tables[m, p] = the low and high bytes of the 9 sums (d0 - 1) q[m, 2p] +
/// (d1 - 1) q[m, 2p + 1] at index 3 d0 + d1 (indices 9..15 hold 0).
void emitTables(OpBuilder &b, Location loc, Value q, Value tables, Value m, int64_t pairs) {
  auto sixteen = VectorType::get({16}, b.getI16Type());
  auto bytes = VectorType::get({16}, b.getI8Type());
  SmallVector<int16_t> first(16, 0), second(16, 0);
  for (int64_t i = 0; i < 9; ++i) {
    first[i] = int16_t(i / 3 - 1);
    second[i] = int16_t(i % 3 - 1);
  }
  auto constant = [&](ArrayRef<int16_t> values) -> Value {
    return arith::ConstantOp::create(b, loc, sixteen, DenseElementsAttr::get(sixteen, values));
  };
  Value firstWeights = constant(first), secondWeights = constant(second);
  Value eight = arith::ConstantOp::create(b, loc, sixteen,
                                          DenseElementsAttr::get(sixteen, b.getI16IntegerAttr(8)));
  forLoop(b, loc, index(b, loc, 0), m, 1, [&](OpBuilder &, Value row) {
    forLoop(b, loc, index(b, loc, 0), index(b, loc, pairs), 1, [&](OpBuilder &, Value pair) {
      Value column = arith::MulIOp::create(b, loc, pair, index(b, loc, 2));
      auto activation = [&](Value at) -> Value {
        Value a = memref::LoadOp::create(b, loc, q, ValueRange{row, at});
        a = arith::ExtSIOp::create(b, loc, b.getI16Type(), a);
        return vector::BroadcastOp::create(b, loc, sixteen, a);
      };
      Value sums = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, firstWeights, activation(column)),
          arith::MulIOp::create(b, loc, secondWeights, activation(addIndex(b, loc, column, 1))));
      Value low = arith::TruncIOp::create(b, loc, bytes, sums);
      Value high =
          arith::TruncIOp::create(b, loc, bytes, arith::ShRSIOp::create(b, loc, sums, eight));
      vector::StoreOp::create(b, loc, low, tables, ValueRange{row, pair, index(b, loc, 0)});
      vector::StoreOp::create(b, loc, high, tables, ValueRange{row, pair, index(b, loc, 16)});
    });
  });
}

} // namespace

void emitTernaryLutKernel(OpBuilder &b, Location loc, Value q, Value codes, Value acc,
                          tern::TernaryAttr format, const TernaryKernelShape &shape) {
  auto codesType = cast<MemRefType>(codes.getType());
  int64_t lanes = format.getLanes(), columns = codesType.getDimSize(1), pairs = 2 * columns;
  Value m = memref::DimOp::create(b, loc, q, 0);
  Value n = memref::DimOp::create(b, loc, acc, 1);
  auto tablesType = MemRefType::get({ShapedType::kDynamic, pairs, kTableBytes}, b.getI8Type());
  Value tables = memref::AllocOp::create(b, loc, tablesType, ValueRange{m});
  emitTables(b, loc, q, tables, m, pairs);
  LutEmitter emitter(b, loc, tables, codes, acc, lanes, shape.isa);
  // N is a multiple of L (the format's shape): the leftover-column tiles
  // emitOutputTiles also emits never run.
  OutputTiling tiling{shape.lutRows, lanes, lanes, shape.tileM, std::max(shape.tileN, lanes),
                      shape.parallel};
  emitOutputTiles(b, loc, m, n, tiling, [&](Value row, int64_t rows, Value col, int64_t cols) {
    if (cols == lanes)
      emitter.tile(row, rows, col, columns, shape.lutChunk);
  });
  memref::DeallocOp::create(b, loc, tables);
}

} // namespace ternion::kernels
