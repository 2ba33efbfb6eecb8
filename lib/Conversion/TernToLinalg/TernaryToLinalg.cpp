//===- TernaryToLinalg.cpp - tern.ternary_linear --------------------------===//
//
// The reference lowering of a ternary linear layer, in the steps a kernel
// computes, each a linalg op over the layer's flattened [M, K] input:
//
//   amax[m]    = max_k |x[m, k]|                       (reduction)
//   s[m]       = 127 * (1 / max(amax[m], eps))   (as torch computes 127 / a)
//   q[m, k]    = i8 clamp(round_even(x[m, k] * s[m]), -128, 127), K padded
//                with zeros to whole blocks of the format
//   qsum[m]    = sum_k q[m, k]                          (i32)
//   acc[m, n]  = sum_k q[m, k] * digit(codes[n], k)     (i32, the contraction)
//   y[m, n]    = f32(acc[m, n] - qsum[m]) * weight_scale / s[m] (+ b[n])
//
// The contraction multiplies by the stored digit t + 1 (0, 1, 2), not by t:
// unsigned digits times signed int8 activations is what x86's u8 x s8 dot
// products (vpmaddubsw, vpdpbusd) take, and sum q (t + 1) - sum q = sum q t
// is exact. The `pairs` format (lookup-table kernels) multiplies by t
// itself, its tables holding signed sums, and has no qsum step; its codes
// map reads byte [n / lanes, k / 4, n % lanes]. It carries the #tern.ternary format (tern.weight_format), so the
// target's ternary kernel replaces it after bufferization; its codes map
// reads the byte holding weight k directly (affine floordiv/mod), and the
// body extracts the digit, so without a kernel it is still a correct loop.
//
//===----------------------------------------------------------------------===//
#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

using utils::IteratorType;

/// digit(byte, d) of the format, in i32: (byte >> 2d) & 3, (byte / 3^d) % 3,
/// or for pairs digit d % 2 of the pair index (byte >> 4 (d / 2)) & 15.
Value readDigit(OpBuilder &b, Location loc, TernaryAttr format, Value byte, Value digitIndex) {
  Type i32 = b.getI32Type();
  Value code = arith::ExtUIOp::create(b, loc, i32, byte);
  Value d = arith::IndexCastOp::create(b, loc, i32, digitIndex);
  if (format.getPacking() == TernaryPacking::I2) {
    Value shift = arith::MulIOp::create(b, loc, d, intConst(b, loc, i32, 2));
    return arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, code, shift),
                                 intConst(b, loc, i32, 3));
  }
  if (format.getPacking() == TernaryPacking::Pairs) {
    Value nibble = arith::DivUIOp::create(b, loc, d, intConst(b, loc, i32, 2));
    Value shift = arith::MulIOp::create(b, loc, nibble, intConst(b, loc, i32, 4));
    Value index = arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, code, shift),
                                        intConst(b, loc, i32, 15));
    Value second = arith::RemUIOp::create(b, loc, d, intConst(b, loc, i32, 2));
    Value isSecond =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, second, intConst(b, loc, i32, 1));
    Value three = intConst(b, loc, i32, 3);
    return arith::SelectOp::create(b, loc, isSecond, arith::RemUIOp::create(b, loc, index, three),
                                   arith::DivUIOp::create(b, loc, index, three));
  }
  // 3^d for d in 0..4.
  Value power = intConst(b, loc, i32, 81);
  for (int64_t i = 3; i >= 0; --i) {
    Value isI = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, intConst(b, loc, i32, i));
    power = arith::SelectOp::create(b, loc, isI, intConst(b, loc, i32, int64_t(std::pow(3, i))), power);
  }
  return arith::RemUIOp::create(b, loc, arith::DivUIOp::create(b, loc, code, power),
                                intConst(b, loc, i32, 3));
}

struct TernaryLinearPattern : OpConversionPattern<TernaryLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(TernaryLinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto codesType = cast<RankedTensorType>(adaptor.getCodes().getType());
    if (!inputType || !resultType || !codesType.hasStaticShape())
      return rejectUnsupported(op, rewriter, "an unranked input or dynamically shaped codes");
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    TernaryAttr format = op.getWeightFormat();
    Type f32 = b.getF32Type(), i32 = b.getI32Type(), i8 = b.getI8Type();
    int64_t k = inputType.getShape().back();
    int64_t paddedK = format.getPaddedInputFeatures(k), n = resultType.getShape().back();
    int64_t lanes = format.getLanes(), block = format.getBlockWeights();

    // x as [M, K].
    RowsView view = collapseToRows(b, loc, adaptor.getInput());
    Value x = view.rows;
    int64_t m = cast<RankedTensorType>(x.getType()).getDimSize(0);
    SmallVector<Value> rowSizes;
    if (ShapedType::isDynamic(m))
      rowSizes.push_back(tensor::DimOp::create(b, loc, x, 0));
    if (paddedK != k) {
      SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(0)};
      SmallVector<OpFoldResult> high{b.getIndexAttr(0), b.getIndexAttr(paddedK - k)};
      x = tensor::PadOp::create(b, loc, RankedTensorType::get({m, paddedK}, f32), x, low, high,
                                floatConst(b, loc, f32, 0.0));
    }

    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto map2 = [&](ArrayRef<AffineExpr> exprs) { return AffineMap::get(2, 0, exprs, ctx); };
    auto map3 = [&](ArrayRef<AffineExpr> exprs) { return AffineMap::get(3, 0, exprs, ctx); };
    auto tensorOf = [&](ArrayRef<int64_t> shape, Type element) {
      return RankedTensorType::get(shape, element);
    };
    auto empty = [&](ArrayRef<int64_t> shape, Type element) -> Value {
      return tensor::EmptyOp::create(b, loc, shape, element, rowSizes);
    };
    auto filled = [&](ArrayRef<int64_t> shape, Type element, Value zero) -> Value {
      return linalg::FillOp::create(b, loc, zero, empty(shape, element)).getResult(0);
    };

    // amax[m] = max_k |x[m, k]|.
    Value amax =
        linalg::GenericOp::create(
            b, loc, tensorOf({m}, f32), ValueRange{x},
            ValueRange{filled({m}, f32, floatConst(b, loc, f32, 0.0))},
            SmallVector<AffineMap>{map2({d(0), d(1)}), map2({d(0)})},
            SmallVector<IteratorType>{IteratorType::parallel, IteratorType::reduction},
            [](OpBuilder &b, Location loc, ValueRange args) {
              Value abs = math::AbsFOp::create(b, loc, args[0]);
              linalg::YieldOp::create(b, loc,
                                      ValueRange{arith::MaximumFOp::create(b, loc, args[1], abs)});
            })
            .getResult(0);
    // s[m] = 127 * (1 / max(amax[m], eps)): torch's `127 / a` is a reciprocal
    // times 127, and exports so; a rounding of x * s must not differ.
    float eps = op.getInputEps().convertToFloat();
    Value scale =
        linalg::GenericOp::create(
            b, loc, tensorOf({m}, f32), ValueRange{amax}, ValueRange{empty({m}, f32)},
            SmallVector<AffineMap>(2, AffineMap::getMultiDimIdentityMap(1, ctx)),
            SmallVector<IteratorType>{IteratorType::parallel},
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value clipped = arith::MaximumFOp::create(b, loc, args[0], floatConst(b, loc, f32, eps));
              Value reciprocal = arith::DivFOp::create(b, loc, floatConst(b, loc, f32, 1.0), clipped);
              linalg::YieldOp::create(
                  b, loc,
                  ValueRange{arith::MulFOp::create(b, loc, reciprocal, floatConst(b, loc, f32, 127.0))});
            })
            .getResult(0);
    // q[m, k] = i8 clamp(round_even(x * s), -128, 127).
    Value q =
        linalg::GenericOp::create(
            b, loc, tensorOf({m, paddedK}, i8), ValueRange{x, scale},
            ValueRange{empty({m, paddedK}, i8)},
            SmallVector<AffineMap>{map2({d(0), d(1)}), map2({d(0)}), map2({d(0), d(1)})},
            SmallVector<IteratorType>{IteratorType::parallel, IteratorType::parallel},
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value v = math::RoundEvenOp::create(b, loc, arith::MulFOp::create(b, loc, args[0], args[1]));
              v = arith::MaximumFOp::create(b, loc, v, floatConst(b, loc, f32, -128.0));
              v = arith::MinimumFOp::create(b, loc, v, floatConst(b, loc, f32, 127.0));
              linalg::YieldOp::create(b, loc, ValueRange{arith::FPToSIOp::create(b, loc, i8, v)});
            })
            .getResult(0);
    // qsum[m] = sum_k q[m, k], for the digit formats; the pairs format's
    // lookup tables hold signed sums, so its contraction multiplies by t.
    bool signedWeights = format.interleavesRows();
    Value zero32 = intConst(b, loc, i32, 0);
    Value qsum =
        signedWeights ? Value() : linalg::GenericOp::create(
            b, loc, tensorOf({m}, i32), ValueRange{q}, ValueRange{filled({m}, i32, zero32)},
            SmallVector<AffineMap>{map2({d(0), d(1)}), map2({d(0)})},
            SmallVector<IteratorType>{IteratorType::parallel, IteratorType::reduction},
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value wide = arith::ExtSIOp::create(b, loc, i32, args[0]);
              linalg::YieldOp::create(b, loc, ValueRange{arith::AddIOp::create(b, loc, args[1], wide)});
            })
            .getResult(0);
    // acc[m, n] = sum_k q[m, k] * digit(codes[n, byte(k)], digitIndex(k))
    // (pairs: codes[n / lanes, k / 4, n % lanes] and digit - 1).
    AffineExpr byteOfK = d(2).floorDiv(block) * lanes + d(2) % lanes;
    AffineMap codesMap = signedWeights
                             ? map3({d(1).floorDiv(lanes), d(2).floorDiv(4), d(1) % lanes})
                             : map3({d(1), byteOfK});
    auto contraction = linalg::GenericOp::create(
        b, loc, tensorOf({m, n}, i32), ValueRange{q, adaptor.getCodes()},
        ValueRange{filled({m, n}, i32, zero32)},
        SmallVector<AffineMap>{map3({d(0), d(2)}), codesMap, map3({d(0), d(1)})},
        SmallVector<IteratorType>{IteratorType::parallel, IteratorType::parallel,
                                  IteratorType::reduction},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value kIndex = linalg::IndexOp::create(b, loc, 2);
          Value inBlock = arith::RemUIOp::create(b, loc, kIndex,
                                                 arith::ConstantIndexOp::create(b, loc, block));
          Value digitIndex =
              signedWeights ? inBlock
                            : Value(arith::DivUIOp::create(
                                  b, loc, inBlock, arith::ConstantIndexOp::create(b, loc, lanes)));
          Value digit = readDigit(b, loc, format, args[1], digitIndex);
          if (signedWeights)
            digit = arith::SubIOp::create(b, loc, digit, intConst(b, loc, i32, 1));
          Value product = arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i32, args[0]), digit);
          linalg::YieldOp::create(b, loc, ValueRange{arith::AddIOp::create(b, loc, args[2], product)});
        });
    contraction->setAttr(kWeightFormatAttrName, format);
    // y[m, n] = f32(acc - qsum[m]) * weight_scale / s[m] (+ b[n]).
    float weightScale = op.getWeightScale().convertToFloat();
    SmallVector<Value> epilogueInputs{contraction.getResult(0)};
    SmallVector<AffineMap> epilogueMaps{map2({d(0), d(1)})};
    if (qsum) {
      epilogueInputs.push_back(qsum);
      epilogueMaps.push_back(map2({d(0)}));
    }
    epilogueInputs.push_back(scale);
    epilogueMaps.push_back(map2({d(0)}));
    if (Value bias = adaptor.getBias()) {
      epilogueInputs.push_back(bias);
      epilogueMaps.push_back(map2({d(1)}));
    }
    epilogueMaps.push_back(map2({d(0), d(1)}));
    bool hasBias = bool(adaptor.getBias());
    Value y =
        linalg::GenericOp::create(
            b, loc, tensorOf({m, n}, f32), epilogueInputs, ValueRange{empty({m, n}, f32)},
            epilogueMaps, SmallVector<IteratorType>{IteratorType::parallel, IteratorType::parallel},
            [&](OpBuilder &b, Location loc, ValueRange args) {
              // args: acc, (qsum), s, (bias), out.
              unsigned next = 1;
              Value exact = args[0];
              if (qsum)
                exact = arith::SubIOp::create(b, loc, exact, args[next++]);
              Value v = arith::SIToFPOp::create(b, loc, f32, exact);
              v = arith::MulFOp::create(b, loc, v, floatConst(b, loc, f32, weightScale));
              v = arith::DivFOp::create(b, loc, v, args[next++]);
              if (hasBias)
                v = arith::AddFOp::create(b, loc, v, args[next]);
              linalg::YieldOp::create(b, loc, ValueRange{v});
            })
            .getResult(0);
    y = expandFromRows(b, loc, y, view, resultType);
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populateTernaryToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<TernaryLinearPattern>(patterns.getContext());
}

} // namespace ternion
