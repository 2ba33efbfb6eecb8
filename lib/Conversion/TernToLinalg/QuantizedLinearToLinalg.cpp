//===- QuantizedLinearToLinalg.cpp - tern.quantized_linear ----------------===//
//
// The reference lowering of a group-quantized linear layer, in the steps a
// kernel computes, over the layer's flattened [M, K] input. With
// W[n, k] = s[n, g] (Q[n, k] - z[n, g]) t[k], g = k / group:
//
//   xs[m, k]    = x[m, k] * t[k], K padded with zeros to whole groups
//   y[m, n]     = sum_k xs[m, k] * s[n, g] * (Q[n, k] - z[n, g])  (+ b[n])
//
// The contraction carries the #tern.group_quantized format
// (tern.weight_format), so the target's kernel replaces it; without one it
// is a correct loop that reads each code where the format puts it. A
// kernel dequantizes a block of codes once for all the rows it multiplies.
//
//===----------------------------------------------------------------------===//
#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

using utils::IteratorType;

/// Code k of row n as i32, given the byte the contraction's codes map reads
/// (`byte`, at `codeByteIndex`) and, for codes that may straddle two bytes
/// (3, 5, 6 bits), the whole codes tensor to read the next byte from.
Value readCode(OpBuilder &b, Location loc, GroupQuantizedAttr format, Value byte, Value k,
               Value n, Value codes) {
  Type i32 = b.getI32Type();
  int64_t bits = format.getBits();
  auto idx = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
  Value word = arith::ExtUIOp::create(b, loc, i32, byte);
  Value shift;
  if (format.getCodesPerByte()) {
    // Bits ((k % block) / lanes) * bits of byte (k / block) * lanes + k % lanes.
    Value inBlock = arith::RemUIOp::create(b, loc, k, idx(format.getBlockCodes()));
    Value slot = arith::DivUIOp::create(b, loc, inBlock, idx(format.getLanes()));
    shift = arith::MulIOp::create(b, loc, slot, idx(bits));
  } else {
    // Bits (k * bits) % 8 of the bit stream, continued in the next byte.
    Value bit = arith::MulIOp::create(b, loc, k, idx(bits));
    shift = arith::RemUIOp::create(b, loc, bit, idx(8));
    auto codesType = cast<RankedTensorType>(codes.getType());
    Value nextByte = arith::AddIOp::create(b, loc, arith::DivUIOp::create(b, loc, bit, idx(8)), idx(1));
    nextByte = arith::MinUIOp::create(b, loc, nextByte, idx(codesType.getDimSize(1) - 1));
    Value next = tensor::ExtractOp::create(b, loc, codes, ValueRange{n, nextByte});
    Value high = arith::ShLIOp::create(b, loc, arith::ExtUIOp::create(b, loc, i32, next),
                                       intConst(b, loc, i32, 8));
    word = arith::OrIOp::create(b, loc, word, high);
  }
  Value shifted = arith::ShRUIOp::create(b, loc, word, arith::IndexCastOp::create(b, loc, i32, shift));
  return arith::AndIOp::create(b, loc, shifted, intConst(b, loc, i32, (1 << bits) - 1));
}

struct QuantizedLinearPattern : OpConversionPattern<QuantizedLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(QuantizedLinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto codesType = cast<RankedTensorType>(adaptor.getCodes().getType());
    if (!inputType || !resultType || !codesType.hasStaticShape())
      return rejectUnsupported(op, rewriter, "an unranked input or dynamically shaped codes");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    GroupQuantizedAttr format = op.getWeightFormat();
    Type f32 = b.getF32Type();
    int64_t k = inputType.getShape().back(), group = format.getGroup();
    int64_t groups = format.getGroupCount(k), paddedK = groups * group;
    int64_t n = codesType.getDimSize(0);

    RowsView view = collapseToRows(b, loc, adaptor.getInput());
    Value x = view.rows;
    int64_t m = cast<RankedTensorType>(x.getType()).getDimSize(0);
    SmallVector<Value> rowSizes;
    if (ShapedType::isDynamic(m))
      rowSizes.push_back(tensor::DimOp::create(b, loc, x, 0));

    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto map2 = [&](ArrayRef<AffineExpr> exprs) { return AffineMap::get(2, 0, exprs, ctx); };
    auto map3 = [&](ArrayRef<AffineExpr> exprs) { return AffineMap::get(3, 0, exprs, ctx); };
    auto tensorOf = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, f32); };
    auto empty = [&](ArrayRef<int64_t> shape) -> Value {
      return tensor::EmptyOp::create(b, loc, shape, f32, rowSizes);
    };
    Value zero = floatConst(b, loc, f32, 0.0);
    auto zeros = [&](ArrayRef<int64_t> shape) -> Value {
      return linalg::FillOp::create(b, loc, zero, empty(shape)).getResult(0);
    };
    auto widen = [&](OpBuilder &b, Location loc, Value half) -> Value {
      return arith::ExtFOp::create(b, loc, f32, half);
    };
    SmallVector<IteratorType> contraction{IteratorType::parallel, IteratorType::parallel,
                                          IteratorType::reduction};

    // xs = x * t.
    if (Value columns = adaptor.getColumnScales())
      x = linalg::GenericOp::create(
              b, loc, tensorOf({m, k}), ValueRange{x, columns}, ValueRange{empty({m, k})},
              SmallVector<AffineMap>{map2({d(0), d(1)}), map2({d(1)}), map2({d(0), d(1)})},
              SmallVector<IteratorType>(2, IteratorType::parallel),
              [](OpBuilder &b, Location loc, ValueRange args) {
                linalg::YieldOp::create(b, loc,
                                        ValueRange{arith::MulFOp::create(b, loc, args[0], args[1])});
              })
              .getResult(0);
    if (paddedK != k) {
      SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(0)};
      SmallVector<OpFoldResult> high{b.getIndexAttr(0), b.getIndexAttr(paddedK - k)};
      x = tensor::PadOp::create(b, loc, tensorOf({m, paddedK}), x, low, high, zero);
    }

    // y[m, n] = sum_k xs[m, k] * s[n, k / group] * (Q[n, k] - z[n, k / group]).
    AffineExpr byteOfK = format.getCodesPerByte()
                             ? d(2).floorDiv(format.getBlockCodes()) * format.getLanes() +
                                   d(2) % format.getLanes()
                             : (d(2) * format.getBits()).floorDiv(8);
    Value codes = adaptor.getCodes();
    AffineMap groupMap = map3({d(1), d(2).floorDiv(group)});
    auto contractionOp = linalg::GenericOp::create(
        b, loc, tensorOf({m, n}), ValueRange{x, codes, adaptor.getScales(), adaptor.getZeros()},
        ValueRange{zeros({m, n})},
        SmallVector<AffineMap>{map3({d(0), d(2)}), map3({d(1), byteOfK}), groupMap, groupMap,
                               map3({d(0), d(1)})},
        contraction, [&](OpBuilder &b, Location loc, ValueRange args) {
          Value code = readCode(b, loc, format, args[1], linalg::IndexOp::create(b, loc, 2),
                                linalg::IndexOp::create(b, loc, 1), codes);
          Value centered = arith::SubFOp::create(b, loc, arith::UIToFPOp::create(b, loc, f32, code),
                                                 widen(b, loc, args[3]));
          Value w = arith::MulFOp::create(b, loc, centered, widen(b, loc, args[2]));
          Value product = arith::MulFOp::create(b, loc, args[0], w);
          linalg::YieldOp::create(b, loc, ValueRange{arith::AddFOp::create(b, loc, args[4], product)});
        });
    contractionOp->setAttr(kWeightFormatAttrName, format);
    Value y = contractionOp.getResult(0);
    if (Value bias = adaptor.getBias())
      y = linalg::GenericOp::create(
              b, loc, tensorOf({m, n}), ValueRange{y, bias}, ValueRange{empty({m, n})},
              SmallVector<AffineMap>{map2({d(0), d(1)}), map2({d(1)}), map2({d(0), d(1)})},
              SmallVector<IteratorType>(2, IteratorType::parallel),
              [&](OpBuilder &b, Location loc, ValueRange args) {
                linalg::YieldOp::create(b, loc,
                                        ValueRange{arith::AddFOp::create(b, loc, args[0], args[1])});
              })
              .getResult(0);
    rewriter.replaceOp(op, expandFromRows(b, loc, y, view, resultType));
    return success();
  }
};

} // namespace

void populateQuantizedLinearToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizedLinearPattern>(patterns.getContext());
}

} // namespace ternion
