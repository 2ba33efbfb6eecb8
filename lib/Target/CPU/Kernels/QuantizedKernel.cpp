//===- QuantizedKernel.cpp - f32 x group-quantized code kernels on x86 ---===//
//
// The contraction of a quantized layer (QuantizedLinearToLinalg.cpp):
//
//   acc[m, n] += sum_k xs[m, k] * s[n, g] * (Q[n, k] - z[n, g]),  g = k / group
//
// with the codes packed #tern.group_quantized<bits, lanes = L>, L the f32
// lanes of a vector register: one load of L code bytes holds L consecutive
// codes at each of its 8 / bits slots, so a slot unpacks with one
// shift-and-mask into L u8 codes, widened to L f32 (vpmovzxbd, vcvtdq2ps)
// and lined up with one L-lane load of xs. The codes never exist as f32 in
// memory; the weights are read once per register tile at their packed
// size (4.5 bits a weight with 4-bit codes and group 64), which is what a
// decode step, bound by memory bandwidth, is paid for.
//
// Per group, the kernel sums xs * Q and xs lane-wise, then adds
// s * sum(xs * Q) - s * z * sum(xs) to its accumulators: a code costs its
// unpacking (shared by the tile's rows) and one FMA per row, and the scale
// and zero point are read once a group. A register tile of R rows of xs by
// C weight rows holds 2 R C accumulators (group sums and totals), R
// activation sums, C code vectors and R activations; single rows (decode,
// and the rows left over) take `rowCols` weight rows, and leftover weight
// rows 1-column tiles of the same code. Output tiles are the parallel loop,
// so decode (one row) spreads the weight rows over the threads.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"


using namespace mlir;

namespace ternion::kernels {

namespace {

struct QuantizedEmitter {
  OpBuilder &b;
  Location loc;
  Value xs, codes, scales, zeros, acc;
  tern::GroupQuantizedAttr format;
  int64_t lanes, slots, bits;
  VectorType bytesType, wordsType, floatsType;

  QuantizedEmitter(OpBuilder &b, Location loc, Value xs, Value codes, Value scales, Value zeros,
                   Value acc, tern::GroupQuantizedAttr format)
      : b(b), loc(loc), xs(xs), codes(codes), scales(scales), zeros(zeros), acc(acc),
        format(format),
        lanes(format.getLanes()), slots(format.getCodesPerByte()), bits(format.getBits()) {
    bytesType = VectorType::get({lanes}, b.getI8Type());
    wordsType = VectorType::get({lanes}, b.getI32Type());
    floatsType = VectorType::get({lanes}, b.getF32Type());
  }

  Value splat(VectorType type, int64_t value) {
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getIntegerAttr(type.getElementType(), value)));
  }

  /// The L codes of `slot` of L code bytes, as f32.
  Value unpack(Value codeBytes, int64_t slot) {
    Value shifted = slot == 0 ? codeBytes
                              : arith::ShRUIOp::create(b, loc, codeBytes,
                                                       splat(bytesType, slot * bits));
    // The top slot's shift leaves nothing above the code.
    Value code = slot == slots - 1 ? shifted
                                   : Value(arith::AndIOp::create(b, loc, shifted,
                                                                 splat(bytesType, (1 << bits) - 1)));
    return arith::UIToFPOp::create(b, loc, floatsType,
                                   arith::ExtUIOp::create(b, loc, wordsType, code));
  }

  /// L lanes of the f16 value buffer[row, g], as f32.
  Value broadcastHalf(Value buffer, Value row, Value g) {
    Value half = memref::LoadOp::create(b, loc, buffer, ValueRange{row, g});
    Value lanesOfHalf =
        vector::BroadcastOp::create(b, loc, VectorType::get({lanes}, b.getF16Type()), half);
    return arith::ExtFOp::create(b, loc, floatsType, lanesOfHalf);
  }

  /// acc[m : m + rows, n : n + cols] += the register tile's sums. Per
  /// group, lane-wise partial sums: dot = sum xs * Q and xsum = sum xs (one
  /// per row, shared by the weight rows); then acc += s * dot - s * z *
  /// xsum, so a code costs its unpacking and one FMA per row.
  void tile(Value m, int64_t rows, Value n, int64_t cols, int64_t groups) {
    int64_t group = format.getGroup(), blockCodes = format.getBlockCodes();
    int64_t blocksPerGroup = group / blockCodes;
    Value zero = arith::ConstantOp::create(b, loc, floatsType,
                                           DenseElementsAttr::get(floatsType, b.getF32FloatAttr(0)));
    SmallVector<Value> init(rows * cols, zero);
    auto loop = scf::ForOp::create(
        b, loc, index(b, loc, 0), index(b, loc, groups), index(b, loc, 1), init,
        [&](OpBuilder &nested, Location, Value g, ValueRange accs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToEnd(nested.getInsertionBlock());
          SmallVector<Value> dots(rows * cols, zero), xsums(rows, zero);
          for (int64_t block = 0; block < blocksPerGroup; ++block) {
            Value blockIndex =
                addIndex(b, loc, arith::MulIOp::create(b, loc, g, index(b, loc, blocksPerGroup)),
                         block);
            Value codeColumn = arith::MulIOp::create(b, loc, blockIndex, index(b, loc, lanes));
            Value xColumn = arith::MulIOp::create(b, loc, blockIndex, index(b, loc, blockCodes));
            SmallVector<Value> codeBytes;
            for (int64_t c = 0; c < cols; ++c)
              codeBytes.push_back(vector::LoadOp::create(
                  b, loc, bytesType, codes, ValueRange{addIndex(b, loc, n, c), codeColumn}));
            for (int64_t slot = 0; slot < slots; ++slot) {
              Value column = addIndex(b, loc, xColumn, slot * lanes);
              SmallVector<Value> activations;
              for (int64_t r = 0; r < rows; ++r) {
                activations.push_back(vector::LoadOp::create(
                    b, loc, floatsType, xs, ValueRange{addIndex(b, loc, m, r), column}));
                xsums[r] = arith::AddFOp::create(b, loc, xsums[r], activations[r]);
              }
              for (int64_t c = 0; c < cols; ++c) {
                Value weights = unpack(codeBytes[c], slot);
                for (int64_t r = 0; r < rows; ++r)
                  dots[r * cols + c] =
                      vector::FMAOp::create(b, loc, activations[r], weights, dots[r * cols + c]);
              }
            }
          }
          SmallVector<Value> next(accs.begin(), accs.end());
          for (int64_t c = 0; c < cols; ++c) {
            Value row = addIndex(b, loc, n, c);
            Value s = broadcastHalf(scales, row, g);
            Value negSz = arith::NegFOp::create(
                b, loc, arith::MulFOp::create(b, loc, s, broadcastHalf(zeros, row, g)));
            for (int64_t r = 0; r < rows; ++r) {
              Value &acc = next[r * cols + c];
              acc = vector::FMAOp::create(b, loc, dots[r * cols + c], s, acc);
              acc = vector::FMAOp::create(b, loc, xsums[r], negSz, acc);
            }
          }
          scf::YieldOp::create(b, loc, next);
        });
    addTileSums(b, loc, acc, m, rows, n, cols, loop.getResults());
  }
};

} // namespace

/// Prefill: for each panel of P weight rows (the parallel loop), the panel
/// is dequantized into a [1, Kp, P] f32 buffer, the layout of the f32 panel
/// kernel, which then multiplies all M rows by it while it sits in L2. The
/// dequantization (a few scalar operations per weight) is paid once per
/// panel and M rows, the FMAs run at the f32 GEMM's rate; the buffer is one
/// panel per task, never the whole weight.
void emitDequantizedPanels(OpBuilder &b, Location loc, Value xs, Value codes, Value scales,
                           Value zeros, Value acc, tern::GroupQuantizedAttr format,
                           const QuantizedKernelShape &shape) {
  int64_t panel = shape.panelWidth, group = format.getGroup(), lanes = format.getLanes();
  int64_t slots = format.getCodesPerByte(), bits = format.getBits();
  int64_t blockCodes = format.getBlockCodes(), blocksPerGroup = group / blockCodes;
  auto codesType = cast<MemRefType>(codes.getType());
  int64_t n = codesType.getDimSize(0);
  int64_t groups = cast<MemRefType>(scales.getType()).getDimSize(1);
  int64_t paddedK = groups * group;
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto i32Const = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value m = memref::DimOp::create(b, loc, xs, 0);
  // acc [M, N] as [M, N / P, P]: panel p is acc3[:, p, :].
  auto accType = cast<MemRefType>(acc.getType());
  auto acc3Type = MemRefType::get({accType.getDimSize(0), n / panel, panel}, f32);
  Value acc3 = memref::ExpandShapeOp::create(
      b, loc, acc3Type, acc, SmallVector<ReassociationIndices>{{0}, {1, 2}},
      SmallVector<OpFoldResult>{m, b.getIndexAttr(n / panel), b.getIndexAttr(panel)});

  auto body = [&](Value p) {
    auto bufferType = MemRefType::get({1, paddedK, panel}, f32);
    Value buffer = memref::AllocOp::create(b, loc, bufferType, /*alignment=*/b.getI64IntegerAttr(64));
    Value zeroIndex = index(b, loc, 0);
    Value firstRow = arith::MulIOp::create(b, loc, p, index(b, loc, panel));
    forLoop(b, loc, zeroIndex, index(b, loc, panel), 1, [&](OpBuilder &, Value j) {
      Value row = arith::AddIOp::create(b, loc, firstRow, j);
      forLoop(b, loc, zeroIndex, index(b, loc, groups), 1, [&](OpBuilder &, Value g) {
        Value sHalf = memref::LoadOp::create(b, loc, scales, ValueRange{row, g});
        Value zHalf = memref::LoadOp::create(b, loc, zeros, ValueRange{row, g});
        Value s = arith::ExtFOp::create(b, loc, f32, sHalf);
        Value z = arith::ExtFOp::create(b, loc, f32, zHalf);
        auto store = [&](Value code, Value k) {
          Value w = arith::MulFOp::create(
              b, loc, arith::SubFOp::create(b, loc, arith::UIToFPOp::create(b, loc, f32, code), z), s);
          memref::StoreOp::create(b, loc, w, buffer, ValueRange{zeroIndex, k, j});
        };
        if (!slots) {
          // A bit stream (3, 5, 6 bits): code k is bits (k * bits) % 8 on of
          // byte k * bits / 8, continued in the next byte.
          Value kGroup = arith::MulIOp::create(b, loc, g, index(b, loc, group));
          int64_t lastByte = codesType.getDimSize(1) - 1;
          forLoop(b, loc, zeroIndex, index(b, loc, group), 1, [&](OpBuilder &, Value kk) {
            Value k = arith::AddIOp::create(b, loc, kGroup, kk);
            Value bit = arith::MulIOp::create(b, loc, k, index(b, loc, bits));
            Value byteIndex = arith::DivUIOp::create(b, loc, bit, index(b, loc, 8));
            Value nextIndex =
                arith::MinUIOp::create(b, loc, addIndex(b, loc, byteIndex, 1), index(b, loc, lastByte));
            Value low = memref::LoadOp::create(b, loc, codes, ValueRange{row, byteIndex});
            Value high = memref::LoadOp::create(b, loc, codes, ValueRange{row, nextIndex});
            Value word = arith::OrIOp::create(
                b, loc, arith::ExtUIOp::create(b, loc, i32, low),
                arith::ShLIOp::create(b, loc, arith::ExtUIOp::create(b, loc, i32, high), i32Const(8)));
            Value shift = arith::IndexCastOp::create(
                b, loc, i32, arith::RemUIOp::create(b, loc, bit, index(b, loc, 8)));
            store(arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, word, shift),
                                        i32Const((1 << bits) - 1)),
                  k);
          });
          return;
        }
        for (int64_t block = 0; block < blocksPerGroup; ++block) {
          Value blockIndex =
              addIndex(b, loc, arith::MulIOp::create(b, loc, g, index(b, loc, blocksPerGroup)), block);
          Value byteBase = arith::MulIOp::create(b, loc, blockIndex, index(b, loc, lanes));
          Value kBase = arith::MulIOp::create(b, loc, blockIndex, index(b, loc, blockCodes));
          forLoop(b, loc, zeroIndex, index(b, loc, lanes), 1, [&](OpBuilder &, Value l) {
            Value byte = memref::LoadOp::create(b, loc, codes,
                                                ValueRange{row, arith::AddIOp::create(b, loc, byteBase, l)});
            Value word = arith::ExtUIOp::create(b, loc, i32, byte);
            for (int64_t slot = 0; slot < slots; ++slot) {
              Value code = arith::AndIOp::create(
                  b, loc, arith::ShRUIOp::create(b, loc, word, i32Const(slot * bits)),
                  i32Const((1 << bits) - 1));
              store(code, arith::AddIOp::create(b, loc, addIndex(b, loc, kBase, slot * lanes), l));
            }
          });
        }
      });
    });
    // y[:, p, :] += xs * panel.
    auto sliceType = MemRefType::get(
        {accType.getDimSize(0), 1, panel}, f32,
        StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, {n, panel, 1}));
    Value slice = memref::SubViewOp::create(
        b, loc, sliceType, acc3, SmallVector<OpFoldResult>{b.getIndexAttr(0), p, b.getIndexAttr(0)},
        SmallVector<OpFoldResult>{m, b.getIndexAttr(1), b.getIndexAttr(panel)},
        SmallVector<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1)});
    KernelShape panelShape;
    panelShape.vectorWidth = shape.vectorWidth;
    panelShape.panelRows = shape.panelRows;
    emitPanelKernel(b, loc, xs, buffer, slice, panelShape);
    memref::DeallocOp::create(b, loc, buffer);
  };

  Value panels = index(b, loc, n / panel);
  if (shape.parallel) {
    SmallVector<OpFoldResult> lbs{b.getIndexAttr(0)}, ubs{panels}, steps{b.getIndexAttr(1)};
    auto forall = scf::ForallOp::create(b, loc, lbs, ubs, steps, ValueRange{}, std::nullopt);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(forall.getBody()->getTerminator());
    body(forall.getInductionVar(0));
    return;
  }
  forLoop(b, loc, index(b, loc, 0), panels, 1, [&](OpBuilder &, Value p) { body(p); });
}

void emitQuantizedKernel(OpBuilder &b, Location loc, Value xs, Value codes, Value scales,
                         Value zeros, Value acc, tern::GroupQuantizedAttr format,
                         const QuantizedKernelShape &shape) {
  // Enough rows (prefill) go through dequantized panels and the f32 panel
  // kernel; fewer (decode) through the fused kernel below.
  int64_t n0 = cast<MemRefType>(codes.getType()).getDimSize(0);
  if (shape.panelWidth > 0 && shape.panelMinRows > 0 && n0 % shape.panelWidth == 0 &&
      shape.panelWidth % shape.vectorWidth == 0) {
    Value rowCount = memref::DimOp::create(b, loc, xs, 0);
    Value prefill = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, rowCount,
                                          index(b, loc, shape.panelMinRows));
    auto branch = scf::IfOp::create(b, loc, prefill, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(branch.thenBlock()->getTerminator());
    emitDequantizedPanels(b, loc, xs, codes, scales, zeros, acc, format, shape);
    b.setInsertionPoint(branch.elseBlock()->getTerminator());
    QuantizedKernelShape fused = shape;
    fused.panelWidth = 0;
    emitQuantizedKernel(b, loc, xs, codes, scales, zeros, acc, format, fused);
    return;
  }
  QuantizedEmitter emitter(b, loc, xs, codes, scales, zeros, acc, format);
  int64_t groups = cast<MemRefType>(scales.getType()).getDimSize(1);
  Value m = memref::DimOp::create(b, loc, xs, 0);
  Value n = memref::DimOp::create(b, loc, codes, 0);
  OutputTiling tiling{shape.rows, shape.cols, shape.rowCols, shape.tileM, shape.tileN,
                      shape.parallel};
  emitOutputTiles(b, loc, m, n, tiling, [&](Value row, int64_t rows, Value col, int64_t cols) {
    emitter.tile(row, rows, col, cols, groups);
  });
}

} // namespace ternion::kernels
