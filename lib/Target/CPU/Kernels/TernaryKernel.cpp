//===- TernaryKernel.cpp - int8 x ternary dot products on x86 -------------===//
//
// The contraction of a ternary layer (TernaryToLinalg.cpp):
//
//   acc[m, n] += sum_k q[m, k] * digit[n, k]      q int8, digit in {0, 1, 2}
//
// with the digits packed #tern.ternary<packing, lanes = L>: one load of L
// code bytes holds L consecutive weights at each digit position, so a
// block of weights unpacks with one shift-and-mask (i2), or one division by
// 3 and a multiply-subtract (base3), per digit into a vector of L u8
// weights that lines up with an L-byte load of q. Unsigned weights times
// signed activations is the operand order of x86's byte dot products:
//
//   avx512-vnni  vpdpbusd zmm: 64 u8 x s8 products summed by fours into
//                16 i32 lanes, accumulated, in one instruction;
//   avx-vnni     the same on ymm (L = 32);
//   avx512bw     vpmaddubsw zmm (pairs into i16: at most 2 * 2 * 128, never
//                saturating), the pairs of a block's digits added in i16,
//                then one vpmaddwd by ones a block (pairs into i32);
//   avx2         the same on ymm;
//   generic      widened i32 multiplies LLVM vectorizes for any target.
//
// so every sum is exact in int32 (|sum| <= 2 * 128 * K; K < 2^22).
//
// A register tile is R rows of q by C weight rows: per block and digit it
// loads R vectors of q, unpacks C weight vectors and issues R * C dot
// products, so each unpacked weight vector feeds R rows (prefill) and each
// q vector C weight rows; decode (one row) streams C weight rows side by
// side. Leftover rows and weight rows run 1-row and 1-column tiles of the
// same code. Output tiles (tile-m x tile-n) are the parallel loop.
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

struct TernaryEmitter {
  OpBuilder &b;
  Location loc;
  Value q, codes, acc;
  tern::TernaryAttr format;
  Int8DotIsa isa;
  int64_t lanes;
  VectorType bytesType, accType;

  TernaryEmitter(OpBuilder &b, Location loc, Value q, Value codes, Value acc,
                 tern::TernaryAttr format, Int8DotIsa requested)
      : b(b), loc(loc), q(q), codes(codes), acc(acc), format(format), lanes(format.getLanes()) {
    // The instructions take 16, 32 or 64 bytes up to the instruction set's
    // widest register (a base3 layer may be packed narrower to pad less);
    // other widths run the generic code, which LLVM vectorizes for any L.
    bool fits = (lanes == 16 || lanes == 32 || lanes == 64) && lanes <= getInt8DotBytes(requested);
    isa = fits ? requested : Int8DotIsa::Generic;
    bytesType = VectorType::get({lanes}, b.getI8Type());
    accType = VectorType::get({isa == Int8DotIsa::Generic ? lanes : lanes / 4}, b.getI32Type());
  }

  Value intrinsic(Type result, StringRef name, ValueRange args) {
    return LLVM::CallIntrinsicOp::create(b, loc, result, b.getStringAttr(name), args)
        .getResult(0);
  }

  Value splat(VectorType type, int64_t value) {
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getIntegerAttr(type.getElementType(), value)));
  }

  /// The u8 digits `digit` of L code bytes. base3 digits come in order from
  /// a running quotient (`pending`, the code bytes divided by 3^digit): each
  /// takes one division by 3 and a multiply-subtract, where dividing the
  /// bytes by 3^digit afresh would cost two divisions a digit.
  Value unpack(Value codeBytes, int64_t digit, Value &pending) {
    if (format.getPacking() == tern::TernaryPacking::I2) {
      Value shifted = digit == 0 ? codeBytes
                                 : arith::ShRUIOp::create(b, loc, codeBytes,
                                                          splat(bytesType, 2 * digit));
      return arith::AndIOp::create(b, loc, shifted, splat(bytesType, 3));
    }
    Value quotient = digit == 0 ? codeBytes : pending;
    if (digit == format.getDigitsPerByte() - 1)
      return quotient; // < 3 already: the byte is below 3^5
    pending = arith::DivUIOp::create(b, loc, quotient, splat(bytesType, 3));
    Value times3 = arith::MulIOp::create(b, loc, pending, splat(bytesType, 3));
    return arith::SubIOp::create(b, loc, quotient, times3);
  }

  /// vpmaddubsw and vpmaddwd (AVX-512BW, AVX2) take two instructions where
  /// vpdpbusd takes one; the i16 pair sums of a block's digits are added
  /// first (at most 5 x 2 x 2 x 128 = 2560 a lane, far from i16's limit)
  /// and widened to i32 once a block.
  bool widensPerBlock() const { return isa == Int8DotIsa::Avx512Bw || isa == Int8DotIsa::Avx2; }

  /// vpmaddubsw: the u8 x s8 products of `weights` and `activations`,
  /// summed by pairs into i16.
  Value bytePairs(Value weights, Value activations) {
    const char *name = lanes == 64   ? "llvm.x86.avx512.pmaddubs.w.512"
                       : lanes == 32 ? "llvm.x86.avx2.pmadd.ub.sw"
                                     : "llvm.x86.ssse3.pmadd.ub.sw.128";
    return intrinsic(VectorType::get({lanes / 2}, b.getI16Type()), name, {weights, activations});
  }

  /// accumulator + the i16 pair sums `pairs` summed by pairs into i32
  /// (vpmaddwd by ones).
  Value widenPairs(Value accumulator, Value pairs) {
    const char *name = lanes == 64   ? "llvm.x86.avx512.pmaddw.d.512"
                       : lanes == 32 ? "llvm.x86.avx2.pmadd.wd"
                                     : "llvm.x86.sse2.pmadd.wd";
    auto pairsType = cast<VectorType>(pairs.getType());
    return arith::AddIOp::create(b, loc, accumulator,
                                 intrinsic(accType, name, {pairs, splat(pairsType, 1)}));
  }

  /// accumulator + the u8 x s8 products of `weights` and `activations`
  /// (vpdpbusd, or widened multiplies).
  Value dot(Value accumulator, Value weights, Value activations) {
    if (isa == Int8DotIsa::Generic) {
      Value w = arith::ExtUIOp::create(b, loc, accType, weights);
      Value a = arith::ExtSIOp::create(b, loc, accType, activations);
      return arith::AddIOp::create(b, loc, accumulator, arith::MulIOp::create(b, loc, w, a));
    }
    // AVX-VNNI is the VEX form of the same intrinsics (no 512-bit one).
    return intrinsic(accType, "llvm.x86.avx512.vpdpbusd." + std::to_string(lanes * 8),
                     {accumulator, weights, activations});
  }

  /// acc[m : m + rows, n : n + cols] += the register tile's sums.
  void tile(Value m, int64_t rows, Value n, int64_t cols, int64_t blocks) {
    int64_t digits = format.getDigitsPerByte(), blockWeights = format.getBlockWeights();
    Value zero = splat(accType, 0);
    SmallVector<Value> init(rows * cols, zero);
    auto loop = scf::ForOp::create(
        b, loc, index(b, loc, 0), index(b, loc, blocks), index(b, loc, 1), init,
        [&](OpBuilder &nested, Location, Value block, ValueRange accs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToEnd(nested.getInsertionBlock());
          Value codeColumn = arith::MulIOp::create(b, loc, block, index(b, loc, lanes));
          Value qColumn = arith::MulIOp::create(b, loc, block, index(b, loc, blockWeights));
          SmallVector<Value> codeBytes;
          for (int64_t c = 0; c < cols; ++c)
            codeBytes.push_back(vector::LoadOp::create(
                b, loc, bytesType, codes, ValueRange{addIndex(b, loc, n, c), codeColumn}));
          SmallVector<Value> next(accs.begin(), accs.end());
          // The block's i16 pair sums, when they are widened once a block.
          SmallVector<Value> pairs(rows * cols);
          SmallVector<Value> pending(cols);
          for (int64_t d = 0; d < digits; ++d) {
            Value column = addIndex(b, loc, qColumn, d * lanes);
            SmallVector<Value> activations;
            for (int64_t r = 0; r < rows; ++r)
              activations.push_back(vector::LoadOp::create(
                  b, loc, bytesType, q, ValueRange{addIndex(b, loc, m, r), column}));
            for (int64_t c = 0; c < cols; ++c) {
              Value weights = unpack(codeBytes[c], d, pending[c]);
              for (int64_t r = 0; r < rows; ++r) {
                int64_t i = r * cols + c;
                if (!widensPerBlock()) {
                  next[i] = dot(next[i], weights, activations[r]);
                  continue;
                }
                Value sums = bytePairs(weights, activations[r]);
                pairs[i] = d == 0 ? sums : Value(arith::AddIOp::create(b, loc, pairs[i], sums));
              }
            }
          }
          if (widensPerBlock())
            for (int64_t i = 0; i < rows * cols; ++i)
              next[i] = widenPairs(next[i], pairs[i]);
          scf::YieldOp::create(b, loc, next);
        });
    addTileSums(b, loc, acc, m, rows, n, cols, loop.getResults());
  }
};

} // namespace

void emitTernaryKernel(OpBuilder &b, Location loc, Value q, Value codes, Value acc,
                       tern::TernaryAttr format, const TernaryKernelShape &shape) {
  TernaryEmitter emitter(b, loc, q, codes, acc, format, shape.isa);
  auto codesType = cast<MemRefType>(codes.getType());
  int64_t blocks = codesType.getDimSize(1) / format.getLanes();
  Value m = memref::DimOp::create(b, loc, q, 0);
  Value n = memref::DimOp::create(b, loc, codes, 0);
  OutputTiling tiling{shape.rows, shape.cols, shape.cols, shape.tileM, shape.tileN, shape.parallel};
  emitOutputTiles(b, loc, m, n, tiling, [&](Value row, int64_t rows, Value col, int64_t cols) {
    emitter.tile(row, rows, col, cols, blocks);
  });
}

} // namespace ternion::kernels
