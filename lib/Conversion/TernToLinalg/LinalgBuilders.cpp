//===- LinalgBuilders.cpp - shared helpers of the compute lowerings -------===//
#include "ternion/Conversion/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace ternion {

Type getSignless(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType || intType.isSignless())
    return type;
  return IntegerType::get(type.getContext(), intType.getWidth());
}

bool isUnsignedInteger(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  return intType && intType.isUnsigned();
}

Value toSignless(OpBuilder &b, Location loc, Value v) {
  Type signless = getSignless(v.getType());
  if (signless == v.getType())
    return v;
  return UnrealizedConversionCastOp::create(b, loc, signless, v).getResult(0);
}

Value fromSignless(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  return UnrealizedConversionCastOp::create(b, loc, type, v).getResult(0);
}

/// `v` as a signless splat constant when it is a splat constant of unsigned
/// integers; null otherwise.
static Value getSignlessSplat(OpBuilder &b, Location loc, Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !isUnsignedInteger(type.getElementType()))
    return {};
  DenseIntElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return {};
  auto signlessType = type.clone(getSignless(type.getElementType()));
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(signlessType, attr.getSplatValue<APInt>()));
}

linalg::GenericOp buildGeneric(OpBuilder &b, Location loc, TypeRange resultTypes,
                               ValueRange inputs, ValueRange outputs, ArrayRef<AffineMap> maps,
                               ArrayRef<utils::IteratorType> iterators,
                               SignlessBodyBuilder body) {
  // A splat constant of unsigned integers (a ui8 zero point) is read as a
  // signless splat: linalg-fuse-elementwise-ops folds splat inputs into the
  // body as a scalar arith.constant of the element type, which arith
  // rejects for ui8.
  SmallVector<Value> readInputs;
  for (Value input : inputs) {
    Value signlessSplat = getSignlessSplat(b, loc, input);
    readInputs.push_back(signlessSplat ? signlessSplat : input);
  }
  return linalg::GenericOp::create(
      b, loc, resultTypes, readInputs, outputs, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        // Casts of arguments the body does not read are dead code that
        // canonicalization drops (the casts are pure).
        SmallVector<Value> signless;
        for (Value arg : args)
          signless.push_back(toSignless(nb, l, arg));
        SmallVector<Value> results = body(nb, l, signless);
        SmallVector<Value> yields;
        for (auto [v, out] : llvm::zip_equal(results, args.take_back(outputs.size())))
          yields.push_back(fromSignless(nb, l, v, out.getType()));
        linalg::YieldOp::create(nb, l, yields);
      });
}

Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  return tensor::CastOp::create(b, loc, type, v);
}

Value floatConst(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
}

Value intConst(OpBuilder &b, Location loc, Type type, int64_t v) {
  return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, v));
}

Value convertFloat(OpBuilder &b, Location loc, Value v, Type to) {
  auto from = cast<FloatType>(v.getType());
  if (from == to)
    return v;
  if (from.getWidth() < cast<FloatType>(to).getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

Value lowestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat::getInf(floatType.getFloatSemantics(), true)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt lowest = isUnsigned ? APInt::getZero(width) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, lowest));
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes, Type element) {
  return tensor::EmptyOp::create(b, loc, sizes, element);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes, Value value,
                   Type element) {
  if (!element)
    element = value.getType();
  Value empty = emptyTensor(b, loc, sizes, element);
  if (element == value.getType())
    return linalg::FillOp::create(b, loc, value, empty).getResult(0);
  // linalg.fill wants the scalar in the element type, which arith cannot
  // produce for unsigned integers.
  unsigned rank = sizes.size();
  return buildGeneric(b, loc, empty.getType(), ValueRange{}, empty,
                      AffineMap::getMultiDimIdentityMap(rank, b.getContext()),
                      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                      [&](OpBuilder &, Location, ValueRange) -> SmallVector<Value> {
                        return {value};
                      })
      .getResult(0);
}

SmallVector<OpFoldResult> getSizes(OpBuilder &b, Location loc, Value source) {
  return tensor::getMixedSizes(b, loc, source);
}

AffineMap getDroppedDimsMap(MLIRContext *ctx, unsigned rank, ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, int64_t(d)))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

SmallVector<utils::IteratorType> getIterators(unsigned rank, ArrayRef<int64_t> axes) {
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  for (int64_t axis : axes)
    iterators[axis] = utils::IteratorType::reduction;
  return iterators;
}

Value getNumElements(OpBuilder &b, Location loc, Value source, ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(source.getType());
  int64_t staticCount = 1;
  for (int64_t d : dims)
    if (!type.isDynamicDim(d))
      staticCount *= type.getDimSize(d);
  Value count = arith::ConstantIndexOp::create(b, loc, staticCount);
  for (int64_t d : dims)
    if (type.isDynamicDim(d))
      count = arith::MulIOp::create(b, loc, count, tensor::DimOp::create(b, loc, source, d));
  return count;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

Value buildReduction(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
                     Value init,
                     function_ref<Value(OpBuilder &, Location, Value, Value)> combine,
                     Type element) {
  auto inputType = cast<RankedTensorType>(input.getType());
  if (!element)
    element = inputType.getElementType();
  unsigned rank = inputType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> sizes;
  SmallVector<OpFoldResult> inputSizes = getSizes(b, loc, input);
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, int64_t(d)))
      sizes.push_back(inputSizes[d]);
  Value acc = filledTensor(b, loc, sizes, init, element);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx),
                              getDroppedDimsMap(ctx, rank, axes)};
  return buildGeneric(b, loc, acc.getType(), input, acc, maps, getIterators(rank, axes),
                      [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
                        return {combine(nb, l, args[0], args[1])};
                      })
      .getResult(0);
}

/// sum over `axes` of f(x, stats...), where the stats are tensors that drop
/// `axes` (read with the same dropped-dims map as the accumulator).
Value reduceWithStats(OpBuilder &b, Location loc, Value x, ValueRange stats,
                      ArrayRef<int64_t> axes,
                      function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
  auto xType = cast<RankedTensorType>(x.getType());
  unsigned rank = xType.getRank();
  MLIRContext *ctx = b.getContext();
  Type element = xType.getElementType();
  SmallVector<OpFoldResult> sizes, xSizes = getSizes(b, loc, x);
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, int64_t(d)))
      sizes.push_back(xSizes[d]);
  Value acc = filledTensor(b, loc, sizes, floatConst(b, loc, element, 0.0));
  AffineMap dropped = getDroppedDimsMap(ctx, rank, axes);
  SmallVector<Value> inputs{x};
  llvm::append_range(inputs, stats);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx)};
  maps.append(stats.size() + 1, dropped);
  return buildGeneric(b, loc, acc.getType(), inputs, acc, maps, getIterators(rank, axes),
                      [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
                        Value t = term(nb, l, args.drop_back());
                        return {arith::AddFOp::create(nb, l, args.back(), t,
                                                      arith::FastMathFlags::reassoc)};
                      })
      .getResult(0);
}

Value expandReducedDims(OpBuilder &b, Location loc, Value reduced,
                        RankedTensorType keptType, ArrayRef<int64_t> axes) {
  int64_t rank = keptType.getRank();
  auto reducedType = cast<RankedTensorType>(reduced.getType());
  // Each reduced (size-1) dim joins the group of the nearest kept dim:
  // leading ones the first group, the others the preceding group.
  SmallVector<ReassociationIndices> reassociation;
  ReassociationIndices pending;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      if (reassociation.empty())
        pending.push_back(d);
      else
        reassociation.back().push_back(d);
      continue;
    }
    pending.push_back(d);
    reassociation.push_back(pending);
    pending.clear();
  }
  if (!pending.empty() && !reassociation.empty())
    llvm::append_range(reassociation.back(), pending);
  SmallVector<OpFoldResult> outputShape;
  int64_t src = 0;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      outputShape.push_back(b.getIndexAttr(1));
      continue;
    }
    if (reducedType.isDynamicDim(src))
      outputShape.push_back(tensor::DimOp::create(b, loc, reduced, src).getResult());
    else
      outputShape.push_back(b.getIndexAttr(reducedType.getDimSize(src)));
    ++src;
  }
  return tensor::ExpandShapeOp::create(b, loc, keptType, reduced, reassociation, outputShape);
}

LogicalResult rejectUnsupported(Operation *op, ConversionPatternRewriter &rewriter,
                                const Twine &reason) {
  op->emitOpError("is not supported by the CPU lowering: ") << reason;
  return rewriter.notifyMatchFailure(op, reason);
}

RowsView collapseToRows(OpBuilder &b, Location loc, Value source) {
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rank = type.getRank();
  RowsView view{source, source, {}};
  if (rank == 1) {
    view.reassociation = {{0, 1}};
    view.rows = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1, type.getDimSize(0)}, type.getElementType()), source,
        view.reassociation);
  } else if (rank > 2) {
    ReassociationIndices leading;
    for (int64_t i = 0; i < rank - 1; ++i)
      leading.push_back(i);
    view.reassociation = {leading, {rank - 1}};
    view.rows = tensor::CollapseShapeOp::create(b, loc, source, view.reassociation);
  }
  return view;
}

Value expandFromRows(OpBuilder &b, Location loc, Value rows, const RowsView &view,
                     RankedTensorType resultType) {
  int64_t rank = cast<RankedTensorType>(view.source.getType()).getRank();
  if (rank == 1)
    return tensor::CollapseShapeOp::create(b, loc, resultType, rows, view.reassociation);
  if (rank == 2)
    return rows;
  SmallVector<OpFoldResult> outputShape;
  for (int64_t i = 0; i < resultType.getRank(); ++i) {
    if (!resultType.isDynamicDim(i))
      outputShape.push_back(b.getIndexAttr(resultType.getDimSize(i)));
    else
      outputShape.push_back(tensor::DimOp::create(b, loc, view.source, i).getResult());
  }
  return tensor::ExpandShapeOp::create(b, loc, resultType, rows, view.reassociation,
                                       outputShape);
}

} // namespace ternion
