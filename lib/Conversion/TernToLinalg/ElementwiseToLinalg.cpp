//===- ElementwiseToLinalg.cpp - broadcasting elementwise ops -------------===//
//
// Every elementwise tern op becomes one linalg.generic whose indexing maps
// express numpy broadcasting, so producer/consumer fusion and tiling see
// plain parallel loops.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

using BodyBuilder =
    llvm::function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, Type resultElement)>;

LogicalResult lowerElementwise(Operation *op, ValueRange operands,
                               ConversionPatternRewriter &rewriter, BodyBuilder body) {
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType)
    return rewriter.notifyMatchFailure(op, "result is unranked");
  SmallVector<AffineMap> maps;
  MLIRContext *ctx = op->getContext();
  unsigned numLoops = resultType.getRank();
  for (Value operand : operands) {
    auto t = dyn_cast<RankedTensorType>(operand.getType());
    if (!t || t.getRank() > resultType.getRank())
      return rewriter.notifyMatchFailure(op, "operand is unranked");
    maps.push_back(getBroadcastMap(ctx, t, resultType.getShape(), numLoops));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(numLoops, ctx));
  Location loc = op->getLoc();
  Value init = createEmptyLike(rewriter, loc, resultType, operands);
  if (!init)
    return rewriter.notifyMatchFailure(op, "a dynamic result dim has no source");
  SmallVector<utils::IteratorType> iterators(numLoops, utils::IteratorType::parallel);
  Type element = resultType.getElementType();
  auto generic = linalg::GenericOp::create(
      rewriter, loc, resultType, operands, ValueRange{init}, maps, iterators,
      [&](OpBuilder &b, Location l, ValueRange args) {
        SmallVector<Value> inputs(args.drop_back());
        Value v = body(b, l, inputs, element);
        linalg::YieldOp::create(b, l, v);
      });
  rewriter.replaceOp(op, generic.getResults());
  return success();
}

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// `float` or `integer` arithmetic, chosen by the element type.
template <typename FloatOp, typename IntOp>
Value floatOrInt(OpBuilder &b, Location loc, ArrayRef<Value> a) {
  if (isFloat(a[0]))
    return FloatOp::create(b, loc, a[0], a[1]);
  return IntOp::create(b, loc, a[0], a[1]);
}

Value compare(OpBuilder &b, Location loc, ArrayRef<Value> a, arith::CmpFPredicate fp,
              arith::CmpIPredicate ip) {
  if (isFloat(a[0]))
    return arith::CmpFOp::create(b, loc, fp, a[0], a[1]);
  return arith::CmpIOp::create(b, loc, ip, a[0], a[1]);
}

/// ONNX Cast between numeric types (bool is i1; integers are signed unless
/// the type says unsigned, like ONNX uint8 imported as ui8).
Value castScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  bool fromUnsigned = isUnsignedInteger(from) || from.isInteger(1);
  bool toUnsigned = isUnsignedInteger(to);
  // arith works on signless integers; the casts around it are erased by the
  // LLVM lowering.
  v = toSignless(b, loc, v);
  from = v.getType();
  Type toSignlessType = getSignless(to);
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(toSignlessType);
  Value result;
  if (from == toSignlessType) {
    result = v;
  } else if (toInt && toInt.getWidth() == 1) {
    if (isa<FloatType>(from))
      result = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                     floatConst(b, loc, from, 0.0));
    else
      result = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                     arith::ConstantOp::create(b, loc, from,
                                                               b.getIntegerAttr(from, 0)));
  } else if (fromInt && toInt) {
    if (fromInt.getWidth() < toInt.getWidth())
      result = fromUnsigned ? Value(arith::ExtUIOp::create(b, loc, toInt, v))
                            : Value(arith::ExtSIOp::create(b, loc, toInt, v));
    else
      result = arith::TruncIOp::create(b, loc, toInt, v);
  } else if (fromInt) {
    result = fromUnsigned ? Value(arith::UIToFPOp::create(b, loc, toSignlessType, v))
                          : Value(arith::SIToFPOp::create(b, loc, toSignlessType, v));
  } else if (toInt) {
    result = toUnsigned ? Value(arith::FPToUIOp::create(b, loc, toInt, v))
                        : Value(arith::FPToSIOp::create(b, loc, toInt, v));
  } else if (cast<FloatType>(from).getWidth() < cast<FloatType>(toSignlessType).getWidth()) {
    result = arith::ExtFOp::create(b, loc, toSignlessType, v);
  } else {
    result = arith::TruncFOp::create(b, loc, toSignlessType, v);
  }
  return fromSignless(b, loc, result, to);
}

/// ONNX Clip: max with the lower bound first, then min with the upper one,
/// so a lower bound above the upper bound yields the upper bound (numpy.clip).
/// maximumf/minimumf propagate NaN like numpy. Built with buildGeneric, as
/// the bounds are often ui8/i8 splat constants.
struct ClipPattern : OpConversionPattern<ClipOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ClipOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result is unranked");
    MLIRContext *ctx = op.getContext();
    unsigned rank = resultType.getRank();
    SmallVector<AffineMap> maps;
    for (Value operand : adaptor.getOperands()) {
      auto t = dyn_cast<RankedTensorType>(operand.getType());
      if (!t || t.getRank() > resultType.getRank())
        return rejectUnsupported(op, rewriter,
                                 "bounds must be ranked and of at most the input's rank");
      maps.push_back(getBroadcastMap(ctx, t, resultType.getShape(), rank));
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
    Location loc = op.getLoc();
    Value init = createEmptyLike(rewriter, loc, resultType, adaptor.getInput());
    if (!init)
      return rewriter.notifyMatchFailure(op, "a dynamic result dim has no source");
    bool hasMin = bool(adaptor.getMin()), hasMax = bool(adaptor.getMax());
    bool isUnsigned = isUnsignedInteger(resultType.getElementType());
    auto generic = buildGeneric(
        rewriter, loc, resultType, adaptor.getOperands(), init, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value x = args[0];
          unsigned next = 1;
          bool isFloatType = isa<FloatType>(x.getType());
          if (hasMin) {
            Value lo = args[next++];
            if (isFloatType)
              x = arith::MaximumFOp::create(b, l, x, lo);
            else if (isUnsigned)
              x = arith::MaxUIOp::create(b, l, x, lo);
            else
              x = arith::MaxSIOp::create(b, l, x, lo);
          }
          if (hasMax) {
            Value hi = args[next];
            if (isFloatType)
              x = arith::MinimumFOp::create(b, l, x, hi);
            else if (isUnsigned)
              x = arith::MinUIOp::create(b, l, x, hi);
            else
              x = arith::MinSIOp::create(b, l, x, hi);
          }
          return {x};
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

template <typename OpTy>
struct ElementwisePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  /// Builds the scalar op on signless values; `isUnsigned` says whether the
  /// integer operands are unsigned (division, min/max and comparisons differ).
  using Fn = Value (*)(OpBuilder &, Location, ArrayRef<Value>, Type, bool isUnsigned);

  /// `typedBody`: `fn` sees the original (possibly unsigned) scalar types,
  /// for casts, which convert signedness themselves.
  ElementwisePattern(MLIRContext *ctx, Fn fn, bool typedBody)
      : OpConversionPattern<OpTy>(ctx), fn(fn), typedBody(typedBody) {}

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    // arith only takes signless integers: ONNX's unsigned tensors enter the
    // body through casts that the LLVM lowering erases.
    bool isUnsigned = llvm::any_of(op->getOperandTypes(), [](Type t) {
      return isUnsignedInteger(getElementTypeOrSelf(t));
    });
    return lowerElementwise(
        op, adaptor.getOperands(), rewriter,
        [&](OpBuilder &b, Location loc, ArrayRef<Value> a, Type t) {
          if (typedBody)
            return fn(b, loc, a, t, isUnsigned);
          SmallVector<Value> signless;
          for (Value v : a)
            signless.push_back(toSignless(b, loc, v));
          Value result = fn(b, loc, signless, getSignless(t), isUnsigned);
          return fromSignless(b, loc, result, t);
        });
  }
  Fn fn;
  bool typedBody;
};

template <typename OpTy>
void add(RewritePatternSet &patterns,
         Value (*fn)(OpBuilder &, Location, ArrayRef<Value>, Type, bool),
         bool typedBody = false) {
  patterns.add<ElementwisePattern<OpTy>>(patterns.getContext(), fn, typedBody);
}

} // namespace

void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  using A = ArrayRef<Value>;
  using L = Location;
  using B = OpBuilder;
  add<AddOp>(patterns, [](B &b, L l, A a, Type, bool u) { return floatOrInt<arith::AddFOp, arith::AddIOp>(b, l, a); });
  add<SubOp>(patterns, [](B &b, L l, A a, Type, bool u) { return floatOrInt<arith::SubFOp, arith::SubIOp>(b, l, a); });
  add<MulOp>(patterns, [](B &b, L l, A a, Type, bool u) { return floatOrInt<arith::MulFOp, arith::MulIOp>(b, l, a); });
  add<DivOp>(patterns, [](B &b, L l, A a, Type, bool u) {
    return u ? floatOrInt<arith::DivFOp, arith::DivUIOp>(b, l, a)
             : floatOrInt<arith::DivFOp, arith::DivSIOp>(b, l, a);
  });
  add<MaxOp>(patterns, [](B &b, L l, A a, Type, bool u) {
    return u ? floatOrInt<arith::MaximumFOp, arith::MaxUIOp>(b, l, a)
             : floatOrInt<arith::MaximumFOp, arith::MaxSIOp>(b, l, a);
  });
  add<MinOp>(patterns, [](B &b, L l, A a, Type, bool u) {
    return u ? floatOrInt<arith::MinimumFOp, arith::MinUIOp>(b, l, a)
             : floatOrInt<arith::MinimumFOp, arith::MinSIOp>(b, l, a);
  });
  add<EqualOp>(patterns, [](B &b, L l, A a, Type, bool u) {
    return compare(b, l, a, arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq);
  });
  add<LessOp>(patterns, [](B &b, L l, A a, Type, bool u) {
    return compare(b, l, a, arith::CmpFPredicate::OLT,
                   u ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
  });
  add<GreaterOp>(patterns, [](B &b, L l, A a, Type, bool u) {
    return compare(b, l, a, arith::CmpFPredicate::OGT,
                   u ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt);
  });
  add<AndOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return arith::AndIOp::create(b, l, a[0], a[1]); });
  add<OrOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return arith::OrIOp::create(b, l, a[0], a[1]); });
  add<PowOp>(patterns, [](B &b, L l, A a, Type t, bool u) -> Value {
    if (isa<FloatType>(t))
      return math::PowFOp::create(b, l, a[0], castScalar(b, l, a[1], t));
    // An integer base (ONNX: the result has the base's type): f64 holds
    // every exact integer power that fits the result, as numpy computes it.
    Type f64 = b.getF64Type();
    Value power = math::PowFOp::create(b, l, castScalar(b, l, a[0], f64),
                                       castScalar(b, l, a[1], f64));
    return castScalar(b, l, power, t);
  }, /*typedBody=*/true);
  add<WhereOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value {
    return arith::SelectOp::create(b, l, a[0], a[1], a[2]);
  });
  add<NegOp>(patterns, [](B &b, L l, A a, Type t, bool u) -> Value {
    if (isFloat(a[0]))
      return arith::NegFOp::create(b, l, a[0]);
    Value zero = arith::ConstantOp::create(b, l, t, b.getIntegerAttr(t, 0));
    return arith::SubIOp::create(b, l, zero, a[0]);
  });
  add<AbsOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value {
    if (isFloat(a[0]))
      return math::AbsFOp::create(b, l, a[0]);
    return math::AbsIOp::create(b, l, a[0]);
  });
  add<SqrtOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::SqrtOp::create(b, l, a[0]); });
  add<ExpOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::ExpOp::create(b, l, a[0]); });
  add<LogOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::LogOp::create(b, l, a[0]); });
  add<ErfOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::ErfOp::create(b, l, a[0]); });
  add<TanhOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::TanhOp::create(b, l, a[0]); });
  add<SinOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::SinOp::create(b, l, a[0]); });
  add<CosOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::CosOp::create(b, l, a[0]); });
  add<RoundOp>(patterns, [](B &b, L l, A a, Type, bool u) -> Value { return math::RoundEvenOp::create(b, l, a[0]); });
  add<NotOp>(patterns, [](B &b, L l, A a, Type t, bool u) -> Value {
    Value one = arith::ConstantOp::create(b, l, t, b.getIntegerAttr(t, 1));
    return arith::XOrIOp::create(b, l, a[0], one);
  });
  add<ReciprocalOp>(patterns, [](B &b, L l, A a, Type t, bool u) -> Value {
    return arith::DivFOp::create(b, l, floatConst(b, l, t, 1.0), a[0]);
  });
  add<ReluOp>(patterns, [](B &b, L l, A a, Type t, bool u) -> Value {
    return arith::MaximumFOp::create(b, l, a[0], floatConst(b, l, t, 0.0));
  });
  add<SigmoidOp>(patterns, [](B &b, L l, A a, Type t, bool u) -> Value {
    // 1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving
    // exactly 0, which is the correctly rounded result.
    Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, a[0]));
    Value one = floatConst(b, l, t, 1.0);
    return arith::DivFOp::create(b, l, one, arith::AddFOp::create(b, l, one, e));
  });
  add<IdentityOp>(patterns, [](B &, L, A a, Type, bool) { return a[0]; });
  add<CastOp>(
      patterns, [](B &b, L l, A a, Type t, bool u) { return castScalar(b, l, a[0], t); },
      /*typedBody=*/true);
  patterns.add<ClipPattern>(patterns.getContext());
}

} // namespace ternion
