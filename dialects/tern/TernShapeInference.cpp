//===- TernShapeInference.cpp - result types of tern ops ------------------===//
//
// Every tern op infers its result types here. These functions are also the
// ops' main verifiers (InferTypeOpInterface re-runs them on verification),
// and the importer runs them on each node, so a bad shape or attribute is
// reported once, here, with the op name and the offending value.
//
//===----------------------------------------------------------------------===//

#include "dialects/tern/BroadcastShapes.h"
#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace ternion::tern;

namespace {

/// Tensors of more dims than this are refused: no model has them, and a
/// shape operand of a huge static length (found by fuzz-onnx-import) would
/// otherwise size a vector of that many dims.
constexpr int64_t kMaxRank = 64;

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

/// Emits "'tern.X' op <message>" at `loc` (when there is one) and fails.
template <typename OpTy>
LogicalResult fail(std::optional<Location> loc, const Twine &message) {
  return emitOptionalError(loc, "'", OpTy::getOperationName(), "' op ", message);
}

/// A shape operand (Reshape, Expand, ConstantOfShape) is a 1-D tensor of at
/// most kMaxRank entries.
template <typename OpTy>
LogicalResult checkShapeOperand(std::optional<Location> loc, RankedTensorType shapeType) {
  if (!shapeType || shapeType.getRank() != 1)
    return fail<OpTy>(loc, "shape must be a 1-D tensor");
  if (shapeType.getDimSize(0) > kMaxRank)
    return fail<OpTy>(loc, "shape has " + Twine(shapeType.getDimSize(0)) +
                               " entries; tensors of rank above " + Twine(kMaxRank) +
                               " are not supported");
  return success();
}

RankedTensorType ranked(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }
Type elementTypeOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }

/// Merges two dims that must agree: ? takes the other's value.
std::optional<int64_t> mergeDims(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a))
    return b;
  if (ShapedType::isDynamic(b) || a == b)
    return a;
  return std::nullopt;
}

template <typename OpTy>
LogicalResult inferBroadcast(std::optional<Location> loc, ValueRange operands,
                             Type resultElement, SmallVectorImpl<Type> &types) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    RankedTensorType t = ranked(v);
    if (!t) {
      types.push_back(UnrankedTensorType::get(resultElement));
      return success();
    }
    auto merged = broadcastShapes(shape, t.getShape());
    if (!merged)
      return fail<OpTy>(loc, "operand shapes " + shapeString(shape) + " and " +
                                 shapeString(t.getShape()) +
                                 " are not broadcast-compatible");
    shape = *merged;
  }
  types.push_back(RankedTensorType::get(shape, resultElement));
  return success();
}

template <typename OpTy>
LogicalResult inferSameElementBroadcast(std::optional<Location> loc, Value lhs,
                                        Value rhs, Type resultElement,
                                        SmallVectorImpl<Type> &types) {
  if (elementTypeOf(lhs) != elementTypeOf(rhs))
    return fail<OpTy>(loc, "operand element types differ");
  return inferBroadcast<OpTy>(loc, ValueRange{lhs, rhs}, resultElement, types);
}

/// Normalizes a list of axes against `rank`; fails on out-of-range or repeats.
template <typename OpTy>
FailureOr<SmallVector<int64_t>> normalizeAxes(std::optional<Location> loc,
                                              ArrayRef<int64_t> axes,
                                              int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    auto n = normalizeAxis(axis, rank);
    if (!n) {
      (void)fail<OpTy>(loc, "axis " + Twine(axis) + " is out of range for rank " +
                                Twine(rank));
      return failure();
    }
    if (llvm::is_contained(result, *n)) {
      (void)fail<OpTy>(loc, "axis " + Twine(axis) + " is repeated");
      return failure();
    }
    result.push_back(*n);
  }
  return result;
}

SmallVector<int64_t> i64ArrayAttrValues(ArrayAttr attr) {
  SmallVector<int64_t> values;
  for (Attribute a : attr)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

/// numpy.matmul result shape, shared by MatMul and MatMulInteger.
template <typename OpTy>
LogicalResult inferMatMul(std::optional<Location> loc, Value lhs, Value rhs,
                          Type resultElement, SmallVectorImpl<Type> &types) {
  RankedTensorType a = ranked(lhs), b = ranked(rhs);
  if (!a || !b) {
    types.push_back(UnrankedTensorType::get(resultElement));
    return success();
  }
  if (a.getRank() == 0 || b.getRank() == 0)
    return fail<OpTy>(loc, "operands must have rank >= 1");
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool lhsVector = as.size() == 1, rhsVector = bs.size() == 1;
  if (lhsVector)
    as.insert(as.begin(), 1);
  if (rhsVector)
    bs.push_back(1);
  int64_t k1 = as.back(), k2 = bs[bs.size() - 2];
  if (!mergeDims(k1, k2))
    return fail<OpTy>(loc, "contraction dims differ: lhs " + shapeString(a.getShape()) +
                               ", rhs " + shapeString(b.getShape()));
  auto batch = broadcastShapes(ArrayRef(as).drop_back(2), ArrayRef(bs).drop_back(2));
  if (!batch)
    return fail<OpTy>(loc, "batch dims of " + shapeString(a.getShape()) + " and " +
                               shapeString(b.getShape()) + " do not broadcast");
  SmallVector<int64_t> shape(*batch);
  if (!lhsVector)
    shape.push_back(as[as.size() - 2]);
  if (!rhsVector)
    shape.push_back(bs.back());
  types.push_back(RankedTensorType::get(shape, resultElement));
  return success();
}

template <typename OpTy>
LogicalResult inferReduce(std::optional<Location> loc, Value input,
                          std::optional<ArrayAttr> axesAttr, bool keepdims,
                          bool noopWithEmptyAxes, Type resultElement,
                          SmallVectorImpl<Type> &types) {
  RankedTensorType t = ranked(input);
  if (!t) {
    types.push_back(UnrankedTensorType::get(resultElement));
    return success();
  }
  SmallVector<int64_t> axes;
  if (axesAttr && !axesAttr->empty()) {
    auto n = normalizeAxes<OpTy>(loc, i64ArrayAttrValues(*axesAttr), t.getRank());
    if (failed(n))
      return failure();
    axes = *n;
  } else if (noopWithEmptyAxes) {
    types.push_back(RankedTensorType::get(t.getShape(), resultElement));
    return success();
  } else {
    axes = llvm::to_vector(llvm::seq<int64_t>(0, t.getRank()));
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < t.getRank(); ++i) {
    if (!llvm::is_contained(axes, i))
      shape.push_back(t.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(shape, resultElement));
  return success();
}

/// ONNX Slice bound clamping for one axis of static size `dim`.
int64_t slicedLength(int64_t dim, int64_t start, int64_t end, int64_t step) {
  auto clampIndex = [&](int64_t v, bool forStart) {
    if (v < 0)
      v += dim;
    if (step > 0)
      return std::clamp<int64_t>(v, 0, dim);
    // Negative steps: starts clamp to [0, dim-1], ends to [-1, dim-1].
    return std::clamp<int64_t>(v, forStart ? 0 : -1, dim - 1);
  };
  int64_t s = clampIndex(start, true), e = clampIndex(end, false);
  if (step > 0)
    return std::max<int64_t>(0, (e - s + step - 1) / step);
  return std::max<int64_t>(0, (s - e + (-step) - 1) / (-step));
}

} // namespace

namespace ternion::tern {

bool areCompatibleTensorTypes(TypeRange declared, TypeRange inferred) {
  if (declared.size() != inferred.size())
    return false;
  for (auto [d, i] : llvm::zip(declared, inferred)) {
    auto dt = dyn_cast<TensorType>(d), it = dyn_cast<TensorType>(i);
    if (!dt || !it || dt.getElementType() != it.getElementType())
      return false;
    if (dt.hasRank() && it.hasRank() &&
        failed(verifyCompatibleShape(dt.getShape(), it.getShape())))
      return false;
  }
  return true;
}

} // namespace ternion::tern

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

#define TERN_ARITH_BINARY(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &types) {           \
    return inferSameElementBroadcast<OP>(loc, adaptor.getLhs(), adaptor.getRhs(), \
                                         elementTypeOf(adaptor.getLhs()), types); \
  }
TERN_ARITH_BINARY(AddOp)
TERN_ARITH_BINARY(SubOp)
TERN_ARITH_BINARY(MulOp)
TERN_ARITH_BINARY(DivOp)
TERN_ARITH_BINARY(MinOp)
TERN_ARITH_BINARY(MaxOp)
TERN_ARITH_BINARY(AndOp)
TERN_ARITH_BINARY(OrOp)
#undef TERN_ARITH_BINARY

#define TERN_COMPARE_BINARY(OP)                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc, \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &types) {           \
    return inferSameElementBroadcast<OP>(loc, adaptor.getLhs(), adaptor.getRhs(), \
                                         IntegerType::get(ctx, 1), types);     \
  }
TERN_COMPARE_BINARY(EqualOp)
TERN_COMPARE_BINARY(LessOp)
TERN_COMPARE_BINARY(GreaterOp)
#undef TERN_COMPARE_BINARY

LogicalResult PowOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferBroadcast<PowOp>(loc, {adaptor.getLhs(), adaptor.getRhs()},
                               elementTypeOf(adaptor.getLhs()), types);
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (elementTypeOf(adaptor.getX()) != elementTypeOf(adaptor.getY()))
    return fail<WhereOp>(loc, "x and y element types differ");
  return inferBroadcast<WhereOp>(
      loc, {adaptor.getCondition(), adaptor.getX(), adaptor.getY()},
      elementTypeOf(adaptor.getX()), types);
}

#define TERN_SAME_TYPE(OP)                                                     \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,   \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &types) {           \
    types.push_back(adaptor.getInput().getType());                             \
    return success();                                                          \
  }
TERN_SAME_TYPE(SqrtOp)
TERN_SAME_TYPE(NegOp)
TERN_SAME_TYPE(AbsOp)
TERN_SAME_TYPE(ExpOp)
TERN_SAME_TYPE(LogOp)
TERN_SAME_TYPE(ReciprocalOp)
TERN_SAME_TYPE(ErfOp)
TERN_SAME_TYPE(TanhOp)
TERN_SAME_TYPE(SigmoidOp)
TERN_SAME_TYPE(ReluOp)
TERN_SAME_TYPE(SinOp)
TERN_SAME_TYPE(CosOp)
TERN_SAME_TYPE(RoundOp)
TERN_SAME_TYPE(NotOp)
TERN_SAME_TYPE(IdentityOp)
TERN_SAME_TYPE(ClipOp)
TERN_SAME_TYPE(CumSumOp)
TERN_SAME_TYPE(LayerNormOp)
#undef TERN_SAME_TYPE

LogicalResult CastOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(cast<TensorType>(adaptor.getInput().getType())
                      .clone(adaptor.getTo()));
  return success();
}

//===----------------------------------------------------------------------===//
// Contractions and normalizations
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (elementTypeOf(adaptor.getLhs()) != elementTypeOf(adaptor.getRhs()))
    return fail<MatMulOp>(loc, "operand element types differ");
  return inferMatMul<MatMulOp>(loc, adaptor.getLhs(), adaptor.getRhs(),
                               elementTypeOf(adaptor.getLhs()), types);
}

LogicalResult MatMulIntegerOp::inferReturnTypes(MLIRContext *ctx,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  return inferMatMul<MatMulIntegerOp>(loc, adaptor.getA(), adaptor.getB(),
                                      IntegerType::get(ctx, 32), types);
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Type element = elementTypeOf(adaptor.getA());
  RankedTensorType a = ranked(adaptor.getA()), b = ranked(adaptor.getB());
  if (!a || !b) {
    types.push_back(UnrankedTensorType::get(element));
    return success();
  }
  if (a.getRank() != 2 || b.getRank() != 2)
    return fail<GemmOp>(loc, "A and B must be 2-D, got " + shapeString(a.getShape()) +
                                 " and " + shapeString(b.getShape()));
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t k1 = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t k2 = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (!mergeDims(k1, k2))
    return fail<GemmOp>(loc, "contraction dims differ: " + Twine(k1) + " vs " + Twine(k2));
  SmallVector<int64_t> shape{m, n};
  if (Value c = adaptor.getC()) {
    if (RankedTensorType ct = ranked(c)) {
      auto merged = broadcastShapes(shape, ct.getShape());
      if (!merged || merged->size() != 2 ||
          failed(verifyCompatibleShape(*merged, shape)))
        return fail<GemmOp>(loc, "C of shape " + shapeString(ct.getShape()) +
                                     " does not broadcast to " + shapeString(shape));
    }
  }
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

template <typename OpTy>
static LogicalResult inferSoftmaxLike(std::optional<Location> loc, Value input,
                                      int64_t axis, SmallVectorImpl<Type> &types) {
  if (RankedTensorType t = ranked(input))
    if (!normalizeAxis(axis, t.getRank()))
      return fail<OpTy>(loc, "axis " + Twine(axis) + " is out of range for rank " +
                                 Twine(t.getRank()));
  types.push_back(input.getType());
  return success();
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferSoftmaxLike<SoftmaxOp>(loc, adaptor.getInput(), adaptor.getAxis(), types);
}

LogicalResult LogSoftmaxOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &types) {
  return inferSoftmaxLike<LogSoftmaxOp>(loc, adaptor.getInput(), adaptor.getAxis(),
                                        types);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

#define TERN_REDUCE(OP)                                                        \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &types) {           \
    return inferReduce<OP>(loc, adaptor.getInput(), adaptor.getAxes(),         \
                           adaptor.getKeepdims(), adaptor.getNoopWithEmptyAxes(), \
                           elementTypeOf(adaptor.getInput()), types);          \
  }
TERN_REDUCE(ReduceMeanOp)
TERN_REDUCE(ReduceSumOp)
TERN_REDUCE(ReduceMaxOp)
#undef TERN_REDUCE

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Builder b(ctx);
  return inferReduce<ArgMaxOp>(loc, adaptor.getInput(),
                               b.getI64ArrayAttr({int64_t(adaptor.getAxis())}),
                               adaptor.getKeepdims(), false, b.getI64Type(), types);
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  ArrayRef<int64_t> perm = adaptor.getPerm();
  RankedTensorType t = ranked(adaptor.getInput());
  if (!t) {
    types.push_back(adaptor.getInput().getType());
    return success();
  }
  SmallVector<bool> seen(t.getRank(), false);
  if (int64_t(perm.size()) != t.getRank())
    return fail<TransposeOp>(loc, "perm has " + Twine(perm.size()) +
                                      " entries for an input of rank " + Twine(t.getRank()));
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= t.getRank() || seen[p])
      return fail<TransposeOp>(loc, "perm is not a permutation of [0, " +
                                        Twine(t.getRank()) + ")");
    seen[p] = true;
    shape.push_back(t.getDimSize(p));
  }
  types.push_back(RankedTensorType::get(shape, t.getElementType()));
  return success();
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Type element = elementTypeOf(adaptor.getInput());
  RankedTensorType shapeType = ranked(adaptor.getShape());
  if (failed(checkShapeOperand<ReshapeOp>(loc, shapeType)))
    return failure();
  auto values = getConstantIntValues(adaptor.getShape());
  if (!values) {
    if (shapeType.isDynamicDim(0)) {
      types.push_back(UnrankedTensorType::get(element));
      return success();
    }
    // torch builds target shapes as Concat(batch, sequence, heads, head_dim)
    // with some pieces constant: those dims are known even though the
    // shape value is not.
    SmallVector<int64_t> shape(shapeType.getDimSize(0), ShapedType::kDynamic);
    if (auto concat = adaptor.getShape().getDefiningOp<ConcatOp>()) {
      RankedTensorType in = ranked(adaptor.getInput());
      size_t next = 0;
      for (Value piece : concat.getInputs()) {
        RankedTensorType pieceType = ranked(piece);
        if (!pieceType || pieceType.getRank() != 1 || pieceType.isDynamicDim(0))
          break;
        auto pieceValues = getConstantIntValues(piece);
        for (int64_t j = 0; j < pieceType.getDimSize(0) && next < shape.size(); ++j, ++next) {
          if (!pieceValues)
            continue;
          int64_t v = (*pieceValues)[j];
          if (v > 0)
            shape[next] = v;
          else if (v == 0 && !adaptor.getAllowzero() && in && int64_t(next) < in.getRank())
            shape[next] = in.getDimSize(next);
        }
      }
    }
    types.push_back(RankedTensorType::get(shape, element));
    return success();
  }
  RankedTensorType in = ranked(adaptor.getInput());
  SmallVector<int64_t> shape;
  int64_t inferredIndex = -1;
  for (auto [i, v] : llvm::enumerate(*values)) {
    if (v == -1) {
      if (inferredIndex >= 0)
        return fail<ReshapeOp>(loc, "shape has more than one -1");
      inferredIndex = i;
      shape.push_back(ShapedType::kDynamic);
    } else if (v == 0 && !adaptor.getAllowzero()) {
      if (in && int64_t(i) >= in.getRank())
        return fail<ReshapeOp>(loc, "shape copies dim " + Twine(i) +
                                        " (0) of an input of rank " + Twine(in.getRank()));
      shape.push_back(in ? in.getDimSize(i) : ShapedType::kDynamic);
    } else if (v < 0) {
      return fail<ReshapeOp>(loc, "shape has invalid dim " + Twine(v));
    } else {
      shape.push_back(v);
    }
  }
  if (in && in.hasStaticShape()) {
    int64_t known = 1;
    bool allStatic = true;
    for (auto [i, d] : llvm::enumerate(shape))
      if (int64_t(i) != inferredIndex) {
        if (ShapedType::isDynamic(d))
          allStatic = false;
        else
          known *= d;
      }
    if (allStatic && inferredIndex >= 0) {
      if (known == 0 || in.getNumElements() % known != 0)
        return fail<ReshapeOp>(loc, "cannot reshape " + shapeString(in.getShape()) +
                                        " to " + shapeString(*values));
      shape[inferredIndex] = in.getNumElements() / known;
    } else if (allStatic && known != in.getNumElements()) {
      return fail<ReshapeOp>(loc, "cannot reshape " + shapeString(in.getShape()) +
                                      " (" + Twine(in.getNumElements()) + " elements) to " +
                                      shapeString(shape));
    }
  }
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType t = ranked(adaptor.getInput());
  Type element = elementTypeOf(adaptor.getInput());
  if (!t) {
    types.push_back(RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                                          element));
    return success();
  }
  int64_t axis = adaptor.getAxis();
  if (axis < 0)
    axis += t.getRank();
  if (axis < 0 || axis > t.getRank())
    return fail<FlattenOp>(loc, "axis " + Twine(adaptor.getAxis()) +
                                    " is out of range for rank " + Twine(t.getRank()));
  auto product = [&](int64_t from, int64_t to) {
    int64_t p = 1;
    for (int64_t i = from; i < to; ++i) {
      if (t.isDynamicDim(i))
        return ShapedType::kDynamic;
      p *= t.getDimSize(i);
    }
    return p;
  };
  types.push_back(
      RankedTensorType::get({product(0, axis), product(axis, t.getRank())}, element));
  return success();
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType t = ranked(adaptor.getInput());
  if (!t) {
    types.push_back(adaptor.getInput().getType());
    return success();
  }
  SmallVector<int64_t> axes;
  if (auto attr = adaptor.getAxes()) {
    auto n = normalizeAxes<SqueezeOp>(loc, i64ArrayAttrValues(*attr), t.getRank());
    if (failed(n))
      return failure();
    axes = *n;
    for (int64_t a : axes)
      if (!t.isDynamicDim(a) && t.getDimSize(a) != 1)
        return fail<SqueezeOp>(loc, "cannot squeeze dim " + Twine(a) + " of size " +
                                        Twine(t.getDimSize(a)));
  } else {
    for (int64_t i = 0; i < t.getRank(); ++i) {
      if (t.isDynamicDim(i)) {
        types.push_back(UnrankedTensorType::get(t.getElementType()));
        return success();
      }
      if (t.getDimSize(i) == 1)
        axes.push_back(i);
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (!llvm::is_contained(axes, i))
      shape.push_back(t.getDimSize(i));
  types.push_back(RankedTensorType::get(shape, t.getElementType()));
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType t = ranked(adaptor.getInput());
  if (!t) {
    types.push_back(adaptor.getInput().getType());
    return success();
  }
  SmallVector<int64_t> raw = i64ArrayAttrValues(adaptor.getAxes());
  int64_t outRank = t.getRank() + raw.size();
  auto axes = normalizeAxes<UnsqueezeOp>(loc, raw, outRank);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t i = 0; i < outRank; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : t.getDimSize(next++));
  types.push_back(RankedTensorType::get(shape, t.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return fail<ConcatOp>(loc, "needs at least one input");
  Type element = elementTypeOf(adaptor.getInputs().front());
  SmallVector<int64_t> shape;
  std::optional<int64_t> axis;
  for (Value v : adaptor.getInputs()) {
    if (elementTypeOf(v) != element)
      return fail<ConcatOp>(loc, "inputs have different element types");
    RankedTensorType t = ranked(v);
    if (!t) {
      types.push_back(UnrankedTensorType::get(element));
      return success();
    }
    if (!axis) {
      axis = normalizeAxis(adaptor.getAxis(), t.getRank());
      if (!axis)
        return fail<ConcatOp>(loc, "axis " + Twine(int64_t(adaptor.getAxis())) +
                                       " is out of range for rank " + Twine(t.getRank()));
      shape.assign(t.getShape().begin(), t.getShape().end());
      continue;
    }
    if (t.getRank() != int64_t(shape.size()))
      return fail<ConcatOp>(loc, "inputs have different ranks");
    for (int64_t i = 0; i < t.getRank(); ++i) {
      int64_t d = t.getDimSize(i);
      if (i == *axis) {
        shape[i] = (ShapedType::isDynamic(shape[i]) || ShapedType::isDynamic(d))
                       ? ShapedType::kDynamic
                       : shape[i] + d;
      } else if (auto m = mergeDims(shape[i], d)) {
        shape[i] = *m;
      } else {
        return fail<ConcatOp>(loc, "inputs differ in dim " + Twine(i) + " (" +
                                       Twine(shape[i]) + " vs " + Twine(d) + ")");
      }
    }
  }
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Type element = elementTypeOf(adaptor.getInput());
  std::optional<ArrayRef<int64_t>> sizes = adaptor.getSplit();
  std::optional<uint64_t> count = adaptor.getNumOutputs();
  if (sizes.has_value() == count.has_value())
    return fail<SplitOp>(loc, "needs exactly one of 'split' and 'num_outputs'");
  int64_t n = sizes ? int64_t(sizes->size()) : int64_t(*count);
  if (n < 1)
    return fail<SplitOp>(loc, "needs at least one output");
  RankedTensorType t = ranked(adaptor.getInput());
  if (!t) {
    types.append(n, UnrankedTensorType::get(element));
    return success();
  }
  auto axis = normalizeAxis(adaptor.getAxis(), t.getRank());
  if (!axis)
    return fail<SplitOp>(loc, "axis " + Twine(int64_t(adaptor.getAxis())) +
                                  " is out of range for rank " + Twine(t.getRank()));
  int64_t dim = t.getDimSize(*axis);
  SmallVector<int64_t> pieces;
  if (sizes) {
    int64_t total = 0;
    for (int64_t s : *sizes) {
      if (s < 0)
        return fail<SplitOp>(loc, "split size " + Twine(s) + " is negative");
      total += s;
    }
    if (!ShapedType::isDynamic(dim) && total != dim)
      return fail<SplitOp>(loc, "split sizes sum to " + Twine(total) + " but dim " +
                                    Twine(*axis) + " is " + Twine(dim));
    pieces.assign(sizes->begin(), sizes->end());
  } else if (ShapedType::isDynamic(dim)) {
    pieces.assign(n, ShapedType::kDynamic);
  } else {
    int64_t chunk = (dim + n - 1) / n;
    for (int64_t i = 0; i < n; ++i)
      pieces.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  }
  for (int64_t piece : pieces) {
    SmallVector<int64_t> shape(t.getShape());
    shape[*axis] = piece;
    types.push_back(RankedTensorType::get(shape, element));
  }
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType t = ranked(adaptor.getInput());
  for (Value v : {adaptor.getStarts(), adaptor.getEnds(), adaptor.getAxes(),
                  adaptor.getSteps()})
    if (v && ranked(v) && ranked(v).getRank() != 1)
      return fail<SliceOp>(loc, "starts, ends, axes and steps must be 1-D");
  if (!t) {
    types.push_back(adaptor.getInput().getType());
    return success();
  }
  auto starts = getConstantIntValues(adaptor.getStarts());
  auto ends = getConstantIntValues(adaptor.getEnds());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (adaptor.getAxes())
    axes = getConstantIntValues(adaptor.getAxes());
  if (adaptor.getSteps())
    steps = getConstantIntValues(adaptor.getSteps());
  SmallVector<int64_t> shape(t.getShape());
  // Without constant axes any dim may be sliced.
  if (adaptor.getAxes() && !axes) {
    types.push_back(RankedTensorType::get(
        SmallVector<int64_t>(t.getRank(), ShapedType::kDynamic), t.getElementType()));
    return success();
  }
  int64_t count = -1;
  if (RankedTensorType st = ranked(adaptor.getStarts()))
    count = st.getDimSize(0);
  if (axes)
    count = axes->size();
  if (count < 0 && starts)
    count = starts->size();
  if (count < 0) {
    types.push_back(RankedTensorType::get(
        SmallVector<int64_t>(t.getRank(), ShapedType::kDynamic), t.getElementType()));
    return success();
  }
  if ((starts && int64_t(starts->size()) != count) ||
      (ends && int64_t(ends->size()) != count) ||
      (steps && int64_t(steps->size()) != count))
    return fail<SliceOp>(loc, "starts, ends, axes and steps differ in length");
  SmallVector<int64_t> axisList;
  if (axes) {
    auto n = normalizeAxes<SliceOp>(loc, *axes, t.getRank());
    if (failed(n))
      return failure();
    axisList = *n;
  } else {
    if (count > t.getRank())
      return fail<SliceOp>(loc, "slices " + Twine(count) + " axes of a rank-" +
                                    Twine(t.getRank()) + " input");
    axisList = llvm::to_vector(llvm::seq<int64_t>(0, count));
  }
  for (auto [i, axis] : llvm::enumerate(axisList)) {
    int64_t step = steps ? (*steps)[i] : 1;
    if (steps && step == 0)
      return fail<SliceOp>(loc, "step of axis " + Twine(axis) + " is 0");
    if (!starts || !ends || (adaptor.getSteps() && !steps) || t.isDynamicDim(axis)) {
      shape[axis] = ShapedType::kDynamic;
      continue;
    }
    shape[axis] = slicedLength(t.getDimSize(axis), (*starts)[i], (*ends)[i], step);
  }
  types.push_back(RankedTensorType::get(shape, t.getElementType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType data = ranked(adaptor.getInput());
  RankedTensorType indices = ranked(adaptor.getIndices());
  Type element = elementTypeOf(adaptor.getInput());
  if (!data || !indices) {
    types.push_back(UnrankedTensorType::get(element));
    return success();
  }
  auto axis = normalizeAxis(adaptor.getAxis(), data.getRank());
  if (!axis)
    return fail<GatherOp>(loc, "axis " + Twine(int64_t(adaptor.getAxis())) +
                                   " is out of range for rank " + Twine(data.getRank()));
  if (auto values = getConstantIntValues(adaptor.getIndices());
      values && !data.isDynamicDim(*axis)) {
    int64_t dim = data.getDimSize(*axis);
    for (int64_t v : *values)
      if (v < -dim || v >= dim)
        return fail<GatherOp>(loc, "index " + Twine(v) + " is out of range for dim " +
                                       Twine(*axis) + " of size " + Twine(dim));
  }
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                 Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType data = ranked(adaptor.getInput());
  RankedTensorType indices = ranked(adaptor.getIndices());
  Type element = elementTypeOf(adaptor.getInput());
  if (!data || !indices) {
    types.push_back(indices ? Type(RankedTensorType::get(indices.getShape(), element))
                            : Type(UnrankedTensorType::get(element)));
    return success();
  }
  if (data.getRank() != indices.getRank())
    return fail<GatherElementsOp>(loc, "indices of rank " + Twine(indices.getRank()) +
                                           " for input of rank " + Twine(data.getRank()) +
                                           " (they must match)");
  auto axis = normalizeAxis(adaptor.getAxis(), data.getRank());
  if (!axis)
    return fail<GatherElementsOp>(loc, "axis " + Twine(int64_t(adaptor.getAxis())) +
                                           " is out of range for rank " + Twine(data.getRank()));
  for (int64_t d = 0; d < data.getRank(); ++d)
    if (d != *axis && !data.isDynamicDim(d) && !indices.isDynamicDim(d) &&
        indices.getDimSize(d) > data.getDimSize(d))
      return fail<GatherElementsOp>(loc, "indices " + shapeString(indices.getShape()) +
                                             " exceed input " + shapeString(data.getShape()) +
                                             " in dim " + Twine(d));
  types.push_back(RankedTensorType::get(indices.getShape(), element));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType data = ranked(adaptor.getInput());
  RankedTensorType indices = ranked(adaptor.getIndices());
  Type element = elementTypeOf(adaptor.getInput());
  if (!data || !indices) {
    types.push_back(UnrankedTensorType::get(element));
    return success();
  }
  int64_t r = data.getRank(), q = indices.getRank(), b = adaptor.getBatchDims();
  if (r < 1 || q < 1)
    return fail<GatherNDOp>(loc, "input and indices need rank 1 or more");
  if (b < 0 || b >= std::min(r, q))
    return fail<GatherNDOp>(loc, "batch_dims " + Twine(b) + " must be in [0, min(rank(input), "
                                     "rank(indices)) = " + Twine(std::min(r, q)) + ")");
  int64_t m = indices.getDimSize(q - 1);
  if (ShapedType::isDynamic(m))
    return fail<GatherNDOp>(loc, "the last dim of indices (the index tuple length) must be "
                                 "static: it decides the result rank");
  if (m < 1 || b + m > r)
    return fail<GatherNDOp>(loc, "index tuples of length " + Twine(m) + " after " + Twine(b) +
                                     " batch dims do not fit input of rank " + Twine(r));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < q - 1; ++d) {
    int64_t dim = indices.getDimSize(d);
    if (d < b) {
      auto merged = mergeDims(dim, data.getDimSize(d));
      if (!merged)
        return fail<GatherNDOp>(loc, "batch dim " + Twine(d) + " differs: indices " +
                                         shapeString(indices.getShape()) + ", input " +
                                         shapeString(data.getShape()));
      dim = *merged;
    }
    shape.push_back(dim);
  }
  llvm::append_range(shape, data.getShape().drop_front(b + m));
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Type element = elementTypeOf(adaptor.getInput());
  RankedTensorType shapeType = ranked(adaptor.getShape());
  if (failed(checkShapeOperand<ExpandOp>(loc, shapeType)))
    return failure();
  RankedTensorType in = ranked(adaptor.getInput());
  auto values = getConstantIntValues(adaptor.getShape());
  if (!in || (!values && shapeType.isDynamicDim(0))) {
    types.push_back(UnrankedTensorType::get(element));
    return success();
  }
  SmallVector<int64_t> target;
  if (values) {
    for (int64_t v : *values) {
      if (v < 0)
        return fail<ExpandOp>(loc, "shape has negative dim " + Twine(v));
      target.push_back(v);
    }
  } else {
    target.assign(shapeType.getDimSize(0), ShapedType::kDynamic);
  }
  // A `?` in a non-constant target may be 1, so dims where the input is
  // static stay unknown unless the target is constant.
  SmallVector<int64_t> shape;
  size_t rank = std::max<size_t>(in.getRank(), target.size());
  for (size_t i = 0; i < rank; ++i) {
    int64_t d = i < rank - in.getRank() ? 1 : in.getDimSize(i - (rank - in.getRank()));
    int64_t s = i < rank - target.size() ? 1 : target[i - (rank - target.size())];
    if (!values) {
      shape.push_back(ShapedType::kDynamic);
    } else if (s == 1) {
      shape.push_back(d);
    } else if (d == 1 || ShapedType::isDynamic(d) || d == s) {
      shape.push_back(s);
    } else {
      return fail<ExpandOp>(loc, "cannot expand " + shapeString(in.getShape()) + " to " +
                                     shapeString(target));
    }
  }
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location>,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Type i64 = IntegerType::get(ctx, 64);
  RankedTensorType t = ranked(adaptor.getInput());
  if (!t) {
    types.push_back(RankedTensorType::get({ShapedType::kDynamic}, i64));
    return success();
  }
  int64_t rank = t.getRank();
  auto clampBound = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampBound(adaptor.getStart());
  int64_t end = adaptor.getEnd() ? clampBound(int64_t(*adaptor.getEnd())) : rank;
  types.push_back(RankedTensorType::get({std::max<int64_t>(0, end - start)}, i64));
  return success();
}

LogicalResult TriluOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (RankedTensorType t = ranked(adaptor.getInput()); t && t.getRank() < 2)
    return fail<TriluOp>(loc, "input must have rank >= 2, got " + Twine(t.getRank()));
  types.push_back(adaptor.getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Constants and generators
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(cast<TypedAttr>(adaptor.getValue()).getType());
  return success();
}

LogicalResult ConstantOfShapeOp::inferReturnTypes(MLIRContext *,
                                                  std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  Type element = adaptor.getValue().getElementType();
  RankedTensorType shapeType = ranked(adaptor.getShape());
  if (failed(checkShapeOperand<ConstantOfShapeOp>(loc, shapeType)))
    return failure();
  if (auto values = getConstantIntValues(adaptor.getShape())) {
    for (int64_t v : *values)
      if (v < 0)
        return fail<ConstantOfShapeOp>(loc, "shape has negative dim " + Twine(v));
    types.push_back(RankedTensorType::get(*values, element));
  } else if (shapeType.isDynamicDim(0)) {
    types.push_back(UnrankedTensorType::get(element));
  } else {
    types.push_back(RankedTensorType::get(
        SmallVector<int64_t>(shapeType.getDimSize(0), ShapedType::kDynamic), element));
  }
  return success();
}

LogicalResult RangeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Type element = elementTypeOf(adaptor.getStart());
  for (Value v : {adaptor.getStart(), adaptor.getLimit(), adaptor.getDelta()}) {
    if (elementTypeOf(v) != element)
      return fail<RangeOp>(loc, "start, limit and delta element types differ");
    if (RankedTensorType t = ranked(v); t && t.getNumElements() != 1)
      return fail<RangeOp>(loc, "start, limit and delta must be scalars");
  }
  auto start = getConstantScalarFloat(adaptor.getStart());
  auto limit = getConstantScalarFloat(adaptor.getLimit());
  auto delta = getConstantScalarFloat(adaptor.getDelta());
  int64_t length = ShapedType::kDynamic;
  if (delta && *delta == 0)
    return fail<RangeOp>(loc, "delta is 0");
  if (start && limit && delta)
    length = std::max<int64_t>(0, int64_t(std::ceil((*limit - *start) / *delta)));
  types.push_back(RankedTensorType::get({length}, element));
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

LogicalResult QuantizeLinearOp::inferReturnTypes(MLIRContext *ctx,
                                                 std::optional<Location>,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  Type element = adaptor.getZeroPoint()
                     ? elementTypeOf(adaptor.getZeroPoint())
                     : IntegerType::get(ctx, 8, IntegerType::Unsigned);
  types.push_back(cast<TensorType>(adaptor.getInput().getType()).clone(element));
  return success();
}

LogicalResult DequantizeLinearOp::inferReturnTypes(MLIRContext *,
                                                   std::optional<Location>,
                                                   Adaptor adaptor,
                                                   SmallVectorImpl<Type> &types) {
  types.push_back(cast<TensorType>(adaptor.getInput().getType())
                      .clone(elementTypeOf(adaptor.getScale())));
  return success();
}

LogicalResult DynamicQuantizeLinearOp::inferReturnTypes(MLIRContext *ctx,
                                                        std::optional<Location>,
                                                        Adaptor adaptor,
                                                        SmallVectorImpl<Type> &types) {
  Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  types.push_back(cast<TensorType>(adaptor.getInput().getType()).clone(u8));
  types.push_back(RankedTensorType::get({}, Float32Type::get(ctx)));
  types.push_back(RankedTensorType::get({}, u8));
  return success();
}

//===----------------------------------------------------------------------===//
// High-level ops
//===----------------------------------------------------------------------===//

/// N of a linear's stored weight under `format` (dynamic when unknown);
/// failure when the weight's rank is not the format's.
static FailureOr<int64_t> linearOutputFeatures(RankedTensorType weight,
                                               WeightFormatAttrInterface format) {
  return format.getOutputFeatures(weight.getShape());
}

/// "a weight packed in panels of 2 must be a 3-D [N / 2, K, 2] tensor".
static std::string describeStoredWeight(WeightFormatAttrInterface format) {
  if (auto panels = dyn_cast<PanelsAttr>(format)) {
    std::string p = std::to_string(panels.getWidth());
    return "a weight packed in panels of " + p + " must be a 3-D [N / " + p + ", K, " + p +
           "] tensor";
  }
  return "weight must be a 2-D [N, K] tensor";
}

LogicalResult LinearOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType in = ranked(adaptor.getInput());
  RankedTensorType w = ranked(adaptor.getWeight());
  WeightFormatAttrInterface format = adaptor.getWeightFormatAttr();
  if (!format)
    format = RowsAttr::get(ctx);
  // tern.linear multiplies float weights; packed codes need the scales and
  // kernels of the ops that carry them.
  if (!isa<RowsAttr, PanelsAttr>(format)) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << format;
    return fail<LinearOp>(loc, "holds float weights; " + Twine(text) +
                                   " is a format of packed codes, which tern.linear cannot read");
  }
  FailureOr<int64_t> n = w ? linearOutputFeatures(w, format) : FailureOr<int64_t>(failure());
  if (failed(n))
    return fail<LinearOp>(loc, describeStoredWeight(format));
  // Panels may store f32 weights in 16 bits (ternion-compile
  // --weights-dtype): the kernels widen them to the input's f32.
  Type inputElement = elementTypeOf(adaptor.getInput()), weightElement = w.getElementType();
  bool narrowedPanels = isa<PanelsAttr>(format) && inputElement && inputElement.isF32() &&
                        (weightElement.isF16() || weightElement.isBF16());
  if (inputElement != weightElement && !narrowedPanels)
    return fail<LinearOp>(loc, "input and weight element types differ");
  if (!in || in.getRank() < 1)
    return fail<LinearOp>(loc, "input must be a ranked tensor of rank >= 1");
  int64_t k = w.getDimSize(1); // K is dim 1 of rows and of panels
  if (!mergeDims(in.getShape().back(), k))
    return fail<LinearOp>(loc, "input features " + Twine(in.getShape().back()) +
                                   " differ from weight K " + Twine(k));
  if (Value bias = adaptor.getBias()) {
    RankedTensorType b = ranked(bias);
    if (!b || b.getRank() != 1 || !mergeDims(b.getDimSize(0), *n))
      return fail<LinearOp>(loc, "bias must be a 1-D tensor of " + Twine(*n) + " elements");
  }
  SmallVector<int64_t> shape(in.getShape());
  shape.back() = *n;
  types.push_back(RankedTensorType::get(shape, inputElement));
  return success();
}

WeightFormatAttrInterface LinearOp::getWeightFormatOrRows() {
  if (WeightFormatAttrInterface format = getWeightFormatAttr())
    return format;
  return RowsAttr::get(getContext());
}

int64_t LinearOp::getOutputFeatures() {
  FailureOr<int64_t> n = linearOutputFeatures(cast<RankedTensorType>(getWeight().getType()),
                                              getWeightFormatOrRows());
  return succeeded(n) ? *n : ShapedType::kDynamic;
}

LogicalResult TernaryLinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  RankedTensorType in = ranked(adaptor.getInput());
  RankedTensorType codes = ranked(adaptor.getCodes());
  TernaryAttr format = adaptor.getWeightFormatAttr();
  if (!in || in.getRank() < 1 || in.isDynamicDim(in.getRank() - 1))
    return fail<TernaryLinearOp>(loc, "input must be a ranked tensor whose last dim (K) is static");
  if (!format)
    return fail<TernaryLinearOp>(loc, "needs a #tern.ternary weight_format");
  FailureOr<int64_t> outputFeatures =
      codes ? format.getOutputFeatures(codes.getShape()) : FailureOr<int64_t>(failure());
  if (failed(outputFeatures)) {
    std::string lanes = std::to_string(format.getLanes());
    return fail<TernaryLinearOp>(loc, format.interleavesRows()
                                          ? "codes must be a 3-D [N / " + lanes + ", row bytes, " +
                                                lanes + "] i8 tensor"
                                          : std::string("codes must be a 2-D [N, row bytes] i8 "
                                                        "tensor"));
  }
  int64_t k = in.getShape().back();
  int64_t rowBytes = format.getRowBytes(k);
  if (!mergeDims(codes.getDimSize(1), rowBytes))
    return fail<TernaryLinearOp>(loc, "codes rows hold " + Twine(codes.getDimSize(1)) +
                                          " bytes, but K = " + Twine(k) + " in this format needs " +
                                          Twine(rowBytes));
  int64_t n = *outputFeatures;
  if (Value bias = adaptor.getBias()) {
    RankedTensorType b = ranked(bias);
    if (!b || b.getRank() != 1 || !mergeDims(b.getDimSize(0), n) ||
        b.getElementType() != in.getElementType())
      return fail<TernaryLinearOp>(loc, "bias must be a 1-D tensor of " + Twine(n) +
                                            " elements of the input's type");
  }
  if (!in.getElementType().isF32())
    return fail<TernaryLinearOp>(loc, "input must be f32");
  SmallVector<int64_t> shape(in.getShape());
  shape.back() = n;
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

int64_t TernaryLinearOp::getInputFeatures() {
  return cast<RankedTensorType>(getInput().getType()).getShape().back();
}

LogicalResult QuantizedLinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  RankedTensorType in = ranked(adaptor.getInput());
  RankedTensorType codes = ranked(adaptor.getCodes());
  GroupQuantizedAttr format = adaptor.getWeightFormatAttr();
  if (!in || in.getRank() < 1 || in.isDynamicDim(in.getRank() - 1) ||
      !in.getElementType().isF32())
    return fail<QuantizedLinearOp>(loc, "input must be a ranked f32 tensor whose last dim (K) "
                                        "is static");
  if (!format)
    return fail<QuantizedLinearOp>(loc, "needs a #tern.group_quantized weight_format");
  if (!codes || codes.getRank() != 2)
    return fail<QuantizedLinearOp>(loc, "codes must be a 2-D [N, row bytes] i8 tensor");
  int64_t k = in.getShape().back();
  int64_t rowBytes = format.getRowBytes(k);
  if (!mergeDims(codes.getDimSize(1), rowBytes))
    return fail<QuantizedLinearOp>(loc, "codes rows hold " + Twine(codes.getDimSize(1)) +
                                            " bytes, but K = " + Twine(k) + " in this format needs " +
                                            Twine(rowBytes));
  int64_t n = codes.getDimSize(0);
  int64_t groups = format.getGroupCount(k);
  for (auto [name, side] : {std::pair<StringRef, Value>{"scales", adaptor.getScales()},
                            {"zeros", adaptor.getZeros()}}) {
    RankedTensorType t = ranked(side);
    if (!t || t.getRank() != 2 || !mergeDims(t.getDimSize(0), n) ||
        !mergeDims(t.getDimSize(1), groups))
      return fail<QuantizedLinearOp>(loc, Twine(name) + " must be [" + Twine(n) + ", " +
                                              Twine(groups) + "] (one per row and group)");
  }
  bool wantsColumns = format.getColumnScales().getValue();
  if (Value columns = adaptor.getColumnScales()) {
    RankedTensorType t = ranked(columns);
    if (!wantsColumns)
      return fail<QuantizedLinearOp>(loc, "has column_scales but its format says "
                                          "column_scales = false");
    if (!t || t.getRank() != 1 || !mergeDims(t.getDimSize(0), k))
      return fail<QuantizedLinearOp>(loc, "column_scales must be [" + Twine(k) + "]");
  } else if (wantsColumns) {
    return fail<QuantizedLinearOp>(loc, "its format says column_scales = true but it has none");
  }
  if (Value bias = adaptor.getBias()) {
    RankedTensorType b = ranked(bias);
    if (!b || b.getRank() != 1 || !mergeDims(b.getDimSize(0), n) ||
        b.getElementType() != in.getElementType())
      return fail<QuantizedLinearOp>(loc, "bias must be a 1-D tensor of " + Twine(n) +
                                              " elements of the input's type");
  }
  SmallVector<int64_t> shape(in.getShape());
  shape.back() = n;
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

int64_t QuantizedLinearOp::getInputFeatures() {
  return cast<RankedTensorType>(getInput().getType()).getShape().back();
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType q = ranked(adaptor.getQuery()), k = ranked(adaptor.getKey()),
                   v = ranked(adaptor.getValue());
  if (!q || !k || !v || q.getRank() != 4 || k.getRank() != 4 || v.getRank() != 4)
    return fail<AttentionOp>(loc, "query, key and value must be 4-D [batch, heads, "
                                  "sequence, head_dim] tensors");
  if (q.getElementType() != k.getElementType() || q.getElementType() != v.getElementType())
    return fail<AttentionOp>(loc, "query, key and value element types differ");
  if (!mergeDims(q.getDimSize(3), k.getDimSize(3)))
    return fail<AttentionOp>(loc, "query head_dim " + Twine(q.getDimSize(3)) +
                                      " differs from key head_dim " + Twine(k.getDimSize(3)));
  if (!mergeDims(k.getDimSize(2), v.getDimSize(2)) ||
      !mergeDims(k.getDimSize(1), v.getDimSize(1)))
    return fail<AttentionOp>(loc, "key " + shapeString(k.getShape()) + " and value " +
                                      shapeString(v.getShape()) + " disagree");
  int64_t hq = q.getDimSize(1), hkv = k.getDimSize(1);
  if (!ShapedType::isDynamic(hq) && !ShapedType::isDynamic(hkv) &&
      (hkv == 0 || hq % hkv != 0))
    return fail<AttentionOp>(loc, "query heads " + Twine(hq) +
                                      " are not a multiple of key/value heads " + Twine(hkv));
  if (Value mask = adaptor.getMask()) {
    if (RankedTensorType m = ranked(mask)) {
      SmallVector<int64_t> scores{q.getDimSize(0), hq, q.getDimSize(2), k.getDimSize(2)};
      auto merged = broadcastShapes(scores, m.getShape());
      if (!merged || merged->size() != 4 || failed(verifyCompatibleShape(*merged, scores)))
        return fail<AttentionOp>(loc, "mask of shape " + shapeString(m.getShape()) +
                                          " does not broadcast to the scores " +
                                          shapeString(scores));
    }
  }
  SmallVector<int64_t> shape(q.getShape());
  shape[3] = v.getDimSize(3);
  types.push_back(RankedTensorType::get(shape, q.getElementType()));
  return success();
}
